"""Generation: determinism, resuming, workers, audio, the plan's ages and rooms, configuration errors."""

from __future__ import annotations

import hashlib
import json
import os

import av
import numpy as np
import pytest

from babyvlm.errors import ConfigError
from babyvlm.world import generate_world
from babyvlm.world.audio import espeak_path
from babyvlm.world.plan import plan_sessions
from babyvlm.world.session import marker_path, prepare


def frame_digests(video) -> list[str]:
    with av.open(str(video)) as c:
        return [hashlib.sha1(f.to_ndarray(format="rgb24").tobytes()).hexdigest() for f in c.decode(video=0)]


def text_files(root) -> dict[str, bytes]:
    out = {}
    for sub in ("transcripts", "annotations"):
        for p in sorted((root / sub).iterdir()):
            out[f"{sub}/{p.name}"] = p.read_bytes()
    out["corpus.json"] = (root / "corpus.json").read_bytes()
    return out


def test_same_seed_same_corpus_any_workers(tmp_path, micro_config):
    cfg = micro_config(children="[S, A]")
    a, b = tmp_path / "a", tmp_path / "b"
    generate_world(cfg, a, workers=1)
    generate_world(cfg, b, workers=2)
    assert text_files(a) == text_files(b)
    for v in sorted((a / "videos").glob("*.mp4")):
        assert frame_digests(v) == frame_digests(b / "videos" / v.name)
    # another seed is another world (planned differently; no need to render it)
    other = micro_config(children="[S, A]", seed=1)
    job0, job1 = plan_sessions(cfg)[0], plan_sessions(other)[0]
    assert job0.stem != job1.stem
    assert [u.text for u in prepare(job0, cfg)[2].utterances] != [u.text for u in prepare(job1, other)[2].utterances]


def test_rerun_resumes_and_redoes_only_unfinished_sessions(tmp_path, micro_config):
    cfg = micro_config(children="[S, A]")
    out = tmp_path / "w"
    generate_world(cfg, out)
    before = text_files(out)
    stems = sorted(p.stem for p in (out / "videos").glob("*.mp4"))
    keep, redo = out / "videos" / f"{stems[0]}.mp4", stems[1]
    mtime = keep.stat().st_mtime_ns
    # a run killed while writing `redo`: its marker and video are missing, a temp file is left
    marker_path(out, redo).unlink()
    (out / "videos" / f"{redo}.mp4").unlink()
    (out / "videos" / f".{redo}.mp4.tmp").write_bytes(b"partial")
    generate_world(cfg, out)
    assert keep.stat().st_mtime_ns == mtime  # finished sessions are not redone
    assert (out / "videos" / f"{redo}.mp4").exists() and not (out / "videos" / f".{redo}.mp4.tmp").exists()
    assert text_files(out) == before
    # the same folder with another config: its sessions are made again, not mixed in
    generate_world(micro_config(children="[S, A]", annotation_rate=10), out)
    assert keep.stat().st_mtime_ns != mtime
    lines = (out / "annotations" / f"{stems[0]}.jsonl").read_text().splitlines()
    assert json.loads(lines[0])["annotation_rate"] == 10


def test_plan_covers_ages_rooms_and_children(world_config):
    cfg = world_config("small")
    jobs = plan_sessions(cfg)
    assert len(jobs) == 24 and len({j.stem for j in jobs}) == 24
    months = sorted(j.age_months for j in jobs)
    assert 6 <= months[0] < 8 and 30 < months[-1] <= 32
    assert len({int(m) for m in months}) >= 18  # spread over the whole range
    for child in cfg.children:
        mine = [j for j in jobs if j.child == child]
        assert {j.room for j in mine} == {"living", "kitchen", "bedroom", "bathroom"}
        assert [j.age_days for j in mine] == sorted(j.age_days for j in mine)
    assert abs(sum(j.duration for j in jobs) / 3600 - 1.0) < 0.1  # about an hour
    full = plan_sessions(world_config("full"))
    assert sum(j.duration for j in full) / 3600 >= 10


