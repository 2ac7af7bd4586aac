"""`babyvlm scorer`: train the baby scorer, measure a scorer, score pairs."""

from __future__ import annotations

from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, config_options, echo_written, out_option, seed_option


@click.group("scorer")
def command() -> None:
    """Image-utterance similarity scorers used to filter the pretraining set.

    \b
    Example:
      babyvlm scorer train runs/world --out runs/scorer
      babyvlm scorer eval runs/world --scorer baby --model runs/scorer
    """


@command.command("train")
@click.argument("corpus_dir", type=EXISTING_DIR)
@out_option()
@click.option("--workers", type=int, default=None, help="Processes decoding sessions (default 1).")
@config_options("scorer/baby")
@seed_option()
def train_cmd(corpus_dir: Path, out: Path, workers: int | None, preset: str, overrides: tuple[str, ...], seed: int | None) -> None:
    """Train the baby scorer (a small contrastive model) on the corpus's own frames and utterances.

    Nothing web-trained touches the data. The frame cache (OUT/cache) makes a rerun skip decoding.

    \b
    Example:
      babyvlm scorer train runs/world --out runs/scorer
      babyvlm scorer train runs/world --out runs/scorer --set train.steps=600
    """
    from babyvlm.config import build_config
    from babyvlm.scoring.baby.config import ScorerTrainConfig
    from babyvlm.scoring.baby.train import train_baby_scorer

    cfg = build_config(ScorerTrainConfig, section="scorer", preset=preset, overrides=overrides,
                       values={"seed": seed, "workers": workers})
    res = train_baby_scorer(corpus_dir, out, cfg)
    acc = "-" if res.val_accuracy is None else f"{res.val_accuracy:.3f}"
    click.echo(f"trained on {res.pairs} frames of {res.utterances} utterances (vocabulary {res.vocab}) in "
               f"{res.seconds:.1f} s; held-out in-batch retrieval accuracy {acc}")
    echo_written("scorer", out)


@command.command("eval")
@click.argument("corpus_dir", type=EXISTING_DIR)
@click.option("--scorer", "spec", default="baby", show_default=True, help="baby, oracle or clip:PATH.")
@click.option("--model", type=click.Path(path_type=Path), default=None, help="Baby scorer folder.")
@click.option("--max-sessions", type=int, default=None, help="Measure on the first N annotated sessions only.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None, help="Also write the numbers here.")
@config_options("pretrain/default")
def eval_cmd(corpus_dir: Path, spec: str, model: Path | None, max_sessions: int | None, json_out: Path | None,
             preset: str, overrides: tuple[str, ...]) -> None:
    """Precision and recall of a scorer's filter against the world's ground truth (nothing written).

    \b
    Example:
      babyvlm scorer eval runs/world --scorer baby --model runs/scorer
      babyvlm scorer eval runs/world --scorer oracle
    """
    from babyvlm.config import build_config
    from babyvlm.pretrain.config import PretrainConfig
    from babyvlm.pretrain.evaluate import evaluate_scorer
    from babyvlm.scoring import load_scorer
    from babyvlm.util.io import dumps_json, write_json

    cfg = build_config(PretrainConfig, section="pretrain", preset=preset, overrides=overrides)
    scorer = load_scorer(spec, model=model, min_visible=cfg.truth.min_visible, batch_size=cfg.scorer.batch_size)
    q = evaluate_scorer(corpus_dir, cfg, scorer, max_sessions=max_sessions)
    click.echo(dumps_json(q), nl=False)
    if json_out:
        write_json(json_out, q)
        echo_written("numbers", json_out)


@command.command("score")
@click.option("--scorer", "spec", default="baby", show_default=True, help="baby or clip:PATH.")
@click.option("--model", type=click.Path(path_type=Path), default=None, help="Baby scorer folder.")
@click.argument("image", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("texts", nargs=-1, required=True)
def score_cmd(spec: str, model: Path | None, image: Path, texts: tuple[str, ...]) -> None:
    """Score one image against one or more utterances.

    \b
    Example:
      babyvlm scorer score --model runs/scorer frame.jpg "look at the ball" "time for your nap"
    """
    from PIL import Image

    from babyvlm.errors import InputError
    from babyvlm.scoring import load_scorer

    if spec == "oracle":
        raise InputError("the oracle scores corpus pairs, not files; use `babyvlm scorer eval`")
    scorer = load_scorer(spec, model=model)
    with Image.open(image) as im:
        img = im.convert("RGB")
    scores = scorer.score([img] * len(texts), list(texts))
    for t, s in zip(texts, scores):
        click.echo(f"{s:+.4f}  {t}")
