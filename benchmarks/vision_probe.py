"""Vision probe: can the model's vision tower, alone, learn a DevCV task from the build's train items?

The tower of a model preset (or a trained one, `--init`) gets a small head and is trained on a task's
train items with the answer as the label; it is scored on those train items (fit) and on the test
split (generalisation). The question text is ignored, so this measures what the images alone can
decide: an upper bound for the VLM on image-decided tasks, and near chance on tasks whose answer
needs the words (picture_vocabulary, localize, looking_while_listening). Three item shapes:

- label: one image, the answer is a class (subitizing, count);
- choose: one image per option, the answer's letter picks an image (compare_synthetic, compare_real);
- match: a reference image, then one per option (leftright, spatialdetails).

Several `--init` values (`new` = a fresh tower; a stage-0b model folder; a VLM folder) run in the
same process on the same items and seed, so a row per init shows what pretraining gives the tower.

    python benchmarks/vision_probe.py --devcv runs/demo/devcv --init new --init runs/demo/run/stage0b/model
    python benchmarks/vision_probe.py --devcv runs/demo/devcv --tasks count --set vision.patch_size=8
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

OPTION = re.compile(r"\(([A-H])\)")


def load_split(devcv: Path, split: str, task: str, processor, limit: int = 0):
    """(pixel tensors per item, answer strings, shape) of one task's split."""
    folder = devcv / split / task
    items = json.loads((folder / "data.json").read_text(encoding="utf-8"))
    if limit:
        items = items[:limit]
    pixels, answers, shapes = [], [], set()
    for it in items:
        human = next(t["value"] for t in it["conversations"] if t["from"] == "human")
        answer = next(t["value"] for t in it["conversations"] if t["from"] == "gpt").strip()
        n_img, n_opt = len(it["image"]), len(OPTION.findall(human))
        if n_img == 1:
            shape = "label"
        elif n_img == n_opt:
            shape = "choose"
        elif n_img == n_opt + 1:
            shape = "match"
        else:
            raise SystemExit(f"{folder}: item {it.get('id')}: {n_img} images for {n_opt} options (no probe shape)")
        shapes.add(shape)
        images = [Image.open(folder / p).convert("RGB") for p in it["image"]]
        pixels.append(processor(images=images, return_tensors="pt")["pixel_values"])
        answers.append(answer)
    if len(shapes) != 1:
        raise SystemExit(f"{folder}: items of several shapes ({', '.join(sorted(shapes))})")
    return pixels, answers, shapes.pop()


class Probe(nn.Module):
    """The tower plus the smallest head each shape needs (mean of the patch tokens as the feature)."""

    def __init__(self, tower, width: int, shape: str, n_classes: int):
        super().__init__()
        self.tower, self.shape = tower, shape
        out = n_classes if shape == "label" else 1
        self.head = nn.Sequential(nn.Linear(2 * width, width), nn.GELU(), nn.Linear(width, 1)) if shape == "match" \
            else nn.Linear(width, out)

    def features(self, pixels):
        return self.tower(pixel_values=pixels).last_hidden_state[:, 1:].mean(1)

    def forward(self, batch: list[torch.Tensor]) -> torch.Tensor:
        f = self.features(torch.cat(batch))
        n = batch[0].shape[0]
        if self.shape == "label":
            return self.head(f)
        f = f.view(len(batch), n, -1)
        if self.shape == "choose":
            return self.head(f).squeeze(-1)
        ref, opts = f[:, :1], f[:, 1:]
        return self.head(torch.cat([ref * opts, (ref - opts).abs()], -1)).squeeze(-1)


def tower_for(init: str, cfg, seed: int):
    from babyvlm.model.build import build_vision, load_vision, load_vlm

    if init == "new":
        return build_vision(cfg, seed=seed)
    path = Path(init)
    if (path / "preprocessor_config.json").exists() or (path / "processor_config.json").exists():
        return load_vlm(path)[0].model.vision_tower  # a VLM folder
    return load_vision(path)


