"""The training loop every stage runs: one process, DDP or FSDP2, the same code path.

Per step: the step's micro-batches for this process are collated, the number of loss terms in the
whole global batch is summed over processes first, then each micro-batch's summed loss is divided by
that total (times the world size, which the gradient averaging divides out again) and backpropagated
with gradient synchronisation only on the last micro-batch. Then: gradient clipping, AdamW, a cosine
schedule with linear warmup, the task's own after-step hook (the DINO teacher's EMA), metrics,
evaluation, and checkpoints for exact resume.
"""

from __future__ import annotations

import logging
import math
import resource
import time
from contextlib import nullcontext
from pathlib import Path
from typing import Any, Protocol

import torch
from torch import nn

from babyvlm.errors import BabyVLMError
from babyvlm.train import checkpoint as ckpt
from babyvlm.train.batching import Schedule
from babyvlm.train.config import StageConfig, TrainConfig
from babyvlm.train.distributed import DistContext, no_sync, wrap
from babyvlm.train.metrics import Metrics
from babyvlm.util.progress import bar

log = logging.getLogger("babyvlm")


class Halted(BabyVLMError):
    """The run stopped at `halt_after` (a testing aid that imitates a kill; rerun to resume)."""


class Task(Protocol):
    module: nn.Module
    schedule: Schedule

    def loader(self, start: int, rank: int, num_workers: int): ...  # yields each step's micro-batches
    def count(self, batch: dict[str, Any]) -> int: ...
    def param_groups(self, module: nn.Module) -> list[dict[str, Any]]: ...
    def evaluate(self, module: nn.Module, ctx: DistContext, autocast) -> dict[str, float]: ...
    def after_step(self, step: int, total: int, ctx: DistContext) -> None: ...
    def state_dict(self) -> dict[str, Any]: ...
    def load_state_dict(self, state: dict[str, Any]) -> None: ...
    def on_eval(self, step: int, metrics: dict[str, float], module: nn.Module, ctx: DistContext) -> None: ...


def use_bf16(precision: str, device: torch.device) -> bool:
    if precision == "bf16":
        return True
    if precision == "auto":
        return device.type == "cuda" and torch.cuda.is_bf16_supported()
    return False


def cosine_lambda(warmup: int, total: int, min_ratio: float):
    def f(step: int) -> float:  # `step` = optimizer steps taken so far
        if warmup > 0 and step < warmup:
            return (step + 1) / warmup
        t = (step - warmup) / max(1, total - warmup)
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * min(1.0, t)))

    return f


def _to(batch: dict, device: torch.device) -> dict:
    return {k: v.to(device, non_blocking=True) if torch.is_tensor(v) else v for k, v in batch.items()}


