"""Visual delayed response: 5-9 frames of an object leaving the view; through which side.

Clips come from the split's leaving events (the world's records and the instances' own tracks: an
object the camera turns away from leaves as surely as one that moves). The frames are evenly
spread over the last 1.6-3.2 s up to the first moment the object is gone (the clip frames are
denser than the 1 FPS pipeline: a second-long exit needs several). The named object must be the
only one of its word in view and clearly visible in the first frame. `gif` animates the frames.

Answers: `vdr-binary` asks left/right (or top/bottom) for exits through one side; `vdr-open` asks
for one of 8 directions. Mirroring a clip left-right swaps left and right (never top and bottom:
an upside-down room would give the answer away), so left/right answers are balanced exactly; the
others are balanced by taking every direction in turn and capping the share of any one answer.
Low-level control: the drift of frame differences points to the answer no more often than chance.
"""

from __future__ import annotations

from collections import Counter

from PIL import ImageOps

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.devcv.builder.sources import clip_usable
from babyvlm.tasks import shortcuts as sc

OPEN_OPTIONS = ("top", "bottom", "left", "right", "top right", "top left", "bottom right", "bottom left")
MIRRORABLE = ("left", "right", "top left", "top right", "bottom left", "bottom right")
MIRROR = {"left": "right", "right": "left", "top left": "top right", "top right": "top left",
          "bottom left": "bottom right", "bottom right": "bottom left", "top": "top", "bottom": "bottom"}
CANDIDATES = 4


def binary_prompt(n: int, word: str, side: str) -> tuple[str, list[str]]:
    if side in ("left", "right"):
        return ("<image>" * n + f" does the {word} leave the frame through the right side of the frame or the left side "
                "of the frame? respond ONLY with 'right' or 'left'."), ["right", "left"]
    return ("<image>" * n + f" does the {word} leave the frame through the top of the frame or the bottom of the "
            "frame? respond ONLY with 'top' or 'bottom'."), ["top", "bottom"]


def open_prompt(n: int, word: str) -> str:
    return ("<image>" * n + f" which part of the frame does the {word} leave from? respond ONLY with one of: 'top', "
            "'bottom', 'left', 'right', 'top right', 'top left', 'bottom right', or 'bottom left'.")


def usable(event) -> bool:
    return clip_usable(event.clip)


def clip_frames(ctx: TaskContext, event):
    """A random (span, frame count) choice: the clip frames to show, or None."""
    lo, hi = ctx.cfg.vdr.frames
    span = ctx.rng.uniform(*ctx.cfg.vdr.span)
    n = int(ctx.rng.integers(lo, hi + 1))
    times = [event.end - span + i * span / (n - 1) for i in range(n)]
    picked = []
    for t in times:
        c = min(event.clip, key=lambda c: (abs(c.t - t), c.t))
        if not picked or c.t > picked[-1].t:
            picked.append(c)
    if len(picked) < lo or picked[0].box is None:
        return None
    return picked


def select(events: list, answers: list[str], n: int, max_share: float, reuse: bool, word_of, rng
           ) -> list[tuple[str, tuple]]:
    """Up to n (answer, (event, mirrored)) pairs with balanced answers.

    Answers are taken in turn (the least used first); for each, a clip of the word that has had that
    answer least is preferred (a text-only guesser learns nothing per word). An event gives one clip,
    or with `reuse` one per orientation. Finally the most frequent answers are trimmed until none
    holds more than `max_share` of the items."""
    options: dict[str, list[tuple]] = {a: [] for a in answers}
    for e in [events[int(i)] for i in rng.permutation(len(events))]:
        for m in ([False, True] if e.side in MIRRORABLE else [False]):
            side = MIRROR[e.side] if m else e.side
            if side in options:
                options[side].append((e, m))
    used: set = set()
    counts: Counter = Counter()
    per_word: Counter = Counter()
    out: list[tuple[str, tuple]] = []
    while len(out) < n:
        avail = {a: [c for c in options[a] if (id(c[0]), c[1] if reuse else None) not in used] for a in answers}
        avail = {a: c for a, c in avail.items() if c}
        if not avail:
            break
        a = min(sorted(avail), key=lambda x: counts[x])
        best = min(per_word[(word_of(c[0]), a)] for c in avail[a])
        pick = [c for c in avail[a] if per_word[(word_of(c[0]), a)] == best][0]
        used.add((id(pick[0]), pick[1] if reuse else None))
        out.append((a, pick))
        counts[a] += 1
        per_word[(word_of(pick[0]), a)] += 1
    # with few directions on offer, the cap cannot be below an even share of them
    cap = max(max_share, 1.0 / max(1, sum(1 for a in answers if options[a])))
    while out and len(counts) > 1 and max(counts.values()) > cap * len(out) + 1e-9:
        top = max(sorted(counts), key=lambda x: counts[x])
        i = max(j for j, (a, _) in enumerate(out) if a == top)
        out.pop(i)
        counts[top] -= 1
    return out


