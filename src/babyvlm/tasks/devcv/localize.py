"""Localization: in which quadrant of the image is the named object.

Official item (with the object's box `bb` = [x, y, w, h]): "<image> Point at the drain. Is it in
the (A) top left or (B) top right or (C) bottom left or (D) bottom right of the image?" -> "A".
Chance 1/4. The default parser also accepts the quadrant's words ("top left").
"""

from __future__ import annotations

from babyvlm.tasks.conversation import Conversation
from babyvlm.tasks.devcv.common import ChoiceTask, option_layout
from babyvlm.tasks.items import Item
from babyvlm.tasks.parsing import parse_direction


class Localize(ChoiceTask):
    name = "localize"
    builder = "babyvlm.devcv.builder.tasks.localize:build"
    folder = "localize"
    leaderboard_id = "baby_localize"
    description = "Localization: which quadrant holds the named object"
    pixel_rule = "quadrant"

    def conversation(self, item: Item) -> Conversation:
        conv = super().conversation(item)
        _, texts, _ = option_layout(self.human(item))
        # which quadrant each option names, for the pixel baseline
        conv.meta["option_quadrants"] = {k: parse_direction(v).value for k, v in texts.items()}
        return conv
