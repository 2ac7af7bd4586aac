"""Vehicles (toy size): cars, trucks, trains, airplanes, boats, buses."""

from __future__ import annotations

from babyvlm.world.draw import Look, register
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import tone

WHITE = (245, 245, 240)
GLASS = (170, 210, 235)
TIRE = (35, 35, 38)
BRIGHT = ("red", "blue", "yellow", "green", "orange", "purple")
TOYS = ("living", "bedroom")


def wheel(p: Painter, x: float, y: float, r: float, hub=(200, 200, 205), spin: int = 0) -> None:
    p.circle(x, y, r, TIRE)
    p.circle(x, y, r * 0.5, hub)
    import math
    a = math.radians(spin * 45)
    p.line([(x, y), (x + 0.35 * r * math.cos(a) / p.aspect, y + 0.35 * r * math.sin(a))], tone(hub, 0.6), width=r * 0.2)


@register("car", "car", aspect=1.9, size=0.15, place="floor", rooms=TOYS, colors=BRIGHT + ("white", "black"),
          patterns=("plain", "stripe", "number"), texture="plastic", motion="drives", plural="cars", poses=8, details=9)
def car(p: Painter, a: Look) -> None:
    c = a.color
    p.poly([(0.28, 0.38), (0.38, 0.05), (0.72, 0.05), (0.85, 0.38)], tone(c, 0.95))
    p.poly([(0.34, 0.36), (0.42, 0.12), (0.53, 0.12), (0.53, 0.36)], GLASS)
    p.poly([(0.57, 0.36), (0.57, 0.12), (0.69, 0.12), (0.78, 0.36)], GLASS)
    p.rect(0.0, 0.34, 1.0, 0.78, c, radius=0.14)
    p.rect(0.93, 0.42, 1.0, 0.52, (250, 230, 120), radius=0.03)
    if a.pattern == "stripe":
        p.line([(0.05, 0.52), (0.95, 0.52)], a.color2, width=0.06, round_caps=False)
    elif a.pattern == "number":
        p.circle(0.5, 0.55, 0.12, WHITE)
        p.text(0.5, 0.55, str(1 + a.detail), 0.18, (30, 30, 30))
    wheel(p, 0.22, 0.8, 0.19, spin=a.pose)
    wheel(p, 0.78, 0.8, 0.19, spin=a.pose)


@register("truck", "truck", aspect=2.1, size=0.25, place="floor", rooms=TOYS, colors=BRIGHT + ("white",),
          patterns=("dump", "box", "fire"), texture="plastic", motion="drives", plural="trucks", poses=8, details=3)
def truck(p: Painter, a: Look) -> None:
    c = a.color
    p.rect(0.62, 0.12, 0.95, 0.72, c, radius=0.06)
    p.rect(0.72, 0.2, 0.9, 0.42, GLASS, radius=0.03)
    p.rect(0.0, 0.62, 1.0, 0.76, (90, 90, 95))
    if a.pattern == "dump":
        p.poly([(0.0, 0.22), (0.6, 0.3), (0.6, 0.66), (0.06, 0.66)], a.color2)
    elif a.pattern == "box":
        p.rect(0.0, 0.0, 0.6, 0.66, a.color2, radius=0.03)
        p.rect(0.08, 0.2, 0.5, 0.45, WHITE, radius=0.03)
    else:
        p.rect(0.0, 0.35, 0.6, 0.66, c)
        for i in range(5):
            p.line([(0.05 + 0.11 * i, 0.2), (0.05 + 0.11 * i, 0.35)], (200, 200, 200), width=0.03)
        p.line([(0.02, 0.22), (0.58, 0.22)], (200, 200, 200), width=0.03)
    wheel(p, 0.14, 0.8, 0.18, spin=a.pose)
    wheel(p, 0.36, 0.8, 0.18, spin=a.pose)
    wheel(p, 0.8, 0.8, 0.18, spin=a.pose)


@register("train", "train", aspect=2.0, size=0.25, place="floor", rooms=TOYS, colors=BRIGHT + ("black",),
          patterns=("engine", "wagon"), texture="plastic", motion="drives", plural="trains", poses=8, details=3)
