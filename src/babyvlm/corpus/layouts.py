"""Finding sessions in a corpus folder and loading them one at a time.

Two layouts are recognised:

* SAYCam-like (also the world's): `videos/<stem>.mp4`, `transcripts/<stem>.csv` (or .srt/.vtt/.json),
  optional `annotations/<stem>.jsonl` and `corpus.json`. Child, date and age come from the stem
  (`S_20141029_2412_02`) and, where given, from the birth dates in `corpus.json`.
* generic: any `*.mp4|*.mov|*.mkv|*.webm` below the folder with a same-stem `.srt`, `.vtt` or `.json`
  transcript beside it. The child is the first sub-folder name (or the SAYCam stem's child).

Where a session has several transcripts, they are tried in a fixed order (SAYCam layout: .csv, .json,
.vtt, .srt; generic: .json, .vtt, .srt) and the first that gives at least one utterance is read; each
one passed over for giving none becomes a reject naming the one used instead, and the log says which
file was read when there was a choice.

Listing is cheap (file names only); `Corpus.sessions()` then loads sessions lazily, so memory holds
one session at a time. Problems never stop the listing: each becomes a `Reject` in `corpus.rejects`.
"""

from __future__ import annotations

import datetime as _dt
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babyvlm.corpus.session import Session, SessionEntry
from babyvlm.corpus.stems import parse_stem
from babyvlm.corpus.transcripts import TRANSCRIPT_SUFFIXES, read_transcript
from babyvlm.corpus.video import VideoError, probe
from babyvlm.errors import InputError
from babyvlm.util.rejects import Reject

log = logging.getLogger("babyvlm")

VIDEO_SUFFIXES = (".mp4", ".mov", ".mkv", ".webm")
# where several exist, they are tried in this order: the first that gives utterances is read
TRANSCRIPT_PREFERENCE = (".csv", ".json", ".vtt", ".srt")
GENERIC_TRANSCRIPTS = (".srt", ".vtt", ".json")
GENERIC_PREFERENCE = (".json", ".vtt", ".srt")
NOT_TRANSCRIPTS = {"corpus.json", "stats.json", "manifest.json", "config.json"}


@dataclass
class CorpusOptions:
    """How sessions are read (section `corpus` of every step's config)."""

    RANGES = {"max_utterance_seconds": ">0"}

    max_utterance_seconds: float = 5.0  # cap for end times inferred from the next start
    check_videos: bool = True  # decode each video's first and last second before using it


def _ranked(paths: list[Path], order: tuple[str, ...]) -> list[Path]:
    by_suffix = {p.suffix.lower(): p for p in paths}
    return [by_suffix[suf] for suf in order if suf in by_suffix]


def _pick(paths: list[Path], order: tuple[str, ...]) -> Path | None:
    ranked = _ranked(paths, order)
    return ranked[0] if ranked else None


def _with_alternatives(entry: SessionEntry, transcripts: list[Path], order: tuple[str, ...]) -> SessionEntry:
    entry.alternatives = tuple(_ranked(transcripts, order)[1:])
    return entry


class Corpus:
    """A corpus folder: its layout, metadata, session entries and the rejects found so far."""

    def __init__(self, root: Path, layout: str, entries: list[SessionEntry], meta: dict[str, Any],
                 rejects: list[Reject], options: CorpusOptions):
        self.root = root
        self.layout = layout
        self.entries = entries
        self.meta = meta
        self.rejects = rejects
        self.options = options

    def __len__(self) -> int:
        return len(self.entries)

    def __repr__(self) -> str:
        return f"Corpus({str(self.root)!r}, layout={self.layout!r}, sessions={len(self.entries)})"

    def load(self, entry: SessionEntry) -> tuple[Session | None, list[Reject]]:
        """Load one session: probe its video, parse its transcript. Never raises on bad data."""
        return load_session(entry, self.options)

    def sessions(self) -> Iterator[Session]:
        """Good sessions one at a time; problems are appended to `self.rejects`."""
        for entry in self.entries:
            session, rejects = self.load(entry)
            self.rejects.extend(rejects)
            if session is not None:
                yield session


