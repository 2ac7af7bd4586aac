"""Pretraining-set builder: throughput end to end, and the frame step against ffmpeg, in one run.

1. End to end: `babyvlm scorer train` then `babyvlm pretrain build` on a corpus (the small world by
   default): wall time of each, hours of video per CPU-core-hour (video hours / (wall hours x
   cores used)), and the multiple of real time.
2. Frame step: the 1 FPS frames of the kept clips (the build's video.json), extracted (a) by
   babyvlm (one `VideoReader.frames_at` pass per session + JPEG writing, as the builder does) and
   (b) by the ffmpeg command line, one `ffmpeg -ss START -t DUR -i VIDEO -vf fps=1 ...` per clip (how
   clip-based pipelines usually call it), as a ratio in the same run. ffmpeg is needed for this
   comparison only; babyvlm never calls it.

    python benchmarks/bench_pretrain.py [--corpus DIR | --world small] [--workers 2] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from babyvlm.corpus import VideoReader
from babyvlm.pretrain.process import write_jpeg


def run(cmd: list[str]) -> float:
    t0 = time.time()
    subprocess.run(cmd, check=True, env=dict(os.environ, BABYVLM_QUIET="1"), stdout=subprocess.DEVNULL)
    return time.time() - t0


def frame_step_babyvlm(corpus: Path, clips: dict[str, list[dict]], out: Path) -> tuple[float, int]:
    t0 = time.time()
    n = 0
    for stem, items in sorted(clips.items()):
        reqs = sorted((t, f) for c in items for t, f in zip(c["times"], c["files"]))
        reader = VideoReader(corpus / "videos" / f"{stem}.mp4")
        for (_, name), fr in zip(reqs, reader.frames_at([t for t, _ in reqs])):
            write_jpeg(out / name, fr.image, 90)
            n += 1
    return time.time() - t0, n


def frame_step_ffmpeg(corpus: Path, clips: dict[str, list[dict]], out: Path) -> tuple[float, int]:
    exe = shutil.which("ffmpeg")
    t0 = time.time()
    for stem, items in sorted(clips.items()):
        video = corpus / "videos" / f"{stem}.mp4"
        for i, c in enumerate(items):
            subprocess.run([exe, "-v", "error", "-ss", f"{c['start']:.3f}", "-t", f"{c['end'] - c['start']:.3f}",
                            "-i", str(video), "-vf", "fps=1", "-q:v", "3", str(out / f"{stem}_{i}_%d.jpg")], check=True)
    return time.time() - t0, len(list(out.iterdir()))


def frame_step_ffmpeg_sessions(corpus: Path, clips: dict[str, list[dict]], out: Path) -> tuple[float, int]:
    """One ffmpeg call per session: every second of the whole video (more frames than the clips need)."""
    exe = shutil.which("ffmpeg")
    t0 = time.time()
    for stem in sorted(clips):
        subprocess.run([exe, "-v", "error", "-i", str(corpus / "videos" / f"{stem}.mp4"), "-vf", "fps=1", "-q:v", "3",
                        str(out / f"{stem}_%d.jpg")], check=True)
    return time.time() - t0, len(list(out.iterdir()))


def kept_clips(set_dir: Path) -> dict[str, list[dict]]:
    clips = defaultdict(list)
    for split in ("train", "val"):
        for s in json.loads((set_dir / split / "video.json").read_text()):
            m = s["meta"]
            part = json.loads((set_dir / "parts" / f"{m['stem']}.json").read_text())
            for c in part["clips"]:
                if round(c["start"], 3) == m["start"] and round(c["end"], 3) == m["end"]:
                    clips[m["stem"]].append({"start": c["start"], "end": c["end"], "times": [f["t"] for f in c["frames"]],
                                             "files": [f["file"] for f in c["frames"]]})
                    break
    return clips


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, default=None, help="an existing corpus (default: generate --world)")
    ap.add_argument("--world", default="small", help="world preset generated when --corpus is not given")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scorer-config", default="scorer/baby")
    ap.add_argument("--keep", type=Path, default=None, help="keep the outputs here")
    args = ap.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench_pretrain_"))
    work.mkdir(parents=True, exist_ok=True)
    exe = [sys.executable, "-m", "babyvlm"]
    corpus = args.corpus
    if corpus is None:
        corpus = work / f"world-{args.world}"
        if not (corpus / "corpus.json").exists():
            print(f"generating the {args.world} world ...", flush=True)
            run(exe + ["world", "--out", str(corpus), "--preset", args.world])
    cores = min(args.workers, os.cpu_count() or 1)
    shutil.rmtree(work / "scorer", ignore_errors=True)
    shutil.rmtree(work / "set", ignore_errors=True)
    t_scorer = run(exe + ["scorer", "train", str(corpus), "--out", str(work / "scorer"), "--workers", str(args.workers),
                          "--config", args.scorer_config])
    t_build = run(exe + ["pretrain", "build", str(corpus), "--out", str(work / "set"), "--workers", str(args.workers),
                         "--scorer-model", str(work / "scorer")])
    stats = json.loads((work / "set" / "stats.json").read_text())
    hours = stats["hours"]["video"]
    total = t_scorer + t_build
    print(f"\ncorpus {corpus}: {hours:.3f} h of video, {stats['segments']['candidates']} clips, "
          f"{stats['segments']['frames_scored']} frames scored; {cores} cores ({os.cpu_count()} on the machine)")
    print(f"{'step':34s} {'wall s':>8s} {'video h / core-h':>17s} {'x real time':>12s}")
    for name, t in (("scorer train", t_scorer), ("pretrain build", t_build), ("both (end to end)", total)):
        print(f"{name:34s} {t:8.1f} {hours / (t * cores / 3600):17.1f} {hours * 3600 / t:12.1f}")

    clips = kept_clips(work / "set")
    n_clips = sum(len(v) for v in clips.values())
    if shutil.which("ffmpeg") is None:
        print("\nffmpeg not installed: frame-step comparison skipped")
        return
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b, tempfile.TemporaryDirectory() as c:
        t_ff, n_ff = frame_step_ffmpeg(corpus, clips, Path(b))
        t_us, n_us = frame_step_babyvlm(corpus, clips, Path(a))
        t_fs, n_fs = frame_step_ffmpeg_sessions(corpus, clips, Path(c))
    print(f"\nframe step over the {n_clips} kept clips (1 FPS, JPEG written), one core each:")
    print(f"{'method':44s} {'frames':>7s} {'wall s':>8s} {'frames/s':>9s}")
    print(f"{'babyvlm (one decode pass per session)':44s} {n_us:7d} {t_us:8.2f} {n_us / t_us:9.1f}")
    print(f"{'ffmpeg -ss -t -vf fps=1 (one call per clip)':44s} {n_ff:7d} {t_ff:8.2f} {n_ff / t_ff:9.1f}")
    print(f"{'ffmpeg -vf fps=1 (one call per session)':44s} {n_fs:7d} {t_fs:8.2f} {n_fs / t_fs:9.1f}")
    print(f"ratio ffmpeg time / babyvlm time: per clip {t_ff / t_us:.1f}x, per session {t_fs / t_us:.1f}x")


if __name__ == "__main__":
    main()
