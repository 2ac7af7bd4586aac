"""`openai:MODEL`: any OpenAI-compatible chat-completions API (OpenAI, vLLM, llama.cpp server, ...).

- Base URL: `--api-base` or `$OPENAI_BASE_URL` (default https://api.openai.com/v1); key: `--api-key`
  or `$OPENAI_API_KEY` (optional for local servers). The key is sent in the Authorization header
  only: it is not part of the cache key, the cache, the config or any output.
- Images go as base64 data URLs (`{"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,..."}}`),
  in the order of the message's image parts; the original file bytes are sent where the format is
  one APIs accept and the image is no larger than `max_image_side` (default 512 px on the longer
  side), else a downscaled JPEG. At most `max_images` images go in one request (default 32: a
  15-round memory item's 29 fit); beyond that the EARLIEST are replaced by the text
  "[image not shown]" and the request is counted in `stats["capped"]`. A request body over 4 MB
  is logged with its size.
- The task's system prompt (`--prompts official`) is sent as a system message; the token limit
  is the task's `api_max_tokens` (chat models rarely stop at the bare letter), unless
  `--max-new-tokens` is given.
- `concurrency` requests in flight at once (threads); greedy (`temperature` 0).
- Retries with exponential backoff (`backoff`, doubling, with jitter; `Retry-After` honoured) on
  HTTP 429, 5xx, timeouts and connection errors, at most `max_retries` times; any other HTTP error
  stops the run with the server's message.
- An on-disk response cache (`cache_dir`, one JSON file per request, keyed by a hash of the base
  URL and the request body): a rerun costs nothing.
  (HTTP, retries, cache and concurrency are `babyvlm.util.chat_api`, shared with V1's rewriter.)
- Log-likelihoods are not available from chat APIs: likelihood tasks are skipped for this model.

"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

from babyvlm.evaluate.adapters.base import AdapterOptions, ModelAdapter
from babyvlm.tasks.conversation import Conversation
from babyvlm.util.chat_api import APIError, ChatAPIClient

log = logging.getLogger("babyvlm")

LARGE_REQUEST = 4 * 1024 * 1024
OMITTED = "[image not shown]"


def to_openai_messages(conv: Conversation, *, max_images: int = 0, max_side: int = 0) -> list[dict[str, Any]]:
    """HF multimodal messages -> OpenAI chat messages with data-URL images (the earliest images beyond
    `max_images` replaced by a note; images downscaled to `max_side`)."""
    skip = max(0, len(conv.images) - max_images) if max_images > 0 else 0
    images = iter(enumerate(conv.images))
    out: list[dict[str, Any]] = [{"role": "system", "content": conv.system}] if conv.system else []
    for m in conv.messages:
        if m["role"] == "assistant":
            out.append({"role": "assistant", "content": "".join(p.get("text", "") for p in m["content"])})
            continue
        parts = []
        for p in m["content"]:
            if p["type"] == "text":
                parts.append({"type": "text", "text": p["text"]})
                continue
            k, ref = next(images)
            if k < skip:
                parts.append({"type": "text", "text": OMITTED})
                continue
            data, mime = ref.data(max_side)
            url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
            parts.append({"type": "image_url", "image_url": {"url": url}})
        out.append({"role": m["role"], "content": parts})
    return out


class OpenAIAdapter(ChatAPIClient, ModelAdapter):
    supports_loglikelihood = False

    def __init__(self, model: str, options: AdapterOptions | None = None, *, sleep=time.sleep):
        options = options or AdapterOptions()
        super().__init__(model, api_base=options.api_base, api_key=options.api_key, concurrency=options.concurrency,
                         timeout=options.timeout, max_retries=options.max_retries, backoff=options.backoff,
                         cache_dir=options.cache_dir, seed=options.seed, sleep=sleep)
        self.max_images = options.max_images
        self.max_side = options.max_image_side
        self.stats.update(capped=0, large=0)

    def max_new_tokens(self, task: Any) -> int:
        return task.api_max_tokens

    def cache_id(self) -> str:
        return f"openai:{self.base_url}:{self.model}"

    # ------------------------------------------------------------------ protocol
    def _body(self, conv: Conversation, max_new_tokens: int) -> dict[str, Any]:
        if self.max_images > 0 and len(conv.images) > self.max_images:
            self.stats["capped"] += 1
        body = {"model": self.model, "temperature": 0, "max_tokens": max_new_tokens,
                "messages": to_openai_messages(conv, max_images=self.max_images, max_side=self.max_side)}
        size = len(json.dumps(body))
        if size > LARGE_REQUEST:
            self.stats["large"] += 1
            log.warning("%s: request for %s is %.1f MB (%d images; see api.max_images, api.max_image_side)",
                        self.name, conv.meta.get("item_id", "?"), size / 1e6, len(conv.images))
        return body

    def generate(self, conversations: list[Conversation], max_new_tokens: int = 16) -> list[str]:
        return self.complete_all([self._body(c, max_new_tokens) for c in conversations])


def load(arg: str, options: AdapterOptions) -> OpenAIAdapter:
    return OpenAIAdapter(arg, options)


__all__ = ["APIError", "OpenAIAdapter", "load", "to_openai_messages"]
