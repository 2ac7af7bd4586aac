"""Rejected records: a one-line reason naming the file (and line), kept, never silently dropped.

Readers return `Reject`s next to the good records; the command that writes output appends them to
`rejects.jsonl` in its output folder and logs each reason once.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.util.io import append_jsonl, read_jsonl

log = logging.getLogger("babyvlm")


@dataclass
class Reject:
    source: str  # the file (or item id) the record came from
    reason: str  # one line, no trailing period needed
    line: int | None = None  # 1-based line in `source`, where there is one
    step: str = ""  # which step rejected it (corpus, pretrain, devcv, ...)
    record: dict[str, Any] = field(default_factory=dict)  # the bad record itself, as far as it was read

    def one_line(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v not in (None, "", {})}


class RejectLog:
    """Appends rejects to `<out>/rejects.jsonl` as they happen (a crash loses nothing)."""

    def __init__(self, path: str | Path, *, echo: bool = True, max_echo: int = 20):
        self.path = Path(path)
        self.echo = echo
        self.max_echo = max_echo
        self.count = 0

    def add(self, reject: Reject) -> None:
        append_jsonl(self.path, reject.to_dict())
        self.count += 1
        if self.echo and self.count <= self.max_echo:
            log.warning("rejected %s", reject.one_line())
        elif self.echo and self.count == self.max_echo + 1:
            log.warning("more rejects: see %s", self.path)

    def extend(self, rejects) -> None:
        for r in rejects:
            self.add(r)

    def read(self) -> list[dict[str, Any]]:
        return read_jsonl(self.path)
