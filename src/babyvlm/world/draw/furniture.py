"""Furniture and fixtures: chairs, tables, couches, TVs, windows, doors, high chairs, cribs, bathtubs."""

from __future__ import annotations

from babyvlm.world.draw import Look, register
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import tone

WHITE = (245, 245, 240)
WOODS = ("brown", "tan", "white", "black", "golden")


@register("chair", "chair", aspect=0.62, size=0.9, place="furniture", rooms=("kitchen", "living"),
          colors=WOODS + ("red", "blue", "green"), patterns=("slats", "solid", "cushion"), texture="wood",
          plural="chairs", details=3)
def chair(p: Painter, a: Look) -> None:
    c, dark = a.color, tone(a.color, 0.7)
    t = 0.05 + 0.06 * a.elev
    for x in (0.06, 0.84):
        p.rect(x, 0.0, x + 0.1, 1.0, c if x < 0.5 else dark)
    p.rect(0.14, 0.55, 0.24, 1.0, dark)
    p.rect(0.76, 0.55, 0.86, 0.96, dark)
    if a.pattern == "slats":
        for i in range(3):
            p.rect(0.16, 0.06 + 0.1 * i, 0.84, 0.1 + 0.1 * i, c)
    elif a.pattern == "cushion":
        p.rect(0.12, 0.08, 0.88, 0.4, a.color2, radius=0.03)
    else:
        p.rect(0.14, 0.05, 0.86, 0.38, tone(c, 1.08), radius=0.02)
    p.poly([(0.02, 0.52), (0.98, 0.52), (0.9, 0.52 - t), (0.1, 0.52 - t)], tone(c, 1.15))
    p.rect(0.02, 0.52, 0.98, 0.58, c)
    if a.pattern == "cushion":
        p.poly([(0.06, 0.51), (0.94, 0.51), (0.88, 0.5 - t), (0.12, 0.5 - t)], a.color2)


@register("table", "table", aspect=1.6, size=1.1, place="furniture", rooms=("kitchen", "living"),
          colors=WOODS + ("white",), patterns=("wood", "cloth", "plain"), texture="wood", plural="tables", details=3)
def table(p: Painter, a: Look) -> None:
    c, dark = a.color, tone(a.color, 0.65)
    t = 0.08 + 0.3 * a.elev
    for x in (0.12, 0.84):
        p.rect(x, t + 0.05, x + 0.05, 0.88, dark)
    for x in (0.04, 0.92):
        p.rect(x, t + 0.05, x + 0.05, 1.0, c)
    top = tone(c, 1.12)
    p.poly([(0.0, t), (0.08, 0.0), (0.92, 0.0), (1.0, t)], top)
    p.rect(0.0, t, 1.0, t + 0.07, c)
    if a.pattern == "cloth":
        cloth = a.color2
        p.poly([(0.0, t), (0.08, 0.0), (0.92, 0.0), (1.0, t)], cloth)
        p.poly([(0.0, t), (1.0, t), (0.98, t + 0.25), (0.02, t + 0.25)], tone(cloth, 0.9))
        for i in range(6):
            x = 0.05 + 0.18 * i
            p.line([(x, t + 0.01), (x, t + 0.25)], tone(cloth, 0.75), width=0.02)
    elif a.pattern == "wood":
        for i in range(4):
            y = t * (i + 0.5) / 4
            p.line([(0.08 - 0.08 * y / t + 0.02, y), (0.92 + 0.08 * y / t - 0.02, y)], tone(c, 0.95), width=0.008)


@register("couch", "couch", aspect=2.3, size=2.0, place="furniture", rooms=("living",),
          colors=("blue", "green", "grey", "brown", "red", "cream", "purple"), patterns=("plain", "buttons"),
          texture="fabric", plural="couches", details=2)
