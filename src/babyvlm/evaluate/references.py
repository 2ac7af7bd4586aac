"""Published reference rows (package data `babyvlm/data/reference_results.json`).

Every row carries its source and `transcribed: true`: the numbers were copied from secondary
summaries of the papers and are shown in reports as such. DevCV rows are keyed by leaderboard id
(percent); V1 rows by task name (fractions; metric per `v1_metrics`).
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any


@lru_cache(maxsize=1)
def load_references() -> dict[str, Any]:
    text = resources.files("babyvlm.data").joinpath("reference_results.json").read_text(encoding="utf-8")
    return json.loads(text)


def reference_rows(suite: str) -> list[dict[str, Any]]:
    return [r for r in load_references()["rows"] if r["suite"] == suite]


def reference_value(row: dict[str, Any], key: str) -> float | None:
    """The row's value for a task as a fraction (DevCV percentages divided by 100)."""
    v = row.get("tasks", {}).get(key)
    if v is None:
        return None
    return v / 100.0 if row.get("scale") == "percent" else float(v)
