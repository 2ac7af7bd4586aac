"""Object counting: how many of a category are in the image (answers 4 to 12 nominally).

Official item: "<image> How many cabinets do you see?" -> "10". The answer space is 4-12, widened
to every gold answer present in the loaded items; chance is 1 / (size of that space).
"""

from __future__ import annotations

from babyvlm.devcv.tasks.common import NumberTask


class Count(NumberTask):
    name = "count"
    folder = "count"
    leaderboard_id = "baby_count"
    description = "Counting: how many objects of the category"
    answer_range = (4, 12)

    # BUILDER HOOK (issue 6): def build(self, frames, rng, **options) -> list[Item]
