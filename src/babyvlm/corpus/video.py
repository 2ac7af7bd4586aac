"""Video decoding with PyAV: probing, frames at given times, frames at a fixed rate.

Time convention
---------------
A frame with presentation time `p` is on screen for `p <= t < p_next`; `frame_at(t)` returns the frame
on screen at `t` (the last frame with `p <= t`). Sampling at `rate` frames per second between `start`
and `end` asks for times `start + (k + 0.5) / rate` for k = 0, 1, ... while the time is `< end`: the
middle of each 1/rate-second window, so a 1 FPS sample of a 10 s clip is 10 frames at 0.5, 1.5, ... 9.5 s.

How frames are found
--------------------
The reader lists the keyframes once (a demux pass, no decoding). For each requested time it either
keeps decoding forward from where it is or seeks to the keyframe before the time, whichever decodes
fewer frames: it seeks only when that keyframe lies after the current position (so long keyframe
intervals favour sequential decoding and sparse requests favour seeking). While decoding forward it
tells the decoder to skip non-reference frames that no request needs (`skip_frame=NONREF`), and the
requested times may be split at keyframes across threads that each own a decoder (PyAV releases the
GIL while decoding). Nothing is held in memory beyond the frames being returned.
"""

from __future__ import annotations

import bisect
import queue
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
from PIL import Image

from babyvlm.errors import InputError

_EPS = 1e-6


class VideoError(InputError):
    """A video that cannot be opened or decoded; the message names the file. `time`: where in the
    video decoding failed (seconds), when it failed mid-way, so a caller can go on past the damage."""

    def __init__(self, message: str, *, time: float | None = None):
        super().__init__(message)
        self.time = time


@dataclass(frozen=True)
class VideoInfo:
    path: Path
    duration: float  # seconds
    fps: float  # average frame rate
    width: int
    height: int
    num_frames: int  # from the container, or estimated as duration * fps
    codec: str
    has_audio: bool


@dataclass
class Frame:
    time: float  # the requested time
    pts_time: float  # presentation time of the returned frame
    index: int  # frame number, round(pts_time * fps)
    image: Image.Image  # RGB

    def to_numpy(self) -> np.ndarray:
        return np.asarray(self.image)


def sample_times(start: float, end: float, rate: float = 1.0) -> list[float]:
    """Times `start + (k + 0.5) / rate` that are `< end` (the module's sampling convention)."""
    if rate <= 0:
        raise ValueError("rate must be positive")
    out = []
    k = 0
    while True:
        t = start + (k + 0.5) / rate
        if t >= end - _EPS:
            break
        out.append(round(t, 6))
        k += 1
    return out


def _open(path: Path) -> av.container.InputContainer:
    try:
        return av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError, UnicodeDecodeError) as e:
        raise VideoError(f"{path}: cannot open video ({_reason(e)})") from None


def _reason(e: BaseException) -> str:
    msg = getattr(e, "strerror", None) or str(e) or type(e).__name__
    return " ".join(str(msg).split())[:160]


def _video_stream(container, path: Path):
    if not container.streams.video:
        raise VideoError(f"{path}: no video stream")
    return container.streams.video[0]


def probe(path: str | Path, *, check_decode: bool = True) -> VideoInfo:
    """Read a video's metadata; with `check_decode`, also decode its first and last second.

    A truncated or corrupt file raises VideoError with a one-line reason naming the file.
    """
    path = Path(path)
    if not path.exists():
        raise VideoError(f"{path}: file not found")
    container = _open(path)
    try:
        stream = _video_stream(container, path)
        tb = stream.time_base
        duration = None
        if stream.duration is not None and tb is not None:
            duration = float(stream.duration * tb)
        elif container.duration is not None:
            duration = container.duration / 1_000_000
        rate = stream.average_rate or stream.guessed_rate or stream.base_rate
        fps = float(rate) if rate else 0.0
        if not duration or duration <= 0 or fps <= 0:
            raise VideoError(f"{path}: no duration or frame rate in the container (truncated?)")
        num_frames = stream.frames or int(round(duration * fps))
        info = VideoInfo(
            path=path,
            duration=duration,
            fps=fps,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            num_frames=num_frames,
            codec=stream.codec_context.name,
            has_audio=bool(container.streams.audio),
        )
    except VideoError:
        container.close()
        raise
    except (av.error.FFmpegError, ValueError) as e:
        container.close()
        raise VideoError(f"{path}: cannot read video metadata ({_reason(e)})") from None
    container.close()
    if check_decode:
        reader = VideoReader(path, info=info)
        try:
            last = max(0.0, info.duration - 1.0 / info.fps - 0.5)
            frames = list(reader.frames_at([0.0, last]))
        except VideoError:
            raise
        except (av.error.FFmpegError, ValueError, RuntimeError) as e:
            raise VideoError(f"{path}: cannot decode ({_reason(e)})") from None
        if frames[-1].pts_time < last - 2.0:
            raise VideoError(
                f"{path}: truncated (container says {info.duration:.1f}s, frames end at {frames[-1].pts_time:.1f}s)"
            )
    return info


