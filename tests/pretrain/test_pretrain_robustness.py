"""`babyvlm pretrain build` / `check` on damaged inputs (issue 17): a decode error mid-video, a corpus
whose videos are all bad, kill litter, samples the checker would reject, speaker names, file modes.
Each asserts the exit code or reject with its one-line reason, and that every good record is kept."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from babyvlm.cli import main
from babyvlm.corpus import Utterance
from babyvlm.pretrain import assemble as assemble_mod
from babyvlm.pretrain.assemble import assemble
from babyvlm.pretrain.build import build
from babyvlm.pretrain.check import check_set
from babyvlm.pretrain.config import SegmentConfig
from babyvlm.pretrain.segment import segment

_spec = importlib.util.spec_from_file_location(
    "corpus_robustness_helpers", Path(__file__).parents[1] / "corpus" / "test_corpus_robustness.py")
corpus_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus_helpers)


def rejects(out: Path) -> list[dict]:
    return [json.loads(x) for x in (out / "rejects.jsonl").read_text().splitlines()]


def samples(out: Path, fmt: str) -> list[dict]:
    return [s for split in ("train", "val") for s in json.loads((out / split / f"{fmt}.json").read_text())]


@pytest.fixture
def corpus_copy(tiny_corpus, tmp_path) -> Path:
    root = tmp_path / "corpus"
    shutil.copytree(tiny_corpus, root)
    return root


def trained_stems(corpus: Path) -> list[str]:
    split = json.loads((corpus / "splits.json").read_text())["sessions"]
    return sorted(s for s, sp in split.items() if sp != "test")


@pytest.fixture(scope="module")
def built(tiny_corpus, tmp_path_factory, ) -> Path:
    """One oracle build of the tiny corpus (copy it before changing it)."""
    from babyvlm.config import build_config
    from babyvlm.pretrain.config import PretrainConfig

    out = tmp_path_factory.mktemp("built") / "set"
    cfg = build_config(PretrainConfig, section="pretrain", preset="pretrain/default",
                       overrides=["write.shard_max_samples=4"], values={"scorer": {"name": "oracle"}})
    build(tiny_corpus, out, cfg)
    return out


def test_decode_error_mid_video_keeps_the_clips_after_it(corpus_copy, tmp_path, oracle_cfg, make_video):
    stem = trained_stems(corpus_copy)[0]
    video = corpus_copy / "videos" / f"{stem}.mp4"
    make_video(video, seconds=8, fps=10, size=(160, 120), gop=10)  # a keyframe every second
    corpus_helpers.damage_video(video, 3.0, 4.0)
    out = tmp_path / "set"
    build(corpus_copy, out, oracle_cfg())
    part = json.loads((out / "parts" / f"{stem}.json").read_text())
    starts = [c["start"] for c in part["clips"]]
    assert 2.0 not in starts  # the one clip whose frames lie in the damage
    assert {0.2, 3.7, 4.8, 6.4} <= set(starts)  # before it, and every clip after the next keyframe
    bad = [r for r in rejects(out) if r["source"] == str(video)]
    assert len(bad) == 1 and "decode error near 3.00s" in bad[0]["reason"]
    assert "1 clips up to the next keyframe at 4.00s skipped" in bad[0]["reason"]
    assert bad[0]["record"]["resumed_at"] == 4.0
    videos = {(s["meta"]["stem"], s["meta"]["start"]) for s in samples(out, "video")}
    assert (stem, 4.8) in videos  # "look at the doggy", after the damage, is in the set
    assert check_set(out)[0] == []


def test_a_corpus_whose_videos_are_all_bad_exits_non_zero(corpus_copy, tmp_path, capsys):
    for v in (corpus_copy / "videos").iterdir():
        v.write_bytes(v.read_bytes()[:1200])  # truncated
    out = tmp_path / "set"
    rc = main(["pretrain", "build", str(corpus_copy), "--out", str(out), "--scorer", "oracle"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) >= 1 and err[-1].startswith("error: ") and "no usable sample from 3 sessions" in err[-1]
    assert "rejects.jsonl" in err[-1] and "Traceback" not in "\n".join(err)
    sources = {Path(r["source"]).name for r in rejects(out)}
    assert {f"{s}.mp4" for s in trained_stems(corpus_copy)} <= sources


def test_filters_that_keep_nothing_exit_non_zero_with_the_reason(tiny_corpus, tmp_path, oracle_cfg):
    from babyvlm.errors import InputError

    cfg = oracle_cfg()
    cfg.video_filter.thresholds = {"oracle": 2.0}
    with pytest.raises(InputError, match=r"the video filter kept none of \d+ candidate clips \(threshold 2.0\)"):
        build(tiny_corpus, tmp_path / "set", cfg)


def test_rerun_removes_kill_litter_and_check_flags_it(built, tiny_corpus, tmp_path, oracle_cfg):
    out = tmp_path / "set"
    shutil.copytree(built, out)
    litter = [out / "train" / ".video.json.x1y2z3.tmp", out / "text" / ".train.txt.abcd.tmp",
              out / "shards" / ".video-train-00000.tar.q9.tmp", out / ".stats.json.tmp"]
    for p in litter:
        p.write_bytes(b"")
    problems, _ = check_set(out)
    assert sorted(problems) == sorted(f"{p.relative_to(out)}: temporary file of a killed write (rerun the build to "
                                      "remove it)" for p in litter)
    build(tiny_corpus, out, oracle_cfg())
    assert not any(p.exists() for p in litter)
    assert check_set(out)[0] == []
    rc = main(["pretrain", "check", str(out)])
    assert rc == 0


def test_a_sample_the_checker_rejects_is_never_written(built, tmp_path, oracle_cfg, monkeypatch):
    out = tmp_path / "set"
    shutil.copytree(built, out)
    before = samples(out, "video")
    victim = before[0]["id"]
    real = assemble_mod.video_sample

    def broken(part, clip, max_frames):
        s = real(part, clip, max_frames)
        if s["id"] == victim:  # what max_video_frames=0 used to give: no image, no <image> token
            s["image"], s["conversations"][0]["value"] = [], ""
        return s

    monkeypatch.setattr(assemble_mod, "video_sample", broken)
    stems = sorted(p.stem for p in (out / "parts").glob("*.json"))
    listing = json.loads((out / "parts" / "_corpus.listing").read_text())
    split = {s: sp for s, sp in listing["split"].items() if sp != "test"}
    stats = assemble(out, oracle_cfg(), [s for s in stems if s in split], split_of=split)
    assert check_set(out)[0] == []
    after = samples(out, "video")
    assert [s["id"] for s in after] == [s["id"] for s in before if s["id"] != victim]
    assert stats["counts"]["train"]["video"] + stats["counts"]["val"]["video"] == len(after)
    bad = [r for r in rejects(out) if r["source"] == victim]
    assert len(bad) == 1 and bad[0]["reason"].startswith("invalid video sample: `image` must be a non-empty list")


def test_drop_speakers_takes_names_as_the_reader_normalises_them():
    utts = [Utterance(0.0, 1.0, "look at that", speaker="M"), Utterance(1.0, 2.0, "ball", speaker="F"),
            Utterance(2.0, 3.0, "mine", speaker="C")]
    for names in (["Mom"], ["mommy"], ["M"], [" mom: "]):
        clips, dropped, _ = segment(utts, SegmentConfig(drop_speakers=names), "S_20141029_2412_02")
        assert [c.speaker for c in clips] == ["F", "C"] and dropped["speaker"] == 1, names
    clips, _, _ = segment(utts, SegmentConfig(drop_speakers=["child", "Dad"]), "S_20141029_2412_02")
    assert [c.speaker for c in clips] == ["M"]


@pytest.mark.parametrize("mask", [0o022, 0o077])
def test_every_file_of_a_build_follows_the_umask(tiny_corpus, tmp_path, oracle_cfg, mask):
    old = os.umask(mask)
    try:
        build(tiny_corpus, tmp_path / "set", oracle_cfg())
    finally:
        os.umask(old)
    files = [p for p in (tmp_path / "set").rglob("*") if p.is_file()]
    modes = {oct(stat.S_IMODE(p.stat().st_mode)) for p in files}
    assert modes == {oct(0o666 & ~mask)}, modes
    assert any(p.suffix == ".tar" for p in files) and any(p.suffix == ".jpg" for p in files)
