"""The three kinds of stage as tasks the engine runs: language model, vision self-supervision, VLM.

A task owns its objective module (model + loss), its data and batch schedule, its validation, and how
its output is written. Which parameters train is decided here, before any wrapping, and written to
`trainable.txt`: for the VLM by part (vision / connector / language), for the others everything
except what the stage keeps frozen.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import torch
from torch import nn

from babyvlm.model.build import UNUSED_IN_VLM, save_pretrained
from babyvlm.train.batching import Plan, Schedule
from babyvlm.train.config import StageConfig, TrainConfig
from babyvlm.train.distributed import DistContext
from babyvlm.train.objectives import count_tokens
from babyvlm.util.io import write_text

log = logging.getLogger("babyvlm")


# --- which parameters train ---------------------------------------------------------------------------

def vlm_part(name: str) -> str | None:
    """vision / connector / language for a parameter of VLMObjective (prefix `vlm.`)."""
    n = name.removeprefix("vlm.")
    if n.startswith("model.vision_tower."):
        return "vision"
    if n.startswith("model.multi_modal_projector."):
        return "connector"
    if n.startswith(("model.language_model.", "lm_head.")):
        return "language"
    return None


def apply_trainable(module: nn.Module, part_of: Callable[[str], str | None], trainable: set[str],
                    frozen: tuple[str, ...] = ()) -> dict[str, Any]:
    """Set requires_grad from the stage's parts; returns a summary (counts per part, trainable names)."""
    summary: dict[str, dict[str, int]] = {}
    names = []
    for name, p in module.named_parameters():
        part = part_of(name) or "other"
        always_frozen = any(name.removeprefix("vlm.").startswith(f) for f in frozen)
        train = part in trainable and not always_frozen
        p.requires_grad_(train)
        s = summary.setdefault(part, {"trainable": 0, "total": 0})
        s["total"] += p.numel()
        if train:
            s["trainable"] += p.numel()
            names.append((name, tuple(p.shape)))
    return {"parts": summary, "names": names}


def write_trainable(path: Path, summary: dict[str, Any]) -> str:
    """`trainable.txt`: per-part counts, then every trainable parameter; returns the one-line summary."""
    parts = summary["parts"]
    line = ", ".join(f"{k} {v['trainable']:,}/{v['total']:,}" for k, v in parts.items())
    total_t = sum(v["trainable"] for v in parts.values())
    total = sum(v["total"] for v in parts.values())
    lines = [f"# trainable parameters: {total_t:,} of {total:,}", f"# per part (trainable/total): {line}", ""]
    lines += [f"{n}\t{list(s)}" for n, s in summary["names"]]
    write_text(path, "\n".join(lines) + "\n")
    return f"trainable {total_t:,} of {total:,} parameters ({line})"


def param_groups(module: nn.Module, part_of: Callable[[str], str | None], lr_of: Callable[[str], float],
                 weight_decay: float) -> list[dict[str, Any]]:
    """AdamW groups per part; no weight decay on biases and norms (1-d parameters)."""
    groups: dict[tuple[str, bool], dict[str, Any]] = {}
    for name, p in module.named_parameters():
        if not p.requires_grad:
            continue
        part = part_of(name) or "other"
        decay = p.ndim >= 2
        g = groups.setdefault((part, decay), {
            "name": part if decay else f"{part}.nodecay", "params": [], "lr": lr_of(part),
            "weight_decay": weight_decay if decay else 0.0,
        })
        g["params"].append(p)
    return list(groups.values())


# --- data feeding ------------------------------------------------------------------------------------

class StepData(torch.utils.data.Dataset):
    """Item i = the micro-batches of step `start + i` for one process (picklable for loader workers)."""

    def __init__(self, data, schedule: Schedule, rank: int, start: int, collate_kw: dict[str, Any]):
        self.data, self.schedule, self.rank, self.start, self.kw = data, schedule, rank, start, collate_kw

    def __len__(self) -> int:
        return max(0, self.schedule.total_steps - self.start)

    def __getitem__(self, i: int) -> list[dict[str, Any]]:
        step = self.start + i
        out = []
        for a in range(self.schedule.grad_accum):
            epoch, rows = self.schedule.micro_batch(step, a, self.rank)
            out.append(self.data.collate(rows, epoch, **self.kw))
        return out


