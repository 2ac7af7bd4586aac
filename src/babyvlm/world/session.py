"""Generate one session: scene, plan, frames, audio, and the files of the SAYCam-like layout.

Files are written to temporary names and renamed into place; a small marker with the session's
statistics (`.world/<stem>.json`) is written last, so a session counts as done only when all of
its files are complete (a rerun skips it, a killed run redoes it).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import logging
import os
from collections import Counter
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter

from babyvlm.util.digest import digest
from babyvlm.util.io import write_json, write_text
from babyvlm.util.rngs import stream
from babyvlm.world.audio import SAMPLE_RATE, synthesize
from babyvlm.world.config import WorldConfig
from babyvlm.world.palette import grade_uint8
from babyvlm.world.plan import SessionJob
from babyvlm.world.render import Renderer
from babyvlm.world.room import render_panorama
from babyvlm.world.scene import build_scene, group_sizes, make_home
from babyvlm.world.timeline import Plan, PlannedUtterance, Planner, View

log = logging.getLogger("babyvlm")

GENERATOR = "babyvlm.world"
GENERATOR_VERSION = "1.0"
MARKER_DIR = ".world"
PANO_MAX_ZOOM = 1.3


@functools.lru_cache(maxsize=8)
def _home(seed: int, child: str):
    return make_home(seed, child)


def marker_path(out: Path, stem: str) -> Path:
    return out / MARKER_DIR / f"{stem}.json"


def config_digest(cfg: WorldConfig) -> str:
    """A short digest of the config a session is made with (a rerun with another config redoes it)."""
    return digest(dataclasses.asdict(cfg), algorithm="sha1")


def session_done(out: Path, stem: str, digest: str | None = None) -> bool:
    """All files of the session are there, and (given a digest) it was made with the same config."""
    marker = marker_path(out, stem)
    if not (marker.exists() and (out / "videos" / f"{stem}.mp4").exists()
            and (out / "transcripts" / f"{stem}.csv").exists() and (out / "annotations" / f"{stem}.jsonl").exists()):
        return False
    if digest is None:
        return True
    try:
        return json.loads(marker.read_text(encoding="utf-8")).get("config_digest") == digest
    except (OSError, json.JSONDecodeError):
        return False


def prepare(job: SessionJob, cfg: WorldConfig):
    """Scene and plan of a session (no pixels yet)."""
    scene = build_scene(cfg.seed, _home(cfg.seed, job.child), job.room, job.age_months,
                        stream(cfg.seed, job.child, job.index, "scene"), width=cfg.width, height=cfg.height,
                        hfov_deg=cfg.hfov_deg, max_zoom=cfg.max_zoom, n_objects=tuple(cfg.objects_per_session),
                        groups=group_sizes(cfg.seed, job.child, job.index))
    for inst in scene.instances:
        if inst.small:  # may be held up to the face: keep its master sharp at that size
            inst.sprite.master_h = max(inst.sprite.master_h, int(0.5 * cfg.height))
    view = View(cfg.width, cfg.height, cfg.fps, job.duration, cfg.max_zoom)
    plan = Planner(scene, view, stream(cfg.seed, job.child, job.index, "plan"), job.age_months, talk=cfg.talk).plan()
    return scene, view, plan


def generate_session(job: SessionJob, cfg: WorldConfig, out: Path, espeak: str | None = None) -> dict[str, Any]:
    out = Path(out)
    scene, view, plan = prepare(job, cfg)
    # the panorama is rendered once, no sharper than needed (higher zoom levels are upsampled) and
    # only over the band of tilts the camera visits
    pano_zoom = float(min(PANO_MAX_ZOOM, cfg.max_zoom, max(1.0, float(plan.path.zoom.max()))))
    half = cfg.height / (2 * scene.geo.f)
    top = max(scene.geo.top, float((plan.path.tilt - half / plan.path.zoom).min()) - 0.02)
    bottom = min(scene.geo.bottom, float((plan.path.tilt + half / plan.path.zoom).max()) + 0.02)
    band = dataclasses.replace(scene.geo, top=top, bottom=bottom)
    pano = grade_uint8(render_panorama(scene.room, band, pano_zoom), scene.light)
    scene.geo = band
    renderer = Renderer(scene, plan.path, pano, pano_zoom, width=cfg.width, height=cfg.height, fps=cfg.fps,
                        rng=stream(cfg.seed, job.child, job.index, "render"))
    audio = synthesize(plan.utterances, job.duration, espeak) if espeak else None
    step = cfg.annotation_step
    frames: list[dict[str, Any]] = []
    videos = out / "videos"
    videos.mkdir(parents=True, exist_ok=True)
    tmp = videos / f".{job.stem}.mp4.tmp"
    try:
        _encode(tmp, renderer, view, cfg, step, frames, audio)
        os.replace(tmp, videos / f"{job.stem}.mp4")
    finally:
        if tmp.exists():
            tmp.unlink()
    cats = {i.id: i.category for i in scene.instances}
    utts = [_utterance_record(i, u, frames, cats) for i, u in enumerate(plan.utterances)]
    events = sorted(renderer.exits.events, key=lambda e: (e["start"], e["id"]))
    header = {
        "type": "session", "stem": job.stem, "child": job.child, "age_days": job.age_days, "width": cfg.width,
        "height": cfg.height, "fps": cfg.fps, "duration": job.duration, "room": job.room,
        "annotation_rate": round(cfg.fps / step, 3), "generator": GENERATOR, "version": GENERATOR_VERSION,
        "camera": {"eye_height_m": round(scene.geo.eye, 3), "hfov_deg": cfg.hfov_deg},
        "room_layout": scene.room.to_dict(),
        "instances": [i.header() for i in scene.instances],
    }
    records = [(f["t"], 0, f) for f in frames] + [(u["start"], 1, u) for u in utts] + [(e["start"], 2, e) for e in events]
    records.sort(key=lambda r: (r[0], r[1]))
    lines = [json.dumps(header, ensure_ascii=False)] + [json.dumps(r[2], ensure_ascii=False) for r in records]
    write_text(out / "annotations" / f"{job.stem}.jsonl", "\n".join(lines) + "\n")
    write_text(out / "transcripts" / f"{job.stem}.csv", transcript_csv(job.stem, plan.utterances))
    write_text(out / "transcripts" / f"{job.stem}.srt", transcript_srt(plan.utterances))
    stats = session_stats(job, scene, plan, frames, utts, events, audio is not None, cfg.width, cfg.height)
    stats["config_digest"] = config_digest(cfg)
    write_json(marker_path(out, job.stem), stats)
    return stats


def _encode(path: Path, renderer: Renderer, view: View, cfg: WorldConfig, step: int, frames: list, audio) -> None:
    container = av.open(str(path), "w", format="mp4")
    try:
        vs = container.add_stream("libx264", rate=cfg.fps)
        vs.width, vs.height, vs.pix_fmt = cfg.width, cfg.height, "yuv420p"
        g = max(1, int(round(cfg.keyframe_seconds * cfg.fps)))
        # x264's lookahead / macroblock tree made the bitstream differ from run to run on identical
        # input (reading memory it did not initialise); without them the output is reproducible
        vs.options = {"preset": cfg.x264_preset, "crf": str(cfg.crf), "g": str(g), "keyint_min": str(g),
                      "threads": "1", "sc_threshold": "0", "x264-params": "mbtree=0:rc-lookahead=0"}
        vs.codec_context.thread_count = 1
        astream = None
        if audio is not None:
            astream = container.add_stream("aac", rate=SAMPLE_RATE)
            astream.layout = "mono"
        a_pos = 0
        chunk = 1024
        reformatter = VideoReformatter()  # one converter for the session (building one per frame is slow)
        for k in range(view.n_frames):
            img, objs = renderer.render(k, annotate=(k % step == 0))
            if objs is not None:
                frames.append({"type": "frame", "t": round(k / cfg.fps, 4), "objects": objs})
            yuv = reformatter.reformat(av.VideoFrame.from_ndarray(img, format="rgb24"), format="yuv420p",
                                       interpolation="POINT")
            frame = yuv
            frame.pts = k
            frame.time_base = Fraction(1, cfg.fps)
            for p in vs.encode(frame):
                container.mux(p)
            if astream is not None:
                until = min(len(audio), int((k + 1) / cfg.fps * SAMPLE_RATE))
                while a_pos + chunk <= until or (k == view.n_frames - 1 and a_pos < len(audio)):
                    part = audio[a_pos : a_pos + chunk]
                    af = av.AudioFrame.from_ndarray(part[None, :], format="fltp", layout="mono")
                    af.sample_rate = SAMPLE_RATE
                    af.pts = a_pos
                    af.time_base = Fraction(1, SAMPLE_RATE)
                    for p in astream.encode(af):
                        container.mux(p)
                    a_pos += len(part)
        for p in vs.encode():
            container.mux(p)
        if astream is not None:
            for p in astream.encode():
                container.mux(p)
    finally:
        container.close()


def _utterance_record(index: int, u: PlannedUtterance, frames: list[dict[str, Any]], cats: dict[str, str]) -> dict[str, Any]:
    """An utterance with its referents and whether each was in view while it was spoken.

    A referent is `visible` when it appears (visible fraction >= 0.1) in at least half of the
    annotation frames inside the utterance; `visible_fraction` is its mean visible fraction there.
    """
    inside = [f for f in frames if u.start <= f["t"] < u.end]
    if not inside and frames:
        inside = [min(frames, key=lambda f: abs(f["t"] - u.start))]
    refs = []
    for rid in u.referents:
        vals = []
        for f in inside:
            v = next((o["visible"] for o in f["objects"] if o["id"] == rid), 0.0)
            vals.append(v)
        seen = sum(1 for v in vals if v >= 0.1)
        refs.append({"id": rid, "category": cats[rid],
                     "visible": bool(vals) and seen * 2 >= len(vals),
                     "visible_fraction": round(float(np.mean(vals)) if vals else 0.0, 3)})
    return {"type": "utterance", "index": index, "start": u.start, "end": u.end, "speaker": u.speaker, "text": u.text,
            "kind": u.kind, "referents": refs}


def transcript_csv(stem: str, utts: list[PlannedUtterance]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["Time", "Video Name", "Utterance", "Speaker", "End"])
    for u in utts:
        w.writerow([f"{u.start:.3f}", f"{stem}.mp4", u.text, u.speaker, f"{u.end:.3f}"])
    return buf.getvalue()


def _srt_time(t: float) -> str:
    ms = int(round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def transcript_srt(utts: list[PlannedUtterance]) -> str:
    blocks = [f"{i}\n{_srt_time(u.start)} --> {_srt_time(u.end)}\n{u.speaker}: {u.text}\n" for i, u in enumerate(utts, 1)]
    return "\n".join(blocks)


def session_stats(job: SessionJob, scene, plan: Plan, frames, utts, events, has_audio: bool, width: int,
                  height: int) -> dict[str, Any]:
    per_frame = [len(f["objects"]) for f in frames]
    cats_seen: set[str] = set()
    count_hist: Counter[int] = Counter()
    whole_hist: Counter[int] = Counter()
    quadrants: Counter[str] = Counter()
    partial = total = 0
    for f in frames:
        per_cat: Counter[str] = Counter()
        whole: Counter[str] = Counter()
        for o in f["objects"]:
            cats_seen.add(o["category"])
            total += 1
            if o["visible"] < 0.9:
                partial += 1
            if o["visible"] >= 0.5:
                per_cat[o["category"]] += 1
            if o["visible"] >= 0.9:
                whole[o["category"]] += 1
            x, y, w, h = o["bbox"]
            cx, cy = x + w / 2, y + h / 2
            quadrants[("top" if cy < height / 2 else "bottom") + " " + ("left" if cx < width / 2 else "right")] += 1
        for n in per_cat.values():
            count_hist[n] += 1
        for n in whole.values():
            whole_hist[n] += 1
    with_visible = sum(1 for u in utts if any(r["visible"] for r in u["referents"]))
    return {
        "stem": job.stem, "child": job.child, "age_days": job.age_days, "room": job.room, "duration": job.duration,
        "annotated_frames": len(frames),
        "instances": len(scene.instances),
        "objects_per_frame_mean": round(float(np.mean(per_frame)) if per_frame else 0.0, 3),
        "objects_per_frame_max": int(max(per_frame) if per_frame else 0),
        "categories_seen": sorted(cats_seen),
        "category_count_hist": {str(k): v for k, v in sorted(count_hist.items())},
        "category_count_hist_whole": {str(k): v for k, v in sorted(whole_hist.items())},
        "partially_visible_share": round(partial / total, 4) if total else 0.0,
        "quadrants": dict(sorted(quadrants.items())),
        "utterances": len(utts),
        "words": sum(len(u["text"].replace(",", " ").split()) for u in utts),
        "speakers": dict(sorted(Counter(u["speaker"] for u in utts).items())),
        "kinds": dict(sorted(Counter(u["kind"] for u in utts).items())),
        "utterances_with_visible_referent": with_visible,
        "leaves_frame": dict(sorted(Counter(e["side"] for e in events).items())),
        "episodes": dict(sorted(Counter(name for _, name in plan.episodes).items())),
        "audio": has_audio,
    }

