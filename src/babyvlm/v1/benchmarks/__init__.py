"""The four BabyVLM-V1 benchmarks built from an annotated corpus, in the official CSV layouts."""

from babyvlm.v1.benchmarks.pipeline import TASKS, build

__all__ = ["TASKS", "build"]
