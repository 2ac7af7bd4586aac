"""`babyvlm devcv`: build the DevCV Toolbox from annotated frames, review it, export verified items."""

from __future__ import annotations

from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, OUT_DIR, config_options, echo_written, out_option, seed_option


@click.group("devcv")
def command() -> None:
    """Build, review and export the DevCV Toolbox (the ten official tasks plus subitizing and
    looking while listening) in the official item format.

    \b
    Example:
      babyvlm devcv build runs/world --out runs/devcv
      babyvlm devcv review runs/devcv
      babyvlm devcv export runs/devcv --verified --out runs/devcv-verified
      babyvlm devcv lmms-tasks --data runs/devcv --out runs/lmms_tasks
    """


@command.command("build")
@click.argument("corpus_dir", type=EXISTING_DIR)
@out_option()
@seed_option()
@click.option("--tasks", default=None,
              help="Comma-separated task names or official folder names (default: all twelve).")
@click.option("--detections", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="COCO-style detections file (boxes and labels per frame image) instead of the world's ground truth.")
@click.option("--frames", type=EXISTING_DIR, default=None,
              help="Folder the detections' image file names are relative to (default: CORPUS_DIR).")
@click.option("--workers", type=int, default=None, help="Processes decoding sessions (default 1).")
@click.option("--splits", "splits_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The corpus's splits.json, where not CORPUS_DIR/splits.json (written there if absent).")
@config_options("devcv/default")
def build_cmd(corpus_dir: Path, out: Path, seed: int | None, tasks: str | None, detections: Path | None,
              frames: Path | None, workers: int | None, splits_file: Path | None, preset: str,
              overrides: tuple[str, ...]) -> None:
    """Turn annotated frames into the DevCV tasks: OUT/<split>/<task>/data.json + images/, OUT/MANIFEST.json.

    Frames are taken at 1 FPS; objects and boxes come from the world's ground truth
    (annotations/<stem>.jsonl) or from a COCO-style detections file; labels are mapped onto the CDI
    vocabulary; sessions go whole to the train/val/test split of the corpus's splits.json (written
    on first use, shared with `pretrain build` and `v1 build`). Rerunning continues an interrupted build.

    \b
    Example:
      babyvlm devcv build runs/world --out runs/devcv
      babyvlm devcv build runs/world --out runs/devcv-quick --config devcv/tiny --tasks count,leftright
      babyvlm devcv build my_frames/ --detections dets.json --out runs/devcv-saycam
      babyvlm devcv build runs/world --out runs/devcv --set items.test=200 --set task_items.memory.train=100
    """
    from babyvlm.config import build_config
    from babyvlm.devcv.builder import DevCVBuildConfig, build_toolbox

    values: dict = {"seed": seed, "workers": workers}
    if tasks is not None:
        values["tasks"] = [t for t in tasks.split(",") if t.strip()]
    if detections is not None:
        values["detections"] = {"path": str(detections), **({"frames": str(frames)} if frames else {})}
    if splits_file is not None:
        values["splits"] = {"file": str(splits_file)}
    cfg = build_config(DevCVBuildConfig, section="devcv", preset=preset, overrides=overrides, values=values)
    res = build_toolbox(corpus_dir, out, cfg)
    s = res.sessions
    click.echo(f"sessions: train {len(s['train'])}, val {len(s['val'])}, test {len(s['test'])}")
    from babyvlm.devcv.builder.registry import task_folder

    for task in res.tasks:
        c = res.counts[task]
        click.echo(f"  {task_folder(task):20s} train {c.get('train', 0):4d}  val {c.get('val', 0):4d}  "
                   f"test {c.get('test', 0):4d}")
    for line in res.shortfalls:
        click.echo(f"  short: {line}")
    if res.rejects:
        click.echo(f"rejects: {res.rejects} (see {out / 'rejects.jsonl'})")
    click.echo(f"time {res.seconds:.1f} s")
    echo_written("DevCV toolbox", out)
    echo_written("manifest", out / "MANIFEST.json")
    echo_written("config", out / "config.yaml")


