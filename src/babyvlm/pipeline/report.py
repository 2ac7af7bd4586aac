"""The demo's report: what was made, how long each step took, and how the model did on DevCV.

Reads only the files the steps wrote (corpus.json, stats.json, done.json/metrics.jsonl of each
training stage, the evaluation's results.json), so it can be rewritten without rerunning anything.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from babyvlm.util.io import read_json, read_jsonl, write_text
from babyvlm.util.provenance import run_info

BASELINES = ("random", "blind", "pixel")


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def _cell(m: dict[str, Any] | None) -> str:
    if not m or m.get("value") is None:
        return "–"
    lo, hi = m.get("ci_low"), m.get("ci_high")
    ci = f" [{_pct(lo)}, {_pct(hi)}]" if lo is not None and hi is not None else ""
    return f"{_pct(m['value'])}{ci}"


def above_chance(results: dict[str, Any], model: str) -> list[str]:
    """DevCV tasks whose primary metric's 95% interval lies wholly above chance for `model`."""
    out = []
    for name, t in results["tasks"].items():
        if t.get("suite") != "devcv":
            continue
        chance = (t.get("chance") or {}).get(t["primary"])
        m = ((t["models"].get(model) or {}).get("metrics") or {}).get(t["primary"])
        if chance is not None and m and m.get("ci_low") is not None and m["ci_low"] > chance:
            out.append(name)
    return out


def blank_run(results: dict[str, Any], model: str) -> str | None:
    """The name of the image-ablation run of `model` in these results, if it ran."""
    name = f"{model} (no images)"
    return name if name in results.get("baselines", []) else None


