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

from babyvlm.tasks.base import LETTERS, ORDINAL_WORDS, ScoreContext, Task, quoted_options, split_options
from babyvlm.tasks.conversation import Conversation
from babyvlm.tasks.items import Item, ItemError
from babyvlm.tasks.parsing import (
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


LETTER_PROMPT = "Answer the question about the images. Respond only with the letter of the correct option."
NUMBER_PROMPT = "Count the objects in the image. Reply only with the number, in digits."
DIRECTION_PROMPT = ("The images are frames of a video, in order. Answer where the object leaves the frame. "
                    "Reply only with one of the options offered, exactly as written.")


class ChoiceTask(Task):
    """One question, options (A), (B), ...; the gold answer is a letter."""

    system_prompt = LETTER_PROMPT
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


def lettered_options(text: str, answer: str) -> dict[str, str] | None:
    """{letter: option text} when the question lists lettered options and the answer is one of
    their letters (NIH-style items: "(A) left (B) right" -> "B"); None otherwise."""
    opts = {k: re.sub(r"(\s+or)?[\s?.,;:!]*$", "", v).strip() for k, v in split_options(text).items()}
    letter = answer.strip().strip("()").upper()
    if len(opts) >= 2 and len(letter) == 1 and letter in opts:
        return opts
    return None


class LetteredAnswers:
    """Scoring an item whose options are letters, whatever they stand for (numbers, directions):
    parse the letter (default or official letter parser), compare letters."""

    @staticmethod
    def parse(output: str, opts: dict[str, str], mode: str):
        return parse_choice(output, list(opts), opts, mode=mode)


class NumberTask(Task):
    """A count; the gold answer is a whole number (or a letter, where the options are lettered numbers).

    The answer space is fixed by the task definition (`answer_range`), not by the loaded golds: chance
    and the `random` and `pixel` baselines use it, and an item whose gold lies outside it is still
    scored (a right number is right) and counted in results.json (`outside_answer_space`)."""

    answer_range: ClassVar[tuple[int, int]] = (1, 10)
    pixel_rule: ClassVar[str] = "blob_count"
    system_prompt = NUMBER_PROMPT
    version = 2  # 2: the answer space is the definition's range (was widened to the loaded golds)

    def __init__(self) -> None:
        self.lo, self.hi = self.answer_range

    def gold(self, item: Item) -> str:
        g = item.turns[0][1].strip()
        return g.strip("()").upper() if self.letters(item) else g

    def letters(self, item: Item) -> dict[str, str] | None:
        return lettered_options(item.turns[0][0], item.turns[0][1])

    def check(self, item: Item) -> None:
        opts = self.letters(item)
        if opts is not None:
            bad = [k for k, v in opts.items() if parse_number(v).value is None]
            if bad:
                raise ItemError(f"item {item.id!r}: option {bad[0]} {opts[bad[0]]!r} is not a number")
            return
        if not re.fullmatch(r"\d+", self.gold(item)):
            raise ItemError(f"item {item.id!r}: answer {item.turns[0][1]!r} is not a whole number")

    def outside_answer_space(self, items: list[Item]) -> int:
        return sum(1 for i in items if self.letters(i) is None and not self.lo <= int(self.gold(i)) <= self.hi)

    def options(self) -> list[str]:
        return [str(n) for n in range(self.lo, self.hi + 1)]

    def conversation(self, item: Item) -> Conversation:
        opts = self.letters(item)
        if opts is not None:
            meta = self.meta(item, options=list(opts), option_texts=opts, pixel=self.pixel_rule,
                             option_numbers={k: int(parse_number(v).value) for k, v in opts.items()})
        else:
            meta = self.meta(item, options=self.options(), pixel=self.pixel_rule)
        return Conversation.from_turns([("user", item.turns[0][0])], self.images(item), meta)

    def score(self, item: Item, output: str, ctx: ScoreContext) -> dict[str, Any]:
        gold = self.gold(item)
        opts = self.letters(item)
        if opts is not None:
            parsed = LetteredAnswers.parse(output, opts, ctx.parser)
            correct = parsed.value == gold
        else:
            parsed = parse_number(output, mode=ctx.parser)
            correct = parsed.value is not None and int(parsed.value) == int(gold)
        return {"id": item.id, "prompt": item.turns[0][0], "response": output, "parsed": parsed.value,
                "parse_status": parsed.status, "gold": gold, "correct": correct,
                "metrics": {"acc": float(correct)}}

    def chance(self, items: list[Item]) -> dict[str, float | None]:
        if not items:
            return {"acc": None}
        n = self.hi - self.lo + 1
        per = []
        for i in items:
            opts = self.letters(i)
            if opts is not None:
                per.append(1 / len(opts))
            else:
                per.append(1 / n if self.lo <= int(self.gold(i)) <= self.hi else 0.0)
        return {"acc": float(np.mean(per))}


class DirectionTask(Task):
    """Visual delayed response: frames of an object leaving; the answer is the side it leaves through.

    Metrics: `acc_exact` (the gold direction) and `acc_adjacent` (the gold direction or one of its
    neighbours on the 8-direction compass: 'left' also accepts 'top left' and 'bottom left').
    Options are the prompt's quoted words; NIH-style items list them as letters ("(A) left
    (B) right", gold "B"): those are scored through the letters, adjacency through the directions
    the letters stand for.
    """

    metrics = ("acc_exact", "acc_adjacent")
    primary = "acc_exact"
    pixel_rule: ClassVar[str] = "motion"
    default_options: ClassVar[tuple[str, ...]] = DIRECTIONS
    system_prompt = DIRECTION_PROMPT
    version = 2  # 2: lettered options; official exact match case-insensitive

    def letters(self, item: Item) -> dict[str, str] | None:
        return lettered_options(item.turns[0][0], item.turns[0][1])

    def letter_directions(self, opts: dict[str, str]) -> dict[str, str | None]:
        return {k: parse_direction(v).value for k, v in opts.items()}

    def gold(self, item: Item) -> str:
        if self.letters(item) is not None:
            return item.turns[0][1].strip().strip("()").upper()
        return item.turns[0][1].strip().lower()

    def gold_direction(self, item: Item) -> str:
        opts = self.letters(item)
        if opts is not None:
            return self.letter_directions(opts)[self.gold(item)] or ""
        return self.gold(item)

    def options(self, item: Item) -> list[str]:
        opts = self.letters(item)
        if opts is not None:
            return list(opts)
        quoted = [o for o in quoted_options(item.turns[0][0]) if o.lower() in DIRECTIONS]
        return quoted or list(self.default_options)

    def check(self, item: Item) -> None:
        opts = self.letters(item)
        if opts is not None:
            bad = [k for k, d in self.letter_directions(opts).items() if d is None]
            if bad:
                raise ItemError(f"item {item.id!r}: option {bad[0]} {opts[bad[0]]!r} is not a direction")
            return
        if self.gold(item) not in DIRECTIONS:
            raise ItemError(f"item {item.id!r}: answer {item.turns[0][1]!r} is not a direction")

    def conversation(self, item: Item) -> Conversation:
        opts = self.letters(item)
        extra = {"option_texts": opts, "option_directions": self.letter_directions(opts)} if opts else {}
        meta = self.meta(item, options=self.options(item), pixel=self.pixel_rule, **extra)
        return Conversation.from_turns([("user", item.turns[0][0])], self.images(item), meta)

    def score(self, item: Item, output: str, ctx: ScoreContext) -> dict[str, Any]:
        gold = self.gold(item)
        near = adjacent_directions(self.gold_direction(item))
        opts = self.letters(item)
        if opts is not None:
            parsed = LetteredAnswers.parse(output, opts, ctx.parser)
            exact = parsed.value == gold
            adjacent = parsed.value is not None and self.letter_directions(opts)[parsed.value] in near
        else:
            parsed = parse_direction(output, mode=ctx.parser)
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
            opts = self.letters(i)
            dirs = list(self.letter_directions(opts).values()) if opts else [o.lower() for o in self.options(i)]
            g = self.gold_direction(i)
            exact.append((g in dirs) / len(dirs))
            adj.append(sum(d in adjacent_directions(g) for d in dirs) / len(dirs))
        return {"acc_exact": float(np.mean(exact)), "acc_adjacent": float(np.mean(adj))}
