"""The infant corpus's frames, the reference the captioned set is matched to.

`--infant DIR` is either a pretraining set (`babyvlm pretrain build`): its image-utterance pairs of
the train split (`train/single_image.json`), one frame per pair, so the subset size defaults to the
number of pairs; or any folder of images (every .jpg/.jpeg/.png below it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from babyvlm.errors import InputError

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp"}


@dataclass
class InfantFrames:
    paths: list[Path]  # one per pair (a frame used by two pairs is listed twice)
    source: str  # "pretraining set" | "image folder"
    pairs: int  # the infant corpus's size: image-utterance pairs (or images)


def read_infant(root: str | Path) -> InfantFrames:
    root = Path(root)
    if not root.is_dir():
        raise InputError(f"--infant {root}: not a folder")
    single = root / "train" / "single_image.json"
    if single.is_file():
        try:
            data = json.loads(single.read_text(encoding="utf-8"))
        except ValueError as e:
            raise InputError(f"{single}: not valid JSON ({e})") from None
        paths = []
        for s in data if isinstance(data, list) else []:
            imgs = s.get("image") if isinstance(s, dict) else None
            if isinstance(imgs, list) and imgs and isinstance(imgs[0], str):
                paths.append(root / imgs[0])
        missing = [p for p in paths if not p.is_file()]
        if missing:
            raise InputError(f"{single}: {len(missing)} frames missing (e.g. {missing[0]})")
        if not paths:
            raise InputError(f"{single}: no image-utterance pairs")
        return InfantFrames(paths, "pretraining set", len(paths))
    paths = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not paths:
        raise InputError(f"--infant {root}: neither a pretraining set (train/single_image.json) nor a folder of images")
    return InfantFrames(paths, "image folder", len(paths))
