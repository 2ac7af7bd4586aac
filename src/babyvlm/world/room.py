"""Rooms: a rectangular room around the camera, rendered once as a cylindrical panorama.

The camera sits at `cam` (metres, room coordinates) at eye height `eye`. A panorama column is a
yaw angle; a row is `tan` of the angle below the horizon, so vertical lines stay vertical and an
object of height S at distance D is exactly `f * S / D` pixels tall. Each pixel is ceiling, wall or
floor; walls and floors get procedural materials (paint, wallpaper stripes or dots, tiles, wood
planks, carpet, a rug) with contact darkening where wall meets floor. Frames are crops of this
panorama (see `camera.py`), so the room costs one render per session.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from babyvlm.world.palette import COLORS, jitter, mix, tone

KINDS = ("living", "kitchen", "bedroom", "bathroom")

WALL_PAINTS = {
    "living": [(226, 214, 190), (200, 215, 205), (230, 205, 180), (205, 200, 225), (235, 228, 210)],
    "kitchen": [(240, 232, 200), (215, 230, 220), (245, 225, 200), (225, 225, 230)],
    "bedroom": [(205, 220, 240), (240, 210, 220), (215, 235, 210), (245, 235, 200)],
    "bathroom": [(225, 235, 240), (235, 240, 235), (245, 230, 235)],
}
FLOORS = {
    "living": ["wood", "wood", "carpet"],
    "kitchen": ["tiles", "linoleum", "wood"],
    "bedroom": ["carpet", "wood", "wood"],
    "bathroom": ["tiles", "tiles"],
}
WOOD = [(160, 110, 65), (185, 140, 90), (130, 85, 50), (200, 165, 115)]
CARPET = [(170, 160, 140), (140, 150, 160), (185, 170, 150), (150, 135, 150)]


@dataclass
class Rug:
    x: float
    y: float
    rx: float
    ry: float
    color: tuple[int, int, int]
    color2: tuple[int, int, int]
    shape: str  # oval | rect
    pattern: str  # border | stripes | plain


@dataclass
class Decor:
    """Something flat on a wall that is not an annotated object: a framed picture, a shelf, a switch."""

    wall: int
    s0: float  # metres along the wall
    s1: float
    z0: float  # metres above the floor
    z1: float
    kind: str  # picture | shelf | switch | poster
    color: tuple[int, int, int]
    color2: tuple[int, int, int]
    color3: tuple[int, int, int]


@dataclass
class RoomSpec:
    kind: str
    width: float  # metres along x
    depth: float  # metres along y
    height: float
    wall: tuple[int, int, int]
    wall_pattern: str  # plain | stripes | dots | tiles
    wall2: tuple[int, int, int]
    floor: str  # wood | carpet | tiles | linoleum
    floor_color: tuple[int, int, int]
    floor_color2: tuple[int, int, int]
    baseboard: tuple[int, int, int]
    rugs: list[Rug] = field(default_factory=list)
    decor: list[Decor] = field(default_factory=list)
    counter: bool = False  # kitchen cabinets along the first wall
    seed: int = 0

    def to_dict(self) -> dict:
        return {"kind": self.kind, "width": round(self.width, 2), "depth": round(self.depth, 2),
                "wall": self.wall_pattern, "floor": self.floor}


def make_room(kind: str, rng: np.random.Generator) -> RoomSpec:
    paints = WALL_PAINTS[kind]
    wall = jitter(paints[int(rng.integers(len(paints)))], rng, hue=0.02, light=0.04, sat=0.1)
    wall_pattern = str(rng.choice(["plain", "plain", "stripes", "dots"] if kind in ("living", "bedroom") else ["plain", "tiles"]))
    wall2 = tone(wall, 0.88) if wall_pattern != "dots" else jitter(COLORS[str(rng.choice(["white", "yellow", "pink", "blue"]))], rng)
    floor = str(rng.choice(FLOORS[kind]))
    if floor == "wood":
        fc = jitter(WOOD[int(rng.integers(len(WOOD)))], rng, light=0.06)
        fc2 = tone(fc, 0.8)
    elif floor == "carpet":
        fc = jitter(CARPET[int(rng.integers(len(CARPET)))], rng, light=0.08)
        fc2 = tone(fc, 0.9)
    elif floor == "tiles":
        fc = jitter((225, 222, 215), rng, light=0.04)
        fc2 = jitter(COLORS[str(rng.choice(["grey", "blue", "black", "tan"]))], rng)
    else:
        fc = jitter((200, 190, 165), rng, light=0.06)
        fc2 = tone(fc, 0.9)
    w, d = float(rng.uniform(3.4, 5.0)), float(rng.uniform(3.4, 5.0))
    rugs = []
    if kind in ("living", "bedroom") and (floor != "carpet" or rng.random() < 0.4):
        c1 = jitter(COLORS[str(rng.choice(["red", "blue", "green", "cream", "orange", "purple", "grey"]))], rng)
        rugs.append(Rug(x=w * rng.uniform(0.25, 0.75), y=d * rng.uniform(0.25, 0.75), rx=rng.uniform(0.5, 0.85),
                        ry=rng.uniform(0.4, 0.7), color=tone(c1, 0.85), color2=mix(c1, (245, 240, 225), 0.6),
                        shape=str(rng.choice(["oval", "rect"])), pattern=str(rng.choice(["border", "stripes", "plain"]))))
    decor = []
    for wall_i in range(4):
        length = w if wall_i in (1, 3) else d
        n_pics = int(rng.integers(0, 3))
        for _ in range(n_pics):
            pw, ph = rng.uniform(0.3, 0.7), rng.uniform(0.25, 0.55)
            s0 = rng.uniform(0.2, max(0.3, length - pw - 0.2))
            z0 = rng.uniform(1.2, 1.6)
            art = [jitter(COLORS[str(c)], rng) for c in rng.choice(["blue", "yellow", "green", "red", "orange", "pink", "purple"], 3)]
            decor.append(Decor(wall_i, s0, s0 + pw, z0, z0 + ph, str(rng.choice(["picture", "poster"])), art[0], art[1], art[2]))
        if rng.random() < 0.5:
            s0 = rng.uniform(0.2, max(0.3, length - 1.0))
            decor.append(Decor(wall_i, s0, s0 + rng.uniform(0.6, 1.0), 1.0, 1.04, "shelf", (150, 110, 70), (120, 85, 55), (0, 0, 0)))
        s0 = rng.uniform(0.3, max(0.4, length - 0.3))
        decor.append(Decor(wall_i, s0, s0 + 0.08, 1.1, 1.22, "switch", (245, 245, 240), (200, 200, 200), (0, 0, 0)))
    return RoomSpec(kind=kind, width=w, depth=d, height=2.5, wall=wall, wall_pattern=wall_pattern, wall2=wall2,
                    floor=floor, floor_color=fc, floor_color2=fc2, baseboard=tone(wall, 1.15) if rng.random() < 0.6 else (120, 90, 60),
                    rugs=rugs, decor=decor, counter=(kind == "kitchen"), seed=int(rng.integers(2**31)))


@dataclass(frozen=True)
class Geometry:
    """Camera placement and the panorama's pixel grid at zoom 1."""

    cam_x: float
    cam_y: float
    eye: float  # eye height, metres
    f: float  # pixels per radian at zoom 1 (= frame width / horizontal field of view)
    top: float  # tan of the highest angle the panorama covers (negative = above horizon)
    bottom: float  # tan of the lowest angle

    def wall_distance(self, room: RoomSpec, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Distance to the wall along yaw `phi`, which wall (0..3) and the coordinate along it."""
        c, s = np.cos(phi), np.sin(phi)
        with np.errstate(divide="ignore", invalid="ignore"):
            tx = np.where(c > 1e-9, (room.width - self.cam_x) / c, np.where(c < -1e-9, -self.cam_x / c, np.inf))
            ty = np.where(s > 1e-9, (room.depth - self.cam_y) / s, np.where(s < -1e-9, -self.cam_y / s, np.inf))
        d = np.minimum(tx, ty)
        wall = np.where(tx <= ty, np.where(c > 0, 0, 2), np.where(s > 0, 1, 3))
        along = np.where(tx <= ty, self.cam_y + d * s, self.cam_x + d * c)
        return d, wall, along


def _noise_tex(rng: np.random.Generator, n: int = 256, sigma: float = 2.0) -> np.ndarray:
    """Smooth noise that tiles: white noise blurred (periodically, through the FFT) by a Gaussian."""
    f = np.fft.fftfreq(n)
    g = np.exp(-2.0 * (np.pi * sigma) ** 2 * (f[:, None] ** 2 + f[None, :] ** 2))
    t = np.fft.ifft2(np.fft.fft2(rng.standard_normal((n, n))) * g).real.astype(np.float32)
    return t / (t.std() + 1e-6)


def _lookup(tex: np.ndarray, x: np.ndarray, y: np.ndarray, scale: float) -> np.ndarray:
    n = tex.shape[0]
    return tex[(y * scale).astype(np.int64) % n, (x * scale).astype(np.int64) % n]


def _hash(i: np.ndarray) -> np.ndarray:
    """A deterministic pseudo-random value in [0, 1) per integer."""
    x = (i.astype(np.int64) * 2654435761) & 0xFFFFFFFF
    x = (x ^ (x >> 13)) * 1274126177 & 0xFFFFFFFF
    return (x & 0xFFFF).astype(np.float32) / 65536.0


def render_panorama(room: RoomSpec, geo: Geometry, zoom: float, pad_frac: float = 0.25) -> np.ndarray:
    """The room as an (H, W + pad, 3) uint8 panorama at `zoom` (pixels per radian = f * zoom).

    The first `pad_frac` of the width is repeated on the right, so any frame crop is one slice.
    """
    rng = np.random.default_rng(room.seed)
    f = geo.f * zoom
    pw = int(round(2 * math.pi * f))
    ph = int(round((geo.bottom - geo.top) * f))
    phi = (np.arange(pw, dtype=np.float32) + 0.5) / f
    tanv = geo.top + (np.arange(ph, dtype=np.float32) + 0.5) / f
    dist, wall_id, along = geo.wall_distance(room, phi.astype(np.float64))
    dist = dist.astype(np.float32)
    along = along.astype(np.float32)
    img = np.empty((ph, pw, 3), np.float32)
    tex_a = _noise_tex(rng, 256, 1.5)
    tex_b = _noise_tex(rng, 256, 6.0)

    h = geo.eye
    base_row = geo.eye / dist  # tan at the wall's base, per column
    ceil_row = -(room.height - geo.eye) / dist
    T = tanv[:, None]
    floor_m = T > base_row[None, :]
    ceil_m = T < ceil_row[None, :]
    wall_m = ~(floor_m | ceil_m)

    # walls ---------------------------------------------------------------------------------
    ii, jj = np.nonzero(wall_m)
    z = h - tanv[ii] * dist[jj]  # height on the wall, metres
    s = along[jj]
    wid = wall_id[jj]
    col = np.broadcast_to(np.asarray(room.wall, np.float32), (len(ii), 3)).copy()
    if room.wall_pattern == "stripes":
        stripe = (np.floor(s / 0.18) % 2 == 0) & (z > 0.1)
        col[stripe] = np.asarray(room.wall2, np.float32)
    elif room.wall_pattern == "dots":
        gs = 0.25
        u = (s / gs) + 0.5 * (np.floor(z / gs) % 2)
        dx = (u - np.floor(u) - 0.5) * gs
        dz = (z / gs - np.floor(z / gs) - 0.5) * gs
        col[(dx * dx + dz * dz) < 0.035 ** 2] = np.asarray(room.wall2, np.float32)
    elif room.wall_pattern == "tiles":
        low = z < 1.3
        tile = 0.15
        grout = ((np.abs((s / tile) - np.round(s / tile)) < 0.04) | (np.abs((z / tile) - np.round(z / tile)) < 0.04)) & low
        col[low] = np.asarray(mix(room.wall, (250, 250, 252), 0.6), np.float32)
        col[grout] = np.asarray(tone(room.wall, 0.8), np.float32)
    if room.counter:
        # kitchen cabinets and a counter on wall 1 (lower) and upper cabinets
        on = (wid == 1) & (s > 0.4) & (s < room.width - 0.6)
        lower = on & (z < 0.9)
        upper = on & (z > 1.45) & (z < 2.2)
        cab = np.asarray((200, 175, 140) if room.seed % 2 else (235, 235, 230), np.float32)
        col[lower | upper] = cab
        door_edge = (np.abs(((s - 0.4) / 0.5) - np.round((s - 0.4) / 0.5)) < 0.03) & (lower | upper)
        col[door_edge] = cab * 0.7
        col[on & (z >= 0.86) & (z < 0.92)] = np.asarray((90, 90, 95), np.float32)
        knob = (lower | upper) & (np.abs(((s - 0.4) / 0.5) - np.floor((s - 0.4) / 0.5) - 0.85) < 0.03) & (
            np.abs(z - np.where(lower, 0.75, 1.6)) < 0.03)
        col[knob] = np.asarray((80, 80, 80), np.float32)
    for dc in room.decor:
        if room.counter and dc.wall == 1 and dc.kind != "switch":
            continue  # the kitchen's cabinet wall
        on = (wid == dc.wall) & (s >= dc.s0) & (s < dc.s1) & (z >= dc.z0) & (z < dc.z1)
        if not on.any():
            continue
        u = (s[on] - dc.s0) / (dc.s1 - dc.s0)
        v = (z[on] - dc.z0) / (dc.z1 - dc.z0)
        c = np.empty((len(u), 3), np.float32)
        if dc.kind == "shelf":
            c[:] = np.asarray(dc.color, np.float32) * (0.85 + 0.15 * v)[:, None]
        elif dc.kind == "switch":
            c[:] = np.asarray(dc.color, np.float32)
            c[(np.abs(u - 0.5) < 0.15) & (np.abs(v - 0.5) < 0.25)] = np.asarray(dc.color2, np.float32)
        else:
            frame_w = 0.06 if dc.kind == "picture" else 0.0
            edge = (u < frame_w) | (u > 1 - frame_w) | (v < frame_w * 1.3) | (v > 1 - frame_w * 1.3)
            # a simple picture: sky, ground, a sun or a shape
            c[:] = np.asarray(dc.color, np.float32)
            c[v < 0.45] = np.asarray(dc.color2, np.float32)
            blob = ((u - 0.68) ** 2 + ((v - 0.7) * 0.8) ** 2) < 0.025
            c[blob] = np.asarray(dc.color3, np.float32)
            c[edge] = np.asarray((95, 70, 45) if dc.kind == "picture" else (240, 240, 235), np.float32)
        col[on] = c
    base = z < 0.08
    col[base] = np.asarray(room.baseboard, np.float32)
    shade_w = np.asarray([1.0, 0.9, 0.82, 0.94], np.float32)[wid]
    ao = 1.0 - 0.22 * np.exp(-z / 0.12) - 0.12 * np.exp(-(room.height - z) / 0.15)
    grain = 1.0 + 0.02 * _lookup(tex_a, s, z, 150.0) + 0.012 * _lookup(tex_b, s, z, 6.0)
    img[ii, jj] = col * (shade_w * ao * grain)[:, None]

    # floor ---------------------------------------------------------------------------------
    ii, jj = np.nonzero(floor_m)
    df = h / tanv[ii]
    X = geo.cam_x + df * np.cos(phi[jj])
    Y = geo.cam_y + df * np.sin(phi[jj])
    fc = np.asarray(room.floor_color, np.float32)
    fc2 = np.asarray(room.floor_color2, np.float32)
    k = np.ones(len(ii), np.float32)
    if room.floor == "wood":
        plank = np.floor(Y / 0.14)
        off = _hash(plank) * 1.7
        seg = np.floor((X + off) / 1.1)
        tint = 0.86 + 0.22 * _hash(plank * 31 + seg)
        seam = (np.abs(Y / 0.14 - np.round(Y / 0.14)) < 0.05) | (np.abs((X + off) / 1.1 - np.round((X + off) / 1.1)) < 0.006)
        grain = 1.0 + 0.06 * np.sin(X * 40 + 3 * _lookup(tex_b, X, Y, 8.0))
        col = fc[None, :] * (tint * grain)[:, None]
        col[seam] = fc2 * 0.75
    elif room.floor == "tiles":
        t = 0.3
        cx, cy = np.floor(X / t), np.floor(Y / t)
        checker = (cx + cy) % 2 == 0
        col = np.where(checker[:, None], fc[None, :], np.asarray(mix(fc, fc2, 0.35), np.float32)[None, :]).astype(np.float32)
        grout = (np.abs(X / t - np.round(X / t)) < 0.03) | (np.abs(Y / t - np.round(Y / t)) < 0.03)
        col[grout] = fc * 0.7
    elif room.floor == "carpet":
        col = fc[None, :] * (1.0 + 0.05 * _lookup(tex_a, X, Y, 120.0))[:, None]
    else:
        col = fc[None, :] * (1.0 + 0.025 * _lookup(tex_b, X, Y, 10.0) + 0.04 * _lookup(tex_a, X, Y, 300.0))[:, None]
    for rug in room.rugs:
        if rug.shape == "oval":
            r = ((X - rug.x) / rug.rx) ** 2 + ((Y - rug.y) / rug.ry) ** 2
            inside, edge = r < 1.0, r > 0.72
        else:
            r = np.maximum(np.abs(X - rug.x) / rug.rx, np.abs(Y - rug.y) / rug.ry)
            inside, edge = r < 1.0, r > 0.85
        rc = np.broadcast_to(np.asarray(rug.color, np.float32), (len(ii), 3)).copy()
        if rug.pattern == "border":
            rc[edge] = rug.color2
        elif rug.pattern == "stripes":
            rc[(np.floor((X - rug.x) / 0.12) % 2) == 0] = rug.color2
        rc *= (1.0 + 0.06 * _lookup(tex_a, X, Y, 150.0))[:, None]
        col[inside] = rc[inside]
    to_wall = dist[jj] - df
    k *= 1.0 - 0.28 * np.exp(-np.maximum(to_wall, 0) / 0.2)
    k *= 1.0 - 0.12 * np.clip(df / 4.0, 0, 1)
    img[ii, jj] = col * k[:, None]

    # ceiling -------------------------------------------------------------------------------
    ii, jj = np.nonzero(ceil_m)
    img[ii, jj] = np.asarray((236, 234, 228), np.float32) * (0.9 - 0.1 * np.clip(-tanv[ii], 0, 1))[:, None]

    out = np.clip(img, 0, 255).astype(np.uint8)
    pad = int(pw * pad_frac)
    return np.concatenate([out, out[:, :pad]], axis=1)
