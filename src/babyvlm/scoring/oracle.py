"""The oracle scorer and the ground truth it is built on (world corpora only).

Ground truth for an image-utterance pair: the utterance's referents are the instances the world's
annotation names for it (`utterance` records, matched to the transcript's utterance by the largest
time overlap); a referent is *visible in the frame* when the annotation record nearest the frame time
lists that instance with a visible fraction of at least `min_visible`. The oracle's score is the
largest visible fraction of any referent in the frame (0 when none is in view, or the utterance
names nothing), so `score >= min_visible` is exactly the ground truth and its default image threshold
is `min_visible`: filtering with the oracle gives precision and recall 1, a check of the measurement.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from babyvlm.corpus.annotations import SessionAnnotations, UtteranceAnnotation, read_annotations
from babyvlm.errors import InputError
from babyvlm.scoring.base import PairInfo, check_pairs

DEFAULT_MIN_VISIBLE = 0.25


class GroundTruth:
    """Referent visibility per (session, utterance span, frame time), reading annotation files lazily."""

    def __init__(self, min_visible: float = DEFAULT_MIN_VISIBLE, cache_sessions: int = 2):
        self.min_visible = min_visible
        self._cache: OrderedDict[Path, SessionAnnotations] = OrderedDict()
        self._cache_sessions = cache_sessions
        self._utt: dict[tuple[Path, float, float], UtteranceAnnotation | None] = {}

    def annotations(self, path: Path) -> SessionAnnotations:
        path = Path(path)
        if path in self._cache:
            self._cache.move_to_end(path)
            return self._cache[path]
        ann = read_annotations(path)
        self._cache[path] = ann
        while len(self._cache) > self._cache_sessions:
            old, _ = self._cache.popitem(last=False)
            self._utt = {k: v for k, v in self._utt.items() if k[0] != old}
        return ann

    def utterance(self, path: Path, start: float, end: float) -> UtteranceAnnotation | None:
        key = (Path(path), round(start, 4), round(end, 4))
        if key not in self._utt:
            self._utt[key] = self.annotations(path).utterance_near(start, end)
        return self._utt[key]

    def visibility(self, info: PairInfo) -> float | None:
        """Largest visible fraction of the utterance's referents at the frame; None without ground truth."""
        if info.annotations is None:
            return None
        utt = self.utterance(info.annotations, info.start, info.end)
        if utt is None:
            return None
        ids = {r.get("id") for r in utt.referents}
        if not ids:
            return 0.0
        frame = self.annotations(info.annotations).frame_at(info.time)
        if frame is None:
            return None
        return max((o.visible for o in frame.objects if o.id in ids), default=0.0)

    def positive(self, info: PairInfo) -> bool | None:
        v = self.visibility(info)
        return None if v is None else v >= self.min_visible


class OracleScorer:
    """Scores a pair by the ground-truth visibility of the utterance's referents in the frame."""

    kind = "oracle"

    def __init__(self, min_visible: float = DEFAULT_MIN_VISIBLE):
        self.name = "oracle"
        self.truth = GroundTruth(min_visible)
        # a clip passes when its referent is in view for at least a quarter of its frames (mean of
        # visibilities); a frame passes when the referent is visible by the ground truth's definition
        self.default_thresholds = {"video": min_visible / 4, "image": min_visible}

    def fingerprint(self) -> str:
        return f"oracle:min_visible={self.truth.min_visible}"

    def score(self, images: Sequence[Image.Image], texts: Sequence[str],
              infos: Sequence[PairInfo] | None = None) -> np.ndarray:
        check_pairs(images, texts, infos)
        if infos is None:
            raise InputError("the oracle scorer needs pair infos (session annotations, times)")
        out = np.zeros(len(texts), dtype=np.float32)
        for i, info in enumerate(infos):
            if info.annotations is None:
                raise InputError(f"{info.stem}: the oracle scorer needs world annotations "
                                 "(annotations/<stem>.jsonl); use --scorer baby or clip:PATH on this corpus")
            v = self.truth.visibility(info)
            out[i] = 0.0 if v is None else v
        return out