def train(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    if a.pattern == "wagon":
        p.rect(0.08, 0.2, 0.92, 0.75, c, radius=0.04)
        for i in range(3):
            p.rect(0.16 + 0.25 * i, 0.3, 0.32 + 0.25 * i, 0.5, GLASS, radius=0.02)
        p.rect(0.0, 0.7, 1.0, 0.78, (60, 60, 60))
    else:
        p.rect(0.0, 0.05, 0.38, 0.75, c, radius=0.04)
        p.rect(0.06, 0.15, 0.32, 0.38, GLASS, radius=0.03)
        p.rect(-0.02, 0.0, 0.42, 0.08, c2)
        p.rect(0.36, 0.3, 0.92, 0.75, c, radius=0.1)
        p.rect(0.7, 0.05, 0.8, 0.32, tone(c2, 0.8))
        p.rect(0.67, 0.02, 0.83, 0.08, tone(c2, 0.6))
        p.poly([(0.92, 0.5), (1.0, 0.8), (0.88, 0.8)], c2)
        p.circle(0.94, 0.45, 0.06, (250, 230, 120))
    wheel(p, 0.2, 0.8, 0.17, hub=(220, 60, 50), spin=a.pose)
    wheel(p, 0.52, 0.82, 0.15, hub=(220, 60, 50), spin=a.pose)
    wheel(p, 0.78, 0.82, 0.15, hub=(220, 60, 50), spin=a.pose)


@register("airplane", "airplane", aspect=1.7, size=0.3, place="floor", rooms=TOYS, colors=BRIGHT + ("white",),
          patterns=("plain", "stripe"), texture="plastic", plural="airplanes", details=3)
def airplane(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    p.poly([(0.38, 0.5), (0.6, 0.5), (0.4, 0.02), (0.3, 0.02)], tone(c2, 0.8))
    p.poly([(0.02, 0.15), (0.1, 0.15), (0.2, 0.45), (0.04, 0.45)], c2)
    p.ellipse(0.52, 0.52, 0.78, 0.14, c)
    p.poly([(0.85, 0.42), (1.0, 0.52), (0.85, 0.64)], c)
    for i in range(5):
        p.circle(0.4 + 0.08 * i, 0.48, 0.035, GLASS)
    if a.pattern == "stripe":
        p.line([(0.1, 0.58), (0.9, 0.58)], c2, width=0.04, round_caps=False)
    p.poly([(0.36, 0.56), (0.62, 0.56), (0.44, 0.98), (0.32, 0.98)], c2)


@register("boat", "boat", aspect=1.5, size=0.25, place="floor", rooms=("bathroom", "living"), colors=BRIGHT + ("white",),
          patterns=("sail", "cabin"), texture="plastic", plural="boats", details=2)
def boat(p: Painter, a: Look) -> None:
    c, c2 = a.color, a.color2
    if a.pattern == "sail":
        p.line([(0.5, 0.02), (0.5, 0.68)], (120, 80, 40), width=0.03)
        p.poly([(0.53, 0.04), (0.53, 0.62), (0.9, 0.62)], WHITE if a.color_name != "white" else c2)
        p.poly([(0.47, 0.12), (0.47, 0.62), (0.18, 0.62)], c2)
    else:
        p.rect(0.3, 0.35, 0.75, 0.66, WHITE, radius=0.03)
        for i in range(3):
            p.circle(0.38 + 0.14 * i, 0.48, 0.05, GLASS)
        p.rect(0.55, 0.15, 0.65, 0.36, c2)
    p.poly([(0.0, 0.64), (1.0, 0.64), (0.85, 1.0), (0.12, 1.0)], c)
    p.line([(0.05, 0.75), (0.95, 0.75)], tone(c, 1.4), width=0.03)


@register("bus", "bus", aspect=2.2, size=0.3, place="floor", rooms=TOYS, colors=("yellow", "yellow", "red", "blue", "green"),
          texture="plastic", motion="drives", plural="buses", poses=8, details=3)
def bus(p: Painter, a: Look) -> None:
    c = a.color
    p.rect(0.0, 0.05, 1.0, 0.8, c, radius=0.08)
    for i in range(4 + a.detail % 2):
        p.rect(0.05 + 0.15 * i, 0.15, 0.17 + 0.15 * i, 0.42, GLASS, radius=0.02)
    p.rect(0.84, 0.15, 0.97, 0.7, tone(GLASS, 0.9), radius=0.02)
    p.line([(0.02, 0.55), (0.98, 0.55)], (30, 30, 30), width=0.03, round_caps=False)
    p.rect(0.95, 0.6, 1.0, 0.7, (250, 240, 150))
    wheel(p, 0.2, 0.82, 0.17, spin=a.pose)
    wheel(p, 0.78, 0.82, 0.17, spin=a.pose)
