"""Steps 2, 4, 5 and 6 over the whole set: thresholds, samples, interleaving, files, stats.

Reads the per-session part files (stem order, one at a time) twice: first only the scores, to fix
the video and image thresholds over the whole set (needed by keep-fraction mode) and to measure the
filter against ground truth; then to write every sample, in session order, through streaming writers
(JSON lists, webdataset shards, the text corpus). A sample is written only when every one of its
image files exists and it passes the checker's rules (`samples.sample_problems`); otherwise it
becomes a reject, so a build never writes what `pretrain check` rejects.
"""

from __future__ import annotations

import logging
import os
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from babyvlm.errors import InputError
from babyvlm.pretrain.config import PretrainConfig
from babyvlm.pretrain.filters import resolve_threshold
from babyvlm.pretrain.interleave import windows
from babyvlm.pretrain.quality import filter_quality
from babyvlm.pretrain.samples import image_sample, interleaved_sample, sample_problems, video_sample
from babyvlm.pretrain.writers import JsonListWriter, ShardWriter, TextWriter
from babyvlm.util.io import read_json, write_json, write_jsonl
from babyvlm.util.progress import progress

log = logging.getLogger("babyvlm")

FORMATS = ("single_image", "video", "interleaved")
ALL_FORMATS = (*FORMATS, "mix_format")
SPLITS = ("train", "val")
SCHEMA = "babyvlm-pretrain/1"


def iter_parts(parts_dir: Path, stems: Sequence[str]) -> Iterator[dict[str, Any]]:
    for stem in sorted(stems):
        path = parts_dir / f"{stem}.json"
        if not path.exists():
            raise InputError(f"{path}: missing part file (the session was not processed; rerun the build)")
        yield read_json(path)


@dataclass
class ScoreTable:
    """Scores of every candidate, gathered in pass 1 (numbers only: small even for a large corpus)."""

    kind: str = ""
    name: str = ""
    defaults: dict[str, float] = field(default_factory=dict)
    clip_scores: list[float] = field(default_factory=list)
    frame_scores: list[float] = field(default_factory=list)
    frame_clip: list[int] = field(default_factory=list)  # frame -> clip row
    frame_truth: list[int] = field(default_factory=list)  # 1, 0, or -1 (no ground truth)


def gather_scores(parts_dir: Path, stems: Sequence[str]) -> ScoreTable:
    t = ScoreTable()
    fingerprints = set()
    for part in iter_parts(parts_dir, stems):
        fingerprints.add(part.get("settings", ""))
        if not t.kind:
            t.kind, t.name = part["scorer"]["kind"], part["scorer"]["name"]
            t.defaults = dict(part["scorer"]["default_thresholds"])
        for c in part["clips"]:
            row = len(t.clip_scores)
            t.clip_scores.append(c["score"])
            for f in c["frames"]:
                t.frame_scores.append(f["score"])
                t.frame_clip.append(row)
                tr = f.get("truth")
                t.frame_truth.append(-1 if tr is None else int(bool(tr)))
    if len(fingerprints) > 1:
        raise InputError("the part files were made with different settings or scorers; rebuild them with one config")
    return t


def _hist(values: np.ndarray, edges: np.ndarray) -> list[int]:
    return [int(v) for v in np.histogram(values, bins=edges)[0]] if len(values) else [0] * (len(edges) - 1)


def _edges(values: np.ndarray, extra: Sequence[float], bins: int = 40) -> np.ndarray:
    finite = [float(v) for v in (*values.tolist(), *extra) if np.isfinite(v)]
    lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if hi <= lo:
        hi = lo + 1.0
    return np.round(np.linspace(lo, hi, bins + 1), 6)


