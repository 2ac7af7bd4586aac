"""Audio decoding with PyAV: any codec/container FFmpeg's libraries read, resampled to 16 kHz mono.

No system ffmpeg is needed: PyAV ships libavcodec and libswresample. Audio is streamed in blocks,
so an hour-long session never sits in memory at once.

Time convention
---------------
Audio times are session times, the same axis as `VideoReader` frames and transcript utterances:
`t = 0` is the start of the video stream (`stream.start_time`), or of the audio stream when the file
has no video. A sample with index `i` of a block that starts at `t0` is at `t0 + i / sample_rate`.
Audio that starts after the video is preceded by silence; audio before the video's start is
dropped; a gap inside the stream (a lost packet, a damaged stretch) is filled with silence.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import av
import numpy as np

from babyvlm.errors import InputError

SAMPLE_RATE = 16_000
_GAP_SECONDS = 0.05  # a jump in timestamps bigger than this is filled with silence


class AudioError(InputError):
    """A file whose audio cannot be read; the message is one line naming the file."""


@dataclass
class AudioInfo:
    path: Path
    sample_rate: int  # of the stream as stored
    channels: int
    codec: str
    duration: float | None  # seconds, from the container (None when it does not say)


@dataclass
class DecodeReport:
    """What went wrong while decoding but did not stop it (reported, never silently dropped)."""

    bad_packets: int = 0
    first_bad: float | None = None  # session time of the first undecodable packet
    last_bad: float | None = None
    gaps: list[tuple[float, float]] = field(default_factory=list)  # silence inserted (start, end)
    first_error: str | None = None  # the decoder's message for the first bad packet

    def one_line(self) -> str | None:
        if not self.bad_packets:
            return None
        return (f"{self.bad_packets} audio packet(s) could not be decoded between "
                f"{self.first_bad or 0.0:.2f}s and {self.last_bad or 0.0:.2f}s (replaced by silence)")


def _reason(e: BaseException) -> str:
    msg = getattr(e, "strerror", None) or str(e) or type(e).__name__
    return " ".join(str(msg).split())[:160]


def _open(path: Path):
    if not path.exists():
        raise AudioError(f"{path}: file not found")
    try:
        return av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as e:
        raise AudioError(f"{path}: cannot open ({_reason(e)})") from None


def probe_audio(path: str | Path) -> AudioInfo:
    """The first audio stream's metadata; AudioError when there is none or the file is unreadable."""
    path = Path(path)
    container = _open(path)
    try:
        if not container.streams.audio:
            raise AudioError(f"{path}: no audio stream")
        s = container.streams.audio[0]
        duration = None
        if s.duration is not None and s.time_base is not None:
            duration = float(s.duration * s.time_base)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        return AudioInfo(path, int(s.codec_context.sample_rate or s.rate or 0), int(s.codec_context.channels or 0),
                         s.codec_context.name, duration)
    finally:
        container.close()


def _origin(container) -> float:
    """Container time of session time 0 (the video stream's start, else the audio stream's)."""
    for streams in (container.streams.video, container.streams.audio):
        if streams:
            s = streams[0]
            if s.start_time is not None and s.time_base is not None:
                return float(s.start_time * s.time_base)
            return 0.0
    return 0.0


def _resampler(rate: int) -> av.AudioResampler:
    return av.AudioResampler(format="flt", layout="mono", rate=rate, frame_size=4096)


def _to_array(frames) -> np.ndarray:
    parts = [f.to_ndarray().reshape(-1) for f in frames]
    if not parts:
        return np.zeros(0, np.float32)
    return np.concatenate(parts).astype(np.float32, copy=False)


