"""Shards built apart and merged equal one build; the commands' help, outputs and check."""

import pytest

from babyvlm.cli import main
from babyvlm.pretrain.build import build
from babyvlm.pretrain.check import check_set
from babyvlm.pretrain.merge import merge


def test_shards_merged_equal_a_single_build(tiny_corpus, tmp_path, oracle_cfg, tree):
    build(tiny_corpus, tmp_path / "full", oracle_cfg())
    for i in range(3):
        build(tiny_corpus, tmp_path / f"p{i}", oracle_cfg(), shard=(i, 3))
    assert check_set(tmp_path / "p0")[0] == []
    with pytest.raises(Exception, match="in no input"):
        merge([tmp_path / "p0", tmp_path / "p1"], tmp_path / "partial")
    merge([tmp_path / f"p{i}" for i in range(3)], tmp_path / "merged")
    assert check_set(tmp_path / "merged")[0] == []
    full, merged = tree(tmp_path / "full", skip=("parts",)), tree(tmp_path / "merged", skip=("parts",))
    assert full.keys() == merged.keys()
    assert full == merged


def test_merge_refuses_shards_with_different_settings(tiny_corpus, tmp_path, oracle_cfg):
    from babyvlm.pretrain.config import FilterConfig

    build(tiny_corpus, tmp_path / "p0", oracle_cfg(), shard=(0, 2))
    build(tiny_corpus, tmp_path / "p1", oracle_cfg(image_filter=FilterConfig(mode="off")), shard=(1, 2))
    with pytest.raises(Exception, match="differs"):
        merge([tmp_path / "p0", tmp_path / "p1"], tmp_path / "m")


def test_cli_build_check_merge(tiny_corpus, tmp_path, capsys):
    for args in (["pretrain", "--help"], ["pretrain", "build", "--help"], ["pretrain", "check", "--help"],
                 ["pretrain", "merge", "--help"], ["scorer", "--help"], ["scorer", "train", "--help"],
                 ["scorer", "eval", "--help"], ["scorer", "score", "--help"]):
        assert main(args) == 0
        assert "Example:" in capsys.readouterr().out
    out = tmp_path / "set"
    assert main(["pretrain", "build", str(tiny_corpus), "--out", str(out), "--scorer", "oracle"]) == 0
    printed = capsys.readouterr().out
    assert f"pretraining set: {out}" in printed and "precision 1.0" in printed
    assert "oracle" in (out / "config.yaml").read_text()
    assert main(["pretrain", "check", str(out)]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["pretrain", "build", str(tiny_corpus), "--out", str(tmp_path / "s0"), "--scorer", "oracle",
                 "--shard", "0/2"]) == 0
    assert main(["pretrain", "build", str(tiny_corpus), "--out", str(tmp_path / "s1"), "--scorer", "oracle",
                 "--shard", "1/2"]) == 0
    assert main(["pretrain", "merge", str(tmp_path / "s0"), str(tmp_path / "s1"), "--out", str(tmp_path / "m")]) == 0
    assert main(["pretrain", "check", str(tmp_path / "m")]) == 0
    assert main(["scorer", "eval", str(tiny_corpus), "--scorer", "oracle", "--json", str(tmp_path / "q.json")]) == 0
    assert '"precision": 1.0' in (tmp_path / "q.json").read_text()
