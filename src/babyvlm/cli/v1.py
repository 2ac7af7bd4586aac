"""`babyvlm v1`: BabyVLM-V1 child-directed synthetic data (`transform`) and benchmarks (`build`)."""

from __future__ import annotations

from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, config_options, echo_written, out_option, seed_option


@click.group("v1")
def command() -> None:
    """BabyVLM-V1: child-directed synthetic data and the four V1 benchmarks.

    \b
    Example:
      babyvlm v1 transform coco_captions.jsonl --infant runs/pretrain --out runs/v1-synth
      babyvlm v1 build runs/world --out runs/v1
      babyvlm eval --model random --tasks v1 --v1-data runs/v1 --out runs/eval-v1
    """


@command.command("transform")
@click.argument("captions", type=click.Path(exists=True, path_type=Path))
@click.option("--infant", required=True, type=EXISTING_DIR,
              help="The infant corpus's frames: a pretraining set (`babyvlm pretrain build`) or a folder of images.")
@out_option()
@click.option("--images", "images_root", type=EXISTING_DIR, default=None,
              help="Folder the captions file's image paths are relative to (default: the file's folder).")
@click.option("--mode", type=click.Choice(["rules", "llm", "none"]), default=None,
              help="Rewriter: rules (offline, default), llm (OpenAI-compatible API), none (keep captions).")
@click.option("--llm-model", default=None, help="llm: the model name (e.g. gpt-4o).")
@click.option("--api-base", default=None, help="llm: base URL (else $OPENAI_BASE_URL).")
@click.option("--api-key", default=None, help="llm: API key (else $OPENAI_API_KEY). Never written to any output.")
@click.option("--embedder", default=None,
              help="Image embedding for matching: colorhog (default, no weights) or baby:PATH (a trained scorer).")
@click.option("--size", type=int, default=None, help="Subset size (default: the infant set's image-utterance pairs).")
@config_options("v1/transform")
@seed_option()
def transform_cmd(captions: Path, infant: Path, out: Path, images_root: Path | None, mode: str | None,
                  llm_model: str | None, api_base: str | None, api_key: str | None, embedder: str | None,
                  size: int | None, preset: str, overrides: tuple[str, ...], seed: int | None) -> None:
    """Turn a captioned image set into child-directed image-utterance pairs.

    CAPTIONS is a JSONL/JSON file of {image, caption} records, a COCO captions file, or a folder
    (captions.jsonl, or images with .txt captions). Each caption is rewritten as a short utterance
    to a two-year-old; pairs without a CDI content word are dropped; the images most like the
    infant corpus's frames are selected by Hungarian matching (OUT/matched), beside a random
    subset of the same size (OUT/random). Both are pretraining sets (`babyvlm pretrain check`);
    with a pretraining set as --infant, OUT/mixed holds it plus the matched pairs, ready to train on.
    Rerunning continues: rewrites, API responses and embeddings are cached in OUT.

    \b
    Example:
      babyvlm v1 transform captions.jsonl --infant runs/pretrain --out runs/v1-synth
      babyvlm v1 transform coco/annotations/captions_val2017.json --images coco/val2017 \\
          --infant runs/pretrain --out runs/v1-coco --mode llm --llm-model gpt-4o
      babyvlm v1 transform captions.jsonl --infant runs/pretrain --out runs/v1-b --embedder baby:runs/pretrain/scorer
    """
    from babyvlm.config import build_config
    from babyvlm.v1.config import TransformConfig
    from babyvlm.v1.transform import transform

    values: dict = {"seed": seed}
    rw = {k: v for k, v in (("mode", mode), ("model", llm_model), ("api_base", api_base)) if v is not None}
    if rw:
        values["rewrite"] = rw
    if embedder is not None:
        name, _, model = embedder.partition(":")
        values["embed"] = {"name": name, "model": model}
    if size is not None:
        values["match"] = {"size": size}
    cfg = build_config(TransformConfig, section="transform", preset=preset, overrides=overrides, values=values)
    stats = transform(captions, out, cfg, infant=infant, images_root=images_root, api_key=api_key)

    rw_s = stats["rewrite"]
    click.echo(f"captions: {stats['input']['images']} images, {rw_s['kept']} child-directed pairs kept, "
               f"{rw_s['rejected']} dropped ({cfg.rewrite.mode})")
    s = stats["similarity_to_infant"]
    click.echo(f"matching ({stats['embedding']['name']}): {stats['matching']['size']} images for "
               f"{stats['infant']['pairs']} infant pairs")
    for name in ("matched", "random"):
        click.echo(f"  {name:8s} similarity to the infant frames: pair {s[name]['pair']}, nearest {s[name]['nearest']}, "
                   f"centroid {s[name]['centroid']}")
    for note in stats["matching"]["notes"]:
        click.echo(f"note: {note}")
    for name, c in stats["check"].items():
        if not c["valid"]:
            click.echo(f"warning: {name} fails `pretrain check`: {c['problems'][0]}")
    if stats["rejects"]:
        click.echo(f"rejects: {stats['rejects']} (see rejects.jsonl)")
    for name in stats["sets"]:
        echo_written(f"{name} set", out / name)
    if stats.get("mixed"):
        echo_written("infant set + matched pairs", out / "mixed")
    echo_written("report", out / "report.md")


@command.command("build")
@click.argument("corpus_dir", type=EXISTING_DIR)
@out_option()
@click.option("--tasks", default=None,
              help="Comma-separated: labeled_s, vtwt, baby_winoground, saycam_caption. [default: all four]")
@click.option("--splits", "splits_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="The corpus's splits.json, where not CORPUS_DIR/splits.json (written there if absent).")
@config_options("v1/build")
@seed_option()
def build_cmd(corpus_dir: Path, out: Path, tasks: str | None, splits_file: Path | None, preset: str,
              overrides: tuple[str, ...], seed: int | None) -> None:
    """Build the four V1 benchmarks from a corpus with object annotations (the world).

    Labeled-S (four frames, one showing the target category), the Visual Two-Word Test (a frame, its
    two-word phrase and a foil), Baby Winoground (two frames x two phrases) and a SAYCam-style caption
    set (frames with held-out utterances), in the official CSV layouts: OUT/<task>/<task csv> +
    OUT/<task>/images/. `babyvlm eval --tasks v1 --v1-data OUT` loads them as the official ones.
    Items come from the test sessions of the corpus's splits.json (shared with `pretrain build` and
    `devcv build`); `--set split=shared` uses every session. The same corpus and seed give
    byte-identical files.

    \b
    Example:
      babyvlm v1 build runs/world --out runs/v1
      babyvlm v1 build runs/world --out runs/v1-ls --tasks labeled_s --set labeled_s.trials_per_category=20
    """
    from babyvlm.config import build_config
    from babyvlm.v1.benchmarks import build
    from babyvlm.v1.config import BuildConfig

    values: dict = {"seed": seed, "splits_file": str(splits_file) if splits_file else None}
    if tasks is not None:
        values["tasks"] = [t.strip() for t in tasks.split(",") if t.strip()]
    cfg = build_config(BuildConfig, section="build", preset=preset, overrides=overrides, values=values)
    manifest = build(corpus_dir, out, cfg)
    for name, t in manifest["tasks"].items():
        click.echo(f"{name:16s} {t['items']:5d} items, {t['images']:5d} images  {t['summary']}")
    if manifest.get("rejects"):
        click.echo(f"rejects: {manifest['rejects']} (see rejects.jsonl)")
    for name, t in manifest["tasks"].items():
        echo_written(name, out / t["csv"])
    echo_written("manifest", out / "MANIFEST.json")
