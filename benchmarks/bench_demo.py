"""The demo against its budget (20 minutes on 2 CPU cores), and which training choices help most.

1. `babyvlm demo` end to end (or resumed, when --out already holds a finished run): wall time and
   CPU time per step, the total against the 20-minute budget, and the DevCV tasks whose 95% interval
   is clear of chance.
2. `--ablations A B ...`: variants of the training recipe, each retrained from the stage it changes
   on the demo's own pretraining set and DevCV Toolbox, evaluated on the same test split (model
   only; the baselines are in the demo's report). One table: seconds of training, tasks clear of
   chance, the overall mean and each task's primary metric. The variants are the rows of
   `ABLATIONS` below; the demo preset itself is `preset`.

    python benchmarks/bench_demo.py [--out DIR] [--ablations preset one_epoch dino_0b ...]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from babyvlm.pipeline.report import above_chance

BUDGET_S = 20 * 60
STAGES = ["0a", "0b", "1", "2", "3"]

# name -> (first stage retrained, overrides on top of the demo's train preset, what it tests)
ABLATIONS: dict[str, tuple[str, list[str], str]] = {
    "preset": ("3", [], "the demo's recipe (configs/demo/small.yaml): stage 3 three epochs, lr 1e-3, vision 5e-4"),
    "tiny_stage3": ("3", ["stage3.epochs=1", "stage3.lr=5e-4", "stage3.lr_vision=1e-4"],
                    "stage 3 as the tiny preset alone sets it (one epoch, lr 5e-4, vision 1e-4)"),
    "paper_lr_3": ("3", ["stage3.lr=5e-5", "stage3.lr_vision=1e-5"],
                   "stage 3 at the paper's learning rates (language 5e-5, vision 1e-5), three epochs"),
    "contrastive_0b": ("0b", ["stage0b.ssl=contrastive", "stage0b.epochs=10", "stage0b.batch_size=64",
                              "stage0b.lr=1e-3", "stage0b.weight_decay=0.01"],
                       "stage 0b image-utterance contrastive (10 epochs) instead of DINO (one epoch)"),
}


def run(cmd: list[str], log: Path) -> float:
    t0 = time.time()
    with log.open("w") as f:
        subprocess.run(cmd, check=True, stdout=f, stderr=subprocess.STDOUT, env=dict(os.environ, BABYVLM_QUIET="1"))
    return time.time() - t0


def cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def primaries(results: dict, model: str) -> dict[str, float]:
    out = {}
    for name, t in results["tasks"].items():
        m = t["models"].get(model)
        if m is not None:
            out[name] = 100 * m["metrics"][t["primary"]]["value"]
    return out


def demo_part(babyvlm: str, out: Path, preset: str) -> None:
    cpu0, t0 = cpu_children(), time.time()
    run([babyvlm, "demo", "--out", str(out), "--config", preset], out.parent / f"{out.name}.log")
    wall, cpu = time.time() - t0, cpu_children() - cpu0
    steps = {p.stem: json.loads(p.read_text()) for p in (out / ".steps").glob("*.json")}
    print(f"\n1. babyvlm demo --out {out} --config {preset}  (this run: {wall:.0f} s wall, {cpu:.0f} CPU-s)")
    print(f"  {'step':<10}{'seconds':>9}{'share':>8}")
    total = sum(s["seconds"] for s in steps.values())
    for name in ("world", "pretrain", "devcv", "train", "eval", "report"):
        if name in steps:
            s = steps[name]["seconds"]
            print(f"  {name:<10}{s:>9.0f}{100 * s / max(total, 1e-9):>7.0f}%")
    print(f"  {'total':<10}{total:>9.0f}   ({total / 60:.1f} min; {total / BUDGET_S:.2f} of the 20-minute budget)")
    results = json.loads((out / "eval" / "results.json").read_text())
    clear = above_chance(results, results["model"])
    print(f"  tasks clear of chance: {len(clear)} ({', '.join(clear) or 'none'})")


def ablation_part(babyvlm: str, demo: Path, names: list[str], work: Path) -> None:
    demo_cfg = json.loads((demo / "run" / "run.json").read_text())
    preset = demo_cfg.get("train_preset", "tiny")
    devcv = demo / "devcv"
    demo_overrides = _demo_train_overrides(demo)
    rows = []
    for name in names:
        first, overrides, _ = ABLATIONS[name]
        rd = work / name
        shutil.rmtree(rd, ignore_errors=True)
        rd.mkdir(parents=True)
        keep = STAGES[: STAGES.index(first)]
        for s in keep:
            shutil.copytree(demo / "run" / f"stage{s}", rd / f"stage{s}")
        shutil.copy(demo / "run" / "run.json", rd / "run.json")
        sets = [a for o in demo_overrides + overrides for a in ("--set", o)]
        todo = STAGES[STAGES.index(first):]
        seconds = 0.0
        pre = [s for s in todo if s != "3"]
        if pre:
            seconds += run([babyvlm, "train", "--stage", ",".join(pre), "--run", str(rd), "--config", preset, *sets],
                           work / f"{name}.train.log")
        seconds += run([babyvlm, "train", "--stage", "3", "--run", str(rd), "--data", str(devcv), "--config", preset,
                        *sets], work / f"{name}.train3.log")
        model = f"hf:{rd / 'stage3' / 'model'}"
        run([babyvlm, "eval", "--model", model, "--data", str(devcv), "--split", "test", "--tasks", "devcv",
             "--set", "baselines=[]", "--out", str(rd / "eval")], work / f"{name}.eval.log")
        results = json.loads((rd / "eval" / "results.json").read_text())
        rows.append((name, seconds, above_chance(results, model), results["overall"].get(model, {}),
                     primaries(results, model)))
    tasks = list(rows[0][4]) if rows else []
    print(f"\n2. Ablations (retrained from the stage each changes; DevCV test split of {devcv})")
    head = f"  {'variant':<13}{'train s':>8}{'clear':>6}{'overall':>8}  " + " ".join(f"{t[:9]:>9}" for t in tasks)
    print(head)
    for name, sec, clear, overall, prim in rows:
        ov = overall.get("value") if isinstance(overall, dict) else overall
        ov_s = f"{100 * ov:.1f}" if isinstance(ov, float) else "-"
        print(f"  {name:<13}{sec:>8.0f}{len(clear):>6}{ov_s:>8}  " + " ".join(f"{prim.get(t, float('nan')):>9.1f}" for t in tasks))
    for name, *_ in rows:
        print(f"  {name}: {ABLATIONS[name][2]}")


def _demo_train_overrides(demo: Path) -> list[str]:
    import yaml

    cfg = yaml.safe_load((demo / "config.yaml").read_text())
    return list(cfg.get("demo", {}).get("train_set") or [])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="demo folder (kept; a finished one is reused). Default: a temporary one")
    ap.add_argument("--config", default="demo/small", help="demo preset")
    ap.add_argument("--ablations", nargs="*", default=[], choices=sorted(ABLATIONS), help="variants to train")
    ap.add_argument("--skip-demo", action="store_true", help="only the ablations, on the finished demo in --out")
    args = ap.parse_args()
    babyvlm = str(Path(sys.executable).with_name("babyvlm"))
    tmp = None
    if args.out is None:
        tmp = Path(tempfile.mkdtemp(prefix="bench_demo_"))
        args.out = tmp / "demo"
    print(f"bench_demo: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    try:
        if not args.skip_demo:
            demo_part(babyvlm, args.out, args.config)
        if args.ablations:
            ablation_part(babyvlm, args.out, args.ablations, args.out.parent / f"{args.out.name}-ablations")
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
