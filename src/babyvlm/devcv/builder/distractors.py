"""Foils for picture vocabulary and looking while listening: neither too similar nor unrelated.

As in the NIH Baby Toolbox and the paper, a foil is chosen by its distance from the target word in
meaning and in sound. In meaning: cosine similarity of sentence embeddings inside
`semantic_band` (above it foils are near-synonyms, `dog`/`puppy`; below it they are unrelated),
plus `same_category` foils from the target's CDI category. In sound: normalised phoneme distance
of at least `phonological_min` (`ball`/`doll` would be told apart by hearing alone, or not at all).
Where too few candidates fit, the band is widened step by step; each widening is counted.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from babyvlm.devcv.builder.config import DistractorConfig
from babyvlm.devcv.builder.lexicon import Lexicon
from babyvlm.devcv.builder.vocab import Term


@dataclass
class Foil:
    term: Term
    semantic: float
    phonological: float
    same_category: bool
    relaxed: int  # band widenings needed

    def to_dict(self) -> dict:
        return {"word": self.term.word, "semantic": self.semantic, "phonological": self.phonological,
                "same_category": self.same_category}


class DistractorPicker:
    def __init__(self, lexicon: Lexicon, cfg: DistractorConfig):
        self.lex = lexicon
        self.cfg = cfg
        self.stats: Counter = Counter()
        self.semantic: list[float] = []
        self.phonological: list[float] = []

    def pick(self, target: Term, candidates: list[Term], k: int, rng: np.random.Generator) -> list[Foil] | None:
        """k foils for `target` among `candidates` (distinct words), or None when fewer than k exist."""
        cands = sorted({c.word: c for c in candidates if c.word != target.word}.values(), key=lambda t: t.item)
        if len(cands) < k:
            return None
        lo, hi = self.cfg.semantic_band
        scored = [(c, self.lex.semantic(target.word, c.word), self.lex.phonological(target.word, c.word)) for c in cands]
        chosen: list[Foil] = []
        want_same = min(self.cfg.same_category, k)
        for relax in range(0, 8):
            lo_r, hi_r = lo - 0.05 * relax, hi + 0.05 * relax
            ph_min = max(0.0, self.cfg.phonological_min - 0.1 * relax)
            ok = [s for s in scored if lo_r <= s[1] <= hi_r and s[2] >= ph_min
                  and s[0].word not in {f.term.word for f in chosen}]
            # same-category foils first, then the others
            same = [s for s in ok if s[0].category == target.category]
            other = [s for s in ok if s[0].category != target.category]
            n_same = sum(f.same_category for f in chosen)
            for group, need in ((same, want_same - n_same), (other, k - len(chosen))):
                order = rng.permutation(len(group))
                for i in order:
                    if need <= 0 or len(chosen) >= k:
                        break
                    c, sem, ph = group[int(i)]
                    if c.word in {f.term.word for f in chosen}:
                        continue
                    chosen.append(Foil(c, sem, ph, c.category == target.category, relax))
                    need -= 1
            if len(chosen) >= k:
                break
            if relax == 7:  # last resort: anything not sounding alike, nearest the band
                rest = sorted((s for s in scored if s[0].word not in {f.term.word for f in chosen}),
                              key=lambda s: (abs(s[1] - (lo + hi) / 2), s[0].item))
                for c, sem, ph in rest[: k - len(chosen)]:
                    chosen.append(Foil(c, sem, ph, c.category == target.category, 8))
        for f in chosen:
            self.stats["relaxed" if f.relaxed else "in_band"] += 1
            self.stats["same_category"] += int(f.same_category)
            self.semantic.append(f.semantic)
            self.phonological.append(f.phonological)
        return chosen[:k]

    def summary(self) -> dict:
        n = len(self.semantic)
        return {
            "foils": n, "in_band": self.stats["in_band"], "band_widened": self.stats["relaxed"],
            "same_category": self.stats["same_category"],
            "semantic_mean": round(float(np.mean(self.semantic)), 4) if n else None,
            "phonological_mean": round(float(np.mean(self.phonological)), 4) if n else None,
            "semantic_band": list(self.cfg.semantic_band), "phonological_min": self.cfg.phonological_min,
        }
