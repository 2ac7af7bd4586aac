"""Animals: pets that walk through the room and toy/plush animals on the floor."""

from __future__ import annotations

import math

from babyvlm.world.draw import Look, register
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import tone

BLACK = (30, 28, 30)
PINK = (235, 150, 160)
WHITE = (245, 245, 240)
PLAY = ("living", "bedroom")


def _eye(p: Painter, x: float, y: float, r: float, iris=BLACK) -> None:
    p.circle(x, y, r, iris)
    p.circle(x + 0.3 * r / p.aspect, y - 0.3 * r, r * 0.35, WHITE)


def _leg(p: Painter, x: float, top: float, bottom: float, w: float, col, swing: float = 0.0, foot=None) -> None:
    k = 1 / p.aspect
    dx = swing * (bottom - top) * k
    p.poly([(x - w * k, top), (x + w * k, top), (x + w * k + dx, bottom), (x - w * k + dx, bottom)], col)
    if foot is not None:
        p.ellipse(x + dx, bottom - 0.01, w * 1.15, w * 0.6, foot)


def _legs(p: Painter, xs, top: float, bottom: float, w: float, col, pose: int, foot=None, amp: float = 0.22) -> None:
    far = tone(col, 0.8)
    for i, x in enumerate(xs):
        s = amp * (1 if (i + pose) % 2 == 0 else -1) if pose else 0.0
        _leg(p, x, top, bottom, w, far if i % 2 else col, s, None if foot is None else (tone(foot, 0.8) if i % 2 else foot))


@register("dog", "dog", aspect=1.35, size=0.6, place="floor", rooms=("living", "kitchen", "bedroom"),
          colors=("brown", "black", "white", "golden", "grey", "tan"), patterns=("plain", "patches", "collar"),
          texture="fur", motion="walks", say="doggy", plural="doggies", poses=3)
def dog(p: Painter, a: Look) -> None:
    c, dark = a.color, tone(a.color, 0.62)
    p.curve([(0.22, 0.42), (0.1, 0.36), (0.07, 0.16)], dark, width=0.05)
    _legs(p, [0.26, 0.31, 0.66, 0.72], 0.52, 0.95, 0.04, c, a.pose, foot=tone(c, 0.9))
    p.ellipse(0.47, 0.5, 0.36, 0.17, c)
    if a.pattern == "patches":
        for i in range(2 + a.detail % 3):
            p.blob(0.32 + 0.12 * i, 0.47 + 0.03 * (i % 2), 0.07, a.color2)
    p.poly([(0.62, 0.42), (0.7, 0.22), (0.8, 0.3), (0.74, 0.55)], c)
    p.circle(0.77, 0.28, 0.15, c)
    p.ellipse(0.88, 0.34, 0.1, 0.065, tone(c, 1.12))
    p.circle(0.955, 0.315, 0.032, BLACK)
    p.line([(0.9, 0.39), (0.94, 0.39)], tone(c, 0.45), width=0.012)
    p.ellipse(0.715, 0.32, 0.055, 0.12, dark)
    _eye(p, 0.81, 0.24, 0.024)
    if a.pattern == "collar":
        p.line([(0.7, 0.4), (0.78, 0.43)], a.color2, width=0.04)


@register("cat", "cat", aspect=1.35, size=0.5, place="floor", rooms=("living", "kitchen", "bedroom"),
          colors=("orange", "grey", "black", "white", "tan"), patterns=("plain", "tabby", "socks"),
          texture="fur", motion="walks", say="kitty", plural="kitties", poses=3)
def cat(p: Painter, a: Look) -> None:
    c, dark = a.color, tone(a.color, 0.6)
    p.curve([(0.2, 0.5), (0.04, 0.45), (0.06, 0.12), (0.14, 0.08)], c, width=0.045)
    feet = a.color2 if a.pattern == "socks" else c
    _legs(p, [0.27, 0.31, 0.64, 0.69], 0.55, 0.95, 0.03, c, a.pose, foot=feet)
    p.ellipse(0.46, 0.54, 0.33, 0.14, c)
    if a.pattern == "tabby":
        for i in range(4):
            x = 0.33 + 0.08 * i
            p.line([(x, 0.42), (x + 0.02, 0.55)], dark, width=0.025)
    p.circle(0.74, 0.35, 0.13, c)
    p.poly([(0.66, 0.3), (0.67, 0.1), (0.73, 0.24)], c)
    p.poly([(0.76, 0.24), (0.82, 0.1), (0.84, 0.3)], c)
    p.poly([(0.67, 0.27), (0.675, 0.15), (0.71, 0.24)], PINK)
    p.ellipse(0.83, 0.4, 0.05, 0.04, tone(c, 1.15))
    p.circle(0.855, 0.38, 0.018, PINK)
    eye = (90, 170, 60) if a.detail % 2 else (220, 180, 40)
    _eye(p, 0.78, 0.32, 0.026, eye)
    for dy in (-0.02, 0.02):
        p.line([(0.86, 0.41 + dy), (0.97, 0.39 + 2 * dy)], (60, 60, 60), width=0.006)


