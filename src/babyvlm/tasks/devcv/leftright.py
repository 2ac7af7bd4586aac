"""Left/right: a reference image and three options; which shows the same left-right configuration.

Official item: "<image> Which of the following is the same as this? Answer with a number. (A)
<image> (B) <image> (C) <image>" -> "A". Chance 1/3. The prompt asks for a number while the
options are letters: the default parser reads "2" as the second option (B); the official parser
only reads letters. In the official items the gold option is a pixel copy of the reference, which
the `pixel` baseline exposes.
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import ChoiceTask


class LeftRight(ChoiceTask):
    name = "leftright"
    builder = "babyvlm.devcv.builder.tasks.leftright:build"
    folder = "leftright"
    leaderboard_id = "baby_leftright"
    build_cost = 2.0
    image_shape = "match"
    description = "Left/right: which option keeps the reference's left-right configuration"
    pixel_rule = "nearest"
    reference_image = 0
