"""Counting (4-12) and subitizing (1-4): "How many cups do you see?", natural and synthetic.

Natural items are whole frames in which every instance of the word is clearly in view (so the
count is unambiguous); synthetic items paste one object crop N times in a touching cluster on a
plain background (see `numeracy`). Answers are balanced over the range, and spread within each
word. Up to `natural_fraction` of the items are natural, at most one per (word, count): frames a
second apart are near copies, and a word always asked with the same count would give the answer
away to the question alone; the rest (counts of 4 and more are rare in a room) are synthetic. Low-level control: the number of connected foreground regions equals the
answer no more often than chance.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder import numeracy as nm
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.tasks import shortcuts as sc

CANDIDATES = 3


def prompt(plural: str) -> str:
    return f"<image> How many {plural} do you see?"


def _build(ctx: TaskContext, name: str, lo: int, hi: int, prefix: str) -> TaskResult:
    pool, rng, cfg = ctx.pool, ctx.rng, ctx.cfg.numeracy
    res = TaskResult()
    options = [str(n) for n in range(lo, hi + 1)]
    natural: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))  # item -> count -> frames
    for fi, counts in enumerate(pool.counts):
        for item, n in counts.items():
            if lo <= n <= hi and pool.term(item).countable:
                natural[item][str(n)].append(fi)
    synth_items = [i for i in pool.items() if pool.term(i).countable]
    if not natural and not synth_items:
        res.shortfall = "no countable object in the split"
        return res
    n_natural = int(round(cfg.natural_fraction * ctx.n)) if natural else 0
    balancer = AnswerBalancer(options, rng)
    control = ll.ConfoundControl("connected foreground regions", 1 / len(options))
    per_word: Counter = Counter()  # (word, answer) -> items, so each word's answers spread too
    kinds = {"natural": 0, "synthetic": 0}
    span = hi - lo + 1

    def least(cands: list[str], gold: str) -> str:
        best = min(per_word[(pool.term(i).word, gold)] for i in cands)
        return ctx.pick([i for i in cands if per_word[(pool.term(i).word, gold)] == best])

    def clipped(im) -> int:
        return sc.blob_number(sc.thumb(im), lo, hi)

    for _ in range(ctx.n * 2):
        if len(res.records) >= ctx.n:
            break
        gold = balancer.pick()
        # a natural frame at most once per (word, count): frames a second apart are near copies, and a
        # word always shown with the same count would let the question alone give the answer away
        nat_items = [i for i in sorted(natural) if natural[i].get(gold) and per_word[(pool.term(i).word, gold)] == 0]
        use_natural = kinds["natural"] < n_natural and bool(nat_items)
        if not use_natural and not synth_items:
            balancer.total[gold] -= 1
            balancer.by_key[""][gold] -= 1
            continue
        j = len(res.records)
        if use_natural:
            item = least(nat_items, gold)
            frames = natural[item][gold]
            trials = []
            for _ in range(CANDIDATES):
                fi = ctx.pick(frames)
                im = ctx.image(pool.frames[fi].image)
                trials.append((pool.frames[fi].image, {"kind": "natural", "frame": pool.frames[fi].key},
                               clipped(im) == int(gold)))
        else:
            item = least(synth_items, gold)
            n = int(gold)
            trials = []
            for _ in range(CANDIDATES):
                ob = ctx.pick(pool.by_item[item])
                lo_s, hi_s = cfg.item_side
                side = round(rng.uniform(lo_s, hi_s) * (1.0 if n <= 6 else 0.85))
                crop = ctx.crop(ob, ctx.window(ob, (0.0, 0.12)), side=hi_s * 2)
                out = nm.render_set(crop, n, side, ctx.cfg.image.canvas, nm.background(rng), cfg.gap, rng)
                if out is None:
                    continue
                im, info = out
                trials.append((im, {"kind": "synthetic", "source": pool.frame(ob).key, "item_size": info["item_size"],
                                    "layout": "touching cluster", "gap": cfg.gap}, clipped(im) == n))
            if not trials:
                balancer.total[gold] -= 1
                balancer.by_key[""][gold] -= 1
                continue
        term = pool.term(item)
        im, meta, _ = control.choose(trials, lambda c: c[2], rng)
        kinds[meta["kind"]] += 1
        per_word[(term.word, gold)] += 1
        # a natural frame is copied as it is; a synthetic stimulus is encoded
        path = ctx.writer.copy(im, f"{prefix}_{j:04d}_0.jpeg") if isinstance(im, str) else \
            ctx.writer.save(im, f"{prefix}_{j:04d}_0.jpeg")
        res.records.append({
            "id": f"{name}_{j}",
            "conversations": [{"from": "human", "value": prompt(term.plural)}, {"from": "gpt", "value": gold}],
            "image": [path],
            "meta": {"word": term.word, **meta},
        })
    res.stats = {"controls": [control.summary()], "kinds": kinds, "answer_range": [lo, hi], "range_size": span}
    return res


def build_count(ctx: TaskContext) -> TaskResult:
    lo, hi = ctx.cfg.numeracy.count_range
    return _build(ctx, "count", lo, hi, "count")


def build_subitizing(ctx: TaskContext) -> TaskResult:
    lo, hi = ctx.cfg.numeracy.subitizing_range
    return _build(ctx, "subitizing", lo, hi, "subitizing")
