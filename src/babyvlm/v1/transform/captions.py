"""Reading a general captioned image set: a JSONL or JSON file, a COCO captions file, or a folder.

Accepted inputs (CAPTIONS on the command line):

* JSONL, one object per line, or a JSON list of such objects: the image under `image`, `file_name`,
  `image_path`, `path` or `filename`; the caption under `caption`, `text` or `utterance`, or several
  under `captions`; optionally an `id` (or `image_id`).
* COCO captions JSON (`{"images": [{id, file_name}], "annotations": [{image_id, caption}]}`).
* A folder holding `captions.jsonl` / `captions.json` (either of the above), or images with a
  same-stem `.txt` beside each (one caption per line).

Relative image paths are resolved against `--images DIR` when given, else the file's folder, else
an `images/` folder beside it. Captions of the same image are grouped (COCO has five per image), in
input order. A record without an existing image or without a caption becomes a reject with its
line; everything else is kept.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.util.rejects import Reject

IMAGE_KEYS = ("image", "file_name", "image_path", "path", "filename")
CAPTION_KEYS = ("caption", "text", "utterance")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"}
_ID_RE = re.compile(r"[^A-Za-z0-9_-]+")


@dataclass
class CaptionedImage:
    id: str  # unique, [A-Za-z0-9_-] only (sample ids must hold no dots)
    image: Path
    captions: list[str] = field(default_factory=list)
    source: str = ""  # the file it came from
    line: int | None = None  # and its line there (JSONL, JSON list)


def safe_id(text: str) -> str:
    return _ID_RE.sub("_", text).strip("_") or "img"


class _Collector:
    """Groups captions by image path and hands out unique ids."""

    def __init__(self) -> None:
        self.by_image: OrderedDict[Path, CaptionedImage] = OrderedDict()
        self.used: set[str] = set()
        self.rejects: list[Reject] = []

    def add(self, image: Path, captions: list[str], wanted_id: str, source: str, line: int | None) -> None:
        captions = [c.strip() for c in captions if isinstance(c, str) and c.strip()]
        if not captions:
            self.rejects.append(Reject(source, "no caption", line, "v1-transform", {"image": str(image)}))
            return
        if not image.is_file():
            self.rejects.append(Reject(source, f"image {image} does not exist", line, "v1-transform",
                                       {"image": str(image)}))
            return
        if image in self.by_image:
            self.by_image[image].captions.extend(captions)
            return
        base = safe_id(wanted_id)
        sid, k = base, 1
        while sid in self.used:
            sid = f"{base}_{k}"
            k += 1
        self.used.add(sid)
        self.by_image[image] = CaptionedImage(sid, image, captions, source, line)


def _resolve(name: str, bases: list[Path]) -> Path:
    p = Path(name)
    if p.is_absolute():
        return p
    for b in bases:
        if (b / p).is_file():
            return b / p
    return bases[0] / p


def _records_from_json(data: Any, path: Path) -> Iterator[tuple[int | None, Any]]:
    if isinstance(data, list):
        yield from enumerate(data, start=1)
        return
    raise InputError(f"{path}: expected a JSON list of records or a COCO captions file")


def _add_record(col: _Collector, rec: Any, bases: list[Path], source: str, line: int | None) -> None:
    if not isinstance(rec, dict):
        col.rejects.append(Reject(source, "record is not a JSON object", line, "v1-transform"))
        return
    name = next((rec[k] for k in IMAGE_KEYS if isinstance(rec.get(k), str) and rec[k]), None)
    if name is None:
        col.rejects.append(Reject(source, f"no image field ({'/'.join(IMAGE_KEYS)})", line, "v1-transform",
                                  {k: rec[k] for k in list(rec)[:4]}))
        return
    caps = rec.get("captions")
    if not isinstance(caps, list):
        caps = [next((rec[k] for k in CAPTION_KEYS if isinstance(rec.get(k), str)), "")]
    image = _resolve(name, bases)
    wanted = str(rec.get("id", rec.get("image_id", Path(name).stem)))
    col.add(image, caps, wanted, source, line)


def _read_coco(data: dict[str, Any], col: _Collector, bases: list[Path], source: str) -> None:
    files: dict[Any, str] = {}
    for im in data.get("images", []):
        if isinstance(im, dict) and "id" in im and isinstance(im.get("file_name"), str):
            files[im["id"]] = im["file_name"]
    grouped: OrderedDict[Any, list[str]] = OrderedDict()
    for k, ann in enumerate(data.get("annotations", []), start=1):
        if not isinstance(ann, dict) or ann.get("image_id") not in files:
            col.rejects.append(Reject(source, "annotation names no listed image", k, "v1-transform",
                                      {"annotation": k}))
            continue
        grouped.setdefault(ann["image_id"], []).append(str(ann.get("caption", "")))
    for image_id, caps in grouped.items():
        name = files[image_id]
        col.add(_resolve(name, bases), caps, f"{Path(name).stem}", source, None)


def _read_file(path: Path, col: _Collector, bases: list[Path]) -> None:
    src = str(path)
    if path.suffix.lower() == ".jsonl":
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, start=1):
                if not line.strip():
                    continue
                try:
                    rec = json.loads(line)
                except json.JSONDecodeError as e:
                    col.rejects.append(Reject(src, f"not valid JSON ({e.msg})", n, "v1-transform"))
                    continue
                _add_record(col, rec, bases, src, n)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not valid JSON ({e})") from None
    if isinstance(data, dict) and "annotations" in data and "images" in data:
        _read_coco(data, col, bases, src)
        return
    for n, rec in _records_from_json(data, path):
        _add_record(col, rec, bases, src, n)


def _read_folder(root: Path, col: _Collector) -> None:
    for name in ("captions.jsonl", "captions.json"):
        if (root / name).is_file():
            _read_file(root / name, col, [root, root / "images"])
            return
    images = sorted(p for p in root.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file())
    if not images:
        raise InputError(f"{root}: no captions.jsonl, captions.json or images with .txt captions")
    for img in images:
        txt = img.with_suffix(".txt")
        rel = img.relative_to(root).with_suffix("").as_posix()
        if not txt.is_file():
            col.rejects.append(Reject(str(img), "no caption file (.txt beside the image)", None, "v1-transform"))
            continue
        caps = txt.read_text(encoding="utf-8", errors="replace").splitlines()
        col.add(img, caps, rel, str(txt), None)


def read_captions(source: str | Path, images_root: str | Path | None = None) -> tuple[list[CaptionedImage], list[Reject]]:
    """(images with their captions, rejects) from a file or folder (see the module docstring)."""
    source = Path(source)
    col = _Collector()
    if source.is_dir():
        if images_root is not None:
            raise InputError("--images applies to a captions file, not a folder")
        _read_folder(source, col)
    elif source.is_file():
        bases = [Path(images_root)] if images_root else [source.parent, source.parent / "images"]
        _read_file(source, col, bases)
    else:
        raise InputError(f"{source}: no such file or folder")
    return list(col.by_image.values()), col.rejects