def results_table(results: dict[str, Any], model: str) -> list[str]:
    blank = blank_run(results, model)
    names = [model] + ([blank] if blank else []) + [b for b in BASELINES if b in results.get("baselines", [])]
    label = {model: "**model**", blank: "model, no images"}
    head = ["task", "metric", "chance"] + [label.get(n, n) for n in names] + ["model > chance"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    clear = set(above_chance(results, model))
    for name, t in results["tasks"].items():
        prim = t["primary"]
        chance = (t.get("chance") or {}).get(prim)
        cells = [f"{name} (n={t['n_items']})", prim, _pct(chance)]
        for n in names:
            cells.append(_cell(((t["models"].get(n) or {}).get("metrics") or {}).get(prim)))
        cells.append("yes" if name in clear else "no")
        lines.append("| " + " | ".join(cells) + " |")
    ov = results.get("overall", {})
    if ov:
        cells = ["**overall**", "mean of primaries", _pct((ov.get("chance") or {}).get("value"))]
        cells += [_cell(ov.get(n)) for n in names] + [""]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def ablation_table(out: Path, results: dict[str, Any], model: str, stages: list[str]) -> list[str]:
    """Full pipeline against each pretraining ablation that ran (OUT/ablations/<variant>/eval)."""
    from babyvlm.pipeline.ablations import ABLATIONS

    rows = [(f"full pipeline (stages {', '.join(stages)})", results, model)]
    for name in ABLATIONS:
        p = out / "ablations" / name / "eval" / "results.json"
        if p.exists():
            r = read_json(p)
            rows.append((f"{name}: {ABLATIONS[name]}", r, r["model"]))
    if len(rows) == 1:
        return []
    full = (results.get("overall") or {}).get(model) or {}
    lines = ["| variant | overall | tasks clear of chance | interval overlaps the full pipeline's |", "|---|---|---|---|"]
    for label, r, m in rows:
        ov = (r.get("overall") or {}).get(m) or {}
        overlap = "" if r is results else ("yes" if _overlaps(full, ov) else "no")
        lines.append(f"| {label} | {_cell(ov)} | {len(above_chance(r, m))} | {overlap} |")
    return lines


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("ci_low") is None or b.get("ci_low") is None:
        return True
    return not (a["ci_low"] > b["ci_high"] or b["ci_low"] > a["ci_high"])


def plot_losses(run: Path, stages: list[str], path: Path) -> Path | None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    series = {}
    for s in stages:
        rows = [r for r in read_jsonl(run / f"stage{s}" / "metrics.jsonl") if "loss" in r and "step" in r]
        if rows:
            series[s] = rows
    if not series:
        return None
    fig, axes = plt.subplots(1, len(series), figsize=(3.2 * len(series), 2.8), squeeze=False)
    for ax, (s, rows) in zip(axes[0], series.items()):
        ax.plot([r["step"] for r in rows], [r["loss"] for r in rows], lw=1.2, color="#1f77b4", label="train")
        val = [r for r in rows if r.get("val_loss") is not None]
        if val:
            ax.plot([r["step"] for r in val], [r["val_loss"] for r in val], "o-", ms=3, color="#d62728", label="val")
        ax.set_title(f"stage {s}")
        ax.set_xlabel("step")
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("loss")
    axes[0][-1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def write_demo_report(out: Path, cfg, timings: dict[str, float]) -> Path:
    out = Path(out)
    lines = ["# babyvlm demo", ""]
    info = run_info()
    lines += [f"Generated {_dt.date.today().isoformat()} by babyvlm {info['versions']['babyvlm']} "
              f"(git {info['git_revision'] or 'unknown'}), seed {cfg.seed}. Reproduce with "
              f"`babyvlm demo --out {out}`; every number below is read from the files in this folder.", ""]

    total = sum(timings.values())
    lines += ["## Time per step", "", "| step | seconds |", "|---|---|"]
    lines += [f"| {k} | {v:.0f} |" for k, v in timings.items()] + [f"| **total** | **{total:.0f}** ({total / 60:.1f} min) |", ""]

    meta = read_json(out / "world" / "corpus.json") if (out / "world" / "corpus.json").exists() else {}
    st = meta.get("stats", {})
    if st:
        lines += ["## The world", "",
                  f"{st.get('sessions')} sessions, {st.get('hours', 0):.2f} h of video, {st.get('utterances')} utterances, "
                  f"children {', '.join(meta.get('children', {}))}, ages {st.get('age_months_min')}-{st.get('age_months_max')} months, "
                  f"{st.get('categories')} CDI categories; {100 * st.get('visible_referent_share', 0):.0f}% of utterances name "
                  "something in view.", ""]

    pstats_path = out / "pretrain" / "stats.json"
    if pstats_path.exists():
        ps = read_json(pstats_path)
        lines += ["## Pretraining set", ""]
        counts = ps.get("counts", {})
        if counts:
            lines += ["| format | " + " | ".join(counts) + " |", "|---|" + "---|" * len(counts)]
            fmts = sorted({f for v in counts.values() if isinstance(v, dict) for f in v})
            for f in fmts:
                lines.append(f"| {f} | " + " | ".join(str(counts[s].get(f, "")) if isinstance(counts[s], dict) else "" for s in counts) + " |")
            lines.append("")
        q = ps.get("filter_quality") or {}
        if q.get("precision") is not None:
            lines += [f"Kept image-utterance pairs against the world's ground truth ({q.get('scorer')} scorer): "
                      f"precision {q['precision']:.2f} against a base rate of {q['base_rate']:.2f}, "
                      f"recall {q['recall']:.2f}.", ""]
        lines += ["Details: [pretrain/report.md](pretrain/report.md).", ""]

    run = out / "run"
    lines += ["## Training (tiny preset)", "", "| stage | steps | seconds | final loss | validation loss |", "|---|---|---|---|---|"]
    for s in cfg.stages:
        done = run / f"stage{s}" / "done.json"
        if done.exists():
            d = read_json(done)
            fl = (d.get("final") or {}).get("loss")
            vl = (d.get("eval") or {}).get("val_loss")
            lines.append(f"| {s} | {d['steps']} | {d['seconds']:.0f} | {'–' if fl is None else f'{fl:.3f}'} | "
                         f"{'–' if vl is None else f'{vl:.3f}'} |")
    loss_png = plot_losses(run, cfg.stages, out / "report_losses.png")
    if loss_png:
        lines += ["", f"![training losses]({loss_png.name})"]
    lines.append("")

    res_path = out / "eval" / "results.json"
    if res_path.exists():
        results = read_json(res_path)
        model = results["model"]
        clear = above_chance(results, model)
        lines += ["## DevCV Toolbox (test split of the world's toolbox)", "",
                  "Primary metric per task in percent, with 95% bootstrap intervals; `model > chance` means the "
                  "whole interval lies above chance.", ""]
        lines += results_table(results, model)
        lines.append("")
        need = cfg.min_tasks_above_chance
        if len(clear) >= need:
            lines.append(f"The model's interval is clear of chance on {len(clear)} tasks ({', '.join(clear)}); "
                         f"the demo's bar is {need}.")
        else:
            lines.append(f"**The model's interval is clear of chance on only {len(clear)} task(s)"
                         f"{' (' + ', '.join(clear) + ')' if clear else ''}, below the demo's bar of {need}.** "
                         "The tiny model trained for a few CPU minutes has not learned the others; see docs/demo.md "
                         "for what was measured to help.")
        lines += ["", "![DevCV results](eval/report.png)", "",
                  "Baselines: `random` guesses uniformly, `blind` never sees the images, `pixel` never reads the "
                  "question; `model, no images` is the same model with every image replaced by a grey blank of "
                  "the same size (the question unchanged): a task the model clears by looking falls back to chance "
                  "there. Published human and model rows: [eval/report.md](eval/report.md).", ""]
        if results.get("fit"):
            from babyvlm.evaluate.report import fit_table

            lines += ["## Fit versus generalisation", "",
                      "The same model on the first items of each task's train split (items it was instruction-tuned "
                      "on) beside the test split.", ""] + fit_table(results) + [""]
        abl = ablation_table(out, results, model, list(cfg.stages))
        if abl:
            lines += ["## Does pretraining matter? (ablations)", "",
                      "Each variant is retrained from the same data with one thing removed, with the same stage-3 "
                      "budget, and evaluated on the same test split (overall = mean of the leaderboard tasks' primary "
                      "metrics, 95% interval).", ""] + abl + [""]
    return write_text(out / "report.md", "\n".join(lines))
