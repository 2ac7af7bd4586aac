"""`babyvlm train` on the command line: outputs, one-line errors, the contrastive stage-0b option."""

from __future__ import annotations

import json
import shutil

from babyvlm.cli import main
from babyvlm.util.io import read_json


def _sets(overrides):
    return [a for o in overrides for a in ("--set", o)]


def test_help_has_an_example(capsys):
    assert main(["train", "--help"]) == 0
    out = capsys.readouterr().out
    assert "Example:" in out and "babyvlm train --stage 0a --run" in out


def test_cli_trains_a_stage_and_says_where_it_wrote(tmp_path, toy_pretrain, micro_overrides, capsys):
    run = tmp_path / "run"
    assert main(["train", "--stage", "0a", "--run", str(run), "--data", str(toy_pretrain), "--config", "tiny",
                 *_sets(micro_overrides)]) == 0
    out = capsys.readouterr().out
    assert f"stage 0a model: {run / 'stage0a' / 'model'}" in out and "final loss" in out
    # the run remembers its data and preset: the next stage needs neither
    assert read_json(run / "run.json")["pretrain"] == str(toy_pretrain.resolve())
    assert main(["train", "--stage", "0b", "--run", str(run), *_sets(micro_overrides)]) == 0
    assert (run / "stage0b" / "done.json").exists()


def test_mismatched_image_tokens_exit_2_with_one_line_naming_the_sample(tmp_path, toy_pretrain, micro_overrides,
                                                                       capsys):
    bad = tmp_path / "bad"
    shutil.copytree(toy_pretrain, bad)
    items = json.loads((bad / "train" / "single_image.json").read_text())
    items[3]["conversations"][0]["value"] = "<image> <image>"
    (bad / "train" / "single_image.json").write_text(json.dumps(items))
    run = tmp_path / "run"
    code = main(["train", "--stage", "2", "--run", str(run), "--data", str(bad), "--config", "tiny",
                 *_sets([*micro_overrides, "stage2.init=[]", "stage2.formats=[single_image]"])])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert err[-1] == (f"error: {bad / 'train' / 'single_image.json'}: sample {items[3]['id']}: "
                       "2 <image> tokens but 1 images")


def test_missing_earlier_stage_and_unknown_stage(tmp_path, toy_pretrain, capsys):
    code = main(["train", "--stage", "1", "--run", str(tmp_path / "r"), "--data", str(toy_pretrain)])
    assert code == 2
    assert "starts from stage 0a, which" in capsys.readouterr().err
    assert main(["train", "--stage", "4", "--run", str(tmp_path / "r")]) == 2
    assert "unknown stage '4'" in capsys.readouterr().err
    code = main(["train", "--stage", "0a", "--run", str(tmp_path / "r"), "--data", str(toy_pretrain),
                 "--set", "stage0a.trainable=[eyes]"])
    assert code == 2 and "unknown part 'eyes'" in capsys.readouterr().err


def test_contrastive_stage0b_starts_its_text_tower_from_stage0a(trained_run, micro_cfg, tmp_path):
    from babyvlm.train.stages import run_stage

    run = tmp_path / "run"
    for d in ("stage0a", "processor"):
        shutil.copytree(trained_run / d, run / d)
    shutil.copy(trained_run / "run.json", run / "run.json")
    rec = run_stage("0b", run, micro_cfg("stage0b.ssl=contrastive", "stage0b.max_steps=3", "stage0b.batch_size=8"),
                    preset="tiny")
    assert rec["init"]["text_tower"] == "stage0a/model embeddings" and rec["data"]["objective"] == "contrastive"
    assert rec["steps"] == 3 and rec["final"]["loss"] > 0
    assert read_json(run / "stage0b" / "model" / "config.json")["model_type"] == "vit"
