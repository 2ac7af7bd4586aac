"""Training configuration: run-wide settings plus one section per stage.

Stages are data: each `StageConfig` says what kind of training it is, where its starting weights come
from (`init`: earlier stages of the same run, or model folders), which parts train, which data and
chat template it uses, and its learning rates. The defaults below are the paper's pipeline; presets
in `configs/train/<name>.yaml` set sizes, steps and learning rates, and `--set stage1.lr=...` changes
one value. The model itself comes from `configs/model/<model_preset>.yaml` (`--set model.text.layers=2`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from babyvlm.config import build_config, preset_path
from babyvlm.errors import ConfigError
from babyvlm.model.config import ModelConfig, load_model_config

STAGES = ("0a", "0b", "1", "2", "3v", "3")
# the paper's recipe (`--stage all`); 3v, the vision warm-up on the DevCV train split, is opt-in
PAPER_STAGES = ("0a", "0b", "1", "2", "3")
PARTS = ("vision", "connector", "language")


@dataclass
class DinoConfig:
    RANGES = {"out_dim": ">=1", "head_hidden": ">=1", "bottleneck": ">=1", "local_crops": ">=0",
              "global_scale": ">0,<=1", "local_scale": ">0,<=1", "local_size": ">=0", "student_temp": ">0",
              "teacher_temp": ">0", "teacher_momentum": "0..1", "center_momentum": "0..1"}

    out_dim: int = 4096  # prototypes of the DINO head
    head_hidden: int = 512
    bottleneck: int = 128
    local_crops: int = 4
    global_scale: tuple[float, float] = (0.4, 1.0)
    local_scale: tuple[float, float] = (0.08, 0.4)
    local_size: int = 0  # 0: 3/7 of the image size, rounded to whole patches
    student_temp: float = 0.1
    teacher_temp: float = 0.04
    teacher_momentum: float = 0.996  # EMA, raised to 1 along a cosine
    center_momentum: float = 0.9


@dataclass
class ContrastiveConfig:
    RANGES = {"embed_dim": ">=1", "temperature": ">0"}

    embed_dim: int = 128
    temperature: float = 0.07  # initial; learned
    text_from: Literal["stage0a", "scratch"] = "stage0a"  # token embeddings for the bag-of-words text tower


@dataclass
class StageConfig:
    RANGES = {"lr": ">=0", "lr_vision": ">=0", "lr_connector": ">=0", "lr_language": ">=0",
              "weight_decay": ">=0", "betas": ">=0,<1", "warmup_ratio": "0..1", "min_lr_ratio": "0..1",
              "clip_grad": ">=0", "max_steps": ">=0", "epochs": ">0", "batch_size": ">=1",
              "grad_accum": ">=1", "max_length": ">=0", "max_samples": ">=0", "val_samples": ">=0",
              "eval_every": ">=0", "save_every": ">=0", "log_every": ">=1", "halt_after": ">=0"}

    kind: Literal["lm", "vision_ssl", "vision_sup", "vlm"] = "vlm"
    init: list[str] = field(default_factory=list)  # earlier stages ("0a", "1", ...) or model folders
    trainable: list[str] = field(default_factory=list)  # parts: vision, connector, language
    data: Literal["text", "frames", "pretrain", "devcv"] = "pretrain"
    formats: list[str] = field(default_factory=lambda: ["single_image"])  # pretraining-set files
    tasks: list[str] = field(default_factory=list)  # DevCV task folders (empty: every one present)
    template: str = "baby_v1"
    ssl: Literal["dino", "contrastive"] = "dino"
    # optimisation
    lr: float = 1e-4
    lr_vision: float | None = None  # None: `lr`
    lr_connector: float | None = None
    lr_language: float | None = None
    weight_decay: float = 0.0
    betas: tuple[float, float] = (0.9, 0.95)
    warmup_ratio: float = 0.03
    min_lr_ratio: float = 0.0  # the cosine ends at lr * min_lr_ratio
    clip_grad: float = 1.0  # 0: no clipping
    max_steps: int = 0  # 0: `epochs` decide
    epochs: float = 1.0
    batch_size: int = 8  # per process and micro-batch: rows (packing) or samples (padding)
    grad_accum: int = 1
    max_length: int = 0  # tokens per row; 0: the model's context
    packing: bool = True  # several samples per row, attention kept within each sample
    group_by_length: bool = True  # without packing: batches of similar length
    max_samples: int = 0  # 0: all (a seeded subset otherwise)
    val_samples: int = 256  # validation cap (0: no validation)
    eval_every: int = 0  # steps; 0: only at the end
    save_every: int = 0  # checkpoint for resume every N steps; 0: every 10% of the run
    log_every: int = 1
    keep_best: bool = False  # output the checkpoint with the best validation loss
    grad_checkpointing: bool = False
    halt_after: int = 0  # testing aid: stop after this step as if killed (no final save)
    dino: DinoConfig = field(default_factory=DinoConfig)
    contrastive: ContrastiveConfig = field(default_factory=ContrastiveConfig)

    def part_lr(self, part: str) -> float:
        v = {"vision": self.lr_vision, "connector": self.lr_connector, "language": self.lr_language}[part]
        return self.lr if v is None else v


def _stage(**kw) -> StageConfig:
    return StageConfig(**kw)


@dataclass
class TrainConfig:
    RANGES = {"seed": "any", "num_workers": ">=0", "keep_checkpoints": ">=1"}

    model_preset: str = "tiny"
    model: ModelConfig = field(default_factory=ModelConfig)
    seed: int = 0
    pretrain: Path | None = None  # the pretraining set (stages 0a, 0b, 1, 2)
    devcv: Path | None = None  # the DevCV Toolbox folder (stage 3: its train/ split)
    device: str = "auto"  # auto | cpu | cuda
    precision: Literal["auto", "fp32", "bf16"] = "auto"  # auto: bf16 autocast on GPUs that support it
    strategy: Literal["auto", "ddp", "fsdp"] = "auto"  # under torchrun; auto: DDP
    num_workers: int = 0  # data-loading processes per training process
    tensorboard: bool = True
    keep_checkpoints: int = 1
    stage0a: StageConfig = field(default_factory=lambda: _stage(
        kind="lm", trainable=["language"], data="text", template="", lr=1e-3, keep_best=True, eval_every=50))
    stage0b: StageConfig = field(default_factory=lambda: _stage(
        kind="vision_ssl", trainable=["vision"], data="frames", template="", lr=5e-4, ssl="dino", weight_decay=0.04))
    stage1: StageConfig = field(default_factory=lambda: _stage(
        kind="vlm", init=["0a", "0b"], trainable=["connector"], formats=["single_image"], template="baby_plain",
        lr=1e-3))
    stage2: StageConfig = field(default_factory=lambda: _stage(
        kind="vlm", init=["1"], trainable=["connector", "language"], formats=["mix_format"], template="baby_plain",
        lr=2e-5))
    stage3v: StageConfig = field(default_factory=lambda: _stage(
        kind="vision_sup", init=["2"], trainable=["vision"], data="devcv", formats=[], template="", lr=1e-3,
        batch_size=16, epochs=5, weight_decay=0.05, warmup_ratio=0.1))
    stage3: StageConfig = field(default_factory=lambda: _stage(
        kind="vlm", init=["2"], trainable=["vision", "connector", "language"], data="devcv", formats=[],
        template="baby_v1", lr=5e-5, lr_vision=1e-5))

    def stage(self, name: str) -> StageConfig:
        if name not in STAGES:
            raise ConfigError(f"unknown stage {name!r} (stages: {', '.join(STAGES)})")
        return getattr(self, f"stage{name}")


def _train_preset(preset: str | None) -> str | None:
    if preset is None or "/" in str(preset) or str(preset).endswith((".yaml", ".yml")):
        return preset
    return f"train/{preset}"


def load_train_config(preset: str | None = "tiny", overrides: list[str] | tuple[str, ...] = (),
                      values: dict | None = None) -> TrainConfig:
    """Train preset <- model preset it names <- values <- `--set` overrides (model keys as `model.x.y`)."""
    preset = _train_preset(preset)
    first = build_config(TrainConfig, section="train", preset=preset, overrides=overrides, values=values)
    if preset is not None:
        data = yaml.safe_load(preset_path(preset).read_text(encoding="utf-8")) or {}
        data = data.get("train", data)
        if "model" in data:
            raise ConfigError(f"{preset}: a train preset names its model with model_preset, not model:")
    model = load_model_config(first.model_preset)
    from babyvlm.config import to_dict

    vals = {"model": to_dict(model), **(values or {})}
    cfg = build_config(TrainConfig, section="train", preset=preset, overrides=overrides, values=vals)
    cfg.model.check()
    for s in STAGES:
        st = cfg.stage(s)
        bad = [p for p in st.trainable if p not in PARTS]
        if bad:
            raise ConfigError(f"stage{s}.trainable: unknown part {bad[0]!r} (parts: {', '.join(PARTS)})")
        if st.grad_accum < 1 or st.batch_size < 1:
            raise ConfigError(f"stage{s}: batch_size and grad_accum must be at least 1")
    return cfg
