"""Named colours for instances (so speech can say "the red ball") and small colour helpers."""

from __future__ import annotations

import colorsys

import numpy as np

RGB = tuple[int, int, int]

# one representative RGB per colour name; instances jitter hue/lightness around it
COLORS: dict[str, RGB] = {
    "red": (200, 40, 40),
    "orange": (235, 130, 30),
    "yellow": (240, 205, 50),
    "green": (70, 160, 60),
    "blue": (50, 100, 200),
    "purple": (130, 70, 170),
    "pink": (240, 140, 170),
    "brown": (135, 85, 45),
    "white": (238, 236, 228),
    "black": (40, 38, 40),
    "grey": (140, 140, 145),
    "tan": (205, 170, 120),
    "golden": (215, 165, 70),
    "cream": (240, 228, 195),
}

# the names speech may use for each colour (tan/golden/cream are not said as such)
SPOKEN = {"tan": "brown", "golden": "yellow", "cream": "white"}


def clamp(c) -> RGB:
    return tuple(int(max(0, min(255, round(v)))) for v in c)  # type: ignore[return-value]


def tone(c, k: float) -> RGB:
    """Multiply brightness (k < 1 darker, k > 1 lighter, saturating toward white)."""
    if k <= 1:
        return clamp(v * k for v in c)
    return clamp(v + (255 - v) * (k - 1) for v in c)


def mix(a, b, t: float) -> RGB:
    return clamp(x * (1 - t) + y * t for x, y in zip(a, b))


def jitter(c, rng: np.random.Generator, hue: float = 0.03, light: float = 0.12, sat: float = 0.12) -> RGB:
    """A nearby colour: the same name, a different instance."""
    r, g, b = (v / 255 for v in c)
    h, lum, s = colorsys.rgb_to_hls(r, g, b)
    h = (h + rng.uniform(-hue, hue)) % 1.0
    lum = min(0.95, max(0.05, lum * (1 + rng.uniform(-light, light))))
    s = min(1.0, max(0.0, s * (1 + rng.uniform(-sat, sat))))
    return clamp(v * 255 for v in colorsys.hls_to_rgb(h, lum, s))


def pick_color(rng: np.random.Generator, names: tuple[str, ...] | list[str]) -> tuple[str, RGB]:
    name = names[int(rng.integers(len(names)))]
    return name, jitter(COLORS[name], rng)


def spoken(name: str) -> str:
    return SPOKEN.get(name, name)


def grade(x: np.ndarray, light) -> np.ndarray:
    """The session's light on float colours in [0, 1]: a colour/brightness multiplier and a gentle S-curve.

    Applied once to the room panorama and to every sprite master, so objects sit in the room's light.
    """
    y = np.clip(x * np.asarray(light, np.float32), 0.0, 1.0)
    return y + 0.08 * (y - 0.5) * (1.0 - np.abs(2.0 * y - 1.0))


def grade_uint8(img: np.ndarray, light) -> np.ndarray:
    """`grade` on an (H, W, 3) uint8 image through a per-channel lookup table."""
    x = np.arange(256, dtype=np.float32) / 255.0
    out = np.empty_like(img)
    for c in range(3):
        lut = np.clip(grade(x, light[c]) * 255 + 0.5, 0, 255).astype(np.uint8)
        out[..., c] = lut[img[..., c]]
    return out
