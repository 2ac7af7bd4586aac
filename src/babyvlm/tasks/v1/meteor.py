"""METEOR (Banerjee & Lavie 2005), offline: exact and Porter-stem matching, no WordNet.

The standard implementations (NLTK's `meteor_score`) align words in three stages: exact, Porter
stem, WordNet synonyms. WordNet data cannot be downloaded at run time here, so this version runs
the first two stages only: two different words count as a match only when their Porter stems agree
("cats"/"cat", "running"/"run"); synonyms ("mom"/"mother") do not match. Scores are therefore at
most those of NLTK's METEOR with WordNet (equal whenever no synonym-only match exists).

Words are lowercased runs of letters, digits and apostrophes (punctuation is dropped). Parameters
as in NLTK: alpha 0.9, beta 3, gamma 0.5; with several references the best score counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return _WORD.findall((text or "").lower())


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


def align(hyp: list[str], ref: list[str]) -> list[tuple[int, int]]:
    """Greedy word alignment, exact matches first, then stems; (hyp index, ref index) pairs."""
    matches: list[tuple[int, int]] = []
    free_h = list(range(len(hyp)))
    free_r = list(range(len(ref)))
    for key in (lambda w: w, stem):
        hk = {i: key(hyp[i]) for i in free_h}
        rk = {j: key(ref[j]) for j in free_r}
        for i in list(free_h):
            for j in free_r:
                if hk[i] == rk[j]:
                    matches.append((i, j))
                    free_h.remove(i)
                    free_r.remove(j)
                    break
    return sorted(matches)


def chunks(matches: list[tuple[int, int]]) -> int:
    n, prev = 0, None
    for i, j in matches:
        if prev is None or i != prev[0] + 1 or j != prev[1] + 1:
            n += 1
        prev = (i, j)
    return n


def meteor_single(hypothesis: str, reference: str, *, alpha: float = 0.9, beta: float = 3.0, gamma: float = 0.5) -> float:
    hyp, ref = words(hypothesis), words(reference)
    if not hyp or not ref:
        return 0.0
    m = align(hyp, ref)
    if not m:
        return 0.0
    p = len(m) / len(hyp)
    r = len(m) / len(ref)
    fmean = p * r / (alpha * p + (1 - alpha) * r)
    penalty = gamma * (chunks(m) / len(m)) ** beta
    return fmean * (1 - penalty)


def meteor(hypothesis: str, references: Sequence[str] | str, **kw: float) -> float:
    refs = [references] if isinstance(references, str) else list(references)
    return max((meteor_single(hypothesis, r, **kw) for r in refs), default=0.0)
