"""Checkpoints for exact resume: model, optimizer, scheduler, data position and random states.

`checkpoints/step_NNNNNNN/` holds `state.pt` (model and optimizer as full, name-keyed state dicts, the
scheduler, the loop's counters, the task's own state such as the DINO teacher or the best validation
loss) and `rng_<rank>.pt` (Python, NumPy, torch and CUDA generators of each process). A checkpoint is
written into a temporary folder and renamed, then `latest` is updated: a kill mid-write leaves the
previous checkpoint in charge. The data position is the step: batch plans are a pure function of
(seed, epoch), see `batching.py`.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import torch

from babyvlm.util.io import write_text


def _dcp():
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_state_dict, set_state_dict

    return StateDictOptions, get_state_dict, set_state_dict


def rng_state() -> dict[str, Any]:
    st = {"python": random.getstate(), "numpy": np.random.get_state(), "torch": torch.get_rng_state()}
    if torch.cuda.is_available():
        st["cuda"] = torch.cuda.get_rng_state_all()
    return st


def set_rng_state(st: dict[str, Any]) -> None:
    random.setstate(st["python"])
    np.random.set_state(st["numpy"])
    torch.set_rng_state(st["torch"])
    if "cuda" in st and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(st["cuda"])


def latest(ckpt_root: Path) -> Path | None:
    p = ckpt_root / "latest"
    if not p.exists():
        return None
    d = ckpt_root / p.read_text(encoding="utf-8").strip()
    return d if (d / "state.pt").exists() else None


def save(ckpt_root: Path, step: int, *, module, optimizer, scheduler, loop_state: dict, task_state: dict,
         ctx, keep: int = 1) -> Path:
    """Every process calls this (FSDP gathers the full state); rank 0 writes the shared files."""
    StateDictOptions, get_state_dict, _ = _dcp()
    model_sd, optim_sd = get_state_dict(module, optimizer,
                                        options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    name = f"step_{step:07d}"
    final = ckpt_root / name
    tmp = ckpt_root / f".{name}.tmp"
    if ctx.main:
        if tmp.exists():
            shutil.rmtree(tmp)
        tmp.mkdir(parents=True)
        torch.save({"model": model_sd, "optimizer": optim_sd, "scheduler": scheduler.state_dict(),
                    "loop": loop_state, "task": task_state}, tmp / "state.pt")
    ctx.barrier()
    torch.save(rng_state(), tmp / f"rng_{ctx.rank}.pt")  # every process (a filesystem shared by all is assumed)
    ctx.barrier()
    if ctx.main:
        if final.exists():
            shutil.rmtree(final)
        tmp.rename(final)
        write_text(ckpt_root / "latest", name + "\n")
        olds = sorted(p for p in ckpt_root.glob("step_*") if p.is_dir() and p.name != name)
        for old in olds[: max(0, len(olds) - (keep - 1))]:
            shutil.rmtree(old)
    ctx.barrier()
    return final


def load(path: Path, *, module, optimizer, scheduler, ctx) -> dict[str, Any]:
    """Restore a checkpoint written by `save`; returns {'loop': ..., 'task': ...}."""
    StateDictOptions, _, set_state_dict = _dcp()
    state = torch.load(path / "state.pt", map_location="cpu", weights_only=False)
    # every process reads the full state and keeps its own shard (FSDP2) or all of it (DDP); simpler and
    # more robust than broadcasting from rank 0, at the cost of host memory for one full copy per process
    opts = StateDictOptions(full_state_dict=True)
    set_state_dict(module, optimizer, model_state_dict=state["model"], optim_state_dict=state["optimizer"],
                   options=opts)
    scheduler.load_state_dict(state["scheduler"])
    rng_file = path / f"rng_{ctx.rank}.pt"
    if rng_file.exists():
        set_rng_state(torch.load(rng_file, map_location="cpu", weights_only=False))
    return {"loop": state["loop"], "task": state["task"]}
