"""Low-level image statistics a shortcut could exploit, for controlling them while building.

An item should test the skill it names, not a pixel statistic that happens to go with the answer.
These are the obvious such statistics (nearest option in raw pixels, the busiest image, the
quadrant with the most edges, the number of connected foreground regions, where frame differences
drift, the option least like what was shown before). Builders compute them on candidate stimuli
and keep the share of items each statistic would answer right at chance (`ConfoundControl`),
the way numerosity studies control area and density. They work on small thumbnails.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image
from scipy import ndimage

SIZE = 48  # thumbnail side: the usual scale of such shortcuts (and of the `pixel` baseline)


def thumb(im: Image.Image, size: int = SIZE) -> np.ndarray:
    im = im if im.mode == "RGB" else im.convert("RGB")
    return np.asarray(im.resize((size, size), Image.BILINEAR), dtype=np.float32) / 255.0


def distance(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean((a - b) ** 2))


def min_distance(t: np.ndarray, others: np.ndarray) -> float:
    """Smallest mean squared difference between `t` and a stack of thumbnails (n, s, s, 3)."""
    return float(np.min(np.mean((others - t) ** 2, axis=(1, 2, 3))))


def nearest(ref: np.ndarray, options: list[np.ndarray]) -> int:
    d = [distance(ref, o) for o in options]
    return int(np.argmin(d))


def clutter(t: np.ndarray) -> float:
    return float(t.mean(axis=2).std())


def quadrant_energy(t: np.ndarray) -> list[float]:
    """Edge energy of the quadrants in the order top left, top right, bottom left, bottom right."""
    g = t.mean(axis=2)
    gy, gx = np.gradient(g)
    e = np.hypot(gx, gy)
    h, w = e.shape
    return [float(e[:h // 2, :w // 2].sum()), float(e[:h // 2, w // 2:].sum()),
            float(e[h // 2:, :w // 2].sum()), float(e[h // 2:, w // 2:].sum())]


def blob_count(t: np.ndarray, threshold: float = 0.15, min_share: float = 0.002) -> int:
    """Connected regions that differ from the background colour (the median of the border)."""
    border = np.concatenate([t[0], t[-1], t[:, 0], t[:, -1]])
    bg = np.median(border, axis=0)
    fg = np.abs(t - bg).sum(axis=2) > threshold * 3
    labels, n = ndimage.label(fg, structure=np.ones((3, 3)))
    if n == 0:
        return 0
    sizes = ndimage.sum(fg, labels, range(1, n + 1))
    return int((np.asarray(sizes) >= min_share * fg.size).sum())


def foreground_share(t: np.ndarray, threshold: float = 0.15) -> float:
    border = np.concatenate([t[0], t[-1], t[:, 0], t[:, -1]])
    bg = np.median(border, axis=0)
    return float((np.abs(t - bg).sum(axis=2) > threshold * 3).mean())


ANGLES = {"right": 0.0, "bottom right": math.pi / 4, "bottom": math.pi / 2, "bottom left": 3 * math.pi / 4,
          "left": math.pi, "top left": -3 * math.pi / 4, "top": -math.pi / 2, "top right": -math.pi / 4}


def motion_direction(frames: list[np.ndarray], options: list[str]) -> str | None:
    """The option nearest the drift of the frame-to-frame differences (late minus early centroid)."""
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


class ConfoundControl:
    """Keeps the share of items a shortcut statistic answers right near `target` (its chance level).

    For each item the builder offers candidate realisations, each marked with whether the statistic
    would get it right; `choose` takes one that moves the running share towards the target.
    """

    def __init__(self, name: str, target: float):
        self.name = name
        self.target = target
        self.n = 0
        self.hits = 0
        self.forced = 0  # items where no candidate of the wanted kind existed

    def want_hit(self) -> bool:
        return self.hits + 0.5 <= self.target * (self.n + 1) + 1e-9

    def choose(self, candidates: list, hit_of, rng: np.random.Generator, want: bool | None = None):
        """A candidate (random among those of the wanted kind); `hit_of(c)` -> bool. `want` overrides
        the kind the running share asks for (for patterns over several items)."""
        if not candidates:
            return None
        want = self.want_hit() if want is None else want
        marked = [(c, bool(hit_of(c))) for c in candidates]
        good = [m for m in marked if m[1] == want]
        if not good:
            self.forced += 1
        pool = good or marked
        c, hit = pool[int(rng.integers(len(pool)))]
        self.record(hit)
        return c

    def record(self, hit: bool) -> None:
        self.n += 1
        self.hits += int(hit)

    def summary(self) -> dict:
        return {"statistic": self.name, "target": round(self.target, 4), "items": self.n,
                "share_right": round(self.hits / self.n, 4) if self.n else None, "uncontrolled_items": self.forced}
