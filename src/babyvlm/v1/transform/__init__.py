"""BabyVLM-V1 child-directed synthetic data: rewrite captions, filter by CDI words, match to the infant corpus."""

from babyvlm.v1.transform.pipeline import transform

__all__ = ["transform"]
