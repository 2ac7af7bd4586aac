"""SAYCam Caption (BabyVLM-V1): describe a frame; scored by METEOR against the reference utterance.

CSV `SAYCam_caption.csv`: image, text. The model generates a reply to the image alone (`prompt`
adds text after it, e.g. --set prompts.saycam_caption="Describe the image." for chat models);
METEOR (`babyvlm.tasks.v1.meteor`: exact and Porter-stem matches; no WordNet synonyms, since WordNet data
cannot be downloaded at run time) is averaged over items. No chance level.
"""

from __future__ import annotations

from typing import Any

from babyvlm.tasks.base import ScoreContext
from babyvlm.tasks.conversation import Conversation
from babyvlm.tasks.items import Item
from babyvlm.tasks.v1.base import V1Task
from babyvlm.tasks.v1.meteor import meteor


class SAYCamCaption(V1Task):
    name = "saycam_caption"
    kind = "generate"
    leaderboard_id = "v1_saycam_caption"
    metrics = ("meteor",)
    primary = "meteor"
    csv_names = ("SAYCam_caption.csv", "saycam_caption.csv")
    max_new_tokens = 32
    api_max_tokens = 96
    system_prompt = "Describe the image in one short sentence, as a parent would say it to a young child."
    free_text = True
    description = "SAYCam caption: describe the frame (METEOR)"

    def make_items(self, rows, root, path):
        self.require(rows, path, ("image", "text"))
        seen: dict[str, int] = {}
        for r in rows:
            name = r["image"]
            k = seen.get(name, 0)
            seen[name] = k + 1
            item_id = name if k == 0 else f"{name}#{k}"
            yield self.item(item_id, [root / name], root, text=r["text"]), None, r

    def gold(self, item: Item) -> str:
        return item.extra["text"]

    def conversation(self, item: Item) -> Conversation:
        text = "<image>" + (f"\n{self.prompt}" if self.prompt else "")
        return Conversation.from_turns([("user", text)], self.images(item), self.meta(item))

    def score(self, item: Item, output: str, ctx: ScoreContext) -> dict[str, Any]:
        m = meteor(output, [self.gold(item)])
        return {"id": item.id, "prompt": self.prompt, "response": output, "parsed": output,
                "gold": self.gold(item), "correct": None, "metrics": {"meteor": m}}

    def chance(self, items):
        return {"meteor": None}
