"""Household objects: dishes, bottles, clocks, keys, pillows, boxes, lamps..."""

from __future__ import annotations

import math

from babyvlm.world.draw import Look, register
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import tone

WHITE = (245, 245, 240)
BLACK = (30, 28, 30)
BRIGHT = ("red", "blue", "yellow", "green", "orange", "purple", "pink")


def _dots(p: Painter, x0, x1, y0, y1, col, n=6, r=0.04):
    for i in range(n):
        p.circle(x0 + (x1 - x0) * ((i * 0.618 + 0.1) % 1), y0 + (y1 - y0) * ((i * 0.37 + 0.2) % 1), r, col)


@register("cup", "cup", aspect=0.95, size=0.1, place="table", rooms=("kitchen", "living", "bathroom"),
          colors=BRIGHT + ("white",), patterns=("plain", "stripes", "dots", "sippy"), texture="plastic",
          plural="cups", details=3)
def cup(p: Painter, a: Look) -> None:
    c = a.color
    rim = 0.05 + 0.12 * a.elev
    p.arc(0.8, 0.5, 0.16, 0.2, 270, 90, tone(c, 0.85), width=0.07)
    p.poly([(0.05, 0.12), (0.77, 0.12), (0.7, 0.95), (0.12, 0.95)], c)
    p.ellipse(0.41, 0.95, 0.29 * 0.95, 0.04, tone(c, 0.8))
    if a.pattern == "stripes":
        for i in range(2 + a.detail % 2):
            y = 0.35 + 0.18 * i
            p.line([(0.08 + 0.02 * i, y), (0.74 - 0.02 * i, y)], a.color2, width=0.06, round_caps=False)
    elif a.pattern == "dots":
        _dots(p, 0.18, 0.64, 0.3, 0.85, a.color2, n=5 + a.detail)
    if a.pattern == "sippy":
        p.poly([(0.1, 0.14), (0.2, -0.0), (0.62, -0.0), (0.72, 0.14)], tone(a.color2, 1.1))
        p.rect(0.35, -0.0, 0.5, 0.03, a.color2)
    else:
        p.ellipse(0.41, 0.12, 0.34, rim * 0.95, tone(c, 1.2))
        p.ellipse(0.41, 0.12 + rim * 0.15, 0.3, rim * 0.75, tone(c, 0.55))


@register("bottle", "bottle", aspect=0.42, size=0.18, place="table", rooms=("kitchen", "bedroom", "living"),
          colors=("blue", "pink", "green", "purple", "yellow", "white"), patterns=("full", "half", "empty"),
          texture="plastic", plural="bottles", details=3)
def bottle(p: Painter, a: Look) -> None:
    c = a.color
    p.ellipse(0.5, 0.1, 0.1, 0.1, (230, 190, 140))
    p.rect(0.28, 0.12, 0.72, 0.2, (225, 185, 135), radius=0.03)
    p.rect(0.12, 0.18, 0.88, 0.3, c, radius=0.03)
    p.rect(0.15, 0.3, 0.85, 1.0, (225, 235, 240), radius=0.08)
    fill = {"full": 0.35, "half": 0.62, "empty": 0.92}.get(a.pattern, 0.5)
    p.rect(0.15, fill, 0.85, 1.0, (250, 248, 240), radius=0.08)
    for i in range(4):
        y = 0.45 + 0.12 * i
        p.line([(0.2, y), (0.35, y)], c, width=0.012)
    p.rect(0.15, 0.93, 0.85, 1.0, c, radius=0.02)


@register("bowl", "bowl", aspect=1.8, size=0.15, place="table", rooms=("kitchen",), colors=BRIGHT + ("white",),
          patterns=("plain", "stripe", "dots"), texture="plastic", plural="bowls", details=3)
def bowl(p: Painter, a: Look) -> None:
    c = a.color
    rim = 0.1 + 0.3 * a.elev
    p.chord(0.5, rim, 0.88, 0.98 - rim, 0, 180, c)
    p.rect(0.32, 0.88, 0.68, 0.98, tone(c, 0.8), radius=0.02)
    if a.pattern == "stripe":
        p.arc(0.5, rim, 0.8, 0.6 - rim * 0.5, 20, 160, a.color2, width=0.05)
    elif a.pattern == "dots":
        _dots(p, 0.15, 0.85, rim + 0.15, 0.75, a.color2, n=5 + a.detail, r=0.04)
    p.ellipse(0.5, rim, 0.88, rim, tone(c, 1.15))
    p.ellipse(0.5, rim + 0.015, 0.8, rim * 0.8, tone(c, 0.6))
    if a.detail % 3 == 0:
        p.ellipse(0.5, rim + 0.03, 0.7, rim * 0.55, (245, 235, 200))


