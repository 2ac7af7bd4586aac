"""Answer parsing: from a model's free-text response to an option letter, a number or a direction.

Two modes:

- ``default``: reads what the response means. The article "A" ("A dog is on the left") is not
  option A; a response that names two different options (an echo of the prompt, "(A) ... or
  (B) ...") commits to neither and is *ambiguous*; option texts count ("the second image",
  "top left", "2" when the prompt asks for a number); numbers are digits or words up to twenty,
  and with several numbers an explicit answer ("in total 7", "answer: 7") or else the last one
  counts; directions are read with any case, punctuation, hyphens and "upper"/"lower".
- ``official``: reproduces the official DevCV parser: the first standalone letter A-D in either
  case ("a dog" is A, "(b)" is B); the first number or number word up to ten; VDR by exact match
  of the lowercased response against the stripped, lowercased gold (the response itself is not
  stripped or normalised further).

Every parser returns a `Parsed(value, status)`; `value` is None when nothing usable was found
(`status` "none") or when the response is ambiguous (`status` "ambiguous"). docs/evaluate.md
lists the differences between the modes with examples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

MODES = ("default", "official")

NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}
OFFICIAL_NUMBER_WORDS = {w: n for w, n in NUMBER_WORDS.items() if n <= 10}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5}

# The 8 directions of the VDR task, clockwise from the top.
DIRECTIONS = ("top", "top right", "right", "bottom right", "bottom", "bottom left", "left", "top left")

# Words after a capital "A" that make it a letter, not the article ("A is correct").
_LETTER_VERBS = {
    "is", "was", "seems", "looks", "matches", "contains", "shows", "has", "appears", "would", "should",
    "because", "since", "and", "or", "as", "it", "for", "here", "again",
}


@dataclass(frozen=True)
class Parsed:
    value: str | None
    status: str = "ok"  # ok | none | ambiguous

    @property
    def ok(self) -> bool:
        return self.value is not None


NONE = Parsed(None, "none")
AMBIGUOUS = Parsed(None, "ambiguous")


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"unknown parser mode {mode!r} (known: {', '.join(MODES)})")


def _one(values: Sequence[str]) -> Parsed:
    """The value when all candidates agree; ambiguous when they do not; none when there are none."""
    distinct = list(dict.fromkeys(values))
    if not distinct:
        return NONE
    if len(distinct) > 1:
        return AMBIGUOUS
    return Parsed(distinct[0])


# ---------------------------------------------------------------------------------------------- choices

_OFFICIAL_LETTER = re.compile(r"\b([A-Da-d])\b")  # either case: "a dog" is A, as officially
_BARE = re.compile(r"^[\s\"'*`(\[{<]*([A-Za-z])[\s\"'*`)\]}>.:,;!]*$")
_EXPLICIT = re.compile(
    r"\b(?:answer|option|choice|image|picture|letter)\s*(?:is|would be)?\s*[:=-]?\s*([\"'*(\[]*)([A-Za-z])(?![A-Za-z0-9'’-])",
    re.IGNORECASE,
)
_CAPITAL = re.compile(r"(?<![A-Za-z0-9'’-])([A-Z])(?![A-Za-z0-9'’-])")


def _is_article(text: str, end: int) -> bool:
    """A capital A followed by a lowercase word is the article ("A dog"), unless the word is a verb
    or connective that makes it a reference to option A ("A is correct")."""
    m = re.match(r"\s+([a-z][a-z]*)", text[end:])
    return bool(m) and m.group(1) not in _LETTER_VERBS


def parse_choice(
    response: str,
    letters: Sequence[str],
    option_texts: Mapping[str, str] | None = None,
    *,
    mode: str = "default",
) -> Parsed:
    """An option letter from `letters` (e.g. A-D).

    `option_texts` maps letters to what the option says where that is not an image ("top left",
    "the second image"); the default mode also accepts those texts and ordinals ("the third one",
    "3").
    """
    _check_mode(mode)
    text = response or ""
    if mode == "official":
        m = _OFFICIAL_LETTER.search(text)
        return Parsed(m.group(1).upper()) if m else NONE
    valid = {x.upper() for x in letters}
    # 1. the whole response is one letter, in any case, perhaps bracketed or in bold
    m = _BARE.match(text)
    if m:
        letter = m.group(1).upper()
        return Parsed(letter) if letter in valid else NONE
    # 2. explicit: "answer: B", "the answer is (b)", "option C", "image A"
    explicit = []
    for m in _EXPLICIT.finditer(text):
        bracketed, letter = bool(m.group(1)), m.group(2)
        if letter.upper() not in valid:
            continue
        # "the image is a cat": a lowercase letter must be bracketed or end the phrase; a capital
        # one must not be the article
        if letter.islower() and not bracketed and not re.match(r"\s*([.)\]:,;!]|$)", text[m.end():]):
            continue
        if letter == "A" and not bracketed and _is_article(text, m.end()):
            continue
        explicit.append(letter.upper())
    if explicit:
        return _one(explicit)
    # 3. standalone capital letters that are options, skipping the article "A"
    caps = []
    for m in _CAPITAL.finditer(text):
        letter = m.group(1)
        if letter not in valid:
            continue
        if letter == "A" and _is_article(text, m.end()):
            continue
        caps.append(letter)
    if caps:
        return _one(caps)
    # 4. option texts and ordinals ("the second image", "top left", "3")
    return _one(_text_mentions(text, list(letters), option_texts or {}))


def _text_mentions(text: str, letters: list[str], option_texts: Mapping[str, str]) -> list[str]:
    low = text.lower()
    found: list[str] = []
    for letter, opt in option_texts.items():
        opt = _normalise_option_text(opt)
        if opt and re.search(r"(?<![a-z])" + re.escape(opt) + r"(?![a-z])", _normalise_option_text(low)):
            found.append(letter.upper())
    # ordinal words and bare numbers point at the n-th option
    for m in re.finditer(r"\b(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th)\b", low):
        k = ORDINALS[m.group(1)]
        if k <= len(letters):
            found.append(letters[k - 1].upper())
    nums = re.findall(r"(?<![\d.])(\d+)(?![\d.]\d)", low)
    if len(nums) == 1 and 1 <= int(nums[0]) <= len(letters) and not found:
        found.append(letters[int(nums[0]) - 1].upper())
    # an option text such as "top left" also contains "left": keep the longest reading only
    return found


def _normalise_option_text(s: str) -> str:
    s = s.lower().replace("-", " ")
    s = re.sub(r"\b(the|image|picture|one|of|or|and)\b", " ", s)
    s = re.sub(r"[^a-z0-9 ]", " ", s)
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------------------------------------- numbers

_OFFICIAL_NUMBER = re.compile(r"\b(\d+|" + "|".join(OFFICIAL_NUMBER_WORDS) + r")\b", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + r"|none)(?![\w]|\.\d)", re.IGNORECASE)
_NUMBER_EXPLICIT = re.compile(
    r"(?:answer(?: is)?|total(?: of| is)?|in all|altogether|count(?: is)?|[=:])\s*[\"'*(]*"
    r"(\d+|" + "|".join(NUMBER_WORDS) + r")\b|\b(\d+|" + "|".join(NUMBER_WORDS) + r")\s+(?:\w+\s+)?(?:in total|in all|altogether)",
    re.IGNORECASE,
)


_PRONOUN_ONE = re.compile(
    r"\b(each|the|this|that|which|every|any|no|a|another|big|small|red|blue|green|other|same|last|only)\s+$",
    re.IGNORECASE,
)


def _number_value(tok: str) -> str | None:
    t = tok.lower()
    if t in NUMBER_WORDS:
        return str(NUMBER_WORDS[t])
    if t == "none":
        return "0"
    if "." in t:
        return None  # "2.5" is not a count
    return str(int(t))


def parse_number(response: str, *, mode: str = "default") -> Parsed:
    """A whole number as a string of digits ("7")."""
    _check_mode(mode)
    text = response or ""
    if mode == "official":
        m = _OFFICIAL_NUMBER.search(text)
        if not m:
            return NONE
        tok = m.group(1).lower()
        return Parsed(str(OFFICIAL_NUMBER_WORDS[tok]) if tok in OFFICIAL_NUMBER_WORDS else str(int(tok)))
    explicit = []
    for m in _NUMBER_EXPLICIT.finditer(text):
        v = _number_value(m.group(1) or m.group(2))
        if v is not None:
            explicit.append(v)
    if explicit:
        return Parsed(explicit[-1])
    values = []
    for m in _NUMBER.finditer(text):
        # "one" after a determiner is a pronoun ("each one", "the red one"), not a count
        if m.group(1).lower() == "one" and re.search(_PRONOUN_ONE, text[: m.start()]):
            continue
        v = _number_value(m.group(1))
        if v is not None:
            values.append(v)
    if not values:
        return NONE
    # several numbers without an explicit answer: the conclusion usually comes last ("1, 2, 3: three")
    return Parsed(values[-1])


# ---------------------------------------------------------------------------------------------- directions

_DIR_SYNONYMS = [
    (r"\bupper\b", "top"), (r"\blower\b", "bottom"), (r"\bupwards?\b", "top"), (r"\bdownwards?\b", "bottom"),
    (r"\bup\b", "top"), (r"\bdown\b", "bottom"), (r"\btop ?most\b", "top"), (r"\bbottom ?most\b", "bottom"),
    (r"\bleft ?most\b", "left"), (r"\bright ?most\b", "right"), (r"\bleftwards?\b", "left"),
    (r"\brightwards?\b", "right"), (r"\bbotton\b", "bottom"),
]
_COMPOUND = re.compile(r"\b(top|bottom)\s+(left|right)\b|\b(left|right)\s+(top|bottom)\b")
_SINGLE = re.compile(r"\b(top|bottom|left|right)\b")


def normalise_direction_text(text: str) -> str:
    t = (text or "").lower()
    t = re.sub(r"[-_/]", " ", t)
    t = re.sub(r"[^a-z ]", " ", t)
    for pat, rep in _DIR_SYNONYMS:
        t = re.sub(pat, rep, t)
    return re.sub(r"\s+", " ", t).strip()


def parse_direction(response: str, *, mode: str = "default") -> Parsed:
    """One of the 8 `DIRECTIONS`.

    In the official mode the lowercased response itself is the answer, not stripped (scored by
    exact match against the stripped, lowercased gold).
    """
    _check_mode(mode)
    if mode == "official":
        return Parsed(response.lower()) if response else NONE
    t = normalise_direction_text(response)
    found: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _COMPOUND.finditer(t):
        vert = m.group(1) or m.group(4)
        horiz = m.group(2) or m.group(3)
        found.append(f"{vert} {horiz}")
        spans.append(m.span())
    for m in _SINGLE.finditer(t):
        if any(a <= m.start() < b for a, b in spans):
            continue
        found.append(m.group(1))
    return _one(found)


def adjacent_directions(gold: str) -> set[str]:
    """The gold direction and its two neighbours on the 8-direction compass
    ('left' accepts 'top left' and 'bottom left'; 'top left' accepts 'top' and 'left')."""
    g = normalise_direction_text(gold)
    if g not in DIRECTIONS:
        return {g}
    i = DIRECTIONS.index(g)
    return {DIRECTIONS[i], DIRECTIONS[(i - 1) % 8], DIRECTIONS[(i + 1) % 8]}
