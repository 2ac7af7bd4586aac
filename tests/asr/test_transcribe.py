"""`corpus transcribe` end to end: windows, time mapping, rejects, speakers, layouts, resume."""

from __future__ import annotations

import json
import os
import re

import numpy as np
import pytest

from babyvlm.corpus import open_corpus
from babyvlm.corpus.asr.pipeline import TranscribeConfig, Transcriber, compression_ratio, transcribe_corpus
from babyvlm.corpus.asr.segments import Segment, Word
from babyvlm.corpus.layouts import list_videos
from babyvlm.corpus.transcripts import read_csv_transcript
from babyvlm.errors import InputError

from .conftest import tone, write_av

SR = 44100


def bursts(seconds: float, spans: list[tuple[float, float]], *, seed: int = 0) -> np.ndarray:
    """Tone bursts over a faint noise floor (like speech over room noise)."""
    x = 0.0005 * np.random.default_rng(seed).standard_normal(int(seconds * SR)).astype(np.float32)
    for a, b in spans:
        x += tone(seconds, SR, on=(a, b))
    return x


class FakeRunner:
    """Stands in for Whisper: per window, one segment 0.2 s after the window's start, lasting 1 s."""

    word_timestamps = True

    def __init__(self, cfg=None, *, texts=None, fail_on_call: int | None = None):
        self.calls: list[list[float]] = []
        self.texts = list(texts or [])
        self.fail_on_call = fail_on_call

    def __call__(self, audios):
        if self.fail_on_call is not None and len(self.calls) + 1 == self.fail_on_call:
            raise KeyboardInterrupt  # a kill in the middle of a session
        self.calls.append([len(a) / 16000 for a in audios])
        out = []
        for a in audios:
            dur = len(a) / 16000
            text, conf = self.texts.pop(0) if self.texts else ("look at the ball", 0.9)
            words = [Word(w, 0.2 + 0.25 * i, 0.2 + 0.25 * (i + 1), conf) for i, w in enumerate(text.split()[:4])]
            out.append([Segment(0.2, min(1.2, dur), text, conf, 4, True, words),
                        Segment(dur + 3.0, dur + 4.0, "made up", 0.9, 2, True)])  # past the audio: rejected
        return out


def saycam(tmp_path, sessions: dict[str, np.ndarray | None], *, seconds: float = 10.0):
    for stem, audio in sessions.items():
        write_av(tmp_path / "corpus" / "videos" / f"{stem}.mp4", audio, sample_rate=SR, seconds=seconds)
    return tmp_path / "corpus"


def test_window_times_map_back_to_the_session(tmp_path):
    corpus = saycam(tmp_path, {"S_20141029_2412_01": bursts(45, [(3, 4), (38, 39)])}, seconds=45)
    fake = FakeRunner()
    s = transcribe_corpus(corpus, TranscribeConfig(), out=tmp_path / "out", runner_factory=lambda cfg: fake)
    assert (s.transcribed, s.rejected, s.utterances) == (1, 0, 2)
    # two windows (the bursts are 35 s apart, more than one window), padded by 0.2 s, in one batch
    assert len(fake.calls) == 1 and fake.calls[0] == [pytest.approx(1.4, abs=0.03)] * 2
    res = read_csv_transcript(tmp_path / "out" / "transcripts" / "S_20141029_2412_01.csv", duration=45)
    assert not res.rejects
    assert [(u.start, u.end, u.text, u.speaker) for u in res.utterances] == [
        (pytest.approx(3.0, abs=0.03), pytest.approx(4.0, abs=0.03), "look at the ball", "unknown"),
        (pytest.approx(38.0, abs=0.03), pytest.approx(39.0, abs=0.03), "look at the ball", "unknown")]
    header = (tmp_path / "out" / "transcripts" / "S_20141029_2412_01.csv").read_text().splitlines()[0]
    assert header == "Time,End,Utterance,Speaker,Confidence"
    words = [json.loads(x) for x in (tmp_path / "out" / "asr" / "words" / "S_20141029_2412_01.jsonl").read_text().splitlines()]
    assert [w["line"] for w in words] == [2, 3]
    assert words[1]["words"][0][:3] == ["look", pytest.approx(38.0, abs=0.03), pytest.approx(38.25, abs=0.03)]
    rejects = [json.loads(x) for x in (tmp_path / "out" / "asr" / "rejects.jsonl").read_text().splitlines()]
    assert len(rejects) == 2 and all("past its audio" in r["reason"] for r in rejects)


