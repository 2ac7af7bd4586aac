"""`babyvlm curve`: developmental learning curves — DevCV accuracy against months of experience.

For each age A the model is trained from scratch on the corpus up to A (every session recorded at
or before A months: a view of the corpus made of links, its own pretraining set and, by default,
its own baby scorer, so no later experience leaks in), instruction-tuned on the same DevCV train
split, and evaluated on the same DevCV test split (every view links the corpus's splits.json, so the
corpus's test sessions are held out of every age's pretraining set). The plot shows each task's accuracy against age
with its 95% interval, chance, the published human level where there is one, and the age from
which the NIH Baby Toolbox gives the task to children. Outputs under OUT:

    devcv/                      the toolbox (unless --devcv is given)
    age_<A>/corpus/             links to the sessions up to A months
    age_<A>/pretrain/, run/, eval/
    curve.json, curve.md, curve.png, config.yaml
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.config import build_config, write_config
from babyvlm.errors import InputError
from babyvlm.pipeline.demo import StepPresets
from babyvlm.pipeline.steps import Steps
from babyvlm.tasks.devcv import DEVCV_TASKS
from babyvlm.util.cpu import passive_openmp
from babyvlm.util.io import read_json, write_json, write_text

log = logging.getLogger("babyvlm")

DAYS_PER_MONTH = 30.4375
# NIH Baby Toolbox: the age (months) from which each measure is given to children (the tasks' own)
NIH_FROM_MONTHS = {name: cls.nih_from_months for name, cls in DEVCV_TASKS.items() if cls.nih_from_months is not None}


@dataclass
class CurveConfig(StepPresets):
    ages: list[float] = field(default_factory=lambda: [12.0, 18.0, 24.0, 32.0])  # months of experience


def load_curve_config(preset: str | None, overrides: tuple[str, ...] = (), **values: Any) -> CurveConfig:
    from babyvlm.pipeline.demo import check_step_configs

    cfg = build_config(CurveConfig, section="curve", preset=preset, overrides=overrides, values=values)
    check_step_configs(cfg)  # a bad per-step override stops the curve now, not at its first age
    return cfg


def _label(age: float) -> str:
    return f"{age:g}"


def corpus_view(corpus: Path, out: Path, max_age_days: float, seed: int = 0) -> tuple[int, float]:
    """Link the sessions recorded at or before `max_age_days` into OUT (same layout); returns
    (sessions, hours of video). The view links the whole corpus's splits.json (written now, with
    `seed`, if no builder has yet), so every age holds out the same test sessions as DevCV."""
    from babyvlm.corpus import open_corpus
    from babyvlm.corpus.video import probe
    from babyvlm.formats.splits import SPLITS_FILE, corpus_splits

    src = open_corpus(corpus)
    if src.layout != "saycam":
        raise InputError(f"{corpus}: curves need a SAYCam-like corpus (videos/ + transcripts/) whose sessions have ages")
    keep = [e for e in src.entries if e.age_days is not None and e.age_days <= max_age_days]
    out.mkdir(parents=True, exist_ok=True)
    if (corpus / "corpus.json").exists():
        link(corpus / "corpus.json", out / "corpus.json")
    split = corpus_splits(corpus, [(e.stem, e.child) for e in src.entries], seed=seed)
    link(split.path, out / SPLITS_FILE)
    seconds = 0.0
    for e in keep:
        for path, sub in ((e.video, "videos"), (e.transcript, "transcripts"), (e.annotations, "annotations")):
            if path is not None:
                (out / sub).mkdir(exist_ok=True)
                link(path, out / sub / path.name)
        seconds += probe(e.video, check_decode=False).duration
    return len(keep), seconds / 3600


def link(target: Path, name: Path) -> None:
    if name.is_symlink() or name.exists():
        if name.resolve() == target.resolve():
            return
        name.unlink()
    os.symlink(target.resolve(), name)


def run_curve(corpus: str | Path, out: str | Path, cfg: CurveConfig, *, devcv: Path | None = None,
              echo: Callable[[str], None] = print) -> Path:
    """Train and evaluate one model per age; returns the plot's path."""
    from babyvlm.pipeline.demo import devcv_step, eval_step, pretrain_step, train_step
    from babyvlm.train.rundir import RunDir

    passive_openmp()  # before the step workers start
    corpus, out = Path(corpus), Path(out)
    if not cfg.ages:
        raise InputError("give at least one age (--ages 12,18,24,32)")
    ages = sorted(set(cfg.ages))
    out.mkdir(parents=True, exist_ok=True)
    write_config(cfg, out, section="curve")
    names = (["devcv"] if devcv is None else []) + [f"age{_label(a)}:{s}" for a in ages for s in ("pretrain", "train", "eval")]
    steps = Steps(out, names, echo=echo)
    if devcv is None:
        devcv = out / "devcv"
        steps.run("devcv", {"d": cfg.devcv, "set": cfg.devcv_set, "seed": cfg.seed, "corpus": str(corpus.resolve())},
                  lambda: devcv_step(cfg, corpus, devcv))
    rows = []
    for a in ages:
        label = _label(a)
        adir = out / f"age_{label}"
        n_sessions, hours = corpus_view(corpus, adir / "corpus", a * DAYS_PER_MONTH, cfg.seed)
        if n_sessions == 0:
            echo(f"age {label} months: no session recorded by then, skipped")
            continue
        echo(f"age {label} months: {n_sessions} sessions, {hours:.2f} h of video")
        key = {"age": a, "seed": cfg.seed, "sessions": n_sessions}
        steps.run(f"age{label}:pretrain", {**key, "p": cfg.pretrain, "set": cfg.pretrain_set},
                  lambda adir=adir: pretrain_step(cfg, adir / "corpus", adir / "pretrain"))
        steps.run(f"age{label}:train", {**key, "t": cfg.train, "set": cfg.train_set, "stages": cfg.stages,
                                         "devcv": str(devcv)},
                  lambda adir=adir: train_step(cfg, adir / "pretrain", devcv, adir / "run", echo))
        model = RunDir(adir / "run").model_dir(cfg.stages[-1])
        steps.run(f"age{label}:eval", {**key, "e": cfg.eval, "set": cfg.eval_set},
                  lambda adir=adir, model=model: eval_step(cfg, model, devcv, adir / "eval"))
        results = read_json(adir / "eval" / "results.json")
        rows.append({"age_months": a, "sessions": n_sessions, "video_hours": round(hours, 4),
                     "tasks": task_values(results)})
    if not rows:
        raise InputError(f"{corpus}: no session is recorded at or before {max(ages):g} months")
    write_json(out / "curve.json", {"ages": [r["age_months"] for r in rows], "rows": rows, "nih_from_months": NIH_FROM_MONTHS})
    write_text(out / "curve.md", curve_table(rows))
    return plot_curve(rows, out / "curve.png")


