"""Measure a scorer against the world's ground truth without building a set (`babyvlm scorer eval`).

The same candidates as `pretrain build` (1 FPS frames of the segmented clips, each with its clip's
utterance) are scored, nothing is written, and the filter quality is computed as in stats.json (see
`quality.py`), at the thresholds the build would use, plus threshold-free numbers (AUC, best
precision at recall >= 0.5).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from babyvlm.corpus import open_corpus
from babyvlm.errors import InputError
from babyvlm.pretrain.config import PretrainConfig
from babyvlm.pretrain.filters import resolve_threshold
from babyvlm.pretrain.process import SessionJob, process_session
from babyvlm.pretrain.quality import filter_quality
from babyvlm.scoring import Scorer
from babyvlm.util.progress import progress


def evaluate_scorer(corpus_dir: str | Path, cfg: PretrainConfig, scorer: Scorer, *, max_sessions: int | None = None) -> dict[str, Any]:
    corpus = open_corpus(corpus_dir, cfg.corpus)
    entries = [e for e in corpus.entries if e.annotations is not None]
    if not entries:
        raise InputError(f"{corpus_dir}: no session has annotations/<stem>.jsonl; ground truth exists only for world corpora")
    if max_sessions:
        entries = entries[:max_sessions]
    clip_scores, frame_scores, frame_clip, truth = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for e in progress(entries, desc="scoring sessions", unit="session"):
            job = SessionJob(e, "train", Path(tmp), Path(tmp), "")
            part = process_session(job, cfg, scorer, dry_run=True)
            for c in part["clips"]:
                row = len(clip_scores)
                clip_scores.append(c["score"])
                for f in c["frames"]:
                    if f.get("truth") is None:
                        continue
                    frame_scores.append(f["score"])
                    frame_clip.append(row)
                    truth.append(bool(f["truth"]))
    cs = np.asarray(clip_scores, np.float64)
    fs = np.asarray(frame_scores, np.float64)
    fc = np.asarray(frame_clip, np.int64)
    tr = np.asarray(truth, bool)
    vthr = resolve_threshold(cfg.video_filter, "video", scorer.kind, scorer.default_thresholds, cs)
    clip_kept = cs >= vthr
    in_kept = clip_kept[fc] if len(fc) else np.zeros(0, bool)
    ithr = resolve_threshold(cfg.image_filter, "image", scorer.kind, scorer.default_thresholds, fs[in_kept])
    kept = in_kept & (fs >= ithr)
    q = filter_quality(tr, kept, fs, in_kept)
    q["scorer"] = scorer.name
    q["sessions"] = len(entries)
    q["thresholds"] = {"video": float(vthr), "image": float(ithr)}
    # the same measurement with the video filter off: how good the image score is alone
    q["image_filter_only"] = filter_quality(tr, fs >= ithr, fs, np.ones(len(fs), bool))
    for k in ("image_filter_only",):
        q[k].pop("video_filter_only", None)
    return q
