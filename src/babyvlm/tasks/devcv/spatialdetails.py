"""Spatial details: a reference crop and three frames; which contains exactly this object.

Official item: "<image> Which of the following contains exactly this object? (A) <image> (B)
<image> (C) <image>. Pay attention to details and give only a letter A-C." -> "B". Chance 1/3.
"""

from __future__ import annotations

from babyvlm.tasks.devcv.common import ChoiceTask


class SpatialDetails(ChoiceTask):
    name = "spatialdetails"
    builder = "babyvlm.devcv.builder.tasks.spatialdetails:build"
    folder = "spatialdetails"
    leaderboard_id = "baby_spatialdetails"
    image_shape = "match"
    description = "Spatial details: which frame contains exactly the reference object"
    pixel_rule = "nearest"
    reference_image = 0
