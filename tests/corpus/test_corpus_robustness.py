"""Damaged corpus inputs (issue 17): several transcripts for one session, over-long lines, non-string
text, a decode error in the middle of a video. Each bad record is a reject with a one-line reason
naming the file (and line); everything good is still read."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from babyvlm.corpus import open_corpus
from babyvlm.corpus.transcripts import MAX_TEXT_CHARS, read_transcript
from babyvlm.corpus.video import VideoError, VideoReader

SRT = "1\n00:00:00,200 --> 00:00:01,500\nMOM: look at the ball\n\n2\n00:00:02,000 --> 00:00:03,000\nyour shoe\n"


def _generic(tmp_path, make_video, files: dict[str, str]) -> Path:
    root = tmp_path / "generic"
    make_video(root / "kid" / "clip.mp4", seconds=4, fps=10)
    for suffix, text in files.items():
        (root / "kid" / f"clip{suffix}").write_text(text, encoding="utf-8")
    return root


def _load(root):
    corpus = open_corpus(root)
    assert len(corpus.entries) == 1
    return corpus.load(corpus.entries[0])


def test_broken_vtt_beside_a_valid_srt_loses_nothing(tmp_path, make_video, caplog):
    root = _generic(tmp_path, make_video, {".vtt": "not a webvtt file\n", ".srt": SRT})
    with caplog.at_level("INFO", logger="babyvlm"):
        session, rejects = _load(root)
    assert session.transcript.name == "clip.srt"
    assert [u.text for u in session.utterances] == ["look at the ball", "your shoe"]
    assert len(rejects) == 1 and rejects[0].source.endswith("clip.vtt")
    assert "not a WebVTT file" in rejects[0].reason and "read clip.srt instead" in rejects[0].reason
    assert "\n" not in rejects[0].one_line()
    assert any("transcript clip.srt (of clip.vtt, clip.srt)" in r.getMessage() for r in caplog.records)


def test_the_documented_order_decides_when_several_parse(tmp_path, make_video):
    js = json.dumps([{"start": 0.5, "end": 1.5, "text": "from the json"}])
    vtt = "WEBVTT\n\n00:00.500 --> 00:01.500\nfrom the vtt\n"
    session, rejects = _load(_generic(tmp_path, make_video, {".json": js, ".vtt": vtt, ".srt": SRT}))
    assert session.transcript.name == "clip.json" and session.utterances[0].text == "from the json"
    assert rejects == []
    session, _ = _load(_generic(tmp_path / "b", make_video, {".vtt": vtt, ".srt": SRT}))
    assert session.transcript.name == "clip.vtt"


def test_saycam_layout_falls_back_too(tmp_path, make_video):
    root = tmp_path / "corpus"
    stem = "S_20141029_2412_02"
    make_video(root / "videos" / f"{stem}.mp4", seconds=4, fps=10)
    (root / "transcripts").mkdir()
    (root / "transcripts" / f"{stem}.csv").write_text("no,header,here\n", encoding="utf-8")
    (root / "transcripts" / f"{stem}.srt").write_text(SRT, encoding="utf-8")
    session, rejects = _load(root)
    assert session.transcript.suffix == ".srt" and len(session.utterances) == 2
    assert rejects[0].source.endswith(".csv") and "missing column" in rejects[0].reason


def test_when_no_transcript_parses_every_file_is_reported(tmp_path, make_video):
    session, rejects = _load(_generic(tmp_path, make_video, {".vtt": "junk\n", ".json": "{not json"}))
    assert session.utterances == []
    assert {Path(r.source).suffix for r in rejects} == {".json", ".vtt"}


def test_over_long_lines_are_rejected_in_every_format(tmp_path):
    long = "la " * (MAX_TEXT_CHARS // 3 + 10)
    files = {
        "a.srt": SRT + f"\n3\n00:00:03,000 --> 00:00:04,000\n{long}\n",
        "a.vtt": "WEBVTT\n\n00:00.200 --> 00:01.500\nlook at the ball\n\n00:03.000 --> 00:04.000\n" + long + "\n",
        "a.json": json.dumps([{"start": 0.2, "end": 1.5, "text": "look at the ball"},
                              {"start": 3.0, "end": 4.0, "text": long}]),
    }
    for name, text in files.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        res = read_transcript(path, duration=10.0)
        assert "look at the ball" in [u.text for u in res.utterances], name
        assert len(res.rejects) == 1, (name, res.rejects)
        r = res.rejects[0]
        assert r.source == str(path) and r.line is not None and f"limit of {MAX_TEXT_CHARS}" in r.reason
        assert len(json.dumps(r.to_dict())) < 2000  # the rejects file does not hold the megabyte
    csv = tmp_path / "a.csv"
    csv.write_text(f"Time,Utterance,Speaker\n0.2,look at the ball,M\n3.0,{long},M\n", encoding="utf-8")
    res = read_transcript(csv, duration=10.0)
    assert [u.text for u in res.utterances] == ["look at the ball"] and len(res.rejects) == 1


@pytest.mark.parametrize("value", [42, 4.5, ["look"], {"t": "x"}, True])
def test_json_text_must_be_a_string(tmp_path, value):
    path = tmp_path / "t.json"
    path.write_text(json.dumps([{"start": 0.2, "end": 1.0, "text": "good one"},
                                {"start": 2.0, "end": 3.0, "text": value}]), encoding="utf-8")
    res = read_transcript(path, duration=10.0)
    assert [u.text for u in res.utterances] == ["good one"]
    assert len(res.rejects) == 1 and res.rejects[0].line == 2 and "text is not a string" in res.rejects[0].reason


def damage_video(path: Path, start: float, end: float, seed: int = 0) -> None:
    """Overwrite the packets shown between `start` and `end` seconds with random bytes."""
    c = av.open(str(path))
    s = c.streams.video[0]
    packets = [(float(p.pts * s.time_base), p.pos, p.size) for p in c.demux(s) if p.pts is not None]
    c.close()
    data = bytearray(path.read_bytes())
    rng = np.random.default_rng(seed)
    for t, pos, size in packets:
        if start <= t < end:
            data[pos:pos + size] = rng.integers(0, 256, size, dtype=np.uint8).tobytes()
    path.write_bytes(bytes(data))


def test_decode_error_says_where_and_decoding_goes_on_after_the_next_keyframe(tmp_path, make_video, read_counter):
    path = make_video(tmp_path / "v.mp4", seconds=8, fps=10, gop=10)  # a keyframe every second
    damage_video(path, 3.0, 4.0)
    reader = VideoReader(path)
    with pytest.raises(VideoError) as e:
        list(reader.frames_at([0.5 + k for k in range(8)]))
    assert e.value.time == pytest.approx(3.0) and str(path) in str(e.value)
    assert reader.next_keyframe_after(e.value.time) == pytest.approx(4.0)
    later = list(reader.frames_at([4.5, 5.5, 7.5]))
    assert [read_counter(f.to_numpy()) for f in later] == [45, 55, 75]
