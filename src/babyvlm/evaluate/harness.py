"""The evaluation harness: load tasks, drive a model (and the baselines) through them, score.

`evaluate(model_spec, data, out, cfg)` runs everything `babyvlm eval` does and returns the results
dict it wrote to `results.json`. The steps:

1. resolve `cfg.tasks` and find each task's data (`--data DIR` holds the official task folders,
   or split folders `DIR/<split>/<task>`; V1 CSVs in `--v1-data`, by default the same folder);
   absent tasks are listed (an error when the task was named explicitly);
2. load items (a bad item stops the run with its name, or with `skip_bad` goes to rejects.jsonl);
3. for the model and each baseline, for each task: run the items not yet in the per-item cache
   (generation batches; memory rounds in lockstep, each conversation holding the model's own
   earlier replies; likelihood requests), append each batch's outputs to the cache, then score
   every item and write the samples;
4. metrics with bootstrap intervals, the overall mean; results.json, scores.json, report.md, plot.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.config import write_config
from babyvlm.devcv.schema import Item
from babyvlm.devcv.tasks import DEVCV_TASKS, LEADERBOARD_IDS
from babyvlm.devcv.tasks.base import ScoreContext, Task
from babyvlm.errors import InputError
from babyvlm.evaluate.adapters import AdapterOptions, ModelAdapter, load_adapter
from babyvlm.evaluate.cache import ItemCache, slug
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.metrics import MetricValue, bootstrap_means, metric_table, overall
from babyvlm.evaluate.registry import ALL_TASKS, resolve_task_names
from babyvlm.util.io import write_json, write_jsonl
from babyvlm.util.progress import bar
from babyvlm.util.provenance import run_info
from babyvlm.util.rejects import RejectLog

log = logging.getLogger("babyvlm")


@dataclass
class TaskData:
    task: Task
    path: Path
    items: list[Item]
    skipped: int = 0
    prior_items: list[Item] | None = None  # the task's train split, where the data has one (baseline priors)


@dataclass
class ModelRun:
    adapter: ModelAdapter
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    metrics: dict[str, dict[str, MetricValue]] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)


def devcv_root(data: Path, split: str) -> Path:
    """The folder holding the task folders: DATA itself, or DATA/<split> (the builder's layout)."""
    data = Path(data)
    if any((data / cls.folder / "data.json").is_file() for cls in DEVCV_TASKS.values()):
        return data
    if (data / split).is_dir():
        return data / split
    return data


def find_tasks(cfg: EvalConfig, data: Path | None, v1_data: Path | None) -> tuple[list[tuple[Task, Path]], dict[str, str]]:
    names, explicit = resolve_task_names(cfg.tasks)
    found: list[tuple[Task, Path]] = []
    absent: dict[str, str] = {}
    root = devcv_root(data, cfg.split) if data is not None else None
    v1_root = v1_data if v1_data is not None else data
    for name in names:
        task = ALL_TASKS[name]()
        if name in cfg.prompts:
            if not hasattr(task, "prompt"):
                raise InputError(f"prompts.{name}: {name} asks the item's own question (prompts are for the "
                                 f"likelihood and caption tasks)")
            task.prompt = cfg.prompts[name]
        base = root if task.suite == "devcv" else v1_root
        path = task.locate(base) if base is not None and Path(base).is_dir() else None
        if path is None:
            where = f"{task.folder}/data.json" if task.suite == "devcv" else " or ".join(task.csv_names)
            reason = f"no {where} under {base}"
            if explicit:
                raise InputError(f"task {name}: {reason}")
            absent[name] = reason
            continue
        found.append((task, path))
    unknown_prompts = set(cfg.prompts) - set(ALL_TASKS)
    if unknown_prompts:
        raise InputError(f"prompts for unknown tasks: {', '.join(sorted(unknown_prompts))}")
    return found, absent


def load_tasks(found: list[tuple[Task, Path]], cfg: EvalConfig, rejects: RejectLog) -> list[TaskData]:
    out = []
    for task, path in found:
        before = rejects.count
        items = task.load(path, skip_bad=cfg.skip_bad, rejects=rejects)
        if cfg.limit > 0:
            items = items[: cfg.limit]
        task.setup(items)
        out.append(TaskData(task, path, items, rejects.count - before, train_split_items(task, path, cfg)))
        log.info("%s: %d items from %s%s", task.name, len(items), path,
                 f" ({rejects.count - before} skipped)" if rejects.count > before else "")
    return out


def train_split_items(task: Task, path: Path, cfg: EvalConfig) -> list[Item] | None:
    """The task's items in the train split beside the evaluated split (DATA/train/<task>), if any."""
    if task.suite != "devcv" or cfg.split == "train" or path.parent.name != cfg.split:
        return None
    train = task.locate(path.parent.parent / "train")
    if train is None:
        return None
    try:
        return task.load(train, skip_bad=True)
    except (InputError, ValueError) as e:
        log.warning("%s: train split at %s not usable for baseline priors (%s)", task.name, train, e)
        return None


def item_fingerprint(item: Item) -> str:
    blob = json.dumps([item.id, item.conversations, [str(p) for p in item.images], item.extra], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _chunks(seq: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(seq), max(1, n)):
        yield seq[i: i + max(1, n)]


def run_task(adapter: ModelAdapter, td: TaskData, cfg: EvalConfig, cache: ItemCache) -> dict[str, Any]:
    """Outputs for every item of a task ({item id: output}), computing only those not cached."""
    task = td.task
    max_new = cfg.max_new_tokens or task.max_new_tokens
    adapter.begin_task(task, td.items, td.prior_items)  # before cache_id: a baseline's id may depend on its prior
    keys = {item.id: cache.key(adapter.cache_id(), task.name, task.kind, getattr(task, "prompt", ""),
                               item_fingerprint(item), max_new) for item in td.items}
    pending = [item for item in td.items if keys[item.id] not in cache]
    bs = max(1, cfg.batch_size)
    with bar(desc=f"{adapter.name} {task.name}", total=len(td.items), unit="item", initial=len(td.items) - len(pending)) as b:
        for group in _chunks(pending, bs):
            if task.kind == "generate":
                convs = [task.conversation(item) for item in group]
                outputs: list[Any] = adapter.generate(convs, max_new)
            elif task.kind == "multiround":
                replies: dict[str, list[str]] = {item.id: [] for item in group}
                for r in range(max(task.n_rounds(item) for item in group)):
                    active = [item for item in group if r < task.n_rounds(item)]
                    convs = [task.round_conversation(item, r, replies[item.id]) for item in active]
                    for item, reply in zip(active, adapter.generate(convs, max_new)):
                        replies[item.id].append(reply)
                outputs = [replies[item.id] for item in group]
            elif task.kind == "loglikelihood":
                reqs = [task.requests(item) for item in group]
                flat = adapter.loglikelihood([r for rs in reqs for r in rs])
                outputs, pos = [], 0
                for rs in reqs:
                    outputs.append([[float(s), int(n)] for s, n in flat[pos: pos + len(rs)]])
                    pos += len(rs)
            else:
                raise ValueError(f"{task.name}: unknown task kind {task.kind!r}")
            cache.add_many([(keys[item.id], item.id, out) for item, out in zip(group, outputs)])
            b.update(len(group))
    return {item.id: cache.get(keys[item.id]) for item in td.items}


def score_task(td: TaskData, outputs: dict[str, Any], cfg: EvalConfig) -> list[dict[str, Any]]:
    ctx = ScoreContext(parser=cfg.parser, seed=cfg.seed, task=td.task.name)
    return [td.task.score(item, outputs[item.id], ctx) for item in td.items]


def task_metrics(td: TaskData, rows: list[dict[str, Any]], cfg: EvalConfig) -> dict[str, MetricValue]:
    values = metric_table(rows, td.task.metrics)
    means = bootstrap_means(values, n_resamples=cfg.bootstrap, seed=cfg.seed, task=td.task.name)
    return dict(zip(td.task.metrics, means))


def run_model(adapter: ModelAdapter, tasks: list[TaskData], cfg: EvalConfig, out: Path, samples_dir: Path) -> ModelRun:
    run = ModelRun(adapter)
    cache_dir = out / "cache" / slug(adapter.cache_id())
    for td in tasks:
        if td.task.kind == "loglikelihood" and not adapter.supports_loglikelihood:
            run.unsupported.append(td.task.name)
            log.warning("%s: %s cannot score likelihoods; task skipped", td.task.name, adapter.name)
            continue
        outputs = run_task(adapter, td, cfg, ItemCache(cache_dir / f"{td.task.name}.jsonl"))
        rows = score_task(td, outputs, cfg)
        write_jsonl(samples_dir / f"samples_{td.task.name}.jsonl", rows)
        run.rows[td.task.name] = rows
        run.metrics[td.task.name] = task_metrics(td, rows, cfg)
    return run


def overall_of(run: ModelRun, tasks: list[TaskData]) -> MetricValue | None:
    prim = [run.metrics[td.task.name][td.task.primary] for td in tasks
            if td.task.leaderboard_id in LEADERBOARD_IDS and td.task.name in run.metrics]
    return overall(prim) if prim else None


def adapter_options(cfg: EvalConfig, out: Path, api_key: str | None) -> AdapterOptions:
    return AdapterOptions(
        batch_size=cfg.batch_size, seed=cfg.seed, device=cfg.hf.device, dtype=cfg.hf.dtype,
        image_cache=cfg.hf.image_cache,
        api_base=cfg.api.base_url, api_key=api_key, concurrency=cfg.api.concurrency, timeout=cfg.api.timeout,
        max_retries=cfg.api.max_retries, backoff=cfg.api.backoff,
        cache_dir=cfg.api.cache_dir or str(out / "cache" / "api"),
    )


def evaluate(
    model: str,
    data: Path | None,
    out: Path,
    cfg: EvalConfig,
    *,
    v1_data: Path | None = None,
    api_key: str | None = None,
    adapter: ModelAdapter | None = None,
) -> dict[str, Any]:
    from babyvlm.evaluate.report import write_report
    from babyvlm.evaluate.results import build_results, build_scores

    if cfg.parser not in ("default", "official"):
        raise InputError(f"--parser {cfg.parser!r}: expected default or official")
    if data is None and v1_data is None:
        raise InputError("give --data (and/or --v1-data)")
    for p in (data, v1_data):
        if p is not None and not Path(p).is_dir():
            raise InputError(f"{p}: not a folder")
    for b in cfg.baselines:
        if b not in ("random", "blind", "pixel"):
            raise InputError(f"unknown baseline {b!r} (random, blind, pixel)")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    found, absent = find_tasks(cfg, data, v1_data)
    if absent:
        log.warning("absent tasks: %s", ", ".join(f"{k} ({v})" for k, v in absent.items()))
    if not found:
        raise InputError("none of the requested tasks has data: " + "; ".join(f"{k}: {v}" for k, v in absent.items()))
    write_config(cfg, out, section="eval")
    rejects = RejectLog(out / "rejects.jsonl")
    if rejects.path.exists():
        rejects.path.unlink()  # rewritten by this run's loading
    tasks = load_tasks(found, cfg, rejects)

    options = adapter_options(cfg, out, api_key)
    main = adapter or load_adapter(model, options)
    runs: dict[str, ModelRun] = {}
    try:
        runs[main.name] = run_model(main, tasks, cfg, out, out)
    finally:
        main.close()
    for name in cfg.baselines:
        if name == main.name:
            continue
        b = load_adapter(name, options)
        runs[name] = run_model(b, tasks, cfg, out, out / "baselines" / name)

    overall_values = {name: overall_of(run, tasks) for name, run in runs.items()}
    results = build_results(main.name, cfg, tasks, runs, overall_values, absent,
                            data=data, v1_data=v1_data, provenance=run_info())
    write_json(out / "results.json", results)
    write_json(out / "scores.json", build_scores(tasks, runs[main.name]))
    write_report(out, results, plot=cfg.plot)
    return results

