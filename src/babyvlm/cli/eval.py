"""`babyvlm eval`: run a model (and the shortcut baselines) on DevCV and V1 tasks; write results."""

from __future__ import annotations

from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, config_options, echo_written, out_option


@click.command("eval")
@click.option("--model", "model", required=True, metavar="SPEC",
              help="hf:PATH (local transformers model), openai:MODEL (OpenAI-compatible API), random, blind, pixel, "
                   "or py:MODULE:FACTORY.")
@click.option("--tasks", default=None, help="all | devcv | v1 | leaderboard | comma-separated task names, folder names, "
                                            "aliases or leaderboard ids, mixed (e.g. picture_vocab,vdr-open,baby_count). "
                                            "[preset: devcv]")
@click.option("--data", "data", type=EXISTING_DIR, default=None,
              help="A task folder (DIR/data.json), a folder of task folders (official names or aliases: "
                   "picture_vocabulary/, vdr-binary/, picture_vocab/, ...), of split folders (DIR/test/<task>), or "
                   "lmms-eval files (DIR/count_test.json ... beside images/).")
@click.option("--v1-data", "v1_data", type=EXISTING_DIR, default=None,
              help="Folder with the V1 CSVs (labeled_s.csv, vtwt.csv, baby_winoground.csv, SAYCam_caption.csv) and "
                   "their images/ (default: --data).")
@out_option()
@click.option("--split", default=None, help="Split folder to use when --data holds split folders. [preset: test]")
@click.option("--limit", type=int, default=None, help="Only the first N items of each task.")
@click.option("--batch-size", "batch_size", type=int, default=None, help="Requests per model call. [preset: 16]")
@click.option("--seed", type=int, default=None, help="Seed for baselines, tie-breaking and bootstrap. [preset: 0]")
@click.option("--parser", type=click.Choice(["default", "official"]), default=None,
              help="Answer parser: default (reads what the answer means) or official (reproduces the official one).")
@click.option("--baselines", default=None,
              help="Comma-separated baselines to run beside the model, or 'none'. [preset: random,blind,pixel]")
@click.option("--strict", "strict", is_flag=True, default=None,
              help="Stop at the first bad item (missing or corrupt image, malformed turn, answer outside its options) "
                   "instead of writing it to rejects.jsonl and going on.")
@click.option("--skip-bad", "skip_bad", is_flag=True, default=None, hidden=True,
              help="The default now (bad items go to rejects.jsonl); kept so old command lines still run.")
@click.option("--prompts", "system_prompts", type=click.Choice(["none", "official"]), default=None,
              help="official: send each task's system prompt as the paper's API baselines did. [preset: none]")
@click.option("--max-new-tokens", "max_new_tokens", type=int, default=None, help="Override each task's generation length.")
@click.option("--device", default=None, help="hf: auto | cpu | cuda | cuda:N.")
@click.option("--dtype", default=None, help="hf: auto | float32 | bfloat16 | float16.")
@click.option("--api-base", "api_base", default=None, help="openai: base URL (else $OPENAI_BASE_URL).")
@click.option("--api-key", "api_key", default=None,
              help="openai: API key (else $OPENAI_API_KEY). Never written to any output.")
@click.option("--concurrency", type=int, default=None, help="openai: requests in flight. [preset: 4]")
@click.option("--image-ablation", "image_ablation", is_flag=True, default=None,
              help="Also run the model with every image replaced by a blank of the same size (question unchanged), "
                   "reported beside the baselines: what the model gets without looking.")
@click.option("--fit-split", "fit_split", default=None, metavar="SPLIT",
              help="Also score the model on the first --fit-limit items per task of SPLIT (e.g. train: its own "
                   "training items), reported next to the evaluated split (fit versus generalisation).")
