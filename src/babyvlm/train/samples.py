"""Training samples from the pretraining set and the DevCV Toolbox, checked as they are read.

A sample is its id, its chat messages and its image files. Every `<image>` in the text must have
exactly one image: a mismatch is an error naming the file and sample, never a silent misalignment.
Pretraining-set image paths are relative to the set's folder (the LLaVA image_folder convention);
DevCV image paths are relative to the task's data.json.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from babyvlm.errors import InputError
from babyvlm.model.templates import content_text, to_messages
from babyvlm.model.tokenizer import IMAGE
from babyvlm.util.rngs import stream

PRETRAIN_FORMATS = ("single_image", "video", "interleaved", "mix_format")


@dataclass
class Sample:
    id: str
    messages: list[dict[str, Any]]
    images: list[Path] = field(default_factory=list)
    source: str = ""

    @property
    def name(self) -> str:
        return f"{self.source}: sample {self.id}" if self.source else f"sample {self.id}"


def _read_items(path: Path) -> list[dict[str, Any]]:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})") from None
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a JSON list of samples")
    return data


def sample_from_item(item: dict[str, Any], *, image_root: Path, source: str, index: int) -> Sample:
    """One LLaVA-schema item -> Sample, checking `<image>` count against the image list."""
    sid = str(item.get("id", f"#{index}"))
    where = f"{source}: sample {sid}"
    conv = item.get("conversations")
    if not isinstance(conv, list) or not conv:
        raise InputError(f"{where}: no conversations")
    messages = to_messages(conv, source=where)
    images = item.get("image", [])
    if isinstance(images, str):
        images = [images]
    if not isinstance(images, list) or not all(isinstance(p, str) for p in images):
        raise InputError(f"{where}: 'image' must be a list of paths")
    n_tokens = sum(content_text(m["content"]).count(IMAGE) for m in messages)
    if n_tokens != len(images):
        raise InputError(f"{where}: {n_tokens} <image> tokens but {len(images)} images")
    if not any(m["role"] == "assistant" for m in messages):
        raise InputError(f"{where}: no answer (gpt/assistant) turn to learn from")
    return Sample(id=sid, messages=messages, images=[image_root / p for p in images], source=source)


def load_json_samples(path: Path, image_root: Path) -> list[Sample]:
    items = _read_items(path)
    return [sample_from_item(it, image_root=image_root, source=str(path), index=i) for i, it in enumerate(items)]


def load_pretrain_samples(root: str | Path, split: str, formats: list[str]) -> list[Sample]:
    """Samples of `formats` from `ROOT/<split>/<format>.json` (image paths relative to ROOT)."""
    root = Path(root)
    out: list[Sample] = []
    for fmt in formats:
        if fmt not in PRETRAIN_FORMATS:
            raise InputError(f"unknown pretraining format {fmt!r} (formats: {', '.join(PRETRAIN_FORMATS)})")
        path = root / split / f"{fmt}.json"
        if not path.exists():
            if split == "train":
                raise InputError(f"{path}: missing (is {root} a pretraining set? see docs/formats.md)")
            continue
        out.extend(load_json_samples(path, root))
    return out


def devcv_tasks(root: str | Path, split: str) -> list[str]:
    d = Path(root) / split
    return sorted(p.name for p in d.iterdir() if (p / "data.json").exists()) if d.is_dir() else []


def load_devcv_samples(root: str | Path, split: str, tasks: list[str]) -> list[Sample]:
    """DevCV items from `ROOT/<split>/<task>/data.json` (image paths relative to each json)."""
    root = Path(root)
    present = devcv_tasks(root, split)
    if not present and split == "train":
        raise InputError(f"{root}/{split}: no <task>/data.json folders (is {root} a DevCV Toolbox folder?)")
    wanted = tasks or present
    out: list[Sample] = []
    for t in wanted:
        path = root / split / t / "data.json"
        if not path.exists():
            if split == "train":
                raise InputError(f"{path}: missing (tasks present: {', '.join(present) or 'none'})")
            continue
        out.extend(load_json_samples(path, path.parent))
    return out


def subset(samples: list, n: int, seed: int) -> list:
    """A seeded subset of `n` samples (all when n is 0 or larger than the list), in their original order."""
    if n <= 0 or n >= len(samples):
        return samples
    keep = np.sort(stream(seed, 7).choice(len(samples), size=n, replace=False))
    return [samples[i] for i in keep]


def read_text_lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line:
                yield line


def utterances(samples: list[Sample]) -> Iterator[str]:
    """The answer texts of samples (a stand-in transcript when a set has no text/ folder)."""
    for s in samples:
        for m in s.messages:
            if m["role"] == "assistant":
                t = content_text(m["content"]).strip()
                if t:
                    yield t