def assemble(out: Path, cfg: PretrainConfig, stems: Sequence[str], listing_rejects: Sequence[dict[str, Any]] = (),
             *, split_of: dict[str, str] | None = None, held_out: Sequence[str] = (),
             prune: bool | None = None) -> dict[str, Any]:
    """Write the pretraining set in `out` from `out/parts/<stem>.json`; returns stats.json's content.

    `split_of` (stem -> train/val) overrides the split recorded in the part files; `held_out`: the
    corpus's test sessions, left out of the set (counted in stats.json and the report)."""
    out = Path(out)
    parts_dir = out / "parts"
    frames_dir = out / "frames"
    frames_dir.mkdir(parents=True, exist_ok=True)
    table = gather_scores(parts_dir, stems)
    clip_scores = np.asarray(table.clip_scores, np.float64)
    frame_scores = np.asarray(table.frame_scores, np.float64)
    frame_clip = np.asarray(table.frame_clip, np.int64)
    kind = table.kind or "none"
    vthr = resolve_threshold(cfg.video_filter, "video", kind, table.defaults, clip_scores)
    clip_kept = clip_scores >= vthr
    frame_in_kept = clip_kept[frame_clip] if len(frame_clip) else np.zeros(0, bool)
    ithr = resolve_threshold(cfg.image_filter, "image", kind, table.defaults, frame_scores[frame_in_kept])

    existing = set(os.listdir(frames_dir))
    rejects: list[dict[str, Any]] = list(listing_rejects)
    referenced: set[str] = set()
    json_w = {(s, f): JsonListWriter(out / s / f"{f}.json") for s in SPLITS for f in ALL_FORMATS}
    text_w = {s: TextWriter(out / "text" / f"{s}.txt") for s in SPLITS}
    shards_dir = out / "shards"
    if shards_dir.is_dir():  # shards of an earlier assembly may outnumber this one's
        for p in shards_dir.glob("*.tar"):
            p.unlink()
    shard_w = {(s, f): ShardWriter(shards_dir, f"{f}-{s}", cfg.write.shard_max_samples)
               for s in SPLITS for f in FORMATS} if cfg.write.shards else {}

    counts = {s: Counter() for s in SPLITS}
    per_child: dict[str, Counter] = defaultdict(Counter)
    per_month: dict[int, Counter] = defaultdict(Counter)
    hours = Counter()
    dropped = Counter()
    sessions_split: dict[str, list[str]] = {s: [] for s in SPLITS}
    image_keep_mask = np.zeros(len(frame_scores), bool)
    frame_row = 0
    writers_ok = False
    try:
        for part in progress(iter_parts(parts_dir, stems), desc="writing samples", total=len(stems), unit="session"):
            split = split_of[part["stem"]] if split_of else part["split"]
            sessions_split[split].append(part["stem"])
            rejects.extend(part["rejects"])
            dropped.update(part["dropped"])
            hours["video"] += part["duration"]
            hours["speech"] += part["speech_seconds"]
            for line in part["utterances"]:
                text_w[split].write_line(" ".join(line.split()))
            kept: list[dict[str, Any]] = []
            n_images = n_video = 0
            for c in part["clips"]:
                row0 = frame_row
                frame_row += len(c["frames"])
                hours["candidate_clips"] += c["end"] - c["start"]
                if c["score"] < vthr:
                    continue
                missing = [f for f in c["frames"] if f["file"] is None or f["file"] not in existing]
                if missing:
                    f = missing[0]
                    rejects.append({"source": f"frames/{f['file']}" if f["file"] else part["stem"],
                                    "reason": "frame file missing: clip skipped", "step": "pretrain",
                                    "record": {"stem": part["stem"], "start": c["start"], "end": c["end"]}})
                    continue
                kept.append(c)
                hours["kept_clips"] += c["end"] - c["start"]
                for j, f in enumerate(c["frames"]):
                    if f["score"] >= ithr:
                        image_keep_mask[row0 + j] = True
                        n_images += _emit(image_sample(part, c, f), split, "single_image", json_w, shard_w, frames_dir,
                                          referenced, rejects)
                n_video += _emit(video_sample(part, c, cfg.frames.max_video_frames), split, "video", json_w, shard_w,
                                 frames_dir, referenced, rejects)
            n_inter = 0
            for win in windows(kept, cfg.interleave, cfg.seed, part["stem"]):
                n_inter += _emit(interleaved_sample(part, win), split, "interleaved", json_w, shard_w, frames_dir,
                                 referenced, rejects)
            cnt = counts[split]
            cnt["sessions"] += 1
            cnt["single_image"] += n_images
            cnt["video"] += n_video
            cnt["interleaved"] += n_inter
            cnt["text_lines"] += len(part["utterances"])
            child = per_child[str(part["child"])]
            child["sessions"] += 1
            child["clips_kept"] += len(kept)
            child["images_kept"] += n_images
            child["video_seconds"] += part["duration"]
            if part["age_days"] is not None:
                month = per_month[int(part["age_days"] / 30.4375)]
                month["sessions"] += 1
                month["clips_kept"] += len(kept)
                month["images_kept"] += n_images
                month["video_seconds"] += part["duration"]
        # the mix is the three formats together, session by session
        for s in SPLITS:
            counts[s]["mix_format"] = counts[s]["single_image"] + counts[s]["video"] + counts[s]["interleaved"]
        writers_ok = True
    finally:
        for w in (*json_w.values(), *text_w.values(), *shard_w.values()):
            if not writers_ok:
                w.abort()
    for w in (*json_w.values(), *text_w.values()):
        w.close()
    sizes: dict[str, int] = {}
    for w in shard_w.values():
        sizes.update(w.close())
    if cfg.write.shards:
        write_json(shards_dir / "sizes.json", dict(sorted(sizes.items())))

    if prune is None:
        prune = cfg.write.prune_frames and "keep_fraction" not in (cfg.video_filter.mode, cfg.image_filter.mode)
    pruned = 0
    if prune:
        for name in sorted(existing - referenced):
            if name.endswith(".jpg"):
                (frames_dir / name).unlink(missing_ok=True)
                pruned += 1

    truth = np.asarray(table.frame_truth, np.int64)
    has_truth = truth >= 0
    quality = None
    if has_truth.any():
        quality = filter_quality(truth[has_truth] == 1, image_keep_mask[has_truth], frame_scores[has_truth],
                                 frame_in_kept[has_truth])
        quality["scorer"] = table.name
        quality["min_visible"] = cfg.truth.min_visible
    vedges = _edges(clip_scores, [vthr])
    iedges = _edges(frame_scores, [ithr])
    hist = {
        "video": {"edges": vedges.tolist(), "all": _hist(clip_scores, vedges), "kept": _hist(clip_scores[clip_kept], vedges)},
        "image": {"edges": iedges.tolist(), "all": _hist(frame_scores, iedges),
                  "kept": _hist(frame_scores[image_keep_mask], iedges)},
    }
    if has_truth.any():
        hist["image"]["positive"] = _hist(frame_scores[truth == 1], iedges)
        hist["image"]["negative"] = _hist(frame_scores[truth == 0], iedges)
    n_frames_kept_clips = int(frame_in_kept.sum())
    stats = {
        "schema": SCHEMA,
        "scorer": {"name": table.name, "kind": kind, "aggregate": cfg.scorer.aggregate},
        "filters": {
            "video": {"mode": cfg.video_filter.mode, "threshold": _num(vthr), "candidates": len(clip_scores),
                      "kept": int(clip_kept.sum()), "keep_rate": _rate(clip_kept.sum(), len(clip_scores))},
            "image": {"mode": cfg.image_filter.mode, "threshold": _num(ithr), "candidates": n_frames_kept_clips,
                      "kept": int(image_keep_mask.sum()), "keep_rate": _rate(image_keep_mask.sum(), n_frames_kept_clips)},
        },
        "sessions": {"total": len(stems), "train": len(sessions_split["train"]), "val": len(sessions_split["val"]),
                     "val_stems": sessions_split["val"], "held_out_test": len(held_out),
                     "held_out_stems": sorted(held_out), "split": "shared" if cfg.split.shared else "corpus"},
        "counts": {s: {k: int(counts[s][k]) for k in (*ALL_FORMATS, "sessions", "text_lines")} for s in SPLITS},
        "hours": {k: round(hours[k] / 3600, 4) for k in ("video", "speech", "candidate_clips", "kept_clips")},
        "segments": {"candidates": len(clip_scores), "dropped": dict(sorted(dropped.items())),
                     "frames_scored": len(frame_scores)},
        "per_child": {k: _group(v) for k, v in sorted(per_child.items())},
        "per_age_month": {str(k): _group(v) for k, v in sorted(per_month.items())},
        "histograms": hist,
        "filter_quality": quality,
        "frames": {"referenced": len(referenced), "pruned": pruned},
        "shards": {"files": len(sizes), "samples": int(sum(sizes.values()))},
        "rejects": len(rejects),
    }
    write_json(out / "stats.json", stats)
    write_jsonl(out / "rejects.jsonl", rejects)
    from babyvlm.pretrain.report import write_report

    write_report(out, stats)
    return stats


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 6)


