"""One step's gradients of a micro VLM, written by rank 0: run alone or under torchrun (see test_distributed)."""

from __future__ import annotations

import sys
from pathlib import Path

import torch

from babyvlm.train.config import load_train_config
from babyvlm.train.distributed import init_distributed, shutdown
from babyvlm.train.engine import Engine
from babyvlm.train.rundir import RunDir
from babyvlm.train.stages import prepare_stage


def _train_conftest():
    """tests/train/conftest.py by path, under its own name (another folder's `conftest` may be imported)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("babyvlm_tests_train_conftest",
                                                  Path(__file__).resolve().with_name("conftest.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


_conf = _train_conftest()
FAST_STAGES, MICRO = _conf.FAST_STAGES, _conf.MICRO


def main(out: str, strategy: str, run: str, pretrain: str, accum: str) -> None:
    torch.set_num_threads(1)
    ctx = init_distributed("cpu")
    cfg = load_train_config("tiny", overrides=[
        *MICRO, *FAST_STAGES, "stage2.init=[]", "stage2.trainable=[vision,connector,language]",
        f"stage2.grad_accum={accum}", "stage2.batch_size=2", f"strategy={strategy}", "stage2.val_samples=0",
        "stage2.formats=[mix_format]", "stage2.max_length=200", "stage2.packing=true"], values={"pretrain": pretrain})
    rd = RunDir(run)
    try:
        task, _, _ = prepare_stage("2", rd, cfg, ctx)
        engine = Engine(task, cfg.stage2, cfg, rd.stage_dir("2"), ctx)
        st = engine.forward_backward(next(task.loader(0, ctx.rank, 0)))
        grads = {}
        for n, p in task.module.named_parameters():
            if p.grad is not None:
                g = p.grad.full_tensor() if hasattr(p.grad, "full_tensor") else p.grad
                grads[n] = g.detach().clone()
        if ctx.main:
            torch.save({"grads": grads, "loss": st["loss"], "count": st["count"], "world": ctx.world}, out)
    finally:
        shutdown(ctx)


if __name__ == "__main__":
    main(*sys.argv[1:])
