"""Pretraining ablations: does infant-experience pretraining matter for DevCV?

Each variant retrains from the demo's own data with one thing removed and is evaluated on the same
DevCV test split, with the same stage-3 budget as the full pipeline:

    stage3_only      stage 3 alone from a freshly initialised model (no stage 0a, 0b, 1 or 2; with
                     the vision warm-up 3v before it when the main recipe has one)
    no_single_image  stages 1-2 without the image-utterance pairs (stages 0a/0b reused)
    no_video         stages 1-2 without the video-utterance pairs
    no_interleaved   stages 1-2 without the interleaved sequences

The run's tokenizer is shared by every variant (it is trained on the transcripts before any stage;
only model weights are ablated). Outputs: `OUT/ablations/<variant>/{run,eval}`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

FORMATS = ("single_image", "video", "interleaved")
ABLATIONS = {
    "stage3_only": "stage 3 alone, from a fresh model (no pretraining stages)",
    **{f"no_{f}": f"stages 1-2 without the {f.replace('_', '-')} samples" for f in FORMATS},
}


def check_ablations(names: list[str]) -> None:
    from babyvlm.errors import ConfigError

    bad = [n for n in names if n not in ABLATIONS]
    if bad:
        raise ConfigError(f"demo.ablations: unknown {', '.join(bad)} (known: {', '.join(ABLATIONS)})")


def ablation_overrides(name: str, main_run: Path, main_stages: list[str] | tuple[str, ...] = ()
                       ) -> tuple[list[str], list[str]]:
    """(train overrides, stages to run) of a variant; stage 0a/0b outputs come from the main run. A main
    recipe with the vision warm-up (3v) keeps it in every variant, so only pretraining differs."""
    warm = "3v" in main_stages
    if name == "stage3_only":
        return (["stage3v.init=[]"], ["3v", "3"]) if warm else (["stage3.init=[]"], ["3"])
    left = [f for f in FORMATS if f != name.removeprefix("no_")]
    fmts = "[" + ",".join(left) + "]"
    init = f"[{main_run / 'stage0a' / 'model'},{main_run / 'stage0b' / 'model'}]"
    return ([f"stage1.init={init}", f"stage1.formats={fmts}", f"stage2.formats={fmts}"],
            ["1", "2", *(["3v"] if warm else []), "3"])


def run_ablation(name: str, cfg, pretrain: Path, devcv: Path, main_run: Path, out: Path, echo) -> dict[str, Any]:
    """Train and evaluate one variant under `out`; returns its overall and per-task primary metrics."""
    import dataclasses

    from babyvlm.pipeline.demo import eval_step, train_step
    from babyvlm.train.rundir import RunDir

    overrides, stages = ablation_overrides(name, main_run, cfg.stages)
    run = out / "run"
    if not (run / "processor").exists():
        run.mkdir(parents=True, exist_ok=True)
        shutil.copytree(main_run / "processor", run / "processor")
    vcfg = dataclasses.replace(cfg, train_set=[*cfg.train_set, *overrides], stages=stages)
    train_step(vcfg, pretrain, devcv, run, echo)
    eval_step(vcfg, RunDir(run).model_dir("3"), devcv, out / "eval", baselines=[], image_ablation=False, fit_split="")
    return {"variant": name, "what": ABLATIONS[name]}
