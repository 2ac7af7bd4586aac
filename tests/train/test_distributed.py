"""Two gloo processes under torchrun compute the gradients one process computes on the same global batch."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import torch

WORKER = Path(__file__).with_name("ddp_worker.py")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args: list[str]) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_PORT")}
    env.update(OMP_NUM_THREADS="1", BABYVLM_QUIET="1", OMP_WAIT_POLICY="PASSIVE")
    p = subprocess.run(args, env=env, capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]
    return p


def _grads(tmp_path, toy_pretrain, strategy: str, nproc: int) -> dict:
    out = tmp_path / f"{strategy}_{nproc}.pt"
    run = tmp_path / f"run_{strategy}_{nproc}"
    accum = str(2 // nproc)  # the same global batch: 2 micro-batches of 2 samples
    worker = [str(WORKER), str(out), strategy, str(run), str(toy_pretrain), accum]
    if nproc == 1:  # in this process (saves starting a third interpreter)
        import importlib.util

        spec = importlib.util.spec_from_file_location("ddp_worker", WORKER)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        threads = torch.get_num_threads()
        try:
            mod.main(*worker[1:])
        finally:
            torch.set_num_threads(threads)
    else:
        _run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(nproc), "--master_addr",
              "127.0.0.1", "--master_port", str(_port()), *worker])
    return torch.load(out, weights_only=False)


def _compare(a: dict, b: dict) -> None:
    assert a["count"] == b["count"] and a["loss"] == pytest.approx(b["loss"], rel=1e-5)
    assert a["grads"].keys() == b["grads"].keys() and len(a["grads"]) > 10
    for k in a["grads"]:
        ga, gb = a["grads"][k], b["grads"][k]
        assert torch.allclose(ga, gb, rtol=1e-4, atol=1e-6), (k, (ga - gb).abs().max())
    assert any(float(g.abs().max()) > 0 for g in a["grads"].values())


@pytest.fixture(scope="module")
def single(tmp_path_factory, toy_pretrain):
    return _grads(tmp_path_factory.mktemp("single"), toy_pretrain, "ddp", 1)


def test_two_gloo_processes_with_ddp_give_the_single_process_gradients(single, tmp_path, toy_pretrain):
    ddp = _grads(tmp_path, toy_pretrain, "ddp", 2)
    assert ddp["world"] == 2 and single["world"] == 1
    _compare(single, ddp)


@pytest.mark.slow
def test_two_gloo_processes_with_fsdp2_give_the_single_process_gradients(single, tmp_path, toy_pretrain):
    fsdp = _grads(tmp_path, toy_pretrain, "fsdp", 2)
    _compare(single, fsdp)


def _torchrun(nproc: int) -> list[str]:
    return [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", str(nproc), "--master_addr",
            "127.0.0.1", "--master_port", str(_port())]


@pytest.mark.slow
@pytest.mark.parametrize("strategy", ["ddp", "fsdp"])
def test_killed_torchrun_stage_resumes_and_matches_one_process(strategy, tmp_path, toy_pretrain, micro_overrides):
    """`babyvlm train` under torchrun: checkpoints (gathered from shards under FSDP2), resume, final save."""
    from babyvlm.util.io import read_jsonl

    exe = str(Path(sys.executable).with_name("babyvlm"))
    common = ["train", "--stage", "2", "--data", str(toy_pretrain), "--config", "tiny",
              *[a for o in [*micro_overrides, "stage2.init=[]", "stage2.max_steps=4", "stage2.save_every=1",
                            "stage2.batch_size=2", "stage2.val_samples=0", "stage2.max_length=200",
                            "stage2.trainable=[vision,connector,language]", f"strategy={strategy}"]
                for a in ("--set", o)]]
    one = tmp_path / "one"
    _run([exe, *common, "--run", str(one), "--set", "stage2.grad_accum=2"])
    two = tmp_path / "two"
    p = subprocess.run([*_torchrun(2), "--no-python", exe, *common, "--run-dir", str(two), "--set", "stage2.halt_after=2"],
                       env={**os.environ, "OMP_NUM_THREADS": "1", "BABYVLM_QUIET": "1", "OMP_WAIT_POLICY": "PASSIVE"}, capture_output=True,
                       text=True, timeout=600)
    assert p.returncode != 0 and "halted after step 2" in p.stderr + p.stdout
    _run([*_torchrun(2), "--no-python", exe, *common, "--run-dir", str(two)])
    a = [r["loss"] for r in read_jsonl(one / "stage2" / "metrics.jsonl") if "loss" in r]
    b = [r["loss"] for r in read_jsonl(two / "stage2" / "metrics.jsonl") if "loss" in r]
    assert len(a) == len(b) == 4
    assert a == pytest.approx(b, rel=1e-4)
    from transformers import AutoModelForImageTextToText

    m1 = AutoModelForImageTextToText.from_pretrained(one / "stage2" / "model").state_dict()
    m2 = AutoModelForImageTextToText.from_pretrained(two / "stage2" / "model").state_dict()
    assert all(torch.allclose(m1[k], m2[k], rtol=1e-3, atol=1e-5) for k in m1)
