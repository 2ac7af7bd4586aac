"""Toys: balls, balloons, blocks, books, dolls, crayons."""

from __future__ import annotations

import math

from babyvlm.world.draw import Look, register
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import COLORS, tone

WHITE = (245, 245, 240)
BLACK = (30, 28, 30)
BRIGHT = ("red", "blue", "yellow", "green", "orange", "purple", "pink")
LETTERS = "ABCDEFGHKMNPRST"


@register("ball", "ball", aspect=1.0, size=0.2, place="floor", rooms=("living", "bedroom", "kitchen"),
          colors=BRIGHT + ("white",), patterns=("stripes", "beach", "dots", "star", "soccer", "plain"),
          texture="plastic", motion="rolls", plural="balls", poses=8, details=4)
def ball(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    p.circle(0.5, 0.5, 0.49, c)
    rot = a.pose * 45 + a.detail * 20
    if a.pattern == "beach":
        cols = [c, WHITE, c2, (240, 205, 50), c, WHITE]
        for i in range(6):
            p.pie(0.5, 0.5, 0.49, 0.49, rot + i * 60, rot + (i + 1) * 60, cols[i])
        p.circle(0.5, 0.5, 0.08, WHITE)
    elif a.pattern == "stripes":
        ang = math.radians(rot)
        for off in (-0.22, 0.0, 0.22)[: 2 + a.detail % 2]:
            dx, dy = math.cos(ang), math.sin(ang)
            cx, cy = 0.5 - dy * off, 0.5 + dx * off
            seg = math.sqrt(max(0.0, 0.49 ** 2 - off ** 2))
            p.line([(cx - dx * seg, cy - dy * seg), (cx + dx * seg, cy + dy * seg)], c2, width=0.08, round_caps=False)
    elif a.pattern == "dots":
        for i in range(5 + a.detail):
            ang = math.radians(rot + i * 360 / (5 + a.detail))
            r = 0.28 if i % 2 else 0.16
            p.circle(0.5 + r * math.cos(ang), 0.5 + r * math.sin(ang), 0.07, c2)
    elif a.pattern == "star":
        p.star(0.5, 0.5, 0.3, c2, rot=rot - 90)
    elif a.pattern == "soccer":
        p.circle(0.5, 0.5, 0.49, WHITE)
        p.star(0.5, 0.5, 0.14, BLACK, points=5, inner=0.8, rot=rot)
        for i in range(5):
            ang = math.radians(rot + 36 + 72 * i)
            p.circle(0.5 + 0.38 * math.cos(ang), 0.5 + 0.38 * math.sin(ang), 0.09, c if a.detail % 2 else BLACK)


@register("balloon", "balloon", aspect=0.62, size=0.35, place="floor", rooms=("living", "bedroom", "kitchen"),
          colors=BRIGHT, patterns=("plain", "heart", "star"), texture="plastic", motion="flies",
          plural="balloons", details=3)
def balloon(p: Painter, a: Look) -> None:
    c = a.color
    p.curve([(0.5, 0.66), (0.3, 0.78), (0.7, 0.88), (0.45, 1.0)], (120, 120, 120), width=0.008)
    p.poly([(0.5, 0.6), (0.45, 0.67), (0.55, 0.67)], tone(c, 0.8))
    p.ellipse(0.5, 0.31, 0.3, 0.31, c)
    if a.pattern == "heart":
        p.heart(0.5, 0.32, 0.1 + 0.02 * a.detail, WHITE)
    elif a.pattern == "star":
        p.star(0.5, 0.32, 0.12 + 0.02 * a.detail, (250, 230, 90))


@register("block", "block", aspect=1.0, size=0.08, place="floor", rooms=("living", "bedroom"), colors=BRIGHT,
          patterns=("letter", "number", "shape"), texture="wood", plural="blocks", details=len(LETTERS))
def block(p: Painter, a: Look) -> None:
    c = a.color
    t = 0.18 * (0.4 + a.elev)
    p.poly([(0.0, t), (t, 0.0), (1.0, 0.0), (1.0 - t, t)], tone(c, 1.25))
    p.poly([(1.0 - t, t), (1.0, 0.0), (1.0, 1.0 - t), (1.0 - t, 1.0)], tone(c, 0.75))
    p.rect(0.0, t, 1.0 - t, 1.0, c)
    p.rect(0.08, t + 0.08, 0.92 - t, 0.92, tone(c, 1.1), outline=tone(c, 0.7), width=0.02)
    cx, cy = (1.0 - t) / 2, (1.0 + t) / 2
    ink = a.color2
    if a.pattern == "letter":
        p.text(cx, cy, LETTERS[a.detail % len(LETTERS)], 0.6, ink)
    elif a.pattern == "number":
        p.text(cx, cy, str(1 + a.detail % 9), 0.6, ink)
    else:
        [lambda: p.star(cx, cy, 0.28, ink), lambda: p.circle(cx, cy, 0.24, ink), lambda: p.heart(cx, cy, 0.26, ink),
         lambda: p.poly([(cx, cy - 0.26), (cx + 0.26, cy + 0.22), (cx - 0.26, cy + 0.22)], ink)][a.detail % 4]()


@register("book", "book", aspect=0.78, size=0.25, place="floor", rooms=("living", "bedroom"),
          colors=BRIGHT + ("white",), patterns=("animal", "sun", "shapes", "open"), texture="paper",
          plural="books", details=4)
def book(p: Painter, a: Look) -> None:
    c = a.color
    if a.pattern == "open":
        p.poly([(0.0, 0.2), (0.5, 0.28), (0.5, 1.0), (0.0, 0.92)], tone(c, 0.8))
        p.poly([(1.0, 0.2), (0.5, 0.28), (0.5, 1.0), (1.0, 0.92)], tone(c, 0.8))
        p.poly([(0.03, 0.18), (0.5, 0.25), (0.5, 0.95), (0.03, 0.88)], (248, 244, 232))
        p.poly([(0.97, 0.18), (0.5, 0.25), (0.5, 0.95), (0.97, 0.88)], (242, 238, 226))
        p.circle(0.27, 0.5, 0.13, a.color2)
        for i in range(4):
            p.line([(0.58, 0.4 + 0.1 * i), (0.9, 0.4 + 0.1 * i)], (120, 120, 120), width=0.012)
        return
    p.rect(0.06, 0.0, 1.0, 0.97, tone(c, 0.6), radius=0.02)
    p.rect(0.0, 0.02, 0.95, 1.0, c, radius=0.03)
    p.rect(0.0, 0.02, 0.1, 1.0, tone(c, 0.7), radius=0.02)
    p.rect(0.2, 0.1, 0.86, 0.24, WHITE, radius=0.02)
    p.line([(0.26, 0.17), (0.8, 0.17)], tone(c, 0.5), width=0.03)
    art = a.color2
    if a.pattern == "animal":
        p.ellipse(0.52, 0.62, 0.24, 0.14, art)
        p.circle(0.76, 0.5, 0.1, art)
        p.circle(0.79, 0.48, 0.02, BLACK)
        for x in (0.4, 0.6):
            p.rect(x - 0.03, 0.7, x + 0.03, 0.86, art)
    elif a.pattern == "sun":
        p.circle(0.53, 0.58, 0.16, (250, 210, 60))
        for i in range(8):
            ang = math.radians(45 * i)
            p.line([(0.53 + 0.2 * math.cos(ang) / 0.78, 0.58 + 0.2 * math.sin(ang)),
                    (0.53 + 0.28 * math.cos(ang) / 0.78, 0.58 + 0.28 * math.sin(ang))], (250, 210, 60), width=0.03)
    else:
        p.circle(0.38, 0.5, 0.1, art)
        p.rect(0.52, 0.42, 0.78, 0.6, tone(art, 0.7))
        p.poly([(0.3, 0.88), (0.42, 0.68), (0.54, 0.88)], (250, 210, 60))


@register("doll", "doll", aspect=0.55, size=0.35, place="floor", rooms=("living", "bedroom"),
          colors=("pink", "blue", "red", "purple", "yellow", "green"), patterns=("dress", "overalls"),
          texture="fabric", plural="dolls", details=4)
def doll(p: Painter, a: Look) -> None:
    skin = [(250, 215, 185), (225, 175, 135), (170, 115, 80), (110, 70, 50)][a.detail % 4]
    hair = [(90, 55, 30), (235, 200, 110), (30, 25, 25), (180, 80, 40)][(a.detail + 1) % 4]
    cloth = a.color
    p.rect(0.33, 0.72, 0.45, 0.97, skin)
    p.rect(0.55, 0.72, 0.67, 0.97, skin)
    p.ellipse(0.39, 0.96, 0.07, 0.025, tone(cloth, 0.5))
    p.ellipse(0.61, 0.96, 0.07, 0.025, tone(cloth, 0.5))
    p.line([(0.28, 0.36), (0.1, 0.6)], skin, width=0.05)
    p.line([(0.72, 0.36), (0.9, 0.6)], skin, width=0.05)
    if a.pattern == "dress":
        p.poly([(0.32, 0.32), (0.68, 0.32), (0.86, 0.78), (0.14, 0.78)], cloth)
        p.line([(0.2, 0.7), (0.8, 0.7)], tone(cloth, 1.4), width=0.02)
    else:
        p.rect(0.3, 0.32, 0.7, 0.6, tone(cloth, 1.3))
        p.rect(0.3, 0.5, 0.7, 0.8, cloth)
        p.line([(0.35, 0.32), (0.35, 0.5)], cloth, width=0.03)
        p.line([(0.65, 0.32), (0.65, 0.5)], cloth, width=0.03)
    p.ellipse(0.5, 0.18, 0.22, 0.17, hair)
    p.circle(0.5, 0.2, 0.13, skin)
    p.ellipse(0.5, 0.1, 0.19, 0.07, hair)
    p.circle(0.45, 0.2, 0.015, BLACK)
    p.circle(0.55, 0.2, 0.015, BLACK)
    p.arc(0.5, 0.24, 0.04, 0.02, 20, 160, (200, 80, 80), width=0.008)


@register("crayon", "crayon", aspect=4.0, size=0.09, place="floor", rooms=("living", "kitchen", "bedroom"),
          colors=BRIGHT + ("brown", "black"), texture="plastic", plural="crayons", details=2)
def crayon(p: Painter, a: Look) -> None:
    c = a.color
    p.poly([(0.82, 0.12), (1.0, 0.5), (0.82, 0.88)], c)
    p.rect(0.0, 0.06, 0.84, 0.94, c, radius=0.12)
    p.rect(0.16, 0.06, 0.72, 0.94, tone(c, 1.35) if a.detail % 2 else tone(c, 0.7))
    for x in (0.2, 0.68):
        p.line([(x, 0.06), (x, 0.94)], tone(c, 0.5), width=0.06)
    p.line([(0.3, 0.5), (0.6, 0.5)], tone(c, 0.4), width=0.12)
    _ = COLORS
