"""Measured filter quality against the world's ground truth.

The candidates are every image-utterance pair the pipeline scored (each 1 FPS frame of each clip,
with the clip's utterance). A pair is *positive* when one of the utterance's referents is visible in
the frame (`babyvlm.scoring.oracle.GroundTruth`). A pair is *kept* when its clip passed the video
filter and the frame passed the image filter. Reported: the base rate (share of positives among all
candidates, what no filtering gives), precision and recall of the kept pairs, and, threshold-free,
the ROC AUC of the frame score and the best precision reachable at recall >= 0.5.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def roc_auc(labels: np.ndarray, scores: np.ndarray) -> float | None:
    """Probability that a random positive outscores a random negative (ties count half)."""
    labels = np.asarray(labels, bool)
    n_pos, n_neg = int(labels.sum()), int((~labels).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    from scipy.stats import rankdata

    ranks = rankdata(scores)
    return float((ranks[labels].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_at_recall(labels: np.ndarray, scores: np.ndarray, min_recall: float = 0.5) -> tuple[float, float] | None:
    """(precision, threshold) of the best single threshold on `scores` whose recall is >= min_recall."""
    labels = np.asarray(labels, bool)
    if labels.sum() == 0:
        return None
    order = np.argsort(-np.asarray(scores, np.float64), kind="stable")
    s, lab = np.asarray(scores)[order], labels[order]
    tp = np.cumsum(lab)
    # only cut between distinct scores
    last = np.r_[s[1:] != s[:-1], True]
    idx = np.flatnonzero(last)
    rec = tp[idx] / labels.sum()
    prec = tp[idx] / (idx + 1)
    ok = rec >= min_recall
    if not ok.any():
        return None
    j = np.argmax(np.where(ok, prec, -1))
    return float(prec[j]), float(s[idx[j]])


def filter_quality(truth: np.ndarray, kept: np.ndarray, scores: np.ndarray, clip_kept: np.ndarray) -> dict[str, Any]:
    truth = np.asarray(truth, bool)
    kept = np.asarray(kept, bool)
    n = len(truth)
    pos = int(truth.sum())
    tp = int((truth & kept).sum())
    n_kept = int(kept.sum())
    out: dict[str, Any] = {
        "pairs": n,
        "positives": pos,
        "base_rate": round(pos / n, 4) if n else None,
        "kept": n_kept,
        "precision": round(tp / n_kept, 4) if n_kept else None,
        "recall": round(tp / pos, 4) if pos else None,
    }
    if out["precision"] is not None and out["base_rate"] is not None:
        out["precision_gain"] = round(out["precision"] - out["base_rate"], 4)
    ck = np.asarray(clip_kept, bool)
    out["video_filter_only"] = {
        "kept": int(ck.sum()),
        "precision": round(int((truth & ck).sum()) / int(ck.sum()), 4) if ck.sum() else None,
        "recall": round(int((truth & ck).sum()) / pos, 4) if pos else None,
    }
    auc = roc_auc(truth, scores)
    out["frame_score_auc"] = None if auc is None else round(auc, 4)
    par = precision_at_recall(truth, scores, 0.5)
    out["best_precision_at_recall_0.5"] = None if par is None else {"precision": round(par[0], 4), "threshold": round(par[1], 6)}
    return out
