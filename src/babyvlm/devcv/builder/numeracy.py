"""Synthetic numerosity stimuli: copies of one object crop on a plain background.

Copies are laid out in a cluster, each placed next to one already down with a `gap` of a couple of
pixels: every copy is plainly separate to the eye, but the set is one connected region to any
statistic that counts foreground blobs (connectedness is a known confound of numerosity, and
counting regions is not counting objects). Area controls for who-has-more, recorded per item:

- `equal_item_size`: every copy the same size in both images (more copies, more area);
- `equal_total_area`: copies in the larger set shrunk so both images cover the same area;
- `area_inverted`: copies in the larger set shrunk further, so it covers *less* area.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from babyvlm.devcv.builder.imaging import fit

AREA_CONTROLS = ("equal_item_size", "equal_total_area", "area_inverted")


def parse_ratio(text: str) -> tuple[int, int]:
    a, b = (int(x) for x in text.split(":"))
    return min(a, b), max(a, b)


def ratio_pairs(ratio: str, max_n: int) -> list[tuple[int, int]]:
    """(smaller, larger) counts in the ratio: 2:3 -> (2, 3), (4, 6), (6, 9), (8, 12)."""
    a, b = parse_ratio(ratio)
    return [(a * m, b * m) for m in range(1, max_n // b + 1)]


def background(rng: np.random.Generator) -> tuple[int, int, int]:
    """A dark, slightly tinted plain colour."""
    base = int(rng.integers(0, 48))
    tint = rng.integers(-8, 9, size=3)
    return tuple(int(np.clip(base + t, 0, 255)) for t in tint)


def cluster_layout(sizes: list[tuple[int, int]], canvas: tuple[int, int], gap: int, rng: np.random.Generator,
                   tries: int = 60) -> list[tuple[int, int]] | None:
    """Top-left corners for rectangles of `sizes`, each touching (at `gap`) one placed before, none overlapping."""
    W, H = canvas
    for _ in range(tries):
        placed: list[tuple[int, int, int, int]] = []
        w0, h0 = sizes[0]
        if w0 > W - 4 or h0 > H - 4:
            return None
        x0 = int(rng.integers(2, W - w0 - 1))
        y0 = int(rng.integers(2, H - h0 - 1))
        placed.append((x0, y0, w0, h0))
        ok = True
        for w, h in sizes[1:]:
            for _ in range(80):
                px, py, pw, ph = placed[int(rng.integers(len(placed)))]
                side = int(rng.integers(4))
                if side in (0, 1):  # left / right of it, overlapping vertically by at least a third
                    x = px - w - gap if side == 0 else px + pw + gap
                    y = int(rng.integers(py - h + max(1, h // 3), py + ph - max(1, h // 3) + 1))
                else:
                    y = py - h - gap if side == 2 else py + ph + gap
                    x = int(rng.integers(px - w + max(1, w // 3), px + pw - max(1, w // 3) + 1))
                if x < 2 or y < 2 or x + w > W - 2 or y + h > H - 2:
                    continue
                if any(x < qx + qw + gap and qx < x + w + gap and y < qy + qh + gap and qy < y + h + gap
                       for qx, qy, qw, qh in placed):
                    continue
                placed.append((x, y, w, h))
                break
            else:
                ok = False
                break
        if ok:
            return [(x, y) for x, y, _, _ in placed]
    return None


def render_set(obj: Image.Image, n: int, side: int, canvas: tuple[int, int], bg, gap: int,
               rng: np.random.Generator) -> tuple[Image.Image, dict] | None:
    """`n` copies of `obj` (longer side `side` px) in a cluster on a plain `bg` canvas."""
    copy = fit(obj, max(4, side))
    w, h = copy.size
    where = cluster_layout([(w, h)] * n, canvas, gap, rng)
    if where is None:
        return None
    im = Image.new("RGB", canvas, bg)
    for x, y in where:
        im.paste(copy, (x, y))
    return im, {"count": n, "item_size": [w, h], "item_area": w * h, "total_area": n * w * h}


def compare_sides(n_small: int, n_large: int, control: str, base: float) -> tuple[float, float]:
    """Longer sides (px) of the copies in the smaller and the larger set under an area control."""
    r = n_small / n_large
    if control == "equal_item_size":
        return base, base
    if control == "equal_total_area":
        return base, base * math.sqrt(r)
    if control == "area_inverted":
        return base, base * r
    raise ValueError(f"unknown area control {control!r} (known: {', '.join(AREA_CONTROLS)})")
