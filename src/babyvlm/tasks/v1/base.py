"""V1 benchmarks: label CSVs plus an images root.

A V1 data folder holds the official CSVs (`labeled_s.csv`, `vtwt.csv`, `baby_winoground.csv`,
`SAYCam_caption.csv`), each directly in the folder or in a sub-folder named after the task; image
paths in a CSV are relative to `images/` beside the CSV when that folder exists, else to the CSV's
own folder. A row whose image is missing is an error naming the row (or, with --skip-bad, a
reported skip).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, ClassVar

from babyvlm.errors import InputError
from babyvlm.tasks.base import Task
from babyvlm.tasks.items import Item, ItemError
from babyvlm.util.rejects import Reject, RejectLog


class V1Task(Task):
    suite = "v1"
    csv_names: ClassVar[tuple[str, ...]] = ()
    prompt = ""  # text after the image in the user turn ("" = the image alone)

    def locate(self, root: Path) -> Path | None:
        root = Path(root)
        for base in (root, root / self.name, root / "v1"):
            if not base.is_dir():
                continue
            for entry in sorted(base.iterdir()):
                if entry.is_file() and entry.name.lower() in {n.lower() for n in self.csv_names}:
                    return entry
        return None

    @staticmethod
    def images_root(csv_path: Path) -> Path:
        return csv_path.parent / "images" if (csv_path.parent / "images").is_dir() else csv_path.parent

    def read_rows(self, path: Path) -> list[dict[str, str]]:
        try:
            with open(path, newline="", encoding="utf-8") as f:
                return list(csv.DictReader(f))
        except (OSError, UnicodeDecodeError, csv.Error) as e:
            raise InputError(f"{path}: cannot read CSV ({e})") from None

    def require(self, rows: list[dict[str, str]], path: Path, columns: tuple[str, ...]) -> None:
        if rows and not set(columns) <= set(rows[0]):
            raise InputError(f"{path}: expected columns {', '.join(columns)}, found {', '.join(rows[0])}")

    def make_items(self, rows: list[dict[str, str]], root: Path, path: Path) -> list[tuple[Item | None, str | None, Any]]:
        """(item, error, record) per item; subclasses build them."""
        raise NotImplementedError

    def load(self, path: Path, *, skip_bad: bool = False, rejects: RejectLog | None = None,
             unique_ids: bool = False) -> list[Item]:  # V1 ids are made unique by the loaders
        rows = self.read_rows(path)
        root = self.images_root(path)
        out = []
        for item, error, record in self.make_items(rows, root, path):
            if error is None and item is not None:
                missing = [p for p in item.images if not p.is_file()]
                if missing:
                    error = f"item {item.id!r}: missing image {missing[0]}"
            if error is None:
                out.append(item)
                continue
            if not skip_bad:
                raise ItemError(f"{path}: {error}")
            if rejects is not None:
                rejects.add(Reject(source=str(path), reason=error, step="eval", record=record))
        return out

    @staticmethod
    def item(item_id: str, images: list[Path], root: Path, **extra: Any) -> Item:
        return Item(id=item_id, images=images, conversations=[], extra=extra, root=root)
