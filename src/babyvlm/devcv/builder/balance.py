"""Balanced answers: every option equally often, overall and within each prompt form.

A text-only guesser that learns which answer goes with which question (the `blind` baseline
votes with the other items of the same prompt) gains nothing when the answers of every prompt
form are spread evenly; `AnswerBalancer.pick(key)` gives the option used least so far for that
key (ties: least used overall, then at random).
"""

from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np


class AnswerBalancer:
    def __init__(self, options: list[str], rng: np.random.Generator):
        self.options = list(options)
        self.rng = rng
        self.by_key: dict[str, Counter] = defaultdict(Counter)
        self.total: Counter = Counter()

    def pick(self, key: str = "", allowed: list[str] | None = None) -> str:
        opts = [o for o in self.options if allowed is None or o in allowed]
        c = self.by_key[key]
        low = min(c[o] for o in opts)
        opts = [o for o in opts if c[o] == low]
        low = min(self.total[o] for o in opts)
        opts = [o for o in opts if self.total[o] == low]
        choice = opts[int(self.rng.integers(len(opts)))]
        self.add(choice, key)
        return choice

    def add(self, option: str, key: str = "") -> None:
        self.by_key[key][option] += 1
        self.total[option] += 1

    def counts(self) -> dict[str, int]:
        return {o: self.total[o] for o in self.options}


def answer_counts(records: list[dict]) -> dict[str, int]:
    """Gold answers of official records (every gpt turn; memory counts each round)."""
    c: Counter = Counter()
    for r in records:
        for turn in r["conversations"]:
            if turn["from"] == "gpt":
                c[turn["value"]] += 1
    return dict(sorted(c.items(), key=lambda kv: (len(kv[0]), kv[0])))
