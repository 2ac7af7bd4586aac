"""Train / val / test by session: every session goes whole to one split.

The number of sessions per split comes from the fractions (largest remainders, at least one test
session). Each child's sessions are shuffled with the seed and the children interleaved (first
session of each child, then the second, ...) before the splits are filled test, val, train: every
split sees as many children as its size allows, and no frame of a test session can reach a
training item.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict

import numpy as np

from babyvlm.devcv.builder.config import SPLITS, SplitConfig


def split_sizes(n: int, cfg: SplitConfig) -> dict[str, int]:
    fracs = {s: max(0.0, float(getattr(cfg, s))) for s in SPLITS}
    total = sum(fracs.values())
    if total <= 0:
        raise ValueError("split fractions must not all be zero")
    want = {s: fracs[s] / total * n for s in SPLITS}
    counts = {s: math.floor(want[s]) for s in SPLITS}
    for s in sorted(SPLITS, key=lambda s: (-(want[s] - counts[s]), ("test", "val", "train").index(s)))[: n - sum(counts.values())]:
        counts[s] += 1
    if n > 1 and fracs["test"] > 0 and counts["test"] == 0:  # a benchmark needs a test session
        donor = max(("train", "val"), key=lambda s: counts[s])
        counts[donor] -= 1
        counts["test"] += 1
    return counts


def assign_splits(sessions: list[tuple[str, str]], cfg: SplitConfig, seed: int) -> dict[str, str]:
    """{stem: split} for (stem, child) pairs."""
    by_child: dict[str, list[str]] = defaultdict(list)
    for stem, child in sessions:
        by_child[child].append(stem)
    queues = []
    for child in sorted(by_child):
        stems = sorted(by_child[child])
        rng = np.random.default_rng([seed, zlib.crc32(child.encode("utf-8"))])
        queues.append([stems[i] for i in rng.permutation(len(stems))])
    order = [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]
    sizes = split_sizes(len(order), cfg)
    out: dict[str, str] = {}
    k = 0
    for s in ("test", "val", "train"):
        for stem in order[k:k + sizes[s]]:
            out[stem] = s
        k += sizes[s]
    return out
