"""Fit probe: can the tiny model fit a small set of items whose answer depends only on the image?

Generated items (`--task`): every item asks the same question; only the image (and so the answer)
differs. Real items (`--devcv DIR --tasks T1,T2`): the first `--items` train items of each DevCV
task of a build. The model is trained through the real stage-3 code path
(`babyvlm.train.stages.run_stage`), from a fresh initialisation or `--init`, then scored on those
same training items (generated: argmax of each candidate answer's log-likelihood; real: `babyvlm
eval` on them, the harness's own scoring). A model that cannot reach ~100% here cannot use its
images for that kind of item, whatever its test score.

    python benchmarks/fit_probe.py --out /tmp/probe --task count --set stage3.epochs=20
    python benchmarks/fit_probe.py --out /tmp/probe --task compare --set stage3.epochs=40
    python benchmarks/fit_probe.py --out /tmp/probe --devcv runs/demo/devcv --tasks compare_synthetic \
        --init runs/demo/run/stage2/model --set stage3.epochs=40

Prints one JSON row per run: task(s), items, steps, seconds, final loss, accuracy on the training items
(and, with `--test-items N`, on N fresh generated items it never saw).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def subset_build(devcv: Path, tasks: list[str], n: int, out: Path) -> Path:
    """A DevCV folder whose train/ and test/ splits both hold the first `n` train items of each task."""
    from babyvlm.util.io import read_json, write_json

    for task in tasks:
        src = devcv / "train" / task
        items = read_json(src / "data.json")[:n]
        for split in ("train", "test"):
            dst = out / split / task
            dst.mkdir(parents=True, exist_ok=True)
            write_json(dst / "data.json", items)
            link = dst / "images"
            if not link.exists():
                link.symlink_to((src / "images").resolve())
    return out


def score_real(model_dir: Path, data: Path, out: Path) -> dict[str, float]:
    """Primary metric per task from the evaluation harness on the subset (the harness's own scoring)."""
    from babyvlm.evaluate.config import EvalConfig
    from babyvlm.evaluate.harness import evaluate

    res = evaluate(f"hf:{model_dir}", data, out, EvalConfig(baselines=[], plot=False))
    return {name: round(entry["models"][res["model"]]["metrics"][entry["primary"]]["value"], 4)
            for name, entry in res["tasks"].items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--task", default="count", choices=["count", "color", "leftright", "compare"])
    ap.add_argument("--devcv", default="", help="a DevCV build: probe its real train items instead")
    ap.add_argument("--tasks", default="", help="with --devcv: comma-separated task folders")
    ap.add_argument("--items", type=int, default=64, help="items (per task with --devcv)")
    ap.add_argument("--test-items", type=int, default=0, help="generated mode: also score this many fresh "
                    "items (another seed) the model never saw: generalisation beside the fit")
    ap.add_argument("--radius", type=int, default=5, help="generated mode: ball radius in pixels of 64")
    ap.add_argument("--max-count", type=int, default=4, help="generated compare: 1..N balls per picture")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--preset", default="tiny", help="train preset")
    ap.add_argument("--set", dest="overrides", action="append", default=[], help="train overrides (stage3.lr=...)")
    ap.add_argument("--init", default="", help="stage-3 init (a VLM folder); default: a fresh model")
    ap.add_argument("--pretrain", default="", help="with --devcv and no --init: the pretraining set whose "
                    "text trains the fresh model's tokenizer")
    args = ap.parse_args()

    from babyvlm.train.config import load_train_config
    from babyvlm.train.fitcheck import score_items, write_fit_items, write_tokenizer_corpus
    from babyvlm.train.stages import run_stage

    out = Path(args.out)
    if args.devcv:
        tasks = [t for t in args.tasks.split(",") if t]
        data = subset_build(Path(args.devcv), tasks, args.items, out / "items")
        pre = args.pretrain or None
    else:
        tasks = [args.task]
        ladder = {"radius": args.radius, "max_count": args.max_count}
        data = write_fit_items(out / "items", task=args.task, n=args.items, seed=args.seed, **ladder)
        pre = None if args.init else str(write_tokenizer_corpus(out / "text_corpus", task=args.task))
    # a fresh model gets a tokenizer trained on the items' words; an --init model keeps its own
    overrides = [f"stage3.init=[{args.init}]" if args.init else "stage3.init=[]", "stage3.tasks=[]",
                 "stage3.val_samples=0", *args.overrides]
    cfg = load_train_config(args.preset, overrides=overrides,
                            values={"devcv": str(data), "pretrain": pre, "seed": args.seed})
    t0 = time.perf_counter()
    rec = run_stage("3", out / "run", cfg, restart=True)
    secs = time.perf_counter() - t0
    model_dir = out / "run" / "stage3" / "model"
    if args.devcv:
        acc = score_real(model_dir, data, out / "eval")
    else:
        acc = round(score_items(model_dir, data / "train"), 4)
    held_out = None
    if args.test_items and not args.devcv:
        fresh = write_fit_items(out / "held_out", task=args.task, n=args.test_items, seed=args.seed + 1000,
                                **ladder)
        held_out = round(score_items(model_dir, fresh / "train"), 4)
    row = {"tasks": tasks, "items": args.items, "steps": rec["steps"], "seconds": round(secs, 1),
           "final_loss": round(rec["final"]["loss"], 4), "train_accuracy": acc,
           "held_out_accuracy": held_out,
           "picture": None if args.devcv else ladder, "init": args.init or "fresh", "overrides": args.overrides}
    print(json.dumps(row))


if __name__ == "__main__":
    main()
