"""Stage 3v, the vision warm-up: the tower learns, from the DevCV train split, what its images decide.

Measured (docs/demo.md, section 7): the language model's gradient alone does not teach the tiny
tower the features a task's answer rests on. From the demo's stage 2, stage 3 on compare_synthetic
stays at the answer prior on its own 240 training items; with the tower first trained on those
items' answers through a small head (about 30 s), the same stage 3 fits them to 98%. In the demo's
twelve-task stage 3 the warm-up did not change the numbers, so the demo does not run it.

Each task whose answer follows from its images alone (`Task.image_shape`) gets a head on the mean
of the tower's patch tokens, in the shape of its decision:

- label: one image -> a class (subitizing, count); sequence: frames -> a class from the frames'
  mean and last-minus-first features (visual delayed response);
- choose: one score per option image, the answer's letter picks one (compare real / synthetic);
- match: a score per option from its product and distance to the reference (leftright, spatial details).

The loss is cross-entropy over classes or options, summed over the batch; batches mix tasks. The
stage trains the tower of its `init` VLM (the heads are thrown away) and writes that whole VLM,
with the new tower, so stage 3 starts from it like from stage 2. Only train-split items are read.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from babyvlm.errors import InputError
from babyvlm.tasks.base import LETTERS, Task
from babyvlm.tasks.devcv import DEVCV_TASKS
from babyvlm.train.batching import Rows
from babyvlm.train.data import load_rgb

log = logging.getLogger("babyvlm")

SHAPES = ("label", "sequence", "choose", "match")


@dataclass(frozen=True)
class Labeled:
    """One train item as the warm-up sees it: its task, its images and the index it must pick."""

    task: str
    images: tuple[Path, ...]
    target: int


@dataclass(frozen=True)
class Head:
    task: str
    shape: str
    n_classes: int  # label / sequence: classes; choose / match: options (largest seen)
    classes: tuple[str, ...] = ()


def image_decided_tasks(names: list[str] | None = None) -> list[type[Task]]:
    """DevCV task classes whose answer follows from the images (`image_shape`), optionally of `names`."""
    out = [cls for cls in DEVCV_TASKS.values() if cls.image_shape is not None]
    if names:
        wanted = set(names)
        unknown = wanted - {c.name for c in DEVCV_TASKS.values()} - {c.folder for c in DEVCV_TASKS.values()}
        if unknown:
            raise InputError(f"stage 3v: unknown task {sorted(unknown)[0]!r}")
        out = [c for c in out if c.name in wanted or c.folder in wanted]
    return out


def _class_of(task: Task, item) -> str:
    """The class a label or sequence item's answer names, from the task's own `gold` (a lettered
    answer names the option it picks: "(B)" over "(A) 3 (B) 4" is "4")."""
    if hasattr(task, "gold_direction"):
        return task.gold_direction(item)
    gold = task.gold(item)
    return (task.letters(item) or {}).get(gold, gold).strip()


def labeled_items(devcv: Path, names: list[str] | None = None, *, split: str = "train",
                  ) -> tuple[list[Labeled], list[Head], dict[str, int]]:
    """A split's image-decided items (the stage reads only train) with their targets, the heads they
    need, and per task the items left out (an answer that is not one of its images' options)."""
    items: list[Labeled] = []
    heads: list[Head] = []
    skipped: dict[str, int] = {}
    for cls in image_decided_tasks(names):
        folder = Path(devcv) / split / cls.folder
        if not (folder / "data.json").exists():
            continue
        task = cls()
        loaded = task.load(folder, skip_bad=True)
        shape = cls.image_shape
        mine: list[Labeled] = []
        bad = 0
        if shape in ("label", "sequence"):
            answers = [_class_of(task, it) for it in loaded]
            classes = tuple(sorted(set(answers) - {""}, key=lambda s: (len(s), s)))
            for it, a in zip(loaded, answers):
                if a in classes and it.images:
                    mine.append(Labeled(cls.name, tuple(it.images), classes.index(a)))
                else:
                    bad += 1
            n = len(classes)
        else:
            classes = ()
            extra = 1 if shape == "match" else 0  # the reference image
            for it in loaded:
                a = task.gold(it)
                n_opts = len(it.images) - extra
                if len(a) == 1 and a in LETTERS[:n_opts] and n_opts >= 2:
                    mine.append(Labeled(cls.name, tuple(it.images), LETTERS.index(a)))
                else:
                    bad += 1
            n = max((len(x.images) - extra for x in mine), default=0)
        if mine:
            items.extend(mine)
            heads.append(Head(cls.name, shape, n, classes))
        if bad:
            skipped[cls.name] = bad
    if not items:
        raise InputError(f"{devcv}/{split}: no item of a task the images decide "
                         f"({', '.join(c.folder for c in image_decided_tasks(names))})")
    return items, heads, skipped


class LabeledData:
    """Micro-batches of labeled items: every image through the checkpoint's image processor."""

    def __init__(self, items: list[Labeled], heads: list[Head], image_transform):
        self.items = items
        self.task_index = {h.task: i for i, h in enumerate(heads)}
        self.transform = image_transform
        self.lengths = np.ones(len(items), np.int64)

    def __len__(self) -> int:
        return len(self.items)

    def collate(self, rows: Rows, epoch: int = 0) -> dict[str, torch.Tensor]:
        chosen = [self.items[r[0]] for r in rows]
        images = [load_rgb(p, what=f"{x.task} train item") for x in chosen for p in x.images]
        return {
            "pixel_values": self.transform(images),
            "n_images": torch.tensor([len(x.images) for x in chosen]),
            "task_ids": torch.tensor([self.task_index[x.task] for x in chosen]),
            "targets": torch.tensor([x.target for x in chosen]),
        }


class WarmupObjective(nn.Module):
    """The tower and one small head per task; forward gives (summed cross-entropy, items)."""

    def __init__(self, vision: nn.Module, heads: list[Head]):
        super().__init__()
        self.vision = vision
        self.specs = heads
        w = vision.config.hidden_size
        mods = []
        for h in heads:
            if h.shape == "label":
                mods.append(nn.Linear(w, h.n_classes))
            elif h.shape == "sequence":
                mods.append(nn.Linear(2 * w, h.n_classes))
            elif h.shape == "choose":
                mods.append(nn.Linear(w, 1))
            else:
                mods.append(nn.Sequential(nn.Linear(2 * w, w), nn.GELU(), nn.Linear(w, 1)))
        self.heads = nn.ModuleList(mods)

    def logits(self, feats: torch.Tensor, k: int) -> torch.Tensor:
        spec, head = self.specs[k], self.heads[k]
        if spec.shape == "label":
            return head(feats.mean(0))
        if spec.shape == "sequence":
            return head(torch.cat([feats.mean(0), feats[-1] - feats[0]]))
        if spec.shape == "choose":
            return head(feats).squeeze(-1)
        ref, opts = feats[:1], feats[1:]
        return head(torch.cat([ref * opts, (ref - opts).abs()], -1)).squeeze(-1)

    def forward(self, pixel_values, n_images, task_ids, targets):
        feats = self.vision(pixel_values=pixel_values).last_hidden_state[:, 1:].mean(1)
        loss = feats.new_zeros(())
        for f, k, y in zip(torch.split(feats, n_images.tolist()), task_ids.tolist(), targets):
            loss = loss + nn.functional.cross_entropy(self.logits(f, k).float().unsqueeze(0), y.view(1))
        return loss, torch.tensor(len(targets))
