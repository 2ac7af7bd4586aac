"""Instance sprites: draw once per instance, shade and texture, then serve any size cheaply.

A sprite's *master* is drawn supersampled at the largest size the session needs, shaded with the
room's light (a soft relief from the blurred silhouette lit from the upper left, a top-to-bottom
falloff, a surface texture) and cropped to its silhouette. Frames ask for a height in pixels; sizes
are quantised to steps of 7% (`LEVEL_STEP`) and each level is built from the master once.

A `Layer` is what the compositor pastes: colours and alpha (blended by PIL's C paste), and the
mask of pixels that count as the object's own (alpha >= 128) for annotations.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageFilter, ImageOps

from babyvlm.world.draw import DrawSpec, Look
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import grade

LEVEL_STEP = 1.07
_INV_LOG_STEP = 1.0 / math.log(LEVEL_STEP)
COUNT = 128  # alpha from which a pixel counts as the object's (annotation masks)
FAINT = 8  # alpha below which a pixel is not drawn at all


@dataclass
class Layer:
    """A sprite at one size, ready for PIL's C paste."""

    rgb: Image.Image  # RGB colours
    alpha: Image.Image  # L: how much of each pixel is the object (pasted with this as the mask)
    mask: Image.Image  # L, 0 or 255: the pixels that count as the object's (alpha >= COUNT)
    area: int  # number of mask pixels
    shadow: Image.Image | None = None  # L: how much a contact shadow under the base darkens

    def __post_init__(self) -> None:
        # PIL's C image handles, fetched once: the compositor pastes through them directly
        self.w, self.h = self.rgb.size
        self.core = (self.rgb.im, self.alpha.im, self.mask.im, None if self.shadow is None else self.shadow.im)


def layer_from_rgba(img: Image.Image, with_shadow: bool = False) -> Layer:
    """Split a straight-alpha RGBA image into what the compositor pastes."""
    img = img.convert("RGBA")
    a = np.asarray(img.getchannel("A"))
    a = np.where(a < FAINT, 0, a).astype(np.uint8)
    mask = a >= COUNT
    return Layer(rgb=img.convert("RGB"), alpha=Image.fromarray(a, "L"),
                 mask=Image.fromarray((mask * 255).astype(np.uint8), "L"), area=int(mask.sum()),
                 shadow=_shadow(mask) if with_shadow else None)


def _shadow(mask: np.ndarray) -> Image.Image:
    """A soft dark ellipse as wide as the object's base (darkness 0..255 as a paste mask)."""
    h, w = mask.shape
    hs = max(3, int(round(0.12 * w + 0.05 * h)))
    yy, xx = np.mgrid[0:hs, 0:w].astype(np.float32)
    nx = (xx - (w - 1) / 2) / (w * 0.55)
    ny = (yy - (hs - 1) / 2) / (hs * 0.5)
    d = np.clip(1 - (nx ** 2 + ny ** 2), 0, 1)
    return Image.fromarray((110 * d ** 1.5).astype(np.uint8), "L")


@dataclass
class Sprite:
    """One instance's appearance at every size (and pose) the session asks for."""

    spec: DrawSpec
    look: Look
    master_h: int  # pixel height of the master canvas
    light: tuple[float, float, float] = (1.0, 1.0, 1.0)  # room light colour multiplier
    seed: int = 0
    shadow: bool = True
    _masters: dict[tuple[int, bool], tuple[Image.Image, tuple[int, int]]] = field(default_factory=dict)
    _layers: dict[tuple[int, int, bool], tuple[Layer, int, int, float, float] | None] = field(default_factory=dict)

    @property
    def master_w(self) -> int:
        return max(8, round(self.master_h * self.spec.aspect))

    def master(self, pose: int = 0, mirror: bool = False) -> tuple[Image.Image, tuple[int, int]]:
        """The master image and its top-left offset inside the full drawing canvas."""
        key = (pose, mirror)
        if key not in self._masters:
            self._masters[key] = render_master(self.spec, self.look, self.master_h, pose=pose, mirror=mirror,
                                               light=self.light, seed=self.seed, with_offset=True)
        return self._masters[key]

    def level_for(self, height_px: float) -> int:
        """The quantised size level for a canvas `height_px` pixels tall (level 0 = the master)."""
        if height_px <= 0:
            return -999
        return int(round(math.log(height_px / self.master_h) * _INV_LOG_STEP))

    def layer(self, level: int, pose: int = 0, mirror: bool = False) -> tuple[Layer, int, int, float, float] | None:
        """The sprite at canvas height `master_h * LEVEL_STEP**level`: (layer, its offset dx, dy from the
        canvas's top-left corner, the canvas width and height); None when it would be under 2 pixels."""
        key = (level, pose, mirror)
        got = self._layers.get(key)
        if got is None and key not in self._layers:
            m, (ox, oy) = self.master(pose, mirror)
            s = LEVEL_STEP ** level
            w, h = max(1, round(m.width * s)), max(1, round(m.height * s))
            if h >= 2 and w >= 2:
                img = m if (w, h) == m.size else m.resize((w, h), Image.Resampling.BILINEAR if s < 1 else Image.Resampling.BICUBIC)
                got = (layer_from_rgba(img, with_shadow=self.shadow), round(ox * s), round(oy * s),
                       self.master_w * s, self.master_h * s)
            self._layers[key] = got
        return got




