"""The whole chain on the tiny world: `babyvlm demo` (and its resume) and `babyvlm curve`."""

from __future__ import annotations

import json

import pytest

from babyvlm.cli import main
from babyvlm.corpus import open_corpus
from babyvlm.pipeline.curve import DAYS_PER_MONTH, corpus_view
from babyvlm.pipeline.demo import STEP_NAMES


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out), "--config", "demo/tiny"]) == 0
    return out


def test_demo_writes_every_output(demo_dir):
    for sub in ("world/corpus.json", "pretrain/stats.json", "pretrain/train/mix_format.json",
                "devcv/MANIFEST.json", "devcv/test/count/data.json", "run/stage3/model/config.json",
                "eval/results.json", "eval/scores.json", "report.md", "report_losses.png", "config.yaml"):
        assert (demo_dir / sub).exists(), sub
    report = (demo_dir / "report.md").read_text()
    for heading in ("## Time per step", "## The world", "## Pretraining set", "## Training", "## DevCV Toolbox"):
        assert heading in report
    for heading in ("## Fit versus generalisation", "## Does pretraining matter? (ablations)"):
        assert heading in report
    assert "model, no images" in report
    results = json.loads((demo_dir / "eval" / "results.json").read_text())
    model = results["model"]
    assert set(results["baselines"]) == {"random", "blind", "pixel", f"{model} (no images)"}
    assert set(results["fit"]) == set(results["tasks"])  # every task also scored on its training items
    ablation = json.loads((demo_dir / "ablations" / "stage3_only" / "eval" / "results.json").read_text())
    assert ablation["baselines"] == [] and len(ablation["tasks"]) == 12
    done = json.loads((demo_dir / "ablations" / "stage3_only" / "run" / "stage3" / "done.json").read_text())
    assert set(done["init"].values()) == {"new"}  # stage 3 alone starts from a fresh model
    # every DevCV task of the build was evaluated, and the table has a row for each
    assert len(results["tasks"]) == 12
    for name in results["tasks"]:
        assert f"| {name} (n=" in report
    for s in ("0a", "0b", "1", "2", "3"):
        assert (demo_dir / "run" / f"stage{s}" / "done.json").exists()


def test_demo_rerun_resumes_without_redoing_work(demo_dir, capsys):
    before = (demo_dir / "eval" / "results.json").read_bytes()
    assert main(["demo", "--out", str(demo_dir), "--config", "demo/tiny"]) == 0
    out = capsys.readouterr().out
    for name in STEP_NAMES[:-1]:
        assert f"{name}: done earlier" in out
    assert (demo_dir / "eval" / "results.json").read_bytes() == before


def test_corpus_view_keeps_sessions_up_to_the_age(demo_dir, tmp_path):
    ages = sorted(e.age_days for e in open_corpus(demo_dir / "world").entries)
    cut = ages[len(ages) // 2]
    n, hours = corpus_view(demo_dir / "world", tmp_path / "view", cut)
    view = open_corpus(tmp_path / "view")
    assert n == len(view.entries) == sum(a <= cut for a in ages) and hours > 0
    assert all(e.age_days <= cut for e in view.entries)
    assert (tmp_path / "view" / "corpus.json").exists()


def test_curve_on_the_tiny_world(demo_dir, tmp_path):
    out = tmp_path / "curve"
    assert main(["curve", str(demo_dir / "world"), "--out", str(out), "--config", "curve/tiny",
                 "--devcv", str(demo_dir / "devcv"), "--ages", "14,32"]) == 0
    curve = json.loads((out / "curve.json").read_text())
    assert curve["ages"] == [14.0, 32.0]
    first, last = curve["rows"]
    assert first["sessions"] < last["sessions"]  # more experience at 32 months
    assert first["video_hours"] < last["video_hours"]
    assert set(first["tasks"]) == set(last["tasks"]) and len(first["tasks"]) == 12
    for row in curve["rows"]:
        for t in row["tasks"].values():
            assert t["value"] is None or 0.0 <= t["value"] <= 1.0
    table = (out / "curve.md").read_text()
    assert "| count |" in table and "14 mo" in table and "32 mo" in table
    assert (out / "curve.png").stat().st_size > 10_000
    # the 14-month model only saw sessions recorded by then
    assert all(e.age_days <= 14 * DAYS_PER_MONTH for e in open_corpus(out / "age_14" / "corpus").entries)


@pytest.mark.parametrize("command, bad, reason", [
    ("demo", "train_set=[stage3.epoch=3]", "unknown config key 'train.stage3.epoch'"),
    ("demo", "eval_set=[limit=0]", "limit 0: must be at least 1"),
    ("demo", "world_set=[fps=abc]", "fps"),
    ("curve", "devcv_set=[items.tran=3]", "unknown config key 'devcv.items.tran'"),
])
def test_a_bad_step_override_stops_the_run_before_any_step(command, bad, reason, tmp_path, capsys):
    # a per-step override is a string until its step builds it: checked up front, not minutes in
    args = [command, "--out", str(tmp_path / "out"), "--set", bad]
    if command == "curve":
        args = [command, str(tmp_path), "--ages", "12", *args[1:]]
    assert main(args) == 2
    assert reason in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_ablations_keep_the_vision_warmup_of_the_main_recipe(tmp_path):
    from babyvlm.pipeline.ablations import ablation_overrides

    assert ablation_overrides("stage3_only", tmp_path, ["0a", "0b", "1", "2", "3"]) == (["stage3.init=[]"], ["3"])
    assert ablation_overrides("stage3_only", tmp_path, ["0a", "0b", "1", "2", "3v", "3"]) == (
        ["stage3v.init=[]"], ["3v", "3"])  # 3v from a fresh model; stage 3 keeps starting from 3v
    sets, stages = ablation_overrides("no_video", tmp_path, ["0a", "0b", "1", "2", "3v", "3"])
    assert stages == ["1", "2", "3v", "3"] and "stage1.formats=[single_image,interleaved]" in sets
