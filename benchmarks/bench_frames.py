"""Frames at 1 FPS from a 10-minute H.264 video: babyvlm's PyAV reader against the ffmpeg command line.

Each pipeline decodes the video, takes one frame per second, resizes it to 224 px (shorter side) and
writes a JPEG. The same video is used by all, in one run, and the result is a ratio (these machines
are noisy). Two encodings are measured: a camera-like one (1 s keyframe interval, 2 B-frames) and
x264's defaults (keyframe interval up to 250 frames, 3 B-frames). ffmpeg is needed for the comparison
only (`apt-get install ffmpeg`); babyvlm itself never calls it.

    python benchmarks/bench_frames.py [--minutes 10] [--size 640x480] [--fps 30] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from babyvlm.corpus.video import VideoReader, sample_times


def make_video(path: Path, minutes: float, size: tuple[int, int], fps: int, x264: dict[str, str]) -> None:
    """A moving, textured scene (a crop wandering over a large canvas, like a head camera's view)."""
    w, h = size
    rng = np.random.default_rng(0)
    canvas_h, canvas_w = h * 2, w * 2
    yy, xx = np.mgrid[0:canvas_h, 0:canvas_w]
    canvas = np.stack([
        (128 + 100 * np.sin(xx / 37.0) * np.cos(yy / 23.0)),
        (128 + 90 * np.sin((xx + yy) / 51.0)),
        (128 + 80 * np.cos(xx / 13.0 + yy / 71.0)),
    ], axis=-1)
    canvas = np.clip(canvas + rng.normal(0, 12, canvas.shape), 0, 255).astype(np.uint8)
    container = av.open(str(path), "w")
    stream = container.add_stream("libx264", rate=fps)
    stream.width, stream.height, stream.pix_fmt = w, h, "yuv420p"
    stream.options = x264
    n = int(minutes * 60 * fps)
    for k in range(n):
        t = k / fps
        x = int((canvas_w - w) * (0.5 + 0.45 * np.sin(t / 3.1)))
        y = int((canvas_h - h) * (0.5 + 0.45 * np.sin(t / 4.7 + 1.0)))
        img = np.ascontiguousarray(canvas[y : y + h, x : x + w])
        frame = av.VideoFrame.from_ndarray(img, format="rgb24")
        frame.pts, frame.time_base = k, Fraction(1, fps)
        for p in stream.encode(frame):
            container.mux(p)
    for p in stream.encode():
        container.mux(p)
    container.close()


def run_babyvlm(video: Path, out: Path, workers: int) -> int:
    reader = VideoReader(video, resize=224)
    n = 0
    for f in reader.frames_at(sample_times(0, reader.duration, 1.0), workers=workers, ordered=False):
        f.image.save(out / f"{int(f.time):05d}.jpg", quality=90)
        n += 1
    return n


def run_naive_pyav(video: Path, out: Path) -> int:
    """What a first Python attempt does: decode every frame, keep one per second."""
    container = av.open(str(video))
    stream = container.streams.video[0]
    n = 0
    next_t = 0.5
    prev = None
    for frame in container.decode(stream):
        t = float(frame.pts * stream.time_base)
        while t > next_t + 1e-6 and prev is not None:
            prev.to_image(width=299, height=224).save(out / f"{n:05d}.jpg", quality=90)
            n += 1
            next_t += 1.0
        prev = frame
    container.close()
    return n


def run_ffmpeg(video: Path, out: Path, vf: str) -> int:
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(video), "-vf", vf, "-fps_mode", "passthrough", "-q:v", "2",
                    str(out / "%05d.jpg")],
                   check=True)
    return len(list(out.glob("*.jpg")))


def timed(fn, *args) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = fn(*args)
    return time.perf_counter() - t0, n


def compare_frames(a: Path, b: Path) -> float:
    """Mean absolute pixel difference between two folders of same-numbered JPEGs (0-255)."""
    diffs = []
    for pa, pb in zip(sorted(a.glob("*.jpg")), sorted(b.glob("*.jpg"))):
        x = np.asarray(Image.open(pa).convert("RGB"), dtype=np.float32)
        y = np.asarray(Image.open(pb).convert("RGB").resize(Image.open(pa).size), dtype=np.float32)
        diffs.append(np.abs(x - y).mean())
    return float(np.mean(diffs)) if diffs else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--size", default="640x480")
    ap.add_argument("--fps", type=int, default=30)
    ap.add_argument("--repeats", type=int, default=2, help="runs per pipeline; the fastest is reported")
    ap.add_argument("--keep", type=Path, default=None, help="keep (and reuse) the generated videos here")
    args = ap.parse_args()
    w, h = map(int, args.size.split("x"))
    have_ffmpeg = shutil.which("ffmpeg") is not None
    work = Path(tempfile.mkdtemp(prefix="bench_frames_"))
    vids = args.keep or work
    vids.mkdir(parents=True, exist_ok=True)
    encodings = {
        "camera (1 s GOP, 2 B-frames)": {"preset": "veryfast", "g": str(args.fps), "bf": "2"},
        "x264 default (GOP <= 250, 3 B-frames)": {"preset": "veryfast"},
    }
    half = args.fps // 2
    pipelines = {
        "babyvlm VideoReader, 1 worker": lambda v, o: run_babyvlm(v, o, 1),
        "babyvlm VideoReader, 2 workers": lambda v, o: run_babyvlm(v, o, 2),
        "PyAV decode-everything loop": run_naive_pyav,
    }
    if have_ffmpeg:
        pipelines["ffmpeg -vf fps=1,scale=-2:224"] = lambda v, o: run_ffmpeg(v, o, "fps=1,scale=-2:224")
        pipelines["ffmpeg -vf select (same frames)"] = lambda v, o: run_ffmpeg(
            v, o, f"select='not(mod(n+{half}\\,{args.fps}))',scale=-2:224", )
    print(f"video: {args.minutes:g} min, {w}x{h} @ {args.fps} fps, H.264; output: 1 FPS, 224 px, JPEG; "
          f"best of {args.repeats}")
    for name, x264 in encodings.items():
        video = vids / (("camera" if "camera" in name else "default") + f"_{args.minutes:g}m_{w}x{h}_{args.fps}.mp4")
        if not video.exists():
            t0 = time.perf_counter()
            make_video(video, args.minutes, (w, h), args.fps, x264)
            print(f"  (generated {video.name} in {time.perf_counter() - t0:.0f} s)")
        print(f"\n{name}")
        print(f"  {'pipeline':40s} {'seconds':>8s} {'frames':>7s} {'vs ffmpeg fps=1':>16s}")
        results = {}
        outs = {}
        for pname, fn in pipelines.items():
            best = None
            for _ in range(args.repeats):
                out = Path(tempfile.mkdtemp(dir=work))
                secs, n = timed(fn, video, out)
                if best is None or secs < best[0]:
                    best = (secs, n)
                outs[pname] = out
            results[pname] = best
        ref = results.get("ffmpeg -vf fps=1,scale=-2:224", (float("nan"), 0))[0]
        for pname, (secs, n) in results.items():
            print(f"  {pname:40s} {secs:8.2f} {n:7d} {ref / secs:15.2f}x")
        if have_ffmpeg:
            mad = compare_frames(outs["babyvlm VideoReader, 1 worker"], outs["ffmpeg -vf select (same frames)"])
            print(f"  mean |pixel difference| babyvlm vs ffmpeg select (same frames, 0-255): {mad:.2f}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
