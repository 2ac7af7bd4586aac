"""The object categories of the world: CDI words with a drawing, where they live, when they matter.

Every category is a MacArthur-Bates CDI (Words & Sentences) item; its CDI category and its age of
acquisition come from the packaged norms (`babyvlm.data`). Words without a norm (WS-only items)
get a late default AoA. `age_weight` turns AoA into how often an object is put in view and named
at a given age: caregivers talk about early words from the start and later words more as the
child grows.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from babyvlm.data import cdi_item, word_aoa
from babyvlm.world.draw import DrawSpec, Look, load_all
from babyvlm.world.palette import COLORS, jitter, pick_color

DEFAULT_AOA = 24.0  # months, for CDI items without a norm in the WG table
# domains the issue asks for, by CDI category
DOMAINS = ("animals", "toys", "food_drink", "household", "clothing", "vehicles", "furniture_rooms")


@dataclass(frozen=True)
class Category:
    spec: DrawSpec
    cdi_item: str
    cdi_category: str
    aoa: float  # months (produces)
    aoa_understands: float

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def say(self) -> str:
        return self.spec.say or self.spec.name

    @property
    def plural(self) -> str:
        return self.spec.plural or self.say + "s"

    def age_weight(self, age_months: float) -> float:
        """How much caregivers bring this object up at `age_months` (0.15..1)."""
        return 0.15 + 0.85 / (1.0 + math.exp(-(age_months + 7.0 - self.aoa) / 2.5))


@functools.lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    out = {}
    for name, spec in sorted(load_all().items()):
        w = cdi_item(spec.cdi_item)
        out[name] = Category(
            spec=spec,
            cdi_item=spec.cdi_item,
            cdi_category=w.category,
            aoa=word_aoa(w.uni_lemma, "produces") or word_aoa(spec.cdi_item, "produces") or DEFAULT_AOA,
            aoa_understands=word_aoa(w.uni_lemma, "understands") or word_aoa(spec.cdi_item, "understands") or DEFAULT_AOA - 6,
        )
    return out


def object_categories() -> dict[str, Category]:
    """Categories that are placed in scenes (everything but the child's own hands)."""
    return {k: c for k, c in categories().items() if c.spec.place != "hand"}


def make_look(cat: Category, rng: np.random.Generator, *, elev: float = 0.4) -> Look:
    """A random instance of a category: colour, second colour, pattern, detail."""
    spec = cat.spec
    name, rgb = pick_color(rng, spec.colors)
    others = [c for c in ("red", "blue", "yellow", "green", "white", "orange", "purple", "pink") if c != name]
    _, rgb2 = pick_color(rng, others)
    pattern = spec.patterns[int(rng.integers(len(spec.patterns)))]
    detail = int(rng.integers(max(1, spec.details)))
    return Look(color=rgb, color_name=name, color2=rgb2, pattern=pattern, detail=detail, elev=elev)


def skin_tone(rng: np.random.Generator) -> tuple[int, int, int]:
    base = [(245, 210, 185), (225, 180, 145), (190, 140, 105), (140, 95, 70), (105, 70, 50)][int(rng.integers(5))]
    return jitter(base, rng, hue=0.01, light=0.05, sat=0.05)


__all__ = ["COLORS", "Category", "DOMAINS", "categories", "make_look", "object_categories", "skin_tone"]
