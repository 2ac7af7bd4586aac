"""What a corpus reader yields: sessions of one child's video with timed utterances."""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Utterance:
    start: float  # seconds from the start of the video
    end: float  # seconds; > start
    text: str  # clean text: annotations in *..*, [..], (..) removed, whitespace collapsed
    raw: str = ""  # the utterance as written in the transcript
    speaker: str = "unknown"  # normalised speaker code (M, F, C, ... or the given name, lowercased)
    line: int | None = None  # 1-based line (or cue number) in the transcript, for error messages

    @property
    def duration(self) -> float:
        return self.end - self.start


@dataclass
class SessionEntry:
    """A session found on disk, before its transcript is parsed (cheap to list, picklable)."""

    stem: str
    video: Path | None
    transcript: Path | None  # the preferred transcript (TRANSCRIPT_PREFERENCE / GENERIC_TRANSCRIPTS order)
    annotations: Path | None = None
    child: str = "unknown"
    date: _dt.date | None = None
    age_days: int | None = None
    part: int = 1
    alternatives: tuple[Path, ...] = ()  # other same-stem transcripts, tried in order when it gives nothing


@dataclass
class Session:
    child: str
    age_days: int | None
    video: Path
    utterances: list[Utterance] = field(default_factory=list)
    stem: str = ""
    date: _dt.date | None = None
    part: int = 1
    transcript: Path | None = None
    annotations: Path | None = None  # world corpora: per-frame ground truth (jsonl)
    duration: float | None = None  # video duration in seconds (from the container)

    @property
    def age_months(self) -> float | None:
        """Age in months (days / 30.4375), the unit developmental papers report."""
        return None if self.age_days is None else self.age_days / 30.4375
