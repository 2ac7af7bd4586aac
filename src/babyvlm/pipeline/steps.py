"""Resumable steps with timings: a finished step is skipped on rerun unless its settings changed.

Every step's own work is resumable too (the world, the pretraining build, training stages and the
evaluation all continue where a kill left them); the marker here only saves re-checking them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babyvlm.util.digest import digest
from babyvlm.util.io import read_json, write_json

log = logging.getLogger("babyvlm")


def fingerprint(settings: Any) -> str:
    return digest(settings)


class Steps:
    """Runs named steps in order under `root/.steps/`, printing `[i/n] name` and each step's time."""

    def __init__(self, root: Path, names: list[str], *, echo: Callable[[str], None] = print):
        self.root = Path(root)
        self.names = names
        self.echo = echo
        self.dir = self.root / ".steps"

    def marker(self, name: str) -> Path:
        return self.dir / f"{name}.json"

    def record(self, name: str) -> dict[str, Any] | None:
        p = self.marker(name)
        return read_json(p) if p.exists() else None

    def run(self, name: str, settings: Any, fn: Callable[[], Any]) -> Any:
        i = self.names.index(name) + 1
        fp = fingerprint(settings)
        rec = self.record(name)
        if rec is not None and rec.get("fingerprint") == fp:
            self.echo(f"[{i}/{len(self.names)}] {name}: done earlier ({rec['seconds']:.0f} s), skipped")
            return rec.get("result")
        self.echo(f"[{i}/{len(self.names)}] {name} ...")
        t0 = time.time()
        result = fn()
        seconds = time.time() - t0
        write_json(self.marker(name), {"name": name, "fingerprint": fp, "seconds": round(seconds, 1), "result": result})
        self.echo(f"[{i}/{len(self.names)}] {name}: {seconds:.0f} s")
        return result

    def timings(self) -> dict[str, float]:
        out = {}
        for n in self.names:
            rec = self.record(n)
            if rec is not None:
                out[n] = rec["seconds"]
        return out