def couch(p: Painter, a: Look) -> None:
    c, dark = a.color, tone(a.color, 0.72)
    for x in (0.06, 0.92):
        p.rect(x, 0.88, x + 0.03, 1.0, (60, 45, 35))
    p.rect(0.05, 0.0, 0.95, 0.6, dark, radius=0.08)
    n = 2 + a.detail % 2
    for i in range(n):
        x0 = 0.1 + 0.8 * i / n
        p.rect(x0 + 0.005, 0.05, x0 + 0.8 / n - 0.005, 0.55, c, radius=0.06)
        if a.pattern == "buttons":
            for k in range(2):
                p.circle(x0 + 0.4 / n, 0.2 + 0.2 * k, 0.02, tone(c, 0.6))
    p.rect(0.07, 0.5, 0.93, 0.9, tone(c, 0.92), radius=0.05)
    for i in range(n):
        x0 = 0.1 + 0.8 * i / n
        p.rect(x0 + 0.005, 0.5, x0 + 0.8 / n - 0.005, 0.66, tone(c, 1.08), radius=0.04)
    p.rect(0.0, 0.32, 0.11, 0.92, c, radius=0.06)
    p.rect(0.89, 0.32, 1.0, 0.92, c, radius=0.06)


@register("tv", "tv", aspect=1.55, size=0.9, place="furniture", rooms=("living",), colors=("black", "grey"),
          patterns=("off", "on"), texture="metal", say="TV", plural="TVs", details=4)
def tv(p: Painter, a: Look) -> None:
    c = a.color
    p.rect(0.15, 0.78, 0.85, 1.0, (110, 80, 55))
    p.rect(0.15, 0.78, 0.85, 0.82, (140, 105, 75))
    p.rect(0.45, 0.7, 0.55, 0.8, tone(c, 0.8))
    p.rect(0.0, 0.0, 1.0, 0.72, c, radius=0.02)
    if a.pattern == "on":
        sky = [(120, 190, 240), (250, 200, 120), (140, 220, 160), (230, 150, 200)][a.detail % 4]
        p.rect(0.04, 0.05, 0.96, 0.66, sky)
        p.circle(0.3, 0.35, 0.12, (250, 240, 120))
        p.rect(0.04, 0.5, 0.96, 0.66, (90, 170, 80))
    else:
        p.rect(0.04, 0.05, 0.96, 0.66, (25, 30, 35))
        p.poly([(0.1, 0.08), (0.3, 0.08), (0.12, 0.4), (0.06, 0.4)], (50, 58, 66))


@register("window", "window", aspect=0.85, size=1.2, place="wall", rooms=("living", "kitchen", "bedroom", "bathroom"),
          colors=("white", "brown", "cream"), patterns=("curtains", "plain", "blinds"), texture="wood",
          plural="windows", details=3)
def window(p: Painter, a: Look) -> None:
    frame = a.color
    p.rect(0.08, 0.05, 0.92, 0.92, frame)
    sky = [(150, 200, 240), (175, 215, 240), (200, 215, 225)][a.detail % 3]
    p.rect(0.13, 0.1, 0.87, 0.87, sky)
    p.ellipse(0.3, 0.85, 0.35, 0.18, (90, 150, 80))
    p.ellipse(0.75, 0.9, 0.3, 0.16, (70, 130, 70))
    p.ellipse(0.7, 0.25, 0.12, 0.05, (250, 250, 250))
    p.rect(0.48, 0.1, 0.52, 0.87, frame)
    p.rect(0.13, 0.46, 0.87, 0.5, frame)
    p.rect(0.03, 0.88, 0.97, 0.95, tone(frame, 0.85))
    if a.pattern == "curtains":
        cur = a.color2
        p.poly([(0.0, 0.0), (0.22, 0.0), (0.16, 0.5), (0.2, 1.0), (0.0, 1.0)], cur)
        p.poly([(1.0, 0.0), (0.78, 0.0), (0.84, 0.5), (0.8, 1.0), (1.0, 1.0)], cur)
        p.rect(0.0, 0.0, 1.0, 0.04, tone(cur, 0.7))
    elif a.pattern == "blinds":
        for i in range(6):
            y = 0.12 + 0.045 * i
            p.line([(0.13, y), (0.87, y)], (235, 235, 230), width=0.025, round_caps=False)


