"""The model adapter protocol: what the harness asks of any model.

    class ModelAdapter:
        name: str                         shown in reports ("hf:runs/model", "random")
        is_baseline: bool
        supports_loglikelihood: bool
        def cache_id(self) -> str         identifies this model's outputs in the per-item cache
        def begin_task(self, task, items, prior_items=None) called before each task (baselines fit priors
                                      on prior_items, the task's train split when there is one; models ignore it)
        def generate(self, conversations, max_new_tokens) -> list[str]
        def loglikelihood(self, requests) -> list[tuple[float, int]]
        def close(self)

`generate` gets a batch of `Conversation`s (chat messages in the Hugging Face multimodal format,
images beside them) and returns one reply per conversation, greedy. `loglikelihood` gets a batch of
(conversation, continuation) and returns, per request, the summed log-probability of exactly the
continuation's tokens as the assistant's reply, and how many tokens that is; tasks state whether
they compare sums or means. Multi-round tasks are driven by the harness (each round a `generate`
call whose conversation holds the model's earlier replies).

A new model type is one module `babyvlm/evaluate/adapters/<prefix>.py` with
`load(arg, options) -> ModelAdapter`; `--model <prefix>:<arg>` finds it by its name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babyvlm.errors import BabyVLMError
from babyvlm.tasks.conversation import Conversation


class UnsupportedRequest(BabyVLMError):
    """The model cannot answer this kind of request (e.g. a chat API asked for log-likelihoods)."""


@dataclass
class AdapterOptions:
    """Settings every adapter may read (each reads only what applies to it)."""

    batch_size: int = 16
    seed: int = 0
    device: str = "auto"  # hf: auto | cpu | cuda | cuda:1 ...
    dtype: str = "auto"  # hf: auto | float32 | bfloat16 | float16
    image_cache: int = 512  # hf: preprocessed images kept (0: call the processor on every image, every time)
    api_base: str = ""  # openai: base URL (else $OPENAI_BASE_URL, else https://api.openai.com/v1)
    api_key: str | None = None  # openai: never written anywhere (else $OPENAI_API_KEY)
    concurrency: int = 4
    timeout: float = 60.0
    max_retries: int = 5
    backoff: float = 1.0  # seconds before the first retry; doubles each time
    cache_dir: str = ""  # openai: on-disk response cache
    max_images: int = 32  # openai: images per request (the earliest beyond it are replaced by a note; 0: all)
    max_image_side: int = 512  # openai: larger images are downscaled to this longer side (0: as they are)
    prefix_cache: bool = True  # hf: multi-round tasks reuse the key-value cache from round to round
    inline_images: bool = False  # hf: images stay at their <image> places where the chat template moves them


class ModelAdapter:
    name: str = "model"
    is_baseline: bool = False
    supports_loglikelihood: bool = True

    def cache_id(self) -> str:
        return self.name

    def max_new_tokens(self, task: Any) -> int:
        """The generation length for a task (APIs: room for a sentence around the answer)."""
        return task.max_new_tokens

    def prior_note(self) -> str | None:
        """Where a baseline's answers come from, for the report (None for real models)."""
        return None

    def begin_task(self, task: Any, items: list[Any], prior_items: list[Any] | None = None) -> None:
        """Called before a task runs, with its loaded items and (when the data has one) the task's train
        split. Real models ignore it."""

    def generate(self, conversations: list[Conversation], max_new_tokens: int = 16) -> list[str]:
        raise NotImplementedError

    def loglikelihood(self, requests: list[tuple[Conversation, str]]) -> list[tuple[float, int]]:
        raise UnsupportedRequest(f"{self.name} cannot score log-likelihoods")

    def close(self) -> None:
        pass
