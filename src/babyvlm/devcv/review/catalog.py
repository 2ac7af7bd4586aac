"""The items of a built toolbox, as the review page and the export see them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError

SPLIT_ORDER = ("test", "val", "train")


@dataclass
class TaskFolder:
    split: str
    task: str  # official folder name
    path: Path
    records: list[dict[str, Any]]


def find_task_folders(toolbox: str | Path, split: str | None = None, tasks: list[str] | None = None) -> list[TaskFolder]:
    """Every `<split>/<task>/data.json` under the toolbox (test first: it is what gets reviewed first)."""
    root = Path(toolbox)
    out = []
    splits = [d.name for d in sorted(root.iterdir()) if d.is_dir()] if root.is_dir() else []
    splits.sort(key=lambda s: (SPLIT_ORDER.index(s) if s in SPLIT_ORDER else len(SPLIT_ORDER), s))
    for sp in splits:
        if split and sp != split:
            continue
        for d in sorted((root / sp).iterdir()):
            if not (d / "data.json").is_file() or (tasks and d.name not in tasks):
                continue
            try:
                records = json.loads((d / "data.json").read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as e:
                raise InputError(f"{d / 'data.json'}: cannot read ({e})") from None
            if not isinstance(records, list):
                raise InputError(f"{d / 'data.json'}: expected a list of items")
            out.append(TaskFolder(sp, d.name, d, records))
    if not out:
        raise InputError(f"{toolbox}: no <split>/<task>/data.json found (is it a `babyvlm devcv build` output?)")
    return out
