"""`babyvlm v1 build`: the four V1 benchmarks from the tiny world, checked against its ground truth,
loaded by the harness's own loaders, deterministic, and scored by `random` near chance."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from babyvlm.config import build_config
from babyvlm.corpus import VideoReader
from babyvlm.corpus.annotations import read_annotations
from babyvlm.errors import InputError
from babyvlm.formats.splits import read_splits
from babyvlm.pretrain.split import split_sessions
from babyvlm.tasks.v1 import V1_TASKS
from babyvlm.v1.benchmarks import build
from babyvlm.v1.config import BuildConfig

CSVS = {"labeled_s": "labeled_s.csv", "vtwt": "vtwt.csv", "baby_winoground": "baby_winoground.csv",
        "saycam_caption": "SAYCam_caption.csv"}


def _cfg(*overrides: str) -> BuildConfig:
    return build_config(BuildConfig, section="build", preset="v1/build", overrides=list(overrides))


@pytest.fixture(scope="session")
def built(tiny_world, tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("v1_build") / "v1"
    # the corpus's test sessions (the default) are 2 of the tiny world's 6, too few for Labeled-S, and
    # every held-out-session caption would be only a handful: use all sessions (the paper's shared use)
    return out, build(tiny_world, out, _cfg("split=shared", "caption.sessions=all"))


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _items(out: Path, task: str) -> list[dict]:
    return [json.loads(x) for x in (out / task / "items.jsonl").read_text().splitlines()]


class Truth:
    """The world's annotations: what is in view at a time, with instance colours."""

    def __init__(self, world: Path):
        self.ann = {p.stem: read_annotations(p) for p in (world / "annotations").glob("*.jsonl")}
        self.color = {s: {i["id"]: i["attributes"].get("color") for i in a.header["instances"]} for s, a in self.ann.items()}

    def objects(self, stem: str, t: float) -> list:
        return self.ann[stem].frame_at(t).objects

    def in_view(self, stem: str, t: float, category: str, color: str | None = None) -> bool:
        return any(o.category == category and o.visible > 0 and (color is None or self.color[stem][o.id] == color)
                   for o in self.objects(stem, t))

    def shown(self, stem: str, t: float, category: str, color: str, min_visible=0.5) -> bool:
        return any(o.category == category and o.visible >= min_visible and self.color[stem][o.id] == color
                   for o in self.objects(stem, t))


@pytest.fixture(scope="session")
def truth(tiny_world) -> Truth:
    return Truth(tiny_world)


def test_official_layout_loads_in_the_harness(built):
    out, manifest = built
    assert set(manifest["tasks"]) == set(CSVS)
    for task, name in CSVS.items():
        path = out / task / name
        t = V1_TASKS[task]()
        assert t.locate(out) == path
        items = t.load(path)
        assert len(items) == manifest["tasks"][task]["items"] > 0, task
        assert all(p.is_file() for it in items for p in it.images)


def test_columns_are_the_official_ones(built, shared_fixtures):
    out, _ = built
    for task, name in CSVS.items():
        with open(shared_fixtures / "v1-official" / name, newline="") as f:
            official = next(csv.reader(f))
        with open(out / task / name, newline="") as f:
            assert next(csv.reader(f)) == official, task


def test_labeled_s_trials_match_the_ground_truth(built, truth):
    out, manifest = built
    rows = _rows(out / "labeled_s" / "labeled_s.csv")
    trials: dict[str, list[dict]] = {}
    for r in rows:
        trials.setdefault(r["trial_id"], []).append(r)
    assert all(len(v) == 4 for v in trials.values())
    per_cat = {}
    for rec in _items(out, "labeled_s"):
        target = rec["target"]
        per_cat[target] = per_cat.get(target, 0) + 1
        frames = rec["frames"]
        assert [f["category"] for f in frames].count(target) == 1 and frames[0]["category"] == target
        assert len({f["category"] for f in frames}) == 4  # foils of distinct categories
        t0 = frames[0]
        well_seen = [o for o in truth.objects(t0["stem"], t0["t"]) if o.visible >= 0.5]
        assert max(well_seen, key=lambda o: o.bbox[2] * o.bbox[3]).category == target
        for f in frames[1:]:
            assert not truth.in_view(f["stem"], f["t"], target), (target, f)  # the target is nowhere in a foil
    assert max(per_cat.values()) <= 100 and per_cat == {k: v for k, v in manifest["tasks"]["labeled_s"]["trials_per_category"].items() if v}
    # target frames of one category are distinct frames
    for cat in per_cat:
        imgs = [r["image"] for r in rows if r["target_category"] == cat and r["real_category"] == cat]
        assert len(imgs) == len(set(imgs))


