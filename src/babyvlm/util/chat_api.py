"""A client for OpenAI-compatible chat-completions APIs (OpenAI, vLLM, llama.cpp server, ...).

It sends request bodies that its callers build (the evaluation's `openai:` adapter, V1's LLM
rewriter) and owns what every caller needs the same way:

- base URL: `api_base`, else `$OPENAI_BASE_URL`, else https://api.openai.com/v1; key: `api_key`,
  else `$OPENAI_API_KEY` (optional for local servers), sent in the Authorization header only: it is
  not part of the cache key, the cache or any output;
- retries with exponential backoff (`backoff`, doubling, with seeded jitter; `Retry-After` honoured)
  on HTTP 408/409/425/429/5xx, timeouts and connection errors, at most `max_retries` times, each
  logged at debug level; any other HTTP error raises `APIError` with the server's message;
- an on-disk response cache (`cache_dir`, one JSON file per request, keyed by a hash of the base URL
  and the body), so a rerun costs no second request;
- `concurrency` requests in flight at once (threads).

Only the standard library is used (urllib). It lives in `util` so that V1 does not borrow the
evaluation's adapter: both sit above it.
"""

from __future__ import annotations

import json
import logging
import os
import random
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.util.digest import digest
from babyvlm.util.io import write_json

log = logging.getLogger("babyvlm")

DEFAULT_BASE = "https://api.openai.com/v1"
RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class APIError(InputError):
    pass


class ChatAPIClient:
    def __init__(self, model: str, *, api_base: str = "", api_key: str | None = None, concurrency: int = 4,
                 timeout: float = 60.0, max_retries: int = 5, backoff: float = 1.0, cache_dir: str | Path = "",
                 seed: int = 0, sleep: Callable[[float], Any] = time.sleep):
        if not model:
            raise InputError("openai:MODEL needs a model name")
        self.model = model
        self.name = f"openai:{model}"
        self.base_url = (api_base or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE).rstrip("/")
        self._key = api_key if api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        self.concurrency = max(1, concurrency)
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._sleep = sleep
        self._jitter = random.Random(seed)
        self.stats = {"requests": 0, "retries": 0, "cache_hits": 0}

    # ------------------------------------------------------------------ cache
    def _cache_path(self, body: dict[str, Any]) -> Path | None:
        if self.cache_dir is None:
            return None
        key = digest({"base_url": self.base_url, "body": body}, length=64)
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

    def complete(self, body: dict[str, Any]) -> str:
        """The reply text for one request body (from the cache when it holds the body)."""
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

    def complete_all(self, bodies: list[dict[str, Any]]) -> list[str]:
        """Replies in the order of `bodies`, stripped, `concurrency` requests at a time."""
        if self.concurrency == 1 or len(bodies) == 1:
            return [self.complete(b).strip() for b in bodies]
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            return [r.strip() for r in pool.map(self.complete, bodies)]
