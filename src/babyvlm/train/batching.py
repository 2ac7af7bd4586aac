"""Deterministic batch plans: which samples form each micro-batch, for every epoch.

A plan depends only on the sample lengths, the seed and the epoch, so the data position of a run is
one number (the step) and a resumed run sees exactly the batches the uninterrupted run would have.

- packing: samples are placed first-fit into rows of at most `max_length` tokens (a window of open
  rows keeps it streaming); a micro-batch is `batch_size` rows. Attention stays inside each sample.
- padding: a micro-batch is `batch_size` samples padded to the longest; with `group_by_length`,
  samples of similar length are batched together (sorted inside shuffled chunks) to waste less.

Under data parallelism a step takes `grad_accum * world` consecutive micro-batches; process r gets
micro-batches r, r + world, ... of the step, so the global batch is the same for any world size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from babyvlm.util.rngs import stream

Rows = list[list[int]]  # a micro-batch: rows of sample indices


@dataclass
class Plan:
    lengths: np.ndarray
    batch_size: int
    max_length: int
    packing: bool = True
    group_by_length: bool = True
    shuffle: bool = True
    seed: int = 0
    window: int = 16  # open rows when packing
    _cache: dict[int, list[Rows]] = field(default_factory=dict, repr=False)

    def order(self, epoch: int) -> np.ndarray:
        n = len(self.lengths)
        if not self.shuffle:
            return np.arange(n)
        return stream(self.seed, epoch, 11).permutation(n)

    def epoch(self, epoch: int) -> list[Rows]:
        if epoch not in self._cache:
            if len(self._cache) > 4:
                self._cache.clear()
            self._cache[epoch] = self._build(epoch)
        return self._cache[epoch]

    def _build(self, epoch: int) -> list[Rows]:
        order = self.order(epoch)
        if self.packing:
            rows = pack(order, self.lengths, self.max_length, self.window)
            return [rows[i : i + self.batch_size] for i in range(0, len(rows), self.batch_size)]
        if self.group_by_length and self.shuffle:
            rng = stream(self.seed, epoch, 13)
            chunk = self.batch_size * 32
            batches: list[Rows] = []
            for i in range(0, len(order), chunk):
                part = order[i : i + chunk]
                part = part[np.argsort(-self.lengths[part], kind="stable")]
                batches.extend([[int(j)] for j in part[k : k + self.batch_size]]
                               for k in range(0, len(part), self.batch_size))
            return [batches[i] for i in rng.permutation(len(batches))]
        return [[[int(j)] for j in order[k : k + self.batch_size]] for k in range(0, len(order), self.batch_size)]


def pack(order: np.ndarray, lengths: np.ndarray, max_length: int, window: int = 16) -> list[list[int]]:
    """First-fit packing into rows of at most `max_length` tokens, `window` rows open at a time."""
    rows: list[list[int]] = []
    open_rows: list[tuple[list[int], int]] = []  # (samples, used)
    for j in order:
        n = int(lengths[j])
        for k, (row, used) in enumerate(open_rows):
            if used + n <= max_length:
                row.append(int(j))
                open_rows[k] = (row, used + n)
                break
        else:
            open_rows.append(([int(j)], n))
            if len(open_rows) > window:
                rows.append(open_rows.pop(0)[0])
    rows.extend(r for r, _ in open_rows)
    return rows


class Schedule:
    """Micro-batches of a run as one sequence over epochs; step s uses micro-batches [s*M, (s+1)*M)."""

    def __init__(self, plan: Plan, *, grad_accum: int, world: int, max_steps: int = 0, epochs: float = 1.0):
        self.plan = plan
        self.grad_accum = grad_accum
        self.world = world
        self.per_step = grad_accum * world
        self._starts = [0]  # first global micro-batch index of each epoch
        if max_steps > 0:
            self.total_steps = max_steps
        else:
            full, frac = int(epochs), epochs - int(epochs)
            micro = sum(len(plan.epoch(e)) for e in range(full))
            if frac > 0:
                micro += int(frac * len(plan.epoch(full)))
            self.total_steps = micro // self.per_step
        if len(plan.lengths) == 0:
            self.total_steps = 0

    def _locate(self, g: int) -> tuple[int, int]:
        e = 0
        while True:
            if e + 1 >= len(self._starts):
                self._starts.append(self._starts[e] + len(self.plan.epoch(e)))
            if g < self._starts[e + 1]:
                return e, g - self._starts[e]
            e += 1

    def micro_batch(self, step: int, accum: int, rank: int) -> tuple[int, Rows]:
        """(epoch, rows) of one micro-batch of `step` for process `rank`."""
        g = step * self.per_step + accum * self.world + rank
        e, i = self._locate(g)
        return e, self.plan.epoch(e)[i]

    def epoch_of(self, step: int) -> float:
        e, i = self._locate(step * self.per_step)
        return e + i / max(1, len(self.plan.epoch(e)))