@register("spoon", "spoon", aspect=3.2, size=0.14, place="table", rooms=("kitchen",),
          colors=("grey", "white", "blue", "green", "orange", "pink"), texture="metal", plural="spoons", details=2)
def spoon(p: Painter, a: Look) -> None:
    c = a.color
    p.rect(0.0, 0.38, 0.66, 0.62, c, radius=0.12)
    p.ellipse(0.82, 0.5, 0.55, 0.42, tone(c, 0.95))
    p.ellipse(0.82, 0.5, 0.42, 0.3, tone(c, 0.8))


@register("plate", "plate", aspect=2.4, size=0.22, place="table", rooms=("kitchen",), colors=BRIGHT + ("white",),
          patterns=("plain", "rim", "sections"), texture="plastic", plural="plates", details=2)
def plate(p: Painter, a: Look) -> None:
    c = a.color
    ry = 0.3 + 0.18 * a.elev
    p.ellipse(0.5, 0.55, 1.18, 0.45, tone(c, 0.75))
    p.ellipse(0.5, 0.5, 1.18, 0.45, c)
    if a.pattern == "rim":
        p.ellipse(0.5, 0.5, 0.95, ry * 0.85, a.color2)
    p.ellipse(0.5, 0.52, 0.85, ry * 0.75, tone(c, 1.1))
    if a.pattern == "sections":
        p.line([(0.5, 0.52 - ry * 0.7), (0.5, 0.52 + ry * 0.7)], tone(c, 0.75), width=0.05)
        p.line([(0.5, 0.52), (0.85, 0.52)], tone(c, 0.75), width=0.05)


@register("clock", "clock", aspect=1.0, size=0.3, place="wall", rooms=("kitchen", "living", "bedroom"),
          colors=("white", "black", "red", "blue", "brown", "yellow"), patterns=("round", "square"),
          texture="plastic", plural="clocks", details=12)
def clock(p: Painter, a: Look) -> None:
    c = a.color
    if a.pattern == "square":
        p.rect(0.0, 0.0, 1.0, 1.0, c, radius=0.1)
    else:
        p.circle(0.5, 0.5, 0.5, c)
    p.circle(0.5, 0.5, 0.41, (250, 248, 240))
    for k in range(12):
        ang = math.radians(30 * k)
        r0 = 0.33 if k % 3 else 0.29
        p.line([(0.5 + r0 * math.cos(ang), 0.5 + r0 * math.sin(ang)), (0.5 + 0.38 * math.cos(ang), 0.5 + 0.38 * math.sin(ang))],
               BLACK, width=0.02 if k % 3 else 0.035)
    h = math.radians(30 * a.detail - 90)
    m = math.radians(73 * a.detail + 40)
    p.line([(0.5, 0.5), (0.5 + 0.2 * math.cos(h), 0.5 + 0.2 * math.sin(h))], BLACK, width=0.045)
    p.line([(0.5, 0.5), (0.5 + 0.32 * math.cos(m), 0.5 + 0.32 * math.sin(m))], BLACK, width=0.03)
    p.circle(0.5, 0.5, 0.03, (200, 40, 40))


@register("keys", "keys", aspect=1.4, size=0.1, place="table", rooms=("living", "kitchen"),
          colors=("grey", "golden", "red", "blue", "green", "yellow"), patterns=("metal", "toy"), texture="metal",
          plural="keys", details=3)
def keys(p: Painter, a: Look) -> None:
    metal = (190, 190, 195) if a.color_name == "grey" else a.color
    p.arc(0.3, 0.3, 0.22, 0.22, 0, 360, tone(metal, 0.8), width=0.05)
    n = 2 + a.detail % 2
    for i in range(n):
        ang = math.radians(10 + 35 * i)
        x0, y0 = 0.3 + 0.22 * math.cos(ang) / 1.4, 0.3 + 0.22 * math.sin(ang)
        x1, y1 = x0 + 0.5 * math.cos(ang) / 1.4, y0 + 0.5 * math.sin(ang)
        col = metal if a.pattern == "metal" else [(220, 50, 50), (50, 110, 210), (240, 200, 40)][i % 3]
        p.circle(x0 + 0.1 * math.cos(ang) / 1.4, y0 + 0.1 * math.sin(ang), 0.12, col)
        p.circle(x0 + 0.1 * math.cos(ang) / 1.4, y0 + 0.1 * math.sin(ang), 0.04, (0, 0, 0, 0))
        p.line([(x0 + 0.15 * math.cos(ang) / 1.4, y0 + 0.15 * math.sin(ang)), (x1, y1)], tone(col, 0.9), width=0.06)
        for t in (0.55, 0.75):
            xt, yt = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
            p.line([(xt, yt), (xt - 0.05 * math.sin(ang), yt + 0.07 * math.cos(ang))], tone(col, 0.9), width=0.04)


