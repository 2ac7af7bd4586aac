"""`babyvlm pretrain build`: corpus -> pretraining set, resumable, parallel over sessions, shardable.

1. List the corpus (cheap), take the split (`pretrain_split`: the corpus's splits.json by default,
   its test sessions held out of the set), pick this shard's sessions.
2. Load the scorer (training the baby scorer into OUT/scorer first when none is given).
3. Process every session that has no finished part file with the current settings (`process.py`),
   in `workers` processes. A part file records a fingerprint of everything that shapes it (settings,
   scorer weights, the session's files); a rerun skips sessions whose part matches, so a killed build
   continues where it stopped, and a changed setting redoes exactly the sessions it affects.
4. Assemble the set from the part files (`assemble.py`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babyvlm.config import build_config, to_dict, write_config
from babyvlm.corpus import SessionEntry, open_corpus
from babyvlm.errors import BabyVLMError, InputError
from babyvlm.formats.splits import corpus_splits
from babyvlm.pretrain.assemble import assemble
from babyvlm.pretrain.config import PretrainConfig
from babyvlm.pretrain.process import PART_FORMAT, SessionJob, process_session
from babyvlm.pretrain.split import shard_stems, split_sessions
from babyvlm.scoring import Scorer, load_scorer, scorer_kind
from babyvlm.util.io import read_json, read_jsonl, remove_stale_temps, write_json
from babyvlm.util.progress import bar
from babyvlm.util.rejects import Reject

log = logging.getLogger("babyvlm")
LISTING = "_corpus.listing"  # JSON; not named *.json, so it never collides with a <stem>.json part


@dataclass
class BuildResult:
    out: Path
    stats: dict[str, Any]
    sessions: int
    processed: int  # sessions processed in this run (the rest were finished before)
    video_hours: float  # hours of video in this build's sessions
    seconds: float  # wall-clock of the whole build
    session_seconds: float  # wall-clock of the session-processing step
    scorer_seconds: float  # wall-clock of training the baby scorer (0 when given)


def settings_fingerprint(cfg: PretrainConfig, scorer_fp: str) -> str:
    """Everything that shapes a part file (not workers, split, interleaving or writing)."""
    keys = ("segment", "frames", "video_filter", "image_filter", "truth", "corpus")
    data = {k: to_dict(getattr(cfg, k)) for k in keys}
    data["aggregate"] = cfg.scorer.aggregate
    data["scorer"] = scorer_fp
    data["part_format"] = PART_FORMAT
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:16]


def entry_fingerprint(base: str, entry: SessionEntry) -> str:
    h = hashlib.sha256(base.encode())
    for p in (entry.video, entry.transcript, *entry.alternatives, entry.annotations):
        if p is not None and p.exists():
            st = p.stat()
            h.update(f"{p.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def part_done(job: SessionJob) -> bool:
    if not job.part_path.exists():
        return False
    try:
        part = read_json(job.part_path)
    except (OSError, ValueError):
        return False
    return part.get("format") == PART_FORMAT and part.get("fingerprint") == job.fingerprint


def run_session(job: SessionJob, cfg: PretrainConfig, scorer: Scorer) -> dict[str, Any]:
    """Process one session; a bad input (unreadable annotations, ...) becomes a reject, not a crash."""
    try:
        return process_session(job, cfg, scorer)
    except BabyVLMError as e:
        part = {
            "format": PART_FORMAT, "stem": job.entry.stem, "split": job.split, "fingerprint": job.fingerprint,
            "settings": job.settings, "scorer": {"name": scorer.name, "kind": scorer.kind, "default_thresholds": scorer.default_thresholds},
            "child": job.entry.child, "age_days": job.entry.age_days, "ok": False, "duration": 0.0,
            "utterances": [], "speech_seconds": 0.0, "clips": [], "dropped": {}, "annotated": False,
            "rejects": [Reject(str(job.entry.video), str(e), None, "pretrain", {"stem": job.entry.stem}).to_dict()],
        }
        write_json(job.part_path, part)
        return part


# -- worker processes ------------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(cfg: PretrainConfig, model: str | None) -> None:
    import torch

    torch.set_num_threads(1)  # one core per worker process
    _WORKER["cfg"] = cfg
    _WORKER["scorer"] = _load(cfg, model)


def _work(job: SessionJob) -> tuple[str, float]:
    part = run_session(job, _WORKER["cfg"], _WORKER["scorer"])
    return job.entry.stem, float(part.get("duration") or 0.0)


def _load(cfg: PretrainConfig, model: str | None) -> Scorer:
    return load_scorer(cfg.scorer.name, model=model, min_visible=cfg.truth.min_visible, batch_size=cfg.scorer.batch_size)


def ensure_baby_model(corpus_dir: Path, out: Path, cfg: PretrainConfig, shard: tuple[int, int]) -> tuple[str, float]:
    """The baby scorer's folder: the configured one, or one trained on this corpus into OUT/scorer."""
    if cfg.scorer.model:
        return cfg.scorer.model, 0.0
    if shard[1] > 1:
        raise InputError("with --shard, train the scorer once (`babyvlm scorer train CORPUS --out DIR`) and pass "
                         "--scorer-model DIR, so that every shard filters with the same model")
    from babyvlm.scoring.baby.config import ScorerTrainConfig
    from babyvlm.scoring.baby.scorer import is_baby_model
    from babyvlm.scoring.baby.train import train_baby_scorer

    model_dir = out / "scorer"
    if is_baby_model(model_dir):
        return str(model_dir), 0.0
    t0 = time.time()
    scfg = build_config(ScorerTrainConfig, section="scorer", preset=cfg.scorer.train_preset,
                        values={"seed": cfg.seed, "workers": cfg.workers})
    scfg = dataclasses.replace(scfg, corpus=cfg.corpus)
    log.info("training the baby scorer on %s into %s", corpus_dir, model_dir)
    train_baby_scorer(corpus_dir, model_dir, scfg)
    return str(model_dir), time.time() - t0


