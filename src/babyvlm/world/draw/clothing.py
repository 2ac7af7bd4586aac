"""Clothing: shoes, socks, hats, shirts, diapers, bibs, pants."""

from __future__ import annotations

from babyvlm.world.draw import Look, register
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import tone

WHITE = (245, 245, 240)
BRIGHT = ("red", "blue", "yellow", "green", "orange", "purple", "pink")
CLOTHES = ("bedroom", "living")


def _stripes(p: Painter, x0, x1, y0, y1, col, n, width=0.05, horizontal=True):
    for i in range(n):
        t = (i + 0.5) / n
        if horizontal:
            y = y0 + (y1 - y0) * t
            p.line([(x0, y), (x1, y)], col, width=width, round_caps=False)
        else:
            x = x0 + (x1 - x0) * t
            p.line([(x, y0), (x, y1)], col, width=width, round_caps=False)


@register("shoe", "shoe", aspect=1.9, size=0.15, place="floor", rooms=("bedroom", "living", "kitchen"),
          colors=BRIGHT + ("white", "black", "brown"), patterns=("laces", "strap", "boot"), texture="fabric",
          plural="shoes", details=3)
def shoe(p: Painter, a: Look) -> None:
    c = a.color
    top = 0.02 if a.pattern == "boot" else 0.25
    p.rect(0.0, 0.78, 1.0, 1.0, (245, 245, 240) if a.color_name != "white" else (60, 60, 60), radius=0.1)
    p.poly([(0.02, 0.82), (0.04, top), (0.4, top), (0.5, 0.42), (0.92, 0.5), (1.0, 0.65), (0.98, 0.82)], c)
    p.chord(0.86, 0.72, 0.28, 0.22, 180, 360, tone(c, 1.25))
    p.ellipse(0.18, top + 0.06, 0.22, 0.06, tone(c, 0.5))
    if a.pattern == "laces":
        for i in range(3):
            x = 0.42 + 0.1 * i
            p.line([(x, 0.42 + 0.03 * i), (x + 0.07, 0.5 + 0.03 * i)], WHITE, width=0.04)
    elif a.pattern == "strap":
        p.rect(0.35, 0.4, 0.6, 0.56, a.color2, radius=0.04)
    else:
        p.line([(0.04, 0.5), (0.4, 0.5)], a.color2, width=0.06)


@register("sock", "sock", aspect=1.0, size=0.12, place="floor", rooms=CLOTHES, colors=BRIGHT + ("white", "grey"),
          patterns=("stripes", "dots", "plain"), texture="fabric", plural="socks", details=3)
