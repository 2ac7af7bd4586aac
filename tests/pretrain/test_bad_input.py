"""Bad videos and transcripts become rejects with a reason; everything good is still built."""

import json
import shutil

import pytest

from babyvlm.cli import main
from babyvlm.pretrain.assemble import assemble
from babyvlm.pretrain.build import build
from babyvlm.pretrain.check import check_set


@pytest.fixture
def corpus_copy(tiny_corpus, tmp_path):
    root = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, root)
    return root


def rejects(out):
    return [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]


def test_truncated_video_orphans_and_bad_lines_are_rejected(corpus_copy, tmp_path, oracle_cfg):
    v = corpus_copy / "videos" / "S_20141029_0612_01.mp4"
    v.write_bytes(v.read_bytes()[:1500])  # truncated
    (corpus_copy / "transcripts" / "S_20160101_2000_01.csv").write_text("Time,Video Name,Utterance,Speaker\n1,x,hi,M\n")
    t = corpus_copy / "transcripts" / "A_20150301_1002_01.csv"
    t.write_text(t.read_text() + "zz:99,x,broken time,M,1\n")
    out = tmp_path / "set"
    res = build(corpus_copy, out, oracle_cfg())
    r = rejects(out)
    reasons = " | ".join(x["reason"] for x in r)
    assert any(x["source"].endswith("S_20141029_0612_01.mp4") for x in r), reasons
    assert "transcript without a video" in reasons
    assert "unparseable time" in reasons
    assert res.stats["rejects"] == len(r) >= 3
    # the good sessions of the set still give their samples (two: the third good one is the
    # corpus's test session, held out of the set)
    assert res.stats["filters"]["video"]["kept"] == 4 and res.stats["sessions"]["held_out_test"] == 1
    assert check_set(out)[0] == []


def test_a_missing_frame_file_never_yields_a_sample(tiny_corpus, tmp_path, oracle_cfg):
    from babyvlm.pretrain.split import split_sessions

    out = tmp_path / "set"
    cfg = oracle_cfg()
    build(tiny_corpus, out, cfg)
    victim = sorted((out / "frames").iterdir())[0]
    victim.unlink()
    stems = sorted(p.stem for p in (out / "parts").glob("*.json"))
    stats = assemble(out, cfg, stems, split_of=split_sessions(stems, cfg.split.val_fraction, cfg.seed))
    assert check_set(out)[0] == []
    assert any(r["reason"].startswith("frame file missing") for r in rejects(out))
    # three sessions in the set (the corpus's test session is held out), one clip lost with its frame
    assert stats["filters"]["video"]["kept"] == 6 and stats["counts"]["train"]["video"] + stats["counts"]["val"]["video"] == 5


def test_validator_finds_tampering(tiny_corpus, tmp_path, oracle_cfg):
    out = tmp_path / "set"
    build(tiny_corpus, out, oracle_cfg())
    path = out / "train" / "single_image.json"
    data = json.loads(path.read_text())
    data[0]["conversations"][0]["value"] = "<image> <image>"
    data[1]["id"] = data[2]["id"]
    data[3]["image"] = ["frames/nope.jpg"]
    data[4]["image"] = "frames/x.jpg"
    path.write_text(json.dumps(data))
    val = json.loads((out / "val" / "video.json").read_text())
    train_video = json.loads((out / "train" / "video.json").read_text())
    val.append(train_video[0] | {"id": "moved"})
    (out / "val" / "video.json").write_text(json.dumps(val))
    problems, _ = check_set(out)
    text = "\n".join(problems)
    assert "2 <image> tokens for 1 images" in text
    assert "duplicate ids" in text
    assert "frames/nope.jpg does not exist" in text
    assert "must be a non-empty list" in text
    assert "sessions in both train and val" in text
    assert "mix_format.json: does not hold exactly" in text


def test_cli_errors_are_one_line_and_exit_2(tiny_corpus, tmp_path, capsys):
    assert main(["pretrain", "build", str(tiny_corpus), "--out", str(tmp_path / "o"), "--scorer", "magic"]) == 2
    assert "unknown scorer" in capsys.readouterr().err
    assert main(["pretrain", "build", str(tiny_corpus), "--out", str(tmp_path / "o"), "--shard", "2/2"]) == 2
    assert main(["pretrain", "build", str(tiny_corpus), "--out", str(tmp_path / "o"), "--shard", "0/2"]) == 2
    assert "--scorer-model" in capsys.readouterr().err  # shards need one shared baby scorer
    assert main(["pretrain", "build", str(tiny_corpus), "--out", str(tmp_path / "o"), "--set", "segment.nope=1"]) == 2
    (tmp_path / "empty").mkdir()
    assert main(["pretrain", "check", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("error: ")
