"""`babyvlm devcv build`: annotated frames -> the DevCV tasks, split by session, with a manifest.

Steps: list sessions -> assign splits by session -> index each session (frames at 1 FPS with their
CDI-mapped objects, leaving events; cached in OUT/work, so a rerun skips finished sessions) -> per
split a pool of usable objects -> each task's builder -> `OUT/<split>/<folder>/data.json` + images
-> `OUT/MANIFEST.json`. A finished (split, task) is not rebuilt on a rerun with the same config.

Worker processes are spawned, not forked: a parent that has used torch (the word embeddings, or a
caller such as the demo) can deadlock forked children. Task workers rebuild the pools from the
index on disk; the word embeddings are computed once, here, and read from `work/embeddings.json`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import shutil
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.config import to_dict, write_config
from babyvlm.devcv.builder import sources
from babyvlm.devcv.builder.balance import answer_counts
from babyvlm.devcv.builder.config import SPLITS, DevCVBuildConfig
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.imaging import FrameStore, ImageWriter
from babyvlm.devcv.builder.manifest import write_manifest
from babyvlm.devcv.builder.pool import Pool
from babyvlm.devcv.builder.registry import builder, resolve_tasks, task_folder
from babyvlm.devcv.builder.vocab import Vocabulary
from babyvlm.errors import InputError
from babyvlm.formats.splits import corpus_splits
from babyvlm.tasks.devcv import DEVCV_TASKS
from babyvlm.util.io import read_json, write_json
from babyvlm.util.progress import progress
from babyvlm.util.rejects import Reject, RejectLog
from babyvlm.util.rngs import stream

log = logging.getLogger("babyvlm")


@dataclass
class BuildResult:
    out: Path
    tasks: list[str]
    counts: dict[str, dict[str, int]]  # task -> split -> items
    seconds: float
    sessions: dict[str, list[str]]
    rejects: int
    shortfalls: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)


def _signature(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True, default=str).encode("utf-8")).hexdigest()[:16]


def _index_params(cfg: DevCVBuildConfig) -> dict[str, Any]:
    return {"fps": cfg.fps, "vocab": to_dict(cfg.vocab), "span": list(cfg.vdr.span), "min_track": cfg.vdr.min_track,
            "detections": to_dict(cfg.detections), "min_score": cfg.objects.min_score, "version": sources.INDEX_VERSION}


def _index_world_job(args) -> dict[str, Any]:
    """One session's index, or {"error": reason} for a session that cannot be read (a reject, not a crash)."""
    stem, child, age, video, ann, cfg, work = args
    try:
        return sources.index_world_session(stem, child, age, video, ann, cfg, work)
    except InputError as e:
        return {"stem": stem, "error": str(e), "source": video}


def collect_sessions(corpus: Path, cfg: DevCVBuildConfig, work: Path, rejects: RejectLog) -> tuple[list[sources.SessionIndex], str]:
    """Index every session (cached), in stem order; returns (indexes, source kind)."""
    params = _index_params(cfg)
    if cfg.detections.path:
        det = Path(cfg.detections.path)
        if not det.is_file():
            raise InputError(f"detections file {det} does not exist")
        root = Path(cfg.detections.frames) if cfg.detections.frames else corpus
        dicts, problems = sources.load_detections(det, root, cfg)
        for p in problems:
            rejects.add(Reject(source=str(det), reason=p, step="devcv"))
        if not dicts:
            raise InputError(f"{det}: no usable images")
        out = []
        for d in dicts:
            d["params"] = params
            sources.save_index(work, d)
            out.append(sources.from_json(d))
        return out, "detections"

    from babyvlm.corpus import open_corpus

    c = open_corpus(corpus)
    for r in c.rejects:
        rejects.add(r)
    entries = [e for e in c.entries if e.video is not None]
    with_ann = [e for e in entries if e.annotations is not None]
    for e in entries:
        if e.annotations is None:
            rejects.add(Reject(source=str(e.video), reason="no annotations/<stem>.jsonl: session skipped "
                                                           "(pass --detections for a corpus without ground truth)",
                               step="devcv"))
    if not with_ann:
        raise InputError(f"{corpus}: no session has annotations (world ground truth); "
                         "for a real corpus pass a COCO-style file with --detections")
    jobs, cached = [], {}
    for e in sorted(with_ann, key=lambda e: e.stem):
        d = sources.load_index(work, e.stem)
        if d is not None and d.get("params") == params:
            cached[e.stem] = d
        else:
            jobs.append((e.stem, e.child, e.age_days, str(e.video), str(e.annotations), cfg, work))
    done: dict[str, dict[str, Any]] = dict(cached)
    if jobs:
        workers = max(1, min(cfg.workers, len(jobs)))

        def keep(d: dict[str, Any]) -> None:  # saved as each session finishes: a killed run resumes
            if "error" in d:
                rejects.add(Reject(source=d["source"], reason=f"session skipped: {d['error']}", step="devcv"))
                return
            d["params"] = params
            sources.save_index(work, d)
            done[d["stem"]] = d

        if workers > 1:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as ex:
                for d in progress(ex.map(_index_world_job, jobs), desc="indexing sessions", total=len(jobs),
                                  unit="session"):
                    keep(d)
        else:
            for job in progress(jobs, desc="indexing sessions", total=len(jobs), unit="session"):
                keep(_index_world_job(job))
    return [sources.from_json(done[s]) for s in sorted(done)], "world"


