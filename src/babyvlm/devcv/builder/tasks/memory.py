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
at the new object in half the rounds. In the test rounds the two appearances of each learned
object follow the patterns (right, right), (right, wrong), (wrong, right), (wrong, wrong) in turn,
so that the statistic gets both appearances of an object right (the adjusted score) a quarter of
the time, not just half of the rounds right.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
from PIL import ImageEnhance, ImageOps

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.tasks import shortcuts as sc

OLD_VIEWS = 4  # views of the old object tried per round
NEW_WORDS = 6  # unused words tried as the new object of a round
PATTERNS = ((True, True), (True, False), (False, True), (False, False))  # unused words tried as the new object of a round


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
    realised: Counter = Counter()  # (first, second) test appearances the pixel statistic gets right
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
        patterns: dict[str, bool] = {}  # learned object -> whether its first test appearance was a "hit"
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
            # views of the old object and new-object candidates are drawn separately, and every pairing
            # of the two is a candidate: cheap (a thumbnail per view), and both outcomes usually exist
            tries = unused[-NEW_WORDS:]
            olds = [new_view(old) for _ in range(OLD_VIEWS)]
            news = [(w, new_view(w)) for w in tries]
            d_old = [sc.min_distance(v.thumb(), stack) for v in olds]
            d_new = [sc.min_distance(v.thumb(), stack) for _, v in news]
            trials = [(news[j][0], olds[i], news[j][1], d_new[j] > d_old[i])
                      for i in range(len(olds)) for j in range(len(news))]
            if r >= n_learn:
                # the outcome wanted for this appearance: the pattern realised least often so far that
                # is still open given how the object's first appearance turned out
                first_hit = patterns.get(old)
                opts = [p for p in PATTERNS if first_hit is None or p[0] == first_hit]
                low = min(realised[p] for p in opts)
                best = [p for p in opts if realised[p] == low]
                want = best[int(rng.integers(len(best)))][0 if first_hit is None else 1]
                nw, a, b, hit = control.choose(trials, lambda t: t[3], rng, want=want)
                if first_hit is None:
                    patterns[old] = hit
                else:
                    realised[(first_hit, hit)] += 1
            else:
                nw, a, b, _ = learn_control.choose(trials, lambda t: t[3], rng)
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
    res.stats = {"controls": [control.summary(), learn_control.summary()], "words": len(words),
                 "test_patterns": {f"{'right' if a else 'wrong'},{'right' if b else 'wrong'}": realised[(a, b)]
                                   for a, b in PATTERNS}}
    return res
