"""Generate a whole world corpus: plan sessions, render them (in worker processes), write corpus.json.

Resumable: a session whose marker (`.world/<stem>.json`) exists is skipped, so rerunning a killed
command continues where it stopped. The number of workers never changes the output: every
session draws from its own named random streams.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import multiprocessing as mp
import time
from collections import Counter
from pathlib import Path
from typing import Any

from babyvlm.config import to_dict, write_config
from babyvlm.errors import ConfigError
from babyvlm.util.io import read_json, write_json
from babyvlm.util.progress import bar
from babyvlm.world.audio import espeak_path
from babyvlm.world.catalog import DOMAINS, categories
from babyvlm.world.config import WorldConfig
from babyvlm.world.plan import DAYS_PER_MONTH, SessionJob, birth_dates, plan_sessions
from babyvlm.world.session import (
    GENERATOR,
    GENERATOR_VERSION,
    config_digest,
    generate_session,
    marker_path,
    session_done,
)

log = logging.getLogger("babyvlm")


def resolve_audio(cfg: WorldConfig) -> str | None:
    """The espeak-ng executable to speak with, or None (with a log line saying why)."""
    if cfg.audio == "off":
        return None
    exe = espeak_path()
    if exe is None:
        if cfg.audio == "on":
            raise ConfigError("world.audio=on but espeak-ng is not installed (apt-get install espeak-ng)")
        log.info("espeak-ng is not installed: videos get no audio track (install it for spoken utterances)")
    return exe


def _run(args: tuple[SessionJob, WorldConfig, str, str | None]) -> dict[str, Any]:
    job, cfg, out, exe = args
    return generate_session(job, cfg, Path(out), exe)


def generate_world(cfg: WorldConfig, out: str | Path, *, workers: int = 1) -> dict[str, Any]:
    """Generate (or finish) the corpus in `out`; returns corpus.json's content."""
    cfg.check()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_config(cfg, out, section="world")
    exe = resolve_audio(cfg)
    jobs = plan_sessions(cfg)
    digest = config_digest(cfg)
    todo = [j for j in jobs if not session_done(out, j.stem, digest)]
    if len(todo) < len(jobs):
        log.info("resuming: %d of %d sessions already complete", len(jobs) - len(todo), len(jobs))
    redo = [j.stem for j in todo if marker_path(out, j.stem).exists()]
    if redo:
        log.warning("%d sessions were made with another config and are made again (e.g. %s)", len(redo), redo[0])
    planned = {j.stem for j in jobs}
    stale = sorted(p.stem for p in (out / "videos").glob("*.mp4") if p.stem not in planned) if (out / "videos").is_dir() else []
    if stale:
        log.warning("%s holds %d sessions this config does not plan (e.g. %s); they will be read as part of the corpus: "
                    "use a new --out folder", out, len(stale), stale[0])
    # longest first keeps workers busy to the end
    todo.sort(key=lambda j: (-j.duration, j.stem))
    seconds = sum(j.duration for j in todo)
    t0 = time.perf_counter()
    with bar(desc="rendering world", total=round(seconds), unit="s video") as b:
        if workers <= 1 or len(todo) <= 1:
            for j in todo:
                generate_session(j, cfg, out, exe)
                b.update(round(j.duration))
        else:
            ctx = mp.get_context("spawn")
            with cf.ProcessPoolExecutor(max_workers=min(workers, len(todo)), mp_context=ctx) as pool:
                futs = {pool.submit(_run, (j, cfg, str(out), exe)): j for j in todo}
                for fut in cf.as_completed(futs):
                    fut.result()
                    b.update(round(futs[fut].duration))
    elapsed = time.perf_counter() - t0
    meta = corpus_meta(cfg, jobs, out)
    write_json(out / "corpus.json", meta)
    if todo:
        log.debug("rendered %.0f s of video in %.1f s (%.1fx real time)", seconds, elapsed, seconds / max(elapsed, 1e-9))
    return meta


