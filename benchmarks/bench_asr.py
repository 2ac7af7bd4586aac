"""Speech transcription: where the time goes, each number a ratio against the alternative in the same run.

1. Audio decoding: babyvlm's PyAV decoder (`iter_audio`, 16 kHz mono float32) against the ffmpeg
   command line (`ffmpeg -i X -vn -ac 1 -ar 16000 -f f32le -`) on the same file; also how close
   the two signals are. ffmpeg is needed for the comparison only; babyvlm never calls it.
2. Windows: voice-activity windows (`chunking: vad`) against fixed 30 s windows (`fixed`) on
   sessions that are mostly room noise with utterances now and then (espeak-ng speech when
   installed, else tone bursts): how many 30 s encoder passes each needs (exact), and the wall
   time of whole `transcribe_corpus` runs with a tiny random Whisper (noisy on a shared machine).
3. Batching: the model stage alone (`WhisperRunner` on the same 16 windows), 8 windows per
   forward pass against 1, one torch thread, best of 5 interleaved repeats.
4. With `--world DIR` (a world generated with espeak-ng audio): how much of each true utterance
   the voice-activity regions cover, and how much of the regions lies inside utterances.

    python benchmarks/bench_asr.py [--minutes 10] [--speech 0.05,0.25] [--world runs/world]
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import av
import numpy as np

from babyvlm.corpus.asr.pipeline import TranscribeConfig, transcribe_corpus
from babyvlm.corpus.asr.tiny import build_tiny_whisper
from babyvlm.corpus.asr.whisper import RunnerOptions, WhisperRunner
from babyvlm.corpus.audio import SAMPLE_RATE, iter_audio

SENTENCES = [
    "look at the ball", "where is the doggy", "do you want some milk", "that is a big red truck",
    "can you say banana", "one two three", "good job sweetie", "let's read the book",
]


def speech_pieces(rate: int, tmp: Path) -> list[np.ndarray]:
    exe = shutil.which("espeak-ng")
    if exe is None:
        t = np.arange(int(1.5 * rate)) / rate
        return [(0.3 * np.sin(2 * np.pi * (200 + 40 * k) * t)).astype(np.float32) for k in range(len(SENTENCES))]
    out = []
    for k, s in enumerate(SENTENCES):
        wav = tmp / f"s{k}.wav"
        subprocess.run([exe, "-w", str(wav), s], check=True, capture_output=True)
        with av.open(str(wav)) as c:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            parts = [f.to_ndarray().reshape(-1) for fr in c.decode(audio=0) for f in resampler.resample(fr)]
        out.append(np.concatenate(parts).astype(np.float32))
    return out


def make_session(path: Path, minutes: float, speech_fraction: float, rate: int, tmp: Path) -> float:
    """A stereo AAC track of room noise with utterances placed at random; returns the speech seconds."""
    rng = np.random.default_rng(0)
    n = int(minutes * 60 * rate)
    x = 0.003 * rng.standard_normal(n).astype(np.float32)
    pieces = speech_pieces(rate, tmp)
    placed, t = 0, 0.0
    while t < minutes * 60:
        p = pieces[rng.integers(len(pieces))]
        gap = rng.exponential(p.size / rate * (1 / speech_fraction - 1))
        t += gap
        a = int(t * rate)
        if a + p.size >= n:
            break
        x[a : a + p.size] += p
        placed += p.size
        t += p.size / rate
    stereo = np.stack([x, 0.9 * x])
    container = av.open(str(path), "w")
    vs = container.add_stream("libx264", rate=1)
    vs.width, vs.height, vs.pix_fmt = 64, 48, "yuv420p"
    a_s = container.add_stream("aac", rate=rate)
    a_s.layout = "stereo"
    for k in range(int(minutes * 60)):
        f = av.VideoFrame.from_ndarray(np.full((48, 64, 3), k % 255, np.uint8), format="rgb24")
        f.pts, f.time_base = k, Fraction(1, 1)
        for p in vs.encode(f):
            container.mux(p)
    for p in vs.encode():
        container.mux(p)
    for i in range(0, n, 1024):
        f = av.AudioFrame.from_ndarray(np.ascontiguousarray(stereo[:, i : i + 1024]), format="fltp", layout="stereo")
        f.sample_rate, f.pts, f.time_base = rate, i, Fraction(1, rate)
        for p in a_s.encode(f):
            container.mux(p)
    for p in a_s.encode():
        container.mux(p)
    container.close()
    return placed / rate


def timed(fn, repeat: int = 3):
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def decode_pyav(path: Path) -> np.ndarray:
    return np.concatenate([b for _, b in iter_audio(path)])


def decode_ffmpeg(path: Path) -> np.ndarray:
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-vn", "-ac", "1", "-ar", str(SAMPLE_RATE),
                          "-f", "f32le", "-"], check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.float32)


def run_windows(corpus: Path, model: Path, tmp: Path, repeat: int = 3) -> None:
    """Each configuration `repeat` times, interleaved, best wall time kept (the machine is shared)."""
    configs = (("vad", "vad", 8), ("fixed", "fixed", 8))
    best: dict[str, float] = {}
    info: dict[str, dict] = {}
    for _ in range(repeat):
        for name, chunking, bs in configs:
            out = tmp / "out"
            shutil.rmtree(out, ignore_errors=True)
            cfg = TranscribeConfig(model=str(model), chunking=chunking, batch_size=bs, max_new_tokens=24, min_confidence=0.0)
            t = time.perf_counter()
            transcribe_corpus(corpus, cfg, out=out)
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
            info[name] = json.loads((out / "asr" / "sessions" / "S_20141029_2412_01.json").read_text())
    for name, _, _ in configs:
        rec = info[name]
        print(f"   {name:16s} {rec['windows']:4d} windows  {rec['speech_seconds']:7.1f} s found active  {best[name]:7.2f} s wall")
    n_vad, n_fix = info["vad"]["windows"], info["fixed"]["windows"]
    print(f"   windows vad / fixed: {n_vad / n_fix:.2f}   wall vad / fixed: {best['vad'] / best['fixed']:.2f}")


def run_batching(model: Path, windows: list[np.ndarray], repeat: int = 5) -> None:
    import torch

    torch.set_num_threads(1)
    runner = WhisperRunner(model, RunnerOptions(max_new_tokens=24, device="cpu"))
    runner(windows[:1])  # warm-up
    best = {1: float("inf"), 8: float("inf")}
    for _ in range(repeat):
        for bs in (1, 8):
            t = time.perf_counter()
            for k in range(0, len(windows), bs):
                runner(windows[k : k + bs])
            best[bs] = min(best[bs], time.perf_counter() - t)
    for bs in (1, 8):
        print(f"   batch {bs}: {len(windows)} windows in {best[bs]:6.2f} s  ({len(windows) / best[bs]:5.1f} windows/s)")
    print(f"   time batch 8 / batch 1: {best[8] / best[1]:.2f}")


def run_world(world: Path) -> None:
    from babyvlm.corpus import open_corpus
    from babyvlm.corpus.asr.chunks import VadOptions, frame_levels, speech_regions

    utt = covered = regions_total = 0.0
    n = low = 0
    for s in open_corpus(world).sessions():
        regions = speech_regions(frame_levels(iter_audio(s.video)), VadOptions())
        regions_total += sum(r.duration for r in regions)
        for u in s.utterances:
            c = sum(max(0.0, min(u.end, r.end) - max(u.start, r.start)) for r in regions)
            n += 1
            low += c < 0.5 * u.duration
            utt += u.duration
            covered += c
    print(f"   {n} utterances, {utt:.1f} s: {100 * covered / utt:.1f}% of their time inside voice-active regions, "
          f"{low} covered less than half; {100 * covered / max(regions_total, 1e-9):.1f}% of the regions' "
          f"{regions_total:.1f} s inside utterances")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--speech", default="0.05,0.25", help="fractions of the session that are speech (one session each)")
    ap.add_argument("--keep", type=Path, default=None, help="keep the generated sessions here")
    ap.add_argument("--world", type=Path, default=None, help="a world generated with espeak-ng audio (part 4)")
    args = ap.parse_args()
    os.environ.setdefault("BABYVLM_QUIET", "1")
    logging.getLogger("babyvlm").setLevel(logging.ERROR)  # the tiny model's rejects are expected
    tmp = Path(tempfile.mkdtemp(prefix="bench_asr_"))
    work = args.keep or tmp
    seconds = args.minutes * 60
    kind = "espeak-ng speech" if shutil.which("espeak-ng") else "tone bursts"
    try:
        model = build_tiny_whisper(tmp / "tiny")
        for i, frac in enumerate(float(f) for f in args.speech.split(",")):
            corpus = work / f"corpus-{frac:g}"
            video = corpus / "videos" / "S_20141029_2412_01.mp4"
            video.parent.mkdir(parents=True, exist_ok=True)
            speech = make_session(video, args.minutes, frac, 44100, tmp)
            print(f"session {i + 1}: {args.minutes:g} min, 44.1 kHz stereo AAC, room noise with {speech:.0f} s of {kind} "
                  f"({100 * speech / seconds:.0f}%)")
            if i == 0:
                print("1. decoding to 16 kHz mono (best of 3)")
                t_py, a = timed(lambda video=video: decode_pyav(video))
                rows = [("babyvlm iter_audio (PyAV)", t_py)]
                if shutil.which("ffmpeg"):
                    t_ff, b = timed(lambda video=video: decode_ffmpeg(video))
                    rows.append(("ffmpeg command line", t_ff))
                    n = min(a.size, b.size)
                    print(f"   samples: PyAV {a.size}, ffmpeg {b.size}; correlation {np.corrcoef(a[:n], b[:n])[0, 1]:.5f}")
                for name, t in rows:
                    print(f"   {name:28s} {t:7.3f} s  {seconds / t:8.0f}x real time")
                if len(rows) == 2:
                    print(f"   ratio PyAV / ffmpeg time: {rows[0][1] / rows[1][1]:.2f}")
            print("2. whole transcribe runs, tiny random Whisper on CPU (<= 24 new tokens per window;"
                  " best of 3, wall includes decoding and loading the model)")
            run_windows(corpus, model, tmp)
            print()
        print("3. the model stage alone: 16 windows of 10 s (the first session's audio), tiny random Whisper, CPU")
        audio = decode_pyav(work / f"corpus-{float(args.speech.split(',')[0]):g}" / "videos" / "S_20141029_2412_01.mp4")
        run_batching(model, [audio[k * 160000 : (k + 1) * 160000].copy() for k in range(16)])
        if args.world is not None:
            print()
            print(f"4. voice activity against the true utterances of {args.world}")
            run_world(args.world)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
