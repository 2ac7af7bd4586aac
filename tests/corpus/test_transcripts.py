"""Transcript parsing: SAYCam CSV quirks, SRT/VTT/JSON, and every bad-input case."""

from __future__ import annotations

import json

import pytest

from babyvlm.corpus.transcripts import (
    clean_text,
    normalize_speaker,
    parse_time,
    read_csv_transcript,
    read_json_transcript,
    read_srt,
    read_transcript,
    read_vtt,
    write_srt,
)


@pytest.mark.parametrize(
    "text,expected",
    [
        ("12", 12.0),
        ("1093.52", 1093.52),
        ("01:05", 65.0),
        ("1:05.25", 65.25),
        ("01:02:03", 3723.0),
        ("00:00:01,234", 1.234),
        ("00:00:01.001", 1.001),
        (7, 7.0),
        (2.5, 2.5),
    ],
)
def test_parse_time_formats(text, expected):
    assert parse_time(text) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("text", ["", "abc", "1:2:3:4", "01:75", "-3", "1:60:00", float("nan")])
def test_parse_time_rejects_garbage(text):
    with pytest.raises(ValueError):
        parse_time(text)


def test_clean_text_removes_annotations_and_keeps_words():
    assert clean_text("look at the *laughs* ball [inaudible] (points) there") == "look at the ball there"
    assert clean_text("  [noise]  ") == ""


@pytest.mark.parametrize(
    "raw,code", [("M", "M"), ("Mom", "M"), ("mom", "M"), ("mother", "M"), ("papa", "F"), ("F", "F"), ("Dad", "F"),
                 ("child", "C"), ("Grandma", "grandma"), ("", "unknown"), (None, "unknown")]
)
def test_speaker_codes(raw, code):
    assert normalize_speaker(raw) == code


def _csv(tmp_path, text: str | bytes, name="S_20141029_2412_02.csv"):
    p = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    p.write_bytes(text)
    return p


def test_saycam_csv_without_end_times(tmp_path):
    p = _csv(tmp_path, "Time,Video Name,Utterance,Speaker\n"
             "00:01,S_20141029_2412_02,look at the ball,Mom\n"
             "00:03,S_20141029_2412_02,*laughs* where is it?,papa\n"
             "1:00:00,S_20141029_2412_02,bye bye,M\n"
             "00:20,S_20141029_2412_02,big dog,mom\n")
    res = read_csv_transcript(p, max_utterance_seconds=4.0, duration=4000.0)
    assert res.rejects == []
    utts = res.utterances
    assert [u.start for u in utts] == [1.0, 3.0, 20.0, 3600.0]  # sorted by start
    assert utts[0].end == 3.0  # next start
    assert utts[1].end == 7.0  # capped at start + max
    assert utts[3].end == 3604.0
    assert utts[1].text == "where is it?" and utts[1].raw == "*laughs* where is it?"
    assert [u.speaker for u in utts] == ["M", "F", "M", "M"]
    assert utts[0].line == 2


def test_csv_end_column_and_video_end_cap(tmp_path):
    p = _csv(tmp_path, "Time,Video Name,Utterance,Speaker,End\n1.5,x,hello there,M,2.75\n9.0,x,last one,F,\n")
    res = read_csv_transcript(p, max_utterance_seconds=5.0, duration=10.0)
    assert [(u.start, u.end) for u in res.utterances] == [(1.5, 2.75), (9.0, 10.0)]


