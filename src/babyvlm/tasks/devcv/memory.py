"""Memory (NIH Baby Toolbox's delayed match): 15 rounds of "touch the new image", 29 images.

An official item has one human/gpt pair per round. Round 1 shows one image; every later round two.
`labels` names the object of each option, per round:

    [["plant"], ["plant", "bench"], ["flora", "bench"], ["flora", "notebook"], ["notebook", "boot"],
     ["bench", "stroller"], ["doorknob", "plant"], ...]

The harness plays the rounds in order, each round's conversation holding every earlier round with
the model's OWN replies (not the gold answers) and all images shown so far.

Which rounds are learning and which are test, and which items were learned, comes from `labels`:
the *learned* items are the labels that appear in more than one round (a test round's novel item
appears once); the learning phase ends with the round that introduces the last learned item; the
remaining rounds are test rounds, where each learned item appears (twice, in the official items)
against a never-seen item. In the example: learning rounds 1-5 learn plant, bench, flora,
notebook, boot; rounds 6-15 test each of them twice.

Metrics (per item, then averaged over items):
- acc_learning: share of learning rounds answered right (round 1 has a single option);
- acc_testing_raw: share of test rounds answered right;
- acc_testing_adjusted (primary, as on the leaderboard): share of learned items answered right on
  *all* (both) of their test appearances.

Items without `labels` (one official test item has none) get labels from their image files: byte-
identical files are the same object (the official items reuse the same file for a repeated item).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import numpy as np

from babyvlm.tasks.base import ScoreContext, Task
from babyvlm.tasks.conversation import Conversation, ImageRef
from babyvlm.tasks.devcv.common import option_layout
from babyvlm.tasks.items import Item, ItemError
from babyvlm.tasks.parsing import parse_choice


@dataclass(frozen=True)
class MemoryStructure:
    learning: list[int]  # 0-based round indices
    test: list[int]
    learned: dict[str, list[int]]  # learned label -> its test rounds
    labels_from: str  # "labels" | "image files"


def round_image_spans(item: Item) -> list[tuple[int, int]]:
    """[start, stop) of each round's images in `item.images`."""
    spans, pos = [], 0
    for human, _ in item.turns:
        n = human.count("<image>")
        spans.append((pos, pos + n))
        pos += n
    return spans


def _file_label(path) -> str:
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()[:12]


def round_labels(item: Item) -> tuple[list[list[str]], str]:
    labels = item.extra.get("labels")
    if labels is not None:
        return [[str(x) for x in r] for r in labels], "labels"
    return [[_file_label(item.images[k]) for k in range(a, b)] for a, b in round_image_spans(item)], "image files"


def memory_structure(labels: list[list[str]], labels_from: str = "labels") -> MemoryStructure:
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for r, opts in enumerate(labels):
        for lab in set(opts):
            counts[lab] = counts.get(lab, 0) + 1
            first.setdefault(lab, r)
    learned_labels = [lab for lab in first if counts[lab] > 1]
    if not learned_labels:
        raise ValueError("no label appears in more than one round: nothing is learned")
    end = max(first[lab] for lab in learned_labels)
    learning = list(range(end + 1))
    test = list(range(end + 1, len(labels)))
    learned = {lab: [r for r in test if lab in labels[r]] for lab in sorted(learned_labels, key=first.get)}
    return MemoryStructure(learning, test, learned, labels_from)


