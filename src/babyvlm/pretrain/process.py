"""Steps 1-4 for one session: segment, decode 1 FPS frames, score them, write the candidate frames.

The session's frames are decoded in one time-ordered pass (`VideoReader.frames_at`), grouped into
clips, and scored in batches as clips complete, so memory holds at most one batch of frames. Each
clip's video score aggregates its frame scores (`babyvlm.scoring.base`). A decode error mid-video
costs only the clips up to the next keyframe after it (a reject says which); decoding goes on from
there. Frames are written as JPEG for every clip that can still be kept: with a threshold video
filter, the clips at or above it; with a keep-fraction (or no) video filter, every clip, since the
threshold is chosen later over the whole set (frames no sample uses are deleted when the set is
assembled).

The result is a part file `parts/<stem>.json` (clips, their frame scores and file names, ground
truth where the corpus has annotations, the session's utterances for the text corpus, rejects),
written atomically after the session's frames, so its presence means the session is finished.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from babyvlm.corpus import SessionEntry, VideoError, VideoReader
from babyvlm.corpus.layouts import load_session
from babyvlm.pretrain.config import PretrainConfig
from babyvlm.pretrain.segment import Clip, clip_frame_times, frame_name, segment
from babyvlm.scoring import PairInfo, Scorer, aggregate
from babyvlm.scoring.oracle import GroundTruth
from babyvlm.util.io import write_bytes, write_json
from babyvlm.util.rejects import Reject

PART_FORMAT = "babyvlm-pretrain-part/1"


@dataclass
class SessionJob:
    entry: SessionEntry
    split: str
    parts_dir: Path
    frames_dir: Path
    fingerprint: str  # settings + this session's files: a part with another one is redone
    settings: str = ""  # settings only: equal for every part of one set

    @property
    def part_path(self) -> Path:
        return self.parts_dir / f"{self.entry.stem}.json"


@dataclass
class _Pending:
    clip: Clip
    times: list[float]
    images: list[Image.Image | None] = field(default_factory=list)
    got: int = 0


def video_threshold_now(cfg: PretrainConfig, scorer: Scorer) -> float | None:
    """The video threshold known before the whole set is seen (threshold mode only)."""
    f = cfg.video_filter
    if f.mode != "threshold":
        return None
    return float(f.thresholds.get(scorer.kind, scorer.default_thresholds["video"]))


def _resize(img: Image.Image, size: int | None) -> Image.Image:
    if size is None:
        return img
    w, h = img.size
    if min(w, h) == size:
        return img
    if w <= h:
        nw, nh = size, max(1, int(round(h * size / w)))
    else:
        nw, nh = max(1, int(round(w * size / h))), size
    return img.resize((nw, nh), Image.BILINEAR)


def write_jpeg(path: Path, img: Image.Image, quality: int) -> None:
    buf = io.BytesIO()
    img.convert("RGB").save(buf, format="JPEG", quality=quality)
    write_bytes(path, buf.getvalue())


def _complete_clips(pending: list[_Pending], reader: VideoReader) -> Iterator[_Pending]:
    """Decode every frame of every clip in one pass; yield each clip once all its frames are in."""
    requests = sorted((t, ci, k) for ci, p in enumerate(pending) for k, t in enumerate(p.times))
    frames = reader.frames_at([t for t, _, _ in requests])
    for (_, ci, k), fr in zip(requests, frames):
        p = pending[ci]
        p.images[k] = fr.image
        p.got += 1
        if p.got == len(p.times):
            yield p


def _past_damage(todo: list[_Pending], err: VideoError, reader: VideoReader, records: list[dict[str, Any]],
                 batch: list[_Pending], rejects: list[Reject], stem: str) -> list[_Pending]:
    """After a decode error: reject the clips it cost, return those that start after the next keyframe
    (decoding starts afresh there), so one damaged stretch does not lose the rest of the session."""
    done = {r["index"] for r in records} | {p.clip.index for p in batch}
    unfinished = [p for p in todo if p.clip.index not in done]
    resume = None
    if err.time is not None:
        try:
            resume = reader.next_keyframe_after(err.time)
        except VideoError:
            resume = None
    later = [p for p in unfinished if resume is not None and p.times[0] >= resume - 1e-6]
    lost = [p for p in unfinished if all(p is not q for q in later)]
    where = f"clips up to the next keyframe at {resume:.2f}s" if later else "clips after it"
    rejects.append(Reject(str(reader.path), f"{str(err).split(': ', 1)[-1]}; {len(lost)} {where} skipped", None,
                          "pretrain", {"stem": stem, "first_skipped": lost[0].clip.start if lost else None,
                                       "resumed_at": resume if later else None}))
    for p in later:  # decoded again from the start
        p.images, p.got = [None] * len(p.times), 0
    return later


def process_session(job: SessionJob, cfg: PretrainConfig, scorer: Scorer, *, dry_run: bool = False) -> dict[str, Any]:
    """Process one session and write its part file; returns the part record.

    `dry_run` scores without writing frames or the part file (for measuring a scorer)."""
    entry = job.entry
    stem = entry.stem
    session, load_rejects = load_session(entry, cfg.corpus)
    rejects: list[Reject] = list(load_rejects)
    part: dict[str, Any] = {
        "format": PART_FORMAT, "stem": stem, "split": job.split, "fingerprint": job.fingerprint,
        "settings": job.settings, "scorer": {"name": scorer.name, "kind": scorer.kind, "default_thresholds": scorer.default_thresholds},
        "child": entry.child, "age_days": entry.age_days, "ok": session is not None,
        "duration": 0.0, "utterances": [], "speech_seconds": 0.0, "clips": [], "dropped": {},
        "annotated": False, "rejects": [],
    }
    if session is None:
        part["rejects"] = [r.to_dict() for r in rejects]
        if not dry_run:
            write_json(job.part_path, part)
        return part
    part["duration"] = round(session.duration or 0.0, 3)
    part["utterances"] = [u.text for u in session.utterances if u.text.strip()]
    part["speech_seconds"] = round(sum(u.duration for u in session.utterances), 3)
    clips, dropped, seg_rejects = segment(session.utterances, cfg.segment, stem, str(session.transcript or ""))
    rejects.extend(seg_rejects)
    part["dropped"] = dict(sorted(dropped.items()))
    ann = session.annotations
    part["annotated"] = ann is not None
    truth = GroundTruth(cfg.truth.min_visible) if ann is not None else None
    vthr = video_threshold_now(cfg, scorer)
    pending = [_Pending(c, clip_frame_times(c.start, c.end, cfg.frames.fps)) for c in clips]
    for p in pending:
        p.images = [None] * len(p.times)

    records: list[dict[str, Any]] = []
    batch: list[_Pending] = []

    def flush() -> None:
        imgs = [im for p in batch for im in p.images]
        texts = [p.clip.text for p in batch for _ in p.times]
        infos = [PairInfo(stem, t, p.clip.start, p.clip.end, ann) for p in batch for t in p.times]
        scores = scorer.score(imgs, texts, infos)
        pos = 0
        for p in batch:
            off = pos
            s = scores[off : off + len(p.times)]
            pos += len(p.times)
            vs = aggregate(s, cfg.scorer.aggregate)
            write = (vthr is None or vs >= vthr) and not dry_run
            frames = []
            for k, (t, im) in enumerate(zip(p.times, p.images)):
                name = frame_name(stem, p.clip.start, p.clip.end, k)
                if write:
                    write_jpeg(job.frames_dir / name, _resize(im, cfg.frames.size), cfg.frames.jpeg_quality)
                rec = {"k": k, "t": t, "score": round(float(s[k]), 6), "file": name if write else None}
                if truth is not None:
                    rec["truth"] = truth.positive(infos[off + k])
                frames.append(rec)
            c = p.clip
            records.append({"index": c.index, "start": c.start, "end": c.end, "text": c.text, "speaker": c.speaker,
                            "score": round(vs, 6), "frames": frames})
            p.images = []  # release the decoded frames
        batch.clear()

    n_frames = 0
    todo = pending
    reader = VideoReader(session.video) if pending else None
    while todo:
        try:
            for p in _complete_clips(todo, reader):
                batch.append(p)
                n_frames += len(p.times)
                if n_frames >= cfg.scorer.batch_size:
                    flush()
                    n_frames = 0
            todo = []
        except VideoError as e:
            todo = _past_damage(todo, e, reader, records, batch, rejects, stem)
    if batch:
        flush()
    records.sort(key=lambda r: (r["start"], r["end"], r["index"]))
    part["clips"] = records
    part["rejects"] = [r.to_dict() for r in rejects]
    if not dry_run:
        write_json(job.part_path, part)
    return part


def frame_scores(part: dict[str, Any]) -> np.ndarray:
    return np.asarray([f["score"] for c in part["clips"] for f in c["frames"]], np.float32)
