"""Train / val / test by session: every session goes whole to one split.

Each child's sessions are shuffled with the seed and shared out by the split fractions (largest
remainders), so every split sees every child where there are enough sessions, and no frame of a
test session can leak into training items.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict

import numpy as np

from babyvlm.devcv.builder.config import SPLITS, SplitConfig


def assign_splits(sessions: list[tuple[str, str]], cfg: SplitConfig, seed: int) -> dict[str, str]:
    """{stem: split} for (stem, child) pairs."""
    fracs = {s: max(0.0, float(getattr(cfg, s))) for s in SPLITS}
    total = sum(fracs.values())
    if total <= 0:
        raise ValueError("split fractions must not all be zero")
    fracs = {s: f / total for s, f in fracs.items()}
    by_child: dict[str, list[str]] = defaultdict(list)
    for stem, child in sessions:
        by_child[child].append(stem)
    out: dict[str, str] = {}
    # children with few sessions: rotate which split gets the rounding remainder
    offset = 0
    for child in sorted(by_child):
        stems = sorted(by_child[child])
        rng = np.random.default_rng([seed, zlib.crc32(child.encode())])
        stems = [stems[i] for i in rng.permutation(len(stems))]
        n = len(stems)
        want = {s: fracs[s] * n for s in SPLITS}
        counts = {s: math.floor(want[s]) for s in SPLITS}
        rest = n - sum(counts.values())
        order = sorted(SPLITS, key=lambda s: (-(want[s] - counts[s]), (SPLITS.index(s) + offset) % len(SPLITS)))
        for s in order[:rest]:
            counts[s] += 1
        offset += rest
        k = 0
        for s in ("test", "val", "train"):  # test first: the benchmark needs its sessions most
            for stem in stems[k:k + counts[s]]:
                out[stem] = s
            k += counts[s]
    return out