@command.command("review")
@click.argument("toolbox_dir", type=EXISTING_DIR)
@click.option("--port", type=int, default=8765, show_default=True, help="Port on 127.0.0.1 (0: any free port).")
@click.option("--split", default=None, help="Only this split (default: all).")
@click.option("--tasks", default=None, help="Only these task folders, comma-separated.")
@click.option("--open/--no-open", "open_browser", default=True, show_default=True, help="Open the page in a browser.")
def review_cmd(toolbox_dir: Path, port: int, split: str | None, tasks: str | None, open_browser: bool) -> None:
    """Serve a review page on 127.0.0.1: each item as a child sees it, with accept / reject buttons.

    Keys: a = accept, r = reject, left/right arrows = previous/next, u = next undecided. Every
    decision is appended to TOOLBOX_DIR/review/decisions.jsonl the moment it is made.

    \b
    Example:
      babyvlm devcv review runs/devcv
      babyvlm devcv review runs/devcv --split test --tasks leftright,memory --port 9000
    """
    from babyvlm.devcv.review.server import serve

    serve(toolbox_dir, port=port, split=split, tasks=[t for t in (tasks or "").split(",") if t] or None,
          open_browser=open_browser, echo=click.echo)


@command.command("export")
@click.argument("toolbox_dir", type=EXISTING_DIR)
@out_option()
@click.option("--verified", is_flag=True, help="Only accepted items (default: every item not rejected).")
def export_cmd(toolbox_dir: Path, out: Path, verified: bool) -> None:
    """Write the reviewed toolbox: the same layout, only accepted (or not rejected) items.

    \b
    Example:
      babyvlm devcv export runs/devcv --verified --out runs/devcv-verified
    """
    from babyvlm.devcv.review.export import export

    summary = export(toolbox_dir, out, verified=verified)
    for (split, task), (kept, total) in sorted(summary["counts"].items()):
        click.echo(f"  {split}/{task}: {kept} of {total} items")
    click.echo(f"exported {summary['items']} items ({'accepted only' if verified else 'all but rejected'})")
    echo_written("toolbox", out)


@command.command("lmms-tasks")
@click.option("--data", "data", type=EXISTING_DIR, default=None,
              help="DevCV data, as `babyvlm eval --data` takes it (task folders, split folders, lmms-eval files).")
@click.option("--v1-data", "v1_data", type=EXISTING_DIR, default=None, help="Folder with the V1 CSVs and images/.")
@click.option("--out", "out", type=OUT_DIR, required=True, help="The task folder to write (lmms-eval --include_path).")
@click.option("--tasks", default=None, help="Which tasks, as `babyvlm eval --tasks` takes them. [preset: devcv]")
@click.option("--split", default=None, help="Split folder when --data holds split folders. [preset: test]")
@click.option("--limit", type=int, default=None, help="Only the first N items of each task.")
@click.option("--parser", type=click.Choice(["default", "official"]), default=None,
              help="Answer parser the tasks score with. [preset: default]")
@click.option("--prompts", "system_prompts", type=click.Choice(["none", "official"]), default=None,
              help="official: each task's system prompt, as the paper's API baselines had it. [preset: none]")
@config_options("eval/default")
def tasks_cmd(data: Path | None, v1_data: Path | None, out: Path, tasks: str | None, split: str | None,
              limit: int | None, parser: str | None, system_prompts: str | None, preset: str,
              overrides: tuple[str, ...]) -> None:
    """Write an lmms-eval task folder (--include_path): the tasks scored by babyvlm's own scorers.

    Task names are the leaderboard ids (baby_pv, baby_count, ...; V1: babyvlm_<task>); groups
    babyvlm_devcv (all) and babyvlm_devcv_generate (what any generating model can run). Metric keys
    are babyvlm's (acc, group_score, acc_testing_adjusted, ...), as in scores.json.

    \b
    Example:
      babyvlm devcv lmms-tasks --data runs/demo/devcv --out runs/lmms_tasks
      lmms-eval --model babyvlm --model_args pretrained=runs/demo/run/stage3/model \\
          --tasks babyvlm_devcv --include_path runs/lmms_tasks --output_path runs/lmms
      lmms-eval --model llava_hf --model_args pretrained=MODEL_DIR \\
          --tasks babyvlm_devcv_generate --include_path runs/lmms_tasks --output_path runs/lmms
    """
    from babyvlm.config import build_config
    from babyvlm.evaluate.config import EvalConfig
    from babyvlm.evaluate.lmms.taskdir import write_task_dir

    values = {"tasks": tasks, "split": split, "limit": limit, "parser": parser, "system_prompts": system_prompts}
    cfg = build_config(EvalConfig, section="eval", preset=preset, overrides=overrides, values=values)
    names = write_task_dir(out, cfg, data=data, v1_data=v1_data)
    click.echo(f"{len(names)} tasks: {', '.join(names)}")
    echo_written("task folder (lmms-eval --include_path)", out)
