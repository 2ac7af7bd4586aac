"""The four BabyVLM-V1 benchmarks (loaders and scoring). `V1_TASKS` maps names to classes."""

from __future__ import annotations

from babyvlm.devcv.tasks.base import Task
from babyvlm.v1.tasks.baby_winoground import BabyWinoground
from babyvlm.v1.tasks.labeled_s import LabeledS
from babyvlm.v1.tasks.saycam_caption import SAYCamCaption
from babyvlm.v1.tasks.vtwt import VTWT

V1_TASKS: dict[str, type[Task]] = {cls.name: cls for cls in (LabeledS, VTWT, BabyWinoground, SAYCamCaption)}

__all__ = ["V1_TASKS"]
