"""Image/video-utterance similarity scorers (the Scorer protocol and its implementations).

* `baby` (default): a small contrastive model trained on the corpus itself (`babyvlm scorer train`).
* `clip:PATH`: a local CLIP or SigLIP checkpoint through transformers.
* `oracle`: the world's ground truth (referent visibility), for measuring the others.
* `none`: every pair scores 1 (no filtering; the unfiltered baseline).

`load_scorer(spec, model=...)` turns a command-line spec into a scorer. Heavy imports (torch,
transformers) happen only when a scorer that needs them is loaded.
"""

from __future__ import annotations

from pathlib import Path

from babyvlm.errors import InputError
from babyvlm.scoring.base import AGGREGATES, PairInfo, Scorer, aggregate, score_video

KINDS = ("baby", "oracle", "clip", "none")


def scorer_kind(spec: str) -> str:
    kind = spec.split(":", 1)[0]
    if kind not in KINDS:
        raise InputError(f"unknown scorer {spec!r} (use baby, oracle, clip:PATH or none)")
    if kind == "clip" and not spec[5:]:
        raise InputError("clip scorer needs a path: clip:PATH")
    return kind


def load_scorer(spec: str, *, model: str | Path | None = None, min_visible: float = 0.25,
                batch_size: int = 64) -> Scorer:
    """`baby` (with `model`, a `babyvlm scorer train` output), `oracle`, or `clip:PATH`."""
    kind = scorer_kind(spec)
    if kind == "none":
        from babyvlm.scoring.base import NullScorer

        return NullScorer()
    if kind == "oracle":
        from babyvlm.scoring.oracle import OracleScorer

        return OracleScorer(min_visible)
    if kind == "clip":
        from babyvlm.scoring.clip import ClipScorer

        return ClipScorer(spec[5:], batch_size=batch_size)
    if model is None:
        raise InputError("the baby scorer needs a model folder (train one with `babyvlm scorer train CORPUS --out DIR`)")
    from babyvlm.scoring.baby.scorer import BabyScorer

    return BabyScorer(model, batch_size=max(batch_size, 64))


__all__ = ["AGGREGATES", "KINDS", "PairInfo", "Scorer", "aggregate", "load_scorer", "score_video", "scorer_kind"]