def _rate(a: int, b: int) -> float | None:
    return round(int(a) / b, 4) if b else None


def _group(c: Counter) -> dict[str, Any]:
    d = {k: int(v) for k, v in c.items() if k != "video_seconds"}
    d["hours"] = round(c["video_seconds"] / 3600, 4)
    return dict(sorted(d.items()))


def _emit(sample: dict[str, Any], split: str, fmt: str, json_w, shard_w, frames_dir: Path, referenced: set[str],
          rejects: list[dict[str, Any]]) -> bool:
    """One sample into its format's list, the mix (session by session, as emitted) and its shard; a
    sample that `pretrain check` would call invalid is a reject instead (False)."""
    bad = sample_problems(sample)
    if bad:
        rejects.append({"source": str(sample.get("id")), "reason": f"invalid {fmt} sample: {'; '.join(bad)}",
                        "step": "pretrain", "record": {"stem": sample.get("meta", {}).get("stem")}})
        return False
    json_w[(split, fmt)].write(sample)
    json_w[(split, "mix_format")].write(sample)
    names = [p.split("/", 1)[1] for p in sample["image"]]
    referenced.update(names)
    if shard_w:
        shard_w[(split, fmt)].write(sample, [(frames_dir / n).read_bytes() for n in names])
    return True
