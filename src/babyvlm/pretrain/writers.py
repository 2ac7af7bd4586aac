"""Streaming, deterministic writers: JSON lists one sample per line, webdataset tar shards.

Both write to a temporary file renamed into place on close, so a killed run never leaves a
half-written file that looks finished; temporaries get the umask's permissions (`util.io.temp_for`).
"""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path
from typing import Any

from babyvlm.util.io import temp_for


class JsonListWriter:
    """A JSON list written one item at a time: `[`, one compact item per line, `]`."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = temp_for(self.path)
        self._f = os.fdopen(fd, "w", encoding="utf-8")
        self.count = 0

    def write(self, item: Any) -> None:
        self._f.write(("[\n" if self.count == 0 else ",\n") + json.dumps(item, ensure_ascii=False, allow_nan=False))
        self.count += 1

    def close(self) -> None:
        self._f.write("[]\n" if self.count == 0 else "\n]\n")
        self._f.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        self._f.close()
        if os.path.exists(self._tmp):
            os.unlink(self._tmp)


class TextWriter:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self._tmp = temp_for(self.path)
        self._f = os.fdopen(fd, "w", encoding="utf-8")
        self.count = 0

    def write_line(self, line: str) -> None:
        self._f.write(line + "\n")
        self.count += 1

    def close(self) -> None:
        self._f.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        self._f.close()
        if os.path.exists(self._tmp):
            os.unlink(self._tmp)


def _tarinfo(name: str, size: int) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.size = size
    ti.mtime = 0  # fixed metadata: identical inputs give identical shards
    ti.mode = 0o644
    ti.uid = ti.gid = 0
    ti.uname = ti.gname = ""
    return ti


class ShardWriter:
    """Webdataset shards `<prefix>-NNNNN.tar`: per sample `<id>.json` and `<id>.<i>.jpg` per image.

    Sample ids contain no dots, so webdataset groups a sample's files by the id. The json is the sample
    itself (image paths relative to the set's root); the i-th image of the sample is `<id>.<i>.jpg`.
    """

    def __init__(self, directory: Path, prefix: str, max_samples: int):
        self.dir = Path(directory)
        self.prefix = prefix
        self.max_samples = max(1, max_samples)
        self.sizes: dict[str, int] = {}
        self._tar: tarfile.TarFile | None = None
        self._tmp: str | None = None
        self._name: str | None = None
        self._n = 0

    def _open(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self._name = f"{self.prefix}-{len(self.sizes):05d}.tar"
        fd, self._tmp = temp_for(self.dir / self._name)
        self._tar = tarfile.open(fileobj=os.fdopen(fd, "wb"), mode="w", format=tarfile.USTAR_FORMAT)
        self.sizes[self._name] = 0
        self._n = 0

    def _close_current(self) -> None:
        if self._tar is None:
            return
        fobj = self._tar.fileobj
        self._tar.close()
        fobj.close()
        os.replace(self._tmp, self.dir / self._name)
        self._tar = None

    def write(self, sample: dict[str, Any], images: list[bytes]) -> None:
        if self._tar is None or self._n >= self.max_samples:
            self._close_current()
            self._open()
        key = sample["id"]
        data = json.dumps(sample, ensure_ascii=False, sort_keys=True).encode("utf-8")
        self._tar.addfile(_tarinfo(f"{key}.json", len(data)), io.BytesIO(data))
        for i, b in enumerate(images):
            self._tar.addfile(_tarinfo(f"{key}.{i}.jpg", len(b)), io.BytesIO(b))
        self._n += 1
        self.sizes[self._name] = self._n

    def close(self) -> dict[str, int]:
        self._close_current()
        return self.sizes

    def abort(self) -> None:
        if self._tar is not None:
            fobj = self._tar.fileobj
            self._tar.close()
            fobj.close()
            if self._tmp and os.path.exists(self._tmp):
                os.unlink(self._tmp)
            self._tar = None
