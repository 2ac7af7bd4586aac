"""`babyvlm demo`: the whole framework on the generated world, end to end, resumable.

world -> pretraining set (with the baby scorer trained on the corpus) -> DevCV Toolbox -> the tiny
model trained through stages 0a, 0b, 1, 2, 3 -> evaluation on the DevCV test split beside the
random, blind and pixel baselines -> report.md with plots. Outputs, under OUT:

    world/  pretrain/  devcv/  run/ (training stages)  eval/  report.md  report_*.png  config.yaml
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.config import build_config, to_dict, write_config
from babyvlm.pipeline.steps import Steps
from babyvlm.util.cpu import passive_openmp

log = logging.getLogger("babyvlm")

STEP_NAMES = ["world", "pretrain", "devcv", "train", "eval", "ablations", "report"]


@dataclass
class StepPresets:
    """Which preset each pipeline step uses, and `--set`-style overrides per step (demo and curve)."""

    seed: int = 0
    workers: int = 2  # processes for the world, the pretraining build and the DevCV build
    pretrain: str = "pretrain/default"
    pretrain_set: list[str] = field(default_factory=list)
    devcv: str = "devcv/default"
    devcv_set: list[str] = field(default_factory=list)
    train: str = "tiny"
    train_set: list[str] = field(default_factory=list)
    stages: list[str] = field(default_factory=lambda: ["0a", "0b", "1", "2", "3"])
    eval: str = "eval/default"
    eval_set: list[str] = field(default_factory=list)


@dataclass
class DemoConfig(StepPresets):
    world: str = "world/small"
    world_set: list[str] = field(default_factory=lambda: ["audio=off"])  # speech audio is not used downstream
    min_tasks_above_chance: int = 8  # the demo's bar: tasks whose 95% interval is clear of chance
    # what the report shows beside the test split: the model on its own training items (fit), the model
    # with every image blanked (does it look?), and pretraining ablations (pipeline/ablations.py)
    fit_split: str = "train"
    fit_limit: int = 50
    image_ablation: bool = True
    ablations: list[str] = field(default_factory=lambda: ["stage3_only"])


def load_demo_config(preset: str | None, overrides: tuple[str, ...] = (), seed: int | None = None,
                     workers: int | None = None) -> DemoConfig:
    from babyvlm.pipeline.ablations import check_ablations

    values = {"seed": seed, "workers": workers}
    cfg = build_config(DemoConfig, section="demo", preset=preset, overrides=overrides, values=values)
    check_ablations(cfg.ablations)  # before any step runs, not minutes into the demo
    check_step_configs(cfg)
    return cfg


def check_step_configs(cfg: StepPresets) -> None:
    """Build every step's config from its preset and `*_set` overrides now, so that a misspelt key or
    a bad value stops the run at once with its one-line reason, not when that step starts."""
    from babyvlm.devcv.builder import DevCVBuildConfig
    from babyvlm.evaluate.config import EvalConfig, check_config
    from babyvlm.pretrain.config import PretrainConfig
    from babyvlm.train.config import load_train_config

    build_config(PretrainConfig, section="pretrain", preset=cfg.pretrain, overrides=cfg.pretrain_set,
                 values={"seed": cfg.seed})
    build_config(DevCVBuildConfig, section="devcv", preset=cfg.devcv, overrides=cfg.devcv_set, values={"seed": cfg.seed})
    load_train_config(cfg.train, overrides=cfg.train_set, values={"seed": cfg.seed})
    check_config(build_config(EvalConfig, section="eval", preset=cfg.eval, overrides=cfg.eval_set,
                              values={"seed": cfg.seed}))
    if isinstance(cfg, DemoConfig):
        from babyvlm.world import WorldConfig

        build_config(WorldConfig, section="world", preset=cfg.world, overrides=cfg.world_set,
                     values={"seed": cfg.seed}).check()


def _world(cfg: DemoConfig, out: Path) -> dict[str, Any]:
    from babyvlm.world import WorldConfig, generate_world

    wcfg = build_config(WorldConfig, section="world", preset=cfg.world, overrides=cfg.world_set,
                        values={"seed": cfg.seed}).check()
    meta = generate_world(wcfg, out, workers=cfg.workers)
    return meta["stats"]


def pretrain_step(cfg: StepPresets, corpus: Path, out: Path) -> dict[str, Any]:
    from babyvlm.pretrain.build import build
    from babyvlm.pretrain.config import PretrainConfig

    pcfg = build_config(PretrainConfig, section="pretrain", preset=cfg.pretrain, overrides=cfg.pretrain_set,
                        values={"seed": cfg.seed, "workers": cfg.workers})
    res = build(corpus, out, pcfg)
    return {"video_hours": res.video_hours, "counts": res.stats.get("counts"),
            "filter_quality": res.stats.get("filter_quality"), "scorer_seconds": round(res.scorer_seconds, 1)}


def devcv_step(cfg: StepPresets, corpus: Path, out: Path) -> dict[str, Any]:
    from babyvlm.devcv.builder import DevCVBuildConfig, build_toolbox

    dcfg = build_config(DevCVBuildConfig, section="devcv", preset=cfg.devcv, overrides=cfg.devcv_set,
                        values={"seed": cfg.seed, "workers": cfg.workers})
    res = build_toolbox(corpus, out, dcfg)
    return {"counts": res.counts, "shortfalls": res.shortfalls}


def train_step(cfg: StepPresets, pretrain: Path, devcv: Path, run: Path, echo: Callable[[str], None]) -> dict[str, Any]:
    from babyvlm.train.config import load_train_config
    from babyvlm.train.stages import run_stage

    tcfg = load_train_config(cfg.train, overrides=cfg.train_set,
                             values={"seed": cfg.seed, "pretrain": pretrain, "devcv": devcv})
    summary = {}
    for s in cfg.stages:
        rec = run_stage(s, run, tcfg, preset=cfg.train)
        summary[s] = {"steps": rec["steps"], "seconds": rec["seconds"], "final": rec.get("final", {}),
                      "eval": rec.get("eval", {})}
        loss = rec.get("final", {}).get("loss")
        echo(f"      stage {s}: {rec['steps']} steps in {rec['seconds']:.0f} s" +
             (f", final loss {loss:.3f}" if loss is not None else ""))
    return summary


def eval_step(cfg: StepPresets, model_dir: Path, devcv: Path, out: Path, **values: Any) -> dict[str, Any]:
    from babyvlm.evaluate.config import EvalConfig
    from babyvlm.evaluate.harness import evaluate

    ecfg = build_config(EvalConfig, section="eval", preset=cfg.eval, overrides=cfg.eval_set,
                        values={"seed": cfg.seed, **values})
    results = evaluate(f"hf:{model_dir}", devcv, out, ecfg)
    return {"overall": results.get("overall", {})}


def ablations_step(cfg: DemoConfig, pretrain: Path, devcv: Path, run: Path, out: Path,
                   echo: Callable[[str], None]) -> dict[str, Any]:
    from babyvlm.pipeline.ablations import check_ablations, run_ablation

    check_ablations(cfg.ablations)
    done = {}
    for name in cfg.ablations:
        echo(f"      ablation {name} ...")
        done[name] = run_ablation(name, cfg, pretrain, devcv, run, out / name, echo)
    return done


def run_demo(out: str | Path, cfg: DemoConfig, *, echo: Callable[[str], None] = print) -> Path:
    """Run (or resume) the demo into OUT; returns the report's path."""
    from babyvlm.pipeline.report import write_demo_report
    from babyvlm.train.rundir import RunDir

    passive_openmp()  # before the step workers start
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_config(cfg, out, section="demo")
    steps = Steps(out, STEP_NAMES, echo=echo)
    world, pretrain, devcv, run, evald = (out / n for n in ("world", "pretrain", "devcv", "run", "eval"))
    settings = to_dict(cfg)

    steps.run("world", {"world": cfg.world, "set": cfg.world_set, "seed": cfg.seed}, lambda: _world(cfg, world))
    steps.run("pretrain", {"p": cfg.pretrain, "set": cfg.pretrain_set, "seed": cfg.seed, "up": steps.record("world")["fingerprint"]},
              lambda: pretrain_step(cfg, world, pretrain))
    steps.run("devcv", {"d": cfg.devcv, "set": cfg.devcv_set, "seed": cfg.seed, "up": steps.record("world")["fingerprint"]},
              lambda: devcv_step(cfg, world, devcv))
    steps.run("train", {"t": cfg.train, "set": cfg.train_set, "stages": cfg.stages, "seed": cfg.seed,
                        "up": [steps.record(n)["fingerprint"] for n in ("pretrain", "devcv")]},
              lambda: train_step(cfg, pretrain, devcv, run, echo))
    model_dir = RunDir(run).model_dir(cfg.stages[-1])
    looks = {"fit_split": cfg.fit_split, "fit_limit": cfg.fit_limit, "image_ablation": cfg.image_ablation}
    steps.run("eval", {"e": cfg.eval, "set": cfg.eval_set, "seed": cfg.seed, "up": steps.record("train")["fingerprint"],
                       **looks},
              lambda: eval_step(cfg, model_dir, devcv, evald, **looks))
    steps.run("ablations", {"a": cfg.ablations, "set": cfg.eval_set, "up": steps.record("train")["fingerprint"]},
              lambda: ablations_step(cfg, pretrain, devcv, run, out / "ablations", echo))
    report = steps.run("report", {"all": settings, "up": [steps.record(n)["fingerprint"] for n in ("eval", "ablations")],
                                  "v": 2},
                       lambda: str(write_demo_report(out, cfg, steps.timings())))
    return Path(report)
