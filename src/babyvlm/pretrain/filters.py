"""Steps 2 and 4: turn a filter setting into a threshold over the whole set.

`threshold` mode uses the configured threshold for the scorer's kind (`thresholds: {baby: ...,
clip: ..., oracle: ...}`), else the scorer's own default. `keep_fraction` picks the threshold that
keeps that share of the candidates (the score of the last kept one, ties kept). `off` keeps all.
"""

from __future__ import annotations

import math

import numpy as np

from babyvlm.errors import ConfigError
from babyvlm.pretrain.config import FilterConfig


def resolve_threshold(f: FilterConfig, step: str, kind: str, defaults: dict[str, float], scores: np.ndarray) -> float:
    if f.mode == "off":
        return -math.inf
    if f.mode == "threshold":
        return float(f.thresholds.get(kind, defaults[step]))
    if not 0 < f.keep_fraction <= 1:
        raise ConfigError(f"{step}_filter.keep_fraction must be in (0, 1], got {f.keep_fraction}")
    if len(scores) == 0:
        return -math.inf
    s = np.sort(np.asarray(scores, np.float64))[::-1]
    n = max(1, int(math.ceil(f.keep_fraction * len(s) - 1e-9)))
    return float(s[n - 1])
