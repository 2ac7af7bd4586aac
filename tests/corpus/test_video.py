"""The PyAV video reader: frame times checked against frame numbers drawn into each frame."""

from __future__ import annotations

import math

import numpy as np
import pytest

from babyvlm.corpus.video import VideoError, VideoReader, probe, sample_times


@pytest.fixture(scope="module")
def counter_videos(tmp_path_factory):
    import importlib.util
    from pathlib import Path

    # by path and under its own name: several test folders have a conftest.py, and whichever was
    # imported first as `conftest` would otherwise answer `from conftest import ...`
    spec = importlib.util.spec_from_file_location("babyvlm_tests_root_conftest",
                                                  Path(__file__).resolve().parents[1] / "conftest.py")
    root = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root)
    write_video = root.write_video

    d = tmp_path_factory.mktemp("videos")
    return {
        # 12 s at 10 fps: a long keyframe interval (x264 default) and a camera-like one (1 s)
        "long_gop": write_video(d / "long.mp4", seconds=12, fps=10),
        "short_gop": write_video(d / "short.mp4", seconds=12, fps=10, gop=10),
        "fps25": write_video(d / "f25.mp4", seconds=4, fps=25, gop=12),
    }


def test_probe_reports_metadata(counter_videos):
    info = probe(counter_videos["long_gop"])
    assert info.duration == pytest.approx(12.0, abs=0.11)
    assert info.fps == pytest.approx(10.0)
    assert (info.width, info.height) == (160, 120)
    assert info.num_frames == 120
    assert not info.has_audio


def test_sample_times_convention():
    assert sample_times(0, 3, 1.0) == [0.5, 1.5, 2.5]
    assert sample_times(10, 12, 2.0) == [10.25, 10.75, 11.25, 11.75]
    assert sample_times(0, 0.4, 1.0) == []


@pytest.mark.parametrize("which", ["long_gop", "short_gop", "fps25"])
def test_frame_at_returns_the_frame_on_screen(counter_videos, read_counter, which):
    reader = VideoReader(counter_videos[which])
    fps = reader.fps
    times = [t for t in (0.0, 0.01, 1.0 / fps, 1.5 / fps, 2.37, 3.5, 5.0, 7.95) if t < reader.duration]
    times.append(reader.duration - 0.01)
    frames = list(reader.frames_at(times))
    assert [f.time for f in frames] == sorted(times)
    for f in frames:
        expected = math.floor(f.time * fps + 1e-9)
        assert read_counter(f.to_numpy()) == expected, f.time
        assert f.index == expected


@pytest.mark.parametrize("which", ["long_gop", "short_gop"])
def test_sample_at_one_fps(counter_videos, read_counter, which):
    frames = list(VideoReader(counter_videos[which]).sample(1.0))
    assert [f.time for f in frames] == [k + 0.5 for k in range(12)]
    assert [read_counter(f.to_numpy()) for f in frames] == [10 * k + 5 for k in range(12)]


def test_unsorted_and_sparse_requests_seek(counter_videos, read_counter):
    reader = VideoReader(counter_videos["short_gop"])
    frames = list(reader.frames_at([11.05, 0.3, 6.0, 6.0]))
    assert [read_counter(f.to_numpy()) for f in frames] == [3, 60, 60, 110]


def test_skipping_nonreference_frames_changes_nothing(counter_videos):
    times = sample_times(0, 12, 3.0)
    a = [f.to_numpy() for f in VideoReader(counter_videos["long_gop"], skip_nonref=True).frames_at(times)]
    b = [f.to_numpy() for f in VideoReader(counter_videos["long_gop"], skip_nonref=False).frames_at(times)]
    assert len(a) == len(b) == 36
    for x, y in zip(a, b):
        assert np.array_equal(x, y)


@pytest.mark.parametrize("ordered", [True, False])
def test_parallel_decoding_matches_single(counter_videos, read_counter, ordered):
    reader = VideoReader(counter_videos["short_gop"])
    one = [read_counter(f.to_numpy()) for f in reader.sample(2.0)]
    two = [read_counter(f.to_numpy()) for f in reader.frames_at(sample_times(0, 12, 2.0), workers=2, ordered=ordered)]
    assert (two if ordered else sorted(two)) == one


def test_resize_keeps_aspect(counter_videos):
    f = VideoReader(counter_videos["long_gop"], resize=60).frame_at(1.0)
    assert f.image.size == (80, 60)
    f = VideoReader(counter_videos["long_gop"], resize=(32, 32)).frame_at(1.0)
    assert f.image.size == (32, 32)


def test_truncated_and_corrupt_videos_raise_one_line(tmp_path, counter_videos):
    data = counter_videos["long_gop"].read_bytes()
    trunc = tmp_path / "trunc.mp4"
    trunc.write_bytes(data[: len(data) // 2])
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00" * 1000 + b"not a video" * 100)
    for p in (trunc, garbage, tmp_path / "missing.mp4"):
        with pytest.raises(VideoError) as e:
            probe(p)
        msg = str(e.value)
        assert str(p) in msg and "\n" not in msg
