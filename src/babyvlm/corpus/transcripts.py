"""Transcript readers: SAYCam-style CSV, SRT, WebVTT and JSON.

Each reader returns the good utterances and a `Reject` (file, line, one-line reason) for every
record it cannot use; one bad line never costs the rest of the file. Times are parsed with
millisecond precision (webvtt-py rounds cue times to whole seconds, so it is not used).

SAYCam CSV quirks handled: `Time` in seconds, `MM:SS` or `HH:MM:SS`; no end times (end = the next
utterance's start, capped at `max_utterance_seconds`); speaker codes such as `M`, `Mom`, `mom`,
`papa`, `F`; annotations inside `*...*`, `[...]`, `(...)` removed from `text` but kept in `raw`.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from babyvlm.corpus.session import Utterance
from babyvlm.util.rejects import Reject

# ---------------------------------------------------------------------------------------------
# times


_TIME_RE = re.compile(r"^(?:(?:(?P<h>\d+):)?(?P<m>\d{1,2}):)?(?P<s>\d+(?:[.,]\d+)?)$")


def parse_time(text: str | float | int) -> float:
    """Seconds from `12.5`, `MM:SS(.mmm)`, `HH:MM:SS(.mmm)` or SRT's `HH:MM:SS,mmm`. Raises ValueError."""
    if isinstance(text, bool):
        raise ValueError(f"unparseable time {text!r}")
    if isinstance(text, (int, float)):
        if text != text or text < 0 or text == float("inf"):
            raise ValueError(f"unparseable time {text!r}")
        return float(text)
    s = str(text).strip()
    m = _TIME_RE.match(s)
    if not m:
        raise ValueError(f"unparseable time {s!r}")
    try:
        sec = Decimal(m["s"].replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"unparseable time {s!r}") from None
    minutes = int(m["m"]) if m["m"] is not None else 0
    hours = int(m["h"]) if m["h"] is not None else 0
    if m["m"] is not None and sec >= 60:
        raise ValueError(f"unparseable time {s!r} (seconds field >= 60)")
    if m["h"] is not None and minutes >= 60:
        raise ValueError(f"unparseable time {s!r} (minutes field >= 60)")
    return float(hours * 3600 + minutes * 60 + sec)