def test_config_errors_are_one_line(world_config):
    with pytest.raises(ConfigError, match="even"):
        world_config("tiny", width=321)
    with pytest.raises(ConfigError, match="annotation_rate"):
        world_config("tiny", fps=4, annotation_rate=5)
    with pytest.raises(ConfigError, match="unknown config key"):
        world_config("tiny", colour="red")
    assert world_config("tiny", audio="off").audio == "off"  # YAML's `off` is a boolean; taken back
    assert world_config("tiny", fps=15).annotation_step == 3


def test_larger_resolution_and_frame_rate(tmp_path, micro_config):
    cfg = micro_config(session_seconds=5, width=640, height=480, fps=30)
    out = tmp_path / "hd"
    generate_world(cfg, out)
    video = next((out / "videos").glob("*.mp4"))
    with av.open(str(video)) as c:
        s = c.streams.video[0]
        assert (s.codec_context.width, s.codec_context.height) == (640, 480) and round(float(s.average_rate)) == 30
    lines = [json.loads(x) for x in (out / "annotations" / f"{video.stem}.jsonl").read_text().splitlines()]
    assert sum(r["type"] == "frame" for r in lines) >= 5 * 5 - 1


@pytest.mark.skipif(espeak_path() is None, reason="espeak-ng is not installed (apt-get install espeak-ng); audio is skipped")
def test_audio_track_speaks_the_utterances(tmp_path, micro_config):
    out = tmp_path / "audio"
    generate_world(micro_config(audio="on", session_seconds=12), out)
    video = next((out / "videos").glob("*.mp4"))
    with av.open(str(video)) as c:
        assert c.streams.audio, "no audio track"
        rate = c.streams.audio[0].rate
        samples = np.concatenate([f.to_ndarray().reshape(-1) for f in c.decode(audio=0)])
    ann = [json.loads(x) for x in (out / "annotations" / f"{video.stem}.jsonl").read_text().splitlines()]
    utts = [r for r in ann if r["type"] == "utterance"]
    assert utts and abs(len(samples) / rate - ann[0]["duration"]) < 0.2
    speech = np.zeros(len(samples), bool)
    for u in utts:
        speech[int(u["start"] * rate) : int(u["end"] * rate)] = True
    loud = np.sqrt(np.mean(samples[speech] ** 2))
    quiet = np.sqrt(np.mean(samples[~speech] ** 2)) if (~speech).any() else 0.0
    assert loud > 5 * quiet and loud > 0.01


def test_no_audio_when_off(tmp_path, micro_config):
    out = tmp_path / "silent"
    generate_world(micro_config(audio="off", session_seconds=5), out)
    video = next((out / "videos").glob("*.mp4"))
    with av.open(str(video)) as c:
        assert not c.streams.audio
    assert json.loads((out / "corpus.json").read_text())["stats"]["sessions_with_audio"] == 0
    assert not any(p.name.endswith(".tmp") for p in out.rglob("*")), os.listdir(out / "videos")


def test_without_espeak_auto_skips_audio_and_on_is_an_error(tmp_path, micro_config, monkeypatch, caplog):
    import logging

    import babyvlm.world.generate as gen

    monkeypatch.setattr(gen, "espeak_path", lambda: None)
    with pytest.raises(ConfigError, match="espeak-ng is not installed"):
        generate_world(micro_config(audio="on", session_seconds=5), tmp_path / "on")
    log = logging.getLogger("babyvlm")  # the CLI's logging setup stops propagation: listen on it directly
    log.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="babyvlm"):
            generate_world(micro_config(audio="auto", session_seconds=5), tmp_path / "auto")
    finally:
        log.removeHandler(caplog.handler)
    assert "espeak-ng is not installed" in caplog.text
    video = next((tmp_path / "auto" / "videos").glob("*.mp4"))
    with av.open(str(video)) as c:
        assert not c.streams.audio
