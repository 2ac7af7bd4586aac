"""The shared split (`split.shared`, the paper's use of the corpus), and which sessions a shard processes.

By default the pretraining set takes the corpus's split (`babyvlm.formats.splits`); with
`split.shared` every session is in the set and this rule picks its validation sessions. It depends only on the seed and the full list of session stems (every shard sees the full
listing, so shards agree): sessions are ordered by a hash of (seed, stem) and the first
`round(val_fraction * n)` are validation, at least one when there are two sessions or more. No session
is on both sides. Shard i of N takes the sessions at positions i, i+N, ... of the stem-sorted list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from babyvlm.errors import InputError


def stable_hash(*parts: object) -> int:
    h = hashlib.sha256("\x1f".join(str(p) for p in parts).encode())
    return int.from_bytes(h.digest()[:8], "big")


def split_sessions(stems: Sequence[str], val_fraction: float, seed: int) -> dict[str, str]:
    """stem -> "train" | "val"."""
    if not 0 <= val_fraction < 1:
        raise InputError(f"split.val_fraction must be in [0, 1), got {val_fraction}")
    uniq = sorted(set(stems))
    n_val = int(round(val_fraction * len(uniq)))
    if val_fraction > 0 and len(uniq) >= 2:
        n_val = max(1, n_val)
    order = sorted(uniq, key=lambda s: (stable_hash("split", seed, s), s))
    val = set(order[:n_val])
    return {s: ("val" if s in val else "train") for s in uniq}


def parse_shard(text: str | None) -> tuple[int, int]:
    """`i/N` -> (i, N) with 0 <= i < N; None -> (0, 1)."""
    if text is None or text == "":
        return 0, 1
    try:
        a, b = text.split("/")
        i, n = int(a), int(b)
    except ValueError:
        raise InputError(f"--shard {text!r}: expected i/N, e.g. 0/4") from None
    if n < 1 or not 0 <= i < n:
        raise InputError(f"--shard {text!r}: need 0 <= i < N")
    return i, n


def shard_stems(stems: Sequence[str], shard: tuple[int, int]) -> list[str]:
    i, n = shard
    return [s for k, s in enumerate(sorted(stems)) if k % n == i]
