"""Labeled-S from an annotated corpus: four frames, one showing the target category.

Exemplar frames (scan.py: the category's object is the frame's largest shown object and dominates
every other category) are collected per category, thinned so that two exemplars of a category from
one session are at least `frames.min_gap` seconds apart and do not show the same set of objects
(a still camera gives near-identical frames). Categories with fewer than
`min_exemplars` exemplars are left out. Each category gets up to `trials_per_category` trials, each
with its own target exemplar (never more trials than exemplars) and `foils` foil frames: exemplars
of distinct other categories in which the target category is absent, the foil categories drawn in
proportion to their own number of trials (so a category's frames are foils about `foils` times as
often as targets, whatever their look). Rows follow the official
layout (`trial_id, target_category, real_category, image`; target first, as in the release) with
images under `images/<category>/<stem>_<ms>.jpeg`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np

from babyvlm.v1.benchmarks.scan import FrameInfo
from babyvlm.v1.config import FrameSelectConfig, LabeledSConfig

COLUMNS = ("trial_id", "target_category", "real_category", "image")


@dataclass
class Exemplar:
    category: str
    frame: FrameInfo

    @property
    def image(self) -> str:
        return f"{self.category.replace(' ', '_')}/{self.frame.key}.jpeg"


def exemplars(frames: list[FrameInfo], cfg: FrameSelectConfig) -> dict[str, list[Exemplar]]:
    """Category -> exemplar frames, in (stem, time) order, at least min_gap apart within a session."""
    out: dict[str, list[Exemplar]] = defaultdict(list)
    last: dict[tuple[str, str], tuple[float, frozenset[str]]] = {}
    for f in frames:
        cat = f.exemplar_of(cfg)
        if cat is None:
            continue
        k = (cat, f.stem)
        view = f.view(cfg)
        if k in last and (f.t - last[k][0] < cfg.min_gap or view == last[k][1]):
            continue
        last[k] = (f.t, view)
        out[cat].append(Exemplar(cat, f))
    return dict(sorted(out.items()))


def build_trials(ex: dict[str, list[Exemplar]], cfg: LabeledSConfig, fcfg: FrameSelectConfig,
                 rng: np.random.Generator) -> tuple[list[list[Exemplar]], dict[str, int]]:
    """Trials (target first, then foils) and the number of trials per category."""
    cats = [c for c, v in ex.items() if len(v) >= cfg.min_exemplars]
    present = {id(e.frame): e.frame.present(fcfg) for c in cats for e in ex[c]}
    # trials per category first: foil categories are drawn in proportion to them, so every category
    # appears as foil about three times as often as it is the target and no pixel statistic of a
    # category's frames (big plain furniture vs busy toys) tells targets from foils
    per_cat = {c: min(cfg.trials_per_category, len(ex[c])) for c in cats}
    trials: list[list[Exemplar]] = []
    for cat in cats:
        options = {}
        for other in cats:
            if other != cat:
                ok = [e for e in ex[other] if cat not in present[id(e.frame)]]
                if ok:
                    options[other] = ok
        names = sorted(options)
        targets = list(ex[cat])
        order = sorted(rng.permutation(len(targets))[: per_cat[cat]].tolist())
        if len(names) < cfg.foils:
            per_cat[cat] = 0
            continue
        w = np.array([per_cat[n] for n in names], float)
        for i in order:
            picked = rng.choice(len(names), size=cfg.foils, replace=False, p=w / w.sum())
            foils = []
            for j in picked.tolist():
                pool = options[names[j]]
                foils.append(pool[int(rng.integers(len(pool)))])
            trials.append([targets[i], *foils])
    return trials, per_cat


def rows(trials: list[list[Exemplar]]) -> list[dict[str, str]]:
    out = []
    for k, trial in enumerate(trials):
        target = trial[0].category
        for e in trial:
            out.append({"trial_id": str(k), "target_category": target, "real_category": e.category, "image": e.image})
    return out