def test_each_utterance_rejected_with_its_reason(tmp_path):
    corpus = saycam(tmp_path, {"S_20141029_2412_01": bursts(100, [(2, 3), (40, 41), (75, 76)]),
                               "S_20141029_2412_02": bursts(10, [(2, 3)])}, seconds=100)
    fake = FakeRunner(texts=[("maybe", 0.3), ("the " * 20, 0.95), ("[music]", 0.9), ("hello there", 0.8)])
    transcribe_corpus(corpus, TranscribeConfig(), out=tmp_path / "out", runner_factory=lambda cfg: fake)
    reasons = [json.loads(x)["reason"] for x in (tmp_path / "out" / "asr" / "rejects.jsonl").read_text().splitlines()]
    reasons = [r for r in reasons if "past its audio" not in r]
    assert compression_ratio("the " * 20) > 5 > compression_ratio("look at the ball")
    assert reasons == ["confidence 0.300 below --min-confidence 0.5",
                       f"repetitive text (compression ratio {compression_ratio('the ' * 20):.2f} > 2.4)",
                       "no words (only annotations: '[music]')"]
    kept = read_csv_transcript(tmp_path / "out" / "transcripts" / "S_20141029_2412_02.csv").utterances
    assert [u.text for u in kept] == ["hello there"]
    empty = (tmp_path / "out" / "transcripts" / "S_20141029_2412_01.csv").read_text()
    assert empty == "Time,End,Utterance,Speaker,Confidence\n"  # every utterance rejected, the session is done


def test_rttm_labels_speakers_and_drops_the_key_child(tmp_path):
    stem = "S_20141029_2412_01"
    corpus = saycam(tmp_path, {stem: bursts(45, [(3, 4), (38, 39)])}, seconds=45)
    rttm = tmp_path / "vtc.rttm"
    rttm.write_text(f"SPEAKER {stem} 1 2.9 1.2 <NA> <NA> FEM <NA> <NA>\n"
                    f"SPEAKER {stem} 1 37.9 0.9 <NA> <NA> KCHI <NA> <NA>\n"
                    f"SPEAKER {stem} 1 38.8 0.4 <NA> <NA> MAL <NA> <NA>\n", encoding="utf-8")
    cfg = TranscribeConfig(rttm=str(rttm))
    transcribe_corpus(corpus, cfg, out=tmp_path / "a", runner_factory=lambda c: FakeRunner())
    kept = read_csv_transcript(tmp_path / "a" / "transcripts" / f"{stem}.csv").utterances
    assert [(round(u.start), u.speaker) for u in kept] == [(3, "fem")]
    reasons = [json.loads(x)["reason"] for x in (tmp_path / "a" / "asr" / "rejects.jsonl").read_text().splitlines()]
    (child,) = [r for r in reasons if r.startswith("the key child's own speech")]
    share = int(re.search(r"RTTM: (\d+)% of the utterance", child).group(1))
    assert abs(share - 80) <= 3  # KCHI 0.8 s of the 1 s utterance, MAL 0.2 s
    cfg = TranscribeConfig(rttm=str(rttm), drop_key_child=False)
    transcribe_corpus(corpus, cfg, out=tmp_path / "b", runner_factory=lambda c: FakeRunner())
    kept = read_csv_transcript(tmp_path / "b" / "transcripts" / f"{stem}.csv").utterances
    assert [(round(u.start), u.speaker) for u in kept] == [(3, "fem"), (38, "C")]
    srt = (tmp_path / "b" / "transcripts" / f"{stem}.srt").read_text()
    assert "fem: look at the ball" in srt and "C: look at the ball" in srt


