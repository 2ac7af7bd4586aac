"""Looking while listening: two object crops and two phrases ("the ball", "the cup").

The harness scores it by likelihood (phrase k describes image k); the human turn asks for the
named image as the NIH task does ("Look at the ball!"), with the named image balanced over A/B.
The second object is a foil chosen like picture vocabulary's (meaning and sound).
"""

from __future__ import annotations

from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.distractors import DistractorPicker
from babyvlm.devcv.builder.tasks.picture_vocabulary import WordCycle


def build(ctx: TaskContext) -> TaskResult:
    pool, rng = ctx.pool, ctx.rng
    items = pool.items()
    res = TaskResult()
    if len({pool.term(i).word for i in items}) < 2:
        res.shortfall = "fewer than two object words in the split"
        return res
    picker = DistractorPicker(ctx.lexicon, ctx.cfg.distractors)
    balancer = AnswerBalancer(["A", "B"], rng)
    cycle = WordCycle(items, rng)
    terms = [pool.term(i) for i in items]
    for k in range(ctx.n):
        a = pool.term(cycle.next())
        foil = picker.pick(a, terms, 1, rng)[0].term
        pair = [a, foil] if rng.random() < 0.5 else [foil, a]
        named = balancer.pick(a.word)  # which image the human turn names
        word = pair["AB".index(named)].word
        obs = [ctx.pick(pool.by_item[t.item]) for t in pair]
        paths = [ctx.writer.save(ctx.crop(o, ctx.window(o, (0.05, 0.3))), f"lwl_{k:04d}_{i}.jpg")
                 for i, o in enumerate(obs)]
        res.records.append({
            "id": f"looking_while_listening_{k:04d}",
            "phrases": [f"the {t.word}" for t in pair],
            "conversations": [
                {"from": "human", "value": f"<image> <image> Look at the {word}! (A) the first image (B) the second image"},
                {"from": "gpt", "value": named}],
            "image": paths,
            "meta": {"sources": [pool.frame(o).key for o in obs]},
        })
    res.stats = {"distractors": picker.summary()}
    return res
