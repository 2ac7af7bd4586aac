"""Baby Winoground (BabyVLM-V1): two frames, two phrases, each phrase belonging to one frame.

CSV `baby_winoground.csv`: instance_id, positive_phrase, negative_phrase, image, image_tag; two
rows per instance (image_tag positive / negative); the positive phrase describes the positive
image, the negative phrase the negative image. The leaderboard's `baby_winoground` slot is scored
from this CSV (in lmms-eval: `dataset/baby_winoground/baby_winoground.csv`), so its results go to
scores.json and the overall as `baby_winoground`.

Protocol and scores as looking_while_listening (`winoground_row`): text score compares per-token
MEANS (different phrases), image score compares SUMS (same phrase under two images), group score
both; an exact tie is not a win (strict, as Winoground defines its scores). Chance: text 1/4,
image 1/4, group 1/6.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from babyvlm.tasks.base import ScoreContext
from babyvlm.tasks.conversation import Conversation
from babyvlm.tasks.devcv.looking_while_listening import (
    WINOGROUND_CHANCE,
    WINOGROUND_METRICS,
    pair_requests,
    winoground_row,
)
from babyvlm.tasks.items import Item
from babyvlm.tasks.v1.base import V1Task


class BabyWinoground(V1Task):
    name = "baby_winoground"
    kind = "loglikelihood"
    leaderboard_id = "baby_winoground"  # the leaderboard scores this slot from this CSV (else looking_while_listening)
    version = 2  # 2: ties are not wins (were coin flips); fills the leaderboard's baby_winoground slot
    metrics = WINOGROUND_METRICS
    primary = "group_score"
    csv_names = ("baby_winoground.csv",)
    description = "Baby Winoground: two frames x two phrases (likelihood)"

    def make_items(self, rows, root, path):
        self.require(rows, path, ("instance_id", "positive_phrase", "negative_phrase", "image", "image_tag"))
        groups: OrderedDict[str, list[dict[str, str]]] = OrderedDict()
        for r in rows:
            groups.setdefault(r["instance_id"], []).append(r)
        for inst, rs in groups.items():
            tags = {r["image_tag"]: r for r in rs}
            if len(rs) != 2 or set(tags) != {"positive", "negative"}:
                yield None, f"instance {inst}: needs one positive and one negative row", {"instance_id": inst}
                continue
            pos, neg = tags["positive"], tags["negative"]
            if (pos["positive_phrase"], pos["negative_phrase"]) != (neg["positive_phrase"], neg["negative_phrase"]):
                yield None, f"instance {inst}: the two rows give different phrases", {"instance_id": inst}
                continue
            yield self.item(f"instance_{inst}", [root / pos["image"], root / neg["image"]], root,
                            phrases=[pos["positive_phrase"], pos["negative_phrase"]]), None, {"instance_id": inst}

    def requests(self, item: Item) -> list[tuple[Conversation, str]]:
        return pair_requests(self, item, self.images(item), item.extra["phrases"], self.prompt)

    def score(self, item: Item, output, ctx: ScoreContext) -> dict[str, Any]:
        return winoground_row(item.id, item.extra["phrases"], output, ctx)

    def chance(self, items):
        return dict(WINOGROUND_CHANCE)
