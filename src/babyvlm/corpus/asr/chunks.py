"""Where to run the recogniser: energy-based voice activity, packed into windows of at most 30 s.

Whisper reads exactly 30 s of audio per forward pass, so every window costs the same whatever its
length. Head-camera recordings are mostly silence or background noise between utterances, and
Whisper invents text on silence ("Thank you."), so by default the session is first scanned for
voice activity and only active stretches are decoded:

1. levels: RMS in dBFS of consecutive 20 ms frames (one cheap pass over the audio, no model);
2. threshold: `floor + margin_db`, `floor` being the 10th percentile of the session's frame levels
   (its noise floor), so it follows the recording's gain and room noise. A session whose loudest
   frames (99.9th percentile) are less than `margin_db` above its floor never pauses (a constant
   sound): then everything more than 6 dB under that level counts. Never below `min_db`, so
   digital silence and near-silence are never speech;
3. regions: runs of active frames, gaps shorter than `min_silence` bridged, runs shorter than
   `min_speech` dropped, each padded by `pad` seconds so word onsets and endings are kept;
4. windows: consecutive regions are packed into one window while it spans at most `max_seconds`
   (silence between them stays in, so timestamps map back by a single offset); a region longer
   than that is cut at the quietest frame of the last `search_seconds` before the limit.

`fixed` chunking cuts the whole session into <= 30 s windows the same way (quietest frame near
each limit) and skips only windows whose loudest frame is below `min_db`; use it when the energy
detector misses speech (very noisy recordings). Neither needs a voice-activity model download.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from babyvlm.corpus.audio import SAMPLE_RATE

SILENT_DB = -120.0  # level reported for digital silence


@dataclass
class VadOptions:
    RANGES = {"frame_seconds": ">0", "min_db": "<=0", "margin_db": ">=0", "floor_percentile": "0..100",
              "loud_percentile": "0..100", "min_speech": ">=0", "min_silence": ">=0", "pad": ">=0",
              "max_seconds": ">0", "search_seconds": ">=0"}

    frame_seconds: float = 0.02
    min_db: float = -55.0  # nothing quieter than this is ever speech (dBFS, RMS of a frame)
    margin_db: float = 12.0  # how far above the noise floor speech must be
    floor_percentile: float = 10.0
    loud_percentile: float = 99.9
    min_speech: float = 0.2  # seconds; shorter bursts (clicks, bangs) are ignored
    min_silence: float = 0.5  # seconds; shorter pauses do not split a region
    pad: float = 0.2  # seconds added before and after each region
    max_seconds: float = 30.0  # window length (Whisper's input is 30 s)
    search_seconds: float = 5.0  # where to look for a quiet cut before a window's limit


@dataclass(frozen=True)
class Chunk:
    start: float  # session seconds
    end: float

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class Levels:
    """Frame levels of a session (dBFS), `frame_seconds` apart, and the audio's length."""

    db: np.ndarray
    frame_seconds: float
    duration: float

    @property
    def loudest(self) -> float:
        return float(self.db.max()) if self.db.size else SILENT_DB


def frame_levels(blocks: Iterable[tuple[float, np.ndarray]], *, frame_seconds: float = 0.02,
                 sample_rate: int = SAMPLE_RATE) -> Levels:
    """RMS level of each `frame_seconds` frame of contiguous audio blocks (as from `iter_audio`)."""
    n = max(1, int(round(frame_seconds * sample_rate)))
    out: list[np.ndarray] = []
    carry = np.zeros(0, np.float32)
    total = 0
    for _, block in blocks:
        total += block.size
        buf = np.concatenate([carry, block]) if carry.size else block
        k = buf.size // n
        if k:
            frames = buf[: k * n].reshape(k, n).astype(np.float64)
            out.append(np.sqrt((frames**2).mean(axis=1)))
        carry = buf[k * n :].copy()
    if carry.size:
        out.append(np.array([np.sqrt((carry.astype(np.float64) ** 2).mean())]))
    rms = np.concatenate(out) if out else np.zeros(0)
    with np.errstate(divide="ignore"):
        db = np.where(rms > 0, 20 * np.log10(np.maximum(rms, 1e-12)), SILENT_DB)
    return Levels(np.maximum(db, SILENT_DB).astype(np.float32), frame_seconds, total / sample_rate)


