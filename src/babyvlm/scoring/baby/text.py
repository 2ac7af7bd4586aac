"""Words of an utterance and the scorer's vocabulary (built from the corpus transcripts only).

Tokens are lower-cased letter runs (with an inner apostrophe: "where's"). A plural whose singular
also occurs in the corpus is folded into it ("balls" -> "ball", "boxes" -> "box"), so counting
utterances share the object word with naming ones. Rare words (below `min_count`) map to UNK.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")

PAD, UNK = 0, 1
SPECIALS = ["<pad>", "<unk>"]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _singular(w: str, known: Counter) -> str | None:
    if len(w) > 3 and w.endswith("es") and w[:-2] in known:
        return w[:-2]
    if len(w) > 2 and w.endswith("s") and not w.endswith("ss") and w[:-1] in known:
        return w[:-1]
    return None


class Vocab:
    def __init__(self, itos: list[str], alias: dict[str, str] | None = None):
        self.itos = list(itos)
        self.stoi = {w: i for i, w in enumerate(self.itos)}
        self.alias = dict(alias or {})

    def __len__(self) -> int:
        return len(self.itos)

    @classmethod
    def build(cls, texts: Iterable[str], *, min_count: int = 2, max_size: int = 4000) -> Vocab:
        counts: Counter[str] = Counter()
        for t in texts:
            counts.update(words(t))
        alias = {}
        for w in list(counts):
            s = _singular(w, counts)
            if s is not None:
                alias[w] = s
        merged: Counter[str] = Counter()
        for w, c in counts.items():
            merged[alias.get(w, w)] += c
        kept = [w for w, c in sorted(merged.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_count]
        kept = kept[: max(0, max_size - len(SPECIALS))]
        keep = set(kept)
        return cls(SPECIALS + kept, {w: s for w, s in sorted(alias.items()) if s in keep})

    def encode(self, text: str, max_len: int = 16) -> list[int]:
        ids = [self.stoi.get(self.alias.get(w, w), UNK) for w in words(text)][:max_len]
        return ids + [PAD] * (max_len - len(ids))

    def known_words(self, text: str) -> int:
        return sum(1 for w in words(text) if self.alias.get(w, w) in self.stoi)

    def to_dict(self) -> dict:
        return {"itos": self.itos, "alias": self.alias}

    @classmethod
    def from_dict(cls, d: dict) -> Vocab:
        return cls(d["itos"], d.get("alias", {}))
