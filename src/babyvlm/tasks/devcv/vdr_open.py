"""Visual delayed response, open: which of 8 parts of the frame the object leaves from.

Official item: "<image>...<image> which part of the frame does the fridge leave from? respond
ONLY with one of: 'top', 'bottom', 'left', 'right', 'top right', 'top left', 'bottom right', or
'bottom left'." -> "top". Chance: exact 1/8, adjacent 3/8.
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import DirectionTask


class VDROpen(DirectionTask):
    name = "vdr_open"
    builder = "babyvlm.devcv.builder.tasks.vdr:build_open"
    folder = "vdr-open"
    leaderboard_id = "baby_vdr_open"
    nih_from_months = 22
    build_cost = 3.0
    image_shape = "sequence"
    description = "Visual delayed response (open): which of 8 directions the object leaves by"
