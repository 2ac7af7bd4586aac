"""`babyvlm demo`: the whole framework end to end on the generated world."""

from __future__ import annotations

from pathlib import Path

import click

from babyvlm.cli.common import OUT_DIR, config_options, echo_written


@click.command("demo")
@click.option("--out", "out", type=OUT_DIR, default=Path("runs/demo"), show_default=True,
              help="Output folder (rerun the same command to resume).")
@config_options(default_preset="demo/small")
@click.option("--seed", type=int, default=None, help="Seed for every step (default: the preset's, 0).")
@click.option("--workers", type=int, default=None, help="Worker processes for data steps (default: the preset's, 2).")
def command(out: Path, preset: str, overrides: tuple[str, ...], seed: int | None, workers: int | None) -> None:
    """Run everything on the small world: generate it, build the pretraining set, train the tiny
    model through stages 0a-3, build the DevCV Toolbox, evaluate the model beside the random, blind
    and pixel baselines, and write OUT/report.md with plots. About 20 minutes on 2 CPU cores; a
    killed run resumes where it stopped.

    \b
    Example:
      babyvlm demo --out runs/demo
      babyvlm demo --out runs/demo-tiny --config demo/tiny
      babyvlm demo --out runs/demo --set train_set=[stage3.epochs=2]
    """
    from babyvlm.pipeline.demo import load_demo_config, run_demo

    cfg = load_demo_config(preset, overrides, seed=seed, workers=workers)
    report = run_demo(out, cfg, echo=click.echo)
    echo_written("report", report)
    echo_written("outputs", out)
