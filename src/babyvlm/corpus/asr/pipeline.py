"""`babyvlm corpus transcribe`: every session's audio through a local Whisper, into the corpus layout.

Per session: decode the audio (PyAV, 16 kHz mono) once into a disk spool while measuring frame
levels, choose windows (voice activity or fixed, see `chunks`), run the windows through Whisper in
batches (shared with the neighbouring sessions), map segment times back to the session, label
speakers from RTTM when given, and keep or reject each utterance (one-line reason). Sessions are
independent and written atomically, so a killed run resumes where it stopped.

Where things go (OUT is the corpus itself unless `--out` names another folder):
  OUT/transcripts/<stem>.csv, .srt      SAYCam-like corpora (generic ones: beside each video)
  OUT/videos/<name>                     symlinks to the videos when OUT is a new folder, so OUT is a corpus
  OUT/asr/sessions/<stem>.json          per-session record (status, counts, its rejects): resume state
  OUT/asr/words/<stem>.jsonl            word timestamps per CSV row (when the model gives them)
  OUT/asr/rejects.jsonl, summary.json, config.yaml

A session counts as done when its record exists and either it was rejected or its CSV exists.
A session whose transcript already exists in OUT without a record (a human transcript, in-place
runs) is left alone.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import shutil
import time
import zlib
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from babyvlm.config import to_dict, write_config
from babyvlm.corpus.asr import chunks as windowing
from babyvlm.corpus.asr.rttm import VTC_SPEAKERS, RttmSource, Turn, label
from babyvlm.corpus.asr.segments import Segment
from babyvlm.corpus.asr.writer import Transcribed, write_transcript
from babyvlm.corpus.audio import SAMPLE_RATE, AudioError, DecodeReport, iter_audio
from babyvlm.corpus.layouts import TRANSCRIPT_PREFERENCE, list_videos
from babyvlm.corpus.session import SessionEntry
from babyvlm.corpus.transcripts import clean_text
from babyvlm.corpus.video import VideoError, probe
from babyvlm.errors import InputError
from babyvlm.util.io import read_json, write_json, write_jsonl
from babyvlm.util.progress import bar
from babyvlm.util.rejects import Reject, RejectLog

log = logging.getLogger("babyvlm")

STEP = "asr"


@dataclass
class TranscribeConfig:
    """Settings of `babyvlm corpus transcribe` (config section `asr`)."""

    RANGES = {"min_confidence": "0..1", "max_compression_ratio": ">0", "batch_size": ">=1",
              "num_beams": ">=1", "max_new_tokens": ">=0"}

    model: str = ""  # local folder of a transformers Whisper checkpoint (model + processor)
    language: str = "en"
    task: Literal["transcribe", "translate"] = "transcribe"
    min_confidence: float = 0.5  # utterances with a lower mean token probability go to rejects
    max_compression_ratio: float = 2.4  # higher: repetitive text (a Whisper failure mode) goes to rejects
    chunking: Literal["vad", "fixed"] = "vad"
    vad: windowing.VadOptions = field(default_factory=windowing.VadOptions)
    batch_size: int = 8  # windows per forward pass
    device: str = "auto"  # auto | cpu | cuda | cuda:N
    dtype: str = "auto"  # auto (float16 on GPU, float32 on CPU) | float32 | float16 | bfloat16
    num_beams: int = 1
    max_new_tokens: int = 0  # 0: up to the decoder's context
    word_timestamps: bool = True  # used when the checkpoint has alignment_heads
    rttm: str = ""  # an RTTM file (file-id = stem) or a folder of <stem>.rttm
    speaker_map: dict[str, str] = field(default_factory=lambda: dict(VTC_SPEAKERS))
    drop_key_child: bool = True  # with RTTM: utterances mostly spoken by the key child (C) go to rejects
    srt: bool = True  # also write <stem>.srt


# settings that change what a session's files contain: a resumed run must use the same ones
OUTPUT_KEYS = ("model", "language", "task", "min_confidence", "max_compression_ratio", "chunking", "vad",
               "num_beams", "max_new_tokens", "word_timestamps", "rttm", "speaker_map", "drop_key_child", "srt")


@dataclass
class Destination:
    """Where one session's files go."""

    csv: Path
    words: Path
    record: Path
    video_link: Path | None  # None: transcribing in place

    def existing_transcript(self) -> Path | None:
        for suf in TRANSCRIPT_PREFERENCE:
            p = self.csv.with_suffix(suf)
            if p.exists():
                return p
        return None


