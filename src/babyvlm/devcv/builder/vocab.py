"""Keeping object labels that are in the CDI vocabulary: synonyms, plurals, and what is dropped.

A label from the world's ground truth carries its CDI item (`fish.animal`); a detector's label
(`dining table`, `teddy bear`, `cups`) is normalised: lower case, built-in and configured synonyms,
then singular and plural forms, matched against the CDI items, their printed definitions
(`soda/pop` gives both words) and their plain words. Every label seen is counted as kept (under
the CDI item it maps to) or dropped (with why), for the manifest.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from babyvlm.data import CDIWord, cdi_words, plain_word
from babyvlm.data.words import SYNONYMS, plural, singular

# Words a count question cannot ask about ("how many milks"): mass nouns and words that are plural already.
UNCOUNTABLE = {
    "applesauce", "beans", "bread", "bubbles", "butter", "cereal", "cheerios", "chocolate", "coffee", "coke",
    "corn", "food", "glue", "green beans", "gum", "ice", "jello", "jelly", "juice", "meat", "milk", "noodles",
    "nuts", "peas", "peanut butter", "play dough", "popcorn", "pudding", "salt", "sauce", "soda", "soup",
    "spaghetti", "toast", "tuna", "vanilla", "vitamins", "water", "yogurt", "grass", "rain", "snow", "wind",
    "garbage", "trash", "money", "medicine", "paper", "tape", "chalk", "glasses", "scissors", "pants",
    "shorts", "tights", "jeans", "pajamas", "underpants", "french fries", "grapes", "carrots", "keys",
    "stairs", "beads", "boots", "gloves", "mittens",
}


def normalise_label(label: str) -> str:
    s = re.sub(r"[_\-]+", " ", str(label)).strip().lower()
    return re.sub(r"\s+", " ", s)


@dataclass(frozen=True)
class Term:
    """A CDI vocabulary item as the builder uses it."""

    item: str  # CDI item name, unique (`fish.animal`)
    word: str  # what a caregiver says (`fish`)
    category: str  # CDI category

    @property
    def plural(self) -> str:
        return plural(self.word)

    @property
    def countable(self) -> bool:
        return self.word not in UNCOUNTABLE


class Vocabulary:
    """Maps labels onto CDI items and counts what is kept and dropped."""

    def __init__(self, form: str = "WS", categories: list[str] | None = None, synonyms: dict[str, str] | None = None):
        if categories is None:
            from babyvlm.devcv.builder.config import VocabConfig

            categories = VocabConfig().categories
        self.words: dict[str, CDIWord] = {w.item: w for w in cdi_words(form, categories)}
        self.synonyms = {normalise_label(k): v for k, v in {**SYNONYMS, **(synonyms or {})}.items()}
        self.keys: dict[str, str] = {}
        for w in self.words.values():  # first item wins for shared words (fish: the animal)
            for k in self._keys_of(w):
                self.keys.setdefault(k, w.item)
        self.kept: Counter = Counter()  # CDI item -> boxes kept
        self.dropped: Counter = Counter()  # raw label -> boxes dropped
        self.mapped: dict[str, str] = {}  # raw label -> CDI item, for labels that needed mapping

    @staticmethod
    def _keys_of(w: CDIWord) -> list[str]:
        keys = [w.item.lower(), normalise_label(w.item.split(".")[0]), w.word]
        keys += [plain_word(part) for part in w.definition.split("/")]
        return [k for k in keys if k]

    def term(self, item: str) -> Term:
        w = self.words[item]
        return Term(item=w.item, word=w.word, category=w.category)

    def lookup(self, label: str, cdi_item: str | None = None) -> Term | None:
        """The CDI term of a label, or None (not counted: see `map`)."""
        if cdi_item and cdi_item in self.words:
            return self.term(cdi_item)
        key = normalise_label(label)
        cands = [key]
        if key in self.synonyms:
            cands.insert(0, normalise_label(self.synonyms[key]))
        cands += [singular(key), plural(key)]
        sing = singular(key)
        if sing in self.synonyms:
            cands.append(normalise_label(self.synonyms[sing]))
        for c in cands:
            item = c if c in self.words else self.keys.get(c)
            if item is not None:
                return self.term(item)
        return None

    def map(self, label: str, cdi_item: str | None = None) -> Term | None:
        """Like `lookup`, and counts the box as kept or dropped."""
        t = self.lookup(label, cdi_item)
        if t is None:
            self.dropped[normalise_label(label)] += 1
            return None
        self.kept[t.item] += 1
        if normalise_label(label) not in (t.item, t.word):
            self.mapped[normalise_label(label)] = t.item
        return t

    def summary(self) -> dict:
        return {
            "kept_boxes": sum(self.kept.values()), "dropped_boxes": sum(self.dropped.values()),
            "kept_by_item": dict(sorted(self.kept.items())), "dropped_by_label": dict(sorted(self.dropped.items())),
            "mapped_labels": dict(sorted(self.mapped.items())),
        }
