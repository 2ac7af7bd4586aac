"""V1 test data: the official label CSVs (first rows) with stand-in images written to tmp."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

ROWS = {"labeled_s.csv": 16, "vtwt.csv": 10, "baby_winoground.csv": 10, "SAYCam_caption.csv": 10}
IMAGE_COLUMN = "image"


def stand_in(path: Path, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    arr = np.random.RandomState(seed).randint(0, 255, (20, 28, 3), dtype=np.uint8)
    Image.fromarray(arr).save(path, format="JPEG")


@pytest.fixture
def v1_official(shared_fixtures) -> Path:
    return shared_fixtures / "v1-official"


@pytest.fixture
def v1_dir(v1_official, tmp_path) -> Path:
    """tmp/v1/<csv> with the first rows of each official CSV, and tmp/v1/images/<paths>."""
    out = tmp_path / "v1"
    out.mkdir()
    seed = 0
    for name, n in ROWS.items():
        with open(v1_official / name, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            rows = [r for _, r in zip(range(n), reader)]
            fields = reader.fieldnames
        with open(out / name, "w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
        for r in rows:
            p = out / "images" / r[IMAGE_COLUMN]
            if not p.exists():
                stand_in(p, seed)
                seed += 1
    return out