def threshold(levels: Levels, opts: VadOptions) -> float:
    if not levels.db.size:
        return opts.min_db
    floor = float(np.percentile(levels.db, opts.floor_percentile))
    loud = float(np.percentile(levels.db, opts.loud_percentile))
    if loud - floor < opts.margin_db:  # no pauses to tell speech from noise: a constant sound
        return max(opts.min_db, loud - 6.0)
    return max(opts.min_db, floor + opts.margin_db)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) index runs of True."""
    if not mask.size:
        return []
    d = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(d == 1).tolist(), np.flatnonzero(d == -1).tolist()))


def speech_regions(levels: Levels, opts: VadOptions) -> list[Chunk]:
    """Voice-active regions (session seconds), padded and merged, in time order."""
    fs = levels.frame_seconds
    thr = threshold(levels, opts)
    runs = _runs(levels.db > thr)
    merged: list[list[int]] = []
    gap = int(round(opts.min_silence / fs))
    for a, b in runs:
        if merged and a - merged[-1][1] < gap:
            merged[-1][1] = b
        else:
            merged.append([a, b])
    out: list[Chunk] = []
    for a, b in merged:
        if (b - a) * fs < opts.min_speech:
            continue
        s = max(0.0, a * fs - opts.pad)
        e = min(levels.duration, b * fs + opts.pad)
        if out and s <= out[-1].end:
            out[-1] = Chunk(out[-1].start, max(out[-1].end, e))
        else:
            out.append(Chunk(s, e))
    return [Chunk(round(c.start, 3), round(c.end, 3)) for c in out if c.end > c.start]


def _split(region: Chunk, levels: Levels, opts: VadOptions) -> list[Chunk]:
    """Cut a region into windows <= max_seconds, each cut at the quietest frame near the limit."""
    fs = levels.frame_seconds
    out = []
    start = region.start
    while region.end - start > opts.max_seconds + 1e-9:
        limit = start + opts.max_seconds
        lo = max(start + opts.max_seconds / 2, limit - opts.search_seconds)
        a, b = int(np.ceil(lo / fs)), int(np.floor(limit / fs))
        if b > a and b <= levels.db.size:
            # the quietest frame; among equals the latest (longer windows, fewer passes)
            seg = levels.db[a:b]
            k = a + int(np.flatnonzero(seg == seg.min())[-1])
            cut = k * fs + fs / 2
        else:
            cut = limit
        cut = min(round(cut, 3), limit)
        out.append(Chunk(round(start, 3), cut))
        start = cut
    out.append(Chunk(round(start, 3), round(region.end, 3)))
    return [c for c in out if c.end > c.start]


def pack(regions: list[Chunk], levels: Levels, opts: VadOptions) -> list[Chunk]:
    """Consecutive regions packed into windows spanning at most `max_seconds`."""
    pieces: list[Chunk] = []
    for r in regions:
        pieces.extend(_split(r, levels, opts))
    out: list[Chunk] = []
    for p in pieces:
        if out and p.end - out[-1].start <= opts.max_seconds + 1e-9:
            out[-1] = Chunk(out[-1].start, p.end)
        else:
            out.append(p)
    return out


def vad_chunks(levels: Levels, opts: VadOptions) -> list[Chunk]:
    return pack(speech_regions(levels, opts), levels, opts)


def fixed_chunks(levels: Levels, opts: VadOptions) -> list[Chunk]:
    """The whole session in <= max_seconds windows; windows of pure silence (< min_db) left out."""
    if levels.duration <= 0:
        return []
    fs = levels.frame_seconds
    out = []
    for c in _split(Chunk(0.0, round(levels.duration, 3)), levels, opts):
        a, b = int(c.start / fs), max(int(c.start / fs) + 1, int(np.ceil(c.end / fs)))
        seg = levels.db[a:b]
        if seg.size and float(seg.max()) > opts.min_db:
            out.append(c)
    return out
