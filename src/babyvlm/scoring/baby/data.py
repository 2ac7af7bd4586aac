"""The baby scorer's training pairs: small frames from inside each utterance, cached per session.

For every utterance of every session, frames at `frames_per_second` inside [start, end) (the corpus
time convention: the middle of each window; the midpoint when the utterance is shorter) are decoded,
squashed to a square of `image_size + crop_pad` pixels and stored in `cache/<stem>.npz` together with
the utterance each frame belongs to. A session's file is written atomically once it is complete, so
an interrupted run resumes with the sessions not yet cached. Memory holds one session's small frames.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from babyvlm.corpus import CorpusOptions, SessionEntry, VideoError, VideoReader, sample_times
from babyvlm.corpus.layouts import load_session
from babyvlm.util.io import write_bytes
from babyvlm.util.rejects import Reject


def utterance_frame_times(start: float, end: float, rate: float) -> list[float]:
    return sample_times(start, end, rate) or [round((start + end) / 2, 6)]


def squash(img: Image.Image, side: int) -> np.ndarray:
    """The frame as a side x side RGB array (bilinear; the same function at training and scoring)."""
    return np.asarray(img.convert("RGB").resize((side, side), Image.BILINEAR), dtype=np.uint8)


@dataclass
class CacheJob:
    entry: SessionEntry
    options: CorpusOptions
    path: Path  # cache/<stem>.npz
    side: int
    rate: float
    drop_speakers: tuple[str, ...]


def cache_session(job: CacheJob) -> tuple[str, int, list[dict]]:
    """Decode one session into its cache file; returns (stem, frames, rejects as dicts)."""
    stem = job.entry.stem
    if job.path.exists():
        with np.load(job.path) as z:
            if "starts" in z.files:  # a cache of this format: the session is done
                return stem, int(z["frames"].shape[0]), json.loads(str(z["rejects"]))
    session, rejects = load_session(job.entry, job.options)
    rej = [r.to_dict() for r in rejects]
    texts: list[str] = []
    starts: list[float] = []
    times: list[float] = []
    owner: list[int] = []
    if session is not None:
        for u in session.utterances:
            if u.speaker in job.drop_speakers or not u.text.strip():
                continue
            ts = utterance_frame_times(u.start, u.end, job.rate)
            times.extend(ts)
            owner.extend([len(texts)] * len(ts))
            texts.append(u.text)
            starts.append(u.start)
    frames = np.zeros((len(times), job.side, job.side, 3), np.uint8)
    n = len(times)
    if times:
        order = np.argsort(times, kind="stable")
        try:
            reader = VideoReader(session.video)
            for j, fr in zip(order, reader.frames_at([times[i] for i in order])):
                frames[j] = squash(fr.image, job.side)
        except VideoError as e:
            rej.append(Reject(str(session.video), str(e).split(": ", 1)[-1], None, "scorer", {"stem": stem}).to_dict())
            n = 0
    buf = io.BytesIO()
    np.savez(buf, frames=frames[:n], owner=np.asarray(owner[:n], np.int32),
             texts=np.asarray(json.dumps(texts)), starts=np.asarray(starts, np.float64),
             rejects=np.asarray(json.dumps(rej)))
    write_bytes(job.path, buf.getvalue())
    return stem, n, rej


@dataclass
class PairSet:
    """All cached pairs: frames (N, C, C, 3) uint8, each frame's utterance id, utterance texts."""

    frames: np.ndarray
    owner: np.ndarray  # frame -> utterance id
    texts: list[str]  # utterance id -> text
    session_of: np.ndarray  # utterance id -> session index
    stems: list[str]  # session index -> stem
    starts: np.ndarray  # utterance id -> start time (s)
    utt_span: np.ndarray | None = None  # utterance id -> [first frame, end frame) (set by the trainer)

    @classmethod
    def load(cls, paths: list[Path], max_frames: int, rng: np.random.Generator) -> PairSet:
        counts = []
        for p in paths:
            with np.load(p) as z:
                counts.append(int(z["frames"].shape[0]))
        total = sum(counts)
        keep_share = min(1.0, max_frames / total) if total else 1.0
        frames, owner, texts, sess, starts = [], [], [], [], []
        for si, p in enumerate(paths):
            with np.load(p) as z:
                f, o = z["frames"], z["owner"]
                t = json.loads(str(z["texts"]))
                st = z["starts"]
            if len(f) == 0:
                continue
            utts = np.unique(o)
            if keep_share < 1.0:  # subsample whole utterances, evenly and reproducibly
                utts = utts[rng.random(len(utts)) < keep_share]
            remap = {int(u): len(texts) + i for i, u in enumerate(utts)}
            sel = np.isin(o, utts)
            frames.append(f[sel])
            owner.append(np.asarray([remap[int(u)] for u in o[sel]], np.int64))
            texts.extend(t[int(u)] for u in utts)
            starts.extend(float(st[int(u)]) for u in utts)
            sess.extend([si] * len(utts))
        stems = [p.stem for p in paths]
        if not frames:
            return cls(np.zeros((0, 1, 1, 3), np.uint8), np.zeros(0, np.int64), [], np.zeros(0, np.int64), stems,
                       np.zeros(0))
        return cls(np.concatenate(frames), np.concatenate(owner), texts, np.asarray(sess, np.int64), stems,
                   np.asarray(starts, np.float64))
