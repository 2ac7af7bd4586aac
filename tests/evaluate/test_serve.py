"""Evaluating through a real OpenAI-compatible server: `transformers serve` on 127.0.0.1 serving a
tiny random Llava, read by `openai:` with `--api-base`, must answer exactly as `hf:` on the same
checkpoint (greedy generation). Needs the optional extra `babyvlm[serve]` (FastAPI, Uvicorn);
skipped without it."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate

pytest.importorskip("fastapi")
pytest.importorskip("uvicorn")

pytestmark = pytest.mark.slow

TASKS = "count,localize"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tiny_llava):
    cli = shutil.which("transformers", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("no `transformers` command beside this Python")
    port = free_port()
    proc = subprocess.Popen([cli, "serve", str(tiny_llava), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            if proc.poll() is not None:
                pytest.fail(f"transformers serve exited: {proc.stderr.read()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/health", timeout=1):
                    break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("transformers serve did not come up in 120 s")
        yield url + "/v1"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def answers(out: Path) -> dict[str, list[str]]:
    got = {}
    for f in sorted(out.rglob("samples_*.jsonl")):
        rows = [json.loads(line) for line in f.read_text().splitlines() if line.strip()]
        got[f.parent.name + "/" + f.name] = [str(r.get("raw") or r.get("response") or r.get("answer")) for r in rows]
    return got


def test_served_model_answers_as_hf(served, tiny_llava, devcv_root, tmp_path):
    # one token limit for both (an API run otherwise uses each task's longer api_max_tokens)
    cfg = EvalConfig(tasks=TASKS, baselines=[], bootstrap=10, plot=False, limit=6, max_new_tokens=8)
    hf = evaluate(f"hf:{tiny_llava}", devcv_root, tmp_path / "hf", cfg)
    cfg = EvalConfig(tasks=TASKS, baselines=[], bootstrap=10, plot=False, limit=6, max_new_tokens=8)
    cfg.api.base_url = served
    cfg.api.concurrency = 2
    api = evaluate(f"openai:{tiny_llava}", devcv_root, tmp_path / "api", cfg, api_key="unused")
    for task in TASKS.split(","):
        (m_hf,) = hf["tasks"][task]["models"].values()
        (m_api,) = api["tasks"][task]["models"].values()
        assert m_api["metrics"] == m_hf["metrics"], task
    hf_rows, api_rows = answers(tmp_path / "hf"), answers(tmp_path / "api")
    assert sorted(len(v) for v in hf_rows.values()) == sorted(len(v) for v in api_rows.values())
    assert sorted(map(sorted, hf_rows.values())) == sorted(map(sorted, api_rows.values()))
