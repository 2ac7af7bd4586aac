"""What one split offers the task builders: usable objects, countable frames, leaving events.

An *observation* is one object in one frame that can be shown on its own: its box is big enough,
mostly visible and not cut by the frame edge. A frame is *countable* for an item when every
instance of it in view is clearly in view (no instance between 0 and `count_ambiguous` visible),
so the number a question asks for is unambiguous.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from babyvlm.devcv.builder.config import ObjectConfig
from babyvlm.devcv.builder.sources import FrameRec, LeaveEvent, Obj, SessionIndex, touching
from babyvlm.devcv.builder.vocab import Term, Vocabulary

MIN_COUNT_SIDE = 6  # pixels: an instance smaller than this makes a frame's count for its item unclear


@dataclass(frozen=True)
class Observation:
    frame: int  # index into Pool.frames
    obj: int  # index into that frame's objects


class Pool:
    def __init__(self, split: str, sessions: list[SessionIndex], vocab: Vocabulary, cfg: ObjectConfig):
        self.split = split
        self.sessions = sessions
        self.vocab = vocab
        self.cfg = cfg
        self.frames: list[FrameRec] = [f for s in sessions for f in s.frames]
        self.events: list[LeaveEvent] = [e for s in sessions for e in s.events]
        self.observations: list[Observation] = []
        self.by_item: dict[str, list[Observation]] = defaultdict(list)
        self.by_instance: dict[tuple[str, str], list[Observation]] = defaultdict(list)
        self.frames_by_session: dict[str, list[int]] = defaultdict(list)
        self.counts: list[dict[str, int]] = []  # per frame: item -> count, for countable items only
        for fi, f in enumerate(self.frames):
            self.frames_by_session[f.session].append(fi)
            counts: dict[str, int] = defaultdict(int)
            ambiguous: set[str] = set()
            for oi, o in enumerate(f.objects):
                if (0 < o.visible < cfg.count_ambiguous or touching(o.box, f.width, f.height, cfg.border)
                        or min(o.box[2], o.box[3]) < MIN_COUNT_SIDE):
                    ambiguous.add(o.item)
                else:
                    counts[o.item] += 1
                if self.usable(f, o):
                    ob = Observation(fi, oi)
                    self.observations.append(ob)
                    self.by_item[o.item].append(ob)
                    if o.id is not None:
                        self.by_instance[(f.session, o.id)].append(ob)
            self.counts.append({k: v for k, v in counts.items() if k not in ambiguous})

    def usable(self, f: FrameRec, o: Obj) -> bool:
        x, y, w, h = o.box
        return (o.visible >= self.cfg.min_visible and min(w, h) >= self.cfg.min_side
                and not touching(o.box, f.width, f.height, self.cfg.border))

    def frame(self, ob: Observation) -> FrameRec:
        return self.frames[ob.frame]

    def obj(self, ob: Observation) -> Obj:
        return self.frames[ob.frame].objects[ob.obj]

    def term(self, item: str) -> Term:
        return self.vocab.term(item)

    def items(self, min_observations: int = 1) -> list[str]:
        """CDI items with usable observations, sorted."""
        return sorted(k for k, v in self.by_item.items() if len(v) >= min_observations)

    def same_item_in_frame(self, ob: Observation) -> int:
        """Other instances of the observation's item in its frame (any visibility)."""
        f = self.frame(ob)
        o = self.obj(ob)
        return sum(1 for k, p in enumerate(f.objects) if k != ob.obj and p.item == o.item)
