"""A killed build continues where it stopped and ends byte-identical to an uninterrupted one."""

import os
import signal
import subprocess
import sys
import time

import pytest

import babyvlm.pretrain.build as build_mod
from babyvlm.pretrain.build import build
from babyvlm.pretrain.check import check_set


def test_injected_failure_then_rerun_skips_finished_sessions(tiny_corpus, tmp_path, oracle_cfg, tree, monkeypatch):
    build(tiny_corpus, tmp_path / "ref", oracle_cfg())
    calls = []
    real = build_mod.run_session

    def failing(job, cfg, scorer):
        if len(calls) == 2:
            raise RuntimeError("injected crash")
        calls.append(job.entry.stem)
        return real(job, cfg, scorer)

    monkeypatch.setattr(build_mod, "run_session", failing)
    with pytest.raises(RuntimeError, match="injected"):
        build(tiny_corpus, tmp_path / "out", oracle_cfg())
    assert not (tmp_path / "out" / "stats.json").exists()
    assert len(list((tmp_path / "out" / "parts").glob("*.json"))) == 2

    redone = []
    monkeypatch.setattr(build_mod, "run_session", lambda job, cfg, scorer: (redone.append(job.entry.stem), real(job, cfg, scorer))[1])
    res = build(tiny_corpus, tmp_path / "out", oracle_cfg())
    assert res.processed == 1 and not set(redone) & set(calls)  # 3 sessions: the test session is held out
    assert tree(tmp_path / "out") == tree(tmp_path / "ref")


def test_sigkill_mid_build_then_rerun(tiny_corpus, tmp_path, oracle_cfg, tree):
    """A real kill -9 of `babyvlm pretrain build` in a subprocess, as soon as one session is done."""
    build(tiny_corpus, tmp_path / "ref", oracle_cfg())
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "babyvlm", "pretrain", "build", str(tiny_corpus), "--out", str(out),
           "--scorer", "oracle", "--set", "write.shard_max_samples=4"]
    env = dict(os.environ, BABYVLM_QUIET="1")
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if list((out / "parts").glob("*.json")) if (out / "parts").is_dir() else []:
            os.killpg(proc.pid, signal.SIGKILL)
            break
        time.sleep(0.005)
    proc.wait()
    if proc.returncode == 0:
        pytest.skip("the build finished before it could be killed")
    assert proc.returncode == -signal.SIGKILL
    done_before = len(list((out / "parts").glob("*.json")))
    assert 1 <= done_before < 3 and not (out / "stats.json").exists()
    res = subprocess.run(cmd, env=env, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert f"({3 - done_before} processed now)" in res.stdout  # the corpus's test session is held out
    assert check_set(out)[0] == []
    assert tree(out) == tree(tmp_path / "ref")
