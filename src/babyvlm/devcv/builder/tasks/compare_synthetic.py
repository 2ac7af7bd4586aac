"""Who has more (synthetic): one object crop pasted N and M times; which image has more.

Ratio bins (1:2, 2:3, 3:4) and area controls (equal item size, equal total area, area inverted
against number) are crossed and taken in turn, so each bin x control cell holds the same number of
items; both are recorded per item in `meta.stimulus` (with the counts, sizes and areas; the official
items have no `notes` here, so neither do ours). The larger
set is on A or B equally often within each word. Copies are laid out in touching clusters (see
`numeracy`). Low-level control: counting connected regions (ties: more foreground) picks the right
image in half the items.
"""

from __future__ import annotations

import itertools

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder import numeracy as nm
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.tasks.picture_vocabulary import WordCycle
from babyvlm.tasks import shortcuts as sc

CANDIDATES = 3


def prompt(plural: str) -> str:
    return f"Which image has more {plural}? Answer (A) <image> (B) <image>"


def blob_guess(images, rng) -> int:
    """The option the pixel baseline's `more_blobs` rule answers (a tie broken at random, as it does)."""
    return sc.pick(sc.more_blobs([sc.thumb(im) for im in images]), rng)


def build(ctx: TaskContext) -> TaskResult:
    pool, rng, cfg = ctx.pool, ctx.rng, ctx.cfg.numeracy
    res = TaskResult()
    items = [i for i in pool.items() if pool.term(i).countable]
    if not items:
        res.shortfall = "no countable object in the split"
        return res
    cells = list(itertools.product(cfg.ratios, cfg.area_controls))
    cell_order = [cells[int(i)] for i in rng.permutation(len(cells))]
    balancer = AnswerBalancer(["A", "B"], rng)
    control = ll.ConfoundControl("more connected regions (then more foreground)", 0.5)
    cycle = WordCycle(items, rng)
    lo, hi = cfg.item_side
    for k in range(ctx.n):
        ratio, area = cell_order[k % len(cell_order)]
        item = cycle.next()
        term = pool.term(item)
        gold = balancer.pick(term.word)
        small, large = ctx.pick(nm.ratio_pairs(ratio, cfg.max_compare))
        trials = []
        for _ in range(CANDIDATES):
            ob = ctx.pick(pool.by_item[item])
            crop = ctx.crop(ob, ctx.window(ob, (0.0, 0.12)), side=hi * 2)
            base = rng.uniform((lo + hi) / 2, hi) if area == "area_inverted" else rng.uniform(lo, hi)
            s_small, s_large = nm.compare_sides(small, large, area, base)
            bg = nm.background(rng)
            a = nm.render_set(crop, small, round(s_small), ctx.cfg.image.canvas, bg, cfg.gap, rng)
            b = nm.render_set(crop, large, round(s_large), ctx.cfg.image.canvas, bg, cfg.gap, rng)
            if a is None or b is None:
                continue
            sets = [b, a] if gold == "A" else [a, b]
            trials.append((ob, sets, blob_guess([s[0] for s in sets], rng) == "AB".index(gold)))
        if not trials:
            balancer.by_key[term.word][gold] -= 1
            balancer.total[gold] -= 1
            continue
        ob, sets, _ = control.choose(trials, lambda c: c[2], rng)
        j = len(res.records)
        paths = [ctx.writer.save(s[0], f"compare_synthetic_{j:04d}_{i}.jpeg") for i, s in enumerate(sets)]
        info = [s[1] for s in sets]
        res.records.append({
            "id": f"compare_synthetic_{j}",
            "conversations": [{"from": "human", "value": prompt(term.plural)}, {"from": "gpt", "value": gold}],
            "image": paths,
            "meta": {"stimulus": {"ratio": ratio, "area_control": area, "counts": [x["count"] for x in info],
                                  "item_size": [x["item_size"] for x in info], "item_area": [x["item_area"] for x in info],
                                  "total_area": [x["total_area"] for x in info], "layout": "touching cluster",
                                  "gap": cfg.gap},
                     "word": term.word, "source": pool.frame(ob).key},
        })
    if len(res.records) < ctx.n:
        res.shortfall = "some stimuli did not fit the canvas"
    res.stats = {"controls": [control.summary()], "cells": {f"{r} {a}": sum(1 for x in res.records
                 if x["meta"]["stimulus"]["ratio"] == r and x["meta"]["stimulus"]["area_control"] == a)
                 for r, a in cells}}
    return res
