"""Settings of `babyvlm devcv build` (section `devcv`; presets in configs/devcv/)."""

from __future__ import annotations

from dataclasses import dataclass, field

from babyvlm.formats.splits import DEFAULT_FRACTIONS
from babyvlm.formats.splits import SPLITS as SPLITS  # re-exported: the builder's modules import it from here
from babyvlm.tasks.devcv import DEVCV_TASKS

# The tasks in build order, by their CLI (Task.name) names: every task class that names a builder.
ALL_TASKS = tuple(name for name, cls in DEVCV_TASKS.items() if cls.builder)


@dataclass
class SplitSizes:
    """Items per task in each split."""

    RANGES = {"train": ">=0", "val": ">=0", "test": ">=0"}

    train: int = 300
    val: int = 50
    test: int = 150


@dataclass
class SizeOverride:
    """One task's sizes where they differ from `items` (None: as `items`)."""

    RANGES = {"train": ">=0", "val": ">=0", "test": ">=0"}

    train: int | None = None
    val: int | None = None
    test: int | None = None


@dataclass
class TaskSizes:
    picture_vocabulary: SizeOverride = field(default_factory=SizeOverride)
    looking_while_listening: SizeOverride = field(default_factory=SizeOverride)
    localize: SizeOverride = field(default_factory=SizeOverride)
    leftright: SizeOverride = field(default_factory=SizeOverride)
    spatialdetails: SizeOverride = field(default_factory=SizeOverride)
    vdr_binary: SizeOverride = field(default_factory=SizeOverride)
    vdr_open: SizeOverride = field(default_factory=SizeOverride)
    compare_real: SizeOverride = field(default_factory=SizeOverride)
    compare_synthetic: SizeOverride = field(default_factory=SizeOverride)
    count: SizeOverride = field(default_factory=SizeOverride)
    memory: SizeOverride = field(default_factory=SizeOverride)
    subitizing: SizeOverride = field(default_factory=SizeOverride)


@dataclass
class SplitConfig:
    """The corpus's split (`babyvlm.formats.splits`): sessions go whole to one split, each child's
    sessions shared out by these fractions when this build is the first to write CORPUS/splits.json;
    an existing file wins."""

    RANGES = {"train": "0..1", "val": "0..1", "test": "0..1"}

    train: float = DEFAULT_FRACTIONS["train"]
    val: float = DEFAULT_FRACTIONS["val"]
    test: float = DEFAULT_FRACTIONS["test"]
    file: str | None = None  # the splits file, where not CORPUS/splits.json (a read-only corpus)

    def fractions(self) -> dict[str, float]:
        return {s: getattr(self, s) for s in SPLITS}


@dataclass
class ObjectConfig:
    """Which annotated boxes are usable objects."""

    RANGES = {"min_visible": "0..1", "min_side": ">=1", "border": ">=0", "min_score": "0..1",
              "count_ambiguous": "0..1"}

    min_visible: float = 0.8  # fraction of the instance in view and unoccluded
    min_side: int = 16  # pixels: smaller boxes are too small to show
    border: int = 1  # pixels: a box touching the frame edge is cut off
    min_score: float = 0.5  # detections below this confidence are ignored
    count_ambiguous: float = 0.6  # a frame is not countable for a label when an instance is between 0 and this visible


@dataclass
class VocabConfig:
    """Mapping detector / world labels onto the CDI vocabulary."""

    form: str = "WS"
    categories: list[str] = field(default_factory=lambda: [
        "animals", "vehicles", "toys", "food_drink", "clothing", "body_parts", "household", "furniture_rooms",
        "outside",
    ])  # the CDI's object nouns (not people, places, actions, ...)
    synonyms: dict[str, str] = field(default_factory=dict)  # extra label -> CDI word, on top of the built-in table


@dataclass
class ImageConfig:
    RANGES = {"jpeg_quality": "1..100", "crop_side": ">=16", "crop_margin": ">=0", "canvas": ">=32"}

    jpeg_quality: int = 90
    crop_side: int = 224  # longer side of object crops at most (picture vocabulary, memory, left/right, ...)
    crop_margin: float = 0.15  # context around a box, as a fraction of its size on each side
    canvas: tuple[int, int] = (320, 240)  # synthetic numeracy stimuli (width, height)


