"""End to end on a tiny generated corpus: outputs, validator, determinism, workers, keep-fraction."""

import json
import shutil

import pytest

from babyvlm.pretrain.build import build
from babyvlm.pretrain.check import check_set
from babyvlm.pretrain.config import FilterConfig, InterleaveConfig, ScorerSpec

FORMATS = ("single_image", "video", "interleaved", "mix_format")


def load(out, split, fmt):
    return json.loads((out / split / f"{fmt}.json").read_text())


def test_end_to_end_with_the_oracle(tiny_corpus, tmp_path, oracle_cfg):
    out = tmp_path / "set"
    res = build(tiny_corpus, out, oracle_cfg())
    assert check_set(out)[0] == []
    for name in ("config.yaml", "stats.json", "report.md", "report.png", "rejects.jsonl", "shards/sizes.json",
                 "text/train.txt", "text/val.txt"):
        assert (out / name).exists(), name
    stats = res.stats
    # the corpus's split (splits.json): 2 train, 1 val, and 1 test session held out of the set
    assert stats["sessions"]["held_out_test"] == 1 and stats["sessions"]["split"] == "corpus"
    assert stats["sessions"]["held_out_stems"] == ["A_20150815_1516_02"]
    # per session: "look at the ball" (frames at 0.7, 1.7 s, ball visible) and "look at the doggy"
    # (5.3 s, dog visible) pass; "where is the ball" (4.2 s, ball gone at 4 s), "nap", "good job" do not
    assert stats["filters"]["video"]["candidates"] == 15 and stats["filters"]["video"]["kept"] == 6
    assert stats["filters"]["image"]["kept"] == 9
    q = stats["filter_quality"]
    assert q["precision"] == 1.0 and q["recall"] == 1.0 and q["base_rate"] == pytest.approx(9 / 21, abs=1e-4)
    assert stats["sessions"]["val"] == 1 and stats["sessions"]["train"] == 2
    singles = load(out, "train", "single_image") + load(out, "val", "single_image")
    assert len(singles) == 9
    s = singles[0]
    assert s["image"] == [f"frames/{s['id']}.jpg"]
    assert s["conversations"] == [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "look at the ball"}]
    assert set(s["meta"]) >= {"child", "age_days", "start", "end", "score", "stem"}
    videos = load(out, "train", "video")
    assert videos[0]["conversations"][0]["value"] == "<image>\n<image>" and len(videos[0]["image"]) == 2
    for split in ("train", "val"):
        mix = load(out, split, "mix_format")
        assert len(mix) == sum(len(load(out, split, f)) for f in FORMATS[:3])
    # frames are named officially, and only used frames remain
    names = {p.name for p in (out / "frames").iterdir()}
    used = {p.split("/")[1] for f in FORMATS for sp in ("train", "val") for x in load(out, sp, f) for p in x["image"]}
    assert names == used
    # the text corpus is all speech of each split's sessions, one utterance per line
    lines = (out / "text" / "train.txt").read_text().splitlines() + (out / "text" / "val.txt").read_text().splitlines()
    assert len(lines) == 15 and "time for your nap" in lines
    val_stems = set(stats["sessions"]["val_stems"])
    assert {x["meta"]["stem"] for x in load(out, "val", "mix_format")} <= val_stems
    assert not {x["meta"]["stem"] for x in load(out, "train", "mix_format")} & val_stems
    held = set(stats["sessions"]["held_out_stems"])
    assert not {x["meta"]["stem"] for sp in ("train", "val") for x in load(out, sp, "mix_format")} & held
    assert "1 held out" in (out / "report.md").read_text()


def test_shared_split_uses_every_session_as_the_paper(tiny_corpus, tmp_path, oracle_cfg):
    """`split.shared`: the old behaviour, every session in the set with a validation split of its own."""
    from babyvlm.pretrain.config import SplitConfig

    stats = build(tiny_corpus, tmp_path / "set", oracle_cfg(split=SplitConfig(shared=True))).stats
    assert stats["sessions"]["val"] == 1 and stats["sessions"]["train"] == 3
    assert stats["sessions"]["held_out_test"] == 0 and stats["sessions"]["split"] == "shared"
    assert stats["filters"]["video"]["candidates"] == 20 and stats["filters"]["image"]["kept"] == 12
    assert "shared use" in (tmp_path / "set" / "report.md").read_text()


