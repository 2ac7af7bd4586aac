"""Select the candidates that look most like the infant corpus: Hungarian matching on similarity.

Each infant frame (a "target") is assigned one distinct candidate image so that the summed cosine
similarity of the pairs is the largest possible (`scipy.optimize.linear_sum_assignment`); the
assigned candidates are the matched subset, one per infant frame, so it has the infant corpus's
size and its visual distribution. A random subset of the same size is drawn for the ablation.

Sizes: the subset size K defaults to the number of infant frames M. K < M uses a seeded random
sample of K infant frames as targets; K > M repeats the targets (each infant frame then takes
several candidates). K is capped at the number of candidates N.

Scale: the similarity matrix is K x N. Up to `max_cells` entries it is solved exactly in one go;
beyond that the targets are taken in seeded random blocks of max_cells // N rows, each block solved
exactly over the candidates still free. Blocks keep memory bounded; the result is then a very good,
not the optimal, assignment (said in the stats as `exact: false`).

Similarity of a subset to the infant corpus is reported three ways (`subset_similarity`):
`pair`, the mean similarity of an optimal one-to-one assignment of the subset to the targets (for
the matched subset: the objective it maximised; for the random one: solved the same way, so the two
are compared on equal terms); `nearest`, the mean over the subset of each image's similarity to its
nearest infant frame; `centroid`, the mean similarity to the infant frames' mean embedding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from babyvlm.util.rngs import stream


@dataclass
class MatchResult:
    matched: np.ndarray  # candidate indices, in target order
    targets: np.ndarray  # infant frame index of each matched candidate
    pair_sims: np.ndarray  # similarity of each (target, matched candidate) pair
    random: np.ndarray  # candidate indices of the random subset (sorted)
    exact: bool = True
    notes: list[str] = field(default_factory=list)


def choose_targets(m: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """K infant-frame indices: a random sample when K < M, all of them (repeated) when K >= M."""
    if k <= m:
        return np.sort(rng.choice(m, size=k, replace=False)) if k < m else np.arange(m)
    reps = -(-k // m)
    return np.tile(np.arange(m), reps)[:k]


def assign(rows: np.ndarray, cols: np.ndarray, *, max_cells: int, rng: np.random.Generator
           ) -> tuple[np.ndarray, np.ndarray, bool]:
    """For each row embedding a distinct column index maximising the summed cosine; (col per row, sims, exact)."""
    k, n = len(rows), len(cols)
    if k == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), True
    if k * n <= max_cells:
        sim = rows @ cols.T
        r, c = linear_sum_assignment(sim, maximize=True)
        out = np.empty(k, np.int64)
        out[r] = c
        return out, sim[np.arange(k), out].astype(np.float32), True
    block = max(1, max_cells // n)
    order = rng.permutation(k)
    free = np.ones(n, bool)
    out = np.empty(k, np.int64)
    sims = np.empty(k, np.float32)
    for a in range(0, k, block):
        idx = order[a:a + block]
        avail = np.flatnonzero(free)
        sim = rows[idx] @ cols[avail].T
        r, c = linear_sum_assignment(sim, maximize=True)
        out[idx[r]] = avail[c]
        sims[idx[r]] = sim[r, c]
        free[avail[c]] = False
    return out, sims, False


def hungarian_match(infant: np.ndarray, candidates: np.ndarray, size: int, *, seed: int = 0,
                    max_cells: int = 20_000_000) -> MatchResult:
    m, n = len(infant), len(candidates)
    notes = []
    if m == 0 or n == 0:
        raise ValueError(f"matching needs infant frames and candidates (got {m} and {n})")
    k = size or m
    if k > n:
        notes.append(f"asked for {k} but only {n} candidates: the matched subset is the whole pool")
        k = n
    rng = stream(seed, 1)
    targets = choose_targets(m, k, rng)
    cols, sims, exact = assign(infant[targets], candidates, max_cells=max_cells, rng=rng)
    rand = np.sort(stream(seed, 2).choice(n, size=k, replace=False))
    return MatchResult(matched=cols, targets=targets, pair_sims=sims, random=rand, exact=exact, notes=notes)


def nearest_similarity(subset: np.ndarray, infant: np.ndarray, chunk: int = 2048) -> np.ndarray:
    """Each subset image's cosine to its nearest infant frame."""
    out = np.empty(len(subset), np.float32)
    for a in range(0, len(subset), chunk):
        out[a:a + chunk] = (subset[a:a + chunk] @ infant.T).max(axis=1)
    return out


def subset_similarity(subset: np.ndarray, infant: np.ndarray, targets: np.ndarray, *, max_cells: int,
                      seed: int = 0) -> dict[str, Any]:
    """pair / nearest / centroid similarity of a subset (rows of embeddings) to the infant frames."""
    if len(subset) == 0:
        return {"n": 0, "pair": None, "nearest": None, "centroid": None}
    centroid = infant.mean(axis=0)
    nrm = float(np.linalg.norm(centroid))
    centroid = centroid / nrm if nrm > 0 else centroid
    _, pair, _ = assign(infant[targets[: len(subset)]], subset, max_cells=max_cells,
                        rng=stream(seed, 3))
    near = nearest_similarity(subset, infant)
    return {"n": int(len(subset)), "pair": round(float(pair.mean()), 6), "nearest": round(float(near.mean()), 6),
            "centroid": round(float((subset @ centroid).mean()), 6)}
