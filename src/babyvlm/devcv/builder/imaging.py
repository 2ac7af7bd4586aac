"""Pixels: loading frames (a small cache), crops, resizing, and deterministic image files."""

from __future__ import annotations

import io
from collections import OrderedDict
from pathlib import Path

from PIL import Image

from babyvlm.util.images import encode_image
from babyvlm.util.io import write_bytes


class FrameStore:
    """Frame images by path, with a small LRU cache (frames are read many times, never all held)."""

    def __init__(self, capacity: int = 1024):
        self.capacity = capacity
        self._cache: OrderedDict[str, Image.Image] = OrderedDict()

    def get(self, path: str) -> Image.Image:
        im = self._cache.get(path)
        if im is not None:
            self._cache.move_to_end(path)
            return im
        with Image.open(path) as f:
            im = f.convert("RGB")
            im.load()
        self._cache[path] = im
        if len(self._cache) > self.capacity:
            self._cache.popitem(last=False)
        return im


def expand_box(box, margin: float, width: int, height: int, square: bool = False) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of a box grown by `margin` of its size on each side, inside the frame."""
    x, y, w, h = box
    if square:
        side = max(w, h)
        x, y, w, h = x + (w - side) / 2, y + (h - side) / 2, side, side
    mx, my = w * margin, h * margin
    left = max(0, int(round(x - mx)))
    top = max(0, int(round(y - my)))
    right = min(width, int(round(x + w + mx)))
    bottom = min(height, int(round(y + h + my)))
    return left, top, max(right, left + 1), max(bottom, top + 1)


def fit(im: Image.Image, side: int) -> Image.Image:
    """Scale so that the longer side is `side` pixels (up or down)."""
    w, h = im.size
    s = side / max(w, h)
    return im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.BICUBIC)


def crop(im: Image.Image, window: tuple[int, int, int, int]) -> Image.Image:
    return im.crop(window)


def encode_gif(frames: list[Image.Image], ms_per_frame: int = 500, scale: float = 0.5) -> bytes:
    """An animation of the frames (a preview: half size, 128 colours; the frames themselves are the item)."""
    buf = io.BytesIO()
    frames = [f.resize((max(1, round(f.width * scale)), max(1, round(f.height * scale))), Image.BILINEAR) for f in frames]
    pal = [f.convert("RGB").quantize(colors=128, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE) for f in frames]
    pal[0].save(buf, "GIF", save_all=True, append_images=pal[1:], duration=ms_per_frame, loop=0)
    return buf.getvalue()


class ImageWriter:
    """Writes one task folder's images; returns the paths relative to the task folder."""

    def __init__(self, folder: Path, quality: int = 90):
        self.folder = Path(folder)
        self.quality = quality
        self.written = 0

    def save(self, im: Image.Image, name: str) -> str:
        fmt = name.rsplit(".", 1)[-1]
        write_bytes(self.folder / "images" / name, encode_image(im, fmt, quality=self.quality))
        self.written += 1
        return f"images/{name}"

    def copy(self, src: str | Path, name: str) -> str:
        """A frame as it is on disk when its format is the one wanted (no decoding, no second JPEG
        generation loss), else re-encoded."""
        src = Path(src)
        jpeg = (".jpg", ".jpeg")
        want = Path(name).suffix.lower()
        if src.suffix.lower() == want or (src.suffix.lower() in jpeg and want in jpeg):
            write_bytes(self.folder / "images" / name, src.read_bytes())
            self.written += 1
            return f"images/{name}"
        with Image.open(src) as im:
            return self.save(im.convert("RGB"), name)

    def save_gif(self, frames: list[Image.Image], name: str) -> str:
        write_bytes(self.folder / "images" / name, encode_gif(frames))
        self.written += 1
        return f"images/{name}"