def render_master(spec: DrawSpec, look: Look, height_px: int, *, pose: int = 0, mirror: bool = False,
                  light=(1.0, 1.0, 1.0), seed: int = 0, shade: bool = True, with_offset: bool = False):
    """Draw, shade and texture one instance; returns a premultiplied RGBa image cropped to the object
    (and, with `with_offset`, the crop's top-left corner inside the canvas)."""
    height_px = max(8, int(height_px))
    ss = 3 if height_px < 48 else 2
    w = max(8, round(height_px * spec.aspect))
    rng = np.random.default_rng(seed)
    p = Painter(w * ss, height_px * ss, rng)
    look.pose = pose
    spec.draw(p, look)
    img = p.img.resize((w, height_px), Image.Resampling.BOX) if ss > 1 else p.img
    if mirror:
        img = ImageOps.mirror(img)
    rot = float(look.extra.get("rot", 0.0))
    pad = (0, 0)
    if rot:
        # turned a little on the floor: rotate inside a margin so no corner is cut off
        pad = (w // 5 + 2, height_px // 5 + 2)
        big = Image.new("RGBA", (w + 2 * pad[0], height_px + 2 * pad[1]), (0, 0, 0, 0))
        big.paste(img, pad)
        img = big.convert("RGBa").rotate(rot, resample=Image.Resampling.BICUBIC).convert("RGBA")
    arr = np.asarray(img).astype(np.float32) / 255.0
    if shade:
        arr = _shade(arr, spec.texture, rng, light)
    out = Image.fromarray(np.clip(arr * 255 + 0.5, 0, 255).astype(np.uint8), "RGBA")
    bbox = out.getchannel("A").point(lambda v: 255 if v >= FAINT else 0).getbbox()
    if bbox:
        out = out.crop(bbox)
    out = out.convert("RGBa")
    if with_offset:
        return out, ((bbox[0] - pad[0], bbox[1] - pad[1]) if bbox else (0, 0))
    return out


def _shade(arr: np.ndarray, texture: str, rng: np.random.Generator, light) -> np.ndarray:
    h, w = arr.shape[:2]
    rgb, a = arr[..., :3], arr[..., 3]
    size = min(h, w)
    sigma = max(1.0, 0.07 * size)
    hm_img = Image.fromarray((a * 255).astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(sigma))
    hm = np.asarray(hm_img).astype(np.float32) / 255.0
    gy, gx = np.gradient(hm)
    # relief lit from the upper left: surfaces facing the light brighten, the far side darkens
    relief = (gx * 0.55 + gy * 0.8) * sigma * 2.2
    yy = np.linspace(0, 1, h, dtype=np.float32)[:, None]
    k = 1.0 + np.clip(relief, -0.35, 0.3) + 0.08 - 0.16 * yy
    # a thin darker rim gives the silhouette an outline like a real object's edge
    k *= 1.0 - 0.22 * np.clip(1.0 - hm * 2.2, 0, 1) * (a > 0.5)
    noise = _noise(rng, h, w, texture)
    k = k * (1.0 + noise)
    out = rgb * k[..., None]
    if texture in ("plastic", "metal"):
        # a specular highlight near the upper left of the body
        cy, cx = _interior_point(hm, 0.3, 0.3)
        ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
        r = 0.12 * size + 1
        spec = np.exp(-(((ys - cy) / r) ** 2 + ((xs - cx) / (r * 1.4)) ** 2)) * (0.45 if texture == "metal" else 0.3)
        spec *= hm > 0.6
        out = out + (1.0 - np.clip(out, 0, 1)) * spec[..., None]
    out = grade(out, light)
    return np.concatenate([out, a[..., None]], axis=2)


def _interior_point(hm: np.ndarray, fy: float, fx: float) -> tuple[float, float]:
    """A point well inside the silhouette, toward the upper left."""
    h, w = hm.shape
    ys, xs = np.nonzero(hm > 0.75)
    if len(ys) == 0:
        return h * fy, w * fx
    y0, y1, x0, x1 = ys.min(), ys.max(), xs.min(), xs.max()
    return y0 + (y1 - y0) * fy, x0 + (x1 - x0) * fx


def _noise(rng: np.random.Generator, h: int, w: int, texture: str) -> np.ndarray:
    fine = rng.standard_normal((h, w)).astype(np.float32)
    if texture == "fur":
        blur = Image.fromarray(((fine * 40) + 128).clip(0, 255).astype(np.uint8), "L").filter(ImageFilter.BoxBlur(0.6))
        return (np.asarray(blur).astype(np.float32) - 128) / 40 * 0.07
    if texture == "fabric":
        yy, xx = np.mgrid[0:h, 0:w]
        weave = np.sin(xx * 1.9) * np.sin(yy * 1.9) * 0.035
        return (weave + fine * 0.02).astype(np.float32)
    if texture == "wood":
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        phase = rng.uniform(0, 6.28)
        grain = np.sin(yy * 0.7 + np.sin(xx * 0.05 + phase) * 3) * 0.05
        return (grain + fine * 0.015).astype(np.float32)
    if texture == "food":
        coarse = Image.fromarray(((fine * 40) + 128).clip(0, 255).astype(np.uint8), "L").filter(ImageFilter.GaussianBlur(1.2))
        return (np.asarray(coarse).astype(np.float32) - 128) / 40 * 0.12 + fine * 0.02
    if texture == "skin":
        return fine * 0.012
    return fine * 0.018
