"""The evaluation's typed config (section `eval`; presets in configs/eval/), and its checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from babyvlm.errors import InputError


@dataclass
class HFConfig:
    device: str = "auto"  # auto | cpu | cuda | cuda:N | mps
    dtype: str = "auto"  # auto (bf16 on CUDA, else fp32) | float32 | bfloat16 | float16
    image_cache: int = 512  # preprocessed images kept in memory (0: the processor on every image every call)
    prefix_cache: bool = True  # memory: keep the key-value cache from round to round (false: re-run every round)
    inline_images: bool = False  # keep images at their <image> places where the chat template would move them


@dataclass
class APIConfig:
    base_url: str = ""  # else $OPENAI_BASE_URL, else https://api.openai.com/v1 (the key is never in the config)
    concurrency: int = 4
    timeout: float = 60.0
    max_retries: int = 5
    backoff: float = 1.0
    cache_dir: str = ""  # response cache; default <out>/cache/api
    max_images: int = 32  # images per request; the earliest beyond it are replaced by a note (0: no cap)
    max_image_side: int = 512  # images larger on their longer side are sent downscaled (0: as they are)


@dataclass
class EvalConfig:
    tasks: str = "devcv"  # all | devcv | v1 | leaderboard | comma-separated names, aliases, leaderboard ids
    split: str = "test"  # used when --data holds split folders (DIR/<split>/<task>) or <task>_<split>.json files
    limit: int | None = None  # first N items per task (None: all; must be >= 1)
    batch_size: int = 16
    seed: int = 0
    parser: str = "default"  # default | official
    baselines: list[str] = field(default_factory=lambda: ["random", "blind", "pixel"])
    bootstrap: int = 1000  # resamples for the 95% intervals (0: none)
    max_new_tokens: int = 0  # 0: each task's own (APIs: the task's api_max_tokens)
    strict: bool = False  # a bad item stops the run (default: it goes to rejects.jsonl and the run goes on)
    skip_bad: bool = True  # kept for old configs: skipping is the default now (see strict)
    check_images: bool = True  # decode every image once at load (a corrupt one is a reject, not a crash)
    allow_outside_images: bool = False  # accept image paths outside the data folder (absolute, ../)
    plot: bool = True
    prompts: dict[str, str] = field(default_factory=dict)  # task -> text added to its user turns
    system_prompts: str = "none"  # none | official (the paper's API-baseline system prompt per task)
    system: dict[str, str] = field(default_factory=dict)  # task -> system prompt (wins over system_prompts)
    aliases: dict[str, str] = field(default_factory=dict)  # folder / file name -> task, added to the alias table
    image_ablation: bool = False  # also run the model with every image blanked (adapters/ablation.py)
    fit_split: str = ""  # also score the model on this split's first fit_limit items per task (e.g. train)
    fit_limit: int = 100  # 0: every item of the fit split
    hf: HFConfig = field(default_factory=HFConfig)
    api: APIConfig = field(default_factory=APIConfig)


def check_config(cfg: EvalConfig) -> None:
    """One-line reasons for values that would make the counts wrong or the run meaningless."""
    if cfg.limit is not None and cfg.limit < 1:
        raise InputError(f"limit {cfg.limit}: must be at least 1 (leave it out for all items)")
    if cfg.fit_limit < 0:
        raise InputError(f"fit_limit {cfg.fit_limit}: must be 0 (every item of the fit split) or more")
    if cfg.bootstrap < 0:
        raise InputError(f"bootstrap {cfg.bootstrap}: must be 0 (no intervals) or more resamples")
    if cfg.batch_size < 1:
        raise InputError(f"batch_size {cfg.batch_size}: must be at least 1")
    if cfg.max_new_tokens < 0:
        raise InputError(f"max_new_tokens {cfg.max_new_tokens}: must be 0 (each task's own) or more")
    if cfg.parser not in ("default", "official"):
        raise InputError(f"parser {cfg.parser!r}: expected default or official")
    if cfg.system_prompts not in ("none", "official"):
        raise InputError(f"prompts {cfg.system_prompts!r}: expected none or official")
    if cfg.hf.image_cache < 0:
        raise InputError(f"hf.image_cache {cfg.hf.image_cache}: must be 0 or more")
    for key in ("concurrency", "max_retries", "max_images", "max_image_side"):
        v = getattr(cfg.api, key)
        if v < (1 if key == "concurrency" else 0):
            raise InputError(f"api.{key} {v}: must be {'at least 1' if key == 'concurrency' else '0 or more'}")
    if cfg.api.timeout <= 0:
        raise InputError(f"api.timeout {cfg.api.timeout}: must be positive")
