"""Write a task folder for `lmms-eval --include_path DIR`: babyvlm's tasks on one data folder.

    DIR/baby_pv.yaml ...         one task per found task, named by its leaderboard id (V1 tasks and
                                 tasks off the leaderboard: babyvlm_<name>)
    DIR/babyvlm_devcv.yaml       a group of every task written; babyvlm_devcv_generate: the tasks
                                 any generating model can run (no multi-round, no likelihood)
    DIR/docs/<task>.jsonl        one doc per item: {"task", "item_id", "taskdir"}
    DIR/utils.py                 the functions the YAMLs name (`babyvlm.evaluate.lmms.bridge`)
    DIR/eval_config.yml          the babyvlm eval settings; DIR/sources.json: the data folders

The items are found and loaded by the evaluation harness itself (`find_tasks`, `load_tasks`), so a
folder written from the same data and settings holds exactly the items `babyvlm eval` scores.
"""

from __future__ import annotations

from pathlib import Path

from babyvlm.config import write_config
from babyvlm.errors import InputError
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.lmms.bridge import CONFIG_FILE, SOURCES_FILE
from babyvlm.tasks.base import Task
from babyvlm.util.io import write_json, write_jsonl, write_text

GROUP = "babyvlm_devcv"
GROUP_GENERATE = "babyvlm_devcv_generate"

UTILS = '''"""Written by `babyvlm devcv lmms-tasks`: lmms-eval's hooks for babyvlm's tasks (see babyvlm.evaluate.lmms)."""

from babyvlm.evaluate.lmms.bridge import doc_to_target, doc_to_text, doc_to_visual, mean_defined, process_results

__all__ = ["doc_to_target", "doc_to_text", "doc_to_visual", "mean_defined", "process_results"]
'''


def lmms_task_name(task: Task) -> str:
    return task.leaderboard_id if task.suite == "devcv" and task.leaderboard_id else f"babyvlm_{task.name}"


def _yaml(name: str, task: Task, docs: Path, max_new: int) -> str:
    metrics = "\n".join(f"  - metric: {m}\n    aggregation: !function utils.mean_defined\n    higher_is_better: true"
                        for m in task.metrics)
    return (
        f"# babyvlm task {task.name} ({task.kind}); written by `babyvlm devcv lmms-tasks`, do not edit\n"
        f"task: {name}\n"
        "dataset_path: json\n"
        f"dataset_kwargs:\n  data_files:\n    test: {docs.resolve()}\n"
        "test_split: test\n"
        "output_type: generate_until\n"
        "doc_to_visual: !function utils.doc_to_visual\n"
        "doc_to_text: !function utils.doc_to_text\n"
        "doc_to_target: !function utils.doc_to_target\n"
        "process_results: !function utils.process_results\n"
        f"generation_kwargs:\n  max_new_tokens: {max_new}\n  do_sample: false\n  until: []\n"
        f"metric_list:\n{metrics}\n"
        f"metadata:\n  version: {task.version}\n  babyvlm_task: {task.name}\n  primary: {task.primary}\n"
    )


def write_task_dir(out: str | Path, cfg: EvalConfig, *, data: Path | None, v1_data: Path | None = None) -> list[str]:
    """Write the folder; returns the lmms-eval task names written."""
    from babyvlm.evaluate.harness import find_tasks, load_tasks
    from babyvlm.util.rejects import RejectLog

    if data is None and v1_data is None:
        raise InputError("give --data (and/or --v1-data)")
    out = Path(out).resolve()
    (out / "docs").mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yaml"):  # a rewrite leaves no task of an earlier data folder behind
        old.unlink()
    write_config(cfg, out, section="eval", name=CONFIG_FILE)
    write_json(out / SOURCES_FILE, {"data": str(Path(data).resolve()) if data else None,
                                      "v1_data": str(Path(v1_data).resolve()) if v1_data else None})
    write_text(out / "utils.py", UTILS)
    rejects = RejectLog(out / "rejects.jsonl")
    if rejects.path.exists():
        rejects.path.unlink()
    tasks, _ = load_tasks(find_tasks(cfg, data, v1_data), cfg, rejects)
    if not tasks:
        raise InputError(f"no task with items under {data or v1_data}")
    names, generate = [], []
    for td in tasks:
        task = td.task
        name = lmms_task_name(task)
        docs = out / "docs" / f"{name}.jsonl"
        write_jsonl(docs, [{"task": task.name, "item_id": item.id, "taskdir": str(out)} for item in td.items])
        max_new = cfg.max_new_tokens or task.max_new_tokens
        write_text(out / f"{name}.yaml", _yaml(name, task, docs, max_new))
        names.append(name)
        if task.kind == "generate":
            generate.append(name)
    write_text(out / f"{GROUP}.yaml", f"group: {GROUP}\ntask:\n" + "".join(f"  - {n}\n" for n in names))
    if generate:
        write_text(out / f"{GROUP_GENERATE}.yaml",
                   f"group: {GROUP_GENERATE}\ntask:\n" + "".join(f"  - {n}\n" for n in generate))
    return names