def pretrain_split(corpus_dir: Path, entries: list[SessionEntry], cfg: PretrainConfig) -> dict[str, str]:
    """{stem: train | val | test} for every listed session; "test" sessions are held out of the set.

    Default: the corpus's split (splits.json, written on first use), so no session that supplies a
    DevCV or V1 test or val item is trained on. `split.shared`: the paper's shared use of the corpus,
    every session in the set and a validation split of the set's own."""
    stems = [e.stem for e in entries]
    if cfg.split.shared:
        return split_sessions(stems, cfg.split.val_fraction, cfg.seed)
    cs = corpus_splits(corpus_dir, [(e.stem, e.child) for e in entries], seed=cfg.seed,
                       fractions={"train": cfg.split.train, "val": cfg.split.val, "test": cfg.split.test},
                       file=cfg.split.file, option="--splits FILE (pretrain: split.file)")
    return {s: cs.split_of[s] for s in stems}


def require_samples(corpus_dir: Path, out: Path, stats: dict[str, Any]) -> None:
    """A build that wrote no sample at all fails with the reason (its stats and rejects stay on disk)."""
    if any(stats["counts"][s][f] for s in stats["counts"] for f in ("single_image", "video", "interleaved")):
        return
    n = stats["sessions"]["total"]
    video = stats["filters"]["video"]
    if video["candidates"] and not video["kept"]:
        why = f"the video filter kept none of {video['candidates']} candidate clips (threshold {video['threshold']})"
    elif video["candidates"]:
        why = f"every one of the {video['kept']} kept clips was rejected"
    else:
        rejected = read_jsonl(out / "rejects.jsonl")
        first = rejected[0] if rejected else None
        why = "no session gave a clip" + (
            f" ({len(rejected)} rejects, e.g. {first.get('source')}: {first.get('reason')})" if first else "")
    raise InputError(f"{corpus_dir}: no usable sample from {n} sessions: {why}; see {out / 'rejects.jsonl'} "
                     f"and {out / 'stats.json'}")


