"""The Task API shared by the evaluation harness and the DevCV builder (DevCV and V1 tasks).

Building a DevCV task's items from annotated frames is the builder's (`babyvlm.devcv.builder.tasks`,
one module per task, named by the task's `builder = "module:function"`): frames come from `corpus`,
which sits above this package, so that evaluating never needs the corpus code (docs/architecture.md).

A task is a small class; one module per task holds its names, chance, loader checks, prompt
handling, scoring and aggregation. The harness drives the model; the task never calls it.

    class Task:
        name            "picture_vocabulary"          the CLI name (--tasks)
        folder          "picture_vocabulary"          the official folder name ("vdr-binary")
        leaderboard_id  "baby_pv"                     key in scores.json (None: not on the leaderboard)
        suite           "devcv" | "v1"
        kind            "generate" | "multiround" | "loglikelihood"
        metrics         ("acc",)                      every metric the task reports
        primary         "acc"                         the one that enters the overall mean
        max_new_tokens  16
        image_shape     "choose"                      what the images alone decide (below); None: the words matter

        locate(root) -> Path | None                   the task's data under a data root
        load(path, skip_bad=, rejects=) -> list[Item] official items, checked (`check`)
        setup(items)                                  called once on the loaded items (answer spaces)
        chance(items) -> {metric: value}              expected score of uniform guessing
        # kind "generate"
        conversation(item) -> Conversation
        # kind "multiround" (the harness keeps the model's own replies in context)
        n_rounds(item) -> int
        round_conversation(item, r, replies) -> Conversation
        # kind "loglikelihood"
        requests(item) -> list[(Conversation, continuation)]
        # all kinds
        score(item, output, ctx) -> row               output: str | list[str] | list[(sum_logprob, n_tokens)]
        aggregate(rows) -> {metric: value}            default: mean over items of row["metrics"]

A row (one line of samples_<task>.jsonl) has at least `id`, `prompt`, `response`, `parsed`,
`gold`, `correct` and `metrics` ({metric: value for this item}); bootstrap intervals resample
items, so each item's `metrics` must be its whole contribution.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from babyvlm.tasks.conversation import Conversation, ImageRef
from babyvlm.tasks.items import Item, ItemError, load_items
from babyvlm.util.rejects import RejectLog
from babyvlm.util.rngs import py_stream

LETTERS = "ABCDEFGH"
ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")


@dataclass(frozen=True)
class ScoreContext:
    """How to score: the parser mode (the seed and task name key any seeded choice)."""

    parser: str = "default"
    seed: int = 0
    task: str = ""

    def rng(self, *keys: Any) -> random.Random:
        """A generator fixed by (seed, task, keys)."""
        return py_stream(self.seed, self.task, *keys)


TIE_TOL = 1e-9  # log-probabilities this close are a tie


def argmax_strict(values: list[float], tol: float = TIE_TOL) -> tuple[int | None, bool]:
    """Index of the strictly largest value, or None when the largest is tied (within `tol`):
    a tie is no choice, so never correct (Winoground's strict inequalities). Returns (index, tied)."""
    best = max(values)
    top = [i for i, v in enumerate(values) if v >= best - tol]
    if len(top) == 1:
        return top[0], False
    return None, True


def beats(a: float, b: float, tol: float = TIE_TOL) -> tuple[bool, bool]:
    """a > b strictly: an exact tie (within `tol`) is False. Returns (result, tied)."""
    if abs(a - b) <= tol:
        return False, True
    return a > b, False


def split_options(text: str) -> dict[str, str]:
    """'(A) top left or (B) top right ...' -> {'A': 'top left or', 'B': 'top right ...'}."""
    marks = list(re.finditer(r"\(([A-H])\)", text))
    out: dict[str, str] = {}
    for k, m in enumerate(marks):
        end = marks[k + 1].start() if k + 1 < len(marks) else len(text)
        out[m.group(1)] = text[m.end():end].strip()
    return out


def quoted_options(text: str) -> list[str]:
    """The quoted answer words of a prompt: "respond ONLY with 'right' or 'left'" -> ['right', 'left']."""
    return list(dict.fromkeys(m.group(1) for m in re.finditer(r"'([^']+)'", text)))


class Task:
    name: ClassVar[str] = ""
    folder: ClassVar[str] = ""
    leaderboard_id: ClassVar[str | None] = None
    suite: ClassVar[str] = "devcv"
    kind: ClassVar[str] = "generate"
    metrics: ClassVar[tuple[str, ...]] = ("acc",)
    primary: ClassVar[str] = "acc"
    max_new_tokens: ClassVar[int] = 16
    api_max_tokens: ClassVar[int] = 32  # chat APIs: room for "The answer is (B)." (they rarely stop at the letter)
    version: ClassVar[int] = 1  # the task definition's version (scoring, answer space); in results.json
    description: ClassVar[str] = ""
    system_prompt: ClassVar[str] = ""  # the paper's API-baseline system prompt (--prompts official)
    # Where the answer follows from the images alone, the shape of that decision (stage 3v, the vision
    # warm-up, trains the tower on it): "label" one image, the answer is a class; "sequence" frames, the
    # answer is a class; "choose" one image per option, the letter picks the image; "match" a reference,
    # then one image per option. None: the answer depends on the words (which object, which word).
    image_shape: ClassVar[str | None] = None
    nih_from_months: ClassVar[float | None] = None  # NIH Baby Toolbox: the age the measure is given from
    build_cost: ClassVar[float] = 1.0  # the DevCV builder's seconds per item on one core (orders its jobs)
    # "module:function" of the DevCV builder that makes the task's items from annotated frames; a
    # name, not an import: the builders sit above the task layer (devcv/builder/tasks/)
    builder: ClassVar[str | None] = None

    # ------------------------------------------------------------------ data
    def locate(self, root: Path) -> Path | None:
        p = Path(root) / self.folder
        return p if (p / "data.json").is_file() else None

    def load(self, path: Path, *, skip_bad: bool = False, rejects: RejectLog | None = None,
             unique_ids: bool = False) -> list[Item]:
        items, _ = load_items(path, skip_bad=skip_bad, rejects=rejects, unique_ids=unique_ids)
        good = []
        for item in items:
            try:
                self.check(item)
                good.append(item)
            except ItemError as e:
                if not skip_bad:
                    raise ItemError(f"{path}: {e}") from None
                if rejects is not None:
                    from babyvlm.util.rejects import Reject

                    rejects.add(Reject(source=str(path), reason=str(e), step="eval", record={"id": item.id}))
        return good

    def check(self, item: Item) -> None:
        """Task-specific validation; raise ItemError naming the item."""

    def setup(self, items: list[Item]) -> None:
        """Called once with the loaded items (e.g. to fix an answer space)."""

    def chance(self, items: list[Item]) -> dict[str, float | None]:
        return {m: None for m in self.metrics}

    # ------------------------------------------------------------------ requests
    def conversation(self, item: Item) -> Conversation:
        raise NotImplementedError

    def n_rounds(self, item: Item) -> int:
        return 1

    def round_conversation(self, item: Item, r: int, replies: list[str]) -> Conversation:
        raise NotImplementedError

    def requests(self, item: Item) -> list[tuple[Conversation, str]]:
        raise NotImplementedError

    # ------------------------------------------------------------------ scoring
    def score(self, item: Item, output: Any, ctx: ScoreContext) -> dict[str, Any]:
        raise NotImplementedError

    def aggregate(self, rows: list[dict[str, Any]]) -> dict[str, float]:
        """Mean over items of each metric (every item weighs the same)."""
        out = {}
        for m in self.metrics:
            vals = [r["metrics"][m] for r in rows if r["metrics"].get(m) is not None]
            out[m] = float(np.mean(vals)) if vals else float("nan")
        return out

    # ------------------------------------------------------------------ helpers
    def images(self, item: Item, start: int = 0, stop: int | None = None) -> list[ImageRef]:
        return [ImageRef(p) for p in item.images[start:stop]]

    def meta(self, item: Item, **kw: Any) -> dict[str, Any]:
        return {"task": self.name, "item_id": item.id, **kw}

    def __repr__(self) -> str:
        return f"<task {self.name}>"
