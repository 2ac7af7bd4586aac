"""`babyvlm pretrain check DIR`: validate a pretraining set against docs/formats.md.

Checks: every split has the four JSON lists; each sample has a string id, a non-empty `image` list
of relative paths inside the set that exist, conversations of {from, value} turns with exactly one
`<image>` token per image, a gpt turn with text; ids are unique within each file and across the three
formats and the splits; the mix holds exactly the three formats' samples; no session is in both
splits; the text corpus has no empty line; the shards hold what sizes.json says; no temporary file
(`.*.tmp`) of a killed write is left in the set (a rerun of the build removes them).
"""

from __future__ import annotations

import json
import tarfile
from collections import Counter
from pathlib import Path
from typing import Any

from babyvlm.pretrain.assemble import ALL_FORMATS, FORMATS, SPLITS
from babyvlm.pretrain.samples import sample_problems
from babyvlm.util.io import stray_temps


def _check_sample(s: Any, root: Path, where: str, problems: list[str], exists: dict[str, bool]) -> None:
    sid = s.get("id") if isinstance(s, dict) else None
    bad = sample_problems(s)
    problems.extend(f"{where}: {b}" if sid is None else f"{where} ({sid}): {b}" for b in bad)
    images = s.get("image") if isinstance(s, dict) else None
    if not isinstance(images, list):
        return
    for p in images:
        if not isinstance(p, str) or p.startswith("/") or ".." in Path(p).parts:
            continue
        if p not in exists:
            exists[p] = (root / p).is_file()
        if not exists[p]:
            problems.append(f"{where} ({sid}): image {p} does not exist")


def check_set(root: str | Path, *, max_problems: int = 1000) -> tuple[list[str], dict[str, Any]]:
    """(problems, summary). No problems means the set is valid."""
    root = Path(root)
    problems: list[str] = []
    summary: dict[str, Any] = {"samples": {}, "images": 0}
    if not root.is_dir():
        return [f"{root}: not a folder"], summary
    exists: dict[str, bool] = {}
    stems_by_split: dict[str, set[str]] = {s: set() for s in SPLITS}
    all_ids: Counter[str] = Counter()
    for split in SPLITS:
        ids_by_fmt: dict[str, list[str]] = {}
        for fmt in ALL_FORMATS:
            path = root / split / f"{fmt}.json"
            where = f"{split}/{fmt}.json"
            if not path.exists():
                problems.append(f"{where}: missing")
                continue
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (ValueError, UnicodeDecodeError) as e:
                problems.append(f"{where}: not valid JSON ({e})")
                continue
            if not isinstance(data, list):
                problems.append(f"{where}: expected a JSON list")
                continue
            summary["samples"][f"{split}/{fmt}"] = len(data)
            ids = []
            for i, s in enumerate(data):
                _check_sample(s, root, f"{where}[{i}]", problems, exists)
                if isinstance(s, dict):
                    ids.append(str(s.get("id")))
                    if isinstance(s.get("meta"), dict) and "stem" in s["meta"]:
                        stems_by_split[split].add(s["meta"]["stem"])
                if len(problems) >= max_problems:
                    return problems, summary
            dup = [k for k, v in Counter(ids).items() if v > 1]
            if dup:
                problems.append(f"{where}: {len(dup)} duplicate ids (e.g. {dup[0]})")
            ids_by_fmt[fmt] = ids
        if all(f in ids_by_fmt for f in ALL_FORMATS):
            three = Counter(i for f in FORMATS for i in ids_by_fmt[f])
            if Counter(ids_by_fmt["mix_format"]) != three:
                problems.append(f"{split}/mix_format.json: does not hold exactly the three formats' samples")
            all_ids.update(three)
        text = root / "text" / f"{split}.txt"
        if not text.exists():
            problems.append(f"text/{split}.txt: missing")
        else:
            lines = text.read_text(encoding="utf-8").split("\n")
            if lines and lines[-1] == "":
                lines = lines[:-1]
            empty = sum(1 for ln in lines if not ln.strip())
            if empty:
                problems.append(f"text/{split}.txt: {empty} empty lines")
            summary[f"text_{split}_lines"] = len(lines)
    dup = [k for k, v in all_ids.items() if v > 1]
    if dup:
        problems.append(f"{len(dup)} ids used by more than one sample across formats or splits (e.g. {dup[0]})")
    both = stems_by_split["train"] & stems_by_split["val"]
    if both:
        problems.append(f"{len(both)} sessions in both train and val (e.g. {sorted(both)[0]})")
    summary["images"] = sum(1 for v in exists.values() if v)
    summary["sessions"] = {s: len(v) for s, v in stems_by_split.items()}
    sizes_path = root / "shards" / "sizes.json"
    if sizes_path.exists():
        try:
            sizes = json.loads(sizes_path.read_text(encoding="utf-8"))
        except ValueError as e:
            problems.append(f"shards/sizes.json: not valid JSON ({e})")
            sizes = {}
        for name, n in sizes.items():
            tar = root / "shards" / name
            if not tar.exists():
                problems.append(f"shards/{name}: listed in sizes.json but missing")
                continue
            try:
                with tarfile.open(tar) as tf:
                    keys = {m.name.split(".", 1)[0] for m in tf.getmembers() if m.name.endswith(".json")}
            except tarfile.TarError as e:
                problems.append(f"shards/{name}: unreadable ({e})")
                continue
            if len(keys) != n:
                problems.append(f"shards/{name}: {len(keys)} samples, sizes.json says {n}")
        summary["shards"] = len(sizes)
    if not (root / "stats.json").exists():
        problems.append("stats.json: missing")
    for tmp in stray_temps(root):
        problems.append(f"{tmp.relative_to(root)}: temporary file of a killed write (rerun the build to remove it)")
    return problems, summary
