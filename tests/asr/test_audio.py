"""Audio decoding and resampling: sample counts, timing, channels, and bad files."""

from __future__ import annotations

import numpy as np
import pytest

from babyvlm.corpus.audio import SAMPLE_RATE, AudioError, DecodeReport, iter_audio, load_audio, probe_audio


def _onset_offset(x: np.ndarray, level: float = 0.05) -> tuple[float, float]:
    idx = np.flatnonzero(np.abs(x) > level)
    return idx[0] / SAMPLE_RATE, (idx[-1] + 1) / SAMPLE_RATE


def _peak_hz(x: np.ndarray) -> float:
    spec = np.abs(np.fft.rfft(x * np.hanning(x.size)))
    return float(np.fft.rfftfreq(x.size, 1 / SAMPLE_RATE)[spec.argmax()])


@pytest.mark.parametrize("rate", [44100, 48000, 22050, 8000])
def test_burst_gives_exact_length_and_timing(tmp_path, av_writer, tone_maker, rate):
    path = av_writer(tmp_path / "b.mp4", tone_maker(3.0, rate, on=(1.0, 2.0)), sample_rate=rate)
    x = load_audio(path)
    assert x.dtype == np.float32 and x.ndim == 1
    assert x.size == 3 * SAMPLE_RATE  # the encoder's padding of the last frame is cut off
    on, off = _onset_offset(x)
    assert on == pytest.approx(1.0, abs=0.003)
    assert off == pytest.approx(2.0, abs=0.003)
    assert _peak_hz(x[int(1.1 * SAMPLE_RATE) : int(1.9 * SAMPLE_RATE)]) == pytest.approx(440, abs=3)


def test_make_video_fixture_tone(tmp_path, make_video):
    path = make_video(tmp_path / "v.mp4", seconds=3, audio_hz=440)
    x = load_audio(path)
    assert x.size == 3 * SAMPLE_RATE
    assert _peak_hz(x) == pytest.approx(440, abs=3)
    assert np.sqrt(np.mean(x[SAMPLE_RATE:-SAMPLE_RATE] ** 2)) == pytest.approx(0.3 / np.sqrt(2), rel=0.05)
    info = probe_audio(path)
    assert (info.sample_rate, info.channels, info.codec) == (44100, 1, "aac")


def test_stereo_is_mixed_to_mono(tmp_path, av_writer, tone_maker):
    left = tone_maker(2.0, 48000, hz=300, on=(0.5, 1.5))
    right = tone_maker(2.0, 48000, hz=700, on=(0.5, 1.5))
    x = load_audio(av_writer(tmp_path / "st.mp4", np.stack([left, right]), sample_rate=48000))
    assert x.size == 2 * SAMPLE_RATE
    on, off = _onset_offset(x, 0.02)
    assert (on, off) == (pytest.approx(0.5, abs=0.003), pytest.approx(1.5, abs=0.003))
    spec = np.abs(np.fft.rfft(x[int(0.6 * SAMPLE_RATE) : int(1.4 * SAMPLE_RATE)]))
    freqs = np.fft.rfftfreq(int(0.8 * SAMPLE_RATE), 1 / SAMPLE_RATE)
    top = sorted(freqs[np.argsort(spec)[-2:]].round())
    assert top == [300, 700]  # both channels are in the mix


def test_audio_starting_after_the_video_is_preceded_by_silence(tmp_path, av_writer, tone_maker):
    path = av_writer(tmp_path / "late.mp4", tone_maker(1.0, on=(0.0, 1.0)), audio_start=0.5, seconds=3.0)
    x = load_audio(path)
    on, off = _onset_offset(x)
    assert on == pytest.approx(0.5, abs=0.005)
    assert off == pytest.approx(1.5, abs=0.005)


def test_blocks_are_contiguous_and_match_the_whole(tmp_path, av_writer, tone_maker):
    path = av_writer(tmp_path / "b.mp4", tone_maker(2.5, on=(0.3, 2.1)))
    whole = load_audio(path)
    blocks = list(iter_audio(path, block_seconds=0.7))
    t = 0.0
    for t0, b in blocks:
        assert t0 == pytest.approx(t)
        t += b.size / SAMPLE_RATE
    assert [b.size for _, b in blocks[:-1]] == [int(0.7 * SAMPLE_RATE)] * (len(blocks) - 1)
    np.testing.assert_array_equal(np.concatenate([b for _, b in blocks]), whole)
    part = load_audio(path, start=1.0, end=1.5)
    np.testing.assert_array_equal(part, whole[SAMPLE_RATE : int(1.5 * SAMPLE_RATE)])


def test_espeak_speech_keeps_its_duration(tmp_path, av_writer, speech_clip):
    if speech_clip is None:
        pytest.skip("espeak-ng is not installed")
    speech, rate = speech_clip
    pad = np.zeros(rate, np.float32)
    x = load_audio(av_writer(tmp_path / "sp.mp4", np.concatenate([pad, speech, pad]), sample_rate=rate))
    assert x.size == pytest.approx(2 * SAMPLE_RATE + speech.size * SAMPLE_RATE / rate, abs=16)  # within 1 ms
    on, off = _onset_offset(x, 0.01)
    assert on >= 0.99 and off <= 1.01 + speech.size / rate


def test_no_audio_stream(tmp_path, av_writer):
    path = av_writer(tmp_path / "mute.mp4", None, seconds=1.0)
    with pytest.raises(AudioError, match="no audio stream"):
        load_audio(path)
    with pytest.raises(AudioError, match="no audio stream"):
        probe_audio(path)


def test_unreadable_files(tmp_path, av_writer, tone_maker):
    garbage = tmp_path / "garbage.mp4"
    garbage.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 20)
    with pytest.raises(AudioError, match="cannot open"):
        load_audio(garbage)
    good = av_writer(tmp_path / "good.mp4", tone_maker(2.0)).read_bytes()
    truncated = tmp_path / "truncated.mp4"
    truncated.write_bytes(good[: len(good) // 2])  # the moov atom (index) is at the end: gone
    with pytest.raises(AudioError, match="truncated.mp4: cannot open"):
        load_audio(truncated)
    with pytest.raises(AudioError, match="file not found"):
        load_audio(tmp_path / "missing.mp4")


def test_damaged_packets_become_reported_silence(tmp_path, av_writer, tone_maker):
    """An ADTS AAC stream with garbage in the middle: the rest decodes, the damage is reported."""
    import av

    path = tmp_path / "tone.aac"
    x = tone_maker(3.0)
    with av.open(str(path), "w", format="adts") as c:
        s = c.add_stream("aac", rate=44100)
        s.layout = "mono"
        for i in range(0, x.size, 1024):
            f = av.AudioFrame.from_ndarray(x[None, i : i + 1024].copy(), format="fltp", layout="mono")
            f.sample_rate, f.pts = 44100, i
            for p in s.encode(f):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
    data = bytearray(path.read_bytes())
    mid = len(data) // 2
    data[mid : mid + 600] = bytes((i * 37) % 256 for i in range(600))
    path.write_bytes(bytes(data))
    report = DecodeReport()
    y = np.concatenate([b for _, b in iter_audio(path, report=report)])
    assert y.size > 2 * SAMPLE_RATE  # most of the audio is still there
    assert report.bad_packets > 0, "the damage went unnoticed"
    assert "could not be decoded between" in report.one_line()
