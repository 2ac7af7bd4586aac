"""Pixel statistics for the `pixel` baseline: thumbnails, distances, clutter, blobs, motion.

All work on small thumbnails (so a baseline run costs little next to image decoding) and use only
the pixels: no question text, no labels.
"""

from __future__ import annotations

import math

import numpy as np
from scipy import ndimage

THUMB = 48


def thumbnail(image, size: int = THUMB) -> np.ndarray:
    """RGB float array (size, size, 3) in [0, 1]."""
    from PIL import Image

    im = image.convert("RGB").resize((size, size), Image.BILINEAR)
    return np.asarray(im, dtype=np.float32) / 255.0


def distance(a: np.ndarray, b: np.ndarray) -> float:
    """Mean squared difference of two thumbnails."""
    return float(np.mean((a - b) ** 2))


def clutter(t: np.ndarray) -> float:
    """Pixel standard deviation of the grey image (how busy it looks)."""
    return float(t.mean(axis=2).std())


def gradient_energy(t: np.ndarray) -> np.ndarray:
    g = t.mean(axis=2)
    gy, gx = np.gradient(g)
    return np.hypot(gx, gy)


def quadrant_energy(t: np.ndarray) -> dict[str, float]:
    """Edge energy per image quadrant."""
    e = gradient_energy(t)
    h, w = e.shape
    return {
        "top left": float(e[: h // 2, : w // 2].sum()), "top right": float(e[: h // 2, w // 2:].sum()),
        "bottom left": float(e[h // 2:, : w // 2].sum()), "bottom right": float(e[h // 2:, w // 2:].sum()),
    }


def blobs(t: np.ndarray, threshold: float = 0.15, min_area: float = 0.002) -> tuple[int, float]:
    """(number of foreground blobs, foreground area share). Foreground = pixels far from the
    background colour, taken as the median of the border pixels."""
    border = np.concatenate([t[0], t[-1], t[:, 0], t[:, -1]])
    bg = np.median(border, axis=0)
    fg = np.abs(t - bg).sum(axis=2) > threshold * 3
    labels, n = ndimage.label(fg, structure=np.ones((3, 3)))
    if n == 0:
        return 0, 0.0
    sizes = ndimage.sum(fg, labels, range(1, n + 1))
    keep = int((sizes >= min_area * fg.size).sum())
    return keep, float(fg.mean())


_ANGLES = {  # direction -> angle (radians, image coordinates: x right, y down)
    "right": 0.0, "bottom right": math.pi / 4, "bottom": math.pi / 2, "bottom left": 3 * math.pi / 4,
    "left": math.pi, "top left": -3 * math.pi / 4, "top": -math.pi / 2, "top right": -math.pi / 4,
}


def motion_direction(frames: list[np.ndarray], options: list[str]) -> str | None:
    """The option direction nearest the drift of frame-to-frame change: where the differences
    concentrate late in the clip, relative to where they were early."""
    if len(frames) < 2:
        return None
    g = [f.mean(axis=2) for f in frames]
    diffs = [np.abs(b - a) for a, b in zip(g, g[1:])]
    h, w = diffs[0].shape
    ys, xs = np.mgrid[0:h, 0:w]
    cents = []
    for d in diffs:
        m = d.sum()
        if m <= 1e-9:
            continue
        cents.append(((d * xs).sum() / m - (w - 1) / 2, (d * ys).sum() / m - (h - 1) / 2))
    if not cents:
        return None
    half = max(1, len(cents) // 2)
    late = np.mean(cents[-half:], axis=0)
    early = np.mean(cents[:half], axis=0) if len(cents) > 1 else np.zeros(2)
    dx, dy = late - early if np.hypot(*(late - early)) > 1e-6 else late
    angle = math.atan2(dy, dx)
    valid = [o for o in options if o in _ANGLES]
    if not valid:
        return None
    return min(valid, key=lambda o: abs(math.remainder(angle - _ANGLES[o], 2 * math.pi)))