def _build(ctx: TaskContext, kind: str) -> TaskResult:
    pool, rng = ctx.pool, ctx.rng
    res = TaskResult()
    events = [e for e in pool.events if usable(e)]
    if not events:
        res.shortfall = "no usable leaving events in the split"
        return res
    reuse = ctx.split == "train" and ctx.cfg.vdr.mirror_train

    def word_of(e) -> str:
        return pool.term(e.item).word

    if kind == "binary":
        n_tb = ctx.n // 3  # a third of the items ask top/bottom where there are enough
        tb = select(events, ["top", "bottom"], n_tb, 0.5, reuse, word_of, rng)
        taken = {id(e) for _, (e, _) in tb}
        lr = select([e for e in events if id(e) not in taken], ["left", "right"], ctx.n - len(tb), 0.5, reuse,
                    word_of, rng)
        picked = tb + lr
        options_target = 0.5
    else:
        picked = select(events, list(OPEN_OPTIONS), ctx.n, 0.2, reuse, word_of, rng)
        options_target = 1 / 8
    picked = [picked[int(i)] for i in rng.permutation(len(picked))]
    control = ll.ConfoundControl("drift of frame differences", options_target)
    answers = Counter()
    number, per_session = {}, Counter()
    for x in pool.events:  # an event's number within its session, for its id
        number[id(x)] = per_session[x.session]
        per_session[x.session] += 1
    for side, (e, mirrored) in picked:
        word = pool.term(e.item).word
        opts = binary_prompt(1, word, side)[1] if kind == "binary" else list(OPEN_OPTIONS)
        trials = []
        for _ in range(CANDIDATES):
            fr = clip_frames(ctx, e)
            if fr is None:
                continue
            thumbs = [ctx.path_thumb(c.image) for c in fr]
            if mirrored:
                thumbs = [t[:, ::-1] for t in thumbs]
            trials.append((fr, sc.motion_direction(thumbs, opts) == side))
        if not trials:
            continue
        fr, _ = control.choose(trials, lambda c: c[1], rng)
        imgs = [ctx.image(c.image) for c in fr]
        j = len(res.records)
        if mirrored:
            imgs = [ImageOps.mirror(im) for im in imgs]
            paths = [ctx.writer.save(im, f"vdr_{j:04d}_{i}.jpg") for i, im in enumerate(imgs)]
        else:
            paths = [ctx.writer.copy(c.image, f"vdr_{j:04d}_{i}.jpg") for i, c in enumerate(fr)]
        gif = ctx.writer.save_gif(imgs, f"vdr_{j:04d}.gif")
        text = binary_prompt(len(imgs), word, side)[0] if kind == "binary" else open_prompt(len(imgs), word)
        n_in_session = number[id(e)]
        res.records.append({
            "id": f"{e.session}_clip_{n_in_session:03d}" + ("_mirrored" if mirrored else ""),
            "conversations": [{"from": "human", "value": text}, {"from": "gpt", "value": side}],
            "image": paths,
            "gif": gif,
            "meta": {"word": word, "event": {"id": e.id, "start": e.start, "end": e.end, "side": e.side,
                                             "origin": e.origin}, "mirrored": mirrored,
                     "times": [c.t for c in fr]},
        })
        answers[side] += 1
    if len(res.records) < ctx.n:
        res.shortfall = f"{len(events)} usable leaving events give {len(res.records)} balanced clips"
    res.stats = {"controls": [control.summary()], "usable_events": len(events),
                 "events_by_origin": dict(Counter(e.origin for e in events))}
    return res


def build_binary(ctx: TaskContext) -> TaskResult:
    return _build(ctx, "binary")


def build_open(ctx: TaskContext) -> TaskResult:
    return _build(ctx, "open")
