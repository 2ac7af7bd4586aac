"""Keeping pixel shortcuts at chance while building.

An item should test the skill it names, not a pixel statistic that happens to go with the answer.
The statistics and the rules that answer with them live in `babyvlm.tasks.shortcuts` (shared with
the `pixel` baseline); builders score candidate stimuli with those rules and keep the share of items
each rule would answer right at chance (`ConfoundControl`), the way numerosity studies control area
and density.
"""

from __future__ import annotations

import numpy as np


class ConfoundControl:
    """Keeps the share of items a shortcut statistic answers right near `target` (its chance level).

    For each item the builder offers candidate realisations, each marked with whether the statistic
    would get it right; `choose` takes one that moves the running share towards the target.
    """

    def __init__(self, name: str, target: float):
        self.name = name
        self.target = target
        self.n = 0
        self.hits = 0
        self.forced = 0  # items where no candidate of the wanted kind existed

    def want_hit(self) -> bool:
        return self.hits + 0.5 <= self.target * (self.n + 1) + 1e-9

    def choose(self, candidates: list, hit_of, rng: np.random.Generator, want: bool | None = None):
        """A candidate (random among those of the wanted kind); `hit_of(c)` -> bool. `want` overrides
        the kind the running share asks for (for patterns over several items)."""
        if not candidates:
            return None
        want = self.want_hit() if want is None else want
        marked = [(c, bool(hit_of(c))) for c in candidates]
        good = [m for m in marked if m[1] == want]
        if not good:
            self.forced += 1
        pool = good or marked
        c, hit = pool[int(rng.integers(len(pool)))]
        self.record(hit)
        return c

    def record(self, hit: bool) -> None:
        self.n += 1
        self.hits += int(hit)

    def summary(self) -> dict:
        return {"statistic": self.name, "target": round(self.target, 4), "items": self.n,
                "share_right": round(self.hits / self.n, 4) if self.n else None, "uncontrolled_items": self.forced}