def test_resume_after_a_kill(tmp_path):
    stems = [f"S_20141029_2412_0{i}" for i in range(1, 4)]
    corpus = saycam(tmp_path, {s: bursts(10, [(2, 3)], seed=i) for i, s in enumerate(stems)})
    corpus_none = tmp_path / "corpus" / "videos" / "S_20141029_2412_04.mp4"
    write_av(corpus_none, None, seconds=2)  # a rejected session is done too, not retried
    out = tmp_path / "out"
    killer = FakeRunner(fail_on_call=2)  # one window per session, one window per batch: killed in session 2
    with pytest.raises(KeyboardInterrupt):
        transcribe_corpus(corpus, TranscribeConfig(batch_size=1), out=out, runner_factory=lambda c: killer)
    assert not list((out / "asr" / "tmp").iterdir())  # no audio spool left behind
    first = out / "transcripts" / f"{stems[0]}.csv"
    assert first.exists() and not (out / "transcripts" / f"{stems[1]}.csv").exists()
    before = first.stat().st_mtime_ns
    again = FakeRunner()
    s = transcribe_corpus(corpus, TranscribeConfig(), out=out, runner_factory=lambda c: again)
    assert (s.resumed, s.transcribed, s.rejected) == (1, 2, 1)
    # the two remaining sessions' windows shared one batch
    assert again.calls == [[pytest.approx(1.4, abs=0.05)] * 2] and first.stat().st_mtime_ns == before
    # a session whose CSV was lost after its record was written is redone; the rest is not
    (out / "transcripts" / f"{stems[2]}.csv").unlink()
    third = FakeRunner()
    s = transcribe_corpus(corpus, TranscribeConfig(), out=out, runner_factory=lambda c: third)
    assert (s.resumed, s.transcribed, len(third.calls)) == (3, 1, 1)
    rejects = (out / "asr" / "rejects.jsonl").read_text().splitlines()
    assert len(rejects) == len(set(rejects)) == 3 + 1  # one past-audio segment per session + no audio, no repeats
    summary = json.loads((out / "asr" / "summary.json").read_text())
    assert summary["totals"]["transcribed"] == 3 and summary["totals"]["rejected"] == 1
    # resuming with settings that change the output is refused
    with pytest.raises(InputError, match="different settings"):
        transcribe_corpus(corpus, TranscribeConfig(min_confidence=0.9), out=out, runner_factory=lambda c: FakeRunner())


def test_in_place_fills_only_the_missing_transcripts(tmp_path):
    corpus = saycam(tmp_path, {"S_20141029_2412_01": bursts(10, [(2, 3)]), "S_20141029_2412_02": bursts(10, [(5, 6)])})
    human = corpus / "transcripts" / "S_20141029_2412_01.csv"
    human.parent.mkdir()
    human.write_text("Time,Video Name,Utterance,Speaker\n2.0,S_20141029_2412_01,hi there,Mom\n", encoding="utf-8")
    assert [r.reason for r in open_corpus(corpus).rejects] == ["video without a transcript"]
    fake = FakeRunner()
    s = transcribe_corpus(corpus, TranscribeConfig(), runner_factory=lambda c: fake)
    assert (s.skipped_existing, s.transcribed, len(fake.calls)) == (1, 1, 1)
    assert human.read_text().endswith("hi there,Mom\n")
    c = open_corpus(corpus)
    assert not c.rejects and len(c) == 2
    assert [len(x.utterances) for x in c.sessions()] == [1, 1]
    assert not (corpus / "videos" / "S_20141029_2412_01.mp4").is_symlink()