def test_vtwt_phrases_are_true_and_foils_false(built, truth):
    out, _ = built
    kinds = set()
    for rec in _items(out, "vtwt"):
        pc, pn = rec["positive"].split()
        nc, nn = rec["negative"].split()
        assert truth.shown(rec["stem"], rec["t"], pn, pc), rec
        assert not truth.in_view(rec["stem"], rec["t"], nn, nc), rec
        differs = {"first": (pc != nc, pn == nn), "second": (pc == nc, pn != nn), "both": (pc != nc, pn != nn)}
        assert differs[rec["foil"]] == (True, True), rec
        if rec["foil"] != "first":
            assert not truth.in_view(rec["stem"], rec["t"], nn), rec  # a changed noun is absent altogether
        kinds.add(rec["foil"])
    assert kinds == {"first", "second", "both"}
    rows = _rows(out / "vtwt" / "vtwt.csv")
    assert len(rows) == len({r["image"] for r in rows})


def test_baby_winoground_each_phrase_fits_only_its_image(built, truth):
    out, _ = built
    items = _items(out, "baby_winoground")
    for rec in items:
        pos, neg = rec["positive"], rec["negative"]
        ps, ns = pos["image"].rsplit("_", 1), neg["image"].rsplit("_", 1)
        pt, nt = int(ps[1].split(".")[0]) / 1000, int(ns[1].split(".")[0]) / 1000
        pc, pn = pos["phrase"].split()
        nc, nn = neg["phrase"].split()
        assert truth.shown(ps[0], pt, pn, pc) and truth.shown(ns[0], nt, nn, nc)
        assert not truth.in_view(ps[0], pt, nn, nc) and not truth.in_view(ns[0], nt, pn, pc)
        assert pos["image"] != neg["image"]
    rows = _rows(out / "baby_winoground" / "baby_winoground.csv")
    assert len(rows) == 2 * len(items) and [r["image_tag"] for r in rows[:2]] == ["positive", "negative"]


def test_caption_set_uses_held_out_utterances(built, tiny_world, tmp_path, truth):
    out, _ = built
    for rec in _items(out, "saycam_caption"):
        u = next(u for u in truth.ann[rec["stem"]].utterances if u.start == rec["start"])
        assert u.text == rec["text"] and u.visible_referents and rec["start"] <= rec["t"] <= rec["end"]
    texts = [r["text"] for r in _rows(out / "saycam_caption" / "SAYCam_caption.csv")]
    assert len(texts) == len(set(texts))
    # default: every V1 item from the corpus's test sessions (its splits.json), held out of pretraining
    test = set(read_splits(tiny_world / "splits.json").stems("test"))
    d = build(tiny_world, tmp_path / "default", _cfg("tasks=[saycam_caption,vtwt]"))
    assert d["split"] == "corpus" and set(d["sessions"]) == test
    assert set(d["tasks"]["saycam_caption"]["sessions"]) == test
    assert d["tasks"]["vtwt"]["items"] > 0
    for task in ("saycam_caption", "vtwt"):
        assert {r["stem"] for r in _items(tmp_path / "default", task)} <= test
    # split: shared (the paper's shared use): the sessions the shared pretraining split (same seed
    # and val_fraction) holds out
    m = build(tiny_world, tmp_path / "val", _cfg("split=shared", "tasks=[saycam_caption]"))
    stems = sorted(p.stem for p in (tiny_world / "videos").glob("*.mp4"))
    val = {s for s, side in split_sessions(stems, 0.1, 0).items() if side == "val"}
    assert set(m["tasks"]["saycam_caption"]["sessions"]) == val
    assert {r["stem"] for r in _items(tmp_path / "val", "saycam_caption")} <= val