def iter_audio(
    path: str | Path,
    *,
    sample_rate: int = SAMPLE_RATE,
    block_seconds: float = 10.0,
    report: DecodeReport | None = None,
) -> Iterator[tuple[float, np.ndarray]]:
    """Contiguous blocks `(t0, samples)` of mono float32 audio at `sample_rate`, from session time 0.

    Blocks follow each other without gaps or overlaps (each starts where the previous ended). Raises
    AudioError when the file has no audio stream, cannot be opened, or not one frame decodes;
    undecodable packets in between are counted in `report` and become silence.
    """
    path = Path(path)
    report = report if report is not None else DecodeReport()
    container = _open(path)
    try:
        if not container.streams.audio:
            raise AudioError(f"{path}: no audio stream")
        stream = container.streams.audio[0]
        origin = _origin(container)
        # encoders pad the last frame (AAC: to 1024 samples); the stream's duration says where it ends
        limit = None
        if stream.duration is not None and stream.time_base is not None:
            end_t = float(((stream.start_time or 0) + stream.duration) * stream.time_base) - origin
            limit = max(0, int(round(end_t * sample_rate)))
        block = max(1, int(round(block_seconds * sample_rate)))
        pending: list[np.ndarray] = []
        n_pending = 0
        emitted = 0  # samples handed out so far (the next block starts at emitted / sample_rate)
        # output frames of 4096 samples: far fewer Python round trips than the codec's 1024-sample frames
        resampler = _resampler(sample_rate)
        stb = float(stream.time_base) if stream.time_base is not None else None
        decoded_any = False
        # session time of the next input sample we expect; None until the first frame
        expected: float | None = None

        def push(arr: np.ndarray) -> Iterator[tuple[float, np.ndarray]]:
            nonlocal n_pending, emitted
            if limit is not None and produced() + arr.size > limit:
                arr = arr[: max(0, limit - produced())]
            if arr.size:
                pending.append(arr)
                n_pending += arr.size
            while n_pending >= block:
                buf = np.concatenate(pending)
                yield emitted / sample_rate, buf[:block]
                emitted += block
                rest = buf[block:]
                pending[:] = [rest] if rest.size else []
                n_pending = rest.size

        def produced() -> int:
            return emitted + n_pending

        drop = 0  # output samples still to discard (audio before session time 0)
        for packet in container.demux(stream):
            ptime = None
            if packet.pts is not None and stb is not None:
                ptime = packet.pts * stb - origin
            try:
                frames = packet.decode()
            except (av.error.FFmpegError, ValueError) as e:
                report.bad_packets += 1
                t = ptime if ptime is not None else produced() / sample_rate
                report.first_bad = t if report.first_bad is None else report.first_bad
                report.last_bad = t
                report.first_error = report.first_error or _reason(e)
                continue
            for frame in frames:
                if frame.pts is not None and stb is not None:
                    ft = frame.pts * stb - origin
                else:
                    ft = expected if expected is not None else 0.0
                if expected is None or ft > expected + _GAP_SECONDS:
                    # first frame, or a jump: flush the resampler, then pad silence up to this frame
                    yield from push(_to_array(resampler.resample(None)))
                    resampler = _resampler(sample_rate)
                    target = int(round(ft * sample_rate))
                    have = produced()
                    if target > have:
                        if decoded_any:
                            report.gaps.append((have / sample_rate, target / sample_rate))
                        yield from push(np.zeros(target - have, np.float32))
                    else:
                        drop += have - target
                out = _to_array(resampler.resample(frame))
                decoded_any = True
                end_t = ft + frame.samples / float(frame.sample_rate or sample_rate)
                expected = end_t if expected is None else max(expected, end_t)
                if drop and out.size:
                    k = min(drop, out.size)
                    out, drop = out[k:], drop - k
                yield from push(out)
        if not decoded_any:
            if report.bad_packets:
                raise AudioError(f"{path}: audio stream cannot be decoded ({report.bad_packets} bad packets: {report.first_error})")
            raise AudioError(f"{path}: audio stream holds no samples")
        yield from push(_to_array(resampler.resample(None)))
        if n_pending:
            buf = np.concatenate(pending)
            yield emitted / sample_rate, buf
            emitted += buf.size
    except av.error.FFmpegError as e:
        raise AudioError(f"{path}: cannot read audio ({_reason(e)})") from None
    finally:
        container.close()


def load_audio(path: str | Path, *, sample_rate: int = SAMPLE_RATE, start: float = 0.0,
               end: float | None = None) -> np.ndarray:
    """The whole audio (or `[start, end)` of it) as one mono float32 array. For short clips and tests."""
    parts = []
    for t0, block in iter_audio(path, sample_rate=sample_rate):
        t1 = t0 + block.size / sample_rate
        if t1 <= start:
            continue
        if end is not None and t0 >= end:
            break
        a = max(0, int(round((start - t0) * sample_rate)))
        b = block.size if end is None else min(block.size, int(round((end - t0) * sample_rate)))
        parts.append(block[a:b])
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)
