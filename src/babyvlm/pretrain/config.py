"""Settings of `babyvlm pretrain build` (section `pretrain`; presets in configs/pretrain/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from babyvlm.corpus import CorpusOptions
from babyvlm.errors import ConfigError
from babyvlm.formats.splits import DEFAULT_FRACTIONS


@dataclass
class SegmentConfig:
    """Clips cut at utterance boundaries, one per utterance."""

    RANGES = {"min_duration": ">=0", "max_duration": ">0", "min_words": ">=0"}

    min_duration: float = 0.5  # seconds; shorter utterances give no clip
    max_duration: float = 10.0  # longer ones too (usually a transcription artefact)
    min_words: int = 1
    drop_speakers: list[str] = field(default_factory=list)  # e.g. [C]: leave out the key child's own speech


@dataclass
class FramesConfig:
    RANGES = {"fps": ">0", "max_video_frames": ">=1", "size": ">=16", "jpeg_quality": "1..100"}

    fps: float = 1.0  # frames per second inside each clip (middle of each window; >= 1 per clip)
    max_video_frames: int = 8  # a longer clip's video sample takes this many, evenly spread
    size: int | None = None  # shorter side of written frames in pixels (None: the video's own size)
    jpeg_quality: int = 90


@dataclass
class FilterConfig:
    """One filter step. `threshold` mode keeps scores >= the scorer's threshold (`thresholds[kind]`, else
    the scorer's default); `keep_fraction` keeps the best `keep_fraction` of all candidates (a threshold
    chosen over the whole set); `off` keeps everything."""

    RANGES = {"thresholds": "any", "keep_fraction": ">0,<=1"}

    mode: Literal["threshold", "keep_fraction", "off"] = "threshold"
    thresholds: dict[str, float] = field(default_factory=dict)  # per scorer kind: baby, oracle, clip
    keep_fraction: float = 0.5


@dataclass
class ScorerSpec:
    RANGES = {"batch_size": ">=1"}

    name: str = "baby"  # baby | oracle | clip:PATH | none
    model: str | None = None  # baby: a `babyvlm scorer train` folder (default: train one into OUT/scorer)
    aggregate: Literal["mean", "max"] = "mean"  # clip score from its frames' scores
    batch_size: int = 64
    train_preset: str = "scorer/baby"  # preset used when the baby scorer is trained on the fly


@dataclass
class InterleaveConfig:
    RANGES = {"min_segments": ">=1", "max_segments": ">=1", "stride": ">=1", "max_gap": ">=0"}

    min_segments: int = 4
    max_segments: int = 8
    stride: int = 4  # kept segments between window starts
    max_gap: float = 30.0  # seconds; a longer silence between two kept segments ends a window


@dataclass
class SplitConfig:
    """Default: the corpus's splits.json (`babyvlm.formats.splits`, shared with DevCV and V1): train =
    its train sessions, val = its val sessions, its test sessions held out of the set. `shared`: the
    paper's shared use of the corpus, every session in the set with a split of its own."""

    RANGES = {"train": "0..1", "val": "0..1", "test": "0..1", "val_fraction": ">=0,<1"}

    shared: bool = False
    file: str | None = None  # the corpus's splits file, where not CORPUS/splits.json (a read-only corpus)
    # fractions of the corpus's split, used only when this build is the first to write it
    train: float = DEFAULT_FRACTIONS["train"]
    val: float = DEFAULT_FRACTIONS["val"]
    test: float = DEFAULT_FRACTIONS["test"]
    val_fraction: float = 0.1  # shared only: of sessions (at least one when there are two or more)


@dataclass
class WriteConfig:
    RANGES = {"shard_max_samples": ">=1"}

    shards: bool = True
    shard_max_samples: int = 2000
    prune_frames: bool = True  # delete frames no sample uses (left by keep-fraction candidates or older runs)


@dataclass
class TruthConfig:
    RANGES = {"min_visible": "0..1"}

    min_visible: float = 0.25  # a referent counts as visible in a frame from this visible fraction on


@dataclass
class PretrainConfig:
    RANGES = {"seed": "any", "workers": ">=1"}

    segment: SegmentConfig = field(default_factory=SegmentConfig)
    frames: FramesConfig = field(default_factory=FramesConfig)
    scorer: ScorerSpec = field(default_factory=ScorerSpec)
    video_filter: FilterConfig = field(default_factory=FilterConfig)
    image_filter: FilterConfig = field(default_factory=FilterConfig)
    interleave: InterleaveConfig = field(default_factory=InterleaveConfig)
    split: SplitConfig = field(default_factory=SplitConfig)
    write: WriteConfig = field(default_factory=WriteConfig)
    truth: TruthConfig = field(default_factory=TruthConfig)
    corpus: CorpusOptions = field(default_factory=CorpusOptions)
    seed: int = 0
    workers: int = 1

    def check(self) -> PretrainConfig:
        """One-line ConfigError for settings that cannot work together (single values: RANGES)."""
        if self.segment.min_duration >= self.segment.max_duration:
            raise ConfigError(f"pretrain.segment.min_duration ({self.segment.min_duration}) must be below "
                              f"max_duration ({self.segment.max_duration})")
        if self.interleave.min_segments > self.interleave.max_segments:
            raise ConfigError(f"pretrain.interleave.min_segments ({self.interleave.min_segments}) must be at most "
                              f"max_segments ({self.interleave.max_segments})")
        if not self.split.shared and self.split.train + self.split.val + self.split.test <= 0:
            raise ConfigError("pretrain.split: train + val + test fractions must be above 0")
        return self