def load_session(entry: SessionEntry, options: CorpusOptions) -> tuple[Session | None, list[Reject]]:
    assert entry.video is not None and entry.transcript is not None
    try:
        info = probe(entry.video, check_decode=options.check_videos)
    except VideoError as e:
        return None, [Reject(str(entry.video), str(e).split(": ", 1)[-1], None, "corpus", {"stem": entry.stem})]
    used, res, passed_over = entry.transcript, None, []
    for path in (entry.transcript, *entry.alternatives):
        res = read_transcript(path, max_utterance_seconds=options.max_utterance_seconds, duration=info.duration)
        used = path
        if res.utterances:
            break
        passed_over.append((path, res))
    rejects: list[Reject] = []
    if res.utterances and passed_over:  # say why a preferred transcript was not the one read
        for path, bad in passed_over:
            why = bad.rejects[0].reason if bad.rejects else "no utterances"
            rejects.append(Reject(str(path), f"transcript gives no utterance ({why}); read {used.name} instead",
                                  None, "corpus", {"stem": entry.stem}))
    elif passed_over:  # none gives anything: every file's problems, the preferred one's last
        rejects = [r for _, bad in passed_over[1:] for r in bad.rejects]
        used, res = passed_over[0]
    if entry.alternatives:
        log.info("%s: transcript %s (of %s)", entry.stem, used.name,
                 ", ".join(p.name for p in (entry.transcript, *entry.alternatives)))
    session = Session(
        child=entry.child,
        age_days=entry.age_days,
        video=entry.video,
        utterances=res.utterances,
        stem=entry.stem,
        date=entry.date,
        part=entry.part,
        transcript=used,
        annotations=entry.annotations,
        duration=info.duration,
    )
    return session, rejects + res.rejects


def _read_meta(root: Path) -> dict[str, Any]:
    path = root / "corpus.json"
    if not path.exists():
        return {}
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(meta, dict):
        raise InputError(f"{path}: expected a JSON object")
    return meta


def _birth_dates(meta: dict[str, Any]) -> dict[str, _dt.date]:
    children = meta.get("children", {})
    if isinstance(children, list):
        children = {c.get("id"): c for c in children if isinstance(c, dict)}
    out = {}
    for cid, c in (children or {}).items():
        if isinstance(c, dict) and c.get("birth_date"):
            try:
                out[str(cid)] = _dt.date.fromisoformat(str(c["birth_date"]))
            except ValueError:
                pass
    return out


def _entry(stem: str, video: Path | None, transcript: Path | None, annotations: Path | None,
           births: dict[str, _dt.date], default_child: str = "unknown") -> SessionEntry:
    info = parse_stem(stem)
    entry = SessionEntry(stem=stem, video=video, transcript=transcript, annotations=annotations, child=default_child)
    if info is not None:
        entry.child, entry.date, entry.part = info.child, info.date, info.part
        entry.age_days = info.age_days
        if info.child in births:
            entry.age_days = (info.date - births[info.child]).days
    return entry


def _saycam_entries(root: Path, births: dict[str, _dt.date]) -> tuple[list[SessionEntry], list[Reject]]:
    videos: dict[str, Path] = {}
    for p in sorted((root / "videos").iterdir()):
        if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES:
            videos.setdefault(p.stem, p)
    transcripts: dict[str, list[Path]] = {}
    tdir = root / "transcripts"
    if tdir.is_dir():
        for p in sorted(tdir.iterdir()):
            if p.is_file() and p.suffix.lower() in TRANSCRIPT_SUFFIXES:
                transcripts.setdefault(p.stem, []).append(p)
    adir = root / "annotations"
    entries, rejects = [], []
    for stem in sorted(set(videos) | set(transcripts)):
        video = videos.get(stem)
        transcript = _pick(transcripts.get(stem, []), TRANSCRIPT_PREFERENCE)
        if video is None:
            rejects.append(Reject(str(transcript), "transcript without a video", None, "corpus", {"stem": stem}))
            continue
        if transcript is None:
            rejects.append(Reject(str(video), "video without a transcript", None, "corpus", {"stem": stem}))
            continue
        ann = adir / f"{stem}.jsonl"
        entries.append(_with_alternatives(_entry(stem, video, transcript, ann if ann.exists() else None, births),
                                          transcripts[stem], TRANSCRIPT_PREFERENCE))
    return entries, rejects


