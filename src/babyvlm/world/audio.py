"""Speech audio with espeak-ng, when it is installed: each utterance spoken at its time.

Voices differ by speaker (mother, father, the child) and the speaking rate is set so that the
audio roughly fills the utterance's planned duration; the transcript's times never depend on the
audio, so a corpus without espeak-ng has the same transcripts and annotations.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

import numpy as np

log = logging.getLogger("babyvlm")

SAMPLE_RATE = 22050
VOICES = {"M": ("en-us+f3", 62), "F": ("en-us+m3", 38), "C": ("en-us+f5", 95)}


def espeak_path() -> str | None:
    return shutil.which("espeak-ng")


def speak(text: str, speaker: str, seconds: float, exe: str) -> np.ndarray:
    """Float32 mono samples at SAMPLE_RATE (empty when espeak-ng fails)."""
    voice, pitch = VOICES.get(speaker, VOICES["M"])
    words = max(1, len(text.replace(",", " ").split()))
    wpm = int(np.clip(60.0 * words / max(0.4, seconds - 0.15), 110, 260))
    try:
        res = subprocess.run([exe, "-v", voice, "-p", str(pitch), "-s", str(wpm), "--stdout", text],
                             capture_output=True, timeout=20, check=True)
    except (OSError, subprocess.SubprocessError) as e:
        log.warning("espeak-ng failed on %r: %s", text, e)
        return np.zeros(0, np.float32)
    data = res.stdout
    # a WAV header (44 bytes for espeak-ng's output) then 16-bit mono PCM
    start = data.find(b"data")
    pcm = data[start + 8 :] if start >= 0 else data[44:]
    pcm = pcm[: len(pcm) // 2 * 2]
    return np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0


def synthesize(utterances, duration: float, exe: str) -> np.ndarray:
    """The session's audio track: every utterance mixed in at its start time."""
    n = int(round(duration * SAMPLE_RATE))
    track = np.zeros(n, np.float32)
    cache: dict[tuple[str, str, int], np.ndarray] = {}
    for u in utterances:
        key = (u.text, u.speaker, int(round((u.end - u.start) * 10)))
        if key not in cache:
            cache[key] = speak(u.text, u.speaker, u.end - u.start, exe)
        s = cache[key]
        i = int(round(u.start * SAMPLE_RATE))
        j = min(n, i + len(s))
        if j > i:
            track[i:j] += s[: j - i] * 0.8
    # quiet room tone so silence is not digital zero
    rng = np.random.default_rng(n)
    track += rng.standard_normal(n).astype(np.float32) * 0.002
    return np.clip(track, -1.0, 1.0)
