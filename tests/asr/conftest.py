"""Helpers for the ASR tests: videos with a chosen sound track, a tiny random Whisper, espeak-ng speech."""

from __future__ import annotations

import shutil
import subprocess
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest


def write_av(path: Path, audio: np.ndarray | None, *, sample_rate: int = 44100, seconds: float | None = None,
             fps: int = 5, size: tuple[int, int] = (64, 48), codec: str = "aac", audio_start: float = 0.0) -> Path:
    """A small H.264 video with `audio` (mono float32 in [-1, 1], or (channels, n)) as its sound track,
    the track's first sample at `audio_start` seconds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if seconds is None:
        seconds = (audio.shape[-1] / sample_rate) if audio is not None else 2.0
    container = av.open(str(path), "w")
    vs = container.add_stream("libx264", rate=fps)
    vs.width, vs.height, vs.pix_fmt = size[0], size[1], "yuv420p"
    vs.options = {"preset": "ultrafast"}
    astream = None
    if audio is not None:
        audio = np.asarray(audio, np.float32)
        if audio.ndim == 1:
            audio = audio[None, :]
        astream = container.add_stream(codec, rate=sample_rate)
        astream.layout = "mono" if audio.shape[0] == 1 else "stereo"
    for k in range(int(round(seconds * fps))):
        img = np.full((size[1], size[0], 3), (k * 7) % 256, np.uint8)
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts, frame.time_base = k, Fraction(1, fps)
        for p in vs.encode(frame):
            container.mux(p)
    for p in vs.encode():
        container.mux(p)
    if astream is not None:
        chunk = 1024
        offset = int(round(audio_start * sample_rate))
        layout = "mono" if audio.shape[0] == 1 else "stereo"
        for i in range(0, audio.shape[1], chunk):
            part = np.ascontiguousarray(audio[:, i : i + chunk])
            af = av.AudioFrame.from_ndarray(part, format="fltp", layout=layout)
            af.sample_rate, af.pts, af.time_base = sample_rate, i + offset, Fraction(1, sample_rate)
            for p in astream.encode(af):
                container.mux(p)
        for p in astream.encode():
            container.mux(p)
    container.close()
    return path


def tone(seconds: float, sample_rate: int = 44100, *, hz: float = 440.0, on: tuple[float, float] | None = None,
         amp: float = 0.3) -> np.ndarray:
    """A sine tone over the whole clip, or only inside `on = (start, end)` seconds (silence elsewhere)."""
    t = np.arange(int(round(seconds * sample_rate))) / sample_rate
    x = amp * np.sin(2 * np.pi * hz * t)
    if on is not None:
        x = np.where((t >= on[0]) & (t < on[1]), x, 0.0)
    return x.astype(np.float32)


def espeak(text: str, out: Path) -> np.ndarray | None:
    """Speech for `text` from espeak-ng as float32 at its native rate (22050 Hz); None when not installed."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return None
    wav = Path(out)
    subprocess.run([exe, "-w", str(wav), text], check=True, capture_output=True, timeout=60)
    with av.open(str(wav)) as c:
        frames = [f.to_ndarray().reshape(-1) for f in c.decode(audio=0)]
    x = np.concatenate(frames)
    if x.dtype.kind == "i":
        x = x.astype(np.float32) / 32768.0
    return x.astype(np.float32)


@pytest.fixture
def av_writer():
    return write_av


@pytest.fixture
def tone_maker():
    return tone


@pytest.fixture(scope="session")
def tiny_whisper(tmp_path_factory) -> Path:
    """A tiny random Whisper checkpoint (model + processor) saved once per test session."""
    from babyvlm.corpus.asr.tiny import build_tiny_whisper

    return build_tiny_whisper(tmp_path_factory.mktemp("tiny-whisper"), seed=0)


@pytest.fixture(scope="session")
def speech_clip(tmp_path_factory) -> tuple[np.ndarray, int] | None:
    """espeak-ng saying a short sentence (float32, 22050 Hz), or None when espeak-ng is not installed."""
    x = espeak("look at the ball", tmp_path_factory.mktemp("espeak") / "s.wav")
    return None if x is None else (x, 22050)
