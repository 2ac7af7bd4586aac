"""`babyvlm devcv export`: the reviewed toolbox, same layout, only accepted (or not rejected) items.

Records are copied unchanged (ids too) with the images they reference; the MANIFEST is copied
with an `export` section saying how many items of each task were kept.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from babyvlm.devcv.review.catalog import find_task_folders
from babyvlm.devcv.review.decisions import item_key, load_decisions
from babyvlm.errors import InputError
from babyvlm.util.io import read_json, write_json


def export(toolbox: str | Path, out: str | Path, *, verified: bool = True) -> dict[str, Any]:
    toolbox, out = Path(toolbox), Path(out)
    if out.resolve() == toolbox.resolve():
        raise InputError("export needs another output folder than the toolbox itself")
    decisions = load_decisions(toolbox)
    counts: dict[tuple[str, str], tuple[int, int]] = {}
    total = 0
    for tf in find_task_folders(toolbox):
        keep = []
        for r in tf.records:
            d = decisions.get(item_key(tf.split, tf.task, str(r.get("id"))))
            if d == "accept" or (not verified and d != "reject"):
                keep.append(r)
        counts[(tf.split, tf.task)] = (len(keep), len(tf.records))
        dest = out / tf.split / tf.task
        if dest.exists():
            shutil.rmtree(dest)
        if not keep:
            continue
        for r in keep:
            for rel in [*r.get("image", []), *([r["gif"]] if r.get("gif") else [])]:
                src = tf.path / rel
                if not src.is_file():
                    raise InputError(f"{tf.path}: item {r.get('id')!r} references missing {rel}")
                target = dest / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
        write_json(dest / "data.json", keep)
        total += len(keep)
    manifest_path = toolbox / "MANIFEST.json"
    manifest = read_json(manifest_path) if manifest_path.exists() else {}
    manifest["export"] = {
        "mode": "accepted only" if verified else "all but rejected",
        "decisions": len(decisions),
        "kept": {f"{s}/{t}": {"kept": k, "of": n} for (s, t), (k, n) in sorted(counts.items())},
        "total_items": total,
    }
    write_json(out / "MANIFEST.json", manifest)
    return {"counts": counts, "items": total}
