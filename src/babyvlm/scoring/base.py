"""The Scorer protocol: how well an image (or a clip) matches an utterance.

A scorer maps aligned lists of images and texts to one similarity per pair:

    scorer.score(images, texts, infos=None) -> np.ndarray of shape (len(images),), float32

Pair i is `images[i]` with `texts[i]` (not an all-against-all matrix). `infos` carries where each pair
came from (`PairInfo`: session, frame time, utterance span, annotation file); image-text models ignore
it, the oracle needs it. Higher means a better match; what a value means depends on the scorer, which
is why each scorer names its own default thresholds.

Video scoring
-------------
A clip is scored by aggregating the image scorer over the clip's frames (`score_video`): the mean of
the per-frame scores by default, or their max (`aggregate="max"`). The frames are the ones the
pipeline samples anyway (1 per second, at the middle of each second, at least one per clip), so the
video filter costs no extra decoding or model calls. The paper used X-CLIP for clips; a frame-mean
of CLIP is the usual stand-in when no video-text model is at hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image

AGGREGATES = ("mean", "max")


@dataclass(frozen=True)
class PairInfo:
    """Where an image-utterance pair comes from (used by the oracle; ignored by image-text models)."""

    stem: str  # session
    time: float  # frame time in seconds
    start: float  # utterance start
    end: float  # utterance end
    annotations: Path | None = None  # world ground truth for the session, if any


@runtime_checkable
class Scorer(Protocol):
    name: str  # as given on the command line: "baby", "oracle", "clip:/models/clip"
    kind: str  # "baby" | "oracle" | "clip": the key of per-scorer thresholds
    default_thresholds: dict[str, float]  # {"video": ..., "image": ...}

    def score(self, images: Sequence[Image.Image], texts: Sequence[str],
              infos: Sequence[PairInfo] | None = None) -> np.ndarray: ...

    def fingerprint(self) -> str:
        """Changes whenever the scores would change (model weights, settings); used for resume."""
        ...


def aggregate(scores: np.ndarray, how: str = "mean") -> float:
    """One clip score from its frames' scores."""
    if len(scores) == 0:
        raise ValueError("a clip needs at least one frame score")
    if how == "mean":
        return float(np.mean(scores))
    if how == "max":
        return float(np.max(scores))
    raise ValueError(f"unknown aggregate {how!r} (use one of {AGGREGATES})")


def score_video(scorer: Scorer, clips: Sequence[Sequence[Image.Image]], texts: Sequence[str],
                infos: Sequence[Sequence[PairInfo]] | None = None, how: str = "mean") -> np.ndarray:
    """Clip-utterance scores: the image scorer over every frame of each clip, aggregated per clip."""
    if len(clips) != len(texts):
        raise ValueError(f"{len(clips)} clips but {len(texts)} texts")
    flat_imgs: list[Image.Image] = []
    flat_txt: list[str] = []
    flat_info: list[PairInfo] | None = [] if infos is not None else None
    bounds = [0]
    for i, frames in enumerate(clips):
        if not frames:
            raise ValueError(f"clip {i} has no frames")
        flat_imgs.extend(frames)
        flat_txt.extend([texts[i]] * len(frames))
        if flat_info is not None:
            flat_info.extend(infos[i])
        bounds.append(len(flat_imgs))
    s = scorer.score(flat_imgs, flat_txt, flat_info)
    return np.array([aggregate(s[a:b], how) for a, b in zip(bounds, bounds[1:])], dtype=np.float32)


def check_pairs(images: Sequence, texts: Sequence[str], infos: Sequence | None) -> None:
    if len(images) != len(texts):
        raise ValueError(f"{len(images)} images but {len(texts)} texts")
    if infos is not None and len(infos) != len(texts):
        raise ValueError(f"{len(infos)} infos but {len(texts)} texts")


class NullScorer:
    """`none`: every pair scores 1, so nothing is filtered (the unfiltered baseline)."""

    name = kind = "none"
    default_thresholds = {"video": 0.0, "image": 0.0}

    def fingerprint(self) -> str:
        return "none"

    def score(self, images: Sequence[Image.Image], texts: Sequence[str],
              infos: Sequence[PairInfo] | None = None) -> np.ndarray:
        check_pairs(images, texts, infos)
        return np.ones(len(texts), dtype=np.float32)
