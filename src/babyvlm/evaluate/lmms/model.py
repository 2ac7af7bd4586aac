"""`--model babyvlm` for lmms-eval: a babyvlm (HF Llava) checkpoint, each item run as `babyvlm eval` runs it.

    lmms-eval --model babyvlm --model_args pretrained=runs/demo/run/stage3/model \
        --tasks babyvlm_devcv --include_path runs/lmms_tasks --output_path runs/lmms

The tasks are `babyvlm devcv lmms-tasks` folders; every request is lmms-eval's `generate_until`, and the
reply is babyvlm's raw output for the item (the generated text, the replies of every round of a
multi-round task, or the likelihood of every request), which the task folder's `process_results`
scores with babyvlm's scorer. Needs lmms-eval (`pip install "babyvlm[lmms]"`, docs/evaluate.md).
"""

from __future__ import annotations

from typing import Any

from lmms_eval.api.model import lmms

from babyvlm.evaluate.adapters import load_adapter
from babyvlm.evaluate.adapters.base import AdapterOptions
from babyvlm.evaluate.lmms import bridge


class BabyVLMLmms(lmms):
    is_simple = True

    def __init__(self, pretrained: str, device: str = "auto", dtype: str = "auto", batch_size: int | str = 16,
                 image_cache: bool = True, prefix_cache: bool = True, **kwargs: Any):
        super().__init__()
        unknown = {k: v for k, v in kwargs.items() if v is not None and k not in ("max_batch_size",)}
        if unknown:
            raise ValueError(f"babyvlm: unknown model_args {sorted(unknown)} (pretrained, device, dtype, batch_size)")
        self.batch_size_per_gpu = max(1, int(batch_size))
        self.adapter = load_adapter(f"hf:{pretrained}", AdapterOptions(
            batch_size=self.batch_size_per_gpu, device=str(device), dtype=str(dtype),
            image_cache=bool(image_cache), prefix_cache=bool(prefix_cache)))
        self._started: set[str] = set()

    def generate_until(self, requests) -> list[str]:
        from babyvlm.evaluate.harness import item_outputs

        replies: list[str | None] = [None] * len(requests)
        by_task: dict[str, list[tuple[int, Any, Any]]] = {}
        for i, req in enumerate(requests):
            _ctx, _gen, _visual, doc_id, task_name, split = req.args
            doc = self.task_dict[task_name][split][doc_id]
            task, item, _ = bridge.item_of(doc)
            by_task.setdefault(task.name, []).append((i, item, doc))
        for name, entries in by_task.items():
            task, items, cfg = bridge.task_items(str(entries[0][2]["taskdir"]), name)
            if name not in self._started:  # the adapter's per-task set-up, once, on the task's items
                self.adapter.begin_task(task, list(items.values()), None)
                self._started.add(name)
            max_new = cfg.max_new_tokens or self.adapter.max_new_tokens(task)
            for start in range(0, len(entries), self.batch_size_per_gpu):
                chunk = entries[start: start + self.batch_size_per_gpu]
                outputs = item_outputs(self.adapter, task, [item for _, item, _ in chunk], max_new, cfg)
                for (i, _, _), out in zip(chunk, outputs):
                    replies[i] = bridge.encode_output(out)
        return [r if r is not None else "" for r in replies]

    def loglikelihood(self, requests) -> list[tuple[float, bool]]:
        raise NotImplementedError("babyvlm's tasks send every request as generate_until (likelihoods are scored "
                                  "inside the item); write the task folder with `babyvlm devcv lmms-tasks`")

    def generate_until_multi_round(self, requests) -> list[str]:
        raise NotImplementedError("babyvlm's multi-round tasks play all rounds inside generate_until")