def format_srt_time(t: float, sep: str = ",") -> str:
    ms = int(round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


# ---------------------------------------------------------------------------------------------
# text and speakers

_ANNOTATION_RE = re.compile(r"\*[^*]*\*|\[[^\]]*\]|\([^)]*\)")
_SPACE_RE = re.compile(r"\s+")

SPEAKER_ALIASES: dict[str, str] = {}
for _code, _names in {
    "M": ["m", "mom", "mother", "mommy", "mum", "mummy", "mama", "mamma", "ma"],
    "F": ["f", "dad", "father", "daddy", "papa", "dada", "pa"],
    "C": ["c", "chi", "child", "kid", "baby", "key child", "target child", "infant"],
}.items():
    for _n in _names:
        SPEAKER_ALIASES[_n] = _code


def clean_text(raw: str) -> str:
    """Remove transcriber annotations (`*laughs*`, `[inaudible]`, `(points)`) and collapse spaces."""
    text = _ANNOTATION_RE.sub(" ", raw)
    return _SPACE_RE.sub(" ", text).strip()


def normalize_speaker(raw: str | None) -> str:
    """`Mom`, `mom`, `M` -> `M`; `papa`, `F` -> `F`; the child -> `C`; other names lowercased."""
    if raw is None:
        return "unknown"
    s = _SPACE_RE.sub(" ", str(raw)).strip().strip(":").strip()
    if not s:
        return "unknown"
    return SPEAKER_ALIASES.get(s.lower(), s.lower())


def _has_bad_bytes(s: str) -> bool:
    # Undecodable bytes survive decoding with errors="surrogateescape" as lone surrogates.
    return any("\udc80" <= ch <= "\udcff" for ch in s)


# ---------------------------------------------------------------------------------------------
# results


@dataclass
class TranscriptResult:
    utterances: list[Utterance] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    start: float
    end: float | None
    raw: str
    speaker: str


# Longest utterance text accepted, in characters: the CSV reader's field limit (csv.field_size_limit's
# default), so every format rejects the same over-long line (usually a file that is not a transcript).
MAX_TEXT_CHARS = 131072


def _finish(
    rows: list[_Row],
    source: str,
    rejects: list[Reject],
    *,
    max_utterance_seconds: float,
    duration: float | None,
    tolerance: float = 0.5,
) -> list[Utterance]:
    """Fill missing ends, check against the video's duration, clean text, sort by start."""
    rows = sorted(rows, key=lambda r: r.start)
    starts = [r.start for r in rows]
    out: list[Utterance] = []
    for i, r in enumerate(rows):
        record = {"start": r.start, "end": r.end, "text": r.raw, "speaker": r.speaker}
        if duration is not None and r.start >= duration:
            rejects.append(Reject(source, f"start {r.start:.3f}s is past the video's end ({duration:.3f}s)", r.line, "corpus", record))
            continue
        end = r.end
        if end is None:
            nxt = next((s for s in starts[i + 1 :] if s > r.start), None)
            end = r.start + max_utterance_seconds
            if nxt is not None:
                end = min(end, nxt)
            if duration is not None:
                end = min(end, duration)
        elif duration is not None and end > duration:
            if end > duration + tolerance:
                rejects.append(Reject(source, f"end {end:.3f}s is past the video's end ({duration:.3f}s)", r.line, "corpus", record))
                continue
            end = duration
        if len(r.raw) > MAX_TEXT_CHARS:
            record["text"] = r.raw[:200] + "..."
            rejects.append(Reject(source, f"utterance of {len(r.raw)} characters is longer than the limit of "
                                  f"{MAX_TEXT_CHARS}", r.line, "corpus", record))
            continue
        text = clean_text(r.raw)
        if not text:
            rejects.append(Reject(source, "empty utterance" + (f" (only annotations: {r.raw.strip()!r})" if r.raw.strip() else ""), r.line, "corpus", record))
            continue
        if end <= r.start:
            rejects.append(Reject(source, f"no duration left for utterance at {r.start:.3f}s", r.line, "corpus", record))
            continue
        out.append(Utterance(start=r.start, end=end, text=text, raw=r.raw, speaker=r.speaker, line=r.line))
    return out


# ---------------------------------------------------------------------------------------------
# CSV (SAYCam)

_COLUMN_ALIASES = {
    "time": "time", "start": "time", "start_time": "time", "onset": "time",
    "end": "end", "end_time": "end", "offset": "end", "stop": "end",
    "utterance": "utterance", "text": "utterance", "transcript": "utterance", "transcription": "utterance",
    "speaker": "speaker", "spk": "speaker",
    "video name": "video", "video_name": "video", "video": "video",
}


def read_csv_transcript(path: Path, *, max_utterance_seconds: float = 5.0, duration: float | None = None) -> TranscriptResult:
    path = Path(path)
    res = TranscriptResult()
    src = str(path)
    text = path.read_bytes().decode("utf-8", errors="surrogateescape").lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        res.rejects.append(Reject(src, "empty transcript file", None, "corpus"))
        return res
    except csv.Error as e:
        res.rejects.append(Reject(src, f"not a CSV file ({e})", 1, "corpus"))
        return res
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        key = _COLUMN_ALIASES.get(_SPACE_RE.sub(" ", h).strip().lower())
        if key and key not in cols:
            cols[key] = i
    for needed in ("time", "utterance"):
        if needed not in cols:
            res.rejects.append(Reject(src, f"missing column {needed.capitalize()!r} (header: {header})", 1, "corpus"))
            return res
    rows: list[_Row] = []
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as e:
            res.rejects.append(Reject(src, f"malformed CSV ({e})", reader.line_num, "corpus"))
            continue
        line = reader.line_num
        if not any(f.strip() for f in fields):
            continue
        def get(k: str, fields: list[str] = fields) -> str:
            i = cols.get(k)
            return fields[i] if i is not None and i < len(fields) else ""
        record = {h: (fields[i] if i < len(fields) else "") for i, h in enumerate(header)}
        if any(_has_bad_bytes(f) for f in fields):
            safe = {k: v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for k, v in record.items()}
            res.rejects.append(Reject(src, "text is not valid UTF-8", line, "corpus", safe))
            continue
        try:
            start = parse_time(get("time"))
            end_text = get("end").strip()
            end = parse_time(end_text) if end_text else None
        except ValueError as e:
            res.rejects.append(Reject(src, str(e), line, "corpus", record))
            continue
        if end is not None and end <= start:
            res.rejects.append(Reject(src, f"end {end:.3f}s is not after start {start:.3f}s", line, "corpus", record))
            continue
        rows.append(_Row(line, start, end, get("utterance"), normalize_speaker(get("speaker"))))
    res.utterances = _finish(rows, src, res.rejects, max_utterance_seconds=max_utterance_seconds, duration=duration)
    return res


# ---------------------------------------------------------------------------------------------
# SRT and WebVTT

_CUE_TIME_RE = re.compile(r"^\s*(?P<a>[\d:.,]+)\s*-->\s*(?P<b>[\d:.,]+)(?:\s+.*)?$")
_VOICE_RE = re.compile(r"<v(?:\.[^\s>]*)?\s+([^>]+)>")
_TAG_RE = re.compile(r"</?[^>]+>")
_PREFIX_SPEAKER_RE = re.compile(r"^\s*([A-Za-z][A-Za-z .'-]{0,19}):\s+(.*)$", re.S)


def _split_speaker_prefix(text: str) -> tuple[str | None, str]:
    """`MOM: look` -> ('MOM', 'look'), only for known speaker names or short upper-case codes."""
    m = _PREFIX_SPEAKER_RE.match(text)
    if m:
        name = m.group(1).strip()
        if name.lower() in SPEAKER_ALIASES or (name.isupper() and len(name) <= 12):
            return name, m.group(2)
    return None, text


def _read_cues(path: Path, *, vtt: bool, max_utterance_seconds: float, duration: float | None) -> TranscriptResult:
    res = TranscriptResult()
    src = str(path)
    text = path.read_bytes().decode("utf-8", errors="surrogateescape").lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if vtt:
        if not lines or not lines[0].startswith("WEBVTT"):
            res.rejects.append(Reject(src, "not a WebVTT file (first line is not 'WEBVTT')", 1, "corpus"))
            return res
    # split into blocks of consecutive non-blank lines, remembering the first line number
    blocks: list[tuple[int, list[str]]] = []
    cur: list[str] = []
    first = 0
    for i, ln in enumerate(lines, start=1):
        if ln.strip() == "":
            if cur:
                blocks.append((first, cur))
                cur = []
        else:
            if not cur:
                first = i
            cur.append(ln)
    if cur:
        blocks.append((first, cur))
    rows: list[_Row] = []
    for first, block in blocks:
        if vtt and (block[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION"))):
            continue
        ti = next((k for k, ln in enumerate(block[:2]) if "-->" in ln), None)
        if ti is None:
            res.rejects.append(Reject(src, "cue without a 'start --> end' line", first, "corpus", {"text": "\n".join(block)}))
            continue
        line = first + ti
        body = "\n".join(block[ti + 1 :])
        record = {"times": block[ti], "text": body}
        if _has_bad_bytes(body) or _has_bad_bytes(block[ti]):
            res.rejects.append(Reject(src, "text is not valid UTF-8", line, "corpus", {"times": block[ti].encode("utf-8", "surrogateescape").decode("utf-8", "replace")}))
            continue
        m = _CUE_TIME_RE.match(block[ti])
        if not m:
            res.rejects.append(Reject(src, f"unparseable cue times {block[ti].strip()!r}", line, "corpus", record))
            continue
        try:
            start, end = parse_time(m["a"]), parse_time(m["b"])
        except ValueError as e:
            res.rejects.append(Reject(src, str(e), line, "corpus", record))
            continue
        if end <= start:
            res.rejects.append(Reject(src, f"end {end:.3f}s is not after start {start:.3f}s", line, "corpus", record))
            continue
        speaker = None
        vm = _VOICE_RE.search(body)
        if vm:
            speaker = vm.group(1)
        raw = _TAG_RE.sub("", body).replace("\n", " ").strip()
        if speaker is None:
            speaker, raw = _split_speaker_prefix(raw)
        rows.append(_Row(line, start, end, raw, normalize_speaker(speaker)))
    res.utterances = _finish(rows, src, res.rejects, max_utterance_seconds=max_utterance_seconds, duration=duration)
    return res


def read_srt(path: Path, *, max_utterance_seconds: float = 5.0, duration: float | None = None) -> TranscriptResult:
    return _read_cues(Path(path), vtt=False, max_utterance_seconds=max_utterance_seconds, duration=duration)


def read_vtt(path: Path, *, max_utterance_seconds: float = 5.0, duration: float | None = None) -> TranscriptResult:
    return _read_cues(Path(path), vtt=True, max_utterance_seconds=max_utterance_seconds, duration=duration)


# ---------------------------------------------------------------------------------------------
# JSON


def read_json_transcript(path: Path, *, max_utterance_seconds: float = 5.0, duration: float | None = None) -> TranscriptResult:
    """A list of `{start, end, text, speaker?}` (or a dict holding it under `utterances`/`segments`)."""
    path = Path(path)
    res = TranscriptResult()
    src = str(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        res.rejects.append(Reject(src, "file is not valid UTF-8", None, "corpus"))
        return res
    except json.JSONDecodeError as e:
        res.rejects.append(Reject(src, f"not valid JSON ({e.msg} at line {e.lineno})", e.lineno, "corpus"))
        return res
    if isinstance(data, dict):
        data = data.get("utterances", data.get("segments"))
    if not isinstance(data, list):
        res.rejects.append(Reject(src, "expected a list of {start, end, text, speaker?} records", None, "corpus"))
        return res
    rows: list[_Row] = []
    for i, rec in enumerate(data, start=1):
        if not isinstance(rec, dict) or "start" not in rec or "text" not in rec:
            res.rejects.append(Reject(src, "record is not {start, end, text, speaker?}", i, "corpus", {"record": repr(rec)[:200]}))
            continue
        try:
            start = parse_time(rec["start"])
            end = parse_time(rec["end"]) if rec.get("end") not in (None, "") else None
        except ValueError as e:
            res.rejects.append(Reject(src, str(e), i, "corpus", rec))
            continue
        if end is not None and end <= start:
            res.rejects.append(Reject(src, f"end {end:.3f}s is not after start {start:.3f}s", i, "corpus", rec))
            continue
        if rec["text"] is not None and not isinstance(rec["text"], str):  # `"text": 42` is a broken record
            res.rejects.append(Reject(src, f"text is not a string ({type(rec['text']).__name__} "
                                      f"{repr(rec['text'])[:40]})", i, "corpus", {"record": repr(rec)[:200]}))
            continue
        rows.append(_Row(i, start, end, rec["text"] or "", normalize_speaker(rec.get("speaker"))))
    res.utterances = _finish(rows, src, res.rejects, max_utterance_seconds=max_utterance_seconds, duration=duration)
    return res


TRANSCRIPT_SUFFIXES = (".csv", ".srt", ".vtt", ".json")


def read_transcript(path: Path, *, max_utterance_seconds: float = 5.0, duration: float | None = None) -> TranscriptResult:
    """Dispatch on the file suffix."""
    path = Path(path)
    readers = {".csv": read_csv_transcript, ".srt": read_srt, ".vtt": read_vtt, ".json": read_json_transcript}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        return TranscriptResult(rejects=[Reject(str(path), f"unknown transcript format {path.suffix!r}", None, "corpus")])
    try:
        return reader(path, max_utterance_seconds=max_utterance_seconds, duration=duration)
    except OSError as e:
        return TranscriptResult(rejects=[Reject(str(path), f"cannot read transcript ({e.strerror or e})", None, "corpus")])


def write_srt(path: Path, utterances: list[Utterance]) -> None:
    """Write utterances as SRT (speaker as a `CODE:` prefix)."""
    from babyvlm.util.io import write_text

    parts = []
    for i, u in enumerate(utterances, start=1):
        prefix = f"{u.speaker}: " if u.speaker and u.speaker != "unknown" else ""
        parts.append(f"{i}\n{format_srt_time(u.start)} --> {format_srt_time(u.end)}\n{prefix}{u.text}\n")
    write_text(path, "\n".join(parts))