@register("cow", "cow", aspect=1.4, size=0.3, place="floor", rooms=PLAY, colors=("white", "cream", "brown"),
          patterns=("spots", "plain"), texture="plastic", plural="cows", details=6)
def cow(p: Painter, a: Look) -> None:
    c = a.color
    spot = BLACK if a.color_name != "brown" else WHITE
    p.line([(0.15, 0.4), (0.1, 0.7)], tone(c, 0.7), width=0.03)
    p.circle(0.1, 0.72, 0.03, BLACK)
    _legs(p, [0.24, 0.29, 0.63, 0.68], 0.55, 0.95, 0.045, c, a.pose, foot=BLACK)
    p.rect(0.14, 0.3, 0.72, 0.68, c, radius=0.14)
    if a.pattern == "spots":
        for i in range(2 + a.detail):
            p.blob(0.22 + 0.45 * ((i * 0.37) % 1), 0.38 + 0.22 * ((i * 0.61) % 1), 0.06 + 0.015 * (i % 3), spot)
    p.ellipse(0.44, 0.7, 0.08, 0.05, PINK)
    p.ellipse(0.8, 0.34, 0.14, 0.17, c)
    p.poly([(0.72, 0.2), (0.7, 0.1), (0.75, 0.19)], (230, 220, 190))
    p.poly([(0.86, 0.19), (0.9, 0.09), (0.9, 0.2)], (230, 220, 190))
    p.ellipse(0.68, 0.27, 0.06, 0.03, tone(c, 0.8))
    p.ellipse(0.87, 0.45, 0.1, 0.08, PINK)
    p.circle(0.85, 0.46, 0.015, BLACK)
    p.circle(0.9, 0.46, 0.015, BLACK)
    _eye(p, 0.81, 0.3, 0.022)


@register("pig", "pig", aspect=1.35, size=0.25, place="floor", rooms=PLAY, colors=("pink", "pink", "brown", "black", "tan"),
          patterns=("plain", "spots"), texture="plastic", plural="pigs", details=4)
def pig(p: Painter, a: Look) -> None:
    c = a.color
    p.arc(0.1, 0.42, 0.04, 0.04, 0, 300, tone(c, 0.8), width=0.018)
    _legs(p, [0.25, 0.31, 0.62, 0.68], 0.6, 0.95, 0.05, c, a.pose, foot=tone(c, 0.55))
    p.ellipse(0.45, 0.55, 0.36, 0.24, c)
    if a.pattern == "spots":
        for i in range(2 + a.detail):
            p.blob(0.28 + 0.1 * i, 0.5 + 0.05 * (i % 2), 0.045, tone(c, 0.55))
    p.circle(0.75, 0.45, 0.19, c)
    p.poly([(0.65, 0.3), (0.68, 0.16), (0.74, 0.28)], tone(c, 0.9))
    p.poly([(0.78, 0.27), (0.86, 0.17), (0.85, 0.32)], tone(c, 0.9))
    p.ellipse(0.9, 0.5, 0.06, 0.08, tone(c, 1.15), outline=tone(c, 0.7), width=0.012)
    p.ellipse(0.895, 0.47, 0.012, 0.02, tone(c, 0.45))
    p.ellipse(0.905, 0.53, 0.012, 0.02, tone(c, 0.45))
    _eye(p, 0.79, 0.4, 0.022)


@register("horse", "horse", aspect=1.15, size=0.35, place="floor", rooms=PLAY,
          colors=("brown", "black", "white", "grey", "tan", "golden"), patterns=("plain", "blaze", "spots"),
          texture="plastic", plural="horses", details=4)
