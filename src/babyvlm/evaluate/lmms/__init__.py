"""lmms-eval integration: babyvlm's DevCV and V1 tasks as lmms-eval tasks, babyvlm checkpoints as an
lmms-eval model.

- `taskdir.write_task_dir` writes a folder for `lmms-eval --include_path`: one YAML per task (task
  names are the leaderboard ids, `baby_pv` ...; metric keys are babyvlm's, `acc`, `group_score`,
  `acc_testing_adjusted` ...), a docs file per task, and a `utils.py` whose functions are `bridge`'s.
- `bridge` turns an lmms-eval doc back into babyvlm's own item (loaded by the harness's own loader,
  so the items, answer spaces and prompts are those `babyvlm eval` uses) and scores replies with
  the task's own scorer and metric definitions.
- `model.BabyVLMLmms` (`--model babyvlm`, registered through the `lmms_eval.models` entry point in
  `manifest`) runs a babyvlm HF checkpoint through babyvlm's HF adapter, each item as `babyvlm eval`
  runs it: generation, all rounds of a multi-round task, or the likelihood requests.

Only `model` and `manifest` import lmms_eval; the rest runs without it.
"""
