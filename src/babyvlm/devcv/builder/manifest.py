"""`OUT/MANIFEST.json`: seed, sources, sessions per split, counts, answer balance, controls.

The official release's manifest lists one entry per (split, task) with item and image counts; ours
keeps that shape (`entries`) and adds what a reader of a generated benchmark needs: where the
items came from, how the vocabulary was filtered, the answer distribution of every task and split,
and the stimulus controls each builder applied. No absolute paths: the same build in another
folder gives the same file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babyvlm import __version__
from babyvlm.config import to_dict
from babyvlm.devcv.builder.config import SPLITS, DevCVBuildConfig
from babyvlm.devcv.builder.registry import task_folder
from babyvlm.util.io import write_json


def write_manifest(out: Path, cfg: DevCVBuildConfig, *, corpus: Path, kind: str, indexes, sessions, tasks,
                   task_info, vocab) -> dict[str, Any]:
    by_split = {sp: [s for s in indexes if s.split == sp] for sp in SPLITS}
    entries = []
    for task in tasks:
        for sp in SPLITS:
            info = task_info[task].get(sp)
            if info is None:
                continue
            entries.append({"split": sp, "task": task_folder(task), "n_items": info["items"],
                            "n_images": info["images"], "answers": info["answers"]})
    manifest = {
        "name": "babyvlm DevCV Toolbox",
        "generator": f"babyvlm {__version__}",
        "seed": cfg.seed,
        "sources": {
            "corpus": corpus.name,
            "annotations": "world ground truth" if kind == "world" else "COCO-style detections",
            "detections": Path(cfg.detections.path).name if cfg.detections.path else None,
            "fps": cfg.fps,
            "sessions": {sp: sessions[sp] for sp in SPLITS},
            "children": {sp: sorted({s.child for s in by_split[sp]}) for sp in SPLITS},
            "frames": {sp: sum(len(s.frames) for s in by_split[sp]) for sp in SPLITS},
            "leaving_events": {sp: sum(len(s.events) for s in by_split[sp]) for sp in SPLITS},
        },
        "vocabulary": {"form": cfg.vocab.form, "categories": list(cfg.vocab.categories), **vocab.summary()},
        "total_items": sum(e["n_items"] for e in entries),
        "total_images": sum(e["n_images"] for e in entries),
        "entries": entries,
        "tasks": {task_folder(t): {sp: task_info[t][sp] for sp in SPLITS if sp in task_info[t]} for t in tasks},
        "config": {k: v for k, v in to_dict(cfg).items() if k != "workers"} | {"detections": {**to_dict(cfg.detections),
                                                 "path": Path(cfg.detections.path).name if cfg.detections.path else None,
                                                 "frames": None}},
    }
    write_json(out / "MANIFEST.json", manifest)
    return manifest
