"""Diarization in RTTM: who spoke when, used to label utterances and to drop the key child's speech.

An RTTM line is `SPEAKER <file-id> <channel> <onset> <duration> <NA> <NA> <name> <NA> <NA>`
(whitespace-separated; other line types are ignored). A session's turns come from `<stem>.rttm`
in a folder, or from the lines of one RTTM file whose file-id is the session's stem.

Labelling: an utterance gets the speaker whose turns overlap it longest (ties: the name first in
alphabetical order); no overlap leaves it `unknown`. Names are mapped with `speaker_map`, then
normalised like transcript speakers (`mom` -> M, `CHI` -> C, other names lowercased). The default
map is for the Voice Type Classifier, the usual diarizer of child-centred audio: `KCHI` (key child)
-> C, `CHI` (other children) -> och, `FEM` -> fem, `MAL` -> mal (adult voices are not necessarily
the parents, so they are not mapped to M/F). Generic labels (VTC's `SPEECH`, which overlaps every
voice) count only where no specific label overlaps.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from babyvlm.corpus.transcripts import normalize_speaker
from babyvlm.util.rejects import Reject

VTC_SPEAKERS = {"KCHI": "C", "CHI": "och", "FEM": "fem", "MAL": "mal", "SPEECH": "speech"}
GENERIC = {"speech"}


@dataclass(frozen=True)
class Turn:
    file_id: str
    start: float
    end: float
    speaker: str  # the name as written in the RTTM


def read_rttm(path: str | Path) -> tuple[dict[str, list[Turn]], list[Reject]]:
    """Turns per file-id (sorted by start) and a Reject for every unusable SPEAKER line."""
    path = Path(path)
    turns: dict[str, list[Turn]] = defaultdict(list)
    rejects: list[Reject] = []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return {}, [Reject(str(path), f"cannot read RTTM ({getattr(e, 'strerror', None) or e})", None, "asr")]
    for n, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0] != "SPEAKER":
            continue
        if len(fields) < 8:
            rejects.append(Reject(str(path), f"RTTM line has {len(fields)} fields, expected 10", n, "asr", {"line": line}))
            continue
        try:
            onset, dur = float(fields[3]), float(fields[4])
        except ValueError:
            rejects.append(Reject(str(path), f"unparseable onset/duration {fields[3]!r} {fields[4]!r}", n, "asr", {"line": line}))
            continue
        if onset < 0 or dur <= 0 or onset != onset or dur != dur:
            rejects.append(Reject(str(path), f"bad turn: onset {onset} duration {dur}", n, "asr", {"line": line}))
            continue
        turns[fields[1]].append(Turn(fields[1], onset, onset + dur, fields[7]))
    for v in turns.values():
        v.sort(key=lambda t: (t.start, t.end, t.speaker))
    return dict(turns), rejects


class RttmSource:
    """Turns per session from an RTTM folder (`<stem>.rttm` each) or one RTTM file for all sessions."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.rejects: list[Reject] = []  # problems of a single shared file, found once at open
        self._all: dict[str, list[Turn]] | None = None
        if not self.path.exists():
            from babyvlm.errors import InputError

            raise InputError(f"--rttm {self.path}: no such file or folder")
        if not self.path.is_dir():
            self._all, self.rejects = read_rttm(self.path)

    def turns(self, stem: str) -> tuple[list[Turn] | None, list[Reject]]:
        """The session's turns (None when the diarization does not cover it) and its file's rejects."""
        if self._all is not None:
            return self._all.get(stem), []
        path = self.path / f"{stem}.rttm"
        if not path.exists():
            return None, []
        by_id, rejects = read_rttm(path)
        # a per-session file may use any file-id: all of its turns belong to the session
        turns = sorted((t for ts in by_id.values() for t in ts), key=lambda t: (t.start, t.end, t.speaker))
        return turns, rejects


def map_speaker(name: str, speaker_map: dict[str, str]) -> str:
    mapped = speaker_map.get(name, speaker_map.get(name.upper(), name))
    return normalize_speaker(mapped)


def label(start: float, end: float, turns: list[Turn], speaker_map: dict[str, str]) -> tuple[str, float]:
    """The speaker (mapped, normalised) overlapping [start, end] longest, and the overlapped fraction."""
    overlap: dict[str, float] = defaultdict(float)
    for t in turns:
        if t.start >= end:
            break
        o = min(end, t.end) - max(start, t.start)
        if o > 0:
            overlap[map_speaker(t.speaker, speaker_map)] += o
    specific = {k: v for k, v in overlap.items() if k not in GENERIC}
    pool = specific or {k: v for k, v in overlap.items() if k in GENERIC}
    if not pool:
        return "unknown", 0.0
    best = min(pool, key=lambda k: (-pool[k], k))
    name = "unknown" if best in GENERIC else best
    return name, min(1.0, pool[best] / max(end - start, 1e-9))
