"""`babyvlm train`: train the BabyVLM model stage by stage inside one run directory."""

from __future__ import annotations

import os
from pathlib import Path

import click

from babyvlm.cli.common import OUT_DIR, config_options, echo_written


def _stages(text: str) -> list[str]:
    from babyvlm.train.config import PAPER_STAGES, STAGES

    if text == "all":
        return list(PAPER_STAGES)
    out = [s.strip() for s in text.split(",") if s.strip()]
    bad = [s for s in out if s not in STAGES]
    if bad:
        raise click.BadParameter(f"unknown stage {bad[0]!r} (stages: {', '.join(STAGES)}, or all)")
    return out


@click.command("train")
@click.option("--stage", "stage_text", required=True, metavar="S",
              help="Stage to train: 0a, 0b, 1, 2, 3, a comma list (0a,0b,1) or all.")
@click.option("--run", "--run-dir", "run_dir", type=OUT_DIR, required=True,
              help="Run directory: every stage writes RUN/stage<S>/ and finds earlier stages there "
                   "(spell it --run-dir under torchrun, whose own parser mistakes --run for --run-path).")
@click.option("--data", "data", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The pretraining set (stages 0a-2) or DevCV folder (stage 3); remembered in RUN/run.json.")
@click.option("--devcv", "devcv", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="The DevCV folder for stage 3 when several stages run in one command.")
@config_options(default_preset=None)
@click.option("--seed", type=int, default=None, help="Seed (default: the preset's, 0).")
@click.option("--restart", is_flag=True, help="Train a finished stage again from its start (drops its outputs).")
@click.option("--out", "out", type=OUT_DIR, default=None,
              help="Also copy the last stage's model folder here.")
def command(stage_text: str, run_dir: Path, data: Path | None, devcv: Path | None, preset: str | None,
            overrides: tuple[str, ...], seed: int | None, restart: bool, out: Path | None) -> None:
    """Train stages of the BabyVLM model (0a LM, 0b vision, 1 connector, 2 joint, 3 instruction tuning).

    Each stage writes RUN/stage<S>/: config.yaml (resolved), trainable.txt (every parameter that
    trains), metrics.jsonl and tb/ (TensorBoard), model/ (its output) and done.json. A stage finds
    the earlier stages it starts from in RUN by name (stage 1: 0a and 0b; 2: 1; 3: 2). A killed
    stage resumes from its last checkpoint when rerun. Under `torchrun --nproc_per_node N` the same
    command trains data-parallel (DDP; `--set strategy=fsdp` for FSDP2). --config defaults to the
    run's preset (tiny for a new run).

    \b
    Example:
      babyvlm train --stage 0a --run runs/tiny --data runs/pretrain
      babyvlm train --stage 0b,1,2 --run runs/tiny
      babyvlm train --stage 3 --run runs/tiny --data runs/devcv --out runs/tiny-model
      torchrun --nproc_per_node 8 --no-python babyvlm train --stage 2 --run-dir runs/paper --config paper
    """
    from babyvlm.train.config import load_train_config
    from babyvlm.train.rundir import RunDir
    from babyvlm.train.stages import run_stage

    stages = _stages(stage_text)
    info = RunDir(run_dir).info()
    if preset is None:
        preset = (info or {}).get("train_preset") or "tiny"
    values: dict = {}
    if seed is not None:
        values["seed"] = seed
    if data is not None:
        if stages == ["3"]:
            values["devcv"] = data
        else:
            values["pretrain"] = data
    if devcv is not None:
        values["devcv"] = devcv
    cfg = load_train_config(preset, overrides=overrides, values=values)
    model_overridden = any(o.split("=", 1)[0].removeprefix("train.").startswith(("model.", "model_preset"))
                           for o in overrides) or (info is not None and preset != info.get("train_preset"))
    main_process = os.environ.get("RANK", "0") == "0"  # under torchrun only rank 0 reports
    for i, s in enumerate(stages):
        rec = run_stage(s, run_dir, cfg, preset=preset, restart=restart, model_overridden=model_overridden,
                        out=out if i == len(stages) - 1 else None)
        if not main_process:
            continue
        sdir = RunDir(run_dir).stage_dir(s)
        loss = rec.get("final", {}).get("loss")
        val = rec.get("eval", {}).get("val_loss")
        msg = f"stage {s}: {rec['steps']} steps"
        if loss is not None:
            msg += f", final loss {loss:.4f}"
        if val is not None:
            msg += f", validation loss {val:.4f}"
        click.echo(msg)
        echo_written(f"stage {s} model", sdir / rec["output"])
    if out is not None and main_process:
        echo_written("model", out)