def run(task: str, init: str, args, cfg, processor) -> dict:
    torch.manual_seed(args.seed)
    devcv = Path(args.devcv)
    xtr, ytr, shape = load_split(devcv, "train", task, processor, args.train_limit)
    xte, yte, _ = load_split(devcv, "test", task, processor)
    classes = sorted(set(ytr) | set(yte), key=lambda s: (len(s), s))
    target = (lambda y: classes.index(y)) if shape == "label" else (lambda y: ord(y) - ord("A"))
    vlm = None
    if args.save_vlm:  # train the tower inside a VLM folder's model, then save that VLM with it
        from babyvlm.model.build import load_vlm

        vlm, vlm_processor = load_vlm(init)
        tower = vlm.model.vision_tower.float()
    else:
        tower = tower_for(init, cfg, args.seed).float()
    model = Probe(tower, tower.config.hidden_size, shape, len(classes))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=args.steps, pct_start=0.1)
    rng = np.random.default_rng([args.seed, 31])
    t0 = time.perf_counter()
    model.train()
    for _ in range(args.steps):
        idx = rng.choice(len(xtr), size=min(args.batch_size, len(xtr)), replace=False)
        loss = nn.functional.cross_entropy(model([xtr[i] for i in idx]), torch.tensor([target(ytr[i]) for i in idx]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    seconds = time.perf_counter() - t0

    @torch.no_grad()
    def accuracy(xs, ys) -> float:
        model.eval()
        right = sum(int(model(xs[i:i + 32]).argmax(-1).eq(torch.tensor([target(y) for y in ys[i:i + 32]])).sum())
                    for i in range(0, len(xs), 32))
        return 100.0 * right / len(xs)

    if vlm is not None:
        from babyvlm.model.build import save_pretrained

        save_pretrained(vlm, Path(args.save_vlm) / task, processor=vlm_processor)
    n_choices = len(classes) if shape == "label" else xtr[0].shape[0] - (shape == "match")
    return {"task": task, "init": init, "shape": shape, "train_items": len(xtr), "test_items": len(xte),
            "chance": round(100.0 / n_choices, 1), "fit": round(accuracy(xtr, ytr), 1),
            "test": round(accuracy(xte, yte), 1), "steps": args.steps, "seconds": round(seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--devcv", required=True, help="a DevCV build (DIR/train/<task>, DIR/test/<task>)")
    ap.add_argument("--tasks", default="subitizing,count,compare_synthetic,compare_real,leftright,spatialdetails")
    ap.add_argument("--init", action="append", default=[], help="new, a stage-0b model or a VLM folder (repeatable)")
    ap.add_argument("--preset", default="tiny", help="model preset of the fresh tower and the image processor")
    ap.add_argument("--set", dest="overrides", action="append", default=[], help="model overrides (vision.patch_size=8)")
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--train-limit", type=int, default=0, help="first N train items (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the rows here")
    ap.add_argument("--save-vlm", default="", help="with --init VLM_FOLDER: save that VLM with the trained tower "
                    "to DIR/<task> (a stage-3 init whose tower was trained on the task's labels)")
    args = ap.parse_args()

    from babyvlm.model.config import load_model_config
    from babyvlm.model.processor import build_image_processor

    cfg = load_model_config(args.preset, overrides=args.overrides)
    processor = build_image_processor(cfg)
    keys = ["task", "init", "shape", "train_items", "chance", "fit", "test", "steps", "seconds"]
    print("| " + " | ".join(keys) + " |")
    print("|" + " --- |" * len(keys), flush=True)
    rows = []
    for task in args.tasks.split(","):
        for init in args.init or ["new"]:
            rows.append(run(task, init, args, cfg, processor))
            print("| " + " | ".join(str(rows[-1][k]) for k in keys) + " |", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