def horse(p: Painter, a: Look) -> None:
    c, mane = a.color, a.color2
    p.poly([(0.2, 0.4), (0.08, 0.5), (0.1, 0.75), (0.17, 0.5)], mane)
    _legs(p, [0.24, 0.29, 0.62, 0.67], 0.52, 0.96, 0.035, c, a.pose, foot=BLACK, amp=0.15)
    p.ellipse(0.44, 0.48, 0.32, 0.13, c)
    if a.pattern == "spots":
        for i in range(3 + a.detail):
            p.circle(0.25 + 0.05 * i, 0.45 + 0.04 * (i % 2), 0.025, tone(c, 0.5))
    p.poly([(0.58, 0.45), (0.68, 0.16), (0.78, 0.18), (0.7, 0.52)], c)
    p.poly([(0.68, 0.14), (0.92, 0.3), (0.92, 0.38), (0.84, 0.38), (0.7, 0.26)], c)
    p.ellipse(0.89, 0.34, 0.05, 0.045, tone(c, 0.8))
    p.poly([(0.7, 0.11), (0.72, 0.03), (0.75, 0.13)], c)
    p.poly([(0.6, 0.45), (0.66, 0.15), (0.7, 0.12), (0.64, 0.45)], mane)
    if a.pattern == "blaze":
        p.poly([(0.78, 0.2), (0.9, 0.31), (0.88, 0.34), (0.77, 0.24)], WHITE)
    _eye(p, 0.77, 0.2, 0.02)


@register("sheep", "sheep", aspect=1.3, size=0.3, place="floor", rooms=PLAY, colors=("white", "cream", "grey"),
          texture="fur", plural="sheep", details=3)
def sheep(p: Painter, a: Look) -> None:
    c = a.color
    _legs(p, [0.3, 0.35, 0.6, 0.65], 0.6, 0.95, 0.03, BLACK, a.pose)
    for i in range(9):
        ang = 2 * math.pi * i / 9
        p.circle(0.46 + 0.2 * math.cos(ang), 0.48 + 0.14 * math.sin(ang), 0.12, tone(c, 0.93 + 0.07 * (i % 2)))
    p.ellipse(0.46, 0.48, 0.3, 0.18, c)
    p.ellipse(0.8, 0.42, 0.09, 0.13, (45, 40, 40))
    p.ellipse(0.74, 0.36, 0.07, 0.035, (45, 40, 40))
    p.circle(0.78, 0.3, 0.06, tone(c, 0.95))
    _eye(p, 0.83, 0.4, 0.02, (240, 235, 220))


@register("elephant", "elephant", aspect=1.25, size=0.35, place="floor", rooms=PLAY,
          colors=("grey", "blue", "pink", "purple"), texture="plastic", plural="elephants", details=2)
def elephant(p: Painter, a: Look) -> None:
    c, dark = a.color, tone(a.color, 0.75)
    p.line([(0.16, 0.45), (0.1, 0.62)], dark, width=0.02)
    _legs(p, [0.26, 0.32, 0.58, 0.64], 0.55, 0.95, 0.06, c, a.pose, foot=tone(c, 1.2), amp=0.12)
    p.ellipse(0.42, 0.5, 0.34, 0.24, c)
    p.circle(0.7, 0.38, 0.19, c)
    p.curve([(0.83, 0.42), (0.92, 0.6), (0.86, 0.86), (0.95, 0.9)], c, width=0.08)
    p.poly([(0.76, 0.5), (0.84, 0.55), (0.77, 0.53)], WHITE)
    p.ellipse(0.63, 0.4, 0.13, 0.17, dark)
    _eye(p, 0.78, 0.32, 0.022)


@register("bunny", "bunny", aspect=0.85, size=0.3, place="floor", rooms=PLAY,
          colors=("white", "brown", "grey", "pink", "cream"), texture="fur", plural="bunnies", details=2)
def bunny(p: Painter, a: Look) -> None:
    c, inner = a.color, (235, 160, 170)
    p.circle(0.18, 0.8, 0.08, WHITE)
    p.ellipse(0.44, 0.7, 0.28, 0.25, c)
    p.ellipse(0.66, 0.9, 0.14, 0.05, tone(c, 0.9))
    ear = 0.0 if a.detail % 2 else 0.05
    p.poly([(0.55, 0.3), (0.5 - ear, 0.02), (0.6 - ear, 0.02), (0.63, 0.3)], c)
    p.poly([(0.545, 0.25), (0.525 - ear, 0.06), (0.575 - ear, 0.06), (0.6, 0.25)], inner)
    p.poly([(0.66, 0.3), (0.72, 0.03), (0.8, 0.06), (0.73, 0.32)], c)
    p.circle(0.66, 0.42, 0.17, c)
    p.circle(0.83, 0.46, 0.025, PINK)
    _eye(p, 0.74, 0.38, 0.025)
    p.ellipse(0.76, 0.5, 0.04, 0.03, tone(c, 1.15))


