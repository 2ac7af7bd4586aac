"""Pixel shortcuts: the statistics an answer could come from without the skill, and the rules using them.

One table for two users. The DevCV builder keeps the share of items each rule answers right at
chance (`devcv.builder.lowlevel.ConfoundControl`); the `pixel` baseline answers with the same rules.
A rule scores each option (higher: the rule's answer) and `pick` takes the best score, ties broken
at random, so the builder's control cancels exactly the rule the baseline uses. All statistics work
on small thumbnails (the usual scale of such shortcuts) and read only pixels.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import ndimage

SIZE = 48  # thumbnail side
QUADRANTS = ("top left", "top right", "bottom left", "bottom right")
TIE = 1e-12


def thumb(image, size: int = SIZE) -> np.ndarray:
    """RGB float array (size, size, 3) in [0, 1]."""
    from PIL import Image

    im = image if image.mode == "RGB" else image.convert("RGB")
    return np.asarray(im.resize((size, size), Image.BILINEAR), dtype=np.float32) / 255.0


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean squared difference of two thumbnails."""
    return float(np.mean((a - b) ** 2))


def min_distance(t: np.ndarray, others: np.ndarray) -> float:
    """Smallest mean squared difference between `t` and a stack of thumbnails (n, s, s, 3)."""
    return float(np.min(np.mean((others - t) ** 2, axis=(1, 2, 3))))


def clutter(t: np.ndarray) -> float:
    """Pixel standard deviation of the grey image (how busy it looks)."""
    return float(t.mean(axis=2).std())


def quadrant_energy(t: np.ndarray) -> dict[str, float]:
    """Edge energy per image quadrant, keyed as QUADRANTS."""
    g = t.mean(axis=2)
    gy, gx = np.gradient(g)
    e = np.hypot(gx, gy)
    h, w = e.shape
    parts = (e[:h // 2, :w // 2], e[:h // 2, w // 2:], e[h // 2:, :w // 2], e[h // 2:, w // 2:])
    return {q: float(p.sum()) for q, p in zip(QUADRANTS, parts)}


def blobs(t: np.ndarray, threshold: float = 0.15, min_share: float = 0.002) -> tuple[int, float]:
    """(connected regions that differ from the background colour, foreground share of the image).
    The background colour is the median of the border pixels."""
    border = np.concatenate([t[0], t[-1], t[:, 0], t[:, -1]])
    bg = np.median(border, axis=0)
    fg = np.abs(t - bg).sum(axis=2) > threshold * 3
    labels, n = ndimage.label(fg, structure=np.ones((3, 3)))
    if n == 0:
        return 0, 0.0
    sizes = np.asarray(ndimage.sum(fg, labels, range(1, n + 1)))
    return int((sizes >= min_share * fg.size).sum()), float(fg.mean())


ANGLES = {  # direction -> angle (radians, image coordinates: x right, y down)
    "right": 0.0, "bottom right": math.pi / 4, "bottom": math.pi / 2, "bottom left": 3 * math.pi / 4,
    "left": math.pi, "top left": -3 * math.pi / 4, "top": -math.pi / 2, "top right": -math.pi / 4,
}


def motion_direction(frames: list[np.ndarray], options: Sequence[str]) -> str | None:
    """The option direction nearest the drift of the frame-to-frame differences (where they
    concentrate late in the clip relative to early; the late centroid when they do not move)."""
    g = [f.mean(axis=2) for f in frames]
    diffs = [np.abs(b - a) for a, b in zip(g, g[1:])]
    if not diffs:
        return None
    h, w = diffs[0].shape
    ys, xs = np.mgrid[0:h, 0:w]
    cents = []
    for d in diffs:
        m = d.sum()
        if m > 1e-9:
            cents.append(((d * xs).sum() / m - (w - 1) / 2, (d * ys).sum() / m - (h - 1) / 2))
    if not cents:
        return None
    half = max(1, len(cents) // 2)
    drift = np.mean(cents[-half:], axis=0) - (np.mean(cents[:half], axis=0) if len(cents) > 1 else 0)
    if np.hypot(*drift) <= 1e-6:
        drift = np.mean(cents[-half:], axis=0)
    angle = math.atan2(drift[1], drift[0])
    valid = [o for o in options if o in ANGLES]
    return min(valid, key=lambda o: abs(math.remainder(angle - ANGLES[o], 2 * math.pi))) if valid else None


# ------------------------------------------------------------------------------------------ the rules
# Each scores the options (a list in option order); `pick` turns scores into the rule's answer.

def nearest(reference: np.ndarray, options: Sequence[np.ndarray]) -> list[float]:
    """The option most like the reference in raw pixels."""
    return [-distance(reference, o) for o in options]


def busiest(options: Sequence[np.ndarray]) -> list[float]:
    """The option with the most clutter."""
    return [clutter(o) for o in options]


def more_blobs(options: Sequence[np.ndarray]) -> list[float]:
    """The option with the most connected regions, then the most foreground."""
    return [n + 1e-3 * share for n, share in (blobs(o) for o in options)]


def novel(options: Sequence[np.ndarray], earlier: Sequence[np.ndarray]) -> list[float]:
    """The option least like anything shown before (its nearest earlier image is farthest)."""
    if not len(earlier):
        return [0.0] * len(options)
    stack = np.stack(earlier)
    return [min_distance(o, stack) for o in options]


def blob_number(t: np.ndarray, lo: int, hi: int) -> int:
    """The count the regions give, clipped to the answer range."""
    return min(max(blobs(t)[0], lo), hi)


RULES = {  # the name a task's conversation carries in meta["pixel"] -> what the rule does
    "nearest": "the option nearest the reference image in raw pixels",
    "busiest": "the option with the most clutter",
    "quadrant": "the quadrant with the most edge energy",
    "more_blobs": "the option with the most connected regions, then the most foreground",
    "blob_count": "the number of connected regions, clipped to the answers",
    "motion": "the direction the frame differences drift to",
    "novel": "the option least like the images shown before",
}


def tied_best(scores: Sequence[float] | Mapping[Any, float]) -> list:
    """The options (indices or keys, sorted) whose score is the best."""
    keys = sorted(scores) if isinstance(scores, Mapping) else list(range(len(scores)))
    vals = [scores[k] for k in keys]
    top = max(vals)
    return [k for k, v in zip(keys, vals) if v >= top - TIE]


def pick(scores: Sequence[float] | Mapping[Any, float], rng):
    """The rule's answer: the best-scored option, a tie broken at random (numpy Generator or random.Random)."""
    tied = tied_best(scores)
    if len(tied) == 1:
        return tied[0]
    i = int(rng.integers(len(tied))) if hasattr(rng, "integers") else rng.randrange(len(tied))
    return tied[i]
