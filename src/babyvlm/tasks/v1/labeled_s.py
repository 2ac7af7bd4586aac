"""Labeled-S (BabyVLM-V1): four SAYCam frames, one category word; which frame shows it.

CSV `labeled_s.csv`: trial_id, target_category, real_category, image; four rows per trial, the
row whose real_category is the target being the answer.

Protocol: the model scores the category word (e.g. "ball") as the reply to each image alone
(`prompt` adds text after the image); the chosen image is the one under which the word is most
likely. The four requests carry the same word, hence the same tokens, so SUMS of log-probabilities
are compared (equal to comparing means). A tie for the largest value is no choice and wrong
(strict, as Winoground scores; the CSV lists the target first, so breaking ties towards the first
option would inflate scores). Chance 1/4.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from babyvlm.tasks.base import ScoreContext, argmax_strict
from babyvlm.tasks.conversation import Conversation, ImageRef
from babyvlm.tasks.items import Item
from babyvlm.tasks.v1.base import V1Task


class LabeledS(V1Task):
    name = "labeled_s"
    kind = "loglikelihood"
    leaderboard_id = "v1_labeled_s"
    version = 2  # 2: a tie for the best image is wrong (was a seeded draw)
    csv_names = ("labeled_s.csv",)
    description = "Labeled-S: which of four frames the category word names (likelihood)"

    def make_items(self, rows, root, path):
        self.require(rows, path, ("trial_id", "target_category", "real_category", "image"))
        trials: OrderedDict[str, list[dict[str, str]]] = OrderedDict()
        for r in rows:
            trials.setdefault(r["trial_id"], []).append(r)
        for trial, rs in trials.items():
            target = rs[0]["target_category"]
            cats = [r["real_category"] for r in rs]
            item_id = f"trial_{trial}"
            if any(r["target_category"] != target for r in rs):
                yield None, f"trial {trial}: rows disagree on the target category", {"trial_id": trial}
            elif cats.count(target) != 1:
                yield None, f"trial {trial}: {cats.count(target)} images of the target {target!r} (need 1)", {"trial_id": trial}
            else:
                yield self.item(item_id, [root / r["image"] for r in rs], root, target=target, categories=cats,
                                answer=cats.index(target)), None, {"trial_id": trial}

    def requests(self, item: Item) -> list[tuple[Conversation, str]]:
        text = "<image>" + (f"\n{self.prompt}" if self.prompt else "")
        return [(Conversation.from_turns([("user", text)], [ImageRef(p)], self.meta(item, image_index=i, pixel="busiest")),
                 item.extra["target"]) for i, p in enumerate(item.images)]

    def score(self, item: Item, output: list[tuple[float, int]], ctx: ScoreContext) -> dict[str, Any]:
        sums = [s for s, _ in output]
        choice, tied = argmax_strict(sums)
        gold = item.extra["answer"]
        return {"id": item.id, "prompt": item.extra["target"], "response": [list(o) for o in output],
                "parsed": choice, "gold": gold, "correct": choice == gold, "ties": int(tied),
                "metrics": {"acc": float(choice == gold)}}

    def chance(self, items):
        return {"acc": sum(1 / len(i.images) for i in items) / len(items) if items else None}
