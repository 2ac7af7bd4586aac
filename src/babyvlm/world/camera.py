"""The head camera: fixations joined by quick head turns, slow drift and shake.

A `Fixation` holds the view on a direction (yaw `phi`, `tilt` as tan below the horizon, `zoom`)
from `t0` to `t1`; between fixations the head turns with a minimum-jerk profile. On top come a
slow wandering drift and a faster shake whose size depends on whether the child is carried,
sitting or toddling. Everything is sampled once per frame into arrays.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

TWO_PI = 2 * math.pi


@dataclass
class Fixation:
    t0: float
    t1: float
    phi: float
    tilt: float
    zoom: float
    follow: str | None = None  # instance id the head tracks (a walking pet)
    follow_gain: float = 0.6


@dataclass
class CameraPath:
    phi: np.ndarray  # per frame, radians
    tilt: np.ndarray  # per frame, tan below horizon of the frame centre
    zoom: np.ndarray

    def at(self, k: int) -> tuple[float, float, float]:
        k = min(max(k, 0), len(self.phi) - 1)
        return float(self.phi[k]), float(self.tilt[k]), float(self.zoom[k])


def min_jerk(u: np.ndarray) -> np.ndarray:
    u = np.clip(u, 0.0, 1.0)
    return u ** 3 * (10 - 15 * u + 6 * u * u)


def _smooth_noise(rng: np.random.Generator, t: np.ndarray, freqs: tuple[float, float], n: int = 5) -> np.ndarray:
    """A sum of sinusoids with random frequencies in `freqs` (Hz), unit RMS."""
    out = np.zeros_like(t)
    for _ in range(n):
        fr = rng.uniform(*freqs)
        out += np.sin(TWO_PI * fr * t + rng.uniform(0, TWO_PI)) * rng.uniform(0.5, 1.0)
    return out / max(1e-6, float(np.sqrt(np.mean(out ** 2))))


def build_path(fixations: list[Fixation], n_frames: int, fps: float, rng: np.random.Generator, *, shake: float,
               drift: float, tilt_range: tuple[float, float], half_h: float, max_zoom: float,
               follow: Callable[[str, float], float | None] | None = None) -> CameraPath:
    """Per-frame camera parameters. `half_h` is half the frame height in tan units at zoom 1."""
    t = np.arange(n_frames, dtype=np.float64) / fps
    phi = np.zeros(n_frames)
    tilt = np.zeros(n_frames)
    zoom = np.ones(n_frames)
    fx = sorted(fixations, key=lambda f: f.t0)
    if not fx:
        fx = [Fixation(0.0, t[-1] + 1 if n_frames else 1.0, 0.0, 0.5, 1.0)]
    starts = np.array([f.t0 for f in fx])
    for k in range(n_frames):
        tk = t[k]
        i = int(np.searchsorted(starts, tk, side="right")) - 1
        if i < 0:
            f = fx[0]
            phi[k], tilt[k], zoom[k] = f.phi, f.tilt, f.zoom
            continue
        f = fx[i]
        if tk <= f.t1 or i + 1 >= len(fx):
            p = f.phi
            if f.follow and follow is not None:
                target = follow(f.follow, tk)
                if target is not None:
                    p = f.phi + f.follow_gain * ((target - f.phi + math.pi) % TWO_PI - math.pi)
            phi[k], tilt[k], zoom[k] = p, f.tilt, f.zoom
        else:
            g = fx[i + 1]
            u = float(min_jerk(np.asarray((tk - f.t1) / max(1e-3, g.t0 - f.t1))))
            d = (g.phi - f.phi + math.pi) % TWO_PI - math.pi
            phi[k] = f.phi + d * u
            tilt[k] = f.tilt + (g.tilt - f.tilt) * u
            zoom[k] = f.zoom * (g.zoom / f.zoom) ** u
    # slow drift and shake (radians / tan units); shake grows during head turns
    turn = np.abs(np.gradient(np.unwrap(phi))) * fps if n_frames > 1 else np.zeros(n_frames)
    wob = 1.0 + np.clip(turn, 0, 3)
    phi = phi + drift * _smooth_noise(rng, t, (0.05, 0.3)) + shake * wob * _smooth_noise(rng, t, (1.5, 5.0))
    tilt = tilt + 0.7 * drift * _smooth_noise(rng, t, (0.05, 0.3)) + shake * wob * _smooth_noise(rng, t, (1.5, 5.0))
    zoom = np.clip(zoom, 1.0, max_zoom)
    lo = tilt_range[0] + half_h / zoom
    hi = tilt_range[1] - half_h / zoom
    tilt = np.clip(tilt, lo, hi)
    return CameraPath(phi % TWO_PI, tilt, zoom)
