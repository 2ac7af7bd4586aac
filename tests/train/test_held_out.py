"""Training refuses a pretraining set that holds sessions its DevCV build keeps for val or test (two
builds made from different splits), allows it where the set says it shares the corpus as the paper
did, and records the check in run.json."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from babyvlm.errors import InputError
from babyvlm.train.held_out import check_held_out


def _pretrain(root: Path, stems: list[str], split: str = "corpus") -> Path:
    (root / "train").mkdir(parents=True)
    recs = [{"id": f"{s}_{k}", "image": [], "meta": {"stem": s},
             "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "the ball"}]}
            for s in stems for k in range(2)]
    (root / "train" / "single_image.json").write_text(json.dumps(recs))
    (root / "stats.json").write_text(json.dumps({"sessions": {"split": split}}))
    return root


def _devcv(root: Path, sessions: dict[str, list[str]]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "MANIFEST.json").write_text(json.dumps({"sources": {"sessions": sessions}}))
    return root


SPLIT = {"train": ["A_1", "A_2"], "val": ["A_3"], "test": ["A_4", "B_1"]}


def test_builds_from_one_split_pass_and_are_recorded(tmp_path):
    rec = check_held_out(_pretrain(tmp_path / "p", ["A_1", "A_2"]), _devcv(tmp_path / "d", SPLIT))
    assert rec == {"checked": True, "pretrain_sessions": 2, "devcv_held_out": 3, "overlap": 0,
                   "pretrain_split": "corpus"}


def test_a_held_out_session_in_the_pretraining_set_is_a_one_line_error(tmp_path):
    with pytest.raises(InputError) as e:
        check_held_out(_pretrain(tmp_path / "p", ["A_1", "B_1"]), _devcv(tmp_path / "d", SPLIT))
    msg = str(e.value)
    assert "\n" not in msg and "1 session(s)" in msg and "for test (first: B_1)" in msg and "--splits" in msg


def test_the_papers_shared_use_is_allowed_and_said(tmp_path, caplog):
    with caplog.at_level(logging.WARNING, logger="babyvlm"):
        rec = check_held_out(_pretrain(tmp_path / "p", ["A_1", "A_3", "B_1"], split="shared"),
                             _devcv(tmp_path / "d", SPLIT))
    assert rec["overlap"] == 2 and rec["pretrain_split"] == "shared" and "split.shared" in caplog.text


def test_what_cannot_be_checked_says_why(tmp_path):
    (tmp_path / "official").mkdir()
    rec = check_held_out(_pretrain(tmp_path / "p", ["A_1"]), tmp_path / "official")
    assert rec["checked"] is False and "MANIFEST.json" in rec["why"]
    assert check_held_out(None, tmp_path / "official") is None


def test_a_stage_stops_before_training_on_a_leak(micro_cfg, toy_pretrain, toy_devcv, tmp_path):
    from babyvlm.train.stages import run_stage

    pretrain, devcv = tmp_path / "pretrain", tmp_path / "devcv"
    shutil.copytree(toy_pretrain, pretrain)
    shutil.copytree(toy_devcv, devcv)
    for path in (pretrain / "train").glob("*.json"):  # the toy set's samples, as if from session S_1
        recs = json.loads(path.read_text())
        path.write_text(json.dumps([{**r, "meta": {**r.get("meta", {}), "stem": "S_1"}} for r in recs]))
    _devcv(devcv, {"train": [], "val": [], "test": ["S_1"]})
    with pytest.raises(InputError, match="holds out for test"):
        run_stage("3", tmp_path / "run", micro_cfg(pretrain=pretrain, devcv=devcv), preset="tiny",
                  model_overridden=True)
    assert not (tmp_path / "run" / "stage3" / "model").exists()


def test_the_run_records_the_check(trained_run):
    info = json.loads((trained_run / "run.json").read_text())
    assert "held_out_check" in info  # the toy DevCV folder has no manifest: recorded as not checked
    assert info["held_out_check"]["checked"] is False
