"""A toy pretraining set and DevCV folder in the real layouts (docs/formats.md), for tests and benchmarks.

Frames show coloured shapes on a plain background and the utterances name them ("look at the red
ball"), so a model can learn something real in a few steps. Everything is seeded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from babyvlm.util.io import write_json, write_text
from babyvlm.util.rngs import stream

COLORS = {"red": (220, 40, 40), "green": (40, 180, 60), "blue": (50, 80, 220), "yellow": (230, 210, 40)}
SHAPES = ("ball", "block", "cup")
PHRASES = ("look at the {c} {s}", "there is the {c} {s}", "do you see the {c} {s}", "the {c} {s} is here")


def draw(shapes: list[tuple[str, str, tuple[int, int]]], size=(96, 72), bg=(235, 230, 220), r: int = 10) -> Image.Image:
    img = Image.new("RGB", size, bg)
    d = ImageDraw.Draw(img)
    for color, shape, (x, y) in shapes:
        box = (x - r, y - r, x + r, y + r)
        if shape == "ball":
            d.ellipse(box, fill=COLORS[color])
        elif shape == "block":
            d.rectangle(box, fill=COLORS[color])
        else:
            d.polygon([(x - r, y + r), (x + r, y + r), (x, y - r)], fill=COLORS[color])
    return img


def _scene(rng: np.random.Generator, size=(96, 72)):
    c = str(rng.choice(list(COLORS)))
    s = str(rng.choice(SHAPES))
    xy = (int(rng.integers(14, size[0] - 14)), int(rng.integers(14, size[1] - 14)))
    text = str(rng.choice(PHRASES)).format(c=c, s=s)
    return draw([(c, s, xy)], size), text


def write_pretrain_set(out: str | Path, *, n_train: int = 48, n_val: int = 8, seed: int = 0) -> Path:
    """`out/{train,val}/{single_image,video,interleaved,mix_format}.json`, frames/, text/."""
    out = Path(out)
    rng = np.random.default_rng(seed)
    (out / "frames").mkdir(parents=True, exist_ok=True)
    for split, n in (("train", n_train), ("val", n_val)):
        segs = []
        for i in range(n):
            img, text = _scene(rng)
            name = f"frames/{split}_{i:04d}_frame_0.jpg"
            img.save(out / name, quality=95)
            segs.append((f"{split}_{i:04d}", name, text))
        single = [{"id": sid, "image": [img], "conversations": [{"from": "human", "value": "<image>"},
                                                                 {"from": "gpt", "value": t}]}
                  for sid, img, t in segs]
        video = []
        for k in range(0, n - 2, 3):  # 3 frames of one "clip" with one utterance
            sid, _, t = segs[k]
            frames = [segs[k + j][1] for j in range(3)]
            video.append({"id": f"{sid}_clip", "image": frames,
                          "conversations": [{"from": "human", "value": "<image>" * 3}, {"from": "gpt", "value": t}]})
        inter = []
        for k in range(0, n - 3, 4):  # 4 consecutive segments, alternating <image> and utterance turns
            conv, imgs = [], []
            for _sid, img, t in segs[k : k + 4]:
                conv += [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": t}]
                imgs.append(img)
            inter.append({"id": f"{segs[k][0]}_seq", "image": imgs, "conversations": conv})
        write_json(out / split / "single_image.json", single)
        write_json(out / split / "video.json", video)
        write_json(out / split / "interleaved.json", inter)
        write_json(out / split / "mix_format.json", single + video + inter)
        write_text(out / "text" / f"{split}.txt", "".join(t + "\n" for _, _, t in segs))
    return out


def write_devcv(out: str | Path, *, n: int = 24, seed: int = 0, splits=("train", "val")) -> Path:
    """Two toy DevCV tasks in the official item format: `count` (1 image) and `compare_synthetic` (2)."""
    out = Path(out)
    rng = stream(seed, 1)
    for split in splits:
        count, compare = [], []
        cdir = out / split / "count" / "images"
        mdir = out / split / "compare_synthetic" / "images"
        cdir.mkdir(parents=True, exist_ok=True)
        mdir.mkdir(parents=True, exist_ok=True)
        for i in range(n):
            k = int(rng.integers(1, 5))
            shapes = [("red", "ball", (int(12 + 22 * j), int(rng.integers(14, 58)))) for j in range(k)]
            draw(shapes).save(cdir / f"count_{i:04d}_0.jpeg", quality=95)
            count.append({"id": f"count_{split}_{i}", "image": [f"images/count_{i:04d}_0.jpeg"],
                          "conversations": [{"from": "human", "value": "<image> How many balls do you see?"},
                                            {"from": "gpt", "value": str(k)}]})
            a, b = rng.choice(np.arange(1, 5), size=2, replace=False)
            for j, m in enumerate((int(a), int(b))):
                shapes = [("blue", "block", (int(12 + 22 * q), 36)) for q in range(m)]
                draw(shapes).save(mdir / f"compare_{i:04d}_{j}.jpeg", quality=95)
            compare.append({"id": f"compare_{split}_{i}",
                            "image": [f"images/compare_{i:04d}_0.jpeg", f"images/compare_{i:04d}_1.jpeg"],
                            "conversations": [{"from": "human",
                                               "value": "Which image has more blocks? Answer (A) <image> (B) <image>"},
                                              {"from": "gpt", "value": "A" if a > b else "B"}]})
        write_json(out / split / "count" / "data.json", count)
        write_json(out / split / "compare_synthetic" / "data.json", compare)
    return out