@register("teddybear", "teddybear", aspect=0.85, size=0.35, place="floor", rooms=("living", "bedroom"),
          colors=("brown", "tan", "golden", "white", "pink", "blue"), patterns=("plain", "bow"),
          texture="fur", say="teddy bear", plural="teddy bears", details=2)
def teddybear(p: Painter, a: Look) -> None:
    c, light = a.color, tone(a.color, 1.3)
    p.ellipse(0.3, 0.88, 0.14, 0.1, c)
    p.ellipse(0.7, 0.88, 0.14, 0.1, c)
    p.ellipse(0.3, 0.9, 0.07, 0.06, light)
    p.ellipse(0.7, 0.9, 0.07, 0.06, light)
    p.ellipse(0.5, 0.66, 0.24, 0.25, c)
    p.ellipse(0.5, 0.7, 0.14, 0.16, light)
    p.ellipse(0.2, 0.6, 0.08, 0.15, c)
    p.ellipse(0.8, 0.6, 0.08, 0.15, c)
    p.circle(0.29, 0.13, 0.1, c)
    p.circle(0.71, 0.13, 0.1, c)
    p.circle(0.29, 0.13, 0.05, light)
    p.circle(0.71, 0.13, 0.05, light)
    p.circle(0.5, 0.3, 0.22, c)
    p.ellipse(0.5, 0.38, 0.1, 0.08, light)
    p.ellipse(0.5, 0.35, 0.035, 0.025, BLACK)
    _eye(p, 0.41, 0.26, 0.025)
    _eye(p, 0.59, 0.26, 0.025)
    if a.pattern == "bow":
        p.poly([(0.5, 0.5), (0.36, 0.44), (0.36, 0.56)], a.color2)
        p.poly([(0.5, 0.5), (0.64, 0.44), (0.64, 0.56)], a.color2)


@register("frog", "frog", aspect=1.25, size=0.18, place="floor", rooms=("living", "bathroom", "bedroom"),
          colors=("green", "green", "yellow", "blue"), patterns=("plain", "spots"), texture="plastic",
          plural="frogs", details=4)
def frog(p: Painter, a: Look) -> None:
    c, dark, belly = a.color, tone(a.color, 0.6), tone(a.color, 1.4)
    p.poly([(0.12, 0.9), (0.2, 0.55), (0.38, 0.62), (0.3, 0.95)], dark)
    p.poly([(0.88, 0.9), (0.8, 0.55), (0.62, 0.62), (0.7, 0.95)], dark)
    p.ellipse(0.5, 0.62, 0.4, 0.26, c)
    p.ellipse(0.5, 0.75, 0.26, 0.12, belly)
    if a.pattern == "spots":
        for i in range(2 + a.detail):
            p.circle(0.32 + 0.11 * i, 0.52 + 0.04 * (i % 2), 0.03, dark)
    p.circle(0.35, 0.3, 0.12, c)
    p.circle(0.65, 0.3, 0.12, c)
    p.circle(0.35, 0.29, 0.07, WHITE)
    p.circle(0.65, 0.29, 0.07, WHITE)
    p.circle(0.36, 0.3, 0.04, BLACK)
    p.circle(0.64, 0.3, 0.04, BLACK)
    p.arc(0.5, 0.58, 0.18, 0.08, 20, 160, tone(c, 0.4), width=0.015)
    p.ellipse(0.3, 0.93, 0.1, 0.04, c)
    p.ellipse(0.7, 0.93, 0.1, 0.04, c)


@register("turtle", "turtle", aspect=1.5, size=0.22, place="floor", rooms=PLAY, colors=("green", "brown", "tan", "blue"),
          texture="plastic", plural="turtles", details=3, poses=3)
