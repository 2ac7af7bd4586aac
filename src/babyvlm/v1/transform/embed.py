"""Image embeddings for matching a captioned set to the infant corpus, offline and without weights.

`colorhog` (the default) is a fixed hand-made descriptor, so matching needs no trained model and
gives the same numbers on every machine:

* colour: a global joint HSV histogram (12 hue x 3 saturation x 3 value bins) and one per quadrant
  (6 x 2 x 2 bins), which captures the palette and its layout (an indoor, warm, low-light frame vs a
  bright outdoor scene);
* texture / shape: a HOG-like gradient-orientation histogram (9 unsigned orientations, magnitude
  weighted) in each cell of a 4 x 4 grid, which captures clutter, edges and their directions.

Each block is square-rooted (Hellinger) and L2-normalised, the three blocks are concatenated with
equal weight and the whole vector L2-normalised: similarity is the cosine (a dot product). The
image is squashed to `size` x `size` first, so aspect ratio does not matter.

`baby` uses the image tower of a trained `babyvlm scorer train` model instead (mean of its patch
embeddings, L2-normalised): learned on the infant corpus itself, it encodes what that corpus's
frames look like. Give the scorer folder with `--embedder baby:PATH`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from babyvlm.errors import InputError
from babyvlm.util.progress import bar

H_BINS, S_BINS, V_BINS = 12, 3, 3
QH, QS, QV = 6, 2, 2
ORIENT, CELLS = 9, 4


def _hist(h: np.ndarray, s: np.ndarray, v: np.ndarray, nh: int, ns: int, nv: int) -> np.ndarray:
    idx = (h.astype(np.int32) * nh // 256) * (ns * nv) + (s.astype(np.int32) * ns // 256) * nv + v.astype(np.int32) * nv // 256
    return np.bincount(idx.ravel(), minlength=nh * ns * nv).astype(np.float32)


def _norm(x: np.ndarray) -> np.ndarray:
    x = np.sqrt(np.maximum(x, 0))
    n = float(np.linalg.norm(x))
    return x / n if n > 0 else x


def colorhog(image: Image.Image, size: int = 64) -> np.ndarray:
    """The descriptor of one image (float32, unit length)."""
    im = image.convert("RGB").resize((size, size), Image.BILINEAR)
    hsv = np.asarray(im.convert("HSV"))
    h, s, v = hsv[..., 0], hsv[..., 1], hsv[..., 2]
    glob = _hist(h, s, v, H_BINS, S_BINS, V_BINS)
    half = size // 2
    quads = [_hist(h[a:a + half, b:b + half], s[a:a + half, b:b + half], v[a:a + half, b:b + half], QH, QS, QV)
             for a in (0, half) for b in (0, half)]
    gray = np.asarray(im.convert("L"), dtype=np.float32) / 255.0
    gx = np.zeros_like(gray)
    gy = np.zeros_like(gray)
    gx[:, 1:-1] = gray[:, 2:] - gray[:, :-2]
    gy[1:-1, :] = gray[2:, :] - gray[:-2, :]
    mag = np.hypot(gx, gy)
    ang = np.mod(np.arctan2(gy, gx), np.pi)
    obin = np.minimum((ang / np.pi * ORIENT).astype(np.int32), ORIENT - 1)
    cell = size // CELLS
    rows = np.minimum(np.arange(size) // cell, CELLS - 1)
    cidx = (rows[:, None] * CELLS + rows[None, :]) * ORIENT + obin
    hog = np.bincount(cidx.ravel(), weights=mag.ravel(), minlength=CELLS * CELLS * ORIENT).astype(np.float32)
    out = np.concatenate([_norm(glob), _norm(np.concatenate(quads)), _norm(hog)])
    return (out / np.sqrt(3.0)).astype(np.float32)


def _open(path: Path, size: int) -> Image.Image:
    with Image.open(path) as im:
        if im.format == "JPEG":
            im.draft("RGB", (size * 2, size * 2))  # decode at reduced scale: much faster, same descriptor
        im.load()
        return im.convert("RGB")


class ColorHOG:
    name = "colorhog"

    def __init__(self, size: int = 64):
        self.size = size

    def fingerprint(self) -> str:
        return f"colorhog:{self.size}:{H_BINS}x{S_BINS}x{V_BINS}:{QH}x{QS}x{QV}:{ORIENT}x{CELLS}"

    def embed_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        return np.stack([colorhog(im, self.size) for im in images]) if images else np.zeros((0, 0), np.float32)

    def load(self, path: Path) -> Image.Image:
        return _open(path, self.size)


class BabyImageEmbedder:
    name = "baby"

    def __init__(self, path: str | Path, batch_size: int = 64):
        from babyvlm.scoring.baby.scorer import BabyScorer, is_baby_model

        if not is_baby_model(path):
            raise InputError(f"{path}: not a baby scorer folder (train one with `babyvlm scorer train CORPUS --out DIR`)")
        self.scorer = BabyScorer(path, batch_size=batch_size)

    def fingerprint(self) -> str:
        return self.scorer.fingerprint()

    def embed_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        """Mean patch embedding per image, L2-normalised; a cross-fitted scorer (several fold models)
        gives one such vector per fold, concatenated and renormalised (cosine = mean of the folds')."""
        import torch

        from babyvlm.scoring.baby.train import to_tensor

        s = self.scorer
        if hasattr(s, "image_patches"):  # single-model scorers
            return _unit_rows(s.image_patches(list(images)).mean(dim=1).numpy())
        x = s.squashed(list(images))
        parts = []
        with torch.no_grad():
            for model in s.models:
                rows = [model.image(to_tensor(x[i:i + s.batch_size], torch)).mean(dim=1).numpy()
                        for i in range(0, len(x), s.batch_size)]
                parts.append(_unit_rows(np.concatenate(rows)))
        return _unit_rows(np.concatenate(parts, axis=1))

    def load(self, path: Path) -> Image.Image:
        with Image.open(path) as im:
            im.load()
            return im.convert("RGB")


def _unit_rows(x: np.ndarray) -> np.ndarray:
    x = x.astype(np.float32)
    return x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-8)


