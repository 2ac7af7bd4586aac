"""Shared shapes of DevCV tasks: multiple choice, a number, a direction.

Task modules subclass these and set their names, answer space and the pixel statistic the `pixel`
baseline should use (`pixel_rule`, read only by baselines):

- "nearest": the option image whose pixels are nearest the reference image
- "busiest": the option image with the most pixel variance
- "quadrant": the image quadrant with the most edge energy (options name quadrants)
- "more_blobs": the option image with more foreground blobs
- "blob_count": the number of foreground blobs
- "motion": the image border through which the frame-to-frame change moves out
- "novel": the option image least like every image shown before in the conversation
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import numpy as np

from babyvlm.devcv.schema import Item, ItemError
from babyvlm.devcv.tasks.base import LETTERS, ORDINAL_WORDS, ScoreContext, Task, quoted_options, split_options
from babyvlm.evaluate.conversation import Conversation
from babyvlm.evaluate.parsing import (
    DIRECTIONS,
    adjacent_directions,
    parse_choice,
    parse_direction,
    parse_number,
)

IMAGE = "<image>"


def option_layout(text: str, image_offset: int = 0) -> tuple[list[str], dict[str, str], dict[str, int]]:
    """From a human turn: (letters, {letter: option text that is not an image}, {letter: image index}).

    "(A) <image> (B) <image>" options are the images at their places; "(A) the first image" options
    point at images by ordinal; "(A) top left" options are words.
    """
    opts = split_options(text)
    letters = [x for x in LETTERS if x in opts]
    texts: dict[str, str] = {}
    images: dict[str, int] = {}
    for m in re.finditer(r"\(([A-H])\)", text):
        letter = m.group(1)
        body = opts.get(letter, "")
        if body.startswith(IMAGE):
            images[letter] = image_offset + text[: m.end()].count(IMAGE)
            continue
        texts[letter] = body
        low = body.lower()
        for k, word in enumerate(ORDINAL_WORDS):
            if re.search(rf"\b{word}\b", low):
                images[letter] = image_offset + k
                break
    return letters, texts, images


class ChoiceTask(Task):
    """One question, options (A), (B), ...; the gold answer is a letter."""

    pixel_rule: ClassVar[str] = "busiest"
    reference_image: ClassVar[int | None] = None  # the image the options are compared with

    def human(self, item: Item) -> str:
        return item.turns[0][0]

    def gold(self, item: Item) -> str:
        return item.turns[0][1].strip().strip("()").upper()

    def check(self, item: Item) -> None:
        letters, _, _ = option_layout(self.human(item))
        if len(letters) < 2:
            raise ItemError(f"item {item.id!r}: fewer than two options (A), (B) in the question")
        if self.gold(item) not in letters:
            raise ItemError(f"item {item.id!r}: answer {item.turns[0][1]!r} is not one of {letters}")

    def conversation(self, item: Item) -> Conversation:
        text = self.human(item)
        letters, texts, images = option_layout(text)
        meta = self.meta(item, options=letters, option_texts=texts, option_images=images,
                         reference_image=self.reference_image, pixel=self.pixel_rule)
        return Conversation.from_turns([("user", text)], self.images(item), meta)

    def score(self, item: Item, output: str, ctx: ScoreContext) -> dict[str, Any]:
        text = self.human(item)
        letters, texts, _ = option_layout(text)
        parsed = parse_choice(output, letters, texts, mode=ctx.parser)
        gold = self.gold(item)
        correct = parsed.value == gold
        return {"id": item.id, "prompt": text, "response": output, "parsed": parsed.value,
                "parse_status": parsed.status, "gold": gold, "correct": correct,
                "metrics": {"acc": float(correct)}}

    def chance(self, items: list[Item]) -> dict[str, float | None]:
        if not items:
            return {"acc": None}
        return {"acc": float(np.mean([1 / len(option_layout(self.human(i))[0]) for i in items]))}


class NumberTask(Task):
    """A count; the gold answer is a whole number."""

    answer_range: ClassVar[tuple[int, int]] = (1, 10)
    pixel_rule: ClassVar[str] = "blob_count"

    def __init__(self) -> None:
        self.lo, self.hi = self.answer_range

    def gold(self, item: Item) -> str:
        return item.turns[0][1].strip()

    def check(self, item: Item) -> None:
        if not re.fullmatch(r"\d+", self.gold(item)):
            raise ItemError(f"item {item.id!r}: answer {item.turns[0][1]!r} is not a whole number")

    def setup(self, items: list[Item]) -> None:
        # the answer space: the task's nominal range, widened to every gold answer present
        golds = [int(self.gold(i)) for i in items]
        self.lo = min([self.answer_range[0], *golds])
        self.hi = max([self.answer_range[1], *golds])

    def options(self) -> list[str]:
        return [str(n) for n in range(self.lo, self.hi + 1)]

    def conversation(self, item: Item) -> Conversation:
        meta = self.meta(item, options=self.options(), pixel=self.pixel_rule)
        return Conversation.from_turns([("user", item.turns[0][0])], self.images(item), meta)

    def score(self, item: Item, output: str, ctx: ScoreContext) -> dict[str, Any]:
        parsed = parse_number(output, mode=ctx.parser)
        gold = self.gold(item)
        correct = parsed.value is not None and int(parsed.value) == int(gold)
        return {"id": item.id, "prompt": item.turns[0][0], "response": output, "parsed": parsed.value,
                "parse_status": parsed.status, "gold": gold, "correct": correct,
                "metrics": {"acc": float(correct)}}

    def chance(self, items: list[Item]) -> dict[str, float | None]:
        if not items:
            return {"acc": None}
        n = self.hi - self.lo + 1
        return {"acc": float(np.mean([1 / n if self.lo <= int(self.gold(i)) <= self.hi else 0.0 for i in items]))}


class DirectionTask(Task):
    """Visual delayed response: frames of an object leaving; the answer is the side it leaves through.

    Metrics: `acc_exact` (the gold direction) and `acc_adjacent` (the gold direction or one of its
    neighbours on the 8-direction compass: 'left' also accepts 'top left' and 'bottom left').
    """

    metrics = ("acc_exact", "acc_adjacent")
    primary = "acc_exact"
    pixel_rule: ClassVar[str] = "motion"
    default_options: ClassVar[tuple[str, ...]] = DIRECTIONS

    def gold(self, item: Item) -> str:
        return item.turns[0][1].strip().lower()

    def options(self, item: Item) -> list[str]:
        opts = [o for o in quoted_options(item.turns[0][0]) if o.lower() in DIRECTIONS]
        return opts or list(self.default_options)

    def check(self, item: Item) -> None:
        if self.gold(item) not in DIRECTIONS:
            raise ItemError(f"item {item.id!r}: answer {item.turns[0][1]!r} is not a direction")

    def conversation(self, item: Item) -> Conversation:
        meta = self.meta(item, options=self.options(item), pixel=self.pixel_rule)
        return Conversation.from_turns([("user", item.turns[0][0])], self.images(item), meta)

    def score(self, item: Item, output: str, ctx: ScoreContext) -> dict[str, Any]:
        gold = self.gold(item)
        parsed = parse_direction(output, mode=ctx.parser)
        near = adjacent_directions(gold)
        exact = parsed.value == gold
        adjacent = parsed.value in near
        return {"id": item.id, "prompt": item.turns[0][0], "response": output, "parsed": parsed.value,
                "parse_status": parsed.status, "gold": gold, "correct": exact, "adjacent": adjacent,
                "metrics": {"acc_exact": float(exact), "acc_adjacent": float(adjacent)}}

    def chance(self, items: list[Item]) -> dict[str, float | None]:
        if not items:
            return {"acc_exact": None, "acc_adjacent": None}
        exact, adj = [], []
        for i in items:
            opts = [o.lower() for o in self.options(i)]
            g = self.gold(i)
            exact.append((g in opts) / len(opts))
            adj.append(len(adjacent_directions(g) & set(opts)) / len(opts))
        return {"acc_exact": float(np.mean(exact)), "acc_adjacent": float(np.mean(adj))}