def _generic_entries(root: Path, births: dict[str, _dt.date]) -> tuple[list[SessionEntry], list[Reject]]:
    by_key: dict[tuple[Path, str], dict[str, list[Path]]] = {}
    for p in sorted(root.rglob("*")):
        if not p.is_file() or any(part.startswith(".") for part in p.relative_to(root).parts):
            continue
        suf = p.suffix.lower()
        if suf in VIDEO_SUFFIXES:
            by_key.setdefault((p.parent, p.stem), {}).setdefault("video", []).append(p)
        elif suf in GENERIC_TRANSCRIPTS and p.name.lower() not in NOT_TRANSCRIPTS:
            by_key.setdefault((p.parent, p.stem), {}).setdefault("transcript", []).append(p)
    entries, rejects = [], []
    for (parent, stem), files in sorted(by_key.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        videos = files.get("video", [])
        transcript = _pick(files.get("transcript", []), GENERIC_PREFERENCE)
        if not videos:
            # a lone .json is usually not a transcript (configs, metadata), so only SRT/VTT count as orphans
            if transcript is not None and transcript.suffix.lower() != ".json":
                rejects.append(Reject(str(transcript), "transcript without a video", None, "corpus", {"stem": stem}))
            continue
        video = _pick(videos, VIDEO_SUFFIXES)
        if transcript is None:
            rejects.append(Reject(str(video), "video without a transcript", None, "corpus", {"stem": stem}))
            continue
        rel = parent.relative_to(root)
        child = rel.parts[0] if rel.parts else "unknown"
        entries.append(_with_alternatives(_entry(stem, video, transcript, None, births, default_child=child),
                                          files["transcript"], GENERIC_PREFERENCE))
    # the same stem in two folders would collide in every output named by stem
    seen: dict[str, SessionEntry] = {}
    unique = []
    for e in entries:
        if e.stem in seen:
            rejects.append(Reject(str(e.video), f"duplicate session name {e.stem!r} (also {seen[e.stem].video})", None, "corpus"))
            continue
        seen[e.stem] = e
        unique.append(e)
    return unique, rejects


def detect_layout(root: Path) -> str:
    if (root / "videos").is_dir():
        return "saycam"
    return "generic"


def open_corpus(path: str | Path, options: CorpusOptions | None = None) -> Corpus:
    """Open a corpus folder (either layout). Raises InputError only when there is no corpus at all."""
    root = Path(path)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder")
    options = options or CorpusOptions()
    meta = _read_meta(root)
    births = _birth_dates(meta)
    layout = detect_layout(root)
    if layout == "saycam":
        entries, rejects = _saycam_entries(root, births)
    else:
        entries, rejects = _generic_entries(root, births)
    if not entries and not rejects:
        raise InputError(
            f"{root}: no corpus here (expected videos/ + transcripts/, or video files with same-stem .srt/.vtt/.json transcripts)"
        )
    return Corpus(root, layout, entries, meta, rejects, options)


def list_videos(path: str | Path) -> tuple[str, list[SessionEntry], list[Reject], dict[str, Any]]:
    """Every video of a corpus folder, with or without a transcript (what `corpus transcribe` needs).

    Returns the layout, one entry per video (`entry.transcript` set where one exists, else None),
    rejects (duplicate session names in the generic layout) and `corpus.json`'s contents. Unlike
    `open_corpus`, a video without a transcript is an entry here, not a reject.
    """
    root = Path(path)
    if not root.is_dir():
        raise InputError(f"{root}: not a folder")
    meta = _read_meta(root)
    births = _birth_dates(meta)
    layout = detect_layout(root)
    entries: list[SessionEntry] = []
    rejects: list[Reject] = []
    if layout == "saycam":
        transcripts: dict[str, list[Path]] = {}
        tdir = root / "transcripts"
        if tdir.is_dir():
            for p in sorted(tdir.iterdir()):
                if p.is_file() and p.suffix.lower() in TRANSCRIPT_SUFFIXES:
                    transcripts.setdefault(p.stem, []).append(p)
        seen: set[str] = set()
        for p in sorted((root / "videos").iterdir()):
            if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES and p.stem not in seen:
                seen.add(p.stem)
                entries.append(_entry(p.stem, p, _pick(transcripts.get(p.stem, []), TRANSCRIPT_PREFERENCE), None, births))
        return layout, entries, rejects, meta
    groups: dict[tuple[Path, str], list[Path]] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root)
        if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES and not any(part.startswith(".") for part in rel.parts):
            groups.setdefault((p.parent, p.stem), []).append(p)
    by_stem: dict[str, SessionEntry] = {}
    for (parent, stem), videos in sorted(groups.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        video = _pick(videos, VIDEO_SUFFIXES)
        if stem in by_stem:
            rejects.append(Reject(str(video), f"duplicate session name {stem!r} (also {by_stem[stem].video})", None, "corpus"))
            continue
        siblings = [parent / f"{stem}{s}" for s in GENERIC_TRANSCRIPTS if (parent / f"{stem}{s}").is_file()]
        transcript = _pick(siblings, GENERIC_PREFERENCE)
        rel = parent.relative_to(root)
        child = rel.parts[0] if rel.parts else "unknown"
        by_stem[stem] = _entry(stem, video, transcript, None, births, default_child=child)
    entries = [by_stem[k] for k in sorted(by_stem, key=lambda k: (str(by_stem[k].video), k))]
    return layout, entries, rejects, meta
