"""Where each DevCV task's items are under `--data`: every public layout, nothing skipped in silence.

Recognised, in this order:

1. a single task folder: `DIR/data.json` (+ `images/`), the folder's name naming the task;
2. task folders `DIR/<name>/data.json`, or the same under `DIR/<split>/` (the release and the
   builder's layout), `<name>` an official folder name or an alias (NIH-Toolbox-style
   `picture_vocab`, `spatial`, `vdr`, `who_has_more`, `subitize`; BabyView `whohasmore_synthetic`);
3. the lmms-eval flat layout: `DIR/<name>_<split>.json` (or `DIR/<name>.json`) beside a shared
   `images/` (`pv_test.json`, `count_test.json`, ...); image paths relative to the json's folder.

Names map to tasks through `registry.alias_table` (one table, in docs/evaluate.md). A folder with
a `data.json`, or a json list, whose name maps to no task is returned in `unmapped` (the harness
warns, naming it); a second source for a task already found is returned in `shadowed` (official
folder names win over aliases, folders over flat files). `vdr` is binary or open by its items'
options (two options: vdr_binary).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from babyvlm.tasks.devcv import DEVCV_TASKS
from babyvlm.tasks.registry import normalise

SPLITS = ("train", "val", "test")
_SPLIT_SUFFIX = re.compile(r"^(.+?)[_-](train|val|test)$", re.IGNORECASE)
# json files that are not task items
_NOT_ITEMS = {"data", "manifest", "splits", "results", "scores", "stats", "sizes", "corpus", "config"}


@dataclass
class Source:
    task: str
    path: Path  # a task folder (data.json inside) or an lmms-eval json file
    layout: str  # "single" | "folder" | "flat"
    name: str  # the folder or file name as found
    train: Path | None = None  # the same task's train split beside it (baseline priors)


@dataclass
class Discovery:
    root: Path
    sources: dict[str, Source] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)  # paths that look like items but name no task
    shadowed: list[str] = field(default_factory=list)  # "path (task, using other path)"


def vdr_task(path: Path) -> str:
    """vdr_binary or vdr_open for a folder named plainly `vdr`: by the first item's options."""
    from babyvlm.tasks.base import quoted_options, split_options

    file = path / "data.json" if path.is_dir() else path
    try:
        items = json.loads(file.read_text(encoding="utf-8"))
        human = next(t["value"] for t in items[0]["conversations"] if t.get("from") == "human")
    except (OSError, ValueError, KeyError, IndexError, TypeError, StopIteration):
        return "vdr_binary"  # unreadable: loading the items will say why
    n = len(split_options(human)) or len(quoted_options(human))
    return "vdr_open" if n > 2 else "vdr_binary"


def _task_for(name: str, path: Path, table: dict[str, str]) -> str | None:
    task = table.get(normalise(name))
    if task == "vdr":
        return vdr_task(path)
    return task if task in DEVCV_TASKS else None


def _flat_name(file: Path, split: str) -> tuple[str, str | None]:
    m = _SPLIT_SUFFIX.match(file.stem)
    return (m.group(1), m.group(2).lower()) if m else (file.stem, None)


def _looks_like_items(file: Path) -> bool:
    try:
        with open(file, encoding="utf-8") as f:
            return f.read(64).lstrip().startswith("[")
    except (OSError, UnicodeDecodeError):
        return False


def _has_sources(folder: Path, split: str, table: dict[str, str]) -> bool:
    for entry in folder.iterdir():
        if entry.is_dir() and (entry / "data.json").is_file() and normalise(entry.name) in table:
            return True
        if entry.suffix == ".json" and normalise(_flat_name(entry, split)[0]) in table:
            return True
    return False


def devcv_root(data: Path, split: str, table: dict[str, str]) -> Path:
    """The folder holding the task sources: DATA itself, or DATA/<split>."""
    data = Path(data)
    if _has_sources(data, split, table):
        return data
    if (data / split).is_dir():
        return data / split
    return data


def discover(data: Path, split: str, table: dict[str, str]) -> Discovery:
    data = Path(data)
    if (data / "data.json").is_file():  # one task folder
        disc = Discovery(data)
        task = _task_for(data.name, data, table)
        if task is None:
            disc.unmapped.append(str(data))
        else:
            disc.sources[task] = Source(task, data, "single", data.name, _train_folder(data, split))
        return disc
    root = devcv_root(data, split, table)
    disc = Discovery(root)
    candidates: list[Source] = []
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and (entry / "data.json").is_file():
            task = _task_for(entry.name, entry, table)
            if task is None:
                disc.unmapped.append(str(entry))
                continue
            candidates.append(Source(task, entry, "folder", entry.name, _train_folder(entry, split)))
        elif entry.is_file() and entry.suffix == ".json":
            base, file_split = _flat_name(entry, split)
            if file_split is not None and file_split != split.lower():
                continue  # another split of the flat layout (train: found as the prior below)
            if normalise(base) in _NOT_ITEMS:
                continue
            task = _task_for(base, entry, table)
            if task is None:
                if _looks_like_items(entry):
                    disc.unmapped.append(str(entry))
                continue
            train = root / f"{base}_train.json" if file_split else None
            candidates.append(Source(task, entry, "flat", entry.name, train if train and train.is_file() else None))

    def rank(s: Source) -> tuple[int, str]:
        official = s.layout == "folder" and s.name == DEVCV_TASKS[s.task].folder
        return (0 if official else 1 if s.layout == "folder" else 2, s.name)

    for s in sorted(candidates, key=rank):
        kept = disc.sources.get(s.task)
        if kept is None:
            disc.sources[s.task] = s
        else:
            disc.shadowed.append(f"{s.path} ({s.task}; using {kept.path})")
    return disc


def _train_folder(folder: Path, split: str) -> Path | None:
    """DATA/train/<task> beside DATA/<split>/<task>, when the evaluated split is not train."""
    if split == "train" or folder.parent.name != split:
        return None
    train = folder.parent.parent / "train" / folder.name
    return train if (train / "data.json").is_file() else None
