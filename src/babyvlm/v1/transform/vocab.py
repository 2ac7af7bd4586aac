"""The infant's vocabulary: CDI words by part of speech, word normalisation, the content-word filter.

`Lexicon` knows every CDI (Words & Sentences by default) word with its CDI category, so it also
serves as a small part-of-speech lexicon for the rule-based rewriter: nouns are the words of the
object, people and place categories, verbs the action words, adjectives the descriptive words.
Multi-word items ("ice cream", "high chair") are matched as phrases.

The content-word filter also reads words through the adult/child-word table (`simplify.SYNONYMS`),
so an LLM's "doggies" or "kitten" counts as the CDI "dog" or "kitty".

Inflected forms are reduced with a few suffix rules (plurals, -ing, -s, -ed) checked against the
lexicon, so a rule only applies when it lands on a known word ("riding" -> "ride", "dishes" ->
"dish", "puppies" -> "puppy"), never producing a non-word.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from babyvlm.data import cdi_words
from babyvlm.data.words import SINGULAR_OF
from babyvlm.v1.config import NOUN_CATEGORIES
from babyvlm.v1.transform.simplify import SYNONYMS

WORD_RE = re.compile(r"[a-z]+(?:'[a-z]+)?")

IRREGULAR_VERBS = {
    "sat": "sit", "ran": "run", "ate": "eat", "drank": "drink", "rode": "ride", "flew": "fly", "threw": "throw",
    "held": "hold", "stood": "stand", "went": "go", "took": "take", "made": "make", "broke": "break",
    "fell": "fall", "saw": "see", "swam": "swim", "drew": "draw", "wrote": "write", "caught": "catch",
    "built": "build", "gave": "give", "found": "find", "hid": "hide", "read": "read", "slept": "sleep",
    "lying": "lie", "laying": "lie", "flying": "fly",
}


@dataclass(frozen=True)
class Word:
    text: str  # the CDI word as said ("ice cream")
    category: str  # CDI category

    @property
    def pos(self) -> str:
        if self.category in NOUN_CATEGORIES:
            return "noun"
        if self.category == "action_words":
            return "verb"
        if self.category == "descriptive_words":
            return "adj"
        return "other"


class Lexicon:
    """CDI words of one form, looked up by surface word or phrase (lower case)."""

    def __init__(self, form: str = "WS", content_categories: Iterable[str] = NOUN_CATEGORIES):
        self.form = form
        self.content_categories = frozenset(content_categories)
        entries: dict[str, list[Word]] = {}
        for w in cdi_words(form):
            for text in _surface_forms(w.definition):
                entries.setdefault(text, [])
                if all(x.category != w.category for x in entries[text]):
                    entries[text].append(Word(text, w.category))
        self.entries = entries
        self.max_phrase = max(len(k.split()) for k in entries)

    def lookup(self, text: str) -> list[Word]:
        return self.entries.get(text, [])

    def has(self, text: str, pos: str | None = None) -> bool:
        return any(pos is None or w.pos == pos for w in self.lookup(text))

    def is_content(self, text: str) -> bool:
        return any(w.category in self.content_categories for w in self.lookup(text))

    def base_form(self, token: str, pos: str | None = None) -> str | None:
        """The lexicon word a token is an inflection of ("dogs" -> "dog"), or None."""
        for cand in _candidates(token):
            if self.has(cand, pos):
                return cand
        return None

    def content_words(self, text: str) -> list[str]:
        """The content words (words of `content_categories`) of an utterance, phrases first ("ice
        cream" before "ice")."""
        tokens = tokenize(text)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            for n in range(min(self.max_phrase, len(tokens) - i), 0, -1):
                phrase = " ".join(tokens[i : i + n])
                base = self._content_form(phrase) if n == 1 else SYNONYMS.get(phrase, phrase)
                if base is not None and self.is_content(base):
                    out.append(base)
                    i += n
                    break
            else:
                i += 1
        return out

    def _content_form(self, token: str) -> str | None:
        """A token's content word: itself or an inflection's base, through the child-word table
        ("doggies" -> "doggie" -> "dog")."""
        for cand in _candidates(token):
            mapped = SYNONYMS.get(cand, cand)
            if self.is_content(mapped):
                return mapped
        return None


def _surface_forms(definition: str) -> list[str]:
    """`soda/pop` -> [soda, pop]; `chicken (animal)` -> [chicken]; `teddybear` also `teddy bear`."""
    base = re.sub(r"\s*\([^)]*\)", "", definition).replace("*", "").replace("_", " ").lower()
    out = []
    for part in base.split("/"):
        part = re.sub(r"\s+", " ", part).strip()
        if part and not part.endswith("'s name"):
            out.append(part)
    if "teddybear" in out:
        out.append("teddy bear")
    return out


def _candidates(token: str) -> list[str]:
    """The token itself, then what suffix rules make of it (most specific first)."""
    t = token.lower()
    out = [t]
    if t in SINGULAR_OF:
        out.append(SINGULAR_OF[t])
    if t in IRREGULAR_VERBS:
        out.append(IRREGULAR_VERBS[t])
    if t.endswith("ies") and len(t) > 4:
        out.append(t[:-3] + "y")
    if t.endswith("es") and len(t) > 3:
        out.append(t[:-2])
    if t.endswith("s") and not t.endswith("ss") and len(t) > 2:
        out.append(t[:-1])
    if t.endswith("ing") and len(t) > 4:
        stem = t[:-3]
        out += [stem, stem + "e"]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
    if t.endswith("ed") and len(t) > 3:
        stem = t[:-2]
        out += [stem, t[:-1]]
        if len(stem) > 2 and stem[-1] == stem[-2]:
            out.append(stem[:-1])
        if t.endswith("ied"):
            out.append(t[:-3] + "y")
    return list(dict.fromkeys(out))


def tokenize(text: str) -> list[str]:
    return WORD_RE.findall(text.lower())


@functools.cache
def lexicon(form: str = "WS", content_categories: tuple[str, ...] = tuple(NOUN_CATEGORIES)) -> Lexicon:
    return Lexicon(form, content_categories)


def has_content_word(text: str, lex: Lexicon) -> bool:
    """The filter: does the utterance name anything of an infant's world?"""
    return bool(lex.content_words(text))
