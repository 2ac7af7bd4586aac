"""The world's spoken audio (espeak-ng) as a test bed: voice activity finds every utterance, and
transcribe + wer run end to end on it. Slow (it renders a tiny world), so marked `slow`."""

from __future__ import annotations

import shutil

import pytest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (no world audio)"),
]


@pytest.fixture(scope="module")
def spoken_world(tmp_path_factory):
    from babyvlm.cli import main

    out = tmp_path_factory.mktemp("world") / "world"
    assert main(["world", "--out", str(out), "--preset", "tiny", "--set", "audio=on"]) == 0
    return out


def test_voice_activity_covers_every_utterance(spoken_world):
    from babyvlm.corpus import open_corpus
    from babyvlm.corpus.asr.chunks import VadOptions, frame_levels, speech_regions
    from babyvlm.corpus.audio import iter_audio

    n = 0
    for s in open_corpus(spoken_world).sessions():
        regions = speech_regions(frame_levels(iter_audio(s.video)), VadOptions())
        for u in s.utterances:
            n += 1
            covered = sum(max(0.0, min(u.end, r.end) - max(u.start, r.start)) for r in regions)
            assert covered >= 0.5 * (u.end - u.start), (s.stem, u.start, u.text)
    assert n > 10


def test_transcribe_and_wer_on_the_world(spoken_world, tiny_whisper, tmp_path, capsys):
    import json

    from babyvlm.cli import main
    from babyvlm.corpus import open_corpus

    out = tmp_path / "asr"
    assert main(["corpus", "transcribe", str(spoken_world), "--model", str(tiny_whisper), "--out", str(out),
                 "--min-confidence", "0", "--set", "max_new_tokens=24"]) == 0
    summary = json.loads((out / "asr" / "summary.json").read_text())
    assert summary["totals"]["transcribed"] == summary["totals"]["sessions"] == len(open_corpus(spoken_world))
    assert main(["corpus", "wer", str(spoken_world), str(out), "--out", str(tmp_path / "wer.json")]) == 0
    report = json.loads((tmp_path / "wer.json").read_text())
    assert report["total"]["matched"] == report["total"]["sessions"] > 0
    assert report["total"]["ref_words"] > 0 and report["total"]["wer"] >= 0.9  # a random model: nearly all wrong
    assert "total (" in capsys.readouterr().out
