"""Subitizing: how many (1 to 4) objects, at a glance. Same item shape as `count`.

Not on the leaderboard's overall mean; reported as `baby_subitizing`.
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import NumberTask


class Subitizing(NumberTask):
    name = "subitizing"
    builder = "babyvlm.devcv.builder.tasks.counting:build_subitizing"
    folder = "subitizing"
    leaderboard_id = "baby_subitizing"
    nih_from_months = 25
    build_cost = 0.5
    image_shape = "label"
    description = "Subitizing: how many (1-4) objects"
    answer_range = (1, 4)
