"""What the generated `utils.py` of an lmms-eval task folder calls: docs back to babyvlm items, replies
to babyvlm scores.

A doc is one line of the folder's `docs/<task>.jsonl`: {"task", "item_id", "taskdir"}. The folder's
`eval_config.yml` holds the babyvlm eval settings it was written with (data folders, split, parser,
prompts), so every process that reads a doc loads the same items the same way `babyvlm eval` does.

A reply is either plain text (any lmms-eval model, on a task of kind "generate": scored exactly as
babyvlm scores an adapter's reply) or the babyvlm model's encoded output (`encode_output`), which
also carries multi-round replies and likelihoods.
"""

from __future__ import annotations

import functools
import json
import math
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.evaluate.config import EvalConfig
from babyvlm.tasks.base import ScoreContext, Task
from babyvlm.tasks.conversation import Conversation
from babyvlm.tasks.items import Item
from babyvlm.util.io import read_json

CONFIG_FILE = "eval_config.yml"  # not .yaml: lmms-eval reads every *.yaml under --include_path as a task
SOURCES_FILE = "sources.json"  # the data folders the items were found in
OUTPUT_PREFIX = "babyvlm-output:"


def load_config(taskdir: str | Path) -> EvalConfig:
    from babyvlm.config import build_config

    return build_config(EvalConfig, section="eval", preset=str(Path(taskdir) / CONFIG_FILE))


@functools.lru_cache(maxsize=64)
def task_items(taskdir: str, task_name: str) -> tuple[Task, dict[str, Item], EvalConfig]:
    """The task (set up on its items) and its items by id, as `babyvlm eval` loads them."""
    from babyvlm.evaluate.harness import find_tasks, load_tasks
    from babyvlm.util.rejects import RejectLog

    cfg = load_config(taskdir)
    cfg.tasks = task_name
    sources = read_json(Path(taskdir) / SOURCES_FILE)
    data, v1 = (Path(sources[k]) if sources.get(k) else None for k in ("data", "v1_data"))
    plan = find_tasks(cfg, data, v1)
    loaded, not_run = load_tasks(plan, cfg, RejectLog(Path(taskdir) / "rejects.jsonl"))
    if not loaded:
        raise InputError(f"{task_name}: no items under {data or v1} ({not_run.get(task_name, 'absent')})")
    td = loaded[0]
    return td.task, {item.id: item for item in td.items}, cfg


def item_of(doc: dict[str, Any]) -> tuple[Task, Item, EvalConfig]:
    task, items, cfg = task_items(str(doc["taskdir"]), str(doc["task"]))
    try:
        return task, items[str(doc["item_id"])], cfg
    except KeyError:
        raise InputError(f"{doc['task']}: item {doc['item_id']!r} is no longer in the data "
                         f"(rewrite the task folder with `babyvlm devcv lmms-tasks`)") from None


def first_conversation(task: Task, item: Item, cfg: EvalConfig) -> Conversation:
    """What a plain lmms-eval model is shown: the item's conversation (first round; first request)."""
    from babyvlm.evaluate.harness import dress

    if task.kind == "generate":
        conv = task.conversation(item)
    elif task.kind == "multiround":
        conv = task.round_conversation(item, 0, [])
    else:
        conv = task.requests(item)[0][0]
    return dress(conv, task, cfg)


def doc_to_visual(doc: dict[str, Any]) -> list[Any]:
    task, item, cfg = item_of(doc)
    return [ref.pil() for ref in first_conversation(task, item, cfg).images]


def doc_to_text(doc: dict[str, Any], kwargs: dict[str, Any] | None = None) -> str:
    """The user turn with `<image>` where each image goes (lmms-eval's llava models keep them there)."""
    task, item, cfg = item_of(doc)
    conv = first_conversation(task, item, cfg)
    text = conv.prompt()
    kwargs = kwargs or {}
    return f"{kwargs.get('pre_prompt', '')}{text}{kwargs.get('post_prompt', '')}"


def doc_to_target(doc: dict[str, Any]) -> str:
    _, item, _ = item_of(doc)
    answers = [gpt for _, gpt in item.turns if gpt]
    return answers[-1] if answers else ""


def encode_output(output: Any) -> str:
    return OUTPUT_PREFIX + json.dumps(output)


def decode_output(reply: str, task: Task) -> Any:
    if reply.startswith(OUTPUT_PREFIX):
        return json.loads(reply[len(OUTPUT_PREFIX):])
    if task.kind != "generate":
        raise InputError(f"{task.name}: a {task.kind} task needs the babyvlm model class (--model babyvlm), "
                         "which plays every round or scores the likelihoods; a plain reply cannot be scored")
    return reply


def process_results(doc: dict[str, Any], results: list[Any]) -> dict[str, Any]:
    """{metric: this item's value} with babyvlm's scorer; None where the metric is undefined for the item."""
    task, item, cfg = item_of(doc)
    reply = results[0] if results else ""
    output = decode_output(reply if isinstance(reply, str) else str(reply), task)
    row = task.score(item, output, ScoreContext(parser=cfg.parser, seed=cfg.seed, task=task.name))
    return {m: row["metrics"].get(m) for m in task.metrics}


def mean_defined(values: list[Any]) -> float:
    """The mean over the items where the metric is defined (babyvlm's NaN-skipping mean)."""
    kept = [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return sum(kept) / len(kept) if kept else float("nan")
