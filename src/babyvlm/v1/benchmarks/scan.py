"""What each sampled frame of an annotated corpus shows, from the ground truth alone (no decoding).

For every session with annotations, frames are taken at `frames.rate` per second (times
`(k + 0.5) / rate`, the corpus module's convention) and described by the nearest annotation record:
each visible object with its category, colour (from the session's instance attributes), visible
fraction and the share of the frame its visible box covers.

Definitions the builders share (thresholds in `FrameSelectConfig`):

* an object is *shown* when its visible fraction is >= `min_visible` and its box covers >= `min_area`
  of the frame;
* a category is *absent* from a frame when none of its instances is visible above `absent_visible`
  (strict: a foil category must not be in view at all, not even partly);
* a frame is an *exemplar* of a category when its largest shown object is of that category and
  that category's visible boxes cover at least `dominance` times the area of any other category's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babyvlm.corpus import Corpus, sample_times
from babyvlm.corpus.annotations import read_annotations
from babyvlm.errors import InputError
from babyvlm.util.rejects import Reject
from babyvlm.v1.config import FrameSelectConfig


@dataclass(frozen=True)
class Obj:
    id: str
    category: str
    color: str
    visible: float
    area: float  # share of the frame covered by the visible box


@dataclass
class FrameInfo:
    stem: str
    t: float
    objects: list[Obj]

    def shown(self, cfg: FrameSelectConfig) -> list[Obj]:
        return sorted((o for o in self.objects if o.visible >= cfg.min_visible and o.area >= cfg.min_area),
                      key=lambda o: (-o.area, o.id))

    def present(self, cfg: FrameSelectConfig) -> set[str]:
        return {o.category for o in self.objects if o.visible > cfg.absent_visible}

    def present_colored(self, cfg: FrameSelectConfig) -> set[tuple[str, str]]:
        return {(o.color, o.category) for o in self.objects if o.visible > cfg.absent_visible}

    def exemplar_of(self, cfg: FrameSelectConfig) -> str | None:
        """The category the frame is *of*: its largest shown object's, when that category's objects
        cover at least `dominance` times the area of any other category's (ten small balls outweigh
        one big table)."""
        shown = self.shown(cfg)
        if not shown:
            return None
        cat = shown[0].category
        area: dict[str, float] = {}
        for o in self.objects:
            if o.visible > cfg.absent_visible:
                area[o.category] = area.get(o.category, 0.0) + o.area
        rival = max((a for c, a in area.items() if c != cat), default=0.0)
        return cat if area[cat] >= cfg.dominance * rival else None

    def view(self, cfg: FrameSelectConfig) -> frozenset[str]:
        """The instances in good view: two frames with the same set show much the same scene."""
        return frozenset(o.id for o in self.objects if o.visible >= cfg.min_visible)

    @property
    def key(self) -> str:
        """`<stem>_<milliseconds>`: names the frame's image files."""
        return f"{self.stem}_{int(round(self.t * 1000)):07d}"


@dataclass(frozen=True)
class UtteranceFrame:
    """An utterance and the moment inside it that best shows what it names."""

    index: int
    start: float
    end: float
    text: str
    speaker: str
    kind: str
    visible_referents: tuple[str, ...]  # categories named and in view while it was spoken
    t: float  # the annotated time in [start, end] where its visible referents are most in view (else the middle)


def _best_time(ann, u) -> float:
    ids = {r["id"] for r in u.visible_referents}
    best_t, best = (u.start + u.end) / 2, 0.0
    for fa in ann.frames_between(u.start, u.end):
        v = sum(o.visible for o in fa.objects if o.id in ids)
        if v > best + 1e-9:
            best_t, best = fa.t, v
    return best_t


@dataclass
class SessionInfo:
    stem: str
    child: str
    age_days: int | None
    video: Path
    annotations: Path
    duration: float
    frames: list[FrameInfo] = field(default_factory=list)
    utterances: list[UtteranceFrame] = field(default_factory=list)


def scan(corpus: Corpus, cfg: FrameSelectConfig, rejects: list[Reject]) -> Iterator[SessionInfo]:
    """Sessions in stem order with their sampled frames; sessions without annotations become rejects."""
    entries = sorted(corpus.entries, key=lambda e: e.stem)
    if not any(e.annotations for e in entries):
        raise InputError(f"{corpus.root}: no annotations/<stem>.jsonl; the V1 benchmarks are built from object "
                         "annotations (generate a world with `babyvlm world`)")
    for e in entries:
        if e.annotations is None or e.video is None:
            rejects.append(Reject(str(e.video or e.stem), "no annotations (V1 benchmarks need object annotations)",
                                  None, "v1-build", {"stem": e.stem}))
            continue
        try:
            ann = read_annotations(e.annotations)
        except InputError as err:
            rejects.append(Reject(str(e.annotations), str(err), None, "v1-build", {"stem": e.stem}))
            continue
        h = ann.header
        width, height = float(h.get("width", 0) or 0), float(h.get("height", 0) or 0)
        duration = float(h.get("duration", 0) or 0)
        if width <= 0 or height <= 0 or duration <= 0 or not ann.frames:
            rejects.append(Reject(str(e.annotations), "annotation header lacks width/height/duration or has no frames",
                                  None, "v1-build", {"stem": e.stem}))
            continue
        colors = {i["id"]: str((i.get("attributes") or {}).get("color", "")) for i in h.get("instances", [])}
        utts = [UtteranceFrame(u.index, u.start, u.end, u.text, u.speaker, u.kind,
                               tuple(sorted({r.get("category", "") for r in u.visible_referents})), _best_time(ann, u))
                for u in ann.utterances]
        info = SessionInfo(e.stem, e.child, e.age_days, e.video, e.annotations, duration, utterances=utts)
        for t in sample_times(0.0, duration, cfg.rate):
            fa = ann.frame_at(t)
            if fa is None or abs(fa.t - t) > 1.0:
                continue
            objs = [Obj(o.id, o.category, colors.get(o.id, ""), o.visible, (o.bbox[2] * o.bbox[3]) / (width * height))
                    for o in fa.objects]
            info.frames.append(FrameInfo(e.stem, t, objs))
        yield info