def _task_done(path: Path, signature: str) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        d = read_json(path)
    except (OSError, json.JSONDecodeError):
        return None
    return d if d.get("signature") == signature else None


# relative cost per item (seconds on one core, measured on the small world), for ordering jobs
COST = {name: cls.build_cost for name, cls in DEVCV_TASKS.items()}
_STATE: dict[str, Any] = {}  # what task jobs share: set here, or rebuilt from the index in each worker
_LEXICONS: dict[str, Any] = {}
LEXICON_TASKS = ("picture_vocabulary", "looking_while_listening")


def _lexicon(split: str):
    if split not in _LEXICONS:
        from babyvlm.devcv.builder.lexicon import Lexicon

        pool = _STATE["pools"][split]
        _LEXICONS[split] = Lexicon([pool.term(i).word for i in pool.items()], cache=_STATE["work"] / "embeddings.json")
    return _LEXICONS[split]


def _make_pools(indexes: list[sources.SessionIndex], cfg: DevCVBuildConfig) -> dict[str, Pool]:
    vocab = Vocabulary(cfg.vocab.form, cfg.vocab.categories, cfg.vocab.synonyms)
    return {sp: Pool(sp, [s for s in indexes if s.split == sp], vocab, cfg.objects) for sp in SPLITS}


def _init_worker(cfg: DevCVBuildConfig, out: Path, work: Path, split_of: dict[str, str]) -> None:
    """A worker process (spawned: never forked from a parent that may hold torch's threads) reads the
    index back from disk and builds the same pools."""
    import os

    os.environ.setdefault("BABYVLM_QUIET", "1")
    indexes = []
    for stem in sorted(split_of):
        s = sources.from_json(sources.load_index(work, stem))
        s.split = split_of[stem]
        indexes.append(s)
    _STATE.update({"pools": _make_pools(indexes, cfg), "cfg": cfg, "out": out, "work": work})


def _run_job(job: tuple[str, str, int, str]) -> tuple[str, str, dict[str, Any]]:
    """Build one (split, task): images, data.json, and the marker that says it is done."""
    split, task, n, sig = job
    cfg, out, work = _STATE["cfg"], _STATE["out"], _STATE["work"]
    pool = _STATE["pools"][split]
    folder = out / split / task_folder(task)
    if folder.exists():
        shutil.rmtree(folder)  # a half-written task from a killed run, or an older build
    if n <= 0 or not pool.sessions:
        res = TaskResult(shortfall=None if n <= 0 else "no sessions in this split")
    else:
        ctx = TaskContext(task=task, split=split, n=n, rng=stream(cfg.seed, task, split), pool=pool,
                          store=FrameStore(), cfg=cfg, writer=ImageWriter(folder, cfg.image.jpeg_quality),
                          lexicon_factory=lambda: _lexicon(split))
        t1 = time.perf_counter()
        res = builder(task)(ctx)
        log.info("%s/%s: %d items in %.1f s", split, task, len(res.records), time.perf_counter() - t1)
    if res.records:
        write_json(folder / "data.json", res.records)
    n_images = sum(len(r["image"]) + ("gif" in r) for r in res.records)
    info = {"requested": n, "items": len(res.records), "images": n_images, "answers": answer_counts(res.records),
            "stats": res.stats}
    if res.shortfall:
        info["shortfall"] = res.shortfall
    write_json(work / "done" / split / f"{task}.json", {"signature": sig, "info": info})
    return split, task, info


def corpus_split_of(corpus: Path, indexes: list[sources.SessionIndex], cfg: DevCVBuildConfig) -> dict[str, str]:
    """{stem: split} of the indexed sessions from the corpus's splits.json (written here, over every
    session of the corpus, when no builder has written it yet): the pretraining set and V1 hold out
    the same sessions."""
    from babyvlm.corpus import open_corpus

    sessions = {s.stem: s.child for s in indexes}
    try:  # the whole corpus, so a later pretraining build finds every session in the file
        sessions = {e.stem: e.child for e in open_corpus(corpus).entries} | sessions
    except InputError:
        pass  # a folder of frames named by --detections, not a corpus of videos
    cs = corpus_splits(corpus, sorted(sessions.items()), seed=cfg.seed, fractions=cfg.splits.fractions(),
                       file=cfg.splits.file, option="--splits FILE (devcv: splits.file)")
    return {s.stem: cs.split_of[s.stem] for s in indexes}


