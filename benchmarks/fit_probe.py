"""Fit probe: can the tiny model fit a small set of items whose answer depends only on the image?

Every item asks the same question; only the image (and so the answer) differs. The model is trained
through the real stage-3 code path (`babyvlm.train.stages.run_stage`) from a fresh initialisation,
then scored on those same training items by comparing the log-likelihood of each candidate answer.
A model that cannot reach ~100% here cannot use its images at all, whatever the task.

    python benchmarks/fit_probe.py --out /tmp/probe --task count --set stage3.epochs=20
    python benchmarks/fit_probe.py --out /tmp/probe --task leftright --model-set model.vision.patch_size=8

Prints one row: task, items, steps, seconds, final loss, accuracy on the training items.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--task", default="count", choices=["count", "color", "leftright"])
    ap.add_argument("--items", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--preset", default="tiny", help="train preset")
    ap.add_argument("--set", dest="overrides", action="append", default=[], help="train overrides (stage3.lr=...)")
    ap.add_argument("--init", default="", help="stage-3 init (a VLM folder); default: a fresh model")
    args = ap.parse_args()

    from babyvlm.train.config import load_train_config
    from babyvlm.train.fitcheck import score_items, write_fit_items, write_tokenizer_corpus
    from babyvlm.train.stages import run_stage

    out = Path(args.out)
    data = write_fit_items(out / "items", task=args.task, n=args.items, seed=args.seed)
    # a fresh model gets a tokenizer trained on the items' words; an --init model keeps its own
    pre = None if args.init else str(write_tokenizer_corpus(out / "text_corpus", task=args.task))
    overrides = [f"stage3.init=[{args.init}]" if args.init else "stage3.init=[]", "stage3.tasks=[]",
                 "stage3.val_samples=0", *args.overrides]
    cfg = load_train_config(args.preset, overrides=overrides,
                            values={"devcv": str(data), "pretrain": pre, "seed": args.seed})
    t0 = time.perf_counter()
    rec = run_stage("3", out / "run", cfg, restart=True)
    secs = time.perf_counter() - t0
    acc = score_items(out / "run" / "stage3" / "model", data / "train")
    row = {"task": args.task, "items": args.items, "steps": rec["steps"], "seconds": round(secs, 1),
           "final_loss": round(rec["final"]["loss"], 4), "train_accuracy": round(acc, 4),
           "overrides": args.overrides}
    print(json.dumps(row))


if __name__ == "__main__":
    main()