def test_generic_layout_keeps_its_folders(tmp_path):
    root = tmp_path / "clips"
    write_av(root / "ana" / "day1.mp4", bursts(6, [(1, 2)]), sample_rate=SR)
    write_av(root / "ben" / "week2" / "day9.mov", bursts(6, [(3, 4)]), sample_rate=SR)
    layout, entries, rejects, _ = list_videos(root)
    assert layout == "generic" and [(e.stem, e.child, e.transcript) for e in entries] == [
        ("day1", "ana", None), ("day9", "ben", None)] and not rejects
    out = tmp_path / "out"
    transcribe_corpus(root, TranscribeConfig(), out=out, runner_factory=lambda c: FakeRunner())
    assert (out / "ana" / "day1.mp4").is_symlink() and (out / "ben" / "week2" / "day9.srt").exists()
    c = open_corpus(out)
    assert c.layout == "generic" and not c.rejects
    assert [(x.child, x.stem, round(x.utterances[0].start)) for x in c.sessions()] == [("ana", "day1", 1), ("ben", "day9", 3)]
    with pytest.raises(InputError, match="inside the corpus"):
        Transcriber(root, TranscribeConfig(), out=root / "asr-out")
    # in place: the transcripts land beside the videos, where the generic reader looks
    assert [r.reason for r in open_corpus(root).rejects] == ["video without a transcript"] * 2
    transcribe_corpus(root, TranscribeConfig(), runner_factory=lambda c: FakeRunner())
    assert (root / "ana" / "day1.srt").exists() and (root / "ben" / "week2" / "day9.csv").exists()
    c = open_corpus(root)
    assert not c.rejects and [x.child for x in c.sessions()] == ["ana", "ben"]


