"""Scoring tests reuse the tiny corpus of tests/pretrain/conftest.py and add a colour corpus that a
scorer can learn from: the video is red while "the red ball" is said and blue during "a blue car"."""

from __future__ import annotations

import importlib.util
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_pretrain = _load(Path(__file__).parents[1] / "pretrain" / "conftest.py", "_babyvlm_pretrain_conftest")
tiny_corpus = _pretrain.tiny_corpus

COLOURS = {"red": (220, 30, 30), "blue": (30, 40, 220)}
PHRASES = {"red": ["the red ball", "look red ball", "a red ball"], "blue": ["a blue car", "the blue car", "blue car here"]}


def write_colour_video(path: Path, colours: list[str], seconds_each: float = 2.0, fps: int = 5) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    c = av.open(str(path), "w")
    s = c.add_stream("libx264", rate=fps)
    s.width, s.height, s.pix_fmt = 64, 48, "yuv420p"
    s.options = {"preset": "ultrafast", "crf": "20"}
    rng = np.random.default_rng(len(colours))
    k = 0
    for col in colours:
        for _ in range(int(seconds_each * fps)):
            img = (rng.integers(0, 60, (48, 64, 3)) + np.array(COLOURS[col]) * 0.75).clip(0, 255).astype(np.uint8)
            fr = av.VideoFrame.from_ndarray(img, format="rgb24")
            fr.pts, fr.time_base = k, Fraction(1, fps)
            k += 1
            for p in s.encode(fr):
                c.mux(p)
    for p in s.encode():
        c.mux(p)
    c.close()


@pytest.fixture(scope="session")
def colour_corpus(tmp_path_factory) -> Path:
    """Three sessions, 12 two-second segments each, alternating colours with matching speech."""
    root = tmp_path_factory.mktemp("colours")
    for n, stem in enumerate(["S_20141029_0612_01", "S_20141105_0619_01", "A_20150301_1002_01"]):
        colours = [("red", "blue")[(i + n) % 2] for i in range(12)]
        write_colour_video(root / "videos" / f"{stem}.mp4", colours)
        rows = ["Time,Video Name,Utterance,Speaker,End"]
        for i, col in enumerate(colours):
            rows.append(f"{2 * i + 0.1},{stem}.mp4,{PHRASES[col][(i // 2) % 3]},M,{2 * i + 1.9}")
        (root / "transcripts").mkdir(parents=True, exist_ok=True)
        (root / "transcripts" / f"{stem}.csv").write_text("\n".join(rows) + "\n")
    return root
