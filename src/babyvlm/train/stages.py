"""Running one stage of a run: resolve where it starts from, build its task, train, write its output.

`run_stage("1", RUN, cfg)` reads `RUN/stage0a/done.json` and `RUN/stage0b/done.json` (stage 1's `init`),
builds a fresh VLM, copies the trained language model and vision tower into it, initialises a new
connector, freezes everything but the connector, trains it, and writes `RUN/stage1/model` (a complete
Hugging Face Llava folder) and `RUN/stage1/done.json`. Stage 2 then loads that folder whole, so the
connector it continues from is the one stage 1 just trained. A rerun of an unfinished stage resumes
from its last checkpoint; a finished stage is not retrained unless `restart` is given.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
from pathlib import Path
from typing import Any

import torch

from babyvlm.config import to_dict, write_config
from babyvlm.errors import ConfigError, InputError
from babyvlm.model.processor import build_processor, load_processor
from babyvlm.model.tokenizer import train_tokenizer
from babyvlm.train.builders import (
    build_lm_task,
    build_ssl_task,
    build_vlm_task,
    build_warmup_task,
    resolve_init,
    text_lines,
    use_fsdp,
)
from babyvlm.train.config import TrainConfig
from babyvlm.train.distributed import DistContext, init_distributed, shutdown
from babyvlm.train.engine import Engine
from babyvlm.train.held_out import check_held_out
from babyvlm.train.rundir import RunDir
from babyvlm.util.provenance import run_info

log = logging.getLogger("babyvlm")

# --- the run: model, data folders, tokenizer ---------------------------------------------------------

def reconcile(cfg: TrainConfig, rd: RunDir, *, model_overridden: bool) -> TrainConfig:
    """The run's model is fixed by its first stage; data folders given once are remembered."""
    info = rd.info()
    if info is None:
        return cfg
    if model_overridden and to_dict(cfg.model) != info["model"]:
        raise ConfigError(f"{rd.run_json}: this run's model was fixed by its first stage; start a new run dir "
                          "to train another model")
    from babyvlm.config import merge
    from babyvlm.model.config import ModelConfig

    model = merge(ModelConfig(), info["model"], prefix="model")
    changes: dict[str, Any] = {"model": model}
    for key in ("pretrain", "devcv"):
        if getattr(cfg, key) is None and info.get(key):
            changes[key] = Path(info[key])
    return dataclasses.replace(cfg, **changes)


def record_run(cfg: TrainConfig, rd: RunDir, ctx: DistContext, preset: str | None,
               held_out: dict[str, Any] | None = None) -> None:
    if not ctx.main:
        return
    info = rd.info() or {"model_preset": cfg.model_preset, "train_preset": preset, "model": to_dict(cfg.model),
                         "seed": cfg.seed}
    for key in ("pretrain", "devcv"):
        v = getattr(cfg, key)
        if v is not None:
            info[key] = str(Path(v).resolve())
    info["held_out_check"] = held_out if held_out is not None else held_out_record(cfg, rd)
    rd.write_info(info)


def held_out_record(cfg: TrainConfig, rd: RunDir) -> dict[str, Any] | None:
    """The check that the pretraining set holds none of the DevCV build's held-out sessions, once per
    pair of builds in a run (run.json keeps it); raises InputError on a leak (train/held_out.py)."""
    pair = [str(Path(p).resolve()) if p is not None else None for p in (cfg.pretrain, cfg.devcv)]
    kept = (rd.info() or {}).get("held_out_check")
    if kept is not None and kept.get("builds") == pair:
        return kept
    check = check_held_out(cfg.pretrain, cfg.devcv)
    return None if check is None else {**check, "builds": pair}


def ensure_processor(rd: RunDir, cfg: TrainConfig, ctx: DistContext, *, fallback: Path | None = None):
    """The run's processor; on first use the tokenizer is trained on the pretraining set's transcripts."""
    pdir = rd.processor_dir
    if not (pdir / "processor_config.json").exists():
        if ctx.main:
            if cfg.pretrain is not None:
                lines = text_lines(cfg.pretrain, "train")
                log.info("training the tokenizer on %d transcript lines of %s", len(lines), cfg.pretrain)
                tok = train_tokenizer(lines, vocab_size=cfg.model.text.vocab_size, max_length=cfg.model.text.max_length)
                proc = build_processor(tok, cfg.model)
            elif fallback is not None:
                proc = load_processor(fallback)
            else:
                raise InputError(f"{rd.root} has no tokenizer yet: give the pretraining set (--data DIR or "
                                 "--set pretrain=DIR); the tokenizer is trained on its transcripts")
            tmp = pdir.with_name(".processor.tmp")
            if tmp.exists():
                shutil.rmtree(tmp)
            proc.save_pretrained(tmp)
            tmp.rename(pdir)
        ctx.barrier()
    return load_processor(pdir)


