"""The Visual Two-Word Test and Baby Winoground from an annotated corpus.

A frame's *phrase* is "<colour> <noun>" for its largest shown object whose category is one word,
whose colour is annotated and which is not in `two_word.exclude` (the child's own hands: "pink
hand" says little): true of the frame by construction. Frames are thinned as Labeled-S exemplars
are (`frames.min_gap` seconds apart per phrase and session, and not the same set of objects).

VTWT: each item is a frame, its phrase and a foil that differs in
* the first word: another colour, such that no instance of that colour and category is in view
  (colours are drawn from those the category takes in the benchmark's phrases, so the foil is
  plausible);
* the second word: another category, absent from the frame;
* both words: another colour and an absent category.
Foil words are drawn with the frequency they have as positive words (see `Vocabulary`). The foil
type is drawn per item with `two_word.foil_mix` (default close to the official release's
mix); when the drawn type is impossible for a frame the others are tried in turn.

Baby Winoground: a positive frame with its phrase and a negative frame with another phrase such
that each phrase is true of its own frame and false of the other (the other's colour-category pair
not in view at all). Minimal pairs are preferred: the same noun with another colour, or the same
colour with another noun, then both different.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np

from babyvlm.v1.benchmarks.scan import FrameInfo
from babyvlm.v1.config import FrameSelectConfig, TwoWordConfig

VTWT_COLUMNS = ("image", "positive_phrase", "negative_phrase")
WINOGROUND_COLUMNS = ("instance_id", "positive_phrase", "negative_phrase", "image", "image_tag")
FOIL_TYPES = ("first", "second", "both")


@dataclass(frozen=True)
class Phrase:
    color: str
    noun: str

    @property
    def text(self) -> str:
        return f"{self.color} {self.noun}"


@dataclass
class Candidate:
    frame: FrameInfo
    phrase: Phrase
    present: frozenset[str]  # categories in view at all
    present_colored: frozenset[tuple[str, str]]  # (colour, category) in view at all

    @property
    def image(self) -> str:
        return f"{self.frame.key}.jpg"

    def holds(self, p: Phrase) -> bool:
        return (p.color, p.noun) in self.present_colored

    def excludes(self, p: Phrase) -> bool:
        """True when the phrase is certainly false of this frame (nothing of that colour and category in view)."""
        return (p.color, p.noun) not in self.present_colored


def _one_word(category: str) -> bool:
    return bool(category) and " " not in category and "_" not in category


def candidates(frames: list[FrameInfo], cfg: FrameSelectConfig, exclude: tuple[str, ...] | list[str] = ()
               ) -> list[Candidate]:
    out = []
    last: dict[tuple[str, str, str], tuple[float, frozenset[str]]] = {}
    for f in frames:
        obj = next((o for o in f.shown(cfg) if _one_word(o.category) and o.color and o.category not in exclude), None)
        if obj is None:
            continue
        k = (f.stem, obj.color, obj.category)
        view = f.view(cfg)
        if k in last and (f.t - last[k][0] < cfg.min_gap or view == last[k][1]):
            continue
        last[k] = (f.t, view)
        out.append(Candidate(f, Phrase(obj.color, obj.category), frozenset(f.present(cfg)),
                             frozenset(f.present_colored(cfg))))
    return out


class Vocabulary:
    """What foils are drawn from: the colours and nouns of the candidate phrases, weighted by how
    often each is a positive phrase. Foil words are then about as frequent as positive words, so a
    model that only knows word frequencies (the `blind` baseline) stays near chance."""

    def __init__(self, cands: list[Candidate]):
        nouns: Counter[str] = Counter()
        colors: dict[str, Counter[str]] = defaultdict(Counter)
        all_colors: Counter[str] = Counter()
        for c in cands:
            nouns[c.phrase.noun] += 1
            colors[c.phrase.noun][c.phrase.color] += 1
            all_colors[c.phrase.color] += 1
        self.nouns = dict(sorted(nouns.items()))
        self.colors_of = {k: dict(sorted(v.items())) for k, v in sorted(colors.items())}
        self.all_colors = dict(sorted(all_colors.items()))

    @staticmethod
    def _pick(options: dict, rng: np.random.Generator):
        if not options:
            return None
        keys = list(options)
        w = np.array([options[k] for k in keys], float)
        return keys[int(rng.choice(len(keys), p=w / w.sum()))]

    def foil(self, cand: Candidate, kind: str, rng: np.random.Generator) -> Phrase | None:
        p = cand.phrase
        if kind == "first":
            own = {c: w for c, w in self.colors_of.get(p.noun, {}).items()
                   if c != p.color and (c, p.noun) not in cand.present_colored}
            other = {c: w for c, w in self.all_colors.items() if c != p.color and (c, p.noun) not in cand.present_colored}
            color = self._pick(own, rng) or self._pick(other, rng)
            return Phrase(color, p.noun) if color else None
        absent = {n: w for n, w in self.nouns.items() if n != p.noun and n not in cand.present}
        if kind == "second":
            plausible = {n: w for n, w in absent.items() if p.color in self.colors_of[n]}
            noun = self._pick(plausible, rng) or self._pick(absent, rng)
            return Phrase(p.color, noun) if noun else None
        pairs = {(c, n): w for n in absent for c, w in self.colors_of[n].items() if c != p.color}
        pick = self._pick(pairs, rng)
        return Phrase(*pick) if pick else None


def _foil_order(mix: dict[str, float], rng: np.random.Generator) -> list[str]:
    kinds = [k for k in FOIL_TYPES if mix.get(k, 0) > 0]
    w = np.array([mix[k] for k in kinds], float)
    first = kinds[int(rng.choice(len(kinds), p=w / w.sum()))]
    return [first] + [k for k in FOIL_TYPES if k != first]


@dataclass
class VTWTItem:
    cand: Candidate
    foil: Phrase
    kind: str


def build_vtwt(cands: list[Candidate], vocab: Vocabulary, cfg: TwoWordConfig, rng: np.random.Generator) -> list[VTWTItem]:
    order = rng.permutation(len(cands)).tolist()
    items = []
    for i in order:
        if len(items) >= cfg.items:
            break
        c = cands[i]
        for kind in _foil_order(cfg.foil_mix, rng):
            foil = vocab.foil(c, kind, rng)
            if foil is not None:
                items.append(VTWTItem(c, foil, kind))
                break
    items.sort(key=lambda it: (it.cand.frame.stem, it.cand.frame.t))
    return items


@dataclass
class WinogroundItem:
    pos: Candidate
    neg: Candidate
    kind: str  # what differs between the phrases: first | second | both


def build_winoground(cands: list[Candidate], cfg: TwoWordConfig, rng: np.random.Generator) -> list[WinogroundItem]:
    by_phrase: dict[Phrase, list[int]] = defaultdict(list)
    for i, c in enumerate(cands):
        by_phrase[c.phrase].append(i)
    by_noun: dict[str, list[Phrase]] = defaultdict(list)
    by_color: dict[str, list[Phrase]] = defaultdict(list)
    for p in sorted(by_phrase, key=lambda p: (p.noun, p.color)):
        by_noun[p.noun].append(p)
        by_color[p.color].append(p)
    phrases = sorted(by_phrase, key=lambda p: (p.noun, p.color))
    items: list[WinogroundItem] = []
    used: set[int] = set()
    for i in rng.permutation(len(cands)).tolist():
        if len(items) >= cfg.winoground_items:
            break
        if i in used:
            continue
        a = cands[i]
        groups = {
            "first": [p for p in by_noun[a.phrase.noun] if p != a.phrase],
            "second": [p for p in by_color[a.phrase.color] if p != a.phrase],
            "both": [p for p in phrases if p.noun != a.phrase.noun and p.color != a.phrase.color],
        }
        for kind in _foil_order(cfg.foil_mix, rng):
            options = []
            for p in groups[kind]:
                if not a.excludes(p):
                    continue
                for j in by_phrase[p]:
                    b = cands[j]
                    if j not in used and b.frame.stem + str(b.frame.t) != a.frame.stem + str(a.frame.t) and b.excludes(a.phrase):
                        options.append(j)
            if options:
                j = options[int(rng.integers(len(options)))]
                used.update((i, j))
                items.append(WinogroundItem(a, cands[j], kind))
                break
    items.sort(key=lambda it: (it.pos.frame.stem, it.pos.frame.t))
    return items


def vtwt_rows(items: list[VTWTItem]) -> list[dict[str, str]]:
    return [{"image": it.cand.image, "positive_phrase": it.cand.phrase.text, "negative_phrase": it.foil.text}
            for it in items]


def winoground_rows(items: list[WinogroundItem]) -> list[dict[str, str]]:
    out = []
    for k, it in enumerate(items):
        for tag, c in (("positive", it.pos), ("negative", it.neg)):
            out.append({"instance_id": str(k), "positive_phrase": it.pos.phrase.text,
                        "negative_phrase": it.neg.phrase.text, "image": c.image, "image_tag": tag})
    return out
