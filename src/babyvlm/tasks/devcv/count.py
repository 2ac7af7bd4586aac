"""Object counting: how many of a category are in the image (answers 4 to 12).

Official item: "<image> How many cabinets do you see?" -> "10". The answer space is 4-12 by the
task's definition (as the DevCV builder draws counts), whatever golds a source holds; chance is
1/9 per item whose gold is in it (0 for one outside, which is still scored and counted).
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import NumberTask


class Count(NumberTask):
    name = "count"
    builder = "babyvlm.devcv.builder.tasks.counting:build_count"
    folder = "count"
    leaderboard_id = "baby_count"
    nih_from_months = 25
    build_cost = 0.7
    image_shape = "label"
    description = "Counting: how many objects of the category"
    answer_range = (4, 12)