def peak_memory_mb(device: torch.device) -> float:
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class Engine:
    def __init__(self, task: Task, scfg: StageConfig, tcfg: TrainConfig, stage_dir: Path, ctx: DistContext,
                 *, desc: str = "train"):
        self.task, self.scfg, self.tcfg, self.dir, self.ctx, self.desc = task, scfg, tcfg, stage_dir, ctx, desc
        self.device = ctx.device
        self.bf16 = use_bf16(tcfg.precision, self.device)
        # FSDP2 shards the language and vision-language stages; stage 0b (a ViT and its EMA teacher) is DDP
        self.strategy = "fsdp" if (tcfg.strategy == "fsdp" and ctx.enabled and scfg.kind != "vision_ssl") else "ddp"
        self.fsdp = self.strategy == "fsdp" and ctx.enabled
        task.module.to(self.device)
        self.module = wrap(task.module, ctx, self.strategy, bf16=self.bf16)
        groups = task.param_groups(task.module)
        fused = self.device.type == "cuda" and not self.fsdp
        self.optimizer = torch.optim.AdamW(groups, betas=tuple(scfg.betas), eps=1e-8,
                                           **({"fused": True} if fused else {}))
        self.total = task.schedule.total_steps
        warmup = int(round(scfg.warmup_ratio * self.total))
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer,
                                                           cosine_lambda(warmup, self.total, scfg.min_lr_ratio))
        self.step = 0
        self.ckpt_root = stage_dir / "checkpoints"
        self.save_every = scfg.save_every or max(1, self.total // 10)

    def autocast(self):
        if self.bf16 and not self.fsdp:
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return nullcontext()

    # -- one step ----------------------------------------------------------------------------------
    def forward_backward(self, batches: list[dict[str, Any]]) -> dict[str, float]:
        """Accumulate the gradients of one step from this process's micro-batches; returns its stats."""
        ga = len(batches)
        counts = [self.task.count(b) for b in batches]
        # real tokens (the pad id is 0 by construction of the tokenizer)
        ntok = [int((b["input_ids"] != 0).sum()) if "input_ids" in b else 0 for b in batches]
        # samples: every sample (and every utterance of the LM stream) starts with <s> (id 1)
        nsam = [int((b["input_ids"] == 1).sum()) if "input_ids" in b else c for b, c in zip(batches, counts)]
        stats = torch.tensor([float(sum(counts)), float(sum(ntok)), float(sum(nsam))], dtype=torch.float64)
        glob = self.ctx.all_reduce(stats)
        global_count = max(1.0, float(glob[0]))
        scale = self.ctx.world / global_count
        loss_total = torch.zeros((), dtype=torch.float64)
        for a, b in enumerate(batches):
            b = _to(b, self.device)
            with no_sync(self.module, self.strategy, sync=(a == ga - 1)), self.autocast():
                loss_sum, _ = self.module(**b)
                (loss_sum * scale).backward()
            loss_total += loss_sum.detach().double().cpu()
        loss = float(self.ctx.all_reduce(loss_total)) / global_count
        return {"loss": loss, "count": global_count, "tokens": float(glob[1]), "samples": float(glob[2])}

    def clip(self) -> float:
        params = [p for g in self.optimizer.param_groups for p in g["params"] if p.grad is not None]
        if self.scfg.clip_grad > 0:
            norm = torch.nn.utils.clip_grad_norm_(params, self.scfg.clip_grad)
        else:
            norm = torch.nn.utils.clip_grad_norm_(params, float("inf"))
        if hasattr(norm, "full_tensor"):
            norm = norm.full_tensor()
        return float(norm)

    # -- the run -----------------------------------------------------------------------------------
    def resume(self) -> int:
        path = ckpt.latest(self.ckpt_root)
        if path is None:
            return 0
        state = ckpt.load(path, module=self.task.module, optimizer=self.optimizer, scheduler=self.scheduler,
                          ctx=self.ctx)
        self.task.load_state_dict(state["task"])
        self.step = int(state["loop"]["step"])
        if self.ctx.main:
            log.info("%s: resumed from %s (step %d of %d)", self.desc, path, self.step, self.total)
        return self.step

    def save(self) -> None:
        ckpt.save(self.ckpt_root, self.step, module=self.task.module, optimizer=self.optimizer,
                  scheduler=self.scheduler, loop_state={"step": self.step}, task_state=self.task.state_dict(),
                  ctx=self.ctx, keep=self.tcfg.keep_checkpoints)

    def evaluate(self) -> dict[str, float]:
        self.module.eval()
        try:
            with torch.no_grad():
                out = self.task.evaluate(self.module, self.ctx, self.autocast)
        finally:
            self.module.train()
        return out

    def run(self) -> dict[str, Any]:
        start = self.resume()
        metrics = Metrics(self.dir, enabled=self.ctx.main, tensorboard=self.tcfg.tensorboard, resume_step=start)
        self.module.train()
        last: dict[str, Any] = {}
        evals: dict[str, float] = {}
        names = [g.get("name", str(i)) for i, g in enumerate(self.optimizer.param_groups)]
        t_run = time.perf_counter()
        try:
            with bar(desc=self.desc, total=self.total, initial=start, unit="step") as pb:
                t0 = time.perf_counter()
                for step, batches in zip(range(start, self.total), self.task.loader(start, self.ctx.rank,
                                                                                     self.tcfg.num_workers)):
                    st = self.forward_backward(batches)
                    gnorm = self.clip()
                    self.optimizer.step()
                    self.scheduler.step()
                    self.optimizer.zero_grad(set_to_none=True)
                    self.task.after_step(step + 1, self.total, self.ctx)
                    self.step = step + 1
                    dt = time.perf_counter() - t0  # includes waiting for this step's data
                    row = {"step": self.step, "epoch": round(self.task.schedule.epoch_of(step), 4),
                           "loss": st["loss"], "grad_norm": gnorm, "count": int(st["count"]),
                           "tokens": int(st["tokens"]), "samples": int(st["samples"]), "step_time": dt,
                           "tokens_per_s": st["tokens"] / dt if dt > 0 else 0.0,
                           "samples_per_s": st["samples"] / dt if dt > 0 else 0.0}
                    for n, g in zip(names, self.optimizer.param_groups):
                        row[f"lr_{n}"] = g["lr"]
                    if self.step % max(1, self.scfg.log_every) == 0 or self.step == self.total:
                        metrics.log(row)
                    last = row
                    if self.scfg.eval_every and self.step % self.scfg.eval_every == 0 and self.step < self.total:
                        evals = self.evaluate()
                        if evals:
                            metrics.log({"step": self.step, **evals})
                            self.task.on_eval(self.step, evals, self.module, self.ctx)
                    pb.update(1)
                    pb.set_postfix(loss=f"{st['loss']:.3f}")
                    if self.step % self.save_every == 0 and self.step < self.total:
                        self.save()
                    if self.scfg.halt_after and self.step >= self.scfg.halt_after:
                        raise Halted(f"halted after step {self.step} (stage halt_after)")
                    t0 = time.perf_counter()
            evals = self.evaluate() if self.total > 0 else {}
            if evals:
                metrics.log({"step": self.step, **evals})
                self.task.on_eval(self.step, evals, self.module, self.ctx)
        finally:
            metrics.close()
        elapsed = time.perf_counter() - t_run
        return {"steps": self.total, "resumed_from": start, "final": last, "eval": evals, "seconds": elapsed,
                "peak_memory_mb": peak_memory_mb(self.device)}
