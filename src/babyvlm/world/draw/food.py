"""Food and drink, mostly in the kitchen (on the table or the high chair tray)."""

from __future__ import annotations

import math

from babyvlm.world.draw import Look, register
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import tone

WHITE = (245, 245, 240)
BLACK = (30, 28, 30)
LEAF = (70, 140, 50)
STEM = (100, 70, 40)
KITCHEN = ("kitchen",)
SNACK = ("kitchen", "living")


@register("apple", "apple", aspect=1.0, size=0.08, place="table", rooms=SNACK, colors=("red", "red", "green", "yellow"),
          patterns=("plain", "streaks"), texture="food", plural="apples", details=3)
def apple(p: Painter, a: Look) -> None:
    c = a.color
    p.ellipse(0.34, 0.58, 0.32, 0.38, c)
    p.ellipse(0.66, 0.58, 0.32, 0.38, c)
    if a.pattern == "streaks":
        for i in range(3):
            p.line([(0.35 + 0.12 * i, 0.35), (0.33 + 0.13 * i, 0.85)], tone(c, 1.25), width=0.02)
    p.line([(0.5, 0.25), (0.54, 0.04)], STEM, width=0.04)
    if a.detail % 3:
        p.ellipse(0.66, 0.12, 0.14, 0.06, LEAF)


@register("banana", "banana", aspect=2.0, size=0.18, place="table", rooms=SNACK, colors=("yellow", "yellow", "golden"),
          patterns=("plain", "spotty"), texture="food", plural="bananas", details=3)
def banana(p: Painter, a: Look) -> None:
    c = a.color
    outer = [(0.04 + 0.92 * t, 0.18 + 0.7 * math.sin(math.pi * t) ** 0.8) for t in [i / 20 for i in range(21)]]
    inner = [(0.08 + 0.84 * t, 0.22 + 0.35 * math.sin(math.pi * t) ** 0.8) for t in [i / 20 for i in range(21)]]
    p.poly(outer + inner[::-1], c)
    p.line(inner[3:-3], tone(c, 0.8), width=0.03)
    p.rect(0.0, 0.12, 0.07, 0.26, STEM, radius=0.02)
    p.circle(0.95, 0.2, 0.04, (60, 45, 30))
    if a.pattern == "spotty":
        for i in range(4 + a.detail):
            t = 0.15 + 0.7 * ((i * 0.37) % 1)
            p.circle(0.04 + 0.92 * t, 0.2 + 0.55 * math.sin(math.pi * t) ** 0.8, 0.02, (110, 80, 40))


@register("cookie", "cookie", aspect=1.0, size=0.07, place="table", rooms=SNACK, colors=("tan", "brown", "golden"),
          patterns=("chips", "sandwich", "sprinkles"), texture="food", plural="cookies", details=4)
def cookie(p: Painter, a: Look) -> None:
    c = a.color
    if a.pattern == "sandwich":
        p.circle(0.5, 0.5, 0.48, (50, 35, 30))
        p.circle(0.5, 0.5, 0.38, (65, 45, 38))
        for i in range(8):
            ang = math.radians(45 * i)
            p.circle(0.5 + 0.25 * math.cos(ang), 0.5 + 0.25 * math.sin(ang), 0.05, (40, 28, 24))
        return
    p.blob(0.5, 0.5, 0.46, c, lumps=9, rough=0.05)
    p.circle(0.5, 0.5, 0.36, tone(c, 1.08))
    rng = p.rng
    for _ in range(6 + a.detail):
        x, y = rng.uniform(0.25, 0.75), rng.uniform(0.25, 0.75)
        if a.pattern == "chips":
            p.circle(x, y, 0.045, (70, 40, 25))
        else:
            p.line([(x, y), (x + 0.05, y + 0.03)], [(230, 60, 80), (60, 140, 230), (250, 220, 60)][_ % 3], width=0.03)


@register("cheese", "cheese", aspect=1.3, size=0.08, place="table", rooms=KITCHEN, colors=("yellow", "orange", "cream"),
          texture="food", plural="cheeses", details=4)
