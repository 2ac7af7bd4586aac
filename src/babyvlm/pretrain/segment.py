"""Step 1: cut a session into video-utterance clips at utterance boundaries.

One clip per utterance, spanning the utterance's [start, end). A clip is dropped (and counted by
reason in stats.json, since these are choices, not bad data) when it is shorter than
`min_duration`, longer than `max_duration`, has fewer than `min_words` words, or is spoken by one of
`drop_speakers`. Two utterances with exactly the same span would give the same clip id and frame
names, so the second one goes to rejects.jsonl.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from babyvlm.corpus import Utterance, sample_times
from babyvlm.corpus.transcripts import normalize_speaker
from babyvlm.pretrain.config import SegmentConfig
from babyvlm.util.rejects import Reject


def ms(t: float) -> int:
    return int(round(t * 1000))


def clip_id(stem: str, start: float, end: float) -> str:
    """`<stem>_<start_ms>_<end_ms>`, the official BabyVLM naming."""
    return f"{stem}_{ms(start)}_{ms(end)}"


def frame_name(stem: str, start: float, end: float, k: int) -> str:
    return f"{clip_id(stem, start, end)}_frame_{k}.jpg"


def clip_frame_times(start: float, end: float, fps: float) -> list[float]:
    """Frame times inside a clip: the corpus convention (middle of each 1/fps window), and the clip's
    midpoint for a clip too short to contain one."""
    return sample_times(start, end, fps) or [round((start + end) / 2, 6)]


@dataclass
class Clip:
    index: int  # the utterance's position in the session
    start: float
    end: float
    text: str
    speaker: str

    @property
    def duration(self) -> float:
        return self.end - self.start


def segment(utterances: Sequence[Utterance], cfg: SegmentConfig, stem: str,
            source: str = "") -> tuple[list[Clip], Counter[str], list[Reject]]:
    """Clips for a session's utterances, the drop counts by reason, and rejects."""
    clips: list[Clip] = []
    dropped: Counter[str] = Counter()
    rejects: list[Reject] = []
    seen: dict[tuple[int, int], int] = {}
    drop = {normalize_speaker(x) for x in cfg.drop_speakers}  # `Mom` drops what the reader calls `M`
    for i, u in enumerate(utterances):
        if u.speaker in drop:
            dropped["speaker"] += 1
            continue
        if u.duration < cfg.min_duration:
            dropped["too_short"] += 1
            continue
        if u.duration > cfg.max_duration:
            dropped["too_long"] += 1
            continue
        if len(u.text.split()) < max(1, cfg.min_words):
            dropped["too_few_words"] += 1
            continue
        key = (ms(u.start), ms(u.end))
        if key in seen:
            rejects.append(Reject(source or stem, f"same time span as utterance {seen[key] + 1}: clip ids would collide",
                                  u.line, "pretrain", {"start": u.start, "end": u.end, "text": u.text}))
            continue
        seen[key] = i
        clips.append(Clip(i, u.start, u.end, u.text, u.speaker))
    return clips, dropped, rejects