@register("door", "door", aspect=0.45, size=2.0, place="wall", rooms=("living", "kitchen", "bedroom", "bathroom"),
          colors=("white", "brown", "tan", "blue", "green"), patterns=("panels", "plain"), texture="wood",
          plural="doors", details=2)
def door(p: Painter, a: Look) -> None:
    c = a.color
    p.rect(0.0, 0.0, 1.0, 1.0, tone(c, 0.85))
    p.rect(0.06, 0.03, 0.94, 1.0, c)
    if a.pattern == "panels":
        for y0, y1 in ((0.08, 0.45), (0.52, 0.95)):
            p.rect(0.16, y0, 0.46, y1, tone(c, 0.9), outline=tone(c, 0.75), width=0.006)
            p.rect(0.54, y0, 0.84, y1, tone(c, 0.9), outline=tone(c, 0.75), width=0.006)
    p.circle(0.82, 0.53, 0.018, (200, 170, 60))


@register("high chair", "high_chair", aspect=0.65, size=1.0, place="furniture", rooms=("kitchen",),
          colors=("white", "red", "blue", "green", "brown", "grey"), texture="plastic", plural="high chairs", details=2)
def high_chair(p: Painter, a: Look) -> None:
    c, dark = a.color, tone(a.color, 0.7)
    p.poly([(0.2, 0.45), (0.26, 0.45), (0.08, 1.0), (0.0, 1.0)], dark)
    p.poly([(0.74, 0.45), (0.8, 0.45), (1.0, 1.0), (0.92, 1.0)], dark)
    p.poly([(0.3, 0.45), (0.35, 0.45), (0.3, 0.98), (0.24, 0.98)], c)
    p.poly([(0.65, 0.45), (0.7, 0.45), (0.76, 0.98), (0.7, 0.98)], c)
    p.rect(0.22, 0.0, 0.78, 0.4, c, radius=0.08)
    p.rect(0.28, 0.05, 0.72, 0.35, a.color2, radius=0.06)
    p.rect(0.15, 0.38, 0.85, 0.5, tone(c, 1.1), radius=0.02)
    p.rect(0.05, 0.28, 0.95, 0.34, tone(c, 1.2), radius=0.02)
    p.line([(0.2, 0.75), (0.8, 0.75)], dark, width=0.02)


@register("crib", "crib", aspect=1.6, size=1.3, place="furniture", rooms=("bedroom",),
          colors=("white", "brown", "tan", "grey"), texture="wood", plural="cribs", details=2)
def crib(p: Painter, a: Look) -> None:
    c = a.color
    p.rect(0.02, 0.5, 0.98, 0.7, a.color2)
    for x in (0.0, 0.95):
        p.rect(x, 0.0, x + 0.05, 1.0, tone(c, 0.9))
    p.rect(0.0, 0.05, 1.0, 0.1, c)
    p.rect(0.0, 0.75, 1.0, 0.8, c)
    for i in range(13):
        x = 0.07 + 0.86 * i / 12
        p.rect(x - 0.01, 0.1, x + 0.01, 0.76, c)


@register("bathtub", "bathtub", aspect=2.2, size=1.5, place="furniture", rooms=("bathroom",),
          colors=("white", "cream", "pink", "blue"), texture="plastic", plural="bathtubs", details=2)
def bathtub(p: Painter, a: Look) -> None:
    c = a.color
    for x in (0.08, 0.86):
        p.ellipse(x + 0.03, 0.93, 0.08, 0.07, (200, 180, 90))
    p.chord(0.5, 0.1, 1.1, 0.8, 0, 180, c)
    p.rect(0.0, 0.05, 1.0, 0.45, c, radius=0.06)
    p.ellipse(0.5, 0.12, 1.05, 0.08, tone(c, 0.9))
    p.ellipse(0.5, 0.13, 0.98, 0.055, (150, 200, 230))
    for i in range(4):
        p.circle(0.3 + 0.12 * i, 0.09, 0.04, WHITE)
