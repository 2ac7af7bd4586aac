"""Per-frame compositing: crop the room panorama, paste sprites far to near, then hands; annotate.

Cheap per frame by design: the background is an integer crop of the room panorama at the
nearest of a few zoom levels (built lazily); sprites are pre-built layers pasted by PIL (C alpha
blending, clipped at the borders); annotation frames also paste each instance's own-pixel mask
into an instance-id map, from which its visible-pixel box and visible fraction are read. The
session's light is baked into the panorama and the sprites; auto-exposure hunting and the lens
vignette are one multiply per frame.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PIL import Image, ImageChops

from babyvlm.world.camera import CameraPath
from babyvlm.world.motion import state_at
from babyvlm.world.scene import Instance, Scene, wrap
from babyvlm.world.sprites import Layer


@dataclass
class Drawn:
    idx: int  # 1-based index in the id map
    inst: Instance
    layer: Layer
    x: int  # top-left of the layer on screen
    y: int


def paste(frame: Image.Image, layer: Layer, x: int, y: int, idmap: Image.Image | None = None, idx: int = 0,
          shadow: bool = False, *, cores=None) -> bool:
    """Composite `layer` with its top-left at (x, y), clipped at the borders; returns False when
    nothing of it is on screen. The id map gets `idx` where the layer's own pixels are.

    Goes through PIL's C `paste` directly (the Python wrapper's checks cost more than the paste);
    `cores` may pass the frame's and id map's C handles to save fetching them per call.
    """
    W, H = frame.size
    h, w = layer.h, layer.w
    fcore, icore = cores if cores is not None else (frame.im, None if idmap is None else idmap.im)
    rgb, alpha, mask, shade = layer.core
    if shadow and shade is not None:
        hs = layer.shadow.height
        sy = y + h - hs // 2 - 1
        fcore.paste((0, 0, 0), (x, sy, x + w, sy + hs), shade)
    if x >= W or y >= H or x + w <= 0 or y + h <= 0:
        return False
    fcore.paste(rgb, (x, y, x + w, y + h), alpha)
    if icore is not None:
        icore.paste(idx, (x, y, x + w, y + h), mask)
    return True


class ExitTracker:
    """Notices moving instances leaving the frame and through which side.

    An exit is reported when an instance that moves on its own goes from (partly) in the frame to
    wholly outside it, and it had visible pixels on an annotated frame since it last came into
    view. `start` is the last time it was wholly inside the frame since then (or when it came in).
    """

    def __init__(self, width: int, height: int):
        self.W, self.H = width, height
        self.inside: dict[str, bool] = {}
        self.since: dict[str, float] = {}
        self.last_whole: dict[str, float] = {}
        self.seen: dict[str, float] = {}
        self.events: list[dict] = []

    def saw(self, iid: str, t: float) -> None:
        self.seen[iid] = t

    def update(self, inst: Instance, t: float, rect: tuple[float, float, float, float] | None, moving: bool) -> None:
        iid = inst.id
        if rect is None:
            self.inside.pop(iid, None)
            return
        x0, y0, x1, y1 = rect
        touching = x1 > 0 and y1 > 0 and x0 < self.W and y0 < self.H
        was = self.inside.get(iid, False)
        if touching and not was:
            self.since[iid] = t
        if x0 >= 0 and y0 >= 0 and x1 <= self.W and y1 <= self.H:
            self.last_whole[iid] = t
        if was and not touching and moving and self.seen.get(iid, -1.0) >= self.since.get(iid, 0.0):
            vert = "top" if y1 <= 0 else "bottom" if y0 >= self.H else ""
            horiz = "left" if x1 <= 0 else "right" if x0 >= self.W else ""
            side = " ".join(s for s in (vert, horiz) if s) or "unknown"
            start = max(self.last_whole.get(iid, -1.0), self.since.get(iid, t))
            self.events.append({"type": "event", "event": "leaves_frame", "id": iid, "category": inst.category,
                                "start": round(start, 3), "end": round(t, 3), "side": side, "cause": "moves"})
        self.inside[iid] = touching


PYRAMID_STEP = 1.07  # zoom levels of the background; a frame is an integer crop of one level


class Pyramid:
    """The room panorama at zoom levels `PYRAMID_STEP**k`, each built from the master on first use."""

    def __init__(self, master: np.ndarray, master_zoom: float, f: float, top: float):
        self.master = Image.fromarray(master)
        self.master_zoom = master_zoom
        self.f, self.top = f, top
        self.pw_master = int(round(2 * math.pi * f * master_zoom))
        self.levels: dict[int, tuple[np.ndarray, float, int]] = {}

    def level_for(self, zoom: float) -> int:
        return max(0, round(math.log(zoom) / math.log(PYRAMID_STEP)))

    def get(self, level: int) -> tuple[np.ndarray, float, int]:
        """(panorama array, its zoom, its width without the wrap-around pad)."""
        if level not in self.levels:
            z = PYRAMID_STEP ** level
            if abs(z - self.master_zoom) < 1e-6:
                arr = np.asarray(self.master)
            else:
                s = z / self.master_zoom
                size = (max(1, round(self.master.width * s)), max(1, round(self.master.height * s)))
                arr = np.asarray(self.master.resize(size, Image.Resampling.BILINEAR))
            self.levels[level] = (arr, z, int(round(self.pw_master * z / self.master_zoom)))
        return self.levels[level]


class Renderer:
    def __init__(self, scene: Scene, path: CameraPath, pano: np.ndarray, pano_zoom: float, *, width: int, height: int,
                 fps: int, rng: np.random.Generator):
        self.scene, self.path = scene, path
        self.W, self.H, self.fps = width, height, fps
        self.geo = scene.geo
        self.pyramid = Pyramid(pano, pano_zoom, self.geo.f, self.geo.top)
        self.world = [i for i in scene.instances if i.place != "hand"]
        # static instances: (instance, phi, half-width radians) for a quick off-screen test
        self.static = {i.id: (i.phi, i.w_m / i.dist / 2) for i in self.world if not i.motions and i.present}
        self.hands = [i for i in scene.instances if i.place == "hand"]
        self.tracked = {i.id for i in self.world if any(m.kind in ("roll", "walk", "drive", "fly") for m in i.motions)}
        self.exits = ExitTracker(width, height)
        n = path.phi.shape[0]
        t = np.arange(n) / fps
        ph = rng.uniform(0, 6.28, size=2)
        # auto-exposure hunting: a few darkening levels, each a vignette image to multiply with
        expo = 0.97 + 0.02 * np.sin(2 * math.pi * 0.07 * t + ph[0]) + 0.012 * np.sin(2 * math.pi * 0.23 * t + ph[1])
        self.levels = np.asarray([0.94, 0.96, 0.98, 1.0])
        self.expo_idx = np.abs(expo[:, None] - self.levels[None, :]).argmin(axis=1)
        self._vignettes = [self._make_vignette(e) for e in self.levels]

    def _make_vignette(self, exposure: float) -> Image.Image:
        yy, xx = np.mgrid[0 : self.H, 0 : self.W].astype(np.float32)
        r2 = ((xx - self.W / 2) / (self.W / 2)) ** 2 + ((yy - self.H / 2) / (self.H / 2)) ** 2
        v = np.clip(1.0 - 0.2 * r2 ** 1.3, 0.55, 1.0) * exposure
        v8 = np.clip(v * 255 + 0.5, 0, 255).astype(np.uint8)
        return Image.fromarray(np.stack([v8] * 3, axis=2), "RGB")

    def background(self, phi: float, tilt: float, zoom: float) -> tuple[Image.Image, float, float, float]:
        """The background crop and the camera it actually shows (integer pixel offsets, level zoom)."""
        arr, z, pw = self.pyramid.get(self.pyramid.level_for(zoom))
        fz = self.geo.f * z
        x0 = int(round(phi * fz - self.W / 2)) % pw
        y0 = int(round((tilt - self.geo.top) * fz - self.H / 2))
        y0 = min(max(y0, 0), arr.shape[0] - self.H)
        frame = Image.fromarray(np.ascontiguousarray(arr[y0 : y0 + self.H, x0 : x0 + self.W]))
        return frame, (x0 + self.W / 2) / fz, (y0 + self.H / 2) / fz + self.geo.top, z
    def place(self, inst: Instance, st, phi_c: float, tilt_c: float, zoom: float):
        """(layer, x, y) for an instance state, or None when it is too small or far off screen."""
        sprite = inst.sprite
        if st.screen is not None:
            cx, bottom, size = st.screen
            ch = size * self.H
            got = sprite.layer(sprite.level_for(ch), st.pose, st.mirror)
            if got is None:
                return None
            layer, ox, oy, cw, chq = got
            left, top = cx * self.W - cw / 2, bottom * self.H - chq
        else:
            s = self.geo.f * zoom
            ch = s * inst.h_m / st.dist
            x = self.W / 2 + wrap(st.phi - phi_c) * s
            if x < -2 * self.W or x > 3 * self.W:
                return None
            got = sprite.layer(sprite.level_for(ch), st.pose, st.mirror)
            if got is None:
                return None
            layer, ox, oy, cw, chq = got
            left = x - cw / 2
            top = self.H / 2 + (st.tb - tilt_c) * s - chq
        return layer, int(round(left + ox)), int(round(top + oy))

    def render(self, k: int, annotate: bool) -> tuple[np.ndarray, list[dict] | None]:
        t = k / self.fps
        frame, phi_c, tilt_c, zoom = self.background(*self.path.at(k))
        idmap = Image.new("L", (self.W, self.H), 0) if annotate else None
        items = []
        reach = self.W / (2 * self.geo.f * zoom) + 0.05
        for inst in self.world:
            quick = self.static.get(inst.id)
            if quick is not None and abs(wrap(quick[0] - phi_c)) > reach + quick[1]:
                continue
            st = state_at(inst, t, self.geo)
            if st is None:
                if inst.id in self.tracked:
                    self.exits.update(inst, t, None, False)
                continue
            got = self.place(inst, st, phi_c, tilt_c, zoom)
            if inst.id in self.tracked and st.screen is None:
                rect = None if got is None else (got[1], got[2], got[1] + got[0].w, got[2] + got[0].h)
                self.exits.update(inst, t, rect, st.moving)
            if got is None:
                continue
            layer, x, y = got
            if x >= self.W or y >= self.H or x + layer.w <= 0 or y + layer.h <= 0:
                continue
            key = (1, 0.0) if st.screen is not None else (0, -(st.dist + (0.0 if st.moving else inst.key_bias)))
            items.append((key, inst, layer, x, y, st.screen is None))
        for inst in self.hands:
            st = state_at(inst, t, self.geo)
            if st is None:
                continue
            got = self.place(inst, st, phi_c, tilt_c, zoom)
            if got is not None:
                items.append(((2, 0.0), inst, got[0], got[1], got[2], False))
        items.sort(key=lambda it: it[0])
        drawn: list[Drawn] = []
        cores = (frame.im, None if idmap is None else idmap.im)
        for n, (_, inst, layer, x, y, world) in enumerate(items, start=1):
            if paste(frame, layer, x, y, idmap, min(n, 255), shadow=world and inst.place in ("floor", "table", "furniture"),
                     cores=cores):
                drawn.append(Drawn(min(n, 255), inst, layer, x, y))
        objects = self.annotate(np.asarray(idmap), drawn) if idmap is not None else None
        for o in objects or ():
            if o["id"] in self.tracked:
                self.exits.saw(o["id"], t)
        img = ImageChops.multiply(frame, self._vignettes[int(self.expo_idx[min(k, len(self.expo_idx) - 1)])])
        return np.asarray(img), objects

    def annotate(self, idmap: np.ndarray, drawn: list[Drawn]) -> list[dict]:
        out = []
        for d in drawn:
            x0, y0 = max(d.x, 0), max(d.y, 0)
            x1, y1 = min(d.x + d.layer.w, self.W), min(d.y + d.layer.h, self.H)
            m = idmap[y0:y1, x0:x1] == d.idx
            n = int(m.sum())
            if n == 0:
                continue
            rows = np.flatnonzero(m.any(axis=1))
            cols = np.flatnonzero(m.any(axis=0))
            bx, by = x0 + int(cols[0]), y0 + int(rows[0])
            bw, bh = int(cols[-1] - cols[0] + 1), int(rows[-1] - rows[0] + 1)
            out.append({"id": d.inst.id, "category": d.inst.category, "bbox": [bx, by, bw, bh],
                        "visible": max(0.001, round(min(1.0, n / max(1, d.layer.area)), 3))})
        out.sort(key=lambda o: o["id"])
        return out
