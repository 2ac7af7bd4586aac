"""Settings of the baby scorer (section `scorer`; presets in configs/scorer/)."""

from __future__ import annotations

from dataclasses import dataclass, field

from babyvlm.corpus import CorpusOptions


@dataclass
class BabyModelConfig:
    RANGES = {"image_size": ">=8", "crop_pad": ">=0", "dim": ">=1", "channels": ">=1", "strides": ">=1",
              "max_words": ">=1"}

    image_size: int = 64  # frames are squashed to a square of this side
    crop_pad: int = 8  # frames are cached at image_size + crop_pad; training crops at random, scoring at the centre
    dim: int = 64
    channels: list[int] = field(default_factory=lambda: [32, 64, 128])
    strides: list[int] = field(default_factory=lambda: [4, 2, 2])
    max_words: int = 16


@dataclass
class BabyTrainConfig:
    RANGES = {"steps": ">=1", "batch_size": ">=2", "lr": ">0", "weight_decay": ">=0", "warmup_steps": ">=0",
              "frames_per_second": ">0", "max_frames": ">=1", "min_count": ">=1", "max_vocab": ">=1",
              "ema": ">=0,<1", "batch_sessions": ">=0", "folds": ">=1", "bank_size": ">=1",
              "threads": ">=0"}

    steps: int = 1500
    batch_size: int = 128
    lr: float = 3e-3
    weight_decay: float = 1e-4
    warmup_steps: int = 20
    frames_per_second: float = 2.0  # frames cached per second of each utterance (a random one per visit)
    max_frames: int = 60000  # cap on cached frames (utterances are subsampled evenly beyond it)
    min_count: int = 2  # words seen fewer times are unknown
    max_vocab: int = 4000
    ema: float = 0.0  # > 0: score with an exponential moving average of the weights (e.g. 0.995)
    batch_sessions: int = 0  # > 0: each batch holds the utterances of this many whole sessions
    folds: int = 1  # > 1: cross-fitting, one model per fold, each scoring the utterances it did not train on
    bank_size: int = 256  # frames whose mean similarity calibrates each utterance's scores
    threads: int = 0  # torch threads (0: all cores)
    drop_speakers: list[str] = field(default_factory=list)


@dataclass
class ScorerTrainConfig:
    RANGES = {"seed": "any", "workers": ">=1"}

    model: BabyModelConfig = field(default_factory=BabyModelConfig)
    train: BabyTrainConfig = field(default_factory=BabyTrainConfig)
    corpus: CorpusOptions = field(default_factory=CorpusOptions)
    seed: int = 0
    workers: int = 1  # processes decoding sessions into the frame cache
