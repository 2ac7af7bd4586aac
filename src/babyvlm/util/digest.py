"""Config fingerprints: the one way a JSON-able value becomes a short, stable hex digest.

Resume markers (the demo's steps, the world's sessions), the evaluation's output cache, the V1
rewriter's cache and the chat-API cache compare digests to know whether work done earlier used the
same settings. Keys are sorted and anything JSON cannot write is written as its text, so equal
settings give equal digests on every machine and run.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def digest(value: Any, *, length: int = 16, algorithm: str = "sha256") -> str:
    """The first `length` hex digits of the hash of `value` as sorted-key JSON."""
    text = json.dumps(value, sort_keys=True, default=str)
    return hashlib.new(algorithm, text.encode("utf-8")).hexdigest()[:length]