def build(corpus_dir: str | Path, out: str | Path, cfg: PretrainConfig, *, shard: tuple[int, int] = (0, 1)) -> BuildResult:
    t0 = time.time()
    corpus_dir, out = Path(corpus_dir), Path(out)
    cfg.check()
    scorer_kind(cfg.scorer.name)  # a bad spec fails before any work
    corpus = open_corpus(corpus_dir, cfg.corpus)
    out.mkdir(parents=True, exist_ok=True)
    litter = remove_stale_temps(out)  # a killed earlier run's half-written temporaries
    if litter:
        log.info("removed %d temporary files a killed run left in %s", len(litter), out)
    all_stems = [e.stem for e in corpus.entries]
    split_of = pretrain_split(corpus_dir, corpus.entries, cfg)
    held_out = sorted(s for s, sp in split_of.items() if sp == "test")
    # shards share out the set's sessions (every shard reads the same split, so they agree)
    mine = set(shard_stems([s for s in all_stems if split_of[s] != "test"], shard))
    entries = [e for e in corpus.entries if e.stem in mine]
    if not entries:
        raise InputError(f"{corpus_dir}: no usable session for shard {shard[0]}/{shard[1]} "
                         f"({len(corpus.rejects)} rejected while listing, {len(held_out)} held out as test)")

    if scorer_kind(cfg.scorer.name) == "oracle" and not any(e.annotations is not None for e in entries):
        raise InputError(f"{corpus_dir}: the oracle scorer needs world annotations (annotations/<stem>.jsonl) and "
                         "this corpus has none; use --scorer baby or clip:PATH")
    model, scorer_seconds = (None, 0.0)
    if scorer_kind(cfg.scorer.name) == "baby":
        model, scorer_seconds = ensure_baby_model(corpus_dir, out, cfg, shard)
        cfg = dataclasses.replace(cfg, scorer=dataclasses.replace(cfg.scorer, model=model))
    write_config(cfg, out, section="pretrain")
    scorer = _load(cfg, model)
    base_fp = settings_fingerprint(cfg, scorer.fingerprint())

    parts_dir, frames_dir = out / "parts", out / "frames"
    parts_dir.mkdir(parents=True, exist_ok=True)
    frames_dir.mkdir(parents=True, exist_ok=True)
    listing_rejects = [r.to_dict() for r in corpus.rejects]
    write_json(parts_dir / LISTING, {"stems": sorted(all_stems), "rejects": listing_rejects, "split": split_of})
    jobs = [SessionJob(e, split_of[e.stem], parts_dir, frames_dir, entry_fingerprint(base_fp, e), base_fp)
            for e in entries]
    todo = [j for j in jobs if not part_done(j)]
    if len(todo) < len(jobs):
        log.info("resuming: %d of %d sessions already done", len(jobs) - len(todo), len(jobs))

    t1 = time.time()
    with bar(desc="sessions", total=len(jobs), initial=len(jobs) - len(todo), unit="session") as b:
        if cfg.workers > 1 and len(todo) > 1:
            import multiprocessing as mp

            with ProcessPoolExecutor(max_workers=min(cfg.workers, len(todo)), mp_context=mp.get_context("spawn"),
                                     initializer=_init_worker, initargs=(cfg, model)) as pool:
                futures = [pool.submit(_work, j) for j in todo]
                for fut in as_completed(futures):
                    fut.result()
                    b.update(1)
        else:
            for job in todo:
                run_session(job, cfg, scorer)
                b.update(1)
    session_seconds = time.time() - t1
    stats = assemble(out, cfg, sorted(mine), listing_rejects, split_of=split_of, held_out=held_out)
    require_samples(corpus_dir, out, stats)
    return BuildResult(out, stats, len(jobs), len(todo), stats["hours"]["video"], time.time() - t0, session_seconds,
                       scorer_seconds)