@register("pillow", "pillow", aspect=1.5, size=0.45, place="floor", rooms=("living", "bedroom"),
          colors=BRIGHT + ("white", "cream", "grey"), patterns=("plain", "stripes", "dots", "checks"),
          texture="fabric", plural="pillows", details=3)
def pillow(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    pts = []
    for k in range(40):
        t = 2 * math.pi * k / 40
        x, y = math.cos(t), math.sin(t)
        sx = math.copysign(abs(x) ** 0.45, x)
        sy = math.copysign(abs(y) ** 0.45, y)
        pinch = 1 - 0.12 * abs(math.sin(2 * t))
        pts.append((0.5 + 0.5 * sx * pinch, 0.5 + 0.48 * sy * pinch))
    p.poly(pts, c)
    if a.pattern == "stripes":
        for i in range(3 + a.detail):
            x = 0.15 + 0.7 * i / (2 + a.detail)
            p.line([(x, 0.12), (x, 0.88)], c2, width=0.05, round_caps=False)
    elif a.pattern == "dots":
        _dots(p, 0.15, 0.85, 0.2, 0.8, c2, n=7 + a.detail, r=0.05)
    elif a.pattern == "checks":
        for i in range(4):
            p.line([(0.1 + 0.22 * i, 0.1), (0.1 + 0.22 * i, 0.9)], c2, width=0.04, round_caps=False)
            p.line([(0.08, 0.15 + 0.22 * i), (0.92, 0.15 + 0.22 * i)], c2, width=0.04, round_caps=False)
    p.ellipse(0.5, 0.5, 0.12, 0.08, tone(c, 0.85))


@register("blanket", "blanket", aspect=1.7, size=0.8, place="floor", rooms=("living", "bedroom"),
          colors=BRIGHT + ("white", "cream"), patterns=("checks", "stripes", "stars", "plain"), texture="fabric",
          plural="blankets", details=3)
def blanket(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    pts = [(0.02, 0.3), (0.3, 0.15), (0.6, 0.22), (0.95, 0.1), (0.98, 0.55), (0.9, 0.95), (0.5, 0.88), (0.1, 0.98), (0.0, 0.6)]
    p.poly(pts, c)
    if a.pattern == "checks":
        for i in range(6):
            p.line([(0.1 + 0.15 * i, 0.15), (0.08 + 0.15 * i, 0.92)], c2, width=0.04, round_caps=False)
            p.line([(0.03, 0.3 + 0.12 * i), (0.96, 0.25 + 0.12 * i)], c2, width=0.03, round_caps=False)
    elif a.pattern == "stripes":
        for i in range(4 + a.detail):
            p.line([(0.05 + 0.9 * i / (3 + a.detail), 0.2), (0.05 + 0.9 * i / (3 + a.detail), 0.9)], c2, width=0.06)
    elif a.pattern == "stars":
        for i in range(6 + a.detail):
            p.star(0.12 + 0.76 * ((i * 0.618) % 1), 0.3 + 0.5 * ((i * 0.37) % 1), 0.06, c2)
    p.curve([(0.1, 0.6), (0.5, 0.5), (0.9, 0.65)], tone(c, 0.78), width=0.03)
    p.curve([(0.3, 0.3), (0.45, 0.6), (0.4, 0.85)], tone(c, 0.8), width=0.025)


@register("box", "box", aspect=1.25, size=0.4, place="floor", rooms=("living", "bedroom"),
          colors=("tan", "brown", "red", "blue", "green", "yellow"), patterns=("open", "closed"), texture="paper",
          plural="boxes", details=2)
def box(p: Painter, a: Look) -> None:
    c = a.color
    t = 0.2 + 0.15 * a.elev
    p.rect(0.0, t, 0.78, 1.0, c)
    p.poly([(0.78, t), (1.0, t - 0.12), (1.0, 0.88), (0.78, 1.0)], tone(c, 0.72))
    if a.pattern == "open":
        p.poly([(0.0, t), (0.22, t - 0.12), (1.0, t - 0.12), (0.78, t)], tone(c, 0.45))
        p.poly([(0.0, t), (0.1, 0.0), (0.5, 0.02), (0.4, t)], tone(c, 1.15))
        p.poly([(0.78, t), (0.95, 0.03), (1.0, t - 0.12)], tone(c, 0.9))
    else:
        p.poly([(0.0, t), (0.22, t - 0.12), (1.0, t - 0.12), (0.78, t)], tone(c, 1.2))
        p.line([(0.39, t), (0.61, t - 0.12)], tone(c, 0.8), width=0.02)
    if a.color_name in ("tan", "brown"):
        p.rect(0.3, t + 0.2, 0.5, t + 0.35, tone(c, 0.8))
    else:
        p.star(0.39, 0.6, 0.15, (250, 250, 245))


@register("telephone", "telephone", aspect=1.3, size=0.2, place="table", rooms=("living", "kitchen"),
          colors=("red", "yellow", "blue", "black", "white", "green"), patterns=("dial", "buttons"),
          texture="plastic", plural="telephones", details=2)
def telephone(p: Painter, a: Look) -> None:
    c = a.color
    p.poly([(0.1, 1.0), (0.22, 0.35), (0.78, 0.35), (0.9, 1.0)], c)
    p.curve([(0.5, 0.35), (0.4, 0.2), (0.02, 0.25)], tone(c, 0.6), width=0.015)
    p.rect(0.05, 0.12, 0.95, 0.3, tone(c, 0.85), radius=0.08)
    p.ellipse(0.14, 0.18, 0.13, 0.1, tone(c, 0.85))
    p.ellipse(0.86, 0.18, 0.13, 0.1, tone(c, 0.85))
    if a.pattern == "dial":
        p.circle(0.5, 0.67, 0.22, (245, 245, 240))
        for k in range(8):
            ang = math.radians(45 * k)
            p.circle(0.5 + 0.13 * math.cos(ang) / 1.3, 0.67 + 0.13 * math.sin(ang), 0.035, tone(c, 0.7))
    else:
        for i in range(3):
            for j in range(3):
                p.rect(0.34 + 0.12 * i, 0.5 + 0.13 * j, 0.42 + 0.12 * i, 0.58 + 0.13 * j, (245, 245, 240), radius=0.02)


@register("toothbrush", "toothbrush", aspect=4.5, size=0.15, place="table", rooms=("bathroom",),
          colors=("blue", "green", "pink", "purple", "orange", "yellow"), texture="plastic", plural="toothbrushes", details=2)
def toothbrush(p: Painter, a: Look) -> None:
    c = a.color
    p.rect(0.0, 0.45, 0.75, 0.85, c, radius=0.2)
    p.rect(0.2, 0.5, 0.5, 0.8, tone(c, 1.4), radius=0.15)
    p.rect(0.72, 0.55, 1.0, 0.8, c, radius=0.1)
    for i in range(6):
        x = 0.75 + 0.04 * i
        p.line([(x, 0.55), (x, 0.1)], (240, 245, 250) if i % 2 else (120, 200, 230), width=0.12, round_caps=False)


@register("basket", "basket", aspect=1.4, size=0.4, place="floor", rooms=("living", "bedroom", "kitchen"),
          colors=("tan", "brown", "white", "golden"), patterns=("handle", "open"), texture="wood",
          plural="baskets", details=2)
def basket(p: Painter, a: Look) -> None:
    c = a.color
    top = 0.3 if a.pattern == "handle" else 0.12
    if a.pattern == "handle":
        p.arc(0.5, top + 0.02, 0.5, 0.3, 180, 360, tone(c, 0.85), width=0.06)
    p.poly([(0.0, top), (1.0, top), (0.88, 1.0), (0.12, 1.0)], c)
    dark = tone(c, 0.72)
    for i in range(5):
        y = top + (1 - top) * (i + 0.5) / 5
        p.line([(0.02 + 0.12 * (y - top), y), (0.98 - 0.12 * (y - top), y)], dark, width=0.02)
    for i in range(9):
        x = 0.05 + 0.9 * i / 8
        p.line([(x, top), (0.12 + 0.76 * i / 8, 1.0)], dark, width=0.012)
    p.rect(0.0, top - 0.04, 1.0, top + 0.04, tone(c, 0.85), radius=0.03)


@register("lamp", "lamp", aspect=0.55, size=0.6, place="table", rooms=("living", "bedroom"),
          colors=("white", "cream", "yellow", "blue", "pink", "green"), patterns=("drum", "cone"), texture="fabric",
          plural="lamps", details=2)
def lamp(p: Painter, a: Look) -> None:
    c = a.color
    p.ellipse(0.5, 0.95, 0.2, 0.04, (90, 80, 70))
    p.rect(0.46, 0.4, 0.54, 0.95, (150, 130, 100))
    p.ellipse(0.5, 0.7, 0.13, 0.16, tone(a.color2, 0.9))
    if a.pattern == "drum":
        p.rect(0.05, 0.0, 0.95, 0.42, c)
    else:
        p.poly([(0.22, 0.0), (0.78, 0.0), (1.0, 0.42), (0.0, 0.42)], c)
    p.line([(0.02, 0.41), (0.98, 0.41)], tone(c, 0.8), width=0.02)
