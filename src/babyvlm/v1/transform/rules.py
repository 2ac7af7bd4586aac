"""The offline rule-based rewriter: a general caption -> a short utterance to a two-year-old.

Steps (no model, no data beyond the packaged CDI lists):

1. Read the caption into units: words and two-word phrases, each mapped through the adult-to-child
   table (`simplify.SYNONYMS`: woman -> lady, automobile -> car, large -> big) and reduced to its CDI
   base form (dogs -> dog, riding -> ride), tagged noun / verb / adjective by its CDI category; words
   outside the infant's vocabulary are dropped (that is the simplification).
2. Find the frame: the first noun is the topic, a verb after it the action, the next noun its
   object (or, after a location word like "on" / "in" / "next to", the place); an adjective right
   before a noun stays with it (colours and sizes: "big", "red").
3. Say it with one of a few child-directed frames chosen by a seeded hash of the caption id: labels
   and attention getters ("look at the red car!", "see the doggy?", "that's a cow!"), action
   descriptions ("the man is riding the horse"), locations ("the cat is on the bed"), all at most
   `max_words` long (a shorter frame is used when a longer one would exceed it).

A caption with no CDI noun gives no utterance (the caller rejects it with the reason).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from babyvlm.data.words import plural
from babyvlm.v1.transform.simplify import SYNONYMS
from babyvlm.v1.transform.vocab import Lexicon, tokenize

VERSION = 2  # bump when the rules change what they say (cached rewrites then go stale)

LOCATIONS = {"on": "on", "in": "in", "inside": "in", "under": "under", "beneath": "under", "below": "under",
             "near": "by", "by": "by", "beside": "by", "behind": "behind", "next": "next to", "atop": "on",
             "above": "on", "over": "on", "at": "by"}
AGENT_CATEGORIES = {"people", "animals"}
NO_ARTICLE = {"water", "grass", "snow", "food", "milk", "juice", "sand", "rain", "bread", "cereal", "ice cream",
              "people", "outside", "home", "candy", "soup", "toast", "pizza", "spaghetti", "noodles", "cheese",
              "french fries", "grapes", "peas", "beans", "carrots", "pants", "jeans", "shorts", "pajamas"}
# "a plate of pizza": the food is the topic, the plate where it is
CONTAINERS = {"plate": "on", "tray": "on", "table": "on", "bowl": "in", "cup": "in", "glass": "in", "box": "in",
              "basket": "in", "bottle": "in", "jar": "in", "bucket": "in", "can": "in", "dish": "in"}
# verbs that make a sentence without an object ("the cat is sleeping"); others need one
INTRANSITIVE = {"sit", "stand", "sleep", "walk", "run", "swim", "jump", "go", "stay", "wait", "skate", "dance",
                "cry", "smile", "fall", "play", "climb", "hide", "talk", "sing", "ride", "fly", "eat", "drink",
                "read", "cook", "draw", "look", "listen"}
VERB_PREP = {"play": "with", "look": "at", "listen": "to", "talk": "to", "sit": "on", "stand": "on", "sleep": "on",
             "walk": "on", "run": "to", "go": "to", "wait": "for", "swim": "in", "jump": "on", "climb": "on"}
NUMBER_WORDS = {"two", "three", "four", "five", "six", "several", "many", "some", "couple", "lots", "group",
                "herd", "flock", "bunch", "pair", "few"}


@dataclass
class Unit:
    word: str  # CDI word
    pos: str  # noun | verb | adj | loc
    category: str = ""
    plural: bool = False


def _ing(verb: str) -> str:
    if verb in ("see", "be", "flee"):
        return verb + "ing"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    vowels = "aeiou"
    if (len(verb) >= 3 and verb[-1] not in vowels + "wxy" and verb[-2] in vowels and verb[-3] not in vowels
            and sum(c in vowels for c in verb) == 1):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _np(unit: Unit, adj: str | None, *, definite: bool) -> str:
    noun = plural(unit.word) if unit.plural else unit.word
    head = f"{adj} {noun}" if adj else noun
    if definite:
        return f"the {head}"
    if unit.plural or unit.word in NO_ARTICLE:
        return head
    return ("an " if head[0] in "aeiou" else "a ") + head


class RuleRewriter:
    name = "rules"

    def __init__(self, lexicon: Lexicon, *, max_words: int = 8, seed: int = 0):
        self.lex = lexicon
        self.max_words = max_words
        self.seed = seed

    # ---------------------------------------------------------------- parsing
    def units(self, caption: str) -> list[Unit]:
        tokens = tokenize(caption.replace("-", " "))
        out: list[Unit] = []
        plural_next = False
        container: Unit | None = None
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok == "of" and out and out[-1].pos == "noun" and out[-1].word in CONTAINERS:
                container = out.pop()
                i += 1
                continue
            if tok in NUMBER_WORDS:
                plural_next = True
                i += 1
                continue
            if tok in LOCATIONS:
                loc = Unit(LOCATIONS[tok], "loc")
                if tok == "next" and i + 1 < len(tokens) and tokens[i + 1] == "to":
                    i += 1
                # "on the tracks near a house": the word right before the kept noun wins
                if out and out[-1].pos == "loc":
                    out[-1] = loc
                else:
                    out.append(loc)
                i += 1
                continue
            unit, used = self._word(tokens, i)
            if unit is not None:
                if unit.pos == "noun":
                    unit.plural = unit.plural or plural_next
                    plural_next = False
                out.append(unit)
                if unit.pos == "noun" and container is not None:
                    out += [Unit(CONTAINERS[container.word], "loc"), container]
                    container = None
            i += used
        return out

    def _word(self, tokens: list[str], i: int) -> tuple[Unit | None, int]:
        for n in (3, 2, 1):
            if i + n > len(tokens):
                continue
            surface = " ".join(tokens[i : i + n])
            mapped = SYNONYMS.get(surface)
            is_plural = False
            if mapped is None and n == 1:
                base = self.lex.base_form(surface)
                if base is None:
                    continue
                is_plural = base != surface and surface.endswith("s") and self.lex.has(base, "noun")
                mapped = base
            elif mapped is None:
                if not self.lex.lookup(surface):
                    continue
                mapped = surface
            else:
                is_plural = n == 1 and surface.endswith("s") and not surface.endswith("ss")
            words = self.lex.lookup(mapped)
            if not words:
                continue
            # prefer the noun reading, then verb, then adjective (captions are mostly noun phrases)
            pos_order = {"noun": 0, "adj": 1, "verb": 2, "other": 3}
            if surface.endswith("ing") or surface in ("sit", "stand"):
                pos_order = {"verb": 0, "noun": 1, "adj": 2, "other": 3}
            best = min(words, key=lambda w: pos_order[w.pos])
            if best.pos == "other":
                return None, n
            return Unit(mapped, best.pos, best.category, is_plural), n
        return None, 1

    # ---------------------------------------------------------------- frames
    def rewrite(self, caption: str, key: str = "") -> str | None:
        units = self.units(caption)
        nouns = [k for k, u in enumerate(units) if u.pos == "noun"]
        if not nouns:
            return None
        t = nouns[0]
        topic = units[t]
        adj = self._adj(units, t)
        verb = next((units[k] for k in range(t + 1, len(units)) if units[k].pos == "verb"), None)
        # an action's object, or a place after a location word
        obj = place = None
        loc = None
        for k in range(t + 1, len(units)):
            if units[k].pos == "loc":
                loc = units[k].word  # the location word right before the place noun
            elif units[k].pos == "noun" and units[k].word != topic.word:
                if loc is not None:
                    place = units[k]
                else:
                    obj = units[k]
                break
        h = hashlib.sha256(f"{self.seed}\x1f{key or caption}".encode()).digest()
        # the richest group of frames that fits: action, then place, then pair, then label
        for k, group in enumerate(self._frames(topic, adj, verb, obj, place, loc)):
            fits = [f for f in group if len(f.split()) <= self.max_words]
            if fits:
                return fits[h[k] % len(fits)]
        return _np(topic, None, definite=False) + "!"

    @staticmethod
    def _adj(units: list[Unit], k: int) -> str | None:
        j = k - 1
        while j >= 0 and units[j].pos == "adj":
            if units[j].word not in ("baby",):
                return units[j].word
            j -= 1
        return None

    def _frames(self, topic: Unit, adj: str | None, verb: Unit | None, obj: Unit | None, place: Unit | None,
                loc: str | None) -> list[list[str]]:
        the = _np(topic, adj, definite=True)
        a = _np(topic, adj, definite=False)
        be = "are" if topic.plural or topic.word == "people" else "is"
        groups: list[list[str]] = []
        agentive = topic.category in AGENT_CATEGORIES
        p = _np(place, None, definite=True) if place is not None and loc is not None else None
        if verb is not None and agentive:
            v = _ing(verb.word)
            prep = VERB_PREP.get(verb.word)
            if obj is not None:
                o = _np(obj, None, definite=True)
                vo = f"{v} {prep} {o}" if prep and verb.word in INTRANSITIVE else f"{v} {o}"
                groups.append([f"look, {the} {be} {vo}!", f"{the} {be} {vo}", f"see? {the} {be} {vo}"])
            if verb.word in INTRANSITIVE:
                if p is not None:
                    groups.append([f"look, {the} {be} {v} {loc} {p}!", f"{the} {be} {v} {loc} {p}",
                                   f"see? {the} {be} {v} {loc} {p}"])
                groups.append([f"look, {the} {be} {v}!", f"{the} {be} {v}", f"wow, {the} {be} {v}!"])
        if p is not None:
            groups.append([f"{the} {be} {loc} {p}", f"look, {the} {loc} {p}!", f"see {the} {loc} {p}?"])
        if obj is not None and not (verb is not None and agentive):
            o = _np(obj, None, definite=False)
            groups.append([f"{a} and {o}!", f"look, {a} and {o}"])
        groups.append([f"look at {the}!", f"see {the}?", f"{'those are' if topic.plural else 'that is'} {a}!",
                       f"wow, {a}!", f"what's that? {a}!"])
        return groups
