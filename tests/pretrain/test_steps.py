"""Unit tests of the pipeline steps: segment, split, shards, filters, interleaving, quality, writers."""

import json
import math
import tarfile

import numpy as np
import pytest

from babyvlm.corpus import Utterance
from babyvlm.errors import ConfigError, InputError
from babyvlm.pretrain.config import FilterConfig, InterleaveConfig, SegmentConfig
from babyvlm.pretrain.filters import resolve_threshold
from babyvlm.pretrain.interleave import windows
from babyvlm.pretrain.quality import filter_quality, precision_at_recall, roc_auc
from babyvlm.pretrain.segment import clip_frame_times, clip_id, frame_name, segment
from babyvlm.pretrain.split import parse_shard, shard_stems, split_sessions
from babyvlm.pretrain.writers import JsonListWriter, ShardWriter


def U(s, e, text="look at the ball", spk="M", line=None):
    return Utterance(s, e, text, text, spk, line)


def test_segment_drops_by_reason_and_rejects_colliding_spans():
    utts = [U(0, 0.3), U(1, 2), U(3, 20), U(21, 22, "C", "C"), U(23, 24, "hi"), U(1, 2, "look again", line=7), U(30, 31)]
    clips, dropped, rejects = segment(utts, SegmentConfig(min_duration=0.5, max_duration=10, min_words=2,
                                                          drop_speakers=["C"]), "S_20141029_0612_01")
    assert [(c.start, c.end) for c in clips] == [(1, 2), (30, 31)]
    assert dict(dropped) == {"too_short": 1, "too_long": 1, "speaker": 1, "too_few_words": 1}
    assert len(rejects) == 1 and rejects[0].line == 7 and "collide" in rejects[0].reason


def test_official_names_and_frame_times():
    assert clip_id("S_20141029_2412_02", 1093.52, 1094.76) == "S_20141029_2412_02_1093520_1094760"
    assert frame_name("S_20141029_2412_02", 1093.52, 1094.76, 0) == "S_20141029_2412_02_1093520_1094760_frame_0.jpg"
    assert clip_frame_times(10.0, 13.0, 1.0) == [10.5, 11.5, 12.5]  # middle of each second
    assert clip_frame_times(10.0, 10.4, 1.0) == [10.2]  # too short for one window: the midpoint


def test_split_is_deterministic_disjoint_and_keeps_a_val_session():
    stems = [f"S_2014{m:02d}01_0{m:01d}00_01" for m in range(1, 10)] + ["A_20150101_1000_01"]
    a = split_sessions(stems, 0.2, seed=0)
    assert a == split_sessions(list(reversed(stems)), 0.2, seed=0)
    assert sum(v == "val" for v in a.values()) == 2
    assert set(a) == set(stems)
    assert split_sessions(stems, 0.2, seed=1) != a  # the seed decides
    assert sum(v == "val" for v in split_sessions(stems[:2], 0.1, 0).values()) == 1
    assert set(split_sessions(stems[:1], 0.1, 0).values()) == {"train"}
    with pytest.raises(InputError):
        split_sessions(stems, 1.0, 0)


def test_shards_partition_the_sessions():
    stems = [f"s{i}" for i in range(7)]
    parts = [shard_stems(stems, (i, 3)) for i in range(3)]
    assert sorted(sum(parts, [])) == sorted(stems)
    assert parse_shard("1/3") == (1, 3) and parse_shard(None) == (0, 1)
    for bad in ("3/3", "a/b", "1", "-1/2", "0/0"):
        with pytest.raises(InputError):
            parse_shard(bad)


def test_thresholds_per_scorer_keep_fraction_and_off():
    scores = np.array([0.1, 0.9, 0.5, 0.7, 0.3])
    defaults = {"video": 0.0, "image": 0.2}
    f = FilterConfig(mode="threshold", thresholds={"clip": 0.25})
    assert resolve_threshold(f, "image", "clip", defaults, scores) == 0.25
    assert resolve_threshold(f, "image", "baby", defaults, scores) == 0.2  # the scorer's default
    kf = FilterConfig(mode="keep_fraction", keep_fraction=0.4)
    thr = resolve_threshold(kf, "image", "baby", defaults, scores)
    assert (scores >= thr).sum() == 2 and thr == 0.7
    assert resolve_threshold(FilterConfig(mode="off"), "image", "baby", defaults, scores) == -math.inf
    with pytest.raises(ConfigError):
        resolve_threshold(FilterConfig(mode="keep_fraction", keep_fraction=0.0), "image", "baby", defaults, scores)


def _clips(starts):
    return [{"start": s, "end": s + 1.0, "text": f"u{s}"} for s in starts]


def test_interleave_windows_lengths_gaps_and_determinism():
    cfg = InterleaveConfig(min_segments=4, max_segments=8, stride=4, max_gap=30)
    clips = _clips(range(0, 40, 2)) + _clips(range(200, 206, 2))  # a run of 20, a gap, a run of 3
    w = windows(clips, cfg, seed=0, stem="S")
    assert w and all(4 <= len(x) <= 8 for x in w)
    assert all(x[0]["start"] < 200 for x in w)  # the run of 3 is too short; no window spans the gap
    assert [x[0]["start"] for x in w] == [0, 8, 16, 24, 32][: len(w)]
    assert w == windows(clips, cfg, seed=0, stem="S")
    lengths = {len(x) for s in range(20) for x in windows(clips, cfg, seed=s, stem="S")}
    assert len(lengths) > 2  # lengths vary across seeds


def test_quality_numbers_by_hand():
    truth = np.array([1, 1, 0, 0, 1, 0], bool)
    scores = np.array([0.9, 0.8, 0.7, 0.1, 0.2, 0.3])
    kept = scores >= 0.5
    q = filter_quality(truth, kept, scores, np.ones(6, bool))
    assert q["base_rate"] == 0.5 and q["precision"] == round(2 / 3, 4) and q["recall"] == round(2 / 3, 4)
    assert q["precision_gain"] == round(2 / 3 - 0.5, 4)
    assert roc_auc(truth, scores) == pytest.approx(7 / 9)
    p, thr = precision_at_recall(truth, scores, 0.5)
    assert p == 1.0 and thr == 0.8
    assert roc_auc(np.ones(3, bool), np.arange(3)) is None


def test_json_list_writer_and_shards_are_deterministic(tmp_path):
    for d in ("a", "b"):
        w = JsonListWriter(tmp_path / d / "x.json")
        for i in range(3):
            w.write({"id": f"s{i}", "v": "é"})
        w.close()
        sw = ShardWriter(tmp_path / d / "shards", "single_image-train", max_samples=2)
        for i in range(3):
            sw.write({"id": f"s{i}", "image": ["frames/x.jpg"]}, [b"jpegbytes"])
        assert sw.close() == {"single_image-train-00000.tar": 2, "single_image-train-00001.tar": 1}
    assert json.loads((tmp_path / "a" / "x.json").read_text()) == [{"id": f"s{i}", "v": "é"} for i in range(3)]
    for f in ("x.json", "shards/single_image-train-00000.tar", "shards/single_image-train-00001.tar"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    with tarfile.open(tmp_path / "a" / "shards" / "single_image-train-00000.tar") as tf:
        assert tf.getnames() == ["s0.json", "s0.0.jpg", "s1.json", "s1.0.jpg"]
    empty = JsonListWriter(tmp_path / "e.json")
    empty.close()
    assert json.loads((tmp_path / "e.json").read_text()) == []
