"""Ground-truth object annotations of a world corpus (`annotations/<stem>.jsonl`).

Real corpora have none; the world writes them so that filtering, task building and training can be
measured. One JSON object per line, in time order (full description in docs/formats.md):

* `{"type": "session", ...}` first: stem, child, age_days, width, height, fps, duration, room,
  annotation_rate and `instances` (id, category, CDI item/category, attributes).
* `{"type": "frame", "t": 0.1, "objects": [{"id", "category", "bbox": [x, y, w, h], "visible"}]}`:
  at least 5 per second; `bbox` is the tight box of the instance's visible pixels in video pixel
  coordinates and `visible` the fraction of the instance's pixels that are visible (in frame and
  not occluded). Instances with no visible pixel are not listed.
* `{"type": "utterance", "index", "start", "end", "speaker", "text", "kind", "referents":
  [{"id", "category", "visible", "visible_fraction"}]}`: which instances the utterance names and
  whether each was in view while it was spoken.
* `{"type": "event", "event": "leaves_frame", "id", "category", "start", "end", "side"}`: an instance
  leaving the view through `side` (left, right, top, bottom, top left, ...).
"""

from __future__ import annotations

import bisect
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError


@dataclass
class ObjectBox:
    id: str
    category: str
    bbox: tuple[float, float, float, float]  # x, y, w, h of the visible pixels
    visible: float  # fraction of the instance's pixels visible


@dataclass
class FrameAnnotation:
    t: float
    objects: list[ObjectBox]


@dataclass
class UtteranceAnnotation:
    index: int
    start: float
    end: float
    text: str
    speaker: str
    kind: str
    referents: list[dict[str, Any]]

    @property
    def visible_referents(self) -> list[dict[str, Any]]:
        return [r for r in self.referents if r.get("visible")]


@dataclass
class SessionAnnotations:
    header: dict[str, Any]
    frames: list[FrameAnnotation] = field(default_factory=list)
    utterances: list[UtteranceAnnotation] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._times = [f.t for f in self.frames]

    def frame_at(self, t: float) -> FrameAnnotation | None:
        """The annotation record nearest to time `t`."""
        if not self.frames:
            return None
        i = bisect.bisect_left(self._times, t)
        cands = [j for j in (i - 1, i) if 0 <= j < len(self.frames)]
        return self.frames[min(cands, key=lambda j: abs(self._times[j] - t))]

    def frames_between(self, start: float, end: float) -> list[FrameAnnotation]:
        a = bisect.bisect_left(self._times, start)
        b = bisect.bisect_left(self._times, end)
        return self.frames[a:b]

    def utterance_near(self, start: float, end: float) -> UtteranceAnnotation | None:
        """The utterance annotation with the largest overlap with [start, end]."""
        best, best_ov = None, 0.0
        for u in self.utterances:
            ov = min(end, u.end) - max(start, u.start)
            if ov > best_ov:
                best, best_ov = u, ov
        return best


def read_annotations(path: str | Path) -> SessionAnnotations:
    """Parse an annotation file; a malformed line is an InputError naming the file and line."""
    path = Path(path)
    header: dict[str, Any] = {}
    frames, utts, events = [], [], []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                kind = rec.get("type")
                if kind == "session":
                    header = rec
                elif kind == "frame":
                    frames.append(FrameAnnotation(
                        t=float(rec["t"]),
                        objects=[ObjectBox(o["id"], o["category"], tuple(float(v) for v in o["bbox"]), float(o["visible"]))
                                 for o in rec.get("objects", [])],
                    ))
                elif kind == "utterance":
                    utts.append(UtteranceAnnotation(
                        index=int(rec["index"]), start=float(rec["start"]), end=float(rec["end"]),
                        text=rec.get("text", ""), speaker=rec.get("speaker", "unknown"), kind=rec.get("kind", ""),
                        referents=list(rec.get("referents", [])),
                    ))
                elif kind == "event":
                    events.append(rec)
            except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as e:
                raise InputError(f"{path}:{n}: malformed annotation record ({type(e).__name__}: {e})") from None
    frames.sort(key=lambda fr: fr.t)
    return SessionAnnotations(header=header, frames=frames, utterances=utts, events=events)
