"""How fast the world renders: video seconds generated per wall-clock second, with 1 and 2 workers.

Also times the per-frame steps against the obvious alternatives, in the same run:
  background  integer crop of the panorama pyramid   vs  PIL resize of a panorama box per frame
  rgb->yuv    one reused swscale converter          vs  a converter built per frame
  encode      PyAV libx264 in process                vs  raw frames piped to an ffmpeg process (if installed)

Usage:
  python benchmarks/bench_world.py                 # 3 children x 2 sessions x 60 s, 320x240 @ 10 fps
  python benchmarks/bench_world.py --preset small  # the demo's hour of video
  python benchmarks/bench_world.py --seconds 30 --set fps=15
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import resource
import shutil
import subprocess
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PIL import Image

from babyvlm.config import build_config
from babyvlm.world import WorldConfig, generate_world
from babyvlm.world.plan import plan_sessions
from babyvlm.world.render import Renderer
from babyvlm.world.rngs import stream
from babyvlm.world.room import render_panorama
from babyvlm.world.session import prepare


def _cpu() -> float:
    """CPU seconds used by this process and its (finished) children, e.g. worker processes, espeak-ng."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def world_speed(cfg: WorldConfig, workers: int) -> tuple[float, float, float]:
    """(video seconds, wall seconds, CPU seconds) to generate `cfg` with `workers` processes."""
    with tempfile.TemporaryDirectory() as tmp:
        c, t = _cpu(), time.perf_counter()
        meta = generate_world(cfg, Path(tmp) / "w", workers=workers)
        dt, dc = time.perf_counter() - t, _cpu() - c
    return meta["stats"]["hours"] * 3600, dt, dc