def _identity(x):
    return x


class BaseTask:
    collate_kw: dict[str, Any] = {}

    def __init__(self, module: nn.Module, data, val_data, scfg: StageConfig, tcfg: TrainConfig, ctx: DistContext,
                 *, max_length: int, packing: bool):
        self.module, self.data, self.val_data = module, data, val_data
        self.scfg, self.tcfg, self.ctx = scfg, tcfg, ctx
        self.max_length = max_length
        self.packing = packing
        self.plan = Plan(lengths=data.lengths, batch_size=scfg.batch_size, max_length=max_length, packing=packing,
                         group_by_length=scfg.group_by_length, seed=tcfg.seed)
        self.schedule = Schedule(self.plan, grad_accum=scfg.grad_accum, world=ctx.world, max_steps=scfg.max_steps,
                                 epochs=scfg.epochs)
        self.best: float | None = None

    def part_of(self, name: str) -> str | None:
        raise NotImplementedError

    def param_groups(self, module: nn.Module) -> list[dict[str, Any]]:
        return param_groups(module, self.part_of, self.lr_of, self.scfg.weight_decay)

    def lr_of(self, part: str) -> float:
        return self.scfg.part_lr(part) if part in ("vision", "connector", "language") else self.scfg.lr

    def loader(self, start: int, rank: int, num_workers: int) -> Iterator[list[dict[str, Any]]]:
        ds = StepData(self.data, self.schedule, rank, start, self.collate_kw)
        if num_workers <= 0:
            return (ds[i] for i in range(len(ds)))
        return iter(torch.utils.data.DataLoader(ds, batch_size=None, shuffle=False, num_workers=num_workers,
                                                collate_fn=_identity, prefetch_factor=2))

    def count(self, batch: dict[str, Any]) -> int:
        return count_tokens(batch)

    def after_step(self, step: int, total: int, ctx: DistContext) -> None:
        pass

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        self.best = state.get("best")

    def on_eval(self, step: int, metrics: dict[str, float], module: nn.Module, ctx: DistContext) -> None:
        pass

    def evaluate(self, module: nn.Module, ctx: DistContext, autocast) -> dict[str, float]:
        """Mean validation loss per loss term, the validation micro-batches shared out over processes."""
        if self.val_data is None or len(self.val_data) == 0:
            return {}
        plan = Plan(lengths=self.val_data.lengths, batch_size=self.scfg.batch_size, max_length=self.max_length,
                    packing=self.packing, group_by_length=False, shuffle=False)
        micro = plan.epoch(0)
        rounds = math.ceil(len(micro) / ctx.world)  # every process runs as many forwards (FSDP needs that)
        tot = torch.zeros(2, dtype=torch.float64)
        dev = next(module.parameters()).device
        for k in range(rounds):
            i = k * ctx.world + ctx.rank
            w = 1.0 if i < len(micro) else 0.0
            b = self.val_data.collate(micro[i if w else 0], 0, **self.collate_kw)
            with autocast():
                loss, n = module(**{kk: v.to(dev) if torch.is_tensor(v) else v for kk, v in b.items()})
            tot += w * torch.tensor([float(loss), float(n)], dtype=torch.float64)
        tot = ctx.all_reduce(tot)
        return {"val_loss": float(tot[0] / max(1.0, float(tot[1])))}


