"""`babyvlm devcv build` on the tiny world: layout, official format, loading and scoring through the
task classes and `babyvlm eval`, answer balance, splits, determinism, resume, CLI errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from babyvlm.cli import main
from babyvlm.config import build_config
from babyvlm.devcv.builder import DevCVBuildConfig, build_toolbox
from babyvlm.tasks.devcv import DEVCV_TASKS
from babyvlm.tasks.devcv.memory import memory_structure

OFFICIAL = Path(__file__).resolve().parents[2].parent / "shared" / "fixtures" / "devcv-official" / "saycam" / "test"
FOLDERS = [cls.folder for cls in DEVCV_TASKS.values()]
W = r"[a-z][a-z ]*"
PROMPTS = {  # every human turn of a task matches its pattern; the official items match it too
    "picture_vocabulary": rf"<image><image><image><image>\n Touch the image of '{W}' \(A\) the first image \(B\) the second "
                          r"image \(C\) the third image \(D\) the fourth image\.",
    "localize": rf"<image> Point at the {W}\. Is it in the \(A\) top left or \(B\) top right or \(C\) bottom left or "
                r"\(D\) bottom right of the image\?",
    "leftright": r"<image> Which of the following is the same as this\? Answer with a number\. \(A\) <image> \(B\) <image> "
                 r"\(C\) <image>",
    "spatialdetails": r"<image> Which of the following contains exactly this object\? \(A\) <image> \(B\) <image> \(C\) "
                      r"<image>\. Pay attention to details and give only a letter A-C\.",
    "compare_real": rf"Which image has more {W}\? \(A\) <image> \(B\) <image>",
    "compare_synthetic": rf"Which image has more {W}\? Answer \(A\) <image> \(B\) <image>",
    "count": rf"<image> How many {W} do you see\?",
    "subitizing": rf"<image> How many {W} do you see\?",
    "vdr-binary": rf"(<image>){{5,9}} does the {W} leave the frame through the (right side of the frame or the left side "
                  r"of the frame\? respond ONLY with 'right' or 'left'|top of the frame or the bottom of the frame\? "
                  r"respond ONLY with 'top' or 'bottom')\.",
    "vdr-open": rf"(<image>){{5,9}} which part of the frame (does the {W}|do the {W} collectively) leave from\? respond ONLY with one of: 'top', "
                r"'bottom', 'left', 'right', 'top right', 'top left', 'bottom right', or 'bottom left'\.",
    "memory": r"(Touch the new image\. \(A\) <image>|Let's try more\. Touch the new image\. \(A\) <image> \(B\) <image>"
              r"|<image> Touch the new image\. \(A\) the first image|<image> <image> Let's try more\. Touch the new "
              r"image\. \(A\) the first image \(B\) the second image\.)",  # the official items use both forms
    "looking_while_listening": rf"<image> <image> Look at the {W}! \(A\) the first image \(B\) the second image",
}
OUR_FIELDS = {"meta", "phrases"}


def _cfg(*overrides: str) -> DevCVBuildConfig:
    return build_config(DevCVBuildConfig, section="devcv", preset="devcv/tiny", overrides=list(overrides))


@pytest.fixture(scope="session")
def built(tiny_world, tmp_path_factory):
    out = tmp_path_factory.mktemp("devcv") / "toolbox"
    return out, build_toolbox(tiny_world, out, _cfg("workers=2"))


def _records(out: Path, split: str, folder: str) -> list[dict]:
    return json.loads((out / split / folder / "data.json").read_text(encoding="utf-8"))


def test_layout_and_manifest(built):
    out, res = built
    man = json.loads((out / "MANIFEST.json").read_text())
    assert man["seed"] == 0 and man["sources"]["annotations"] == "world ground truth"
    sessions = man["sources"]["sessions"]
    assert not set(sessions["train"]) & set(sessions["test"]) and not set(sessions["val"]) & set(sessions["test"])
    assert len(sessions["test"]) == 2 and len(sessions["val"]) == 1 and len(sessions["train"]) == 3
    assert man["vocabulary"]["kept_boxes"] > 0
    for folder in FOLDERS:
        for split in ("train", "test"):
            assert (out / split / folder / "data.json").is_file(), f"{split}/{folder} missing"
        info = man["tasks"][folder]["test"]
        assert info["items"] == len(_records(out, "test", folder)) > 0
        assert sum(info["answers"].values()) >= info["items"]
    entries = {(e["split"], e["task"]) for e in man["entries"]}
    assert ("test", "vdr-open") in entries and man["total_items"] == sum(e["n_items"] for e in man["entries"])
    assert (out / "config.yaml").is_file() and str(out) not in (out / "MANIFEST.json").read_text()


@pytest.mark.parametrize("folder", FOLDERS)
def test_items_have_the_official_form(built, folder):
    out, _ = built
    pattern = re.compile(PROMPTS[folder])
    official = OFFICIAL / folder / "data.json"
    off = json.loads(official.read_text()) if official.exists() else []
    for rec in off:  # the patterns are the official wording
        for turn in rec["conversations"]:
            if turn["from"] == "human":
                assert pattern.fullmatch(turn["value"]), turn["value"]
    for split in ("train", "test"):
        for rec in _records(out, split, folder):
            for turn in rec["conversations"]:
                if turn["from"] == "human":
                    assert pattern.fullmatch(turn["value"]), (rec["id"], turn["value"])
            if off:
                ours = [k for k in rec if k not in OUR_FIELDS]
                assert ours == [k for k in off[0] if k in ours] and set(ours) == set(off[0]), (ours, list(off[0]))
                ext = {Path(p).suffix for p in off[0]["image"]}
                assert {Path(p).suffix for p in rec["image"]} <= ext | {".jpeg", ".jpg"} and \
                    Path(rec["image"][-1]).suffix in ext
            for p in rec["image"] + ([rec["gif"]] if "gif" in rec else []):
                assert (out / split / folder / p).is_file()


@pytest.mark.parametrize("name", list(DEVCV_TASKS))
def test_items_load_and_check_in_the_task_classes(built, name):
    out, _ = built
    task = DEVCV_TASKS[name]()
    items = task.load(out / "test" / task.folder)
    assert items
    task.setup(items)
    chance = task.chance(items)[task.primary]
    assert chance is not None and 0 < chance < 1


def test_eval_runs_every_task_with_the_three_baselines(built, tmp_path):
    out, _ = built
    rc = main(["eval", "--model", "random", "--baselines", "blind,pixel", "--data", str(out / "test"),
               "--tasks", "devcv", "--out", str(tmp_path / "eval")])
    assert rc == 0
    res = json.loads((tmp_path / "eval" / "results.json").read_text())
    assert set(res["tasks"]) == set(DEVCV_TASKS)
    for t in res["tasks"].values():
        assert set(t["models"]) == {"random", "blind", "pixel"}


def test_answers_are_balanced(built):
    out, _ = built
    for folder, options in (("picture_vocabulary", "ABCD"), ("localize", "ABCD"), ("leftright", "ABC"),
                            ("spatialdetails", "ABC"), ("compare_real", "AB"), ("compare_synthetic", "AB"),
                            ("looking_while_listening", "AB")):
        for split in ("train", "test"):
            golds = [r["conversations"][1]["value"] for r in _records(out, split, folder)]
            counts = [golds.count(o) for o in options]
            assert max(counts) - min(counts) <= 1, (split, folder, counts)
    golds = [r["conversations"][1]["value"] for r in _records(out, "train", "subitizing")]
    assert max(golds.count(str(n)) for n in range(1, 5)) - min(golds.count(str(n)) for n in range(1, 5)) <= 1


def test_leftright_gold_is_not_a_pixel_copy_and_foils_are_mirrored(built):
    out, _ = built
    for rec in _records(out, "test", "leftright"):
        folder = out / "test" / "leftright"
        ims = [np.asarray(Image.open(folder / p).convert("L").resize((64, 64)), np.float32) for p in rec["image"]]
        gold = "ABC".index(rec["conversations"][1]["value"]) + 1
        assert np.abs(ims[0] - ims[gold]).mean() > 2.0, rec["id"]  # another rendering, not a copy
        assert rec["meta"]["mirrored"] == [k + 1 != gold for k in range(3)]
        for k in range(1, 4):
            mirrored_ref = np.asarray(ImageOps.mirror(Image.open(folder / rec["image"][0]).convert("L")).resize((64, 64)),
                                      np.float32)
            assert np.abs(mirrored_ref - ims[k]).mean() > 2.0  # no option is the reference's mirror copy either


def test_memory_structure(built):
    out, _ = built
    for rec in _records(out, "test", "memory"):
        assert len(rec["conversations"]) == 30 and len(rec["image"]) == 29
        s = memory_structure(rec["labels"])
        assert s.learning == [0, 1, 2, 3, 4] and len(s.test) == 10
        assert all(len(r) == 2 for r in s.learned.values()) and len(s.learned) == 5
        assert len({w for r in rec["labels"] for w in r}) == 15
        files = [(out / "test" / "memory" / p).read_bytes() for p in rec["image"]]
        assert len(set(files)) == 29  # no image repeats: every appearance is its own view


def test_numeracy_controls_recorded(built):
    out, _ = built
    recs = _records(out, "train", "compare_synthetic")
    for r in recs:
        st = r["meta"]["stimulus"]
        a, b = st["counts"]
        assert "notes" not in r
        assert (a > b) == (r["conversations"][1]["value"] == "A")
        assert st["ratio"] in ("1:2", "2:3", "3:4") and round(min(a, b) / max(a, b), 3) in (0.5, 0.667, 0.75)
        small, large = (0, 1) if a < b else (1, 0)
        rel = st["total_area"][large] - st["total_area"][small]
        if st["area_control"] == "area_inverted":
            assert rel < 0
        elif st["area_control"] == "equal_item_size":
            assert rel > 0 and st["item_area"][0] == st["item_area"][1]
    assert {r["meta"]["stimulus"]["area_control"] for r in recs} == {"equal_item_size", "equal_total_area", "area_inverted"}
    counts = [int(r["conversations"][1]["value"]) for r in _records(out, "train", "count")]
    assert min(counts) >= 4 and max(counts) <= 12


def test_same_seed_gives_identical_files_and_a_rerun_resumes(built, tiny_world, tmp_path):
    out, _ = built
    tasks = "tasks=[leftright,memory,vdr_open,count,picture_vocabulary]"
    a = tmp_path / "a"
    build_toolbox(tiny_world, a, _cfg(tasks, "workers=1"))
    for split in ("train", "test"):
        for folder in ("leftright", "memory", "vdr-open", "count", "picture_vocabulary"):
            left, right = out / split / folder, a / split / folder
            names = sorted(p.relative_to(left) for p in left.rglob("*") if p.is_file())
            assert names == sorted(p.relative_to(right) for p in right.rglob("*") if p.is_file())
            for n in names:
                assert (left / n).read_bytes() == (right / n).read_bytes(), f"{split}/{folder}/{n} differs"
    # a rerun keeps finished tasks, rebuilds a lost one identically
    lost = a / "test" / "count" / "data.json"
    before = lost.read_bytes()
    keep = a / "test" / "memory" / "data.json"
    stamp = keep.stat().st_mtime_ns
    lost.unlink()
    build_toolbox(tiny_world, a, _cfg(tasks, "workers=1"))
    assert lost.read_bytes() == before and keep.stat().st_mtime_ns == stamp
    # another seed, other items
    b = tmp_path / "b"
    build_toolbox(tiny_world, b, _cfg("tasks=[count]", "workers=1", "seed=1"))
    assert (b / "test" / "count" / "data.json").read_bytes() != before


def test_cli_build_and_errors(tiny_world, tmp_path, capsys):
    out = tmp_path / "cli"
    rc = main(["devcv", "build", str(tiny_world), "--out", str(out), "--config", "devcv/tiny", "--tasks",
               "count,vdr-binary", "--workers", "1", "--set", "items.test=5"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "DevCV toolbox:" in text and "manifest:" in text
    assert len(_records(out, "test", "count")) == 5 and (out / "test" / "vdr-binary" / "data.json").exists()
    assert not (out / "test" / "memory").exists()
    assert main(["devcv", "build", str(tiny_world), "--out", str(tmp_path / "x"), "--tasks", "nonsense"]) == 2
    assert "unknown DevCV task 'nonsense'" in capsys.readouterr().err
    bare = tmp_path / "bare"
    (bare / "videos").mkdir(parents=True)
    (bare / "transcripts").mkdir()
    src = next((tiny_world / "videos").iterdir())
    (bare / "videos" / src.name).write_bytes(src.read_bytes())
    (bare / "transcripts" / (src.stem + ".csv")).write_bytes((tiny_world / "transcripts" / (src.stem + ".csv")).read_bytes())
    assert main(["devcv", "build", str(bare), "--out", str(tmp_path / "y")]) == 2
    assert "no session has annotations" in capsys.readouterr().err
    assert main(["devcv", "build", "--help"]) == 0
    assert "Example:" in capsys.readouterr().out


def test_a_broken_session_is_a_reject_and_the_rest_still_builds(tiny_world, tmp_path):
    import shutil

    copy = tmp_path / "world"
    shutil.copytree(tiny_world, copy)
    victim = sorted((copy / "videos").iterdir())[0]
    victim.write_bytes(victim.read_bytes()[:3000])  # truncated: no decodable frames
    out = tmp_path / "out"
    res = build_toolbox(copy, out, _cfg("tasks=[subitizing]", "workers=2"))
    lines = [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]
    assert any(victim.name in r["source"] and "session skipped" in r["reason"] for r in lines)
    assert sum(len(v) for v in res.sessions.values()) == 5 and victim.stem not in sum(res.sessions.values(), [])
    assert res.counts["subitizing"]["test"] > 0
