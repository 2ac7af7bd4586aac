"""The evaluation harness: load tasks, drive a model (and the baselines) through them, score.

`evaluate(model_spec, data, out, cfg)` runs everything `babyvlm eval` does and returns the results
dict it wrote to `results.json`. The steps:

1. resolve `cfg.tasks` (names, aliases, leaderboard ids, suites) and find each task's source
   (`layouts.discover` under `--data`: a task folder, task folders, split folders or the lmms-eval
   flat files; V1 CSVs in `--v1-data`, by default the same folder); absent tasks are listed (an
   error when the task was named explicitly), folders that map to no task are warned about;
2. load items: a bad item (malformed, an answer outside its options, an image missing, corrupt or
   outside the data folder) goes to rejects.jsonl and the run goes on (`strict`: it stops the
   run); two items with one id are both kept (`<id>#2`); a task left without items is "not run";
3. for the model and each baseline, for each task: run the items not yet in the per-item cache
   (generation batches; memory rounds in lockstep, each conversation holding the model's own
   earlier replies; likelihood requests), append each batch's outputs to the cache, then score
   every item and write the samples;
4. metrics with bootstrap intervals, the overall mean; results.json, scores.json, report.md, plot.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.config import write_config
from babyvlm.errors import InputError
from babyvlm.evaluate.adapters import AdapterOptions, ModelAdapter, load_adapter
from babyvlm.evaluate.admission import ItemAdmission
from babyvlm.evaluate.cache import ItemCache, slug
from babyvlm.evaluate.config import EvalConfig, check_config
from babyvlm.evaluate.layouts import discover
from babyvlm.evaluate.metrics import MetricValue, bootstrap_means, metric_table, overall
from babyvlm.tasks.base import ScoreContext, Task
from babyvlm.tasks.conversation import Conversation
from babyvlm.tasks.devcv import LEADERBOARD_IDS
from babyvlm.tasks.items import Item
from babyvlm.tasks.registry import ALL_TASKS, WINOGROUND_SLOT, alias_table, resolve_task_names
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
    skipped: int = 0  # rejected items (rejects.jsonl)
    prior_items: list[Item] | None = None  # the task's train split, where the data has one (baseline priors)
    prior_path: Path | None = None
    layout: str = ""  # how the source was found: single | folder | flat | csv
    notes: list[str] = field(default_factory=list)
    n_available: int = 0  # scorable items before --limit


@dataclass
class ModelRun:
    adapter: ModelAdapter
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    metrics: dict[str, dict[str, MetricValue]] = field(default_factory=dict)
    unsupported: list[str] = field(default_factory=list)
    priors: dict[str, str] = field(default_factory=dict)  # task -> where a baseline's answers came from


@dataclass
class Planned:
    task: Task
    path: Path
    root: Path  # the data folder the task's images must stay inside
    layout: str
    train: Path | None = None
    notes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    tasks: list[Planned] = field(default_factory=list)
    absent: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def make_task(name: str, cfg: EvalConfig) -> Task:
    task = ALL_TASKS[name]()
    if name in cfg.prompts and hasattr(task, "prompt"):
        task.prompt = cfg.prompts[name]  # likelihood and caption tasks: text after the image
    return task


def find_tasks(cfg: EvalConfig, data: Path | None, v1_data: Path | None) -> Plan:
    """Each requested task's source (layouts.discover for DevCV, the CSVs for V1), what is absent,
    and warnings naming every folder or file that maps to no task."""
    requests = resolve_task_names(cfg.tasks, cfg.aliases)
    table = alias_table(cfg.aliases)
    plan = Plan()
    disc = discover(data, cfg.split, table) if data is not None else None
    if disc is not None:
        plan.warnings += [f"{p}: maps to no task (name it with --set aliases.NAME=TASK)" for p in disc.unmapped]
        plan.warnings += [f"{p} not used: another source of the task comes first" for p in disc.shadowed]
    v1_root = Path(v1_data) if v1_data is not None else (Path(data) if data is not None else None)
    names = [r.name for r in requests]
    for req in requests:
        task = make_task(req.name, cfg)
        found: Planned | None = None
        if task.suite == "devcv":
            src = disc.sources.get(req.name) if disc is not None else None
            if src is not None:
                found = Planned(task, src.path, Path(data), src.layout, src.train)
            where = f"no {task.folder} task folder (or alias, or {task.folder}_{cfg.split}.json) under {data}"
        else:
            csv = task.locate(v1_root) if v1_root is not None and v1_root.is_dir() else None
            if csv is not None:
                found = Planned(task, csv, v1_root, "csv")
            where = f"no {' or '.join(task.csv_names)} under {v1_root}"
        if found is None and req.name == WINOGROUND_SLOT and req.slot:
            src = disc.sources.get("looking_while_listening") if disc is not None else None
            if src is not None and "looking_while_listening" in names:
                continue  # looking_while_listening is requested as well and fills the slot itself
            if src is not None:
                found = Planned(make_task("looking_while_listening", cfg), src.path, Path(data), src.layout, src.train,
                                ["fills the baby_winoground slot (no Baby Winoground CSV found)"])
            where += " (nor looking_while_listening items)"
        if found is None:
            if req.explicit:
                raise InputError(f"task {req.name}: {where}")
            plan.absent[req.name] = where
            continue
        plan.tasks.append(found)
    _one_winoground_slot(plan)
    unknown = set(cfg.prompts) | set(cfg.system)
    unknown -= set(ALL_TASKS)
    if unknown:
        raise InputError(f"prompts for unknown tasks: {', '.join(sorted(unknown))}")
    return plan


def _one_winoground_slot(plan: Plan) -> None:
    """The Baby Winoground CSV fills the leaderboard's baby_winoground slot when it runs;
    looking_while_listening then runs beside it, reported but not averaged."""
    ids = [p.task.name for p in plan.tasks]
    if WINOGROUND_SLOT in ids and "looking_while_listening" in ids:
        for p in plan.tasks:
            if p.task.name == "looking_while_listening":
                p.task.leaderboard_id = None  # type: ignore[misc]  # this run only
                p.notes.append("not in the overall: the Baby Winoground CSV fills the baby_winoground slot")


def load_tasks(plan: Plan, cfg: EvalConfig, rejects: RejectLog) -> tuple[list[TaskData], dict[str, str]]:
    """Load, check and admit every planned task's items. Returns (tasks with items, {task: why not run})."""
    admission = ItemAdmission(check_images=cfg.check_images, allow_outside=cfg.allow_outside_images)
    out, not_run = [], {}
    for p in plan.tasks:
        task = p.task
        before = rejects.count
        items = task.load(p.path, skip_bad=not cfg.strict, rejects=rejects, unique_ids=not cfg.strict)
        items = admission.admit(items, p.root, p.path, strict=cfg.strict, rejects=rejects)
        n_available = len(items)
        if cfg.limit is not None:
            items = items[: cfg.limit]
        task.setup(items)
        skipped = rejects.count - before
        if not items:
            not_run[task.name] = f"no scorable item in {p.path}" + (f" ({skipped} rejected, see rejects.jsonl)" if skipped else "")
            log.warning("%s: not run: %s", task.name, not_run[task.name])
            continue
        prior = train_split_items(task, p.train)
        out.append(TaskData(task, p.path, items, skipped, prior, p.train if prior else None, p.layout,
                            list(p.notes), n_available))
        log.info("%s: %d items from %s%s", task.name, len(items), p.path, f" ({skipped} rejected)" if skipped else "")
    return out, not_run


