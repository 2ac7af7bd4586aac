"""Spatial details: a crop of one object and three frames with objects like it; which holds exactly it.

The gold frame shows the same instance at another moment (at least `MIN_GAP` seconds away, so not
the frame the crop came from); the two foils show other instances of the same word, and not the
reference instance, preferably from the same session (same room, same light). Without instance ids
(untracked detections) the gold is the crop's own frame and the foils come from other sessions.
Low-level control: the frame nearest the crop in raw pixels is the gold in a third of the items.
"""

from __future__ import annotations

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.tasks.picture_vocabulary import WordCycle
from babyvlm.tasks import shortcuts as sc
from babyvlm.tasks.base import LETTERS  # the letters the task reads back

PROMPT = ("<image> Which of the following contains exactly this object? (A) <image> (B) <image> (C) <image>. "
          "Pay attention to details and give only a letter A-C.")
N_OPTIONS = 3
MIN_GAP = 2.0
MIN_VISIBLE = 0.6
CANDIDATES = 4


def _frames_with(pool, item: str) -> dict[int, set]:
    """frame index -> ids of clearly visible instances of `item`."""
    out: dict[int, set] = {}
    for fi, f in enumerate(pool.frames):
        ids = {o.id for o in f.objects if o.item == item and o.visible >= MIN_VISIBLE and min(o.box[2:]) >= 8}
        if ids:
            out[fi] = ids
    return out


def build(ctx: TaskContext) -> TaskResult:
    pool, rng = ctx.pool, ctx.rng
    res = TaskResult()
    plans: dict[str, list] = {}  # item -> [(observation, gold frames, same-session foil frames, other foil frames)]
    for item, obs in sorted(pool.by_item.items()):
        frames = _frames_with(pool, item)
        for ob in obs:
            f = pool.frame(ob)
            iid = pool.obj(ob).id
            if iid is None:
                gold = [ob.frame]
                foils = [fi for fi, ids in frames.items() if pool.frames[fi].session != f.session]
                same, other = [], foils
            else:
                gold = [fi for fi, ids in frames.items() if iid in ids and pool.frames[fi].session == f.session
                        and abs(pool.frames[fi].t - f.t) >= MIN_GAP]
                same = [fi for fi in pool.frames_by_session[f.session]
                        if fi in frames and iid not in frames[fi]
                        and all(o.id != iid for o in pool.frames[fi].objects)]
                other = [fi for fi in frames if pool.frames[fi].session != f.session]
            if gold and len(same) + len(other) >= N_OPTIONS - 1:
                plans.setdefault(item, []).append((ob, gold, same, other))
    if not plans:
        res.shortfall = "no object seen twice with another instance of its word to compare"
        return res
    balancer = AnswerBalancer(list(LETTERS[:N_OPTIONS]), rng)
    control = ll.ConfoundControl("frame nearest the crop in pixels", 1 / N_OPTIONS)
    cycle = WordCycle(sorted(plans), rng)
    def frame_thumb(fi: int):
        return ctx.path_thumb(pool.frames[fi].image)

    for k in range(ctx.n):
        item = cycle.next()
        gold = balancer.pick()
        pos = LETTERS.index(gold)
        cands = []
        for _ in range(CANDIDATES):
            ob, golds, same, other = ctx.pick(plans[item])
            g = ctx.pick(golds)
            pool_f = same if len(same) >= N_OPTIONS - 1 else same + other
            pick = rng.choice(len(pool_f), size=N_OPTIONS - 1, replace=False)
            frames = [pool_f[int(i)] for i in pick]
            frames.insert(pos, g)
            win = ctx.window(ob, (0.05, 0.25))
            near = sc.pick(sc.nearest(ctx.thumb(ob, win), [frame_thumb(fi) for fi in frames]), rng)
            cands.append((ob, win, frames, near == pos))
        ob, win, frames, _ = control.choose(cands, lambda c: c[3], rng)
        paths = [ctx.writer.save(ctx.crop(ob, win), f"spatialdetails_{k:04d}_0.jpeg")]
        paths += [ctx.writer.copy(pool.frames[fi].image, f"spatialdetails_{k:04d}_{i + 1}.jpg")
                  for i, fi in enumerate(frames)]
        res.records.append({
            "id": f"spatialdetails_{k}",
            "conversations": [{"from": "human", "value": PROMPT}, {"from": "gpt", "value": gold}],
            "image": paths,
            "meta": {"word": pool.term(item).word, "source": pool.frame(ob).key,
                     "frames": [pool.frames[fi].key for fi in frames]},
        })
    res.stats = {"controls": [control.summary()], "items_with_material": len(plans)}
    return res