class Memory(Task):
    name = "memory"
    builder = "babyvlm.devcv.builder.tasks.memory:build"
    folder = "memory"
    leaderboard_id = "baby_memory"
    nih_from_months = 22
    build_cost = 10.0
    kind = "multiround"
    metrics = ("acc_learning", "acc_testing_raw", "acc_testing_adjusted")
    primary = "acc_testing_adjusted"
    max_new_tokens = 8
    system_prompt = ("In each round, touch the image you have not seen before in this conversation. "
                     "Respond only with the letter of that image.")
    description = "Memory: 15 rounds of 'touch the new image' with the model's replies in context"

    def gold(self, item: Item) -> list[str]:
        return [g.strip().strip("()").upper() for _, g in item.turns]

    def structure(self, item: Item) -> MemoryStructure:
        labels, source = round_labels(item)
        return memory_structure(labels, source)

    def check(self, item: Item) -> None:
        turns = item.turns
        labels, _ = round_labels(item)
        if len(labels) != len(turns):
            raise ItemError(f"item {item.id!r}: {len(labels)} label rounds but {len(turns)} rounds")
        for r, ((human, gpt), (a, b)) in enumerate(zip(turns, round_image_spans(item))):
            letters, _, _ = option_layout(human)
            if gpt.strip().strip("()").upper() not in letters:
                raise ItemError(f"item {item.id!r}: round {r + 1} answer {gpt!r} is not one of {letters}")
            if len(labels[r]) != b - a:
                raise ItemError(f"item {item.id!r}: round {r + 1} has {b - a} images but {len(labels[r])} labels")
        try:
            s = self.structure(item)
        except ValueError as e:
            raise ItemError(f"item {item.id!r}: {e}") from None
        if not s.test:
            raise ItemError(f"item {item.id!r}: no test rounds after the learning rounds")

    def n_rounds(self, item: Item) -> int:
        return len(item.turns)

    def round_conversation(self, item: Item, r: int, replies: list[str]) -> Conversation:
        turns = item.turns
        spans = round_image_spans(item)
        dialogue: list[tuple[str, str]] = []
        for k in range(r):
            dialogue.append(("user", turns[k][0]))
            dialogue.append(("assistant", replies[k]))  # the model's own reply stays in context
        dialogue.append(("user", turns[r][0]))
        start, stop = spans[r]
        letters, texts, images = option_layout(turns[r][0], image_offset=start)
        meta = self.meta(item, round=r, options=letters, option_texts=texts, option_images=images,
                         reference_image=None, pixel="novel", new_images=list(range(start, stop)))
        return Conversation.from_turns(dialogue, [ImageRef(p) for p in item.images[:stop]], meta)

    def score(self, item: Item, output: list[str], ctx: ScoreContext) -> dict[str, Any]:
        turns = item.turns
        gold = self.gold(item)
        parsed, status, correct = [], [], []
        for (human, _), resp, g in zip(turns, output, gold):
            letters, texts, _ = option_layout(human)
            p = parse_choice(resp, letters, texts, mode=ctx.parser)
            parsed.append(p.value)
            status.append(p.status)
            correct.append(p.value == g)
        s = self.structure(item)
        learning = float(np.mean([correct[r] for r in s.learning]))
        raw = float(np.mean([correct[r] for r in s.test]))
        per_item = {lab: all(correct[r] for r in rounds) for lab, rounds in s.learned.items() if rounds}
        adjusted = float(np.mean(list(per_item.values()))) if per_item else float("nan")
        return {"id": item.id, "prompt": [h for h, _ in turns], "response": list(output), "parsed": parsed,
                "parse_status": status, "gold": gold, "correct": correct,
                "learning_rounds": [r + 1 for r in s.learning], "test_rounds": [r + 1 for r in s.test],
                "learned": {lab: [r + 1 for r in rounds] for lab, rounds in s.learned.items()},
                "learned_right": per_item, "labels_from": s.labels_from,
                "metrics": {"acc_learning": learning, "acc_testing_raw": raw, "acc_testing_adjusted": adjusted}}

    def chance(self, items: list[Item]) -> dict[str, float | None]:
        if not items:
            return {m: None for m in self.metrics}
        learn, raw, adj = [], [], []
        for item in items:
            s = self.structure(item)
            p = [1 / len(option_layout(h)[0]) for h, _ in item.turns]
            learn.append(np.mean([p[r] for r in s.learning]))
            raw.append(np.mean([p[r] for r in s.test]))
            adj.append(np.mean([np.prod([p[r] for r in rounds]) for rounds in s.learned.values() if rounds]))
        return {"acc_learning": float(np.mean(learn)), "acc_testing_raw": float(np.mean(raw)),
                "acc_testing_adjusted": float(np.mean(adj))}
