"""Opening corpora in both layouts; every bad session becomes a reject and the rest still loads."""

from __future__ import annotations

import inspect
import json
import shutil

import pytest

from babyvlm.cli import main
from babyvlm.corpus import CorpusOptions, open_corpus
from babyvlm.corpus.stems import age_months_days, birth_date_from_age, parse_stem
from babyvlm.errors import InputError


def test_stem_age_arithmetic():
    info = parse_stem("S_20141029_2412_02")
    assert (info.child, str(info.date), info.age_months, info.age_extra_days, info.part) == ("S", "2014-10-29", 24, 12, 2)
    assert str(info.birth_date) == "2012-10-17"
    assert info.age_days == 742
    assert age_months_days(info.birth_date, info.date) == (24, 12)
    assert parse_stem("not_a_stem") is None and parse_stem("S_20141399_2412_02") is None


@pytest.mark.parametrize("birth,date", [("2013-01-31", "2013-03-30"), ("2012-02-29", "2014-03-01"), ("2019-05-15", "2019-11-14")])
def test_age_round_trip(birth, date):
    import datetime as dt

    b, d = dt.date.fromisoformat(birth), dt.date.fromisoformat(date)
    m, days = age_months_days(b, d)
    assert birth_date_from_age(d, m, days) == b


def _saycam(tmp_path, make_video):
    root = tmp_path / "corpus"
    (root / "transcripts").mkdir(parents=True)
    for stem in ("S_20141029_2412_02", "A_20150102_0801_01"):
        make_video(root / "videos" / f"{stem}.mp4", seconds=4, fps=10)
        (root / "transcripts" / f"{stem}.csv").write_text(
            "Time,Video Name,Utterance,Speaker\n00:00.5,x,look at the ball,Mom\n00:02,x,good job,papa\n", encoding="utf-8")
    return root


def test_saycam_layout_sessions(tmp_path, make_video):
    root = _saycam(tmp_path, make_video)
    corpus = open_corpus(root)
    assert corpus.layout == "saycam" and len(corpus) == 2
    sessions = corpus.sessions()
    assert inspect.isgenerator(sessions)  # streaming, one session at a time
    sessions = list(sessions)
    assert corpus.rejects == []
    by_child = {s.child: s for s in sessions}
    assert by_child["S"].age_days == 742
    s = by_child["S"]
    assert s.duration == pytest.approx(4.0, abs=0.11)
    assert [(u.start, u.end, u.text, u.speaker) for u in s.utterances] == [(0.5, 2.0, "look at the ball", "M"), (2.0, 4.0, "good job", "F")]


def test_birth_dates_in_corpus_json_take_precedence(tmp_path, make_video):
    root = _saycam(tmp_path, make_video)
    (root / "corpus.json").write_text(json.dumps({"children": {"S": {"birth_date": "2012-10-19"}}}), encoding="utf-8")
    s = next(s for s in open_corpus(root).sessions() if s.child == "S")
    assert s.age_days == 740


def test_every_bad_session_is_rejected_and_the_rest_load(tmp_path, make_video):
    root = _saycam(tmp_path, make_video)
    good = (root / "videos" / "S_20141029_2412_02.mp4").read_bytes()
    # a truncated video, a corrupt one, a transcript without a video, a video without a transcript
    (root / "videos" / "S_20141105_2419_01.mp4").write_bytes(good[: len(good) // 3])
    (root / "transcripts" / "S_20141105_2419_01.csv").write_text("Time,Utterance\n1,hi\n", encoding="utf-8")
    (root / "videos" / "S_20141106_2420_01.mp4").write_bytes(b"garbage" * 500)
    (root / "transcripts" / "S_20141106_2420_01.csv").write_text("Time,Utterance\n1,hi\n", encoding="utf-8")
    (root / "transcripts" / "Y_20150101_1000_01.csv").write_text("Time,Utterance\n1,hi\n", encoding="utf-8")
    shutil.copy(root / "videos" / "S_20141029_2412_02.mp4", root / "videos" / "Y_20150102_1001_01.mp4")
    # a transcript with one bad line among good ones
    (root / "transcripts" / "A_20150102_0801_01.csv").write_text(
        "Time,Utterance,Speaker\n0.5,hello,M\nxx:yy,broken,M\n3,bye,F\n", encoding="utf-8")
    corpus = open_corpus(root)
    sessions = list(corpus.sessions())
    assert sorted(s.stem for s in sessions) == ["A_20150102_0801_01", "S_20141029_2412_02"]
    a = next(s for s in sessions if s.child == "A")
    assert [u.text for u in a.utterances] == ["hello", "bye"]
    reasons = {(r.source.split("/")[-1], r.line): r.reason for r in corpus.rejects}
    assert "transcript without a video" in reasons[("Y_20150101_1000_01.csv", None)]
    assert "video without a transcript" in reasons[("Y_20150102_1001_01.mp4", None)]
    assert "unparseable time" in reasons[("A_20150102_0801_01.csv", 3)]
    assert ("S_20141105_2419_01.mp4", None) in reasons and ("S_20141106_2420_01.mp4", None) in reasons
    assert len(corpus.rejects) == 5


def test_generic_layout(tmp_path, make_video):
    root = tmp_path / "mine"
    make_video(root / "kid1" / "morning.mp4", seconds=3)
    (root / "kid1" / "morning.srt").write_text("1\n00:00:00,500 --> 00:00:01,500\nMOM: hi there\n", encoding="utf-8")
    make_video(root / "kid2" / "day" / "play.mov", seconds=3)
    (root / "kid2" / "day" / "play.json").write_text(json.dumps([{"start": 1, "end": 2, "text": "ball"}]), encoding="utf-8")
    (root / "orphan.vtt").write_text("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", encoding="utf-8")
    corpus = open_corpus(root)
    assert corpus.layout == "generic"
    sessions = {s.stem: s for s in corpus.sessions()}
    assert set(sessions) == {"morning", "play"}
    assert sessions["morning"].child == "kid1" and sessions["play"].child == "kid2"
    assert sessions["morning"].age_days is None
    assert sessions["morning"].utterances[0].speaker == "M"
    assert [r.reason for r in corpus.rejects] == ["transcript without a video"]


def test_no_corpus_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no corpus here"):
        open_corpus(tmp_path / "empty")


def test_corpus_info_cli(tmp_path, make_video, capsys):
    root = _saycam(tmp_path, make_video)
    (root / "transcripts" / "Y_20150101_1000_01.csv").write_text("Time,Utterance\n1,hi\n", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    assert main(["corpus", "info", str(root), "--rejects", str(rejects)]) == 0
    out = capsys.readouterr().out
    assert "sessions    2 loaded of 2 listed" in out and "child S: 1 sessions" in out and "rejects     1" in out
    rows = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert rows[0]["reason"] == "transcript without a video"
    assert main(["corpus", "info", str(root), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["sessions"] == 2 and info["utterances"] == 4 and info["speakers"] == {"M": 2, "F": 2}
    assert info["age_months_covered"] == [8, 24]


def test_cli_bad_path_is_one_line(tmp_path, capsys):
    (tmp_path / "x").mkdir()
    assert main(["corpus", "info", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and "\n" not in err


def test_options_cap_inferred_ends(tmp_path, make_video):
    root = _saycam(tmp_path, make_video)
    corpus = open_corpus(root, CorpusOptions(max_utterance_seconds=0.5, check_videos=False))
    s = next(iter(corpus.sessions()))
    assert [u.end - u.start for u in s.utterances] == [0.5, 0.5]
