"""Writing a session's transcript in the corpus layout, atomically, file by file.

`transcripts/<stem>.csv` (columns `Time, End, Utterance, Speaker, Confidence`, times in seconds)
is what `babyvlm.corpus` reads; `<stem>.srt` holds the same utterances for video players; word
timestamps go to `asr/words/<stem>.jsonl` (one line per CSV row) outside the transcript folder,
so no corpus reader mistakes them for a transcript.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from babyvlm.corpus.asr.segments import Word
from babyvlm.corpus.session import Utterance
from babyvlm.corpus.transcripts import write_srt
from babyvlm.util.io import write_text

CSV_COLUMNS = ("Time", "End", "Utterance", "Speaker", "Confidence")


@dataclass
class Transcribed:
    """One kept utterance."""

    start: float
    end: float
    text: str
    speaker: str
    confidence: float
    words: list[Word] = field(default_factory=list)


def csv_text(rows: list[Transcribed]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow([f"{r.start:.3f}", f"{r.end:.3f}", r.text, r.speaker, f"{r.confidence:.4f}"])
    return buf.getvalue()


def words_text(rows: list[Transcribed]) -> str:
    lines = []
    for i, r in enumerate(rows, start=2):  # CSV line numbers: the header is line 1
        lines.append(json.dumps({
            "line": i, "start": r.start, "end": r.end, "text": r.text,
            "words": [[w.text, round(w.start, 3), round(w.end, 3), round(w.probability, 4)] for w in r.words],
        }, ensure_ascii=False))
    return "".join(line + "\n" for line in lines)


def write_transcript(csv_path: Path, rows: list[Transcribed], *, words_path: Path | None = None,
                     srt: bool = True) -> list[Path]:
    """Words, then SRT, then the CSV last: the CSV's presence marks the session as finished."""
    written = []
    if words_path is not None:
        written.append(write_text(words_path, words_text(rows)))
    if srt:
        srt_path = csv_path.with_suffix(".srt")
        write_srt(srt_path, [Utterance(r.start, r.end, r.text, r.text, r.speaker) for r in rows])
        written.append(srt_path)
    written.append(write_text(csv_path, csv_text(rows)))
    return written
