"""Visual delayed response, binary: through which of two sides does the object leave the frame.

Official item (frames as images, `gif` an animation of them): "<image>...<image> does the fridge
leave the frame through the right side of the frame or the left side of the frame? respond ONLY
with 'right' or 'left'." -> "right". Options are the quoted words of the prompt. Metrics
`acc_exact` (primary) and `acc_adjacent`; chance 1/2 for both with left/right options.
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import DirectionTask


class VDRBinary(DirectionTask):
    name = "vdr_binary"
    builder = "babyvlm.devcv.builder.tasks.vdr:build_binary"
    folder = "vdr-binary"
    leaderboard_id = "baby_vdr_binary"
    nih_from_months = 22
    build_cost = 3.0
    image_shape = "sequence"
    description = "Visual delayed response (binary): which side the object leaves through"
    default_options = ("left", "right")
