"""Looking while listening: two images, two phrases, scored by likelihood (Winoground scores).

The release keeps this task outside the ten-folder test split; our item format (shared with the
DevCV builder) is the official one plus a `phrases` field, phrase k describing image k:

    {"id": "looking_while_listening_0001", "image": ["images/lwl_0001_0.jpg", "images/lwl_0001_1.jpg"],
     "phrases": ["the ball", "the cup"],
     "conversations": [{"from": "human", "value": "<image> <image> Look at the ball! (A) the first image (B) the second image"},
                       {"from": "gpt", "value": "A"}]}

Protocol: for each image i and phrase j the model scores log P(phrase j | image i), the user turn
holding only the image (`prompt` adds text after it when set), the phrase being the assistant's
reply. With s(i, j) (one loglikelihood request per pair, 4 per item):

- text score: for both images, the matching phrase beats the other phrase, comparing the MEAN
  log-probability per token (the two phrases differ in length; a sum would favour the shorter);
- image score: for both phrases, the matching image beats the other image, comparing SUMS (the
  same phrase, hence the same tokens, under two images: sum and mean agree);
- group score: both.

Ties are strict, as Winoground defines its scores: an exact tie (within 1e-9) is not a win (see
`beats`), so a model scoring everything alike gets 0 / 0 / 0; ties are counted in the row's `ties`.
Chance with random scores: text 1/4, image 1/4, group 1/6. The leaderboard files this task as
`baby_winoground` (primary: group_score).
"""

from __future__ import annotations

from typing import Any

from babyvlm.tasks.base import ScoreContext, Task, beats
from babyvlm.tasks.conversation import Conversation, ImageRef
from babyvlm.tasks.items import Item, ItemError

WINOGROUND_METRICS = ("text_score", "image_score", "group_score")
WINOGROUND_CHANCE = {"text_score": 0.25, "image_score": 0.25, "group_score": 1 / 6}


def pair_requests(task: Task, item: Item, images: list[ImageRef], phrases: list[str], prompt: str = ""):
    """The four (conversation, continuation) requests: image-major, (i, j) at index 2*i + j."""
    out = []
    for i, image in enumerate(images):
        for j, phrase in enumerate(phrases):
            text = "<image>" + (f"\n{prompt}" if prompt else "")
            meta = task.meta(item, image_index=i, phrase_index=j, pixel="busiest")
            out.append((Conversation.from_turns([("user", text)], [image], meta), phrase))
    return out


def winoground_row(item_id: str, phrases: list[str], output: list[tuple[float, int]], ctx: ScoreContext) -> dict[str, Any]:
    """Text, image and group scores of one item from its four (sum_logprob, n_tokens)."""
    s = [[output[2 * i + j][0] for j in range(2)] for i in range(2)]
    mean = [[output[2 * i + j][0] / max(output[2 * i + j][1], 1) for j in range(2)] for i in range(2)]
    ties = 0
    text_ok = []
    for i in range(2):  # under image i, phrase i beats phrase 1-i (per-token means)
        ok, tied = beats(mean[i][i], mean[i][1 - i])
        text_ok.append(ok)
        ties += tied
    image_ok = []
    for j in range(2):  # phrase j is more likely under image j than under image 1-j (sums)
        ok, tied = beats(s[j][j], s[1 - j][j])
        image_ok.append(ok)
        ties += tied
    text, image = all(text_ok), all(image_ok)
    group = text and image
    return {"id": item_id, "prompt": phrases, "response": [list(o) for o in output],
            "parsed": {"text": text_ok, "image": image_ok}, "gold": "phrase k <-> image k",
            "correct": group, "ties": ties,
            "metrics": {"text_score": float(text), "image_score": float(image), "group_score": float(group)}}


class LookingWhileListening(Task):
    name = "looking_while_listening"
    builder = "babyvlm.devcv.builder.tasks.looking_while_listening:build"
    folder = "looking_while_listening"
    leaderboard_id = "baby_winoground"
    nih_from_months = 6
    build_cost = 0.5
    kind = "loglikelihood"
    metrics = WINOGROUND_METRICS
    primary = "group_score"
    version = 2  # 2: ties are not wins (were coin flips)
    description = "Looking while listening: two images x two phrases, by likelihood"
    prompt = ""  # text after the image in the user turn ("" = the image alone)

    def phrases(self, item: Item) -> list[str]:
        return [str(p) for p in item.extra.get("phrases", [])]

    def check(self, item: Item) -> None:
        if len(item.images) != 2:
            raise ItemError(f"item {item.id!r}: needs 2 images, has {len(item.images)}")
        if len(self.phrases(item)) != 2:
            raise ItemError(f"item {item.id!r}: needs 'phrases' with 2 entries (phrase k describes image k)")

    def requests(self, item: Item) -> list[tuple[Conversation, str]]:
        return pair_requests(self, item, self.images(item), self.phrases(item), self.prompt)

    def score(self, item: Item, output: list[tuple[float, int]], ctx: ScoreContext) -> dict[str, Any]:
        return winoground_row(item.id, self.phrases(item), output, ctx)

    def chance(self, items: list[Item]) -> dict[str, float | None]:
        return dict(WINOGROUND_CHANCE)
