"""Deterministic, atomic file writing.

Every json the package writes goes through `write_json` so that the same inputs and seed give
byte-identical files (fixed indentation, no platform-dependent float formatting, a final newline).
Writes go to a temporary file first and are renamed into place, so a killed run never leaves a
half-written file that a rerun would mistake for finished work.

Temporaries are named `.<name>.<random>.tmp` next to their target and get the mode a plain `open()`
would give (0666 minus the umask), not mkstemp's 0600, so collaborators on a shared machine can read
the results. A kill leaves the temporary behind; `remove_stale_temps` clears a run's own litter.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

# what `temp_for` (and `link_or_copy`) name a temporary: `.<target name>.<random or nothing>.tmp`
TEMP_NAME = re.compile(r"^\..+\.tmp$")
_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask. Linux shows it in /proc; elsewhere it can only be read by setting it (briefly)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def temp_for(path: Path) -> tuple[int, str]:
    """(fd, name) of a new temporary beside `path`, with the permissions `open(path, "w")` would give."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~current_umask())
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    return fd, tmp


def stray_temps(root: str | os.PathLike) -> list[Path]:
    """Temporaries a killed writer left under `root` (sorted)."""
    root = Path(root)
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob(".*.tmp") if p.is_file() and TEMP_NAME.match(p.name))


def remove_stale_temps(root: str | os.PathLike) -> list[Path]:
    """Delete the temporaries a killed run left under `root`; returns them. Call it only on a folder no
    other run is writing into at the same time (the folder of the run that starts now)."""
    removed = stray_temps(root)
    for p in removed:
        p.unlink(missing_ok=True)
    return removed


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = temp_for(path)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def link_or_copy(src: Path, dst: Path) -> None:
    """Put `src` at `dst` as a hard link (a copy where links are not possible), atomically: a killed
    run never leaves a partial file at `dst`. Replaces what is there."""
    import shutil

    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = dst.with_name(f".{dst.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(src, tmp)
    except OSError:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


def dumps_json(obj: Any, *, indent: int | None = 2) -> str:
    return json.dumps(obj, indent=indent, ensure_ascii=False, allow_nan=False) + "\n"


def write_json(path: str | os.PathLike, obj: Any, *, indent: int | None = 2) -> Path:
    """Write `obj` as json atomically; returns the path."""
    path = Path(path)
    _atomic_write_bytes(path, dumps_json(obj, indent=indent).encode("utf-8"))
    return path


def write_text(path: str | os.PathLike, text: str) -> Path:
    path = Path(path)
    _atomic_write_bytes(path, text.encode("utf-8"))
    return path


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    path = Path(path)
    _atomic_write_bytes(path, data)
    return path


def write_jsonl(path: str | os.PathLike, rows: Iterable[Any]) -> Path:
    path = Path(path)
    text = "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in rows)
    _atomic_write_bytes(path, text.encode("utf-8"))
    return path


def append_jsonl(path: str | os.PathLike, row: Any) -> None:
    """Append one record and flush it to disk, so that a crash loses at most the line being written."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


def read_json(path: str | os.PathLike) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_jsonl(path: str | os.PathLike, *, skip_partial_last_line: bool = True) -> list[Any]:
    """Read a jsonl file. A truncated last line (a kill mid-write) is ignored, not an error."""
    rows: list[Any] = []
    path = Path(path)
    if not path.exists():
        return rows
    lines = path.read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError:
            if skip_partial_last_line and i == len(lines) - 1:
                break
            raise
    return rows