def turtle(p: Painter, a: Look) -> None:
    shell, skin = a.color, (120, 170, 90) if a.color_name != "green" else (170, 200, 110)
    _legs(p, [0.28, 0.34, 0.64, 0.7], 0.6, 0.95, 0.05, skin, a.pose, amp=0.15)
    p.poly([(0.1, 0.62), (0.02, 0.7), (0.14, 0.72)], skin)
    p.ellipse(0.85, 0.55, 0.14, 0.12, skin)
    _eye(p, 0.9, 0.5, 0.022)
    p.chord(0.48, 0.68, 0.55, 0.5, 180, 360, shell)
    p.rect(0.12, 0.64, 0.84, 0.74, tone(shell, 0.75), radius=0.03)
    dark = tone(shell, 0.6)
    for i in range(3 + a.detail % 2):
        x = 0.26 + 0.46 * i / (2 + a.detail % 2)
        p.ellipse(x, 0.5, 0.07, 0.09, tone(shell, 1.15), outline=dark, width=0.012)


@register("duck", "duck", aspect=1.1, size=0.12, place="floor", rooms=("bathroom", "living", "bedroom"),
          colors=("yellow", "yellow", "white", "pink", "blue", "orange"), patterns=("plain", "hat"),
          texture="plastic", plural="ducks", details=2)
def duck(p: Painter, a: Look) -> None:
    c = a.color
    bill = (240, 120, 30) if a.color_name != "orange" else (240, 200, 60)
    p.poly([(0.08, 0.42), (0.25, 0.6), (0.15, 0.62)], c)
    p.ellipse(0.45, 0.7, 0.38, 0.24, c)
    p.ellipse(0.42, 0.66, 0.18, 0.11, tone(c, 0.85))
    p.circle(0.68, 0.34, 0.2, c)
    p.ellipse(0.9, 0.4, 0.1, 0.05, bill)
    p.line([(0.82, 0.41), (0.98, 0.41)], tone(bill, 0.7), width=0.01)
    _eye(p, 0.73, 0.28, 0.03)
    if a.pattern == "hat":
        p.rect(0.56, 0.12, 0.8, 0.17, a.color2)
        p.rect(0.6, 0.02, 0.76, 0.14, a.color2, radius=0.02)


@register("bird", "bird", aspect=1.2, size=0.15, place="floor", rooms=("living", "bedroom"),
          colors=("blue", "red", "yellow", "brown", "green"), texture="plastic", plural="birds", details=2)
def bird(p: Painter, a: Look) -> None:
    c = a.color
    p.line([(0.42, 0.7), (0.4, 0.95)], (200, 130, 40), width=0.02)
    p.line([(0.52, 0.7), (0.54, 0.95)], (200, 130, 40), width=0.02)
    p.poly([(0.22, 0.5), (0.02, 0.4), (0.05, 0.52)], tone(c, 0.7))
    p.ellipse(0.45, 0.55, 0.27, 0.18, c)
    p.ellipse(0.48, 0.62, 0.15, 0.1, tone(c, 1.35))
    p.circle(0.7, 0.35, 0.15, c)
    p.poly([(0.82, 0.3), (0.98, 0.37), (0.82, 0.4)], (240, 180, 40))
    p.poly([(0.26, 0.48), (0.5, 0.44), (0.4, 0.62)], tone(c, 0.7))
    _eye(p, 0.74, 0.31, 0.025)


@register("fish", "fish.animal", aspect=1.6, size=0.15, place="floor", rooms=("bathroom", "living"),
          colors=("orange", "blue", "yellow", "red", "green", "purple"), patterns=("plain", "stripes", "scales"),
          texture="plastic", plural="fish", details=3)
def fish(p: Painter, a: Look) -> None:
    c, dark = a.color, tone(a.color, 0.65)
    p.poly([(0.22, 0.5), (0.02, 0.15), (0.08, 0.5), (0.02, 0.85)], dark)
    p.poly([(0.45, 0.22), (0.6, 0.05), (0.66, 0.25)], dark)
    p.ellipse(0.55, 0.5, 0.52, 0.32, c)
    if a.pattern == "stripes":
        for i in range(2 + a.detail % 2):
            x = 0.42 + 0.12 * i
            p.line([(x, 0.24), (x, 0.76)], a.color2, width=0.06)
    elif a.pattern == "scales":
        for i in range(4):
            for j in range(2):
                p.arc(0.35 + 0.1 * i, 0.42 + 0.16 * j, 0.05, 0.05, 200, 340, dark, width=0.015)
    p.poly([(0.5, 0.6), (0.6, 0.72), (0.44, 0.72)], dark)
    _eye(p, 0.8, 0.42, 0.05)
    p.arc(0.9, 0.56, 0.04, 0.03, 90, 200, tone(c, 0.4), width=0.012)