def train_split_items(task: Task, train: Path | None) -> list[Item] | None:
    """The task's train split beside the evaluated one (DATA/train/<task>, <task>_train.json), if any."""
    if train is None:
        return None
    try:
        return task.load(train, skip_bad=True, unique_ids=True) or None
    except (InputError, ValueError) as e:
        log.warning("%s: train split at %s not usable for baseline priors (%s)", task.name, train, e)
        return None


def system_prompt(task: Task, cfg: EvalConfig) -> str:
    if task.name in cfg.system:
        return cfg.system[task.name]
    return task.system_prompt if cfg.system_prompts == "official" else ""


def dress(conv: Conversation, task: Task, cfg: EvalConfig) -> Conversation:
    """The run's prompt settings on a task's conversation: its system prompt, and for tasks that ask
    their item's own question, `prompts.<task>` added to the user turns."""
    conv.system = system_prompt(task, cfg)
    if task.name in cfg.prompts and not hasattr(task, "prompt"):
        conv.add_to_user_turns(cfg.prompts[task.name])
    return conv


def item_fingerprint(item: Item) -> str:
    blob = json.dumps([item.id, item.conversations, [str(p) for p in item.images], item.extra], sort_keys=True, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _chunks(seq: list[Any], n: int) -> Iterator[list[Any]]:
    for i in range(0, len(seq), max(1, n)):
        yield seq[i: i + max(1, n)]


def play_rounds(adapter: ModelAdapter, task: Task, items: list[Item], max_new: int, *,
                prepare: Callable[[Any], Any] = lambda conv: conv,
                after_round: Callable[[int], None] | None = None) -> dict[str, list[str]]:
    """A multi-round task's items in lockstep, each conversation holding the model's own earlier replies:
    {item id: replies}. Every conversation says which item it continues and whether its round is the last
    (`meta` session / last_round), for adapters that keep a key-value cache per item."""
    replies: dict[str, list[str]] = {item.id: [] for item in items}
    for r in range(max((task.n_rounds(item) for item in items), default=0)):
        active = [item for item in items if r < task.n_rounds(item)]
        convs = [prepare(task.round_conversation(item, r, replies[item.id])) for item in active]
        for item, conv in zip(active, convs):
            conv.meta.update(session=f"{task.name}:{item.id}", last_round=r == task.n_rounds(item) - 1)
        for item, reply in zip(active, adapter.generate(convs, max_new)):
            replies[item.id].append(reply)
        if after_round is not None:
            after_round(r)
    return replies


def item_outputs(adapter: ModelAdapter, task: Task, items: list[Item], max_new: int, cfg: EvalConfig) -> list[Any]:
    """The model's raw output for each item, as `task.score` takes it: the reply (generate), the replies
    (multiround) or [sum log-prob, tokens] per request (loglikelihood)."""
    if task.kind == "generate":
        return adapter.generate([dress(task.conversation(item), task, cfg) for item in items], max_new)
    if task.kind == "multiround":
        replies = play_rounds(adapter, task, items, max_new, prepare=lambda c: dress(c, task, cfg))
        return [replies[item.id] for item in items]
    if task.kind == "loglikelihood":
        reqs = [[(dress(c, task, cfg), cont) for c, cont in task.requests(item)] for item in items]
        flat = adapter.loglikelihood([r for rs in reqs for r in rs])
        outputs, pos = [], 0
        for rs in reqs:
            outputs.append([[float(s), int(n)] for s, n in flat[pos: pos + len(rs)]])
            pos += len(rs)
        return outputs
    raise ValueError(f"{task.name}: unknown task kind {task.kind!r}")


def run_task(adapter: ModelAdapter, td: TaskData, cfg: EvalConfig, cache: ItemCache) -> dict[str, Any]:
    """Outputs for every item of a task ({item id: output}), computing only those not cached."""
    task = td.task
    max_new = cfg.max_new_tokens or adapter.max_new_tokens(task)
    adapter.begin_task(task, td.items, td.prior_items)  # before cache_id: a baseline's id may depend on its prior
    prompts = [getattr(task, "prompt", ""), cfg.prompts.get(task.name, ""), system_prompt(task, cfg)]
    keys = {item.id: cache.key(adapter.cache_id(), task.name, task.kind, *prompts, item_fingerprint(item), max_new)
            for item in td.items}
    pending = [item for item in td.items if keys[item.id] not in cache]
    bs = max(1, cfg.batch_size)
    with bar(desc=f"{adapter.name} {task.name}", total=len(td.items), unit="item", initial=len(td.items) - len(pending)) as b:
        for group in _chunks(pending, bs):
            outputs = item_outputs(adapter, task, group, max_new, cfg)
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
        note = adapter.prior_note()
        if note:
            run.priors[td.task.name] = note
    return run


def overall_of(run: ModelRun, tasks: list[TaskData]) -> MetricValue | None:
    prim = [run.metrics[td.task.name][td.task.primary] for td in tasks
            if td.task.leaderboard_id in LEADERBOARD_IDS and td.task.name in run.metrics]
    return overall(prim) if prim else None


def fit_run(adapter: ModelAdapter, data: Path | None, cfg: EvalConfig, out: Path,
            evaluated: list[TaskData]) -> dict[str, Any]:
    """The model on the first `fit_limit` items of each evaluated DevCV task in another split (its
    training items): {task: {split, n_items, primary, metric}}, beside the evaluated split in the report."""
    names = [td.task.name for td in evaluated if td.task.suite == "devcv"]
    if data is None or cfg.fit_split == cfg.split or not names:
        return {}
    if not (Path(data) / cfg.fit_split).is_dir():
        raise InputError(f"--fit-split {cfg.fit_split}: no folder {Path(data) / cfg.fit_split} (the builder's "
                         "DIR/<split>/<task> layout is needed)")
    fcfg = dataclasses.replace(cfg, split=cfg.fit_split, limit=cfg.fit_limit or None, tasks=",".join(names))
    tasks, _ = load_tasks(find_tasks(fcfg, data, None), fcfg, RejectLog(out / "fit" / "rejects.jsonl"))
    run = run_model(adapter, tasks, fcfg, out / "fit", out / "fit")
    return {td.task.name: {"split": cfg.fit_split, "n_items": len(td.items), "primary": td.task.primary,
                           "metric": run.metrics[td.task.name][td.task.primary].to_dict()}
            for td in tasks if td.task.name in run.metrics}


def adapter_options(cfg: EvalConfig, out: Path, api_key: str | None) -> AdapterOptions:
    return AdapterOptions(
        batch_size=cfg.batch_size, seed=cfg.seed, device=cfg.hf.device, dtype=cfg.hf.dtype,
        image_cache=cfg.hf.image_cache, prefix_cache=cfg.hf.prefix_cache, inline_images=cfg.hf.inline_images,
        api_base=cfg.api.base_url, api_key=api_key, concurrency=cfg.api.concurrency, timeout=cfg.api.timeout,
        max_retries=cfg.api.max_retries, backoff=cfg.api.backoff,
        cache_dir=cfg.api.cache_dir or str(out / "cache" / "api"),
        max_images=cfg.api.max_images, max_image_side=cfg.api.max_image_side,
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

    check_config(cfg)
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
    plan = find_tasks(cfg, data, v1_data)
    for w in plan.warnings:
        log.warning("%s", w)
    absent = plan.absent
    if absent:
        log.warning("absent tasks: %s", ", ".join(f"{k} ({v})" for k, v in absent.items()))
    if not plan.tasks:
        raise InputError("none of the requested tasks has data: " + "; ".join(
            [f"{k}: {v}" for k, v in absent.items()] + plan.warnings))
    write_config(cfg, out, section="eval")
    rejects = RejectLog(out / "rejects.jsonl")
    if rejects.path.exists():
        rejects.path.unlink()  # rewritten by this run's loading
    tasks, not_run = load_tasks(plan, cfg, rejects)
    if not tasks:
        raise InputError("no task has a scorable item: " + "; ".join(f"{k}: {v}" for k, v in not_run.items()))

    options = adapter_options(cfg, out, api_key)
    main = adapter or load_adapter(model, options)
    runs: dict[str, ModelRun] = {}
    fit: dict[str, Any] = {}
    try:
        runs[main.name] = run_model(main, tasks, cfg, out, out)
        if cfg.image_ablation:
            from babyvlm.evaluate.adapters.ablation import BlankImages

            blank = BlankImages(main)
            runs[blank.name] = run_model(blank, tasks, cfg, out, out / "ablation" / "no_images")
        if cfg.fit_split:
            fit = fit_run(main, data, cfg, out, tasks)
    finally:
        main.close()
    for name in cfg.baselines:
        if name == main.name:
            continue
        b = load_adapter(name, options)
        runs[name] = run_model(b, tasks, cfg, out, out / "baselines" / name)

    overall_values = {name: overall_of(run, tasks) for name, run in runs.items()}
    results = build_results(main.name, cfg, tasks, runs, overall_values, absent,
                            data=data, v1_data=v1_data, provenance=run_info(), not_run=not_run,
                            warnings=plan.warnings, rejects=rejects.count)
    if fit:
        results["fit"] = fit
    write_json(out / "results.json", results)
    write_json(out / "scores.json", build_scores(tasks, runs[main.name]))
    write_report(out, results, plot=cfg.plot)
    return results

