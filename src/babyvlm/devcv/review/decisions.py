"""Review decisions: one line per click in `TOOLBOX/review/decisions.jsonl`, written and flushed to
disk before the page is told it is saved (a crash loses nothing). The last decision on an item
wins; `clear` takes a decision back."""

from __future__ import annotations

import datetime as _dt
import threading
from pathlib import Path
from typing import Any

from babyvlm.util.io import append_jsonl, read_jsonl

DECISIONS = ("accept", "reject", "clear")


def decisions_path(toolbox: str | Path) -> Path:
    return Path(toolbox) / "review" / "decisions.jsonl"


def item_key(split: str, task: str, item_id: str) -> str:
    return f"{split}/{task}/{item_id}"


def load_decisions(toolbox: str | Path) -> dict[str, str]:
    """{"split/task/id": "accept" | "reject"} from the log (items taken back are absent)."""
    out: dict[str, str] = {}
    path = decisions_path(toolbox)
    if not path.exists():
        return out
    for row in read_jsonl(path):
        if not isinstance(row, dict) or row.get("decision") not in DECISIONS:
            continue
        key = item_key(str(row.get("split")), str(row.get("task")), str(row.get("id")))
        if row["decision"] == "clear":
            out.pop(key, None)
        else:
            out[key] = row["decision"]
    return out


class DecisionLog:
    """Appends decisions (thread-safe) and keeps the current state in memory."""

    def __init__(self, toolbox: str | Path):
        self.path = decisions_path(toolbox)
        self.state = load_decisions(toolbox)
        self.lock = threading.Lock()

    def record(self, split: str, task: str, item_id: str, decision: str, note: str = "") -> dict[str, Any]:
        if decision not in DECISIONS:
            raise ValueError(f"decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
        row = {"split": split, "task": task, "id": item_id, "decision": decision,
               "time": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")}
        if note:
            row["note"] = note
        with self.lock:
            append_jsonl(self.path, row)  # flushed and fsynced before we answer
            key = item_key(split, task, item_id)
            if decision == "clear":
                self.state.pop(key, None)
            else:
                self.state[key] = decision
        return row

    def counts(self) -> dict[str, int]:
        with self.lock:
            vals = list(self.state.values())
        return {"accept": vals.count("accept"), "reject": vals.count("reject")}
