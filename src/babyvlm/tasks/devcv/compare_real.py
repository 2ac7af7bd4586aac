"""Who has more (naturalistic frames): which of two images has more of a category.

Official item (`notes` gives the counts): "Which image has more shoes? (A) <image> (B) <image>"
-> "A", notes "first should have 2 second should have 1". Chance 1/2.
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import ChoiceTask


class CompareReal(ChoiceTask):
    name = "compare_real"
    builder = "babyvlm.devcv.builder.tasks.compare_real:build"
    folder = "compare_real"
    leaderboard_id = "baby_compare_real"
    nih_from_months = 25
    image_shape = "choose"
    description = "Who has more (real frames): which image has more of the category"
    pixel_rule = "more_blobs"
