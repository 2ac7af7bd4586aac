"""`babyvlm world`: generate the embedded synthetic egocentric corpus; `babyvlm world preview`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, OUT_DIR, echo_written

PRESETS = ("tiny", "small", "full")


@click.group("world", invoke_without_command=True)
@click.option("--out", "out", type=OUT_DIR, default=None, help="Output folder for the corpus.")
@click.option("--preset", default="small", show_default=True,
              help="Size preset: tiny (minutes, for tests), small (about an hour), full (tens of hours), or a YAML file.")
@click.option("--seed", type=int, default=None, help="Seed for every random choice (default: the preset's, 0).")
@click.option("--workers", type=int, default=None,
              help="Worker processes rendering sessions in parallel [default: the CPU count, at most 4]. "
                   "The output does not depend on it.")
@click.option("--set", "overrides", multiple=True, metavar="KEY=VALUE",
              help="Override one config value, e.g. --set fps=15 --set width=640 --set height=480. Repeatable.")
@click.option("--preview", "preview", is_flag=True, help="Also write a contact sheet to OUT/preview.png.")
@click.pass_context
def command(ctx: click.Context, out: Path | None, preset: str, seed: int | None, workers: int | None,
            overrides: tuple[str, ...], preview: bool) -> None:
    """Generate the world: a longitudinal, egocentric home corpus in the SAYCam layout.

    Three children filmed by a head camera at home from 6 to 32 months: videos, child-directed
    speech transcripts (CSV and SRT), ground-truth object annotations and corpus.json. Rerunning
    the same command resumes: finished sessions are kept.

    \b
    Example:
      babyvlm world --out runs/world --preset small --workers 2
      babyvlm world --out runs/tiny --preset tiny --set fps=15
      babyvlm world preview runs/world --out runs/world-sheet.png
    """
    if ctx.invoked_subcommand is not None:
        return
    if out is None:
        raise click.UsageError("--out is required (or use a sub-command: preview)")
    from babyvlm.config import build_config
    from babyvlm.errors import InputError
    from babyvlm.world import WorldConfig, contact_sheet, generate_world

    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    if workers < 1:
        raise InputError("--workers must be at least 1")
    name = preset if preset.endswith((".yaml", ".yml")) else f"world/{preset}"
    cfg = build_config(WorldConfig, section="world", preset=name, overrides=overrides,
                       values={"seed": seed} if seed is not None else None).check()
    meta = generate_world(cfg, out, workers=workers)
    s = meta["stats"]
    click.echo(f"world: {s['sessions']} sessions, {s['hours']:.2f} h of video, {s['utterances']} utterances "
               f"({s['words']} words), children {', '.join(meta['children'])}, ages {s['age_months_min']}-{s['age_months_max']} months")
    click.echo(f"  {s['categories']} CDI categories in view, {s['instances_per_frame']:.1f} instances per frame, "
               f"{100 * s['visible_referent_share']:.0f}% of utterances name something in view, "
               f"up to {s['max_same_category_in_view']} of one category in view, {s['leaves_frame_events']} objects leaving the frame, "
               f"audio in {s['sessions_with_audio']}/{s['sessions']} sessions")
    echo_written("corpus", out)
    echo_written("config", out / "config.yaml")
    if preview:
        echo_written("preview", contact_sheet(out, out / "preview.png"))


@command.command("preview")
@click.argument("corpus_dir", type=EXISTING_DIR)
@click.option("--out", "out", type=click.Path(path_type=Path), required=True, help="PNG file to write.")
@click.option("-n", "n", type=int, default=24, show_default=True, help="Number of frames.")
@click.option("--cols", type=int, default=4, show_default=True, help="Frames per row.")
@click.option("--seed", type=int, default=0, show_default=True, help="Which frames are picked.")
def preview_cmd(corpus_dir: Path, out: Path, n: int, cols: int, seed: int) -> None:
    """A contact sheet of sampled frames with boxes, labels and the utterance being spoken.

    \b
    Example:
      babyvlm world preview runs/world --out runs/world-sheet.png -n 32
    """
    from babyvlm.errors import InputError
    from babyvlm.world import contact_sheet

    if n < 1 or cols < 1:
        raise InputError("-n and --cols must be at least 1")
    echo_written("preview", contact_sheet(corpus_dir, out, n=n, cols=cols, seed=seed))
