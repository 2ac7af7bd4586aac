"""Visual Two-Word Test (BabyVLM-V1): one frame, two two-word phrases; which one fits.

CSV `vtwt.csv`: image, positive_phrase, negative_phrase.

Protocol: each phrase is scored as the reply to the image alone; the more likely phrase is the
model's choice. The two phrases differ in their tokens and often in their number, so MEANS of the
log-probability per token are compared (a sum would favour the phrase with fewer tokens, whatever
the image). An exact tie is wrong (strict, as Winoground scores). Chance 1/2.
"""

from __future__ import annotations

from typing import Any

from babyvlm.tasks.base import ScoreContext, beats
from babyvlm.tasks.conversation import Conversation, ImageRef
from babyvlm.tasks.items import Item
from babyvlm.tasks.v1.base import V1Task


class VTWT(V1Task):
    name = "vtwt"
    kind = "loglikelihood"
    leaderboard_id = "v1_vtwt"
    version = 2  # 2: ties are wrong (were coin flips)
    csv_names = ("vtwt.csv",)
    description = "Visual two-word test: which of two phrases fits the frame (likelihood)"

    def make_items(self, rows, root, path):
        self.require(rows, path, ("image", "positive_phrase", "negative_phrase"))
        for k, r in enumerate(rows):
            yield self.item(f"row_{k}", [root / r["image"]], root, phrases=[r["positive_phrase"], r["negative_phrase"]]), None, r

    def requests(self, item: Item) -> list[tuple[Conversation, str]]:
        text = "<image>" + (f"\n{self.prompt}" if self.prompt else "")
        conv = Conversation.from_turns([("user", text)], [ImageRef(item.images[0])], self.meta(item, pixel="busiest"))
        return [(conv, p) for p in item.extra["phrases"]]

    def score(self, item: Item, output: list[tuple[float, int]], ctx: ScoreContext) -> dict[str, Any]:
        means = [s / max(n, 1) for s, n in output]
        ok, tied = beats(means[0], means[1])
        return {"id": item.id, "prompt": item.extra["phrases"], "response": [list(o) for o in output],
                "parsed": 0 if ok else (None if tied else 1), "gold": 0, "correct": ok, "ties": int(tied), "metrics": {"acc": float(ok)}}

    def chance(self, items):
        return {"acc": 0.5}
