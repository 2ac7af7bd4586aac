"""Child-directed speech: frames from the CDS literature filled with the scene's objects.

Utterances are short (about 3-4 words on average, shorter for younger children), repetitive and
about what the child is looking at: naming frames ("look at the X", "that's a X", "X!"),
questions ("where's the X?", "do you want the X?"), descriptions ("that's a big X", "the red X"),
counting ("one, two, three Xs!"), locations ("the X is on the left"), actions ("there goes the
ball!"), farewells to things that left ("bye bye ball!"), talk about absent things ("where's your
shoe?") and routines with no referent ("time for your nap", "good job!").
"""

from __future__ import annotations

import numpy as np

NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]

SOUNDS = {"dog": "woof woof", "cat": "meow", "cow": "moo", "pig": "oink oink", "duck": "quack quack",
          "sheep": "baa", "horse": "neigh", "bird": "tweet tweet", "frog": "ribbit", "elephant": "toot",
          "car": "vroom", "truck": "vroom vroom", "train": "choo choo", "bus": "beep beep", "airplane": "zoom",
          "boat": "toot toot", "clock": "tick tock", "telephone": "ring ring"}
FOOD = {"apple", "banana", "cookie", "cheese", "egg", "carrots", "pizza", "juice", "milk", "strawberry", "orange", "bread"}
SOFT = {"teddybear", "bunny", "pillow", "blanket", "sheep", "doll", "hat", "sock"}

LOOK = ["look at the {x}", "look, a {x}!", "see the {x}?", "there's the {x}", "look at that {x}", "wow, look at the {x}",
        "here's the {x}", "do you see the {x}?", "look {x}!", "oh look, the {x}"]
NAME = ["{x}!", "that's a {x}", "it's a {x}", "a {x}", "that's the {x}", "{x}, can you say {x}?", "yes, that's a {x}",
        "that's your {x}"]
QUESTION = ["where's the {x}?", "do you want the {x}?", "is that a {x}?", "can you get the {x}?",
            "what's that? that's a {x}", "you like the {x}?", "can you touch the {x}?", "what is it? a {x}!"]
DESCRIBE_SIZE = ["that's a {size} {x}", "what a {size} {x}", "a {size} {x}!"]
DESCRIBE_COLOR = ["the {x} is {color}", "a {color} {x}", "look at the {color} {x}", "see the {color} {x}?"]
DESCRIBE_FOOD = ["yummy {x}!", "do you want some {x}?", "mmm, {x}", "is the {x} yummy?"]
DESCRIBE_SOFT = ["a soft {x}", "the {x} is so soft", "give the {x} a hug"]
SOUND = ["the {x} says {s}", "{s}! it's a {x}", "what does the {x} say? {s}!"]
COUNT = ["{seq} {xs}!", "look, {n} {xs}", "how many {xs}? {n}!", "{n} {xs}", "let's count the {xs}. {seq}!"]
MANY = ["look at all the {xs}!", "so many {xs}", "lots of {xs}", "wow, look at all those {xs}"]
LOCATION_SIDE = ["the {x} is on the {side}", "look, the {x} is over on the {side}", "there's a {x} on the {side}"]
LOCATION_NEXT = ["the {x} is next to the {y}", "the {x} is by the {y}", "see the {x} and the {y}?",
                 "there's the {x} and the {y}"]
LOCATION_ON = ["the {x} is on the {y}", "the {x} is on the {y}, see?"]
COMPARE = ["the {c1} {x} and the {c2} {x}", "this {x} is {c1} and that {x} is {c2}", "two {xs}, {c1} and {c2}"]
ACTION_ROLL = ["roll the {x}!", "there goes the {x}!", "the {x} is rolling!", "whee, the {x}!"]
ACTION_DRIVE = ["there goes the {x}!", "the {x} is going fast!", "bye bye {x}, {s}!"]
ACTION_WALK = ["look, the {x}!", "here comes the {x}!", "hi {x}!", "the {x} is walking"]
ACTION_FLY = ["the {x} is flying away!", "up up up goes the {x}!", "oh, the {x} is going up!"]
GONE = ["bye bye {x}!", "where did the {x} go?", "the {x} went away", "uh oh, where's the {x}?", "the {x} is gone!",
        "all gone, {x}"]
HOLD = ["you have the {x}", "is that your {x}?", "you got the {x}!", "can I have the {x}?", "give me the {x}",
        "what do you have? a {x}!", "don't put the {x} in your mouth", "nice {x}", "you're holding the {x}"]
ABSENT = ["where's your {x}?", "let's find the {x}", "do you want your {x}?", "where did the {x} go?",
          "we'll get the {x} later", "where is the {x}?", "should we get the {x}?", "daddy has the {x}"]
ROUTINE_YOUNG = ["hi baby", "peekaboo!", "hi sweetie", "good job!", "uh oh", "yay!", "you're so cute", "oh my goodness",
                 "are you hungry?", "are you tired?", "shh shh", "mommy's here", "what do you see?", "hello!",
                 "there you go", "I love you", "who's my baby?", "so sleepy", "up we go", "let's go"]