@dataclass
class DistractorConfig:
    """Picture vocabulary / looking while listening foils: neither too similar nor unrelated."""

    RANGES = {"semantic_band": "-1..1", "phonological_min": "0..1", "same_category": ">=0"}

    semantic_band: tuple[float, float] = (0.2, 0.62)  # cosine similarity of word embeddings
    phonological_min: float = 0.5  # normalised phoneme edit distance: below this the words sound alike
    same_category: int = 1  # foils from the target's CDI category (the rest from other categories)


@dataclass
class NumeracyConfig:
    RANGES = {"max_compare": ">=2", "count_range": ">=1", "subitizing_range": ">=1",
              "natural_fraction": "0..1", "gap": ">=0", "item_side": ">=4"}

    ratios: list[str] = field(default_factory=lambda: ["1:2", "2:3", "3:4"])
    area_controls: list[str] = field(default_factory=lambda: ["equal_item_size", "equal_total_area", "area_inverted"])
    max_compare: int = 12  # largest set in who-has-more
    count_range: tuple[int, int] = (4, 12)
    subitizing_range: tuple[int, int] = (1, 4)
    natural_fraction: float = 0.5  # share of count / subitizing items from real frames (as far as they exist)
    gap: int = 2  # pixels between touching copies (connectedness control)
    item_side: tuple[int, int] = (26, 44)  # pixels, longer side of one copy at equal item size


@dataclass
class VDRConfig:
    RANGES = {"frames": ">=2", "span": ">0", "min_track": ">=1"}

    frames: tuple[int, int] = (5, 9)  # frames per clip
    span: tuple[float, float] = (1.6, 3.2)  # seconds the clip covers before the object is gone
    mirror_train: bool = True  # train split: also the mirrored clip (left <-> right)
    min_track: int = 3  # annotated frames an instance must be seen in before it leaves (derived events)


@dataclass
class MemoryConfig:
    RANGES = {"learned": ">=1", "test_repeats": ">=1"}

    learned: int = 5  # items learned (rounds 1-5)
    test_repeats: int = 2  # test appearances of each learned item


@dataclass
class DetectionsConfig:
    """A COCO-style detections file (instead of the world's ground truth)."""

    RANGES = {"fps": ">0"}

    path: str | None = None
    frames: str | None = None  # folder the image file names are relative to (default: the corpus folder)
    fps: float = 1.0  # frame rate of frame numbers (`frame_index`) when images carry no `time`


@dataclass
class DevCVBuildConfig:
    RANGES = {"seed": "any", "fps": ">0", "workers": ">=1"}

    seed: int = 0
    tasks: list[str] = field(default_factory=lambda: list(ALL_TASKS))
    fps: float = 1.0  # frames sampled per second of video
    items: SplitSizes = field(default_factory=SplitSizes)  # items per task and split
    task_items: TaskSizes = field(default_factory=TaskSizes)  # per task, where it differs from `items`
    splits: SplitConfig = field(default_factory=SplitConfig)
    objects: ObjectConfig = field(default_factory=ObjectConfig)
    vocab: VocabConfig = field(default_factory=VocabConfig)
    image: ImageConfig = field(default_factory=ImageConfig)
    distractors: DistractorConfig = field(default_factory=DistractorConfig)
    numeracy: NumeracyConfig = field(default_factory=NumeracyConfig)
    vdr: VDRConfig = field(default_factory=VDRConfig)
    memory: MemoryConfig = field(default_factory=MemoryConfig)
    detections: DetectionsConfig = field(default_factory=DetectionsConfig)
    workers: int = 2  # processes: sessions are indexed, and tasks built, in parallel

    def n_items(self, task: str, split: str) -> int:
        own = getattr(getattr(self.task_items, task), split)
        return int(own if own is not None else getattr(self.items, split))
