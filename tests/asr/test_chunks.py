"""Voice activity, window packing and cutting samples out of a block stream."""

from __future__ import annotations

import numpy as np
import pytest

from babyvlm.corpus.asr.chunks import (
    Chunk,
    Levels,
    VadOptions,
    fixed_chunks,
    frame_levels,
    pack,
    speech_regions,
    threshold,
    vad_chunks,
)

SR = 16000


def _signal(seconds: float, bursts: list[tuple[float, float]], *, noise: float = 0.001, amp: float = 0.3, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    x = noise * rng.standard_normal(t.size)
    for a, b in bursts:
        m = (t >= a) & (t < b)
        x[m] += amp * np.sin(2 * np.pi * 300 * t[m])
    return x.astype(np.float32)


def _blocks(x: np.ndarray, sizes=(7001, 3333, 16000)):
    i, k = 0, 0
    while i < x.size:
        n = sizes[k % len(sizes)]
        yield i / SR, x[i : i + n]
        i += n
        k += 1


def test_frame_levels_of_known_signal():
    x = np.concatenate([np.zeros(SR, np.float32), np.full(SR, 0.5, np.float32), np.zeros(100, np.float32)])
    lv = frame_levels(_blocks(x))
    assert lv.duration == pytest.approx(x.size / SR)
    assert lv.db.size == 101  # 100 whole 20 ms frames + the tail
    assert lv.db[:50].max() == -120.0  # digital silence
    assert lv.db[50:100] == pytest.approx(20 * np.log10(0.5), abs=1e-4)
    assert lv.loudest == pytest.approx(20 * np.log10(0.5), abs=1e-4)


def test_regions_follow_bursts_with_padding():
    x = _signal(10, [(1.0, 2.0), (5.0, 6.5)])
    opts = VadOptions()
    regions = speech_regions(frame_levels(_blocks(x)), opts)
    assert len(regions) == 2
    assert regions[0].start == pytest.approx(1.0 - opts.pad, abs=0.03)
    assert regions[0].end == pytest.approx(2.0 + opts.pad, abs=0.03)
    assert regions[1].start == pytest.approx(5.0 - opts.pad, abs=0.03)
    assert regions[1].end == pytest.approx(6.5 + opts.pad, abs=0.03)


def test_short_pauses_are_bridged_and_clicks_ignored():
    x = _signal(8, [(1.0, 2.0), (2.3, 3.0), (6.0, 6.06)])  # a 0.3 s pause, then a 60 ms click
    regions = speech_regions(frame_levels(_blocks(x)), VadOptions())
    assert len(regions) == 1
    assert regions[0].start == pytest.approx(0.8, abs=0.03) and regions[0].end == pytest.approx(3.2, abs=0.03)


def test_threshold_adapts_to_noise_and_to_constant_sound():
    opts = VadOptions()
    noisy = frame_levels(_blocks(_signal(10, [(2, 3)], noise=0.02)))
    quiet = frame_levels(_blocks(_signal(10, [(2, 3)], noise=0.0005)))
    assert threshold(noisy, opts) > threshold(quiet, opts) + 20
    constant = frame_levels(_blocks(_signal(5, [(0, 5)])))
    (region,) = speech_regions(constant, opts)  # loud throughout: all of it, not nothing
    assert region == Chunk(0.0, 5.0)
    sparse = frame_levels(_blocks(_signal(180, [(60, 61.5), (150, 151.5)], noise=0.003)))  # 2% speech
    assert [(round(r.start, 1), round(r.end, 1)) for r in speech_regions(sparse, opts)] == [(59.8, 61.7), (149.8, 151.7)]
    silent = frame_levels(_blocks(np.zeros(3 * SR, np.float32)))
    assert speech_regions(silent, opts) == [] and vad_chunks(silent, opts) == []
    assert fixed_chunks(silent, opts) == []


def test_regions_pack_into_windows_of_at_most_30s():
    bursts = [(t, t + 2) for t in range(1, 90, 7)]  # 13 bursts over 90 s
    lv = frame_levels(_blocks(_signal(95, bursts)))
    opts = VadOptions()
    regions = speech_regions(lv, opts)
    windows = pack(regions, lv, opts)
    assert all(w.duration <= 30 + 1e-9 for w in windows)
    assert len(windows) < len(regions)
    # every region lies inside exactly one window, in order, and windows do not overlap
    for r in regions:
        assert sum(w.start <= r.start and r.end <= w.end for w in windows) == 1
    assert all(a.end <= b.start for a, b in zip(windows, windows[1:]))


def test_long_region_is_cut_at_the_quietest_frame():
    # 70 s of continuous sound with two short dips (quieter, not silent) at 27.0 s and 54.0 s;
    # the second cut is searched in the 5 s before 27.03 + 30 s
    x = _signal(70, [(0, 70)])
    for dip in (27.0, 54.0):
        a, b = int(dip * SR), int((dip + 0.04) * SR)
        x[a:b] *= 0.05
    lv = frame_levels(_blocks(x))
    windows = vad_chunks(lv, VadOptions())
    assert [w.start for w in windows][0] == 0.0 and windows[-1].end == 70.0
    cuts = [w.end for w in windows[:-1]]
    assert cuts == [pytest.approx(27.02, abs=0.02), pytest.approx(54.02, abs=0.02)]
    assert all(w.duration <= 30 for w in windows)


def test_fixed_windows_cover_everything_but_silence():
    x = _signal(70, [(1, 20), (65, 68)], noise=0.0)
    x[int(30 * SR) : int(60 * SR)] = 0  # 30 s of digital silence in the middle
    lv = frame_levels(_blocks(x))
    opts = VadOptions()
    windows = fixed_chunks(lv, opts)
    assert windows[0].start == 0.0 and all(w.duration <= 30 for w in windows)
    assert all(not (w.start >= 30.5 and w.end <= 59.5) for w in windows)  # the silent window is left out
    assert windows[-1].end == pytest.approx(70.0)


def test_levels_dataclass_loudest_of_empty():
    assert Levels(np.zeros(0, np.float32), 0.02, 0.0).loudest == -120.0
