"""Metrics of a stage: one JSON line per logged step or evaluation, mirrored to TensorBoard."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from babyvlm.util.io import read_jsonl, write_jsonl


class Metrics:
    def __init__(self, stage_dir: Path, *, enabled: bool = True, tensorboard: bool = True, resume_step: int = 0):
        self.path = stage_dir / "metrics.jsonl"
        self.enabled = enabled
        self._tb = None
        if not enabled:
            return
        # a resumed run continues the file: rows after the checkpoint are redone, so they are dropped
        rows = [r for r in read_jsonl(self.path) if r.get("step", 0) <= resume_step] if resume_step else []
        write_jsonl(self.path, rows)
        self._f = open(self.path, "a", encoding="utf-8")
        if tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter

                self._tb = SummaryWriter(str(stage_dir / "tb"), purge_step=resume_step + 1 if resume_step else None)
            except ImportError:  # tensorboard is a dependency, but a stripped install still trains
                self._tb = None

    def log(self, row: dict[str, Any]) -> None:
        if not self.enabled:
            return
        self._f.write(json.dumps(row, allow_nan=True) + "\n")
        self._f.flush()
        if self._tb is not None:
            step = row.get("step", 0)
            for k, v in row.items():
                if k != "step" and isinstance(v, (int, float)) and not isinstance(v, bool):
                    self._tb.add_scalar(k, v, step)

    def close(self) -> None:
        if not self.enabled:
            return
        self._f.close()
        if self._tb is not None:
            self._tb.close()