def corpus_meta(cfg: WorldConfig, jobs: list[SessionJob], out: Path) -> dict[str, Any]:
    births = birth_dates(cfg)
    stats = [read_json(marker_path(out, j.stem)) for j in jobs]
    children: dict[str, Any] = {}
    for c in cfg.children:
        mine = [s for s in stats if s["child"] == c]
        children[c] = {
            "birth_date": births[c].isoformat(),
            "sessions": len(mine),
            "hours": round(sum(s["duration"] for s in mine) / 3600, 4),
            "age_months_min": round(min(s["age_days"] for s in mine) / DAYS_PER_MONTH, 2) if mine else None,
            "age_months_max": round(max(s["age_days"] for s in mine) / DAYS_PER_MONTH, 2) if mine else None,
        }
    return {
        "name": "babyvlm world",
        "generator": GENERATOR,
        "version": GENERATOR_VERSION,
        "seed": cfg.seed,
        "layout": "saycam",
        "children": children,
        "sessions": [{"stem": j.stem, "child": j.child, "date": j.date, "age_days": j.age_days, "room": j.room,
                      "duration": j.duration} for j in jobs],
        "config": to_dict(cfg),
        "stats": aggregate_stats(stats),
        "cdi_citation": "MacArthur-Bates CDI word lists and AoA norms (Fenson et al. 2007; Frank et al. 2017, Wordbank); "
                        "see babyvlm/data/cdi/README.md",
    }


def _merge(dicts) -> dict[str, int]:
    total: Counter[str] = Counter()
    for d in dicts:
        total.update(d)
    return dict(sorted(total.items(), key=lambda kv: (len(kv[0]), kv[0])))


def aggregate_stats(stats: list[dict[str, Any]]) -> dict[str, Any]:
    frames = sum(s["annotated_frames"] for s in stats)
    utts = sum(s["utterances"] for s in stats)
    visible = sum(s["utterances_with_visible_referent"] for s in stats)
    seen = sorted(set().union(*[set(s["categories_seen"]) for s in stats])) if stats else []
    cats = categories()
    by_domain = Counter(cats[c].cdi_category for c in seen if c in cats)
    count_hist = _merge(s["category_count_hist"] for s in stats)
    whole_hist = _merge(s["category_count_hist_whole"] for s in stats)
    months = sorted({int(s["age_days"] / DAYS_PER_MONTH) for s in stats})
    seconds = sum(s["duration"] for s in stats)
    return {
        "sessions": len(stats),
        "hours": round(seconds / 3600, 4),
        "utterances": utts,
        "words": sum(s["words"] for s in stats),
        "categories": len(seen),
        "categories_in_domains": sum(v for k, v in by_domain.items() if k in DOMAINS),
        "instances_per_frame": round(sum(s["objects_per_frame_mean"] * s["annotated_frames"] for s in stats) / max(1, frames), 3),
        "instances_per_frame_max": max((s["objects_per_frame_max"] for s in stats), default=0),
        "visible_referent_share": round(visible / max(1, utts), 4),
        "nothing_in_view_share": round(1 - visible / max(1, utts), 4),
        "max_same_category_in_view": max((int(k) for k in count_hist), default=0),
        "partially_visible_share": round(sum(s["partially_visible_share"] * s["annotated_frames"] for s in stats) / max(1, frames), 4),
        "leaves_frame_events": sum(sum(s["leaves_frame"].values()) for s in stats),
        "age_months_min": months[0] if months else None,
        "age_months_max": months[-1] if months else None,
        "sessions_with_audio": sum(1 for s in stats if s["audio"]),
        "annotated_frames": frames,
        "ages_months_covered": months,
        "category_list": seen,
        "categories_by_cdi_category": dict(sorted(by_domain.items())),
        "same_category_count_hist": count_hist,
        "same_category_count_hist_whole": whole_hist,
        "speakers": _merge(s["speakers"] for s in stats),
        "utterance_kinds": _merge(s["kinds"] for s in stats),
        "leaves_frame_sides": _merge(s["leaves_frame"] for s in stats),
        "quadrants": _merge(s["quadrants"] for s in stats),
        "rooms": dict(sorted(Counter(s["room"] for s in stats).items())),
        "episodes": _merge(s["episodes"] for s in stats),
    }