def load_embedder(name: str, model: str = "", *, size: int = 64, batch_size: int = 64):
    """`colorhog` or `baby` (with the scorer folder in `model`, or given as `baby:PATH`)."""
    if name.startswith("baby:"):
        name, model = "baby", name.split(":", 1)[1]
    if name == "colorhog":
        return ColorHOG(size)
    if name == "baby":
        if not model:
            raise InputError("the baby embedder needs a scorer folder: --embedder baby:PATH")
        return BabyImageEmbedder(model, batch_size)
    raise InputError(f"unknown embedder {name!r} (colorhog, baby:PATH)")


def embed_paths(embedder, paths: Sequence[Path], *, batch_size: int = 64, desc: str = "embedding"
                ) -> tuple[np.ndarray, dict[int, str]]:
    """(embeddings, {index: reason} for images that could not be read; their rows are zero)."""
    rows: list[np.ndarray] = []
    bad: dict[int, str] = {}
    dim = None
    with bar(desc=desc, total=len(paths), unit="img") as b:
        for start in range(0, len(paths), batch_size):
            chunk = paths[start:start + batch_size]
            ims, ok = [], []
            for k, p in enumerate(chunk):
                try:
                    ims.append(embedder.load(Path(p)))
                    ok.append(k)
                except (OSError, ValueError, Image.DecompressionBombError) as e:
                    bad[start + k] = f"cannot read image ({type(e).__name__}: {str(e).splitlines()[0][:120] if str(e) else ''})"
            emb = embedder.embed_images(ims) if ims else None
            if emb is not None and dim is None:
                dim = emb.shape[1]
            block = np.zeros((len(chunk), dim or 1), np.float32)
            if emb is not None:
                block[ok] = emb
            rows.append(block)
            b.update(len(chunk))
    if dim is None:
        return np.zeros((len(paths), 1), np.float32), bad
    rows = [r if r.shape[1] == dim else np.zeros((len(r), dim), np.float32) for r in rows]
    return np.concatenate(rows) if rows else np.zeros((0, dim), np.float32), bad
