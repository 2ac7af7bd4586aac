"""World -> pretrain -> DevCV: one split per corpus, so no session that supplies a DevCV test or val
item is in the pretraining train split (issue 13); `split.shared` is the paper's shared use."""

from __future__ import annotations

import json
import shutil

from babyvlm.config import build_config
from babyvlm.devcv.builder import DevCVBuildConfig, build_toolbox
from babyvlm.formats.splits import read_splits
from babyvlm.pretrain.build import build
from babyvlm.pretrain.config import SplitConfig


def _sample_stems(set_dir, split: str) -> set[str]:
    return {x["meta"]["stem"] for x in json.loads((set_dir / split / "mix_format.json").read_text())}


def test_no_devcv_test_or_val_session_in_the_pretraining_train_split(tiny_world, tmp_path, oracle_cfg):
    corpus = tmp_path / "world"  # a copy without the fixture's splits.json: the pretraining build writes it
    shutil.copytree(tiny_world, corpus, ignore=shutil.ignore_patterns("splits.json"))
    pre = build(corpus, tmp_path / "pretrain", oracle_cfg())
    assert (corpus / "splits.json").exists()
    devcv = build_toolbox(corpus, tmp_path / "devcv", build_config(
        DevCVBuildConfig, section="devcv", preset="devcv/tiny", overrides=["tasks=[count]", "workers=1"]))
    held = set(devcv.sessions["test"]) | set(devcv.sessions["val"])
    assert devcv.sessions["test"] and devcv.sessions["val"]

    stats = pre.stats["sessions"]
    train_sessions = set(json.loads((tmp_path / "pretrain" / "parts" / "_corpus.listing").read_text())["split"])
    train_sessions = {s for s in train_sessions if s not in stats["val_stems"] and s not in stats["held_out_stems"]}
    assert train_sessions == set(devcv.sessions["train"]) and not train_sessions & held
    assert _sample_stems(tmp_path / "pretrain", "train") and not _sample_stems(tmp_path / "pretrain", "train") & held
    # the set's val split is the corpus's val sessions, its test sessions are held out entirely
    assert set(stats["val_stems"]) == set(devcv.sessions["val"])
    assert stats["held_out_stems"] == sorted(devcv.sessions["test"]) and stats["held_out_test"] == 2
    assert not (_sample_stems(tmp_path / "pretrain", "val") & set(devcv.sessions["test"]))
    text = (tmp_path / "pretrain" / "text" / "train.txt").read_text()
    assert text and stats["train"] == 3
    assert read_splits(corpus / "splits.json").split_of == {
        **{s: "train" for s in devcv.sessions["train"]}, **{s: "val" for s in devcv.sessions["val"]},
        **{s: "test" for s in devcv.sessions["test"]}}

    # the paper's shared use: every session in the set, DevCV's test sessions among the training ones
    shared = build(corpus, tmp_path / "shared", oracle_cfg(split=SplitConfig(shared=True))).stats["sessions"]
    assert shared["total"] == 6 and shared["held_out_test"] == 0
    assert _sample_stems(tmp_path / "shared", "train") & set(devcv.sessions["test"])