def cheese(p: Painter, a: Look) -> None:
    c = a.color
    p.poly([(0.0, 0.45), (0.85, 0.05), (1.0, 0.3), (1.0, 1.0), (0.0, 1.0)], tone(c, 0.85))
    p.poly([(0.0, 0.45), (0.85, 0.05), (1.0, 0.3), (0.15, 0.6)], tone(c, 1.15))
    p.poly([(0.0, 0.45), (0.15, 0.6), (0.15, 1.0), (0.0, 1.0)], tone(c, 0.7))
    p.poly([(0.15, 0.6), (1.0, 0.3), (1.0, 1.0), (0.15, 1.0)], c)
    for i in range(3 + a.detail % 3):
        p.ellipse(0.3 + 0.6 * ((i * 0.43) % 1), 0.55 + 0.35 * ((i * 0.71) % 1), 0.05 + 0.02 * (i % 2), 0.04, tone(c, 0.7))


@register("egg", "egg", aspect=0.78, size=0.06, place="table", rooms=KITCHEN, colors=("white", "cream", "tan"),
          patterns=("whole", "whole", "fried"), texture="food", plural="eggs", details=2)
def egg(p: Painter, a: Look) -> None:
    if a.pattern == "fried":
        p.blob(0.5, 0.55, 0.4, WHITE, lumps=5, rough=0.12, ry=0.36)
        p.circle(0.52, 0.52, 0.17, (250, 190, 40))
        return
    p.ellipse(0.5, 0.58, 0.38, 0.42, a.color)
    p.ellipse(0.5, 0.4, 0.3, 0.34, a.color)


@register("carrots", "carrots", aspect=2.6, size=0.15, place="table", rooms=KITCHEN, colors=("orange",),
          texture="food", plural="carrots", details=3)
def carrots(p: Painter, a: Look) -> None:
    c = a.color
    for i in range(3):
        y = 0.3 + 0.13 * (i - 1)
        p.line([(0.0, y - 0.15), (0.22, y)], LEAF, width=0.05)
        p.line([(0.02, y + 0.12), (0.22, y)], tone(LEAF, 1.2), width=0.05)
    p.poly([(0.2, 0.18), (0.2, 0.82), (1.0, 0.52)], c)
    for i in range(3 + a.detail):
        x = 0.3 + 0.15 * i
        p.line([(x, 0.3 + 0.04 * i), (x + 0.04, 0.34 + 0.04 * i)], tone(c, 0.7), width=0.03)


@register("pizza", "pizza", aspect=1.0, size=0.15, place="table", rooms=KITCHEN, colors=("tan", "golden"),
          patterns=("pepperoni", "cheese", "veggie"), texture="food", plural="pizzas", details=4)
