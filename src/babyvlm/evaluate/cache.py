"""Per-item output cache: what a model answered, so a killed run continues where it stopped.

One jsonl file per (model, task) under `<out>/cache/`, one line per finished item:
`{"key": ..., "id": ..., "output": ...}`. The key hashes the model's `cache_id`, the task, the
item's requests and the generation settings, so a changed prompt, model or setting recomputes.
Lines are appended and flushed in batches; a truncated last line (a kill mid-write) is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Any

from babyvlm.util.digest import digest
from babyvlm.util.io import read_jsonl


def slug(text: str) -> str:
    s = re.sub(r"[^A-Za-z0-9._-]+", "_", text).strip("_")
    return (s[:60] + "-" + hashlib.sha1(text.encode()).hexdigest()[:8]) if len(s) > 60 else s


class ItemCache:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.done: dict[str, Any] = {}
        self._drop_partial_tail()
        for row in read_jsonl(self.path):
            self.done[row["key"]] = row["output"]

    def _drop_partial_tail(self) -> None:
        """A kill mid-write leaves a last line without its newline: cut it, so appends stay valid."""
        if not self.path.is_file():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with open(self.path, "r+b") as f:
                f.truncate(data.rfind(b"\n") + 1)

    @staticmethod
    def key(*parts: Any) -> str:
        return digest(parts, length=24)

    def get(self, key: str) -> Any:
        return self.done.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.done

    def add_many(self, rows: list[tuple[str, str, Any]]) -> None:
        """Append (key, item id, output) rows and fsync once."""
        if not rows:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        text = "".join(json.dumps({"key": k, "id": i, "output": o}, ensure_ascii=False) + "\n" for k, i, o in rows)
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        for k, _, o in rows:
            self.done[k] = o
