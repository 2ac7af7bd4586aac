"""Shared test helpers: tiny generated videos (with their frame number drawn in), shared fixtures."""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

os.environ.setdefault("BABYVLM_QUIET", "1")  # no progress bars in test output
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may be downloaded
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
BITS = 16
BLOCK = 8  # pixels per bit block; large enough to survive H.264 compression


def encode_counter(img: np.ndarray, n: int) -> None:
    """Draw `n` as 16 black/white blocks along the top row of `img` (in place)."""
    for b in range(BITS):
        v = 255 if (n >> b) & 1 else 0
        img[:BLOCK, b * BLOCK : (b + 1) * BLOCK] = v


def decode_counter(img: np.ndarray) -> int:
    """Read back the number drawn by `encode_counter` from an RGB frame of the same size."""
    n = 0
    for b in range(BITS):
        block = img[1 : BLOCK - 1, b * BLOCK + 1 : (b + 1) * BLOCK - 1]
        if block.mean() > 127:
            n |= 1 << b
    return n


def write_video(
    path: Path,
    seconds: float = 3.0,
    fps: int = 10,
    size: tuple[int, int] = (160, 120),
    *,
    gop: int | None = None,
    audio_hz: float | None = None,
    sample_rate: int = 44100,
) -> Path:
    """An H.264 video whose frame k shows k in binary blocks (and an optional sine tone)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    w, h = size
    container = av.open(str(path), "w")
    vs = container.add_stream("libx264", rate=fps)
    vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
    opts = {"preset": "ultrafast", "crf": "18"}
    if gop:
        opts["g"] = str(gop)
        opts["keyint_min"] = str(gop)
    vs.options = opts
    astream = None
    if audio_hz is not None:
        astream = container.add_stream("aac", rate=sample_rate)
        astream.layout = "mono"
    n = int(round(seconds * fps))
    yy, xx = np.mgrid[0:h, 0:w]
    for k in range(n):
        img = np.zeros((h, w, 3), np.uint8)
        img[..., 0] = (xx * 2 + k * 5) % 256
        img[..., 1] = (yy * 2) % 256
        img[..., 2] = 90
        encode_counter(img, k)
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts = k
        frame.time_base = Fraction(1, fps)
        for p in vs.encode(frame):
            container.mux(p)
    for p in vs.encode():
        container.mux(p)
    if astream is not None:
        total = int(seconds * sample_rate)
        t = np.arange(total) / sample_rate
        samples = (0.3 * np.sin(2 * np.pi * audio_hz * t)).astype(np.float32)
        chunk = 1024
        for i in range(0, total, chunk):
            part = samples[i : i + chunk][None, :]
            af = av.AudioFrame.from_ndarray(part, format="fltp", layout="mono")
            af.sample_rate = sample_rate
            af.pts = i
            af.time_base = Fraction(1, sample_rate)
            for p in astream.encode(af):
                container.mux(p)
        for p in astream.encode():
            container.mux(p)
    container.close()
    return path


@pytest.fixture
def make_video():
    """`make_video(path, seconds=3, fps=10, size=(160, 120), gop=None, audio_hz=None)`."""
    return write_video


@pytest.fixture
def read_counter():
    return decode_counter


@pytest.fixture
def shared_fixtures() -> Path:
    """`../shared/fixtures` beside the checkout; tests using it skip in a user's clone."""
    path = SHARED / "fixtures"
    if not path.is_dir():
        pytest.skip("../shared/fixtures is not present (only in the project's workspace)")
    return path


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory) -> Path:
    """The tiny world preset without speech audio, generated once per test session and shared by every
    folder's tests (read-only: copy what a test changes)."""
    from babyvlm.config import build_config
    from babyvlm.world import WorldConfig, generate_world

    cfg = build_config(WorldConfig, section="world", preset="world/tiny", overrides=["audio=off"]).check()
    out = tmp_path_factory.mktemp("world") / "tiny"
    generate_world(cfg, out, workers=2)
    write_corpus_split(out)
    return out


def write_corpus_split(corpus: Path) -> None:
    """The split every builder would write with seed 0, written up front: a shared corpus's split
    must not depend on which test (with which seed) happens to build from it first."""
    from babyvlm.corpus import open_corpus
    from babyvlm.formats.splits import corpus_splits

    corpus_splits(corpus, [(e.stem, e.child) for e in open_corpus(corpus).entries], seed=0)

