"""Left/right: which option shows the reference object the same way round (not mirrored).

In the official items the gold option is a pixel copy of the reference and the foils are its mirror
images, so nearest-pixel matching solves them. Here every image is its own rendering of the same
object: a different crop window (margins drawn independently per side) and a different exposure
(brightness, contrast, colour balance). The gold keeps the reference's left-right configuration,
the two foils are mirrored. Only objects whose crop differs clearly from its mirror image are used
(a symmetric object has no left and right). Low-level control: the option nearest the reference in
raw pixels is the gold in a third of the items.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.tasks.picture_vocabulary import WordCycle
from babyvlm.tasks import shortcuts as sc
from babyvlm.tasks.base import LETTERS  # the letters the task reads back

PROMPT = "<image> Which of the following is the same as this? Answer with a number. (A) <image> (B) <image> (C) <image>"
N_OPTIONS = 3
MIN_ASYMMETRY = 0.004  # mean squared difference of a crop and its mirror image (thumbnails, 0..1 pixels)
CANDIDATES = 4
THUMB_SIDE = 64  # candidates are compared at this size; the chosen one is rendered full size


def exposure(rng: np.random.Generator) -> tuple[float, float, tuple[float, float, float]]:
    """Another exposure: brightness, contrast, per-channel gains."""
    return float(rng.uniform(0.8, 1.2)), float(rng.uniform(0.8, 1.2)), tuple(float(g) for g in rng.uniform(0.92, 1.08, 3))


def rendering(ctx: TaskContext, ob, window, expo, mirror: bool, side: int) -> Image.Image:
    im = ctx.crop(ob, window, side)
    im = ImageEnhance.Brightness(im).enhance(expo[0])
    im = ImageEnhance.Contrast(im).enhance(expo[1])
    arr = np.asarray(im, dtype=np.float32) * np.asarray(expo[2], dtype=np.float32)
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    return ImageOps.mirror(im) if mirror else im


def asymmetry(im: Image.Image) -> float:
    t = sc.thumb(im)
    return sc.distance(t, t[:, ::-1])


def build(ctx: TaskContext) -> TaskResult:
    pool, rng = ctx.pool, ctx.rng
    res = TaskResult()
    by_item: dict[str, list] = {}
    checked = 0
    for item, obs in sorted(pool.by_item.items()):
        # a sample of each item's observations is tested for asymmetry (all of them would cost too much)
        sample = [obs[int(i)] for i in rng.permutation(len(obs))[:12]]
        keep = [o for o in sample if asymmetry(ctx.crop(o, side=96)) >= MIN_ASYMMETRY]
        checked += len(sample)
        if keep:
            by_item[item] = keep
    if not by_item:
        res.shortfall = "no asymmetric object"
        return res
    balancer = AnswerBalancer(list(LETTERS[:N_OPTIONS]), rng)
    control = ll.ConfoundControl("option nearest the reference in pixels", 1 / N_OPTIONS)
    cycle = WordCycle(sorted(by_item), rng)
    side = ctx.cfg.image.crop_side
    for k in range(ctx.n):
        ob = ctx.pick(by_item[cycle.next()])
        gold = balancer.pick()
        pos = LETTERS.index(gold)
        ref = (ctx.window(ob, (0.1, 0.5)), exposure(rng), False)
        tref = sc.thumb(rendering(ctx, ob, *ref, THUMB_SIDE))
        cands = []
        for _ in range(CANDIDATES):
            opts = [(ctx.window(ob, (0.1, 0.5)), exposure(rng), i != pos) for i in range(N_OPTIONS)]
            near = sc.pick(sc.nearest(tref, [sc.thumb(rendering(ctx, ob, *o, THUMB_SIDE)) for o in opts]), rng)
            cands.append((opts, near == pos))
        opts, _ = control.choose(cands, lambda c: c[1], rng)
        paths = [ctx.writer.save(rendering(ctx, ob, *o, side), f"leftright_{k:04d}_{i}.jpeg")
                 for i, o in enumerate([ref, *opts])]
        res.records.append({
            "id": f"leftright_{k}",
            "conversations": [{"from": "human", "value": PROMPT}, {"from": "gpt", "value": gold}],
            "image": paths,
            "meta": {"word": pool.term(pool.obj(ob).item).word, "source": pool.frame(ob).key,
                     "mirrored": [i != pos for i in range(N_OPTIONS)]},
        })
    res.stats = {"controls": [control.summary()], "asymmetric_items": len(by_item), "checked_observations": checked}
    return res
