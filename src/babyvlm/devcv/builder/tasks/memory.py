"""Memory: 15 rounds of "touch the new image" over 29 object crops (the official structure).

Round 1 shows one object; rounds 2-5 show the previous object and a new one (5 objects learned);
rounds 6-15 show each learned object twice, in a shuffled order, against an object never shown.
`labels` names the object of every option per round (15 different words per item, so the harness
can tell learned from novel objects by their labels). Every appearance of an object is a different
view of it: another frame of the same instance where there is one, another crop window and zoom,
sometimes mirrored, another exposure - so no image repeats and "the one I have seen" cannot be
found by matching pixels. The new object's position is balanced over A/B per round.

Low-level control: an option that is new is usually also the one least like every earlier image in
raw pixels. For every round after the first, candidate (old view, new object) pairs are drawn - the
new object among several unused words - and one is kept so that the pixel-novelty statistic points
at the new object in half the rounds.
"""

from __future__ import annotations

import numpy as np
from PIL import ImageEnhance, ImageOps

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult

CANDIDATES = 4
NEW_WORDS = 4  # unused words tried as the new object of a round


class View:
    """One appearance of an object: observation, crop window, mirrored or not, exposure."""

    def __init__(self, ctx: TaskContext, ob, rng: np.random.Generator):
        self.ob = ob
        self.window = ctx.window(ob, (0.0, 0.7))
        self.mirror = bool(rng.random() < 0.5)
        self.gain = float(rng.uniform(0.8, 1.2))
        self._thumb = None
        self.ctx = ctx

    def thumb(self) -> np.ndarray:
        if self._thumb is None:
            self._thumb = np.clip(self.ctx.thumb(self.ob, self.window, self.mirror) * self.gain, 0, 1)
        return self._thumb

    def image(self, side: int):
        im = self.ctx.crop(self.ob, self.window, side)
        im = ImageOps.mirror(im) if self.mirror else im
        return ImageEnhance.Brightness(im).enhance(self.gain)


def build(ctx: TaskContext) -> TaskResult:
    pool, rng, cfg = ctx.pool, ctx.rng, ctx.cfg.memory
    res = TaskResult()
    n_learn, reps = cfg.learned, cfg.test_repeats
    need = n_learn + n_learn * reps
    # one CDI item per word (fish the animal and fish the food would share a label)
    by_word: dict[str, str] = {}
    for item in pool.items():
        by_word.setdefault(pool.term(item).word, item)
    words = sorted(by_word)
    if len(words) < need:
        res.shortfall = f"{len(words)} distinct object words in the split (an item needs {need})"
        return res
    balancer = AnswerBalancer(["A", "B"], rng)
    control = ll.ConfoundControl("option least like the earlier images (test rounds)", 0.5)
    learn_control = ll.ConfoundControl("option least like the earlier images (learning rounds)", 0.5)
    side = ctx.cfg.image.crop_side
    for k in range(ctx.n):
        instance: dict[str, list] = {}  # word -> observations of the one instance used for it

        def new_view(w: str, instance: dict = instance) -> View:
            if w not in instance:
                ob = ctx.pick(pool.by_item[by_word[w]])
                iid = pool.obj(ob).id
                same = pool.by_instance.get((pool.frame(ob).session, iid), [ob]) if iid is not None else [ob]
                instance[w] = same
            return View(ctx, ctx.pick(instance[w]), rng)

        unused = [words[int(i)] for i in rng.permutation(len(words))]
        learned: list[str] = []
        rounds: list[tuple[list[str], list[View], str]] = []  # (labels, views, gold letter)
        first_word = unused.pop()
        first = new_view(first_word)
        learned.append(first_word)
        rounds.append(([first_word], [first], "A"))
        shown = [first.thumb()]
        order = None
        for r in range(1, need):
            if r < n_learn:
                old = learned[r - 1]
            else:
                if order is None:
                    order = [w for w in learned for _ in range(reps)]
                    order = [order[int(i)] for i in rng.permutation(len(order))]
                old = order[r - n_learn]
            stack = np.stack(shown)
            trials = []
            tries = unused[-NEW_WORDS:]
            for c in range(CANDIDATES):
                nw = tries[c % len(tries)]
                a, b = new_view(old), new_view(nw)
                hit = ll.min_distance(b.thumb(), stack) > ll.min_distance(a.thumb(), stack)
                trials.append((nw, a, b, hit))
            nw, a, b, _ = (control if r >= n_learn else learn_control).choose(trials, lambda t: t[3], rng)
            unused.remove(nw)
            for w in tries:  # words tried but not taken keep no instance (a later round may draw another)
                if w != nw and w not in learned:
                    instance.pop(w, None)
            if r < n_learn:
                learned.append(nw)
            gold = balancer.pick(f"round{r}")
            pair, labels = ([b, a], [nw, old]) if gold == "A" else ([a, b], [old, nw])
            rounds.append((labels, pair, gold))
            shown += [a.thumb(), b.thumb()]
        paths, conv, labels = [], [], []
        for r, (labs, views, gold) in enumerate(rounds):
            opts = " ".join(f"({'AB'[i]}) <image>" for i in range(len(views)))
            lead = "Touch the new image." if r == 0 else "Let's try more. Touch the new image."
            conv += [{"from": "human", "value": f"{lead} {opts}"}, {"from": "gpt", "value": gold}]
            labels.append(labs)
            for v in views:
                paths.append(ctx.writer.save(v.image(side), f"memory_{k:04d}_{len(paths)}.jpg"))
        novel = [labs[0] if g == "A" else labs[1] for labs, _, g in rounds[n_learn:]]
        res.records.append({"id": f"memory_task_{k}", "labels": labels, "conversations": conv, "image": paths,
                            "meta": {"learned": learned, "novel": novel}})
    res.stats = {"controls": [control.summary(), learn_control.summary()], "words": len(words)}
    return res