@click.option("--fit-limit", "fit_limit", type=int, default=None, help="Items per task on --fit-split. [preset: 100]")
@click.option("--no-plot", "no_plot", is_flag=True, default=False, help="Do not draw report.png.")
@config_options("eval/default")
def command(model: str, tasks: str | None, data: Path | None, v1_data: Path | None, out: Path, split: str | None,
            limit: int | None, batch_size: int | None, seed: int | None, parser: str | None, baselines: str | None,
            strict: bool | None, skip_bad: bool | None, system_prompts: str | None, max_new_tokens: int | None,
            device: str | None, dtype: str | None,
            api_base: str | None, api_key: str | None, concurrency: int | None, image_ablation: bool | None,
            fit_split: str | None, fit_limit: int | None, no_plot: bool, preset: str,
            overrides: tuple[str, ...]) -> None:
    """Evaluate a model on the DevCV Toolbox and the BabyVLM-V1 benchmarks.

    Runs the model and the shortcut baselines (random, blind, pixel) on every requested task whose
    data is present (saying which are absent), scores with 95% bootstrap intervals, and writes
    results.json, scores.json (leaderboard shape), samples_<task>.jsonl, report.md and report.png
    to OUT. Outputs are cached per item: rerunning a killed command continues where it stopped.

    \b
    Example:
      babyvlm eval --model hf:runs/model --tasks devcv --data runs/devcv --out runs/eval
      babyvlm eval --model random --tasks count,memory --data DevCV/saycam/test --out runs/eval-random
      babyvlm eval --model openai:gpt-4o --tasks devcv --data DevCV/saycam --limit 50 --out runs/eval-gpt4o
      babyvlm eval --model hf:runs/model --tasks v1 --v1-data data/v1 --out runs/eval-v1 --parser official
    """
    from babyvlm.config import build_config
    from babyvlm.errors import InputError
    from babyvlm.evaluate.config import EvalConfig
    from babyvlm.evaluate.harness import evaluate
    from babyvlm.evaluate.report import pct

    if data is None and v1_data is None:
        raise InputError("give --data DIR (DevCV task folders) and/or --v1-data DIR (V1 CSVs)")
    values: dict = {"tasks": tasks, "split": split, "limit": limit, "batch_size": batch_size, "seed": seed,
                    "parser": parser, "strict": strict, "system_prompts": system_prompts,
                    "max_new_tokens": max_new_tokens,
                    "image_ablation": image_ablation, "fit_split": fit_split, "fit_limit": fit_limit}
    if baselines is not None:
        values["baselines"] = [] if baselines.strip().lower() in ("none", "") else [b.strip() for b in baselines.split(",")]
    if no_plot:
        values["plot"] = False
    hf = {k: v for k, v in (("device", device), ("dtype", dtype)) if v is not None}
    api = {k: v for k, v in (("base_url", api_base), ("concurrency", concurrency)) if v is not None}
    if hf:
        values["hf"] = hf
    if api:
        values["api"] = api
    cfg = build_config(EvalConfig, section="eval", preset=preset, overrides=overrides, values=values)
    results = evaluate(model, data, out, cfg, v1_data=v1_data, api_key=api_key)

    for name, t in results["tasks"].items():
        cells = []
        for n, r in t["models"].items():
            cells.append(f"{n} {pct(r['metrics'][t['primary']]['value'])}")
        click.echo(f"{name:24s} {t['primary']:22s} " + "  ".join(cells))
    for n, v in results["overall"].items():
        if n != "chance":
            click.echo(f"overall ({v['n_tasks']}/{v['of']} leaderboard tasks) {n}: {pct(v['value'])}")
    if results["absent"]:
        click.echo("absent: " + ", ".join(results["absent"]))
    if results.get("not_run"):
        click.echo("not run (no scorable item): " + ", ".join(results["not_run"]))
    if results.get("rejects"):
        click.echo(f"rejected items: {results['rejects']} (see {out / 'rejects.jsonl'})")
    echo_written("results", out / "results.json")
    echo_written("report", out / "report.md")
