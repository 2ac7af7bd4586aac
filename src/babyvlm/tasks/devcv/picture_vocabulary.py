"""Picture vocabulary (NIH Baby Toolbox): four pictures, touch the one the word names.

Official item: "<image><image><image><image>\\n Touch the image of 'street' (A) the first image
(B) the second image (C) the third image (D) the fourth image." -> "C". Chance 1/4.
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import ChoiceTask


class PictureVocabulary(ChoiceTask):
    name = "picture_vocabulary"
    builder = "babyvlm.devcv.builder.tasks.picture_vocabulary:build"
    folder = "picture_vocabulary"
    leaderboard_id = "baby_pv"
    nih_from_months = 25
    build_cost = 2.0
    description = "Picture vocabulary: which of four images the word names"
    pixel_rule = "busiest"  # no reference image: the busiest crop exposes size/clutter biases of the targets
