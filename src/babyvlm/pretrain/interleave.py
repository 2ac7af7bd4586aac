"""Step 5: sliding windows of consecutive kept segments of one session.

The kept clips of a session (time order) are cut into runs wherever two neighbours are more than
`max_gap` seconds apart. Inside a run, windows start every `stride` clips; each window's length is
drawn uniformly from [min_segments, max_segments] (clipped to what is left of the run; a window
shorter than min_segments is not made). The draws come from a generator seeded by (seed, stem), so
a session's windows do not depend on which other sessions are processed, or in which order.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from babyvlm.pretrain.config import InterleaveConfig
from babyvlm.pretrain.split import stable_hash


def runs(clips: list[dict[str, Any]], max_gap: float) -> list[list[dict[str, Any]]]:
    out: list[list[dict[str, Any]]] = []
    for c in clips:
        if out and c["start"] - out[-1][-1]["end"] <= max_gap:
            out[-1].append(c)
        else:
            out.append([c])
    return out


def windows(clips: list[dict[str, Any]], cfg: InterleaveConfig, seed: int, stem: str) -> list[list[dict[str, Any]]]:
    lo, hi = cfg.min_segments, max(cfg.min_segments, cfg.max_segments)
    if lo < 1:
        return []
    rng = np.random.default_rng(stable_hash("interleave", seed, stem))
    out = []
    for run in runs(clips, cfg.max_gap):
        for start in range(0, len(run), max(1, cfg.stride)):
            length = min(int(rng.integers(lo, hi + 1)), len(run) - start)
            if length < lo:
                break
            out.append(run[start : start + length])
    return out