@dataclass
class _Work:
    """A session whose windows are being decoded."""

    entry: SessionEntry
    dest: Destination
    spool: Path  # the session's 16 kHz audio (float32) until its windows are batched
    report: DecodeReport
    duration: float  # seconds: the audio's, capped at the video's
    windows: list[windowing.Chunk]
    stats: dict[str, Any]
    left: int = 0  # windows not decoded yet
    segments: list[Segment] = field(default_factory=list)
    dropped: list[Reject] = field(default_factory=list)


@dataclass
class RunSummary:
    out: Path
    asr_dir: Path
    sessions: int = 0
    transcribed: int = 0  # this run
    resumed: int = 0  # already done by an earlier run
    rejected: int = 0  # this run
    skipped_existing: int = 0  # a transcript was already there
    utterances: int = 0  # this run
    audio_seconds: float = 0.0  # this run
    wall_seconds: float = 0.0
    rejects: int = 0  # records in rejects.jsonl


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())


def compression_ratio(text: str) -> float:
    """Bytes over zlib-compressed bytes: high for text that repeats itself."""
    data = text.encode("utf-8")
    return len(data) / max(1, len(zlib.compress(data)))


class Transcriber:
    """Transcribes the sessions of one corpus into one output folder."""

    def __init__(self, corpus: str | Path, cfg: TranscribeConfig, *, out: str | Path | None = None,
                 runner_factory=None):
        self.corpus = Path(corpus)
        self.cfg = cfg
        self.layout, self.entries, self.list_rejects, self.meta = list_videos(self.corpus)
        if not self.entries and not self.list_rejects:
            raise InputError(f"{self.corpus}: no videos here (expected videos/*.mp4 or video files below the folder)")
        self.out = Path(out) if out is not None else self.corpus
        self.in_place = self.out.resolve() == self.corpus.resolve()
        if not self.in_place and self.out.resolve().is_relative_to(self.corpus.resolve()):
            raise InputError(f"--out {self.out}: inside the corpus folder (it would be read as part of the corpus); "
                             "choose a folder outside it, or leave --out away to write into the corpus")
        self.asr_dir = self.out / "asr"
        self.rttm = RttmSource(cfg.rttm) if cfg.rttm else None
        self._runner = None
        self._runner_factory = runner_factory

    # -- layout ------------------------------------------------------------------------------
    def destination(self, entry: SessionEntry) -> Destination:
        assert entry.video is not None
        if self.layout == "saycam":
            tdir = self.out / "transcripts"
            link_dir = self.out / "videos"
        else:
            rel = entry.video.parent.relative_to(self.corpus)
            tdir = link_dir = self.out / rel
        return Destination(
            csv=tdir / f"{entry.stem}.csv",
            words=self.asr_dir / "words" / f"{entry.stem}.jsonl",
            record=self.asr_dir / "sessions" / f"{entry.stem}.json",
            video_link=None if self.in_place else link_dir / entry.video.name,
        )

    def done(self, dest: Destination) -> dict | None:
        """The session's record if an earlier run finished it."""
        if not dest.record.exists():
            return None
        try:
            rec = read_json(dest.record)
        except (ValueError, OSError):
            return None
        if rec.get("status") == "rejected" or dest.csv.exists():
            return rec
        return None

    # -- model ---------------------------------------------------------------------------------
    def runner(self):
        if self._runner is None:
            if self._runner_factory is not None:
                self._runner = self._runner_factory(self.cfg)
            else:
                from babyvlm.corpus.asr.whisper import RunnerOptions, WhisperRunner

                if not self.cfg.model:
                    raise InputError("no model: give --model PATH (a local Whisper checkpoint folder)")
                self._runner = WhisperRunner(self.cfg.model, RunnerOptions(
                    language=self.cfg.language, task=self.cfg.task, device=self.cfg.device, dtype=self.cfg.dtype,
                    num_beams=self.cfg.num_beams, max_new_tokens=self.cfg.max_new_tokens,
                    word_timestamps=self.cfg.word_timestamps))
        return self._runner

    # -- run -----------------------------------------------------------------------------------
    def _check_config(self) -> None:
        """A resumed run must not mix sessions made with different settings."""
        path = self.asr_dir / "config.yaml"
        if not path.exists() or not any((self.asr_dir / "sessions").glob("*.json")):
            return  # nothing was transcribed with the old settings
        import yaml

        try:
            old = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("asr", {})
        except yaml.YAMLError:
            return
        new = to_dict(self.cfg)
        diff = [k for k in OUTPUT_KEYS if k in old and old[k] != new[k]]
        if diff:
            raise InputError(
                f"{path}: an earlier run used different settings ({', '.join(diff)}); resume with the same settings, "
                f"or write to a new --out folder (or delete {self.asr_dir} to start over)")

    def run(self) -> RunSummary:
        t_start = time.perf_counter()
        self._check_config()
        self.asr_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.asr_dir / "tmp", ignore_errors=True)  # audio spools a killed run left behind
        write_config(self.cfg, self.asr_dir, section="asr")
        if not self.in_place and (self.corpus / "corpus.json").exists():
            dst = self.out / "corpus.json"
            if not dst.exists():
                shutil.copyfile(self.corpus / "corpus.json", dst)
        summary = RunSummary(self.out, self.asr_dir, sessions=len(self.entries))
        # rejects.jsonl restarts from the finished sessions' records, so a resume never duplicates lines
        done_rejects: list[dict] = [r.to_dict() for r in self.list_rejects]
        if self.rttm is not None:
            done_rejects.extend(r.to_dict() for r in self.rttm.rejects)
        todo: list[tuple[SessionEntry, Destination]] = []
        for entry in self.entries:
            dest = self.destination(entry)
            rec = self.done(dest)
            if rec is not None:
                summary.resumed += 1
                done_rejects.extend(rec.get("rejects", []))
                continue
            existing = dest.existing_transcript()
            if existing is not None and not dest.record.exists():
                summary.skipped_existing += 1
                log.info("%s: already has a transcript (%s), left as it is", entry.stem, existing)
                continue
            todo.append((entry, dest))
        rejects_path = self.asr_dir / "rejects.jsonl"
        write_jsonl(rejects_path, done_rejects)
        reject_log = RejectLog(rejects_path)
        if summary.resumed:
            log.info("resuming: %d of %d sessions already transcribed", summary.resumed, len(self.entries))
        def finished(rec: dict) -> None:
            reject_log.extend(Reject(**r) for r in rec["rejects"])
            if rec["status"] == "rejected":
                summary.rejected += 1
            else:
                summary.transcribed += 1
                summary.utterances += rec["utterances"]
            summary.audio_seconds += rec.get("audio_seconds", 0.0)
            sessions_bar.update(1)

        with bar(desc="transcribing", total=len(self.entries), unit="session",
                 initial=summary.resumed + summary.skipped_existing) as sessions_bar, \
                bar(desc="windows", total=0, unit="window") as windows_bar:
            self._transcribe_all(todo, finished, windows_bar)
        summary.rejects = reject_log.count + len(done_rejects)
        self.write_summary()
        summary.wall_seconds = time.perf_counter() - t_start
        return summary

    def write_summary(self) -> Path:
        """`asr/summary.json` from every session's record (deterministic: no timings)."""
        rows = []
        totals: dict[str, Any] = {"sessions": len(self.entries), "transcribed": 0, "rejected": 0, "not_done": 0,
                                  "utterances": 0, "rejected_utterances": 0, "audio_hours": 0.0, "speech_hours": 0.0}
        for entry in self.entries:
            dest = self.destination(entry)
            rec = self.done(dest)
            if rec is None:
                totals["not_done"] += 1
                continue
            totals["transcribed" if rec["status"] == "ok" else "rejected"] += 1
            totals["utterances"] += rec.get("utterances", 0)
            totals["rejected_utterances"] += rec.get("rejected_utterances", 0)
            totals["audio_hours"] += rec.get("audio_seconds", 0.0) / 3600
            totals["speech_hours"] += rec.get("speech_seconds", 0.0) / 3600
            rows.append({k: rec[k] for k in ("stem", "status", "utterances", "rejected_utterances", "audio_seconds",
                                             "speech_seconds", "windows", "reason") if k in rec})
        totals["audio_hours"] = round(totals["audio_hours"], 4)
        totals["speech_hours"] = round(totals["speech_hours"], 4)
        return write_json(self.asr_dir / "summary.json", {
            "corpus": str(self.corpus), "layout": self.layout, "model": self.cfg.model, "chunking": self.cfg.chunking,
            "min_confidence": self.cfg.min_confidence, "totals": totals, "sessions": rows})

    # -- one session ---------------------------------------------------------------------------
    def _record(self, entry: SessionEntry, status: str, rejects: list[Reject], **extra: Any) -> dict:
        rec = {"stem": entry.stem, "video": str(entry.video), "status": status, **extra,
               "rejects": [r.to_dict() for r in rejects]}
        return rec

    def _reject_session(self, entry: SessionEntry, dest: Destination, reason: str, **extra: Any) -> dict:
        r = Reject(str(entry.video), reason, None, STEP, {"stem": entry.stem})
        rec = self._record(entry, "rejected", [r], reason=reason, utterances=0, rejected_utterances=0, **extra)
        write_json(dest.record, rec)
        return rec

    def _transcribe_all(self, todo: list[tuple[SessionEntry, Destination]], finished, windows_bar) -> None:
        """Windows of consecutive sessions share batches (short sessions still fill a GPU batch);
        sessions are finished, and written, in order, as soon as all their windows are decoded."""
        in_flight: deque[_Work | dict] = deque()  # a dict is a session already finished (rejected)
        batch: list[tuple[_Work, windowing.Chunk, np.ndarray]] = []
        size = max(1, self.cfg.batch_size)

        def run_batch() -> None:
            results = self.runner()([samples for _, _, samples in batch])
            for (work, window, samples), segs in zip(batch, results):
                work.segments.extend(self._map_window(work.entry, window, len(samples) / SAMPLE_RATE, segs, work.dropped))
                work.left -= 1
            windows_bar.update(len(batch))
            batch.clear()
            drain()

        def drain() -> None:
            while in_flight and (isinstance(in_flight[0], dict) or in_flight[0].left == 0):
                item = in_flight.popleft()
                finished(item if isinstance(item, dict) else self._finish(item))

        for entry, dest in todo:
            work = self._prepare(entry, dest)
            in_flight.append(work)
            if isinstance(work, dict):
                drain()
                continue
            windows_bar.total += len(work.windows)
            windows_bar.refresh()
            try:  # the windows' samples are copied out of the spool batch by batch
                audio = np.memmap(work.spool, dtype=np.float32, mode="r")
                for window in work.windows:
                    a = int(round(window.start * SAMPLE_RATE))
                    b = min(audio.size, int(round(window.end * SAMPLE_RATE)))
                    batch.append((work, window, np.array(audio[a:b])))
                    if len(batch) >= size:
                        run_batch()
                del audio
            finally:
                work.spool.unlink(missing_ok=True)
        if batch:
            run_batch()
        drain()

    def _prepare(self, entry: SessionEntry, dest: Destination) -> _Work | dict:
        """Decode the session's audio once and choose its windows; a dict when the session is rejected.

        The 16 kHz audio goes to a spool file on disk (an hour is 230 MB: not memory) while its
        levels are measured; the caller copies the windows out of it and deletes it.
        """
        spool = self.asr_dir / "tmp" / f"{entry.stem}.f32"
        spool.parent.mkdir(parents=True, exist_ok=True)
        work: _Work | dict = {}
        try:
            work = self._prepare_from(entry, dest, spool)
            return work
        finally:
            if not isinstance(work, _Work):
                spool.unlink(missing_ok=True)

    def _prepare_from(self, entry: SessionEntry, dest: Destination, spool: Path) -> _Work | dict:
        cfg = self.cfg
        video = entry.video
        assert video is not None
        report = DecodeReport()
        try:
            with open(spool, "wb") as f:
                def tee():
                    for t0, block in iter_audio(video, report=report):
                        f.write(block.tobytes())
                        yield t0, block

                levels = windowing.frame_levels(tee(), frame_seconds=cfg.vad.frame_seconds)
        except AudioError as e:
            return self._reject_session(entry, dest, _one_line(e).split(": ", 1)[-1])
        if levels.duration <= 0:
            return self._reject_session(entry, dest, "audio stream holds no samples")
        video_duration = None
        try:
            video_duration = probe(video, check_decode=False).duration
        except VideoError:
            pass  # the corpus reader will say what is wrong with the video; the audio is still usable
        duration = min(levels.duration, video_duration) if video_duration else levels.duration
        if cfg.chunking == "vad":
            regions = windowing.speech_regions(levels, cfg.vad)
            windows = windowing.pack(regions, levels, cfg.vad)
            speech = sum(r.duration for r in regions)
        else:
            windows = windowing.fixed_chunks(levels, cfg.vad)
            speech = sum(w.duration for w in windows)
        stats = {"audio_seconds": round(levels.duration, 3), "speech_seconds": round(float(speech), 3), "windows": len(windows)}
        if not windows:
            if levels.loudest <= cfg.vad.min_db:
                why = f"silent audio (loudest 20 ms frame {levels.loudest:.1f} dBFS, speech needs > {cfg.vad.min_db:g})"
            else:
                why = (f"no voice activity found (loudest frame {levels.loudest:.1f} dBFS, "
                       f"threshold {windowing.threshold(levels, cfg.vad):.1f} dBFS)")
            return self._reject_session(entry, dest, why, **stats)
        return _Work(entry, dest, spool, report, duration, windows, stats, left=len(windows))

    def _finish(self, work: _Work) -> dict:
        """Judge the session's utterances and write its record, then its files (the CSV last)."""
        entry, dest = work.entry, work.dest
        turns, rttm_rejects = self.rttm.turns(entry.stem) if self.rttm is not None else (None, [])
        kept, judged = self._judge(entry, work.segments, work.duration, turns)
        rejects = list(rttm_rejects)
        note = work.report.one_line()
        if note:
            rejects.append(Reject(str(entry.video), note, None, STEP, {"stem": entry.stem}))
        rejects += work.dropped + judged
        speakers = "unknown" if self.rttm is None else ("rttm" if turns is not None else "unknown (no RTTM for this session)")
        rec = self._record(entry, "ok", rejects, utterances=len(kept),
                           rejected_utterances=len(work.dropped) + len(judged), **work.stats, speakers=speakers)
        # the record first, then the files; the CSV, written last, marks the session finished
        write_json(dest.record, rec)
        if dest.video_link is not None:
            assert entry.video is not None
            self._link(entry.video, dest.video_link)
        words = dest.words if runner_has_words(self.runner()) else None
        write_transcript(dest.csv, kept, words_path=words, srt=self.cfg.srt)
        return rec

    def _map_window(self, entry: SessionEntry, window: windowing.Chunk, audio_seconds: float,
                    segs: list[Segment], dropped: list[Reject]) -> list[Segment]:
        """Window-relative segments -> session times; segments past the window's audio are rejected."""
        out = []
        for s in segs:
            rec = {"stem": entry.stem, "start": round(window.start + s.start, 3), "text": s.text,
                   "confidence": round(s.confidence, 4)}
            if s.start >= audio_seconds - 0.01:
                dropped.append(Reject(str(entry.video), f"segment starts at {s.start:.2f}s of a {audio_seconds:.2f}s window "
                                      "(past its audio: the model ran on)", None, STEP, rec))
                continue
            end = min(s.end, audio_seconds)
            if end <= s.start:  # a zero-length segment (<|t|>text<|t|>): give it half a second
                end = min(audio_seconds, s.start + 0.5)
            s = dataclasses.replace(s, end=end)
            for w in s.words:
                w.start, w.end = min(w.start, end), min(w.end, end)
            out.append(s.shifted(window.start))
        return out

    def _judge(self, entry: SessionEntry, segments: list[Segment], duration: float,
               turns: list[Turn] | None) -> tuple[list[Transcribed], list[Reject]]:
        """Keep an utterance, or reject it with the first reason that applies."""
        cfg = self.cfg
        kept: list[Transcribed] = []
        rejects: list[Reject] = []
        for s in sorted(segments, key=lambda s: (s.start, s.end)):
            start, end = s.start, min(s.end, round(duration, 3))
            speaker, share = ("unknown", 0.0) if turns is None else label(start, end, turns, cfg.speaker_map)
            rec = {"stem": entry.stem, "start": start, "end": end, "text": s.text, "speaker": speaker,
                   "confidence": round(s.confidence, 4)}

            def reject(reason: str, rec=rec) -> None:
                rejects.append(Reject(str(entry.video), reason, None, STEP, rec))

            if start >= duration:
                reject(f"starts at {start:.2f}s, after the video's end ({duration:.2f}s)")
            elif not clean_text(s.text):
                reject(f"no words (only annotations: {s.text.strip()[:60]!r})")
            elif (ratio := compression_ratio(s.text)) > cfg.max_compression_ratio:
                reject(f"repetitive text (compression ratio {ratio:.2f} > {cfg.max_compression_ratio:g})")
            elif cfg.drop_key_child and speaker == "C":
                reject(f"the key child's own speech (RTTM: {100 * share:.0f}% of the utterance)")
            elif s.confidence < cfg.min_confidence:
                reject(f"confidence {s.confidence:.3f} below --min-confidence {cfg.min_confidence:g}")
            else:
                kept.append(Transcribed(start, end, s.text, speaker, s.confidence, s.words))
        return kept, rejects

    @staticmethod
    def _link(video: Path, link: Path) -> None:
        """Point OUT's video at the original (a symlink; a hard link or copy where symlinks fail)."""
        if link.exists() or link.is_symlink():
            return
        link.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.symlink(video.resolve(), link)
        except OSError:
            try:
                os.link(video.resolve(), link)
            except OSError:
                shutil.copyfile(video, link)


def runner_has_words(runner) -> bool:
    return bool(getattr(runner, "word_timestamps", False))


def transcribe_corpus(corpus: str | Path, cfg: TranscribeConfig, *, out: str | Path | None = None,
                      runner_factory=None) -> RunSummary:
    return Transcriber(corpus, cfg, out=out, runner_factory=runner_factory).run()


__all__ = ["TranscribeConfig", "Transcriber", "transcribe_corpus"]