# --- the stage ----------------------------------------------------------------------------------------

def prepare_stage(stage: str, rd: RunDir, cfg: TrainConfig, ctx: DistContext, *, preset: str | None = None,
                  held_out: dict[str, Any] | None = None):
    """Everything before the loop: sources, run record, resolved config, processor, task, trainable list."""
    scfg = cfg.stage(stage)
    sdir = rd.stage_dir(stage)
    sources = resolve_init(rd, stage, scfg.init)
    record_run(cfg, rd, ctx, preset, held_out)
    if ctx.main:
        sdir.mkdir(parents=True, exist_ok=True)
        write_config(cfg, sdir, section="train")
    vlm_src = next((p for k, p, _ in sources if k == "vlm"), None)
    processor = ensure_processor(rd, cfg, ctx, fallback=vlm_src)
    builder = {"lm": build_lm_task, "vision_ssl": build_ssl_task, "vision_sup": build_warmup_task,
               "vlm": build_vlm_task}[scfg.kind]
    task, origin, data_info = builder(stage, scfg, cfg, rd, ctx, processor, sources)
    from babyvlm.train.tasks import write_trainable

    if ctx.main:
        line = write_trainable(sdir / "trainable.txt", task.summary)
        log.info("stage %s: %s", stage, ", ".join(f"{k} from {v}" for k, v in origin.items()))
        log.info("stage %s: %s (list: %s)", stage, line, sdir / "trainable.txt")
        log.info("stage %s: %d steps of %d micro-batches x %d processes", stage, task.schedule.total_steps,
                 scfg.grad_accum, ctx.world)
    return task, origin, data_info


def run_stage(stage: str, run: str | Path, cfg: TrainConfig, *, preset: str | None = None, restart: bool = False,
              model_overridden: bool = False, out: Path | None = None) -> dict[str, Any]:
    """Train one stage of the run in RUN; returns its done.json record."""
    rd = RunDir(run)
    scfg = cfg.stage(stage)
    cfg = reconcile(cfg, rd, model_overridden=model_overridden)
    held_out = held_out_record(cfg, rd)  # every process, before any starts: a leak stops the run here
    ctx = init_distributed(cfg.device)
    try:
        torch.manual_seed(cfg.seed)
        sdir = rd.stage_dir(stage)
        done = rd.done(stage)
        if done is not None and not restart:
            if ctx.main:
                log.info("stage %s is already finished in %s (restart to train it again)", stage, rd.root)
            return done
        if restart and ctx.main:
            rd.clear_done(stage)
            for sub in ("checkpoints", "model"):
                shutil.rmtree(sdir / sub, ignore_errors=True)
            (sdir / "metrics.jsonl").unlink(missing_ok=True)
        ctx.barrier()
        task, origin, data_info = prepare_stage(stage, rd, cfg, ctx, preset=preset, held_out=held_out)
        if task.schedule.total_steps == 0:
            raise InputError(f"stage {stage}: the data give no full step (batch {scfg.batch_size} x accumulation "
                             f"{scfg.grad_accum} x {ctx.world} processes); lower batch_size or raise epochs")
        engine = Engine(task, scfg, cfg, sdir, ctx, desc=f"stage {stage}")
        result = engine.run()
        task.finish(ctx)
        record = {
            "stage": stage, "output": "model", "kind": scfg.kind, "init": origin, "data": data_info,
            "trainable": {k: v for k, v in task.summary["parts"].items()},
            "steps": result["steps"], "resumed_from": result["resumed_from"], "seconds": round(result["seconds"], 2),
            "final": result["final"], "eval": result["eval"], "best_val_loss": task.best,
            "peak_memory_mb": round(result["peak_memory_mb"], 1), "world_size": ctx.world,
            "strategy": ("fsdp" if use_fsdp(cfg, ctx, scfg.kind) else "ddp") if ctx.enabled else "single",
            **run_info(),
        }
        if ctx.main:
            rd.mark_done(stage, record)
            shutil.rmtree(sdir / "checkpoints", ignore_errors=True)  # finished: the output supersedes them
            if out is not None:
                if Path(out).exists():
                    shutil.rmtree(out)
                shutil.copytree(rd.model_dir(stage), out)
        ctx.barrier()
        return record
    finally:
        shutdown(ctx)