def full_model(objective: nn.Module, attr: str, ctx: DistContext, fsdp: bool):
    """The wrapped model with full weights on rank 0 (gathered from the shards under FSDP), else None."""
    model = getattr(objective, attr)
    if not fsdp:
        return model if ctx.main else None
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict

    sd = get_model_state_dict(objective, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    if not ctx.main:
        return None
    fresh = type(model)(model.config)
    prefix = attr + "."
    fresh.load_state_dict({k[len(prefix):]: v for k, v in sd.items() if k.startswith(prefix)})
    return fresh


# --- stage 0a -------------------------------------------------------------------------------------------

class LMTask(BaseTask):
    def __init__(self, objective, data, val_data, scfg, tcfg, ctx, *, tokenizer, out_dir: Path, fsdp: bool):
        super().__init__(objective, data, val_data, scfg, tcfg, ctx, max_length=data.block, packing=False)
        self.tokenizer, self.out_dir, self.fsdp = tokenizer, out_dir, fsdp
        self.summary = apply_trainable(objective, self.part_of, set(scfg.trainable))

    def part_of(self, name: str) -> str | None:
        return "language"

    def on_eval(self, step, metrics, module, ctx) -> None:
        v = metrics.get("val_loss")
        if self.scfg.keep_best and v is not None and (self.best is None or v < self.best):
            self.best = v
            self.save(ctx)
            if ctx.main:
                log.info("stage 0a: best validation loss %.4f at step %d -> %s", v, step, self.out_dir)

    def save(self, ctx) -> None:
        m = full_model(self.module, "lm", ctx, self.fsdp)
        if m is not None:
            save_pretrained(m, self.out_dir, tokenizer=self.tokenizer)
        ctx.barrier()

    def finish(self, ctx) -> None:
        if not (self.scfg.keep_best and self.best is not None and self.out_dir.exists()):
            self.save(ctx)


# --- stage 0b -------------------------------------------------------------------------------------------

class SSLTask(BaseTask):
    def __init__(self, objective, data, scfg, tcfg, ctx, *, out_dir: Path):
        super().__init__(objective, data, None, scfg, tcfg, ctx, max_length=1, packing=False)
        self.out_dir = out_dir
        self.summary = apply_trainable(objective, self.part_of, {"vision", "ssl_head"})

    def part_of(self, name: str) -> str | None:
        if name.startswith("teacher_") or name == "center":
            return "teacher"
        if name.startswith("vision."):
            return "vision"
        return "ssl_head"

    def lr_of(self, part: str) -> float:
        return self.scfg.part_lr("vision") if part == "vision" else self.scfg.lr

    def count(self, batch) -> int:
        x = batch.get("global_crops", batch.get("pixel_values"))
        return int(x.shape[0])

    def after_step(self, step, total, ctx) -> None:
        if hasattr(self.module, "after_step"):
            self.module.after_step(step, total, ctx.all_reduce)

    def state_dict(self) -> dict[str, Any]:
        return {"best": self.best}

    def finish(self, ctx) -> None:
        if ctx.main:
            save_pretrained(self.module.vision, self.out_dir)
        ctx.barrier()


# --- stage 3v -------------------------------------------------------------------------------------------

class WarmupTask(BaseTask):
    """The tower of `vlm` and throwaway heads; writes the whole VLM with the trained tower."""

    def __init__(self, objective, data, scfg, tcfg, ctx, *, vlm, processor, out_dir: Path):
        super().__init__(objective, data, None, scfg, tcfg, ctx, max_length=1, packing=False)
        self.vlm, self.processor, self.out_dir = vlm, processor, out_dir
        self.summary = apply_trainable(objective, self.part_of, {"vision", "head"})

    def part_of(self, name: str) -> str | None:
        return "vision" if name.startswith("vision.") else "head"

    def lr_of(self, part: str) -> float:
        return self.scfg.part_lr("vision") if part == "vision" else self.scfg.lr

    def count(self, batch) -> int:
        return int(batch["targets"].shape[0])

    def finish(self, ctx) -> None:
        if ctx.main:  # the objective's tower is the VLM's own module, trained in place
            save_pretrained(self.vlm, self.out_dir, processor=self.processor)
        ctx.barrier()


# --- stages 1-3 -----------------------------------------------------------------------------------------

class VLMTask(BaseTask):
    def __init__(self, objective, data, val_data, scfg, tcfg, ctx, *, processor, out_dir: Path, max_length: int,
                 fsdp: bool):
        self.collate_kw = {"packing": scfg.packing, "pad_id": 0}
        super().__init__(objective, data, val_data, scfg, tcfg, ctx, max_length=max_length, packing=scfg.packing)
        self.processor, self.out_dir, self.fsdp = processor, out_dir, fsdp
        self.summary = apply_trainable(objective, vlm_part, set(scfg.trainable), frozen=UNUSED_IN_VLM)

    def part_of(self, name: str) -> str | None:
        return vlm_part(name)

    def finish(self, ctx) -> None:
        m = full_model(self.module, "vlm", ctx, self.fsdp)
        if m is not None:
            save_pretrained(m, self.out_dir, processor=self.processor)
        ctx.barrier()
