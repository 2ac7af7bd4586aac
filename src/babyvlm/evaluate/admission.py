"""Which loaded items may be evaluated: every image inside the data folder and decodable.

A bad item is a reject with a one-line reason (the run goes on), or with `--strict` an error:

- an image path outside the data folder (absolute, or `../` out of it) is refused unless
  `allow_outside_images`: an API adapter would upload whatever file the json names;
- every distinct image is decoded once (JPEG at 1/8 scale, which still reads every byte, so a
  truncated file is caught) in threads: a missing, truncated or corrupt image is a reject before
  any model call, not a traceback in the middle of a batch.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from babyvlm.tasks.items import Item, ItemError
from babyvlm.util.rejects import Reject, RejectLog


def image_problem(path: Path) -> str | None:
    """Why an image cannot be used, or None."""
    from PIL import Image

    try:
        with Image.open(path) as im:
            im.draft("RGB", (max(1, im.width // 8), max(1, im.height // 8)))
            im.load()
    except FileNotFoundError:
        return f"missing image {path}"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as e:
        return f"unreadable image {path} ({str(e).splitlines()[0] if str(e) else type(e).__name__})"
    return None


def outside(path: Path, root: Path) -> bool:
    """Whether `path` lies outside `root`, by its spelled path (`..` and absolute paths; symlinks
    inside the folder are the user's own layout and are not followed)."""
    p = os.path.normpath(os.path.abspath(path))
    r = os.path.normpath(os.path.abspath(root))
    return os.path.commonpath([p, r]) != r


class ItemAdmission:
    """Checks items task by task; remembers decoded images (memory items share them)."""

    def __init__(self, *, check_images: bool = True, allow_outside: bool = False, workers: int = 4):
        self.check_images = check_images
        self.allow_outside = allow_outside
        self.workers = workers
        self._seen: dict[str, str | None] = {}

    def problems(self, items: list[Item], root: Path | None) -> dict[str, str]:
        """{item id: reason} for the items that may not be evaluated."""
        out: dict[str, str] = {}
        if root is not None and not self.allow_outside:
            for item in items:
                far = next((p for p in item.images if outside(p, root)), None)
                if far is not None:
                    out[item.id] = (f"item {item.id!r}: image {far} is outside the data folder {root} "
                                    "(set allow_outside_images=true to accept it)")
        if self.check_images:
            todo = sorted({str(p) for i in items if i.id not in out for p in i.images} - set(self._seen))
            with ThreadPoolExecutor(max_workers=self.workers) as pool:
                for p, why in zip(todo, pool.map(lambda s: image_problem(Path(s)), todo)):
                    self._seen[p] = why
            for item in items:
                if item.id in out:
                    continue
                why = next((self._seen[str(p)] for p in item.images if self._seen.get(str(p))), None)
                if why is not None:
                    out[item.id] = f"item {item.id!r}: {why}"
        return out

    def admit(self, items: list[Item], root: Path | None, source: Path, *, strict: bool,
              rejects: RejectLog) -> list[Item]:
        bad = self.problems(items, root)
        if bad and strict:
            first = next(iter(bad.values()))
            raise ItemError(f"{source}: {first} (without --strict the item is a reject and the run goes on)")
        for item in items:
            if item.id in bad:
                rejects.add(Reject(source=str(source), reason=bad[item.id], step="eval", record={"id": item.id}))
        return [i for i in items if i.id not in bad]
