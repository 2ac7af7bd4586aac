"""Picture vocabulary: four object crops, one named by the word.

Foils come from `DistractorPicker` (meaning and sound, CDI category); target words are taken in
turn so every word of the split is asked about about equally often; the target's position is
balanced over A-D within each word. Low-level control: the busiest crop (pixel spread) is the
target in a quarter of the items.
"""

from __future__ import annotations

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.distractors import DistractorPicker
from babyvlm.tasks import shortcuts as sc
from babyvlm.tasks.base import LETTERS, ORDINAL_WORDS  # what the task reads back

N_OPTIONS = 4
CANDIDATES = 3


def prompt(word: str) -> str:
    opts = " ".join(f"({LETTERS[i]}) the {ORDINAL_WORDS[i]} image" for i in range(N_OPTIONS))
    return "<image>" * N_OPTIONS + f"\n Touch the image of '{word}' {opts}."


class WordCycle:
    """Items in a shuffled order, reshuffled after each pass (every word asked about evenly)."""

    def __init__(self, items: list[str], rng):
        self.items, self.rng, self.queue = list(items), rng, []

    def next(self) -> str:
        if not self.queue:
            self.queue = [self.items[i] for i in self.rng.permutation(len(self.items))]
        return self.queue.pop()


def build(ctx: TaskContext) -> TaskResult:
    pool, rng = ctx.pool, ctx.rng
    items = pool.items()
    words = {pool.term(i).word for i in items}
    res = TaskResult()
    if len(words) < N_OPTIONS:
        res.shortfall = f"{len(words)} distinct object words in the split (needs {N_OPTIONS})"
        return res
    picker = DistractorPicker(ctx.lexicon, ctx.cfg.distractors)
    balancer = AnswerBalancer(list(LETTERS[:N_OPTIONS]), rng)
    control = ll.ConfoundControl("busiest option (pixel spread)", 1 / N_OPTIONS)
    cycle = WordCycle(items, rng)
    terms = [pool.term(i) for i in items]
    for k in range(ctx.n):
        target = pool.term(cycle.next())
        foils = picker.pick(target, terms, N_OPTIONS - 1, rng)
        gold = balancer.pick(target.word)
        pos = LETTERS.index(gold)
        order = [f.term for f in foils]
        order.insert(pos, target)
        cands = []
        for _ in range(CANDIDATES):
            obs = [ctx.pick(pool.by_item[t.item]) for t in order]
            wins = [ctx.window(o, (0.05, 0.3)) for o in obs]
            busiest = sc.pick(sc.busiest([ctx.thumb(o, w) for o, w in zip(obs, wins)]), rng)
            cands.append((obs, wins, busiest == pos))
        obs, wins, _ = control.choose(cands, lambda c: c[2], rng)
        paths = [ctx.writer.save(ctx.crop(o, w), f"picture_vocabulary_{k:04d}_{i}.png")
                 for i, (o, w) in enumerate(zip(obs, wins))]
        res.records.append({
            "id": f"picture_vocabulary_{k:06d}",
            "conversations": [{"from": "human", "value": prompt(target.word)}, {"from": "gpt", "value": gold}],
            "image": paths,
            "meta": {"words": [t.word for t in order], "foils": [f.to_dict() for f in foils],
                     "sources": [pool.frame(o).key for o in obs]},
        })
    res.stats = {"distractors": picker.summary(), "controls": [control.summary()], "words": len(words)}
    return res
