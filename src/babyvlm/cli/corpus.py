"""`babyvlm corpus`: inspect a corpus (and, with the ASR extra, transcribe one)."""

from __future__ import annotations

from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, echo_written


@click.group("corpus")
def command() -> None:
    """Inspect corpora: `babyvlm corpus info DIR`.

    \b
    Example:
      babyvlm corpus info runs/world
    """


@command.command("info")
@click.argument("corpus_dir", type=EXISTING_DIR)
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@click.option("--rejects", "rejects_path", type=click.Path(path_type=Path), default=None,
              help="Write rejected records (one JSON line each) to this file.")
@click.option("--max-utterance-seconds", type=float, default=5.0, show_default=True,
              help="Cap for utterance end times inferred from the next start.")
@click.option("--no-check-videos", is_flag=True, help="Do not decode each video's first and last second.")
def info_cmd(corpus_dir: Path, as_json: bool, rejects_path: Path | None, max_utterance_seconds: float,
             no_check_videos: bool) -> None:
    """Children, sessions, hours of video, utterances, ages covered and rejects.

    \b
    Example:
      babyvlm corpus info runs/world --rejects runs/world-rejects.jsonl
    """
    from babyvlm.corpus import CorpusOptions, open_corpus
    from babyvlm.corpus.info import corpus_info, format_info
    from babyvlm.util.io import dumps_json, write_jsonl

    corpus = open_corpus(corpus_dir, CorpusOptions(max_utterance_seconds=max_utterance_seconds,
                                                   check_videos=not no_check_videos))
    info = corpus_info(corpus)
    click.echo(dumps_json(info) if as_json else format_info(info), nl=not as_json)
    if corpus.rejects and not as_json:
        for r in corpus.rejects[:10]:
            click.echo(f"  rejected {r.one_line()}", err=True)
        if len(corpus.rejects) > 10:
            click.echo(f"  ... and {len(corpus.rejects) - 10} more", err=True)
    if rejects_path is not None:
        write_jsonl(rejects_path, [r.to_dict() for r in corpus.rejects])
        echo_written("rejects", rejects_path)