def test_interleaved_samples_alternate_images_and_utterances(tiny_corpus, tmp_path, oracle_cfg):
    cfg = oracle_cfg(video_filter=FilterConfig(mode="off"),
                     interleave=InterleaveConfig(min_segments=4, max_segments=5, stride=1))
    out = tmp_path / "set"
    build(tiny_corpus, out, cfg)
    inter = load(out, "train", "interleaved")
    assert inter
    for x in inter:
        conv = x["conversations"]
        assert 4 <= len(x["image"]) <= 5 and len(conv) == 2 * len(x["image"])
        assert [t["from"] for t in conv] == ["human", "gpt"] * len(x["image"])
        assert all(t["value"] == "<image>" for t in conv[::2])
        assert len({x["meta"]["stem"]} | {p.split("/")[1][:18] for p in x["image"]}) == 1  # one session
    assert check_set(out)[0] == []


def test_webdataset_reads_the_shards(tiny_corpus, tmp_path, oracle_cfg):
    import webdataset as wds

    out = tmp_path / "set"
    build(tiny_corpus, out, oracle_cfg())
    sizes = json.loads((out / "shards" / "sizes.json").read_text())
    assert sizes["single_image-train-00000.tar"] == 4  # shard_max_samples=4 in these tests
    urls = sorted(str(out / "shards" / n) for n in sizes if n.startswith("single_image-train"))
    got = list(wds.WebDataset(urls, shardshuffle=False))
    ref = load(out, "train", "single_image")
    assert [g["__key__"] for g in got] == [r["id"] for r in ref]
    assert json.loads(got[0]["json"]) == ref[0]
    assert got[0]["0.jpg"] == (out / ref[0]["image"][0]).read_bytes()


def test_same_inputs_give_byte_identical_sets_with_one_or_two_workers(tiny_corpus, tmp_path, oracle_cfg, tree):
    build(tiny_corpus, tmp_path / "a", oracle_cfg())
    build(tiny_corpus, tmp_path / "b", oracle_cfg())
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a.keys() == b.keys() and a == b
    cfg2 = oracle_cfg(workers=2)
    build(tiny_corpus, tmp_path / "c", cfg2)
    c = tree(tmp_path / "c", skip=("config.yaml",))
    assert c == {k: v for k, v in a.items() if k != "config.yaml"}


def test_keep_fraction_mode_keeps_that_share(tiny_corpus, tmp_path, oracle_cfg):
    cfg = oracle_cfg(video_filter=FilterConfig(mode="keep_fraction", keep_fraction=0.3),
                     image_filter=FilterConfig(mode="off"))
    res = build(tiny_corpus, tmp_path / "set", cfg)
    v = res.stats["filters"]["video"]
    # 30% of 15 clips (the corpus's test session is held out) is 4.5; the 5th best score (0.9) is
    # shared by the 6 clips showing their referent, and ties at the threshold are kept
    assert v["candidates"] == 15 and v["threshold"] == pytest.approx(0.9) and v["kept"] == 6
    assert res.stats["frames"]["pruned"] == 0  # candidates stay, a later threshold may need them
    assert check_set(tmp_path / "set")[0] == []


def test_changed_settings_redo_sessions_and_stale_outputs_go(tiny_corpus, tmp_path, oracle_cfg):
    out = tmp_path / "set"
    build(tiny_corpus, out, oracle_cfg(image_filter=FilterConfig(mode="off")))
    n_before = len(list((out / "frames").iterdir()))
    res = build(tiny_corpus, out, oracle_cfg())
    assert res.processed == 3  # the image filter is part of every part's fingerprint (the test session is held out)
    assert len(list((out / "frames").iterdir())) <= n_before
    assert check_set(out)[0] == []
    res = build(tiny_corpus, out, oracle_cfg(seed=5))
    assert res.processed == 0  # the seed only moves the split and the interleaving windows
    assert check_set(out)[0] == []


def test_generic_layout_corpus_without_annotations(tmp_path, make_video, oracle_cfg):
    from babyvlm.errors import InputError

    root = tmp_path / "generic" / "kid1"
    make_video(root / "walk.mp4", seconds=4)
    (root / "walk.srt").write_text("1\n00:00:00,500 --> 00:00:02,000\nlook at that\n\n2\n00:00:02,200 --> 00:00:03,500\nthe red cup\n")
    with pytest.raises(InputError, match="annotations"):
        build(tmp_path / "generic", tmp_path / "o", oracle_cfg())
    cfg = oracle_cfg(scorer=ScorerSpec(name="none"))
    res = build(tmp_path / "generic", tmp_path / "o2", cfg)
    assert res.stats["filter_quality"] is None
    assert res.stats["counts"]["train"]["video"] == 2
    assert check_set(tmp_path / "o2")[0] == []
    shutil.rmtree(tmp_path / "o2")
