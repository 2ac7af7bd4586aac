"""Keyed random streams: the one way a seed and a path of names become a generator.

Every random choice in babyvlm flows from a run's seed through a named stream, so that one consumer's
draws never depend on another's, on worker order or on how many items came before. A name is an
int (taken as it is) or anything else (its text, CRC-32). `stream(0, "S", "home")` is numpy's
`default_rng([0, crc32("S"), crc32("home")])`; the ints some modules pass (`stream(seed, epoch, 11)`)
only keep their streams apart.
"""

from __future__ import annotations

import random
import zlib
from typing import Any

import numpy as np


def _name(n: Any) -> int:
    return int(n) if isinstance(n, (int, np.integer)) and not isinstance(n, bool) else zlib.crc32(str(n).encode("utf-8"))


def stream(seed: int, *names: Any) -> np.random.Generator:
    """A numpy generator keyed by the seed and a path of names."""
    return np.random.default_rng(np.random.SeedSequence([int(seed) & 0xFFFFFFFF, *(_name(n) for n in names)]))


def joined_seed(*parts: Any) -> int:
    """One 32-bit seed from the parts' text joined by ':' (the evaluation's streams, keyed per item)."""
    return zlib.crc32(":".join(str(p) for p in parts).encode("utf-8"))


def py_stream(*parts: Any) -> random.Random:
    """A Python `random.Random` keyed by the parts (`py_stream(seed, task, item_id)`)."""
    return random.Random(joined_seed(*parts))


def sub_seed(rng: np.random.Generator) -> int:
    """A seed drawn from a stream, for a child that keeps its own generator."""
    return int(rng.integers(2**31))
