"""Metrics with 95% bootstrap intervals, and the overall score.

A task's metric is the mean over items of each item's value (`row["metrics"]`). The interval
resamples items with replacement (`n_resamples` times, 1000 by default) and takes the 2.5th and
97.5th percentiles of the resampled means. The resampling is seeded by (seed, task), so the same
run gives the same interval, and the model and its baselines are resampled with the same indices
(paired). Items whose value is undefined for a metric (NaN) are left out of that metric.

The overall score is the mean of the primary metrics of the leaderboard's tasks that were run,
as on the leaderboard; its interval is the percentile interval of the mean of the tasks' bootstrap
replicates (tasks resampled independently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from babyvlm.util.rngs import joined_seed


@dataclass
class MetricValue:
    value: float
    ci_low: float
    ci_high: float
    replicates: np.ndarray | None = field(default=None, repr=False)

    def to_dict(self) -> dict[str, float | None]:
        return {"value": _num(self.value), "ci_low": _num(self.ci_low), "ci_high": _num(self.ci_high)}


def _num(x: float) -> float | None:
    return None if x is None or not np.isfinite(x) else round(float(x), 6)


def bootstrap_rng(seed: int, task: str) -> np.random.Generator:
    return np.random.default_rng(joined_seed(seed, task))


def metric_table(rows: Sequence[dict[str, Any]], metrics: Sequence[str]) -> np.ndarray:
    """(n_items, n_metrics) array of per-item values, NaN where undefined."""
    out = np.full((len(rows), len(metrics)), np.nan)
    for i, r in enumerate(rows):
        for j, m in enumerate(metrics):
            v = r["metrics"].get(m)
            if v is not None:
                out[i, j] = float(v)
    return out


def bootstrap_means(
    values: np.ndarray, *, n_resamples: int = 1000, seed: int = 0, task: str = "", alpha: float = 0.05
) -> list[MetricValue]:
    """Mean and percentile interval of each column of `values`."""
    n, m = values.shape
    if n == 0:
        return [MetricValue(float("nan"), float("nan"), float("nan")) for _ in range(m)]
    with np.errstate(invalid="ignore"), _quiet_nanmean():
        point = np.nanmean(values, axis=0)
        if n_resamples <= 0:
            return [MetricValue(float(point[j]), float("nan"), float("nan")) for j in range(m)]
        idx = bootstrap_rng(seed, task).integers(0, n, size=(n_resamples, n))
        reps = np.nanmean(values[idx], axis=1)  # (n_resamples, m)
    out = []
    for j in range(m):
        col = reps[:, j]
        col = col[np.isfinite(col)]
        lo, hi = (np.quantile(col, [alpha / 2, 1 - alpha / 2]) if len(col) else (np.nan, np.nan))
        out.append(MetricValue(float(point[j]), float(lo), float(hi), reps[:, j]))
    return out


def overall(values: Sequence[MetricValue], alpha: float = 0.05) -> MetricValue:
    """Mean of primary metrics, with an interval from the mean of their bootstrap replicates."""
    vals = [v for v in values if v is not None and np.isfinite(v.value)]
    if not vals:
        return MetricValue(float("nan"), float("nan"), float("nan"))
    point = float(np.mean([v.value for v in vals]))
    reps = [v.replicates for v in vals if v.replicates is not None]
    if len(reps) != len(vals) or not reps:
        return MetricValue(point, float("nan"), float("nan"))
    with np.errstate(invalid="ignore"), _quiet_nanmean():
        mean_reps = np.nanmean(np.stack(reps), axis=0)
    mean_reps = mean_reps[np.isfinite(mean_reps)]
    lo, hi = np.quantile(mean_reps, [alpha / 2, 1 - alpha / 2]) if len(mean_reps) else (np.nan, np.nan)
    return MetricValue(point, float(lo), float(hi), mean_reps)


class _quiet_nanmean:
    """nanmean of an all-NaN slice warns; an undefined metric is simply NaN here."""

    def __enter__(self):
        import warnings

        self._cm = warnings.catch_warnings()
        self._cm.__enter__()
        warnings.simplefilter("ignore", category=RuntimeWarning)
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)