def sock(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    p.poly([(0.12, 0.0), (0.5, 0.0), (0.52, 0.55), (0.95, 0.62), (0.98, 0.9), (0.88, 1.0), (0.3, 1.0), (0.12, 0.8)], c)
    p.rect(0.1, 0.0, 0.52, 0.12, tone(c, 0.8))
    p.pie(0.92, 0.82, 0.14, 0.18, 270, 450, c2 if a.pattern == "plain" else tone(c, 0.8))
    p.pie(0.2, 0.88, 0.12, 0.12, 90, 270, tone(c, 0.8))
    if a.pattern == "stripes":
        _stripes(p, 0.14, 0.5, 0.15, 0.55, c2, 2 + a.detail % 3, width=0.06)
    elif a.pattern == "dots":
        for i in range(4 + a.detail):
            p.circle(0.2 + 0.6 * ((i * 0.618) % 1), 0.2 + 0.7 * ((i * 0.37) % 1), 0.04, c2)


@register("hat", "hat", aspect=1.4, size=0.2, place="floor", rooms=CLOTHES, colors=BRIGHT + ("white", "grey"),
          patterns=("beanie", "sunhat", "cap"), texture="fabric", plural="hats", details=3)
def hat(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    if a.pattern == "sunhat":
        p.ellipse(0.5, 0.78, 0.68, 0.16, tone(c, 0.9))
        p.chord(0.5, 0.75, 0.32, 0.55, 180, 360, c)
        p.rect(0.28, 0.62, 0.72, 0.74, c2)
    elif a.pattern == "cap":
        p.chord(0.45, 0.85, 0.45, 0.62, 180, 360, c)
        p.poly([(0.6, 0.76), (1.0, 0.86), (0.98, 0.95), (0.6, 0.88)], tone(c2, 0.9))
        p.circle(0.45, 0.25, 0.05, c2)
    else:
        p.chord(0.5, 0.75, 0.42, 0.55, 180, 360, c)
        p.rect(0.2, 0.68, 0.8, 0.98, tone(c, 0.85), radius=0.04)
        _stripes(p, 0.22, 0.78, 0.7, 0.96, tone(c, 0.7), 3, width=0.02, horizontal=False)
        p.circle(0.5, 0.14, 0.13 + 0.02 * a.detail, c2)


@register("shirt", "shirt", aspect=1.15, size=0.35, place="floor", rooms=CLOTHES, colors=BRIGHT + ("white", "grey"),
          patterns=("stripes", "plain", "star", "dots"), texture="fabric", plural="shirts", details=3)
def shirt(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    p.poly([(0.3, 0.02), (0.0, 0.22), (0.1, 0.45), (0.22, 0.38), (0.22, 1.0), (0.78, 1.0), (0.78, 0.38), (0.9, 0.45),
            (1.0, 0.22), (0.7, 0.02), (0.6, 0.08), (0.4, 0.08)], c)
    p.chord(0.5, 0.02, 0.12, 0.1, 0, 180, tone(c, 0.6))
    if a.pattern == "stripes":
        _stripes(p, 0.22, 0.78, 0.2, 0.98, c2, 3 + a.detail, width=0.05)
    elif a.pattern == "star":
        p.star(0.5, 0.55, 0.17 + 0.03 * a.detail, c2)
    elif a.pattern == "dots":
        for i in range(6 + a.detail):
            p.circle(0.3 + 0.4 * ((i * 0.618) % 1), 0.25 + 0.65 * ((i * 0.37) % 1), 0.03, c2)


@register("diaper", "diaper", aspect=1.45, size=0.3, place="floor", rooms=("bedroom",), colors=("white", "cream"),
          patterns=("stars", "plain", "animals"), texture="fabric", plural="diapers", details=3)
def diaper(p: Painter, a: Look) -> None:
    c = a.color
    p.poly([(0.0, 0.05), (1.0, 0.05), (0.95, 0.35), (0.72, 0.55), (0.62, 1.0), (0.38, 1.0), (0.28, 0.55), (0.05, 0.35)], c)
    p.rect(0.0, 0.05, 0.1, 0.25, (120, 190, 230), radius=0.03)
    p.rect(0.9, 0.05, 1.0, 0.25, (120, 190, 230), radius=0.03)
    p.line([(0.05, 0.08), (0.95, 0.08)], tone(c, 0.85), width=0.02)
    acc = [(120, 190, 230), (240, 170, 190), (250, 210, 90)][a.detail % 3]
    if a.pattern == "stars":
        for i in range(3):
            p.star(0.35 + 0.15 * i, 0.28, 0.06, acc)
    elif a.pattern == "animals":
        p.circle(0.5, 0.3, 0.09, acc)
        p.circle(0.44, 0.22, 0.04, acc)
        p.circle(0.56, 0.22, 0.04, acc)


@register("bib", "bib", aspect=0.85, size=0.22, place="table", rooms=("kitchen",), colors=BRIGHT + ("white",),
          patterns=("heart", "stripes", "plain"), texture="fabric", plural="bibs", details=3)
def bib(p: Painter, a: Look) -> None:
    c = a.color
    p.ellipse(0.5, 0.58, 0.42, 0.42, c)
    p.rect(0.1, 0.0, 0.3, 0.4, c, radius=0.08)
    p.rect(0.7, 0.0, 0.9, 0.4, c, radius=0.08)
    p.ellipse(0.5, 0.18, 0.2, 0.2, (0, 0, 0, 0))
    p.arc(0.5, 0.58, 0.4, 0.4, 20, 160, tone(c, 0.7), width=0.025)
    if a.pattern == "heart":
        p.heart(0.5, 0.62, 0.16 + 0.02 * a.detail, a.color2)
    elif a.pattern == "stripes":
        _stripes(p, 0.2, 0.8, 0.45, 0.85, a.color2, 2 + a.detail, width=0.04)


@register("pants", "pants", aspect=0.8, size=0.4, place="floor", rooms=CLOTHES,
          colors=("blue", "brown", "grey", "green", "red", "black", "pink"), patterns=("plain", "pockets", "cuffs"),
          texture="fabric", plural="pants", details=2)
def pants(p: Painter, a: Look) -> None:
    c = a.color
    p.poly([(0.05, 0.0), (0.95, 0.0), (1.0, 1.0), (0.58, 1.0), (0.5, 0.35), (0.42, 1.0), (0.0, 1.0)], c)
    p.rect(0.05, 0.0, 0.95, 0.1, tone(c, 0.75))
    p.line([(0.5, 0.1), (0.5, 0.33)], tone(c, 0.6), width=0.015)
    if a.pattern == "pockets":
        p.rect(0.14, 0.18, 0.34, 0.32, tone(c, 0.85), radius=0.02)
        p.rect(0.66, 0.18, 0.86, 0.32, tone(c, 0.85), radius=0.02)
    elif a.pattern == "cuffs":
        p.rect(0.0, 0.88, 0.42, 1.0, a.color2)
        p.rect(0.58, 0.88, 1.0, 1.0, a.color2)