def test_tiny_whisper_end_to_end_with_bad_sessions(tmp_path, tiny_whisper, speech_clip, capsys):
    """The real model path: decoding, windows, batched generation, time mapping, writing, rejects, resume."""
    from babyvlm.cli import main

    good = {"S_20141029_2412_01": bursts(12, [(1.5, 3.0), (7.0, 8.0)])}
    if speech_clip is not None:
        speech, rate = speech_clip
        x = np.zeros(6 * rate, np.float32)
        x[rate : rate + speech.size] = speech[: 5 * rate]
        write_av(tmp_path / "corpus" / "videos" / "S_20141029_2412_02.mp4", x, sample_rate=rate)
    corpus = saycam(tmp_path, {**good, "S_20141029_2412_03": None, "S_20141029_2412_04": np.zeros(3 * SR, np.float32)},
                    seconds=12)
    videos = corpus / "videos"
    (videos / "S_20141029_2412_05.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    whole = (videos / "S_20141029_2412_01.mp4").read_bytes()
    (videos / "S_20141029_2412_06.mp4").write_bytes(whole[: len(whole) // 2])
    out = tmp_path / "out"
    args = ["corpus", "transcribe", str(corpus), "--model", str(tiny_whisper), "--out", str(out),
            "--min-confidence", "0", "--batch-size", "2", "--set", "max_new_tokens=24"]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert f"transcripts: {out / 'transcripts'}" in printed and f"rejects: {out / 'asr' / 'rejects.jsonl'}" in printed
    rejects = [json.loads(x) for x in (out / "asr" / "rejects.jsonl").read_text().splitlines()]
    session_reasons = {os.path.basename(r["source"]): r["reason"] for r in rejects if set(r["record"]) == {"stem"}}
    assert session_reasons == {
        "S_20141029_2412_03.mp4": "no audio stream",
        "S_20141029_2412_04.mp4": "silent audio (loudest 20 ms frame -120.0 dBFS, speech needs > -55)",
        "S_20141029_2412_05.mp4": "cannot open (Invalid data found when processing input)",
        "S_20141029_2412_06.mp4": "cannot open (Invalid data found when processing input)",
    }
    assert all("\n" not in r["reason"] for r in rejects)
    good_stems = ["S_20141029_2412_01"] + (["S_20141029_2412_02"] if speech_clip is not None else [])
    for stem in good_stems:
        csv_path = out / "transcripts" / f"{stem}.csv"
        res = read_csv_transcript(csv_path, duration=12)
        assert res.utterances and not res.rejects
        assert (out / "transcripts" / f"{stem}.srt").exists()
        words = (out / "asr" / "words" / f"{stem}.jsonl").read_text().splitlines()
        assert len(words) == len(res.utterances)
        rec = json.loads((out / "asr" / "sessions" / f"{stem}.json").read_text())
        assert rec["status"] == "ok" and rec["windows"] >= 1
    # every utterance of session 01 lies inside one of its voice-active windows
    windows = [(1.3, 3.2), (6.8, 8.2)]  # bursts padded by 0.2 s, packed into one window
    for u in read_csv_transcript(out / "transcripts" / "S_20141029_2412_01.csv").utterances:
        assert windows[0][0] - 0.03 <= u.start < u.end <= windows[1][1] + 0.03
    c = open_corpus(out)
    assert sorted(e.stem for e in c.entries) == good_stems and not c.rejects
    # rerun: nothing to do; then a lost CSV is redone byte for byte (deterministic decoding)
    first = (out / "transcripts" / "S_20141029_2412_01.csv").read_bytes()
    (out / "transcripts" / "S_20141029_2412_01.csv").unlink()
    assert main(args) == 0
    assert "1 transcribed" in capsys.readouterr().out
    assert (out / "transcripts" / "S_20141029_2412_01.csv").read_bytes() == first


def test_missing_model_is_a_one_line_error(tmp_path, capsys):
    from babyvlm.cli import main

    corpus = saycam(tmp_path, {"S_20141029_2412_01": bursts(4, [(1, 2)])}, seconds=4)
    assert main(["corpus", "transcribe", str(corpus), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "error: no model: give --model PATH (a local Whisper checkpoint folder)"
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["corpus", "transcribe", str(empty), "--model", str(tmp_path)]) == 2
    assert "no videos here" in capsys.readouterr().err


@pytest.mark.skipif(not __import__("torch").cuda.is_available(), reason="no GPU")
def test_uses_the_gpu_when_present(tiny_whisper):
    from babyvlm.corpus.asr.whisper import WhisperRunner

    runner = WhisperRunner(tiny_whisper)
    assert runner.device == "cuda" and str(next(runner.model.parameters()).device).startswith("cuda")
    assert runner([np.zeros(16000, np.float32)]) is not None


def test_default_preset_matches_the_defaults():
    from babyvlm.config import build_config

    assert build_config(TranscribeConfig, section="asr", preset="asr/default") == TranscribeConfig()
    noisy = build_config(TranscribeConfig, section="asr", preset="asr/noisy", overrides=["vad.margin_db=9"])
    assert (noisy.chunking, noisy.min_confidence, noisy.vad.margin_db) == ("fixed", 0.6, 9.0)


@pytest.mark.slow
def test_sigkill_then_resume_gives_the_same_files(tmp_path, tiny_whisper):
    """A real kill (SIGKILL, no cleanup) after the first session: the rerun finishes the rest, and every
    file equals an uninterrupted run's."""
    import signal
    import subprocess
    import sys
    import time

    from babyvlm.cli import main

    stems = [f"S_20141029_2412_0{i}" for i in range(1, 7)]
    corpus = saycam(tmp_path, {s: bursts(8, [(1 + i % 3, 2.5 + i % 3)], seed=i) for i, s in enumerate(stems)}, seconds=8)
    args = ["corpus", "transcribe", str(corpus), "--model", str(tiny_whisper), "--min-confidence", "0",
            "--batch-size", "1", "--set", "max_new_tokens=24"]
    killed = tmp_path / "killed"
    log = tmp_path / "killed.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-c", "import sys; from babyvlm.cli import main; sys.exit(main())",
                                 *args, "--out", str(killed)], env={**os.environ, "BABYVLM_QUIET": "1"},
                                stdout=subprocess.DEVNULL, stderr=err)
        deadline = time.time() + 300
        while time.time() < deadline and proc.poll() is None and not list((killed / "transcripts").glob("*.csv")):
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait() == -signal.SIGKILL, log.read_text()[-2000:]
    done = len(list((killed / "transcripts").glob("*.csv")))
    if done in (0, len(stems)):
        pytest.skip(f"the kill did not land mid-run ({done} sessions done)")
    assert main([*args, "--out", str(killed)]) == 0
    whole = tmp_path / "whole"
    assert main([*args, "--out", str(whole)]) == 0
    for sub in ("transcripts", "asr/sessions", "asr/words"):
        a = sorted(p.name for p in (killed / sub).iterdir())
        assert a == sorted(p.name for p in (whole / sub).iterdir())
        for name in a:
            assert (killed / sub / name).read_bytes() == (whole / sub / name).read_bytes(), name
    assert sorted((killed / "asr" / "rejects.jsonl").read_text().splitlines()) == sorted(
        (whole / "asr" / "rejects.jsonl").read_text().splitlines())
