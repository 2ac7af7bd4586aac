"""What a task builder gets (`TaskContext`) and gives back (`TaskResult`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PIL import Image

from babyvlm.devcv.builder.config import DevCVBuildConfig
from babyvlm.devcv.builder.imaging import FrameStore, ImageWriter, expand_box, fit
from babyvlm.devcv.builder.pool import Observation, Pool

MIN_CROP_SIDE = 112  # pixels: small objects are still shown at a readable size


@dataclass
class TaskResult:
    records: list[dict[str, Any]] = field(default_factory=list)  # official items
    stats: dict[str, Any] = field(default_factory=dict)  # controls, distractor statistics, ...
    shortfall: str | None = None  # why fewer items than asked, if so


@dataclass
class TaskContext:
    task: str
    split: str
    n: int  # items wanted
    rng: np.random.Generator
    pool: Pool
    store: FrameStore
    cfg: DevCVBuildConfig
    writer: ImageWriter
    lexicon_factory: Any = None  # () -> Lexicon over the split's words (built on first use)
    _lexicon: Any = None

    @property
    def lexicon(self):
        if self._lexicon is None:
            self._lexicon = self.lexicon_factory()
        return self._lexicon

    def image(self, path: str) -> Image.Image:
        return self.store.get(path)

    def frame_image(self, ob: Observation) -> Image.Image:
        return self.store.get(self.pool.frame(ob).image)

    def window(self, ob: Observation, margin: tuple[float, float] = (0.1, 0.3), square: bool = False
               ) -> tuple[int, int, int, int]:
        """A crop window around an observation with a random margin on each side ("another crop")."""
        f = self.pool.frame(ob)
        x, y, w, h = self.pool.obj(ob).box
        if square:
            s = max(w, h)
            x, y, w, h = x + (w - s) / 2, y + (h - s) / 2, s, s
        m = self.rng.uniform(margin[0], margin[1], size=4)
        left = max(0, int(round(x - w * m[0])))
        top = max(0, int(round(y - h * m[1])))
        right = min(f.width, int(round(x + w + w * m[2])))
        bottom = min(f.height, int(round(y + h + h * m[3])))
        return left, top, max(right, left + 2), max(bottom, top + 2)

    def crop(self, ob: Observation, window: tuple[int, int, int, int] | None = None, side: int | None = None
             ) -> Image.Image:
        f = self.pool.frame(ob)
        if window is None:
            window = expand_box(self.pool.obj(ob).box, self.cfg.image.crop_margin, f.width, f.height)
        im = self.frame_image(ob).crop(window)
        # at most `crop_side`, and no more than twice the crop's own pixels (upscaling adds nothing)
        longest = max(window[2] - window[0], window[3] - window[1])
        return fit(im, min(side or self.cfg.image.crop_side, max(MIN_CROP_SIDE, 2 * longest)))

    def thumb(self, ob: Observation, window: tuple[int, int, int, int], mirror: bool = False):
        """The low-level thumbnail of a crop, straight from the frame (cheaper than `crop` + `thumb`)."""
        from babyvlm.tasks import shortcuts as sc

        t = sc.thumb(self.frame_image(ob).crop(window))
        return t[:, ::-1] if mirror else t

    def path_thumb(self, path: str):
        """The low-level thumbnail of a whole frame (cached: frames recur across candidates)."""
        from babyvlm.tasks import shortcuts as sc

        cache = self.__dict__.setdefault("_path_thumbs", {})
        if path not in cache:
            cache[path] = (sc.thumb(self.store.get(path)) * 255).round().astype("uint8")
        return cache[path].astype("float32") / 255.0

    def pick(self, seq):
        return seq[int(self.rng.integers(len(seq)))]

    def word(self, item: str) -> str:
        return self.pool.term(item).word
