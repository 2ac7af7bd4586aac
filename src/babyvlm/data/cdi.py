"""MacArthur-Bates CDI word lists and age-of-acquisition norms (packaged CSVs, see cdi/README.md).

Small, dependency-free loaders shared by the world generator, the DevCV builder and BabyVLM-V1:

* `cdi_words(form)`: the vocabulary items of the Words & Sentences (`WS`, 680 items) or Words &
  Gestures (`WG`, 396 items) form, each with its CDI category (`animals`, `toys`, ...).
* `aoa_table(measure)`: estimated age of acquisition in months per `uni_lemma` (WG norms,
  `produces` or `understands`).
* `word_aoa(word)`: the AoA of one word looked up by lemma, CDI item name or definition.
* `find_word(word)`, `cdi_vocabulary(form)`: a CDI item from a written word; the set of plain words.
"""

from __future__ import annotations

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
CDI_DIR = DATA_DIR / "cdi"

FORMS = {"WS": "english_ws_words.csv", "WG": "english_wg_words.csv"}
MEASURES = ("produces", "understands")


def data_path(*parts: str) -> Path:
    """Path of a packaged data file, e.g. `data_path("cdi", "english_aoa.csv")`."""
    return DATA_DIR.joinpath(*parts)


@dataclass(frozen=True)
class CDIWord:
    item_id: int  # the form's own item number
    item: str  # CDI item name, e.g. `chicken.animal`, `ice_cream`
    category: str  # CDI category, e.g. `animals`, `food_drink`, `furniture_rooms`
    definition: str  # as printed on the form, e.g. `chicken (animal)`, `soda/pop`
    uni_lemma: str  # cross-linguistic lemma, e.g. `chicken (animal)`, `pasta`

    @property
    def word(self) -> str:
        """The plain word a caregiver would say: `chicken (animal)` -> `chicken`, `soda/pop` -> `soda`."""
        return plain_word(self.definition)


_PAREN_RE = re.compile(r"\s*\([^)]*\)")


def plain_word(text: str) -> str:
    """`chicken (animal)` -> `chicken`; `soda/pop` -> `soda`; `buttocks/bottom*` -> `buttocks`; `TV` -> `tv`."""
    s = _PAREN_RE.sub("", text).split("/")[0].replace("*", "").replace("_", " ")
    return re.sub(r"\s+", " ", s).strip().lower()


@functools.cache
def _read_words(form: str) -> tuple[CDIWord, ...]:
    key = form.upper()
    if key not in FORMS:
        raise ValueError(f"unknown CDI form {form!r} (known: {', '.join(FORMS)})")
    with open(CDI_DIR / FORMS[key], encoding="utf-8", newline="") as f:
        return tuple(
            CDIWord(int(r["item_id"]), r["item"], r["category"], r["definition"], r["uni_lemma"])
            for r in csv.DictReader(f)
        )


def cdi_words(form: str = "WS", categories: str | list[str] | tuple[str, ...] | None = None) -> list[CDIWord]:
    """The vocabulary items of a CDI form (`WS` or `WG`), optionally only some categories."""
    words = _read_words(form)
    if categories is None:
        return list(words)
    wanted = {categories} if isinstance(categories, str) else set(categories)
    return [w for w in words if w.category in wanted]


def cdi_categories(form: str = "WS") -> list[str]:
    """The form's categories in the order the form lists them."""
    return list(dict.fromkeys(w.category for w in _read_words(form)))


def cdi_item(item: str, form: str = "WS") -> CDIWord:
    """One item by its CDI item name (`ball`, `chicken.animal`); KeyError when the form lacks it."""
    for w in _read_words(form):
        if w.item == item:
            return w
    raise KeyError(f"{item!r} is not an item of the CDI {form} form")


@functools.cache
def _by_word(form: str) -> dict[str, CDIWord]:
    out: dict[str, CDIWord] = {}
    for w in _read_words(form):
        for k in (w.item.lower(), w.item.replace("_", " ").lower(), w.definition.lower(), w.word, w.uni_lemma.lower()):
            out.setdefault(k, w)
    return out


def find_word(word: str, form: str = "WS") -> CDIWord | None:
    """The CDI item for a word as a caregiver would write it (`TV`, `teddy bear`, `chicken`), or None."""
    table = _by_word(form.upper())
    w = word.strip().lower()
    for k in (w, w.replace("_", " "), w.replace(" ", ""), w.replace(" ", "_"), plain_word(w)):
        if k in table:
            return table[k]
    return None


def cdi_vocabulary(form: str = "WS", categories: str | list[str] | tuple[str, ...] | None = None) -> set[str]:
    """The plain words of a form (`ice cream`, `chicken`, `tv`), e.g. to filter text to CDI vocabulary."""
    return {w.word for w in cdi_words(form, categories)}


@dataclass(frozen=True)
class AoARow:
    form: str
    measure: str  # `produces` or `understands`
    lexical_category: str  # nouns, predicates, function_words, other
    uni_lemma: str
    words: str
    aoa: float  # months


@functools.cache
def aoa_rows() -> tuple[AoARow, ...]:
    """Every row of the AoA norms (English WG, both measures)."""
    with open(CDI_DIR / "english_aoa.csv", encoding="utf-8", newline="") as f:
        return tuple(
            AoARow(r["form"], r["measure"], r["lexical_category"], r["uni_lemma"], r["words"], float(r["aoa"]))
            for r in csv.DictReader(f)
        )


@functools.cache
def _aoa_map(measure: str) -> dict[str, float]:
    if measure not in MEASURES:
        raise ValueError(f"unknown AoA measure {measure!r} (known: {', '.join(MEASURES)})")
    return {r.uni_lemma: r.aoa for r in aoa_rows() if r.measure == measure}


def aoa_table(measure: str = "produces") -> dict[str, float]:
    """Age of acquisition in months per `uni_lemma` (a copy; safe to modify)."""
    return dict(_aoa_map(measure))


@functools.cache
def _lookup_keys(measure: str) -> dict[str, float]:
    table = _aoa_map(measure)
    keys: dict[str, float] = {}
    for lemma, a in table.items():
        keys.setdefault(lemma.lower(), a)
        keys.setdefault(plain_word(lemma), a)
    # CDI items whose lemma has an AoA are reachable by item name and definition too
    for form in FORMS:
        for w in _read_words(form):
            if w.uni_lemma in table:
                for k in (w.item.lower(), w.definition.lower(), w.word):
                    keys.setdefault(k, table[w.uni_lemma])
    return keys


def word_aoa(word: str, measure: str = "produces", default: float | None = None) -> float | None:
    """AoA (months) of a word given as lemma (`chicken (animal)`), CDI item (`ice_cream`) or plain word."""
    keys = _lookup_keys(measure)
    w = word.strip().lower()
    for k in (w, w.replace("_", " "), plain_word(w)):
        if k in keys:
            return keys[k]
    return default


def cdi_citation() -> str:
    """The citation/credit section of the packaged README."""
    text = (CDI_DIR / "README.md").read_text(encoding="utf-8")
    i = text.find("## Citation")
    return text[i:].strip() if i >= 0 else text.strip()
