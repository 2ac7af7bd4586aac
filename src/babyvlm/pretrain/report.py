"""report.md and report.png: what the pretraining set holds, at a glance."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from babyvlm.util.io import write_bytes, write_text


def _fmt(x: Any, nd: int = 3) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.{nd}f}"
    return str(x)


def report_markdown(stats: dict[str, Any]) -> str:
    c, h, f = stats["counts"], stats["hours"], stats["filters"]
    lines = [
        "# Pretraining set",
        "",
        f"Scorer `{stats['scorer']['name']}` (clip score = {stats['scorer']['aggregate']} of frame scores). "
        f"Sessions: {stats['sessions']['train']} train, {stats['sessions']['val']} val{_held_out(stats['sessions'])}.",
        "",
        "| format | train | val |",
        "| --- | ---: | ---: |",
    ]
    for k in ("single_image", "video", "interleaved", "mix_format", "text_lines"):
        lines.append(f"| {k} | {c['train'][k]} | {c['val'][k]} |")
    lines += [
        "",
        f"Video {h['video']:.2f} h; speech {h['speech']:.2f} h; candidate clips {h['candidate_clips']:.2f} h; "
        f"kept clips {h['kept_clips']:.2f} h.",
        "",
        "| filter | mode | threshold | candidates | kept | keep rate |",
        "| --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for step in ("video", "image"):
        s = f[step]
        lines.append(f"| {step} | {s['mode']} | {_fmt(s['threshold'], 4)} | {s['candidates']} | {s['kept']} | {_fmt(s['keep_rate'])} |")
    q = stats.get("filter_quality")
    if q:
        best = q.get("best_precision_at_recall_0.5") or {}
        lines += [
            "",
            "## Filter quality against ground truth",
            "",
            f"Positive pair: a referent of the utterance visible in the frame (visible fraction >= {q['min_visible']}).",
            "",
            "| pairs | base rate | kept | precision | recall | precision - base | frame-score AUC | best precision at recall >= 0.5 |",
            "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            f"| {q['pairs']} | {_fmt(q['base_rate'])} | {q['kept']} | {_fmt(q['precision'])} | {_fmt(q['recall'])} | "
            f"{_fmt(q.get('precision_gain'))} | {_fmt(q['frame_score_auc'])} | {_fmt(best.get('precision'))} |",
        ]
    lines += ["", "## Per child", "", "| child | sessions | hours | clips kept | images kept |", "| --- | ---: | ---: | ---: | ---: |"]
    for k, v in stats["per_child"].items():
        lines.append(f"| {k} | {v['sessions']} | {v['hours']:.2f} | {v['clips_kept']} | {v['images_kept']} |")
    if stats["per_age_month"]:
        lines += ["", "## Per age month", "", "| month | sessions | hours | clips kept | images kept |",
                  "| ---: | ---: | ---: | ---: | ---: |"]
        for k, v in stats["per_age_month"].items():
            lines.append(f"| {k} | {v['sessions']} | {v['hours']:.2f} | {v['clips_kept']} | {v['images_kept']} |")
    if stats["segments"]["dropped"]:
        lines += ["", "Clips not made: " + ", ".join(f"{k} {v}" for k, v in stats["segments"]["dropped"].items()) + "."]
    lines += ["", f"Rejects: {stats['rejects']} (rejects.jsonl).", "", "![report](report.png)", ""]
    return "\n".join(lines)


def report_plot(stats: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    c = stats["counts"]
    ax = axes[0, 0]
    names = ["single_image", "video", "interleaved"]
    x = np.arange(len(names))
    ax.bar(x - 0.2, [c["train"][n] for n in names], 0.4, label="train")
    ax.bar(x + 0.2, [c["val"][n] for n in names], 0.4, label="val")
    ax.set_xticks(x, names)
    ax.set_title("samples per format")
    ax.legend()
    ax = axes[0, 1]
    h = stats["hours"]
    keys = ["video", "speech", "candidate_clips", "kept_clips"]
    ax.bar(keys, [h[k] for k in keys], color=["#888", "#6a9", "#69c", "#36c"])
    ax.set_title("hours")
    ax.tick_params(axis="x", labelrotation=15)
    ax = axes[0, 2]
    pc = stats["per_child"]
    kids = list(pc)
    x = np.arange(len(kids))
    ax.bar(x - 0.2, [pc[k]["clips_kept"] for k in kids], 0.4, label="clips kept")
    ax.bar(x + 0.2, [pc[k]["images_kept"] for k in kids], 0.4, label="images kept")
    ax.set_xticks(x, kids)
    ax.set_title("per child")
    ax.legend()
    ax = axes[1, 0]
    pm = stats["per_age_month"]
    months = [int(m) for m in pm]
    ax.bar(months, [pm[str(m)]["images_kept"] for m in months], label="images kept")
    ax.plot(months, [pm[str(m)]["clips_kept"] for m in months], "o-", color="C1", label="clips kept")
    ax.set_xlabel("age (months)")
    ax.set_title("per age month")
    ax.legend()
    for ax, step in ((axes[1, 1], "video"), (axes[1, 2], "image")):
        hist = stats["histograms"][step]
        edges = np.asarray(hist["edges"])
        centers, width = (edges[:-1] + edges[1:]) / 2, np.diff(edges)
        if "positive" in hist:
            ax.bar(centers, hist["negative"], width, color="#c66", alpha=0.6, label="referent not visible")
            ax.bar(centers, hist["positive"], width, bottom=hist["negative"], color="#6a6", alpha=0.6, label="referent visible")
        else:
            ax.bar(centers, hist["all"], width, color="#999", label="all")
            ax.bar(centers, hist["kept"], width, color="#36c", alpha=0.7, label="kept")
        thr = stats["filters"][step]["threshold"]
        if thr is not None:
            ax.axvline(thr, color="k", ls="--", label=f"threshold {thr:.3g}")
        ax.set_title(f"{step}-utterance scores ({stats['filters'][step]['mode']})")
        ax.legend(fontsize=8)
    fig.suptitle(f"pretraining set: scorer {stats['scorer']['name']}")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80, metadata={"Software": None})
    plt.close(fig)
    write_bytes(path, buf.getvalue())


def write_report(out: Path, stats: dict[str, Any]) -> None:
    report_plot(stats, Path(out) / "report.png")
    write_text(Path(out) / "report.md", report_markdown(stats))


def _held_out(sessions: dict) -> str:
    """The split's provenance: the corpus's test sessions left out, or the paper's shared use."""
    if sessions.get("split") == "shared":
        return " (split.shared: every session of the corpus, the paper's shared use)"
    n = sessions.get("held_out_test", 0)
    return f", {n} held out (the corpus's test sessions, splits.json)" if "held_out_test" in sessions else ""
