"""The fit check: items whose answer depends only on the image, and scoring a model on them.

Every item of a task asks the same question about a generated picture; only the picture, and so the
answer, differs. A model that trains on such items and cannot then answer them (on the very items
it trained on) does not use its images: the check that guards the training stack against that.

Items are written as a DevCV-style folder (`DIR/train/<task>/data.json` + images), so they train
through the ordinary stage-3 path. Scoring compares the summed log-likelihood of every candidate
answer after the prompt, through the checkpoint's own processor and chat template (what `eval` does).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from babyvlm.util.io import write_json, write_text
from babyvlm.util.rngs import stream

SIZE = 64
BACKGROUND = (235, 230, 220)
COLORS = {"red": (220, 40, 40), "green": (40, 180, 60), "blue": (50, 80, 220), "yellow": (230, 210, 40)}

QUESTIONS = {
    "color": "What color is the ball?",
    "count": "How many balls do you see?",
    "leftright": "Is the ball on the left or on the right?",
    # two pictures, as the DevCV compare tasks ask: the answer is a letter that picks an image
    "compare": "Which image has more balls? Answer (A) <image> (B) <image>",
}
ANSWERS = {
    "color": list(COLORS),
    "count": ["1", "2", "3", "4"],
    "leftright": ["left", "right"],
    "compare": ["A", "B"],
}


def _picture(task: str, answer: str, rng: np.random.Generator, *, radius: int = 5) -> Image.Image:
    img = Image.new("RGB", (SIZE, SIZE), BACKGROUND)
    d = ImageDraw.Draw(img)
    r = 7
    if task == "color":
        x, y = rng.integers(r + 2, SIZE - r - 2, size=2)
        d.ellipse((x - r - 3, y - r - 3, x + r + 3, y + r + 3), fill=COLORS[answer])
    elif task == "leftright":
        lo, hi = (r + 2, SIZE // 2 - r - 2) if answer == "left" else (SIZE // 2 + r + 2, SIZE - r - 2)
        x, y = int(rng.integers(lo, hi)), int(rng.integers(r + 2, SIZE - r - 2))
        d.ellipse((x - r, y - r, x + r, y + r), fill=COLORS[str(rng.choice(list(COLORS)))])
    else:  # count: balls of one colour on a 4x4 grid of cells, never touching
        cells = rng.choice(16, size=int(answer), replace=False)
        color = COLORS[str(rng.choice(list(COLORS)))]
        for c in cells:
            x, y = 8 + 16 * (c % 4), 8 + 16 * (c // 4)
            d.ellipse((x - radius, y - radius, x + radius, y + radius), fill=color)
    return img


def write_fit_items(out: str | Path, *, task: str = "count", n: int = 64, seed: int = 0,
                    split: str = "train", radius: int = 5, max_count: int = 4) -> Path:
    """`out/<split>/<task>/data.json` with `n` items, answers balanced; returns `out`.

    `radius` (pixels of 64) and `max_count` (compare: each picture holds 1..max_count balls) make
    the pictures harder, a ladder from these clean items towards the DevCV stimuli."""
    if task not in QUESTIONS:
        raise ValueError(f"unknown fit-check task {task!r} (one of {', '.join(QUESTIONS)})")
    if not 1 <= radius <= 7 or not 2 <= max_count <= 16:
        raise ValueError(f"radius {radius} must be 1..7 and max_count {max_count} 2..16 (a 4x4 grid of 16-px cells)")
    out = Path(out)
    folder = out / split / task
    (folder / "images").mkdir(parents=True, exist_ok=True)
    rng = stream(seed, 17)
    answers = ANSWERS[task]
    items = []
    for i in range(n):
        answer = answers[i % len(answers)]
        if task == "compare":  # two counts that differ; the answer's image has the larger
            low, high = sorted(int(c) for c in rng.choice(max_count, size=2, replace=False) + 1)
            counts = (high, low) if answer == "A" else (low, high)
            names = [f"images/{task}_{i:04d}_{k}.png" for k in range(2)]
            for name, c in zip(names, counts):
                _picture("count", str(c), rng, radius=radius).save(folder / name)
            human = QUESTIONS[task]
            meta = {"counts": list(counts)}
        else:
            names = [f"images/{task}_{i:04d}_0.png"]
            _picture(task, answer, rng, radius=radius).save(folder / names[0])
            human = f"<image> {QUESTIONS[task]}"
            meta = {}
        items.append({"id": f"{task}_{i}", "image": names,
                      "conversations": [{"from": "human", "value": human},
                                        {"from": "gpt", "value": answer}], "meta": meta})
    write_json(folder / "data.json", items)
    return out


def write_tokenizer_corpus(out: str | Path, *, task: str = "count") -> Path:
    """A minimal 'pretraining set' (text/train.txt) that the run's tokenizer is trained on."""
    out = Path(out)
    # every answer after a space, as it follows "ASSISTANT:" (else BPE may never merge " 1" into one token)
    lines = [QUESTIONS[t].replace("<image>", "") for t in QUESTIONS] + [f"the answer is {a}" for a in ANSWERS[task]]
    lines += ["look at the ball", "where is the ball", "the ball is on the left", "the ball is on the right"]
    write_text(out / "text" / "train.txt", "".join(f"{line}\n" for line in lines * 4))
    return out


def score_items(model_dir: str | Path, split_dir: str | Path) -> float:
    """Accuracy of a saved model on every fit-check item under `split_dir` (argmax log-likelihood)."""
    import torch

    from babyvlm.model.build import load_vlm
    from babyvlm.tasks.conversation import user_turn
    from babyvlm.util.io import read_json

    model, processor = load_vlm(model_dir)
    model.eval()
    right = total = 0
    for data in sorted(Path(split_dir).glob("*/data.json")):
        task = data.parent.name
        for item in read_json(data):
            images = [Image.open(data.parent / name).convert("RGB") for name in item["image"]]
            message, _ = user_turn(item["conversations"][0]["value"])
            prompt = processor.apply_chat_template([message], add_generation_prompt=True, tokenize=False)
            n_prompt = processor(text=prompt, images=images, return_tensors="pt")["input_ids"].shape[1]
            scores = []
            for cand in ANSWERS[task]:
                enc = processor(text=prompt + f" {cand}", images=images, return_tensors="pt")
                with torch.no_grad():
                    logits = model(**enc).logits[0].float()
                ids = enc["input_ids"][0]
                logp = torch.log_softmax(logits[:-1], -1)[torch.arange(len(ids) - 1), ids[1:]]
                scores.append(float(logp[n_prompt - 1:].sum()))
            right += ANSWERS[task][int(np.argmax(scores))] == item["conversations"][1]["value"]
            total += 1
    return right / max(1, total)