def _resize_dims(w: int, h: int, resize: int | tuple[int, int] | None) -> tuple[int, int] | None:
    if resize is None:
        return None
    if isinstance(resize, tuple):
        return resize
    # an int is the length of the shorter side; keep the aspect ratio, even sizes
    if w <= h:
        nw, nh = resize, max(2, int(round(h * resize / w)))
    else:
        nw, nh = max(2, int(round(w * resize / h))), resize
    return nw, nh


class VideoReader:
    """Frames from one video file. Not thread-safe; each worker thread opens its own decoder."""

    def __init__(
        self,
        path: str | Path,
        *,
        info: VideoInfo | None = None,
        resize: int | tuple[int, int] | None = None,
        skip_nonref: bool = True,
    ):
        self.path = Path(path)
        self.info = info or probe(self.path, check_decode=False)
        self.resize = resize
        self.skip_nonref = skip_nonref
        self._keyframes: list[float] | None = None

    # -- metadata ------------------------------------------------------------------------------
    @property
    def duration(self) -> float:
        return self.info.duration

    @property
    def fps(self) -> float:
        return self.info.fps

    def next_keyframe_after(self, t: float) -> float | None:
        """The first keyframe strictly after `t` (where decoding can start afresh past damage at `t`)."""
        kfs = self.keyframe_times()
        k = bisect.bisect_right(kfs, t + _EPS)
        return kfs[k] if k < len(kfs) else None

    def keyframe_times(self) -> list[float]:
        """Presentation times of the keyframes (one demux pass, cached)."""
        if self._keyframes is None:
            container = _open(self.path)
            try:
                stream = _video_stream(container, self.path)
                start = stream.start_time or 0
                tb = stream.time_base
                kfs = sorted(
                    float((p.pts - start) * tb) for p in container.demux(stream) if p.is_keyframe and p.pts is not None
                )
            except av.error.FFmpegError as e:
                raise VideoError(f"{self.path}: cannot read packets ({_reason(e)})") from None
            finally:
                container.close()
            self._keyframes = kfs or [0.0]
        return self._keyframes

    # -- frames --------------------------------------------------------------------------------
    def frame_at(self, t: float) -> Frame:
        return next(iter(self.frames_at([t])))

    def sample(self, rate: float = 1.0, start: float = 0.0, end: float | None = None, *, workers: int = 1) -> Iterator[Frame]:
        """Frames at `rate` per second in [start, end) at the module's time convention."""
        end = self.duration if end is None else min(end, self.duration)
        return self.frames_at(sample_times(start, end, rate), workers=workers)

    def frames_at(self, times: Iterable[float], *, workers: int = 1, ordered: bool = True) -> Iterator[Frame]:
        """Frames on screen at each time, in increasing time order (duplicates allowed).

        With `workers > 1` the times are split at keyframes into contiguous groups decoded in
        parallel threads; `ordered=False` yields frames as they are ready.
        """
        targets = sorted(float(t) for t in times)
        if not targets:
            return iter(())
        if workers <= 1 or len(targets) < 2 * workers:
            return self._decode(targets)
        groups = self._split(targets, workers)
        if len(groups) == 1:
            return self._decode(targets)
        return self._parallel(groups, ordered)

    def _split(self, targets: list[float], workers: int) -> list[list[float]]:
        """Contiguous groups of about equal size, each cut moved forward to where the keyframe changes
        (two decoders never decode the same stretch of video)."""
        kfs = self.keyframe_times()
        seg = [bisect.bisect_right(kfs, t + _EPS) for t in targets]
        cuts = [0]
        for w in range(1, workers):
            c = max(cuts[-1] + 1, len(targets) * w // workers)
            while c < len(targets) and seg[c] == seg[c - 1]:
                c += 1
            if c < len(targets):
                cuts.append(c)
        cuts.append(len(targets))
        return [targets[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]

    def _parallel(self, groups: list[list[float]], ordered: bool, buffer: int = 256) -> Iterator[Frame]:
        queues: list[queue.Queue] = [queue.Queue(maxsize=buffer) for _ in groups]
        done = object()
        stop = threading.Event()

        def work(i: int) -> None:
            try:
                for fr in self._decode(groups[i]):
                    while not stop.is_set():
                        try:
                            queues[i].put(fr, timeout=0.1)
                            break
                        except queue.Full:
                            continue
                    if stop.is_set():
                        return
                queues[i].put(done)
            except BaseException as e:  # surfaced in the consumer
                queues[i].put(e)

        threads = [threading.Thread(target=work, args=(i,), daemon=True) for i in range(len(groups))]
        for th in threads:
            th.start()
        try:
            if ordered:
                for q in queues:
                    while (item := q.get()) is not done:
                        if isinstance(item, BaseException):
                            raise item
                        yield item
            else:
                pending = set(range(len(queues)))
                while pending:
                    for i in list(pending):
                        try:
                            item = queues[i].get(timeout=0.01)
                        except queue.Empty:
                            continue
                        if item is done:
                            pending.discard(i)
                        elif isinstance(item, BaseException):
                            raise item
                        else:
                            yield item
        finally:
            stop.set()
            for th in threads:
                th.join(timeout=5)

    def _decode(self, targets: Sequence[float]) -> Iterator[Frame]:
        """Decode the frames for sorted `targets` with one decoder (seek or continue, skip non-refs)."""
        kfs = self.keyframe_times()
        container = _open(self.path)
        try:
            stream = _video_stream(container, self.path)
            ctx = stream.codec_context
            tb = stream.time_base
            start_pts = stream.start_time or 0
            fdur = 1.0 / self.fps
            dims = _resize_dims(self.info.width, self.info.height, self.resize)
            i = 0
            n = len(targets)

            def keyframe_before(t: float) -> float:
                k = bisect.bisect_right(kfs, t + _EPS) - 1
                return kfs[max(k, 0)]

            def make(t: float, ft: float, fr) -> Frame:
                if dims is not None:
                    img = fr.to_image(width=dims[0], height=dims[1], interpolation="BILINEAR")
                else:
                    img = fr.to_image()
                return Frame(time=t, pts_time=ft, index=int(round(ft * self.fps)), image=img)

            while i < n:
                kf = keyframe_before(targets[i])
                container.seek(int(round(kf / tb)) + start_pts, stream=stream, backward=True, any_frame=False)
                cur = None  # (time, frame) of the last decoded frame
                for pkt in container.demux(stream):
                    if self.skip_nonref and pkt.pts is not None:
                        p = float((pkt.pts - start_pts) * tb)
                        d = float(pkt.duration * tb) if pkt.duration else fdur
                        need = any(p - _EPS <= t < p + 1.5 * d for t in targets[i : i + 8])
                        ctx.skip_frame = "DEFAULT" if need else "NONREF"
                    try:
                        decoded = pkt.decode()
                    except av.error.FFmpegError as e:
                        if pkt.pts is None:
                            decoded = []
                        else:
                            at = float((pkt.pts - start_pts) * tb)
                            raise VideoError(f"{self.path}: decode error near {at:.2f}s ({_reason(e)})",
                                             time=at) from None
                    for fr in decoded:
                        if fr.pts is None:
                            continue
                        ft = float((fr.pts - start_pts) * tb)
                        while i < n and ft > targets[i] + _EPS:
                            yield make(targets[i], *(cur if cur is not None else (ft, fr)))
                            i += 1
                        cur = (ft, fr)
                    if i >= n:
                        break
                    nxt_kf = keyframe_before(targets[i])
                    if cur is not None and nxt_kf > kf + _EPS and nxt_kf > cur[0] + _EPS:
                        break  # the next request is past a later keyframe: seeking there decodes less
                else:
                    # end of stream: every remaining request gets the last frame
                    if cur is None:
                        raise VideoError(f"{self.path}: no decodable frame at or after {kf:.2f}s")
                    while i < n:
                        yield make(targets[i], *cur)
                        i += 1
        finally:
            container.close()
