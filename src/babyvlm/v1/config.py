"""Settings of `babyvlm v1 transform` (section `transform`) and `babyvlm v1 build` (section `build`).

Presets live in configs/v1/ (`transform.yaml`, `build.yaml`); `--set key=value` overrides one value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from babyvlm.errors import ConfigError

# CDI (Words & Sentences) categories whose words count as content words for the filter: by default
# the nouns of an infant's world (animals, toys, food, people, places, ...). Action and descriptive
# words are CDI content words too, but "look", "go" or "big" fit any caption ("look at the revenue
# chart"), so they do not make one about the infant's world; add them with
# --set vocab.content_categories=[...] for a looser filter.
NOUN_CATEGORIES = ["animals", "vehicles", "toys", "food_drink", "clothing", "body_parts", "household",
                   "furniture_rooms", "outside", "places", "people"]
CONTENT_CATEGORIES = [*NOUN_CATEGORIES, "action_words", "descriptive_words"]

@dataclass
class RewriteConfig:
    RANGES = {"max_words": ">=2", "max_tokens": ">=1", "concurrency": ">=1", "timeout": ">0",
              "max_retries": ">=0"}

    mode: Literal["rules", "llm", "none"] = "rules"  # none: keep the caption (lower-cased) as the utterance
    max_words: int = 8  # rules: utterances are at most this long
    # llm: any OpenAI-compatible chat API through the evaluation harness's client
    model: str = ""  # e.g. gpt-4o (or the name a local server serves)
    api_base: str = ""  # else $OPENAI_BASE_URL
    instruction: str = (
        "Rewrite the image caption below as one short, simple sentence that a parent would say to a "
        "two-year-old child while looking at the picture together. Use only words a toddler knows, "
        "keep it under ten words, and answer with the sentence only.\n\nCaption: {caption}"
    )
    max_tokens: int = 32
    concurrency: int = 4
    timeout: float = 60.0
    max_retries: int = 5


@dataclass
class VocabConfig:
    form: Literal["WS", "WG"] = "WS"  # CDI form whose words are the infant's vocabulary
    content_categories: list[str] = field(default_factory=lambda: list(NOUN_CATEGORIES))


@dataclass
class EmbedConfig:
    RANGES = {"size": ">=8", "batch_size": ">=1"}

    # colorhog: a fixed colour-histogram + gradient-orientation descriptor (no weights); baby: the image
    # tower of a `babyvlm scorer train` model (mean of its patch embeddings)
    name: Literal["colorhog", "baby"] = "colorhog"
    model: str = ""  # baby: the scorer folder
    size: int = 64  # colorhog: images are resized to size x size first
    batch_size: int = 64


@dataclass
class MatchConfig:
    RANGES = {"size": ">=0", "max_cells": ">=1"}

    size: int = 0  # subset size; 0: the number of image-utterance pairs of the infant set
    max_cells: int = 20_000_000  # largest similarity matrix solved at once (infant x candidates)


@dataclass
class OutputConfig:
    RANGES = {"image_size": ">=0", "jpeg_quality": "1..100"}

    image_size: int = 0  # shorter side of written images; 0: copy JPEGs as they are
    jpeg_quality: int = 90
    write_all: bool = False  # also write every kept pair as the set `all/`
    mix: bool = True  # with a pretraining set as --infant: also write `mixed/` (infant set + matched pairs)


@dataclass
class TransformConfig:
    RANGES = {"seed": "any"}

    seed: int = 0
    rewrite: RewriteConfig = field(default_factory=RewriteConfig)
    vocab: VocabConfig = field(default_factory=VocabConfig)
    embed: EmbedConfig = field(default_factory=EmbedConfig)
    match: MatchConfig = field(default_factory=MatchConfig)
    output: OutputConfig = field(default_factory=OutputConfig)

    def check(self) -> TransformConfig:
        """One-line ConfigError for a setting that cannot work."""
        if self.rewrite.max_words < 2:
            raise ConfigError(f"rewrite.max_words must be at least 2, got {self.rewrite.max_words}")
        if self.match.size < 0 or self.match.max_cells < 1:
            raise ConfigError("match.size must be >= 0 and match.max_cells >= 1")
        if self.embed.size < 8:
            raise ConfigError(f"embed.size must be at least 8 pixels, got {self.embed.size}")
        if not self.vocab.content_categories:
            raise ConfigError("vocab.content_categories is empty: no pair could pass the filter")
        return self


@dataclass
class FrameSelectConfig:
    RANGES = {"rate": ">0", "min_visible": "0..1", "min_area": "0..1", "absent_visible": "0..1",
              "dominance": ">=1", "min_gap": ">=0"}

    rate: float = 1.0  # annotated frames considered per second of video
    min_visible: float = 0.5  # an object counts as shown from this visible fraction on
    min_area: float = 0.03  # ... and this share of the frame's area (its visible box)
    absent_visible: float = 0.0  # a category is absent from a frame when no instance is above this
    dominance: float = 1.5  # the target's box is at least this many times the next object's
    min_gap: float = 3.0  # seconds between two frames used for the same category in one session


@dataclass
class LabeledSConfig:
    RANGES = {"trials_per_category": ">=0", "min_exemplars": ">=1", "foils": ">=1"}

    trials_per_category: int = 100
    min_exemplars: int = 2  # categories with fewer exemplar frames are left out
    foils: int = 3


@dataclass
class TwoWordConfig:
    RANGES = {"items": ">=0", "winoground_items": ">=0", "foil_mix": ">=0"}

    items: int = 1000  # VTWT rows at most
    winoground_items: int = 500
    # the share of foils differing in the first word (colour), the second (noun) or both; the
    # official VTWT has 52% / 9% / 40%
    foil_mix: dict[str, float] = field(default_factory=lambda: {"first": 0.5, "second": 0.1, "both": 0.4})
    exclude: list[str] = field(default_factory=lambda: ["hand"])  # categories never used in phrases


@dataclass
class CaptionConfig:
    RANGES = {"items": ">=0", "val_fraction": ">=0,<1", "split_seed": "any", "min_words": ">=0"}

    items: int = 300
    # split: shared only (with the corpus's split every V1 item comes from its test sessions):
    sessions: Literal["val", "all"] = "val"  # val: the sessions the shared pretraining set holds out
    val_fraction: float = 0.1  # must match the pretraining build's split.val_fraction
    split_seed: int | None = None  # the pretraining build's seed (None: --seed)
    min_words: int = 2
    require_visible: bool = True  # only utterances naming something in view
    unique_texts: bool = True  # one item per distinct utterance text (caregivers repeat themselves)


@dataclass
class BuildConfig:
    RANGES = {"seed": "any", "jpeg_quality": "1..100", "image_size": ">=0"}

    seed: int = 0
    tasks: list[str] = field(default_factory=lambda: ["labeled_s", "vtwt", "baby_winoground", "saycam_caption"])
    # corpus: items only from the test sessions of the corpus's splits.json (shared with the pretraining
    # set and DevCV; written on first use); shared: every session, as the paper's shared use of the corpus
    split: Literal["corpus", "shared"] = "corpus"
    splits_file: str | None = None  # the corpus's splits file, where not CORPUS/splits.json
    frames: FrameSelectConfig = field(default_factory=FrameSelectConfig)
    labeled_s: LabeledSConfig = field(default_factory=LabeledSConfig)
    two_word: TwoWordConfig = field(default_factory=TwoWordConfig)
    caption: CaptionConfig = field(default_factory=CaptionConfig)
    jpeg_quality: int = 90
    image_size: int = 0  # shorter side of written frames; 0: the video's own size

    def check(self) -> BuildConfig:
        """One-line ConfigError for a setting that cannot work."""
        f = self.frames
        if f.rate <= 0:
            raise ConfigError(f"frames.rate must be positive, got {f.rate}")
        for name in ("min_visible", "min_area", "absent_visible"):
            if not 0 <= getattr(f, name) <= 1:
                raise ConfigError(f"frames.{name} must be in [0, 1], got {getattr(f, name)}")
        if self.labeled_s.foils < 1 or self.labeled_s.trials_per_category < 0:
            raise ConfigError("labeled_s.foils must be >= 1 and labeled_s.trials_per_category >= 0")
        mix = self.two_word.foil_mix
        if set(mix) - {"first", "second", "both"} or any(v < 0 for v in mix.values()) or sum(mix.values()) <= 0:
            raise ConfigError(f"two_word.foil_mix needs non-negative weights for first/second/both, got {mix}")
        if not 0 <= self.caption.val_fraction < 1:
            raise ConfigError(f"caption.val_fraction must be in [0, 1), got {self.caption.val_fraction}")
        if not 1 <= self.jpeg_quality <= 100:
            raise ConfigError(f"jpeg_quality must be in [1, 100], got {self.jpeg_quality}")
        return self
