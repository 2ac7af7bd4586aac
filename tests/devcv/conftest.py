"""Helpers for DevCV schema and task tests: tiny task folders written to tmp."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image


def write_image(path: Path, seed: int, size=(24, 24)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    arr = np.random.RandomState(seed).randint(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    Image.fromarray(arr).save(path)


@pytest.fixture
def task_folder(tmp_path):
    """`task_folder(name, records, images=True)`: write data.json and (stand-in) images for every path."""

    def make(name: str, records: list[dict], images: bool = True) -> Path:
        folder = tmp_path / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "data.json").write_text(json.dumps(records), encoding="utf-8")
        if images:
            for k, rec in enumerate(records):
                for j, p in enumerate(rec.get("image", [])):
                    if not (folder / p).exists():
                        write_image(folder / p, 1000 * k + j)
        return folder

    return make
