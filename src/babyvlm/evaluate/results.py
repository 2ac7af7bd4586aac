"""results.json (everything, with intervals) and scores.json (the leaderboard's shape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babyvlm.config import to_dict
from babyvlm.devcv.tasks import LEADERBOARD_IDS
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.metrics import MetricValue, _num


def parse_failures(rows: list[dict[str, Any]]) -> int:
    """Answers that could not be read (none) or named several options (ambiguous)."""
    n = 0
    for r in rows:
        st = r.get("parse_status")
        n += sum(1 for s in (st if isinstance(st, list) else [st]) if s in ("none", "ambiguous"))
    return n


def build_results(model: str, cfg: EvalConfig, tasks, runs, overall_values: dict[str, MetricValue | None],
                  absent: dict[str, str], *, data: Path | None, v1_data: Path | None,
                  provenance: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "model": model,
        "baselines": [n for n in runs if n != model],
        "seed": cfg.seed,
        "parser": cfg.parser,
        "data": {"devcv": str(data) if data is not None else None,
                 "v1": str(v1_data if v1_data is not None else data) if (v1_data or data) else None},
        "config": to_dict(cfg),
        **provenance,
        "tasks": {},
        "overall": {},
        "absent": absent,
        "unsupported": {n: r.unsupported for n, r in runs.items() if r.unsupported},
    }
    chance_prims = []
    for td in tasks:
        t = td.task
        chance = t.chance(td.items)
        entry: dict[str, Any] = {
            "suite": t.suite, "leaderboard_id": t.leaderboard_id, "data": str(td.path), "n_items": len(td.items),
            "skipped": td.skipped, "metrics": list(t.metrics), "primary": t.primary,
            "chance": {k: _num(v) if v is not None else None for k, v in chance.items()},
            "models": {},
        }
        for name, run in runs.items():
            if t.name not in run.metrics:
                continue
            rows = run.rows[t.name]
            entry["models"][name] = {
                "metrics": {m: v.to_dict() for m, v in run.metrics[t.name].items()},
                "parse_failures": parse_failures(rows),
                "ties": int(sum(r.get("ties", 0) for r in rows)),
            }
        out["tasks"][t.name] = entry
        if t.leaderboard_id in LEADERBOARD_IDS and chance.get(t.primary) is not None:
            chance_prims.append(chance[t.primary])
    in_overall = [td.task.name for td in tasks if td.task.leaderboard_id in LEADERBOARD_IDS]
    for name, v in overall_values.items():
        if v is not None:
            out["overall"][name] = {**v.to_dict(), "n_tasks": len(in_overall), "of": len(LEADERBOARD_IDS),
                                    "tasks": in_overall}
    if chance_prims and len(chance_prims) == len(in_overall):
        out["overall"]["chance"] = {"value": _num(sum(chance_prims) / len(chance_prims))}
    return out


def build_scores(tasks, run) -> dict[str, Any]:
    """{"results": {"baby_pv": {"acc": 0.42}, ...}} for the DevCV tasks with leaderboard ids."""
    res: dict[str, dict[str, float | None]] = {}
    for td in tasks:
        t = td.task
        if t.suite != "devcv" or t.leaderboard_id is None or t.name not in run.metrics:
            continue
        res[t.leaderboard_id] = {m: v.to_dict()["value"] for m, v in run.metrics[t.name].items()}
    return {"results": res}