def build_toolbox(corpus: Path, out: Path, cfg: DevCVBuildConfig) -> BuildResult:
    t0 = time.perf_counter()
    corpus, out = Path(corpus), Path(out)
    tasks = resolve_tasks(cfg.tasks)
    if not tasks:
        raise InputError("no tasks to build")
    out.mkdir(parents=True, exist_ok=True)
    work = out / "work"
    rejects = RejectLog(out / "rejects.jsonl")
    if rejects.path.exists():
        rejects.path.unlink()  # rewritten by this run (a rerun reports the same problems again)
    write_config(cfg, out, section="devcv")

    indexes, kind = collect_sessions(corpus, cfg, work, rejects)
    if not indexes:
        raise InputError(f"{corpus}: no usable sessions")
    split_of = corpus_split_of(corpus, indexes, cfg)
    for s in indexes:
        s.split = split_of[s.stem]
    sessions = {sp: [s.stem for s in indexes if s.split == sp] for sp in SPLITS}

    vocab = Vocabulary(cfg.vocab.form, cfg.vocab.categories, cfg.vocab.synonyms)
    totals = sources.label_totals(indexes)
    vocab.kept.update(totals["kept"])
    vocab.dropped.update(totals["dropped"])
    vocab.mapped.update(totals["mapped"])

    # per task: its own size `n` is added below, so other tasks' sizes do not force a rebuild
    base_sig = {"config": {k: v for k, v in to_dict(cfg).items() if k not in ("workers", "tasks", "items", "task_items")},
                "sessions": sessions, "index": [(s.stem, len(s.frames), len(s.events)) for s in indexes]}
    pools = _make_pools(indexes, cfg)
    jobs, task_info = [], {t: {} for t in tasks}
    for split in SPLITS:
        for task in tasks:
            n = cfg.n_items(task, split)
            marker = work / "done" / split / f"{task}.json"
            sig = _signature({**base_sig, "task": task, "split": split, "n": n})
            prev = _task_done(marker, sig)
            folder = out / split / task_folder(task)
            if prev is not None and (folder / "data.json").exists() == (prev["info"]["items"] > 0):
                task_info[task][split] = prev["info"]
            else:
                jobs.append((split, task, n, sig))
    global _STATE
    _STATE = {"pools": pools, "cfg": cfg, "out": out, "work": work}
    _LEXICONS.clear()
    jobs.sort(key=lambda j: -COST.get(j[1], 1.0) * j[2])  # the longest first, so two workers finish together
    workers = max(1, min(cfg.workers, len(jobs)))
    try:
        # word embeddings for every split that needs foils, here, once: workers then read the cache
        # (work/embeddings.json) and never load the model
        for split in sorted({j[0] for j in jobs if j[1] in LEXICON_TASKS and j[2] > 0}):
            if pools[split].sessions:
                _lexicon(split)
        if workers > 1:
            ctx = multiprocessing.get_context("spawn")
            with ctx.Pool(workers, initializer=_init_worker, initargs=(cfg, out, work, split_of)) as mp:
                results = list(progress(mp.imap_unordered(_run_job, jobs), desc="building tasks", total=len(jobs),
                                        unit="task"))
        else:
            results = [_run_job(j) for j in progress(jobs, desc="building tasks", total=len(jobs), unit="task")]
    finally:
        _STATE = {}
        _LEXICONS.clear()
    for split, task, info in results:
        task_info[task][split] = info
    counts: dict[str, dict[str, int]] = {t: {} for t in tasks}
    shortfalls: list[str] = []
    for task in tasks:
        for split in SPLITS:
            info = task_info[task][split]
            counts[task][split] = info["items"]
            if info["items"] < info["requested"]:
                why = info.get("shortfall") or "not enough material"
                shortfalls.append(f"{split}/{task_folder(task)}: {info['items']} of {info['requested']} items ({why})")

    manifest = write_manifest(out, cfg, corpus=corpus, kind=kind, indexes=indexes, sessions=sessions, tasks=tasks,
                              task_info=task_info, vocab=vocab)
    return BuildResult(out=out, tasks=tasks, counts=counts, seconds=time.perf_counter() - t0, sessions=sessions,
                       rejects=rejects.count, shortfalls=shortfalls, manifest=manifest)
