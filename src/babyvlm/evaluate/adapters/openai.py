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
- Log-likelihoods are not available from chat APIs: likelihood tasks are skipped for this model.

Only the standard library is used (urllib).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import random
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.evaluate.adapters.base import AdapterOptions, ModelAdapter
from babyvlm.tasks.conversation import Conversation
from babyvlm.util.io import write_json

log = logging.getLogger("babyvlm")

DEFAULT_BASE = "https://api.openai.com/v1"
RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class APIError(InputError):
    pass


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


class OpenAIAdapter(ModelAdapter):
    supports_loglikelihood = False

    def __init__(self, model: str, options: AdapterOptions | None = None, *, sleep=time.sleep):
        options = options or AdapterOptions()
        if not model:
            raise InputError("openai:MODEL needs a model name")
        self.model = model
        self.name = f"openai:{model}"
        self.base_url = (options.api_base or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE).rstrip("/")
        self._key = options.api_key if options.api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        self.concurrency = max(1, options.concurrency)
        self.timeout = options.timeout
        self.max_retries = options.max_retries
        self.backoff = options.backoff
        self.cache_dir = Path(options.cache_dir) if options.cache_dir else None
        self._sleep = sleep
        self._jitter = random.Random(options.seed)
        self.max_images = options.max_images
        self.max_side = options.max_image_side
        self.stats = {"requests": 0, "retries": 0, "cache_hits": 0, "capped": 0, "large": 0}

    def max_new_tokens(self, task: Any) -> int:
        return task.api_max_tokens

    def cache_id(self) -> str:
        return f"openai:{self.base_url}:{self.model}"

    # ------------------------------------------------------------------ cache
    def _cache_path(self, body: dict[str, Any]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(json.dumps({"base_url": self.base_url, "body": body}, sort_keys=True).encode()).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    # ------------------------------------------------------------------ HTTP
    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        data = json.dumps(body).encode("utf-8")
        headers = {"Content-Type": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        url = f"{self.base_url}/chat/completions"
        attempt = 0
        while True:
            self.stats["requests"] += 1
            retry_after = None
            try:
                req = urllib.request.Request(url, data=data, headers=headers, method="POST")
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return json.loads(resp.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                if e.code not in RETRY_STATUS:
                    detail = e.read().decode("utf-8", "replace")[:300].replace("\n", " ")
                    raise APIError(f"{self.name}: HTTP {e.code} from {self.base_url}: {detail}") from None
                reason = f"HTTP {e.code}"
                ra = e.headers.get("Retry-After") if e.headers else None
                if ra:
                    try:
                        retry_after = float(ra)
                    except ValueError:
                        retry_after = None
            except TimeoutError as e:
                reason = f"timeout ({e})"
            except urllib.error.URLError as e:
                if isinstance(e.reason, (TimeoutError, socket.timeout)):
                    reason = "timeout"
                else:
                    reason = f"connection error ({e.reason})"
            except (ConnectionError, json.JSONDecodeError) as e:
                reason = f"{type(e).__name__}"
            if attempt >= self.max_retries:
                raise APIError(f"{self.name}: giving up after {attempt + 1} attempts ({reason})")
            wait = retry_after if retry_after is not None else self.backoff * (2 ** attempt) * (1 + 0.25 * self._jitter.random())
            self.stats["retries"] += 1
            log.debug("%s: %s; retry %d of %d in %.1f s", self.name, reason, attempt + 1, self.max_retries, wait)
            self._sleep(wait)
            attempt += 1

    def _complete(self, body: dict[str, Any]) -> str:
        path = self._cache_path(body)
        if path is not None and path.is_file():
            self.stats["cache_hits"] += 1
            return json.loads(path.read_text(encoding="utf-8"))["content"]
        resp = self._post(body)
        try:
            content = resp["choices"][0]["message"]["content"] or ""
        except (KeyError, IndexError, TypeError):
            raise APIError(f"{self.name}: unexpected response {str(resp)[:200]}") from None
        if path is not None:
            write_json(path, {"model": self.model, "content": content})
        return content

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
        bodies = [self._body(c, max_new_tokens) for c in conversations]
        if self.concurrency == 1 or len(bodies) == 1:
            return [self._complete(b).strip() for b in bodies]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return [r.strip() for r in pool.map(self._complete, bodies)]


def load(arg: str, options: AdapterOptions) -> OpenAIAdapter:
    return OpenAIAdapter(arg, options)
