"""Image ablation: the same model, every image replaced by a blank of the same size.

`BlankImages(adapter)` forwards every request to the wrapped model with each image swapped for a
uniform grey picture of the original's size; the text (question, options, earlier replies) is
unchanged. A task the model clears only by reading its images falls back to chance here; a task it
still clears is answered from the text alone (an answer prior or a wording cue).
"""

from __future__ import annotations

from typing import Any

from babyvlm.evaluate.adapters.base import ModelAdapter
from babyvlm.tasks.conversation import Conversation, ImageRef

BLANK_GREY = (128, 128, 128)  # the middle of the pixel range: zero after the usual (x - 0.5) / 0.5 scaling


class BlankImages(ModelAdapter):
    def __init__(self, inner: ModelAdapter):
        self.inner = inner
        self.name = f"{inner.name} (no images)"
        self.is_baseline = True  # reported beside the baselines, never as the evaluated model
        self.supports_loglikelihood = inner.supports_loglikelihood
        self._blanks: dict[tuple[int, int], ImageRef] = {}

    def cache_id(self) -> str:
        return f"{self.inner.cache_id()}|blank-images"

    def max_new_tokens(self, task: Any) -> int:
        return self.inner.max_new_tokens(task)

    def prior_note(self) -> str | None:
        return self.inner.prior_note()

    def begin_task(self, task: Any, items: list[Any], prior_items: list[Any] | None = None) -> None:
        self.inner.begin_task(task, items, prior_items)

    def _blank(self, ref: ImageRef) -> ImageRef:
        size = ref.size()
        if size not in self._blanks:
            from PIL import Image

            self._blanks[size] = ImageRef.from_pil(Image.new("RGB", size, BLANK_GREY))
        return self._blanks[size]

    def blank(self, conv: Conversation) -> Conversation:
        return Conversation(conv.messages, [self._blank(im) for im in conv.images], dict(conv.meta))

    def generate(self, conversations: list[Conversation], max_new_tokens: int = 16) -> list[str]:
        return self.inner.generate([self.blank(c) for c in conversations], max_new_tokens)

    def loglikelihood(self, requests: list[tuple[Conversation, str]]) -> list[tuple[float, int]]:
        return self.inner.loglikelihood([(self.blank(c), cont) for c, cont in requests])
