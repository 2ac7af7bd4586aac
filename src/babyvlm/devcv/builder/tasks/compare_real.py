"""Who has more (real frames): two frames with different numbers of one word's objects.

Counts come from the boxes, only in frames where every instance of the word is clearly in view
(`Pool.counts`), from 1 to 6 as in the official items; `notes` gives them in the official words
("first should have 2 second should have 1"). The frame with more is on A or B equally often within
each word. Low-level control: counting connected regions picks the right frame in half the items.
"""

from __future__ import annotations

from collections import defaultdict

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.tasks.picture_vocabulary import WordCycle
from babyvlm.tasks import shortcuts as sc

MAX_COUNT = 6
CANDIDATES = 4


def build(ctx: TaskContext) -> TaskResult:
    pool, rng = ctx.pool, ctx.rng
    res = TaskResult()
    frames: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))  # item -> count -> frames
    for fi, counts in enumerate(pool.counts):
        for item, n in counts.items():
            if 1 <= n <= MAX_COUNT and pool.term(item).countable:
                frames[item][n].append(fi)
    items = sorted(i for i, by_n in frames.items() if len(by_n) >= 2)
    if not items:
        res.shortfall = "no word seen in frames with two different counts"
        return res
    balancer = AnswerBalancer(["A", "B"], rng)
    control = ll.ConfoundControl("more connected regions", 0.5)
    cycle = WordCycle(items, rng)
    for k in range(ctx.n):
        item = cycle.next()
        term = pool.term(item)
        gold = balancer.pick(term.word)
        counts = sorted(frames[item])
        trials = []
        for _ in range(CANDIDATES):
            n_a, n_b = (int(x) for x in rng.choice(counts, size=2, replace=False))
            small, large = min(n_a, n_b), max(n_a, n_b)
            fs, fl = ctx.pick(frames[item][small]), ctx.pick(frames[item][large])
            pair = [(fl, large), (fs, small)] if gold == "A" else [(fs, small), (fl, large)]
            t = [ctx.path_thumb(pool.frames[f].image) for f, _ in pair]
            guess = sc.pick(sc.more_blobs(t), rng)  # the pixel baseline's rule, its tie rule
            trials.append((pair, guess == "AB".index(gold)))
        pair, _ = control.choose(trials, lambda c: c[1], rng)
        paths = [ctx.writer.copy(pool.frames[f].image, f"compare_real_{k:04d}_{i}.jpg")
                 for i, (f, _) in enumerate(pair)]
        res.records.append({
            "id": f"compare_{k}",
            "notes": f"first should have {pair[0][1]} second should have {pair[1][1]}",
            "conversations": [{"from": "human", "value": f"Which image has more {term.plural}? (A) <image> (B) <image>"},
                              {"from": "gpt", "value": gold}],
            "image": paths,
            "meta": {"word": term.word, "frames": [pool.frames[f].key for f, _ in pair]},
        })
    res.stats = {"controls": [control.summary()], "words": len(items)}
    return res