ROUTINE_OLD = ["time for your nap", "good job!", "uh oh", "yay!", "all done", "that's right", "say hi", "come here",
               "what are you doing?", "be gentle", "let's go", "you did it!", "sit down please", "careful", "ready?",
               "there you go", "want to play?", "thank you", "no no, not in your mouth", "are you hungry?",
               "let's clean up", "what do you see?", "one more time", "are you all done?", "you're so silly",
               "time to eat", "wash your hands", "it's bath time", "let's read a story", "high five!"]
CHILD_WORDS = ["{x}!", "{x}", "more", "uh oh", "mama", "dada", "no", "that", "hi", "bye bye"]
CHILD_TWO = ["big {x}", "my {x}", "more {x}", "{x} there", "bye bye {x}", "{color} {x}", "want {x}"]


def _pick(rng: np.random.Generator, options: list[str]) -> str:
    return options[int(rng.integers(len(options)))]


def counting_sequence(n: int) -> str:
    return ", ".join(NUMBERS[1 : n + 1])


class Speech:
    """Turns an intent (kind + referents) into an utterance string, shaped by the child's age."""

    def __init__(self, rng: np.random.Generator, age_months: float):
        self.rng = rng
        self.age = age_months

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def refer(self, say: str, look_color: str, size: str, category: str) -> tuple[str, str]:
        """A (kind, text) naming one visible object."""
        r = self.rng.random()
        older = self.age >= 15
        if category in SOUNDS and r < 0.18:
            return "describe", _pick(self.rng, SOUND).format(x=say, s=SOUNDS[category])
        if category in FOOD and r < 0.25:
            return "describe", _pick(self.rng, DESCRIBE_FOOD).format(x=say)
        if category in SOFT and r < 0.12:
            return "describe", _pick(self.rng, DESCRIBE_SOFT).format(x=say)
        if older and size in ("big", "little") and r < 0.35:
            return "describe", _pick(self.rng, DESCRIBE_SIZE).format(x=say, size=size)
        if older and look_color and r < 0.5:
            return "describe", _pick(self.rng, DESCRIBE_COLOR).format(x=say, color=look_color)
        if r < 0.72:
            return "look_at", _pick(self.rng, LOOK).format(x=say)
        if r < 0.88:
            return "naming", _pick(self.rng, NAME).format(x=say)
        return "question", _pick(self.rng, QUESTION).format(x=say)

    def count(self, plural: str, n: int) -> tuple[str, str]:
        if n <= 1:
            return "look_at", _pick(self.rng, LOOK).format(x=plural)
        limit = 3 if self.age < 15 else 6 if self.age < 22 else 12
        if n > limit or self.chance(0.2):
            return "counting", _pick(self.rng, MANY).format(xs=plural)
        t = _pick(self.rng, COUNT)
        return "counting", t.format(seq=counting_sequence(n), n=NUMBERS[n], xs=plural)

    def location_side(self, say: str, side: str) -> tuple[str, str]:
        return "location", _pick(self.rng, LOCATION_SIDE).format(x=say, side=side)

    def location_next(self, say: str, other: str) -> tuple[str, str]:
        return "location", _pick(self.rng, LOCATION_NEXT).format(x=say, y=other)

    def location_on(self, say: str, support: str) -> tuple[str, str]:
        return "location", _pick(self.rng, LOCATION_ON).format(x=say, y=support)

    def compare(self, say: str, plural: str, c1: str, c2: str) -> tuple[str, str]:
        return "comparison", _pick(self.rng, COMPARE).format(x=say, xs=plural, c1=c1, c2=c2)

    def action(self, motion: str, say: str, category: str) -> tuple[str, str]:
        table = {"roll": ACTION_ROLL, "drive": ACTION_DRIVE, "walk": ACTION_WALK, "fly": ACTION_FLY}[motion]
        return "action", _pick(self.rng, table).format(x=say, s=SOUNDS.get(category, "vroom"))

    def gone(self, say: str) -> tuple[str, str]:
        return "gone", _pick(self.rng, GONE).format(x=say)

    def hold(self, say: str) -> tuple[str, str]:
        return "holding", _pick(self.rng, HOLD).format(x=say)

    def absent(self, say: str) -> tuple[str, str]:
        return "offscreen", _pick(self.rng, ABSENT).format(x=say)

    def routine(self) -> tuple[str, str]:
        pool = ROUTINE_YOUNG if self.age < 12 else ROUTINE_OLD if self.age >= 18 else ROUTINE_YOUNG + ROUTINE_OLD
        return "routine", _pick(self.rng, pool)

    def child(self, say: str | None, color: str = "") -> tuple[str, str]:
        """The key child's own words: single words from 12 months, two-word combinations from 20."""
        if say and self.age >= 20 and self.chance(0.5):
            return "child", _pick(self.rng, CHILD_TWO).format(x=say, color=color or "big")
        t = _pick(self.rng, CHILD_WORDS)
        if "{x}" in t and not say:
            t = "uh oh"
        return "child", t.format(x=say or "")


def utterance_duration(text: str, rng: np.random.Generator, rate: float = 1.0) -> float:
    """Seconds to say `text` at a child-directed pace (slow, with lengthened words)."""
    words = len(text.replace(",", " ").split())
    per_word = rng.uniform(0.27, 0.36) / rate
    return round(0.3 + words * per_word + (0.15 if text.endswith("?") else 0.0), 3)