def pizza(p: Painter, a: Look) -> None:
    crust = a.color
    p.poly([(0.02, 0.1), (0.98, 0.1), (0.5, 0.98)], (250, 215, 110))
    p.rect(0.0, 0.0, 1.0, 0.16, crust, radius=0.07)
    for i in range(4):
        p.blob(0.3 + 0.13 * i, 0.3 + 0.07 * (i % 2), 0.06, (220, 80, 40))
    if a.pattern == "pepperoni":
        for i in range(3 + a.detail % 2):
            p.circle(0.33 + 0.15 * (i % 3), 0.3 + 0.18 * (i // 3) + 0.06 * (i % 2), 0.07, (180, 40, 30))
    elif a.pattern == "veggie":
        for i in range(4):
            p.circle(0.35 + 0.1 * i, 0.45 - 0.05 * (i % 2), 0.035, (60, 140, 50))


@register("juice", "juice", aspect=0.62, size=0.12, place="table", rooms=KITCHEN,
          colors=("orange", "purple", "red", "green", "yellow"), texture="paper", plural="juices", details=3)
def juice(p: Painter, a: Look) -> None:
    c = a.color
    p.line([(0.7, 0.2), (0.78, 0.0)], (240, 240, 240), width=0.035)
    p.poly([(0.05, 0.2), (0.2, 0.12), (0.95, 0.12), (0.8, 0.2)], tone(c, 1.25))
    p.poly([(0.8, 0.2), (0.95, 0.12), (0.95, 0.9), (0.8, 1.0)], tone(c, 0.7))
    p.rect(0.05, 0.2, 0.8, 1.0, c)
    fruit = [(240, 140, 30), (120, 50, 140), (210, 40, 50), (110, 180, 50), (240, 210, 60)][a.detail % 5]
    p.circle(0.42, 0.55, 0.17, WHITE)
    p.circle(0.42, 0.55, 0.13, fruit)
    p.rect(0.12, 0.82, 0.72, 0.9, WHITE)


@register("milk", "milk", aspect=0.5, size=0.2, place="table", rooms=KITCHEN, colors=("blue", "red", "green"),
          patterns=("carton", "jug"), texture="paper", plural="milks", details=2)
def milk(p: Painter, a: Look) -> None:
    c = a.color
    if a.pattern == "jug":
        p.rect(0.1, 0.25, 0.95, 1.0, (248, 248, 245), radius=0.08)
        p.rect(0.35, 0.05, 0.7, 0.27, (248, 248, 245))
        p.rect(0.32, 0.0, 0.73, 0.08, c, radius=0.02)
        p.arc(0.85, 0.45, 0.12, 0.12, 270, 90, (230, 230, 228), width=0.04)
        p.rect(0.18, 0.5, 0.86, 0.75, c)
        return
    p.poly([(0.05, 0.28), (0.5, 0.08), (0.95, 0.28)], (245, 245, 240))
    p.rect(0.35, 0.0, 0.65, 0.1, (235, 235, 230))
    p.rect(0.05, 0.28, 0.95, 1.0, (248, 248, 245))
    p.rect(0.05, 0.4, 0.95, 0.55, c)
    p.text(0.5, 0.48, "MILK", 0.09, WHITE)
    p.blob(0.5, 0.78, 0.12, c, lumps=3, rough=0.2)


@register("strawberry", "strawberry", aspect=0.85, size=0.04, place="table", rooms=KITCHEN, colors=("red",),
          texture="food", plural="strawberries", details=3)
def strawberry(p: Painter, a: Look) -> None:
    c = a.color
    p.poly([(0.05, 0.3), (0.95, 0.3), (0.85, 0.6), (0.5, 1.0), (0.15, 0.6)], c)
    p.ellipse(0.3, 0.38, 0.25, 0.15, c)
    p.ellipse(0.7, 0.38, 0.25, 0.15, c)
    for i in range(10 + a.detail):
        x = 0.2 + 0.6 * ((i * 0.618) % 1)
        y = 0.38 + 0.45 * ((i * 0.37) % 1) * (1 - abs(x - 0.5))
        p.ellipse(x, y, 0.012, 0.02, (250, 230, 120))
    for k in range(5):
        ang = math.radians(180 + 36 * k)
        p.poly([(0.5, 0.24), (0.5 + 0.45 * math.cos(ang), 0.24 + 0.25 * math.sin(ang) + 0.12), (0.5, 0.32)], LEAF)
    p.line([(0.5, 0.25), (0.52, 0.02)], (60, 120, 40), width=0.04)


@register("orange", "orange.food", aspect=1.0, size=0.08, place="table", rooms=SNACK, colors=("orange",),
          patterns=("whole", "whole", "slice"), texture="food", plural="oranges", details=2)
def orange(p: Painter, a: Look) -> None:
    c = a.color
    if a.pattern == "slice":
        p.chord(0.5, 0.9, 0.5, 0.8, 180, 360, c)
        p.chord(0.5, 0.9, 0.42, 0.7, 180, 360, (250, 190, 80))
        for k in range(5):
            ang = math.radians(180 + 36 * (k + 0.5))
            p.line([(0.5, 0.9), (0.5 + 0.4 * math.cos(ang) / 1.0, 0.9 + 0.66 * math.sin(ang))], (250, 230, 170), width=0.02)
        return
    p.circle(0.5, 0.52, 0.46, c)
    for i in range(14):
        ang = i * 2.4
        r = 0.35 * ((i * 0.37) % 1)
        p.circle(0.5 + r * math.cos(ang), 0.52 + r * math.sin(ang), 0.015, tone(c, 0.88))
    p.circle(0.5, 0.1, 0.04, (90, 110, 40))
    if a.detail % 2:
        p.ellipse(0.66, 0.08, 0.14, 0.05, LEAF)


@register("bread", "bread", aspect=1.05, size=0.12, place="table", rooms=KITCHEN, colors=("tan", "brown", "golden"),
          patterns=("slice", "toast"), texture="food", plural="breads", details=2)
def bread(p: Painter, a: Look) -> None:
    crust = tone(a.color, 0.8)
    p.circle(0.28, 0.3, 0.27, crust)
    p.circle(0.72, 0.3, 0.27, crust)
    p.rect(0.02, 0.3, 0.98, 1.0, crust, radius=0.05)
    inner = (240, 220, 170) if a.pattern == "slice" else (210, 160, 90)
    p.circle(0.29, 0.32, 0.21, inner)
    p.circle(0.71, 0.32, 0.21, inner)
    p.rect(0.09, 0.32, 0.91, 0.93, inner, radius=0.04)
    for i in range(6):
        p.circle(0.25 + 0.1 * i, 0.5 + 0.15 * ((i * 0.7) % 1), 0.015, tone(inner, 0.85))
