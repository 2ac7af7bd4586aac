"""The evaluation's typed config (section `eval`; presets in configs/eval/)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class HFConfig:
    device: str = "auto"  # auto | cpu | cuda | cuda:N | mps
    dtype: str = "auto"  # auto (bf16 on CUDA, else fp32) | float32 | bfloat16 | float16
    image_cache: int = 512  # preprocessed images kept in memory (0: the processor on every image every call)


@dataclass
class APIConfig:
    base_url: str = ""  # else $OPENAI_BASE_URL, else https://api.openai.com/v1 (the key is never in the config)
    concurrency: int = 4
    timeout: float = 60.0
    max_retries: int = 5
    backoff: float = 1.0
    cache_dir: str = ""  # response cache; default <out>/cache/api


@dataclass
class EvalConfig:
    tasks: str = "devcv"  # all | devcv | v1 | comma-separated names
    split: str = "test"  # used when --data holds split folders (DIR/<split>/<task>)
    limit: int = 0  # first N items per task (0: all)
    batch_size: int = 16
    seed: int = 0
    parser: str = "default"  # default | official
    baselines: list[str] = field(default_factory=lambda: ["random", "blind", "pixel"])
    bootstrap: int = 1000  # resamples for the 95% intervals (0: none)
    max_new_tokens: int = 0  # 0: each task's own
    skip_bad: bool = False  # skip (and report) bad items instead of stopping
    plot: bool = True
    prompts: dict[str, str] = field(default_factory=dict)  # task -> text after the image (likelihood/caption tasks)
    hf: HFConfig = field(default_factory=HFConfig)
    api: APIConfig = field(default_factory=APIConfig)