def per_frame(cfg: WorldConfig, n: int = 200) -> list[tuple[str, float, float]]:
    job = plan_sessions(cfg)[0]
    scene, view, plan = prepare(job, cfg)
    pano = render_panorama(scene.room, scene.geo, 1.3)
    r = Renderer(scene, plan.path, pano, 1.3, width=cfg.width, height=cfg.height, fps=cfg.fps, rng=stream(0, "bench"))
    n = min(n, view.n_frames)
    frames = [r.render(k, annotate=False)[0] for k in range(n)]  # warm the sprite caches
    rows = []

    # background: pyramid crop vs PIL resize with a box
    t = time.perf_counter()
    for k in range(n):
        r.background(*plan.path.at(k))
    crop = (time.perf_counter() - t) / n
    master = Image.fromarray(pano)
    f = scene.geo.f * 1.3
    t = time.perf_counter()
    for k in range(n):
        phi, tilt, z = plan.path.at(k)
        hw, hh = cfg.width / 2 * 1.3 / z, cfg.height / 2 * 1.3 / z
        u = (phi * f) % (2 * math.pi * f)
        u = u if u - hw >= 0 else u + 2 * math.pi * f
        v = min(max((tilt - scene.geo.top) * f, hh), pano.shape[0] - hh)
        np.asarray(master.resize((cfg.width, cfg.height), Image.Resampling.BILINEAR, box=(u - hw, v - hh, u + hw, v + hh)))
    rows.append(("background", crop, (time.perf_counter() - t) / n))

    # rgb -> yuv: one converter vs one per frame
    ref = VideoReformatter()
    t = time.perf_counter()
    for img in frames:
        ref.reformat(av.VideoFrame.from_ndarray(img, format="rgb24"), format="yuv420p", interpolation="POINT")
    reuse = (time.perf_counter() - t) / n
    t = time.perf_counter()
    for img in frames:
        av.VideoFrame.from_ndarray(img, format="rgb24").reformat(format="yuv420p", interpolation="POINT")
    rows.append(("rgb->yuv", reuse, (time.perf_counter() - t) / n))

    # encode: PyAV vs an ffmpeg subprocess fed raw RGB
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        c = av.open(os.path.join(tmp, "a.mp4"), "w", format="mp4")
        s = c.add_stream("libx264", rate=cfg.fps)
        s.width, s.height, s.pix_fmt = cfg.width, cfg.height, "yuv420p"
        s.options = {"preset": cfg.x264_preset, "crf": str(cfg.crf), "threads": "1",
                     "x264-params": "mbtree=0:rc-lookahead=0"}
        for k, img in enumerate(frames):
            fr = ref.reformat(av.VideoFrame.from_ndarray(img, format="rgb24"), format="yuv420p", interpolation="POINT")
            fr.pts, fr.time_base = k, Fraction(1, cfg.fps)
            for p in s.encode(fr):
                c.mux(p)
        for p in s.encode():
            c.mux(p)
        c.close()
        pyav = (time.perf_counter() - t) / n
        ff = float("nan")
        if shutil.which("ffmpeg"):
            t = time.perf_counter()
            proc = subprocess.Popen(["ffmpeg", "-loglevel", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s",
                                     f"{cfg.width}x{cfg.height}", "-r", str(cfg.fps), "-i", "-", "-c:v", "libx264",
                                     "-preset", cfg.x264_preset, "-crf", str(cfg.crf), "-threads", "1",
                                     "-pix_fmt", "yuv420p", os.path.join(tmp, "b.mp4")], stdin=subprocess.PIPE)
            for img in frames:
                proc.stdin.write(np.ascontiguousarray(img).tobytes())
            proc.stdin.close()
            proc.wait()
            ff = (time.perf_counter() - t) / n
        rows.append(("encode", pyav, ff))
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--preset", default=None, help="a world preset instead of the default 3 x 2 x 60 s")
    ap.add_argument("--seconds", type=float, default=60.0, help="session length for the default workload")
    ap.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE")
    args = ap.parse_args()
    os.environ.setdefault("BABYVLM_QUIET", "1")
    if args.preset:
        cfg = build_config(WorldConfig, section="world", preset=f"world/{args.preset}", overrides=["audio=off", *args.overrides])
    else:
        cfg = build_config(WorldConfig, section="world", preset="world/tiny",
                           overrides=["audio=off", f"session_seconds={args.seconds}", *args.overrides])
    cfg.check()
    print(f"world: {len(cfg.children)} children x {cfg.sessions_per_child} sessions x ~{cfg.session_seconds:.0f} s, "
          f"{cfg.width}x{cfg.height} @ {cfg.fps} fps, x264 {cfg.x264_preset}, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}")
    print("x real time = video seconds per wall-clock second; per CPU s = video seconds per CPU second (all")
    print("processes), which is what one idle core gives and does not depend on other load on the machine")
    print(f"{'workers':>8} {'video s':>8} {'wall s':>7} {'CPU s':>7} {'x real time':>12} {'per CPU s':>10}")
    speeds = {}
    for w in (1, 2):
        video, wall, cpu = world_speed(cfg, w)
        speeds[w] = video / wall
        print(f"{w:>8} {video:>8.0f} {wall:>7.1f} {cpu:>7.1f} {video / wall:>11.1f}x {video / cpu:>9.1f}x")
    print(f"2 workers / 1 worker: {speeds[2] / speeds[1]:.2f}x (load average now {os.getloadavg()[0]:.1f})")
    if shutil.which("espeak-ng"):
        video, wall, cpu = world_speed(dataclasses.replace(cfg, audio="on"), 2)
        print(f"with espeak-ng audio, 2 workers: {video / wall:.1f}x real time, {video / cpu:.1f}x per CPU s")
    print()
    print(f"{'per frame':<12} {'ours ms':>8} {'alternative ms':>15} {'ratio':>7}")
    for name, ours, alt in per_frame(cfg):
        print(f"{name:<12} {ours * 1e3:>8.3f} {alt * 1e3:>15.3f} {alt / ours:>6.1f}x")


if __name__ == "__main__":
    main()
