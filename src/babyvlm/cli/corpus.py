"""`babyvlm corpus`: inspect a corpus (and, with the ASR extra, transcribe one)."""

from __future__ import annotations

from pathlib import Path

import click

from babyvlm.cli.common import EXISTING_DIR, OUT_DIR, config_options, echo_written


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


@command.command("transcribe")
@click.argument("corpus_dir", type=EXISTING_DIR)
@click.option("--model", "model", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Local folder of a transformers Whisper checkpoint (model + processor). Nothing is downloaded.")
@click.option("--language", default=None, help="Spoken language code for multilingual checkpoints  [default: en]")
@click.option("--min-confidence", type=float, default=None,
              help="Utterances whose mean token probability is lower go to rejects.jsonl  [default: 0.5]")
@click.option("--out", "out", type=OUT_DIR, default=None,
              help="Write a new corpus folder here (transcripts + links to the videos) instead of into CORPUS_DIR.")
@click.option("--rttm", type=click.Path(exists=True, path_type=Path), default=None,
              help="Diarization: an RTTM file (file-id = session stem) or a folder of <stem>.rttm; labels speakers.")
@click.option("--keep-child-speech", is_flag=True,
              help="With --rttm, keep utterances spoken by the key child (default: they go to rejects).")
@click.option("--chunking", type=click.Choice(["vad", "fixed"]), default=None,
              help="vad: energy-based voice activity packed into <= 30 s windows; fixed: all audio in 30 s windows  [default: vad]")
@click.option("--batch-size", type=int, default=None, help="Windows per forward pass  [default: 8]")
@click.option("--device", default=None, help="auto, cpu, cuda or cuda:N  [default: auto = GPU when present]")
@config_options()
def transcribe_cmd(corpus_dir: Path, model: Path | None, language: str | None, min_confidence: float | None,
                   out: Path | None, rttm: Path | None, keep_child_speech: bool, chunking: str | None,
                   batch_size: int | None, device: str | None, preset: str | None, overrides: tuple[str, ...]) -> None:
    """Transcribe every session's speech with a local Whisper checkpoint.

    Writes transcripts/<stem>.csv (Time, End, Utterance, Speaker, Confidence) and .srt in the
    corpus layout, so every other command reads them like any corpus. Without --out the corpus
    itself is completed: sessions that already have a transcript are left alone. A killed run
    resumes where it stopped (rerun the same command).
    Utterances below --min-confidence, and sessions without usable audio, go to asr/rejects.jsonl
    with a one-line reason. Uses the GPU when torch sees one. See docs/transcribe.md.

    \b
    Example:
      babyvlm corpus transcribe my_videos --model ~/models/whisper-small.en --out runs/my_corpus
      babyvlm corpus transcribe runs/world --model ~/models/whisper-base --out runs/world-asr \\
          --rttm runs/world-vtc/ --min-confidence 0.6
    """
    from babyvlm.config import build_config
    from babyvlm.corpus.asr.pipeline import TranscribeConfig, transcribe_corpus

    # absolute paths: a resumed run from another folder must see the same settings
    values = {"model": str(model.resolve()) if model is not None else None, "language": language,
              "min_confidence": min_confidence, "rttm": str(rttm.resolve()) if rttm is not None else None,
              "chunking": chunking, "batch_size": batch_size, "device": device}
    if keep_child_speech:
        values["drop_key_child"] = False
    cfg = build_config(TranscribeConfig, section="asr", preset=preset, overrides=overrides, values=values)
    s = transcribe_corpus(corpus_dir, cfg, out=out)
    hours = s.audio_seconds / 3600
    speed = f", {s.audio_seconds / s.wall_seconds:.1f}x real time" if s.audio_seconds and s.wall_seconds else ""
    click.echo(f"sessions: {s.sessions} ({s.transcribed} transcribed, {s.rejected} rejected now; {s.resumed} done "
               f"before; {s.skipped_existing} already had a transcript)")
    click.echo(f"this run: {s.utterances} utterances from {hours:.2f} h of audio in {s.wall_seconds:.1f} s{speed}")
    echo_written("transcripts", s.out / "transcripts" if (s.out / "videos").is_dir() else s.out)
    echo_written("records", s.asr_dir / "sessions")
    echo_written("summary", s.asr_dir / "summary.json")
    echo_written("rejects", s.asr_dir / "rejects.jsonl")
    echo_written("config", s.asr_dir / "config.yaml")


@command.command("wer")
@click.argument("ref_dir", type=EXISTING_DIR)
@click.argument("hyp_dir", type=EXISTING_DIR)
@click.option("--exclude-speaker", "exclude", multiple=True,
              help="Leave this speaker's utterances out on both sides (e.g. C, the key child). Repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON instead of a table.")
@click.option("--out", "out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write the report as JSON to this file.")
def wer_cmd(ref_dir: Path, hyp_dir: Path, exclude: tuple[str, ...], as_json: bool, out: Path | None) -> None:
    """Word error rate of HYP_DIR's transcripts against REF_DIR's, session by session.

    Each argument is a corpus folder (its transcripts/ is used) or a folder of transcripts
    (.csv, .srt, .vtt, .json); sessions are matched by file stem. Text is normalised on both
    sides (annotations removed, lowercase, digits spelled out, punctuation dropped); a reference
    session without a hypothesis counts as all deletions. See docs/transcribe.md.

    \b
    Example:
      babyvlm corpus wer runs/world runs/world-asr
      babyvlm corpus wer refs/ hyps/transcripts --exclude-speaker C --out runs/wer.json
    """
    from babyvlm.corpus.asr.wer import compare_sets, find_transcripts, format_table
    from babyvlm.errors import InputError
    from babyvlm.util.io import dumps_json, write_json

    for label, d in (("REF_DIR", ref_dir), ("HYP_DIR", hyp_dir)):
        if not find_transcripts(d):
            raise InputError(f"{label} {d}: no transcripts (.csv, .srt, .vtt, .json) found")
    report = compare_sets(ref_dir, hyp_dir, exclude_speakers=exclude)
    click.echo(dumps_json(report) if as_json else format_table(report), nl=not as_json)
    if out is not None:
        write_json(out, report)
        echo_written("wer", out)
