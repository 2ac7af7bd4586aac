"""`babyvlm curve`: DevCV accuracy against months of experience."""

from __future__ import annotations

from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, OUT_DIR, config_options, echo_written


@click.command("curve")
@click.argument("corpus_dir", type=EXISTING_DIR)
@click.option("--out", "out", type=OUT_DIR, required=True, help="Output folder (rerun to resume).")
@click.option("--ages", default=None, help="Ages in months, comma-separated (default: the preset's, 12,18,24,32).")
@click.option("--devcv", "devcv", type=EXISTING_DIR, default=None,
              help="An existing DevCV Toolbox (DIR/<split>/<task>); built from the corpus when not given.")
@config_options(default_preset="curve/default")
@click.option("--seed", type=int, default=None, help="Seed (default: the preset's, 0).")
def command(corpus_dir: Path, out: Path, ages: str | None, devcv: Path | None, preset: str,
            overrides: tuple[str, ...], seed: int | None) -> None:
    """Train one model per age on the sessions recorded up to that age, evaluate each on the same
    DevCV test split, and plot accuracy per task against months of experience, with chance, the
    published human level and the age from which the NIH Baby Toolbox tests children.

    \b
    Example:
      babyvlm curve runs/world --ages 12,18,24,32 --out runs/curve
      babyvlm curve runs/world --ages 12,32 --devcv runs/demo/devcv --out runs/curve2
    """
    from babyvlm.errors import InputError
    from babyvlm.pipeline.curve import load_curve_config, run_curve

    values = {"seed": seed}
    if ages is not None:
        try:
            values["ages"] = [float(a) for a in ages.split(",") if a.strip()]
        except ValueError:
            raise InputError(f"--ages {ages!r}: expected months such as 12,18,24,32") from None
    cfg = load_curve_config(preset, overrides, **values)
    plot = run_curve(corpus_dir, out, cfg, devcv=devcv, echo=click.echo)
    echo_written("table", out / "curve.md")
    echo_written("plot", plot)
