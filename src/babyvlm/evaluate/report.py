"""report.md (tasks x model, baselines, chance, published rows) and report.png (bars with intervals)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from babyvlm.evaluate.references import load_references, reference_rows, reference_value
from babyvlm.tasks.devcv import LEADERBOARD_IDS
from babyvlm.util.io import write_text


def pct(v: float | None) -> str:
    return "–" if v is None else f"{100 * v:.1f}"


def cell(m: dict[str, Any] | None) -> str:
    if not m or m.get("value") is None:
        return "–"
    if m.get("ci_low") is None:
        return pct(m["value"])
    return f"{pct(m['value'])} [{pct(m['ci_low'])}, {pct(m['ci_high'])}]"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def fit_table(results: dict[str, Any]) -> list[str]:
    """The model on (part of) its own training split next to the evaluated split: fit versus generalisation."""
    model, fit = results["model"], results["fit"]
    split = next(iter(fit.values()))["split"]
    rows = []
    for tname, f in fit.items():
        t = results["tasks"].get(tname)
        test = t["models"].get(model, {}).get("metrics", {}).get(f["primary"]) if t else None
        chance = pct(t["chance"].get(f["primary"])) if t else ""
        rows.append([tname, f["primary"], str(f["n_items"]), cell(f["metric"]), cell(test), chance])
    header = ["task", "metric", f"n ({split})", f"`{model}` on {split} (fit)",
              f"on {results['config']['split']} (generalisation)", "chance"]
    return _table(header, rows)


def markdown(results: dict[str, Any]) -> str:
    model = results["model"]
    names = [model] + results["baselines"]
    lines = [f"# Evaluation of `{model}`", ""]
    lines.append(f"Date {results.get('date')}, babyvlm {results.get('versions', {}).get('babyvlm')}, "
                 f"git {results.get('git_revision')}, seed {results['seed']}, parser `{results['parser']}`, "
                 f"bootstrap {results['config']['bootstrap']} resamples (95% intervals in brackets). Scores in %. "
                 f"`v`: the task definition's version; n: items scored (rejected: see rejects.jsonl).")
    lines.append("")
    for suite, title in (("devcv", "DevCV Toolbox"), ("v1", "BabyVLM-V1 benchmarks")):
        # the leaderboard's table holds every task it ranks (Baby Winoground from its CSV too)
        tasks = {k: v for k, v in results["tasks"].items() if table_of(v) == suite}
        if not tasks:
            continue
        refs = reference_rows(suite)
        header = ["task", "id", "v", "metric", "n (rejected)", *[f"`{n}`" for n in names], "chance",
                  *[f"{r['name']}†" for r in refs]]
        rows = []
        for tname, t in tasks.items():
            for m in [t["primary"]] + [x for x in t["metrics"] if x != t["primary"]]:
                primary = m == t["primary"]
                ref_key = t["leaderboard_id"] if suite == "devcv" else tname
                refs_cells = [pct(reference_value(r, ref_key)) if primary else "" for r in refs]
                rows.append([tname if primary else "", (t["leaderboard_id"] or "") if primary else "",
                             str(t.get("version", 1)) if primary else "",
                             m + (" (primary)" if primary and len(t["metrics"]) > 1 else ""),
                             f"{t['n_items']} ({t.get('skipped', 0)})" if primary else "",
                             *[cell(t["models"].get(n, {}).get("metrics", {}).get(m)) for n in names],
                             pct(t["chance"].get(m)), *refs_cells])
        if suite == "devcv" and results["overall"]:
            ov = results["overall"]
            any_ov = next((v for k, v in ov.items() if k != "chance"), None)
            label = f"overall ({any_ov['n_tasks']}/{any_ov['of']} tasks)" if any_ov else "overall"
            rows.append([f"**{label}**", "", "", "mean of primaries", "",
                         *[cell(ov.get(n)) for n in names], pct((ov.get("chance") or {}).get("value")),
                         *[pct(r["overall"] / 100) if r.get("overall") is not None else "–" for r in refs]])
        lines += [f"## {title}", ""] + _table(header, rows) + [""]
        if "saycam_caption" in tasks:
            lines += ["METEOR here matches exact words and Porter stems only (no WordNet synonyms offline); "
                      "published METEOR values with WordNet can only be higher for the same captions.", ""]
    if results.get("fit"):
        split = next(iter(results["fit"].values()))["split"]
        lines += [f"## Fit versus generalisation ({split} split)", ""] + fit_table(results) + [""]
    if results.get("not_run"):
        lines.append("Not run (found, but no scorable item; not counted as a zero): "
                     + "; ".join(f"`{k}` ({v})" for k, v in results["not_run"].items()) + ".")
        lines.append("")
    if results.get("warnings"):
        lines += ["Data not used:", ""] + [f"- {w}" for w in results["warnings"]] + [""]
    if results.get("absent"):
        lines.append("Absent tasks (not run): " + "; ".join(f"`{k}` ({v})" for k, v in results["absent"].items()) + ".")
        lines.append("")
    for name, tasks in results.get("unsupported", {}).items():
        lines.append(f"`{name}` cannot score likelihoods: {', '.join(tasks)} not run for it.")
        lines.append("")
    notes = []
    for tname, t in results["tasks"].items():
        for n, r in t["models"].items():
            if r.get("parse_failures"):
                notes.append(f"`{n}` on {tname}: {r['parse_failures']} unparseable or ambiguous answers (scored wrong)")
            if r.get("ties"):
                notes.append(f"`{n}` on {tname}: {r['ties']} exact likelihood ties (a tie is not a win)")
        if t.get("skipped"):
            notes.append(f"{tname}: {t['skipped']} bad items rejected (see rejects.jsonl)")
        if t.get("outside_answer_space"):
            lo, hi = t["answer_space"]
            notes.append(f"{tname}: {t['outside_answer_space']} items with a gold outside the answer space {lo}-{hi} "
                         "(scored; chance 0 for them)")
        if t.get("n_available", 0) > t["n_items"]:
            notes.append(f"{tname}: first {t['n_items']} of {t['n_available']} scorable items (--limit)")
        notes += [f"{tname}: {x}" for x in t.get("notes", [])]
    priors = {}
    for tname, t in results["tasks"].items():
        for n, r in t["models"].items():
            if r.get("prior"):
                priors.setdefault(n, {}).setdefault(r["prior"], []).append(tname)
    for n, by_note in priors.items():
        for note, tnames in by_note.items():
            notes.append(f"`{n}` ({', '.join(tnames)}): {note}")
    if notes:
        lines += ["## Notes", ""] + [f"- {x}" for x in notes] + [""]
    lines += ["## Reference rows", ""]
    lines.append("† " + load_references()["note"])
    lines.append("")
    for r in load_references()["rows"]:
        extra = []
        if r.get("overall_approximate"):
            extra.append("overall approximate")
        if r.get("other_benchmark"):
            extra.append(f"{r['other_benchmark']}; chance overall {r.get('chance_overall')}")
        for k, v in (r.get("unassigned") or {}).items():
            extra.append(f"{k}: {', '.join(str(x) for x in v)}")
        lines.append(f"- {r['name']} ({r['suite']}): {r['source']}; transcribed: {str(r['transcribed']).lower()}"
                     + (f"; {'; '.join(extra)}" if extra else ""))
    lines.append("")
    lines.append("Overall = mean of the primary metrics of the leaderboard's tasks that were run "
                 f"({', '.join(LEADERBOARD_IDS)}); subitizing and V1 tasks are reported but not averaged.")
    return "\n".join(lines) + "\n"


def table_of(t: dict[str, Any]) -> str:
    return "devcv" if t["suite"] == "devcv" or t.get("leaderboard_id") in LEADERBOARD_IDS else t["suite"]


def bar_chart(results: dict[str, Any], path: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    names = [results["model"]] + results["baselines"]
    tasks = [(k, v) for k, v in results["tasks"].items() if v["models"]]
    if not tasks:
        return None
    fig, ax = plt.subplots(figsize=(max(6, 1.1 * len(tasks) + 2), 4.2))
    width = 0.8 / max(len(names), 1)
    x = np.arange(len(tasks))
    for k, n in enumerate(names):
        vals, lo, hi = [], [], []
        for _, t in tasks:
            m = t["models"].get(n, {}).get("metrics", {}).get(t["primary"]) or {}
            v = m.get("value")
            vals.append(np.nan if v is None else 100 * v)
            lo.append(0 if m.get("ci_low") is None or v is None else 100 * (v - m["ci_low"]))
            hi.append(0 if m.get("ci_high") is None or v is None else 100 * (m["ci_high"] - v))
        ax.bar(x + (k - (len(names) - 1) / 2) * width, vals, width, yerr=[lo, hi], capsize=2, label=n)
    for i, (_, t) in enumerate(tasks):
        c = t["chance"].get(t["primary"])
        if c is not None:
            ax.hlines(100 * c, i - 0.45, i + 0.45, colors="black", linestyles="dashed", linewidth=1)
    ax.set_xticks(x)
    ax.set_xticklabels([f"{k}\n{t['primary']}" for k, t in tasks], rotation=45, ha="right", fontsize=7)
    ax.set_ylabel("score (%), 95% CI; dashed: chance")
    ax.set_ylim(0, 105)
    ax.legend(fontsize=7, ncol=min(4, len(names)))
    ax.set_title(f"babyvlm eval: {results['model']}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120, metadata={"Software": None})
    plt.close(fig)
    return path


def write_report(out: Path, results: dict[str, Any], *, plot: bool = True) -> None:
    write_text(out / "report.md", markdown(results))
    if plot:
        bar_chart(results, out / "report.png")
