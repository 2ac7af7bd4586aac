"""Fixtures for training tests: a toy pretraining set and DevCV folder, a micro model, one trained run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Passive OpenMP waiting (as `babyvlm train` sets): effective when torch has not been imported yet.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

# A model far smaller than the tiny preset: every stage runs in a second or two.
MICRO = [
    "model.vision.image_size=32", "model.vision.patch_size=8", "model.vision.hidden_size=32",
    "model.vision.layers=2", "model.vision.heads=2", "model.vision.intermediate_size=64",
    "model.text.hidden_size=64", "model.text.layers=2", "model.text.heads=4", "model.text.kv_heads=2",
    "model.text.intermediate_size=128", "model.text.vocab_size=400",
]
FAST_STAGES = [
    "stage0a.max_steps=3", "stage0a.eval_every=2", "stage0b.max_steps=2", "stage0b.dino.out_dim=64",
    "stage0b.dino.head_hidden=32", "stage0b.dino.bottleneck=16", "stage1.max_steps=2", "stage2.max_steps=2",
    "stage3.max_steps=2", "tensorboard=false",
]


@pytest.fixture(scope="session")
def toy_pretrain(tmp_path_factory) -> Path:
    from babyvlm.train.toyset import write_pretrain_set

    return write_pretrain_set(tmp_path_factory.mktemp("toy") / "pretrain", n_train=32, n_val=8)


@pytest.fixture(scope="session")
def toy_devcv(tmp_path_factory) -> Path:
    from babyvlm.train.toyset import write_devcv

    return write_devcv(tmp_path_factory.mktemp("toy") / "devcv", n=12)


@pytest.fixture(scope="session")
def micro_overrides() -> list[str]:
    return [*MICRO, *FAST_STAGES]


@pytest.fixture(scope="session")
def micro_cfg():
    """`micro_cfg(*extra_overrides, **values)` -> TrainConfig for the micro model."""
    from babyvlm.train.config import load_train_config

    def make(*extra: str, **values):
        return load_train_config("tiny", overrides=[*MICRO, *FAST_STAGES, *extra], values=values or None)

    return make


@pytest.fixture(scope="session")
def trained_run(tmp_path_factory, toy_pretrain, toy_devcv, micro_cfg) -> Path:
    """One run through all five stages (shared by the tests that inspect a finished run)."""
    from babyvlm.train.stages import run_stage

    run = tmp_path_factory.mktemp("runs") / "run"
    cfg = micro_cfg(pretrain=toy_pretrain, devcv=toy_devcv)
    for s in ("0a", "0b", "1", "2", "3"):
        run_stage(s, run, cfg, preset="tiny", model_overridden=True)
    return run
