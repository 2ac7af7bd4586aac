"""The four BabyVLM-V1 benchmarks (loaders and scoring). `V1_TASKS` maps names to classes."""

from __future__ import annotations

from babyvlm.tasks.base import Task
from babyvlm.tasks.v1.baby_winoground import BabyWinoground
from babyvlm.tasks.v1.labeled_s import LabeledS
from babyvlm.tasks.v1.saycam_caption import SAYCamCaption
from babyvlm.tasks.v1.vtwt import VTWT

V1_TASKS: dict[str, type[Task]] = {cls.name: cls for cls in (LabeledS, VTWT, BabyWinoground, SAYCamCaption)}

__all__ = ["V1_TASKS"]
