"""A tiny vector painter over PIL with resolution-independent coordinates.

`x` runs 0..1 across the canvas width and `y` 0..1 down its height; lengths such as radii and
line widths are in units of the canvas *height*, so a circle stays round on any aspect ratio. The
canvas is drawn supersampled and reduced later, which is what anti-aliases the shapes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

Pt = tuple[float, float]


class Painter:
    def __init__(self, width: int, height: int, rng: np.random.Generator):
        self.w, self.h = int(width), int(height)
        self.img = Image.new("RGBA", (self.w, self.h), (0, 0, 0, 0))
        self.d = ImageDraw.Draw(self.img)
        self.rng = rng

    @property
    def aspect(self) -> float:
        return self.w / self.h

    # coordinates ---------------------------------------------------------------------------
    def P(self, x: float, y: float) -> tuple[float, float]:
        return (x * self.w, y * self.h)

    def L(self, n: float) -> float:
        """A length in height units -> pixels."""
        return n * self.h

    def _box(self, x0: float, y0: float, x1: float, y1: float) -> list[float]:
        a, b = sorted((x0 * self.w, x1 * self.w))
        c, d = sorted((y0 * self.h, y1 * self.h))
        return [a, c, max(b, a + 1), max(d, c + 1)]

    # shapes --------------------------------------------------------------------------------
    def ellipse(self, cx: float, cy: float, rx: float, ry: float, fill, outline=None, width: float = 0.0) -> None:
        """Ellipse centred at (cx, cy); rx, ry in height units (round when equal)."""
        hx, hy = rx * self.h, ry * self.h
        px, py = cx * self.w, cy * self.h
        self.d.ellipse([px - hx, py - hy, px + hx, py + hy], fill=_c(fill), outline=_c(outline),
                       width=max(0, round(width * self.h)))

    def circle(self, cx: float, cy: float, r: float, fill, outline=None, width: float = 0.0) -> None:
        self.ellipse(cx, cy, r, r, fill, outline, width)

    def rect(self, x0: float, y0: float, x1: float, y1: float, fill, radius: float = 0.0, outline=None,
             width: float = 0.0) -> None:
        box = self._box(x0, y0, x1, y1)
        r = radius * self.h
        r = min(r, (box[2] - box[0]) / 2, (box[3] - box[1]) / 2)
        if r > 0.5:
            self.d.rounded_rectangle(box, radius=r, fill=_c(fill), outline=_c(outline), width=max(0, round(width * self.h)))
        else:
            self.d.rectangle(box, fill=_c(fill), outline=_c(outline), width=max(0, round(width * self.h)))

    def poly(self, pts: Sequence[Pt], fill, outline=None, width: float = 0.0) -> None:
        self.d.polygon([self.P(x, y) for x, y in pts], fill=_c(fill), outline=_c(outline),
                       width=max(0, round(width * self.h)) if outline is not None else 0)

    def line(self, pts: Sequence[Pt], fill, width: float = 0.02, round_caps: bool = True) -> None:
        px = [self.P(x, y) for x, y in pts]
        wpx = max(1, round(width * self.h))
        self.d.line(px, fill=_c(fill), width=wpx, joint="curve")
        if round_caps and wpx > 2:
            r = wpx / 2
            for x, y in (px[0], px[-1]):
                self.d.ellipse([x - r, y - r, x + r, y + r], fill=_c(fill))

    def arc(self, cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, fill, width: float = 0.02) -> None:
        """Arc of an ellipse, angles in degrees (0 = right, clockwise as in PIL)."""
        hx, hy = rx * self.h, ry * self.h
        px, py = cx * self.w, cy * self.h
        self.d.arc([px - hx, py - hy, px + hx, py + hy], a0, a1, fill=_c(fill), width=max(1, round(width * self.h)))

    def pie(self, cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, fill) -> None:
        hx, hy = rx * self.h, ry * self.h
        px, py = cx * self.w, cy * self.h
        self.d.pieslice([px - hx, py - hy, px + hx, py + hy], a0, a1, fill=_c(fill))

    def chord(self, cx: float, cy: float, rx: float, ry: float, a0: float, a1: float, fill) -> None:
        hx, hy = rx * self.h, ry * self.h
        px, py = cx * self.w, cy * self.h
        self.d.chord([px - hx, py - hy, px + hx, py + hy], a0, a1, fill=_c(fill))

    def curve(self, pts: Sequence[Pt], fill, width: float = 0.02, n: int = 24) -> None:
        """A smooth quadratic/cubic Bezier through control points (2-4 points)."""
        self.line(bezier(pts, n), fill, width)

    def blob(self, cx: float, cy: float, r: float, fill, lumps: int = 7, rough: float = 0.25, ry: float | None = None) -> None:
        """An irregular round patch (spots on a cow, a cloud of wool)."""
        ry = r if ry is None else ry
        phase = self.rng.uniform(0, 2 * math.pi, size=3)
        pts = []
        for k in range(36):
            a = 2 * math.pi * k / 36
            m = 1 + rough * (0.6 * math.sin(lumps * a + phase[0]) + 0.4 * math.sin((lumps + 2) * a + phase[1]))
            pts.append((cx + math.cos(a) * r * m * self.h / self.w, cy + math.sin(a) * ry * m))
        self.poly(pts, fill)

    def text(self, cx: float, cy: float, s: str, size: float, fill) -> None:
        font = ImageFont.load_default(size=max(4, round(size * self.h)))
        self.d.text(self.P(cx, cy), s, font=font, fill=_c(fill), anchor="mm")

    def star(self, cx: float, cy: float, r: float, fill, points: int = 5, inner: float = 0.45, rot: float = -90) -> None:
        pts = []
        for k in range(points * 2):
            rr = r if k % 2 == 0 else r * inner
            a = math.radians(rot + 180 * k / points)
            pts.append((cx + math.cos(a) * rr * self.h / self.w, cy + math.sin(a) * rr))
        self.poly(pts, fill)

    def heart(self, cx: float, cy: float, r: float, fill) -> None:
        pts = []
        for k in range(40):
            t = 2 * math.pi * k / 40
            x = 16 * math.sin(t) ** 3
            y = -(13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t))
            pts.append((cx + x / 17 * r * self.h / self.w, cy + y / 17 * r))
        self.poly(pts, fill)


def bezier(pts: Sequence[Pt], n: int = 24) -> list[Pt]:
    """Points along a Bezier curve with the given control points."""
    pts = list(pts)
    out = []
    for i in range(n + 1):
        t = i / n
        q = pts
        while len(q) > 1:
            q = [((1 - t) * a[0] + t * b[0], (1 - t) * a[1] + t * b[1]) for a, b in zip(q[:-1], q[1:])]
        out.append(q[0])
    return out


def _c(c):
    if c is None:
        return None
    if len(c) == 3:
        return (int(c[0]), int(c[1]), int(c[2]), 255)
    return tuple(int(v) for v in c)
