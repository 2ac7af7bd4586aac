"""One process or many: process-group setup, wrapping (DDP or FSDP2) and the collectives the loop uses.

`torchrun --nproc_per_node N -m babyvlm.cli train ...` sets RANK/WORLD_SIZE/LOCAL_RANK; the group uses
NCCL on GPUs and gloo on CPU. DDP replicates the model; FSDP2 (`fully_shard`) shards each transformer
block of both towers and then the root, for the paper preset. Both average gradients over processes,
and the loop scales each process's loss so that the average is the gradient of the global batch.
"""

from __future__ import annotations

import contextlib
import logging
import os
from dataclasses import dataclass

import torch
import torch.distributed as dist
from torch import nn

log = logging.getLogger("babyvlm")


@dataclass
class DistContext:
    rank: int = 0
    world: int = 1
    local_rank: int = 0
    device: torch.device = torch.device("cpu")
    initialized_here: bool = False

    @property
    def enabled(self) -> bool:
        return self.world > 1

    @property
    def main(self) -> bool:
        return self.rank == 0

    def all_reduce(self, t: torch.Tensor) -> torch.Tensor:
        """Sum over processes (a copy; the input is unchanged). On one process: the input."""
        if not self.enabled:
            return t
        t = t.detach().clone().to(self.device)
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
        return t

    def barrier(self) -> None:
        if self.enabled:
            dist.barrier()


def pick_device(pref: str = "auto", local_rank: int = 0) -> torch.device:
    if pref == "auto":
        pref = "cuda" if torch.cuda.is_available() else "cpu"
    if pref == "cuda":
        torch.cuda.set_device(local_rank)
        return torch.device("cuda", local_rank)
    return torch.device(pref)


def init_distributed(device_pref: str = "auto") -> DistContext:
    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    local = int(os.environ.get("LOCAL_RANK", "0"))
    device = pick_device(device_pref, local)
    ctx = DistContext(rank=rank, world=world, local_rank=local, device=device)
    if world > 1 and not dist.is_initialized():
        backend = "nccl" if device.type == "cuda" else "gloo"
        dist.init_process_group(backend=backend, device_id=device if device.type == "cuda" else None)
        ctx.initialized_here = True
    return ctx


def shutdown(ctx: DistContext) -> None:
    if ctx.initialized_here and dist.is_initialized():
        dist.barrier()  # every process finished its last collective before the group goes away
        dist.destroy_process_group()


def _blocks(module: nn.Module) -> list[nn.Module]:
    """Transformer blocks of the LLaMA and ViT towers (the units FSDP2 shards one by one)."""
    names = ("LlamaDecoderLayer", "ViTLayer")
    return [m for m in module.modules() if type(m).__name__ in names]


def wrap(module: nn.Module, ctx: DistContext, strategy: str, *, bf16: bool = False) -> nn.Module:
    """DDP or FSDP2 around the objective module (returned unchanged on one process)."""
    if not ctx.enabled:
        return module
    if strategy == "fsdp":
        from torch.distributed.fsdp import MixedPrecisionPolicy, fully_shard

        mp = MixedPrecisionPolicy(param_dtype=torch.bfloat16, reduce_dtype=torch.float32) if bf16 else None
        kw = {"mp_policy": mp} if mp is not None else {}
        for blk in _blocks(module):
            fully_shard(blk, **kw)
        fully_shard(module, **kw)
        return module
    from torch.nn.parallel import DistributedDataParallel as DDP

    ids = [ctx.device.index] if ctx.device.type == "cuda" else None
    # buffers are never broadcast: the DINO centre is kept equal by an explicit all-reduce
    return DDP(module, device_ids=ids, broadcast_buffers=False)


def unwrap(module: nn.Module) -> nn.Module:
    return module.module if hasattr(module, "module") and not hasattr(module, "reshard") else module


def no_sync(module: nn.Module, strategy: str, sync: bool):
    """Skip the gradient all-reduce on all but the last micro-batch of a step."""
    if sync:
        return contextlib.nullcontext()
    if hasattr(module, "no_sync"):
        return module.no_sync()
    if hasattr(module, "set_requires_gradient_sync"):  # FSDP2
        return _fsdp_no_sync(module)
    return contextlib.nullcontext()


@contextlib.contextmanager
def _fsdp_no_sync(module):
    module.set_requires_gradient_sync(False)
    try:
        yield
    finally:
        module.set_requires_gradient_sync(True)