def test_csv_bad_lines_are_rejected_one_by_one(tmp_path):
    good = "00:01,v,good one,M\n"
    text = ("Time,Video Name,Utterance,Speaker,End\n" + good +
            "abc,v,bad time,M,\n"            # line 3: unparseable time
            "5,v,end before start,M,4\n"     # line 4
            "200,v,past the end,M,\n"        # line 5: start past the video's end
            "6,v,[inaudible],M,\n"           # line 6: empty after cleaning
            "7,v,,M,\n"                      # line 7: empty
            ).encode() + b"8,v,caf\xe9 au lait,M,\n" + b"9,v,still good,F,\n"  # line 8: Latin-1 byte
    p = _csv(tmp_path, text)
    res = read_csv_transcript(p, duration=100.0)
    assert [u.text for u in res.utterances] == ["good one", "still good"]
    by_line = {r.line: r.reason for r in res.rejects}
    assert set(by_line) == {3, 4, 5, 6, 7, 8}
    assert "unparseable time" in by_line[3]
    assert "not after start" in by_line[4]
    assert "past the video's end" in by_line[5]
    assert "empty utterance" in by_line[6] and "empty utterance" in by_line[7]
    assert "UTF-8" in by_line[8]
    for r in res.rejects:
        line = r.one_line()
        assert "\n" not in line and str(p) in line
        json.dumps(r.to_dict())  # the record must be serialisable for rejects.jsonl


def test_csv_missing_column_is_one_reject(tmp_path):
    p = _csv(tmp_path, "When,What\n1,hello\n")
    res = read_csv_transcript(p)
    assert res.utterances == [] and len(res.rejects) == 1 and "missing column" in res.rejects[0].reason


def test_srt_millisecond_precision_and_speakers(tmp_path):
    p = tmp_path / "a.srt"
    p.write_text("1\n00:00:01,001 --> 00:00:02,999\nMOM: look at the ball\n\n"
                 "2\n00:00:03,500 --> 00:00:04,250\nwhere did it go\n\n"
                 "3\n00:00:05,000 --> garbage\nbad cue\n\n"
                 "4\n00:00:07,000 --> 00:00:06,000\nbackwards\n", encoding="utf-8")
    res = read_srt(p)
    assert [(u.start, u.end) for u in res.utterances] == [(1.001, 2.999), (3.5, 4.25)]
    assert res.utterances[0].speaker == "M" and res.utterances[0].text == "look at the ball"
    assert res.utterances[1].speaker == "unknown"
    assert {r.line for r in res.rejects} == {10, 14}


def test_vtt_voice_tags_short_times_and_notes(tmp_path):
    p = tmp_path / "a.vtt"
    p.write_text("WEBVTT\n\nNOTE a comment\n\ncue-1\n00:01.250 --> 00:02.500 align:start\n<v Dad>hi <i>baby</i></v>\n\n"
                 "01:00:00.100 --> 01:00:01.900\nlong video\n", encoding="utf-8")
    res = read_vtt(p)
    assert res.rejects == []
    assert [(u.start, u.end, u.speaker, u.text) for u in res.utterances] == [
        (1.25, 2.5, "F", "hi baby"), (3600.1, 3601.9, "unknown", "long video")]


def test_vtt_without_header_is_rejected(tmp_path):
    p = tmp_path / "a.vtt"
    p.write_text("00:01.000 --> 00:02.000\nhi\n", encoding="utf-8")
    assert read_vtt(p).utterances == [] and "WEBVTT" in read_vtt(p).rejects[0].reason


def test_json_transcript(tmp_path):
    p = tmp_path / "a.json"
    p.write_text(json.dumps([{"start": 0.5, "end": 1.25, "text": "ball", "speaker": "mom"},
                             {"start": "00:02", "end": 3, "text": "dog"},
                             {"start": 5, "end": 4, "text": "backwards"},
                             {"text": "no start"}]), encoding="utf-8")
    res = read_json_transcript(p)
    assert [(u.start, u.end, u.speaker) for u in res.utterances] == [(0.5, 1.25, "M"), (2.0, 3.0, "unknown")]
    assert {r.line for r in res.rejects} == {3, 4}


def test_srt_round_trip(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("Time,Utterance,Speaker,End\n1.25,look at the ball,M,2.5\n3,good job,F,4.125\n", encoding="utf-8")
    utts = read_transcript(p).utterances
    write_srt(tmp_path / "b.srt", utts)
    back = read_transcript(tmp_path / "b.srt").utterances
    assert [(u.start, u.end, u.text, u.speaker) for u in back] == [(u.start, u.end, u.text, u.speaker) for u in utts]
