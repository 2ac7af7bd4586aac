"""results.json (everything, with intervals) and scores.json (the leaderboard's shape)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babyvlm.config import to_dict
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.metrics import MetricValue, _num
from babyvlm.tasks.devcv import LEADERBOARD_IDS


def parse_failures(rows: list[dict[str, Any]]) -> int:
    """Answers that could not be read (none) or named several options (ambiguous)."""
    n = 0
    for r in rows:
        st = r.get("parse_status")
        n += sum(1 for s in (st if isinstance(st, list) else [st]) if s in ("none", "ambiguous"))
    return n


def build_results(model: str, cfg: EvalConfig, tasks, runs, overall_values: dict[str, MetricValue | None],
                  absent: dict[str, str], *, data: Path | None, v1_data: Path | None,
                  provenance: dict[str, Any], not_run: dict[str, str] | None = None,
                  warnings: list[str] | None = None, rejects: int = 0) -> dict[str, Any]:
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
        "not_run": dict(not_run or {}),  # found, but no item was scorable (all rejected): not a zero
        "warnings": list(warnings or []),  # sources that map to no task, or that another source shadows
        "rejects": rejects,
        "unsupported": {n: r.unsupported for n, r in runs.items() if r.unsupported},
    }
    chance_prims = []
    for td in tasks:
        t = td.task
        chance = t.chance(td.items)
        entry: dict[str, Any] = {
            "suite": t.suite, "leaderboard_id": t.leaderboard_id, "version": t.version, "data": str(td.path),
            "layout": td.layout, "n_items": len(td.items), "n_available": td.n_available, "skipped": td.skipped,
            "parser": cfg.parser, "metrics": list(t.metrics), "primary": t.primary,
            "chance": {k: _num(v) if v is not None else None for k, v in chance.items()},
            "prior_split": str(td.prior_path) if td.prior_path is not None else None,
            "notes": list(td.notes),
            "models": {},
        }
        if hasattr(t, "outside_answer_space"):
            entry["answer_space"] = [t.lo, t.hi]
            entry["outside_answer_space"] = t.outside_answer_space(td.items)
        for name, run in runs.items():
            if t.name not in run.metrics:
                continue
            rows = run.rows[t.name]
            entry["models"][name] = {
                "metrics": {m: v.to_dict() for m, v in run.metrics[t.name].items()},
                "parse_failures": parse_failures(rows),
                "ties": int(sum(r.get("ties", 0) for r in rows)),
            }
            if t.name in run.priors:
                entry["models"][name]["prior"] = run.priors[t.name]
        out["tasks"][t.name] = entry
        if t.leaderboard_id in LEADERBOARD_IDS and chance.get(t.primary) is not None:
            chance_prims.append(chance[t.primary])
    in_overall = [td.task.name for td in tasks if td.task.leaderboard_id in LEADERBOARD_IDS]
    for name, v in overall_values.items():
        if v is not None:
            # the tasks that entered this model's mean (a chat API has no likelihood tasks)
            mine = [n for n in in_overall if n in runs[name].metrics]
            out["overall"][name] = {**v.to_dict(), "n_tasks": len(mine), "of": len(LEADERBOARD_IDS), "tasks": mine}
    if chance_prims and len(chance_prims) == len(in_overall):
        out["overall"]["chance"] = {"value": _num(sum(chance_prims) / len(chance_prims))}
    return out


def build_scores(tasks, run) -> dict[str, Any]:
    """{"results": {"baby_pv": {"acc": 0.42}, ...}} for the tasks with leaderboard ids (the DevCV tasks, and
    Baby Winoground from its CSV in the baby_winoground slot)."""
    res: dict[str, dict[str, float | None]] = {}
    for td in tasks:
        t = td.task
        if t.leaderboard_id is None or t.name not in run.metrics:
            continue
        if t.suite != "devcv" and t.leaderboard_id not in LEADERBOARD_IDS:
            continue
        res[t.leaderboard_id] = {m: v.to_dict()["value"] for m, v in run.metrics[t.name].items()}
    return {"results": res}
