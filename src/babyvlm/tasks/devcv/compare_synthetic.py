"""Who has more (synthetic): one object crop pasted N and M times; which image has more.

Official item: "Which image has more refrigerators? Answer (A) <image> (B) <image>" -> "A".
Chance 1/2.
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import ChoiceTask


class CompareSynthetic(ChoiceTask):
    name = "compare_synthetic"
    builder = "babyvlm.devcv.builder.tasks.compare_synthetic:build"
    folder = "compare_synthetic"
    leaderboard_id = "baby_compare_synthetic"
    nih_from_months = 25
    image_shape = "choose"
    description = "Who has more (synthetic): which image has more copies of the object"
    pixel_rule = "more_blobs"
