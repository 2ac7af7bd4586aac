"""Every stage on the tiny world's pretraining set and DevCV train split (slow: builds the world first)."""

from __future__ import annotations

import pytest

from babyvlm.util.io import read_json, read_jsonl

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def world_data(tmp_path_factory):
    from babyvlm.cli import main

    root = tmp_path_factory.mktemp("world")
    assert main(["world", "--out", str(root / "world"), "--preset", "tiny"]) == 0
    assert main(["pretrain", "build", str(root / "world"), "--out", str(root / "pretrain"), "--scorer", "oracle"]) == 0
    assert main(["devcv", "build", str(root / "world"), "--out", str(root / "devcv")]) == 0
    return root


def test_each_stage_runs_on_the_tiny_world(world_data, tmp_path):
    from babyvlm.cli import main

    run = tmp_path / "run"
    short = ["--set", "stage0a.max_steps=20", "--set", "stage0b.max_steps=4", "--set", "stage1.max_steps=6",
             "--set", "stage2.max_steps=6", "--set", "stage3.max_steps=6", "--set", "tensorboard=false"]
    assert main(["train", "--stage", "0a,0b,1,2", "--run", str(run), "--data", str(world_data / "pretrain"),
                 "--config", "tiny", *short]) == 0
    assert main(["train", "--stage", "3", "--run", str(run), "--data", str(world_data / "devcv"), *short,
                 "--out", str(tmp_path / "model")]) == 0
    for s in ("0a", "0b", "1", "2", "3"):
        done = read_json(run / f"stage{s}" / "done.json")
        losses = [r["loss"] for r in read_jsonl(run / f"stage{s}" / "metrics.jsonl") if "loss" in r]
        assert len(losses) == done["steps"] > 0
    lm = [r["loss"] for r in read_jsonl(run / "stage0a" / "metrics.jsonl") if "loss" in r]
    assert lm[-1] < lm[0] - 1.0  # the LM learns the transcripts' words within 20 steps
    d3 = read_json(run / "stage3" / "done.json")
    assert d3["data"]["train_samples"] > 1000 and d3["init"]["connector"] == "stage2/model"
    assert (tmp_path / "model" / "config.json").exists()
    check = read_json(run / "run.json")["held_out_check"]  # one world, one splits.json: nothing shared
    assert check["checked"] and check["overlap"] == 0 and check["devcv_held_out"] > 0
