"""Localization: a frame region with the named object inside one quadrant.

The answer quadrant is chosen first (balanced over the four within each word, so where an object
usually is in a room - windows high, toys low - tells nothing), then a crop window of the frame is
placed so that the whole object box lies inside that quadrant with a margin. The object must be the
only instance of its word in the frame. `bb` is its box in the written image. Low-level control:
the quadrant with the most edge energy is the answer in a quarter of the items.
"""

from __future__ import annotations

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder.balance import AnswerBalancer
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.tasks.picture_vocabulary import WordCycle
from babyvlm.tasks import shortcuts as sc
from babyvlm.tasks.base import LETTERS  # the letters the task reads back

QUADRANTS = sc.QUADRANTS  # the prompt's order: A-D
MARGIN = 3  # pixels between the object and the quadrant's edges
CANDIDATES = 6
OBSERVATIONS = 6  # observations of the word tried per item
WORD_TRIES = 3  # words tried when none of the candidates is of the kind the control wants


def prompt(word: str) -> str:
    return (f"<image> Point at the {word}. Is it in the (A) top left or (B) top right or (C) bottom left or "
            f"(D) bottom right of the image?")


def windows(box, fw: int, fh: int, q: int, rng, tries: int = 12) -> list[tuple[int, int, int, int]]:
    """Crop windows (frame aspect) that put `box` inside quadrant q (0 TL, 1 TR, 2 BL, 3 BR)."""
    bx, by, bw, bh = box
    col, row = q % 2, q // 2
    smin = max(2 * (bw + 2 * MARGIN) / fw, 2 * (bh + 2 * MARGIN) / fh, 0.45)
    out = []
    if smin > 1:
        return out
    for _ in range(tries):
        s = rng.uniform(smin, 1.0)
        ww, wh = int(fw * s), int(fh * s)
        lo_x = max(0, bx + bw + MARGIN - (col + 1) * ww / 2)
        hi_x = min(fw - ww, bx - MARGIN - col * ww / 2)
        lo_y = max(0, by + bh + MARGIN - (row + 1) * wh / 2)
        hi_y = min(fh - wh, by - MARGIN - row * wh / 2)
        if lo_x > hi_x or lo_y > hi_y:
            continue
        x0 = int(rng.uniform(lo_x, hi_x))
        y0 = int(rng.uniform(lo_y, hi_y))
        out.append((x0, y0, x0 + ww, y0 + wh))
    return out


def build(ctx: TaskContext) -> TaskResult:
    pool, rng = ctx.pool, ctx.rng
    res = TaskResult()
    good = {}
    for item, obs in pool.by_item.items():
        keep = [o for o in obs if pool.same_item_in_frame(o) == 0
                and pool.obj(o).box[2] < 0.45 * pool.frame(o).width and pool.obj(o).box[3] < 0.45 * pool.frame(o).height]
        if keep:
            good[item] = keep
    if not good:
        res.shortfall = "no object small enough to fit a quadrant"
        return res
    balancer = AnswerBalancer(list(LETTERS[:4]), rng)
    control = ll.ConfoundControl("quadrant with most edge energy", 0.25)
    cycle = WordCycle(sorted(good), rng)
    k = 0
    misses = 0
    energy: dict = {}

    def hit_of(c, q):
        ob, w = c
        if (ob, w) not in energy:
            # the rule the pixel baseline answers with (a tie broken at random, as it breaks them)
            energy[(ob, w)] = sc.QUADRANTS.index(sc.pick(sc.quadrant_energy(ctx.thumb(ob, w)), rng))
        return energy[(ob, w)] == q

    while k < ctx.n and misses < 50 * ctx.n:
        want = control.want_hit()
        for attempt in range(WORD_TRIES):
            item = cycle.next()
            word = pool.term(item).word
            letter = balancer.pick(word)
            q = LETTERS.index(letter)
            cands = []
            for _ in range(OBSERVATIONS):
                ob = ctx.pick(good[item])
                f = pool.frame(ob)
                cands += [(ob, w) for w in windows(pool.obj(ob).box, f.width, f.height, q, rng)[:CANDIDATES]]
            if cands and (any(hit_of(c, q) == want for c in cands) or attempt == WORD_TRIES - 1):
                break
            balancer.by_key[word][letter] -= 1  # undo: try another word for this item
            balancer.total[letter] -= 1
            cands = []
        if not cands:
            misses += 1
            continue

        def hit(c, q=q):
            return hit_of(c, q)

        ob, w = control.choose(cands, hit, rng)
        img = ctx.frame_image(ob).crop(w)
        x, y, bw, bh = pool.obj(ob).box
        path = ctx.writer.save(img, f"localize_{k:04d}_0.jpeg")
        res.records.append({
            "bb": [round(x - w[0], 1), round(y - w[1], 1), round(bw, 1), round(bh, 1)],
            "id": f"localize_{k}",
            "conversations": [{"from": "human", "value": prompt(word)}, {"from": "gpt", "value": letter}],
            "image": [path],
            "meta": {"quadrant": QUADRANTS[q], "source": pool.frame(ob).key, "window": list(w)},
        })
        k += 1
    if k < ctx.n:
        res.shortfall = "too few objects fit the wanted quadrants"
    res.stats = {"controls": [control.summary()]}
    return res
