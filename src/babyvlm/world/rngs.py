"""Named random streams: every random choice flows from the corpus seed, independent of worker order."""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, *names: str | int) -> np.random.Generator:
    """A generator keyed by the seed and a path of names (`stream(0, "S", "home")`)."""
    key = [int(seed) & 0xFFFFFFFF] + [n if isinstance(n, int) else zlib.crc32(str(n).encode()) for n in names]
    return np.random.default_rng(np.random.SeedSequence(key))


def sub_seed(rng: np.random.Generator) -> int:
    return int(rng.integers(2**31))