def task_values(results: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Per task: primary metric, chance and the model's value with its interval (fractions)."""
    model = results["model"]
    out = {}
    for name, t in results["tasks"].items():
        m = ((t["models"].get(model) or {}).get("metrics") or {}).get(t["primary"]) or {}
        out[name] = {"metric": t["primary"], "chance": (t.get("chance") or {}).get(t["primary"]),
                     "leaderboard_id": t.get("leaderboard_id"), "n_items": t["n_items"],
                     "parse_failures": (t["models"].get(model) or {}).get("parse_failures", 0),
                     "value": m.get("value"), "ci_low": m.get("ci_low"), "ci_high": m.get("ci_high")}
    return out


def curve_table(rows: list[dict[str, Any]]) -> str:
    tasks = list(rows[0]["tasks"])
    head = ["task", "chance"] + [f"{r['age_months']:g} mo" for r in rows]
    lines = ["# DevCV accuracy by months of experience", "",
             "Primary metric (percent) with 95% intervals; each column is a model trained on the sessions up to that age.",
             "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines.append("| sessions / hours | | " + " | ".join(f"{r['sessions']} / {r['video_hours']:.2f}" for r in rows) + " |")
    for t in tasks:
        ch = rows[0]["tasks"][t]["chance"]
        cells = [t, "–" if ch is None else f"{100 * ch:.1f}"]
        for r in rows:
            v = r["tasks"].get(t, {})
            if v.get("value") is None:
                cells.append("–")
            else:
                cell = f"{100 * v['value']:.1f} [{100 * v['ci_low']:.1f}, {100 * v['ci_high']:.1f}]"
                if v.get("parse_failures"):
                    cell += f" ({v['parse_failures']} unparsed)"
                cells.append(cell)
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "An answer the parser cannot map to an option (\"unparsed\") counts as wrong: a model trained on "
              "too little data may not yet answer in the task's form at all."]
    return "\n".join(lines) + "\n"


def human_levels() -> dict[str, float]:
    """Published human accuracy per leaderboard id (fractions), where the references give one."""
    from babyvlm.evaluate.references import reference_rows, reference_value

    out = {}
    for row in reference_rows("devcv"):
        if row["name"].lower().startswith("human"):
            for key in row.get("tasks", {}):
                v = reference_value(row, key)
                if v is not None:
                    out[key] = v
    return out


def plot_curve(rows: list[dict[str, Any]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    tasks = list(rows[0]["tasks"])
    humans = human_levels()
    ncol = 4
    nrow = (len(tasks) + ncol - 1) // ncol
    fig, axes = plt.subplots(nrow, ncol, figsize=(3.4 * ncol, 2.7 * nrow), squeeze=False, sharex=True)
    ages = [r["age_months"] for r in rows]
    for k, t in enumerate(tasks):
        ax = axes[k // ncol][k % ncol]
        vals = [r["tasks"].get(t, {}) for r in rows]
        xs = [a for a, v in zip(ages, vals) if v.get("value") is not None]
        ys = [100 * v["value"] for v in vals if v.get("value") is not None]
        lo = [100 * v["ci_low"] for v in vals if v.get("value") is not None]
        hi = [100 * v["ci_high"] for v in vals if v.get("value") is not None]
        ax.fill_between(xs, lo, hi, color="#1f77b4", alpha=0.2, lw=0)
        ax.plot(xs, ys, "o-", color="#1f77b4", ms=4, label="model")
        chance = rows[0]["tasks"][t].get("chance")
        if chance is not None:
            ax.axhline(100 * chance, color="gray", ls="--", lw=1, label="chance")
        lid = rows[0]["tasks"][t].get("leaderboard_id")
        if lid in humans:
            ax.axhline(100 * humans[lid], color="#2ca02c", ls=":", lw=1.5, label="human (published)")
        if t in NIH_FROM_MONTHS:
            ax.axvline(NIH_FROM_MONTHS[t], color="#d62728", ls="-.", lw=1, label="NIH Baby Toolbox from")
        ax.set_title(t.replace("_", " "), fontsize=10)
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
        if k % ncol == 0:
            ax.set_ylabel("accuracy (%)")
        if k // ncol == nrow - 1:
            ax.set_xlabel("months of experience")
    for k in range(len(tasks), nrow * ncol):
        axes[k // ncol][k % ncol].axis("off")
    handles: dict = {}
    for ax in axes.flat:
        for h, lab in zip(*ax.get_legend_handles_labels()):
            handles.setdefault(lab, h)
    fig.legend(list(handles.values()), list(handles), loc="lower center", ncol=len(handles), fontsize=9, frameon=False)
    fig.suptitle("DevCV accuracy against months of experience", fontsize=12)
    fig.tight_layout(rect=(0, 0.05, 1, 0.96))
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