def test_images_are_the_annotated_frames(built, tiny_world):
    out, _ = built
    rec = _items(out, "vtwt")[0]
    frame = next(iter(VideoReader(tiny_world / "videos" / f"{rec['stem']}.mp4").frames_at([rec["t"]])))
    with Image.open(out / "vtwt" / "images" / rec["image"]) as im:
        diff = np.abs(np.asarray(im, np.float32) - np.asarray(frame.image, np.float32)).mean()
    assert diff < 4.0


def test_build_is_deterministic(built, tiny_world, tmp_path):
    out, manifest = built
    again = build(tiny_world, tmp_path / "again", _cfg("split=shared", "caption.sessions=all"))
    assert {k: v["items"] for k, v in again["tasks"].items()} == {k: v["items"] for k, v in manifest["tasks"].items()}

    def digest(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    a, b = digest(out), digest(tmp_path / "again")
    assert a == b
    other = build(tiny_world, tmp_path / "seed1", _cfg("split=shared", "caption.sessions=all", "seed=1", "tasks=[vtwt]"))
    assert other["tasks"]["vtwt"]["items"] > 0
    assert (tmp_path / "seed1" / "vtwt" / "vtwt.csv").read_bytes() != (out / "vtwt" / "vtwt.csv").read_bytes()


def test_random_scores_near_chance_in_the_harness(built, tmp_path):
    from babyvlm.evaluate.config import EvalConfig
    from babyvlm.evaluate.harness import evaluate

    out, _ = built
    cfg = build_config(EvalConfig, section="eval", values={"tasks": "v1", "baselines": [], "plot": False,
                                                           "bootstrap": 0})
    res = evaluate("random", None, tmp_path / "eval", cfg, v1_data=out)
    tasks = res["tasks"]
    assert set(tasks) == set(CSVS)
    chance = {"labeled_s": ("acc", 0.25), "vtwt": ("acc", 0.5), "baby_winoground": ("group_score", 1 / 6)}
    for task, (metric, p) in chance.items():
        n = next(iter(tasks[task]["models"].values()))["metrics"][metric]
        value = n["value"]
        k = len(_rows(out / task / CSVS[task])) // (4 if task == "labeled_s" else 2 if task == "baby_winoground" else 1)
        assert abs(value - p) <= 3.5 * (p * (1 - p) / k) ** 0.5 + 1e-9, (task, value, k)
    assert (tmp_path / "eval" / "results.json").exists()


def test_cli_and_bad_inputs(tiny_world, tmp_path, make_video):
    from babyvlm.cli import cli, main

    r = CliRunner().invoke(cli, ["v1", "build", str(tiny_world), "--out", str(tmp_path / "o"), "--tasks", "labeled_s",
                                 "--set", "labeled_s.trials_per_category=2"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "labeled_s" in r.output and "manifest:" in r.output
    assert (tmp_path / "o" / "config.yaml").read_text().startswith("build:")
    assert not (tmp_path / "o" / "vtwt").exists()
    m = json.loads((tmp_path / "o" / "MANIFEST.json").read_text())
    assert max(m["tasks"]["labeled_s"]["trials_per_category"].values()) <= 2
    assert main(["v1", "build", str(tiny_world), "--out", str(tmp_path / "p"), "--tasks", "nope"]) == 2
    for bad in ("frames.rate=0", "two_word.foil_mix={first: 0}", "frames.min_visible=2"):
        assert main(["v1", "build", str(tiny_world), "--out", str(tmp_path / "p"), "--set", bad]) == 2, bad
    # a corpus without annotations: one-line error
    bare = tmp_path / "bare"
    make_video(bare / "videos" / "S_20141029_0612_01.mp4", seconds=2, fps=10, size=(64, 48))
    (bare / "transcripts").mkdir()
    (bare / "transcripts" / "S_20141029_0612_01.csv").write_text("Time,Video Name,Utterance,Speaker\n0.5,x,hi,M\n")
    with pytest.raises(InputError, match="annotations"):
        build(bare, tmp_path / "q", _cfg())
