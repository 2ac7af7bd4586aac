"""`babyvlm pretrain`: build, check and merge pretraining sets."""

from __future__ import annotations

import os
from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, config_options, echo_written, out_option, seed_option


@click.group("pretrain")
def command() -> None:
    """Build the pretraining set: video-utterance, image-utterance and interleaved samples.

    \b
    Example:
      babyvlm pretrain build runs/world --out runs/pretrain
      babyvlm pretrain check runs/pretrain
    """


@command.command("build")
@click.argument("corpus_dir", type=EXISTING_DIR)
@out_option()
@click.option("--scorer", default=None, help="baby (default), oracle (world only), clip:PATH, or none (no filtering).")
@click.option("--scorer-model", default=None, type=click.Path(path_type=Path),
              help="Baby scorer folder (`babyvlm scorer train`); default: train one into OUT/scorer.")
@click.option("--workers", type=int, default=None, help="Processes over sessions (default 1).")
@click.option("--shard", default=None, metavar="I/N", help="Process only shard I of N (join with `pretrain merge`).")
@click.option("--splits", "splits_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The corpus's splits.json, where not CORPUS_DIR/splits.json (written there if absent).")
@config_options("pretrain/default")
@seed_option()
def build_cmd(corpus_dir: Path, out: Path, scorer: str | None, scorer_model: Path | None, workers: int | None,
              shard: str | None, splits_file: Path | None, preset: str, overrides: tuple[str, ...], seed: int | None) -> None:
    """Segment, score, sample frames, filter, interleave and write a pretraining set.

    Rerunning the same command after an interruption continues: finished sessions are not redone.
    Sessions follow the corpus's splits.json (written on first use, shared with `devcv build` and
    `v1 build`): its test sessions are held out; `--set split.shared=true` uses every session, as the paper.

    \b
    Example:
      babyvlm pretrain build runs/world --out runs/pretrain --workers 2
      babyvlm pretrain build runs/world --out runs/pretrain-oracle --scorer oracle
      babyvlm pretrain build corpus/ --out runs/p0 --shard 0/2 --scorer-model runs/scorer
      babyvlm pretrain build runs/world --out runs/p --set image_filter.mode=keep_fraction --set image_filter.keep_fraction=0.4
    """
    from babyvlm.config import build_config
    from babyvlm.pretrain.build import build
    from babyvlm.pretrain.config import PretrainConfig
    from babyvlm.pretrain.split import parse_shard

    values: dict = {"seed": seed, "workers": workers}
    if scorer is not None or scorer_model is not None:
        values["scorer"] = {k: v for k, v in (("name", scorer), ("model", str(scorer_model) if scorer_model else None))
                            if v is not None}
    if splits_file is not None:
        values["split"] = {"file": str(splits_file)}
    cfg = build_config(PretrainConfig, section="pretrain", preset=preset, overrides=overrides, values=values)
    res = build(corpus_dir, out, cfg, shard=parse_shard(shard))
    s = res.stats
    c = s["counts"]
    held = s["sessions"].get("held_out_test", 0)
    click.echo(f"sessions {res.sessions} ({res.processed} processed now), {res.video_hours:.2f} h of video"
               + (f"; {held} test sessions of the corpus held out (splits.json)" if held else ""))
    for split in ("train", "val"):
        click.echo(f"  {split:5s} single_image {c[split]['single_image']}, video {c[split]['video']}, "
                   f"interleaved {c[split]['interleaved']}, text lines {c[split]['text_lines']}")
    f = s["filters"]
    click.echo(f"filters: video {f['video']['kept']}/{f['video']['candidates']} clips kept, "
               f"image {f['image']['kept']}/{f['image']['candidates']} frames kept ({s['scorer']['name']})")
    q = s.get("filter_quality")
    if q:
        click.echo(f"ground truth: precision {q['precision']} (base rate {q['base_rate']}), recall {q['recall']}")
    if res.processed:
        cores = max(1, min(cfg.workers, os.cpu_count() or 1))
        core_hours = res.seconds * cores / 3600
        click.echo(f"time {res.seconds:.1f} s (scorer training {res.scorer_seconds:.1f} s, sessions {res.session_seconds:.1f} s); "
                   f"{res.video_hours / core_hours:.1f} h of video per CPU-core-hour" if core_hours > 0 else "")
    if s["rejects"]:
        click.echo(f"rejects: {s['rejects']} (see rejects.jsonl)")
    echo_written("pretraining set", out)
    echo_written("report", out / "report.md")


@command.command("check")
@click.argument("set_dir", type=EXISTING_DIR)
@click.option("--max-problems", type=int, default=1000, show_default=True)
def check_cmd(set_dir: Path, max_problems: int) -> None:
    """Validate a pretraining set: images exist, one <image> per image, unique ids, disjoint splits.

    \b
    Example:
      babyvlm pretrain check runs/pretrain
    """
    from babyvlm.errors import InputError
    from babyvlm.pretrain.check import check_set

    problems, summary = check_set(set_dir, max_problems=max_problems)
    for k, v in summary.get("samples", {}).items():
        click.echo(f"  {k}: {v} samples")
    click.echo(f"  images referenced and present: {summary.get('images', 0)}")
    if problems:
        for p in problems[:20]:
            click.echo(f"  problem: {p}", err=True)
        if len(problems) > 20:
            click.echo(f"  ... and {len(problems) - 20} more", err=True)
        raise InputError(f"{set_dir}: {len(problems)} problems (first: {problems[0]})")
    click.echo(f"{set_dir}: valid")


@command.command("merge")
@click.argument("parts", nargs=-1, required=True, type=EXISTING_DIR)
@out_option()
@click.option("--allow-missing", is_flag=True, help="Merge even when some sessions of the corpus are in no input.")
def merge_cmd(parts: tuple[Path, ...], out: Path, allow_missing: bool) -> None:
    """Join shard builds (`build --shard i/N`) into one set.

    \b
    Example:
      babyvlm pretrain merge runs/p0 runs/p1 --out runs/pretrain
    """
    from babyvlm.pretrain.merge import merge

    stats = merge(list(parts), out, allow_missing=allow_missing)
    c = stats["counts"]
    click.echo(f"merged {stats['sessions']['total']} sessions: train {c['train']['mix_format']} samples, "
               f"val {c['val']['mix_format']} samples")
    echo_written("pretraining set", out)


@command.command("export")
@click.argument("set_dir", type=EXISTING_DIR)
@out_option()
@click.option("--formats", default="single_image,video,interleaved,mix_format", show_default=True,
              help="Comma-separated formats to export.")
def export_cmd(set_dir: Path, out: Path, formats: str) -> None:
    """Export a pretraining set as Parquet for Hugging Face datasets (a list of images per sample).

    \b
    Example:
      babyvlm pretrain export runs/pretrain --out runs/pretrain-hf
      python -c "import datasets; print(datasets.load_dataset('runs/pretrain-hf', 'video'))"
    """
    from babyvlm.pretrain.export import export_parquet

    counts = export_parquet(set_dir, out, formats=tuple(f.strip() for f in formats.split(",") if f.strip()))
    for fmt, splits in counts.items():
        click.echo(f"  {fmt}: " + ", ".join(f"{s} {n}" for s, n in splits.items()))
    echo_written("parquet export", out)
