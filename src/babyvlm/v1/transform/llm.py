"""LLM rewriting through an OpenAI-compatible chat API (`babyvlm.util.chat_api`, as `openai:MODEL` uses).

Each caption goes as one text-only user turn: the V1 instruction with `{caption}` filled in. The
client brings concurrency, retries with backoff on 429/5xx/timeouts, and the on-disk response cache
(`OUT/llm_cache/`), so rerunning a transform costs no second request. The API key comes from
`--api-key` or `$OPENAI_API_KEY` and is never written anywhere.

The default instruction is our wording of what BabyVLM-V1 describes (turn a caption into a short
utterance a caregiver would say to a young child, in words a toddler knows); the paper's exact
prompt is not reproduced. Set `rewrite.instruction` to use another one.
"""

from __future__ import annotations

import re
from pathlib import Path

from babyvlm.errors import ConfigError
from babyvlm.util.chat_api import ChatAPIClient
from babyvlm.v1.config import RewriteConfig


def clean_reply(text: str) -> str:
    """The first line of the reply, without quotes or a leading label ("Utterance: ...")."""
    line = next((ln for ln in text.strip().splitlines() if ln.strip()), "")
    line = re.sub(r"^\s*(utterance|sentence|answer|rewritten)\s*:\s*", "", line, flags=re.I)
    return line.strip().strip('"\u201c\u201d\'`').strip()


class LLMRewriter:
    name = "llm"

    def __init__(self, cfg: RewriteConfig, *, cache_dir: Path | None, api_key: str | None = None, seed: int = 0):
        if not cfg.model:
            raise ConfigError("rewrite.mode=llm needs rewrite.model (e.g. --llm-model gpt-4o)")
        if "{caption}" not in cfg.instruction:
            raise ConfigError("rewrite.instruction must contain {caption}")
        self.instruction = cfg.instruction
        self.max_tokens = cfg.max_tokens
        self.model = cfg.model
        self.client = ChatAPIClient(cfg.model, api_base=cfg.api_base, api_key=api_key, concurrency=cfg.concurrency,
                                    timeout=cfg.timeout, max_retries=cfg.max_retries,
                                    cache_dir=str(cache_dir) if cache_dir else "", seed=seed)

    def body(self, caption: str) -> dict:
        """One text-only user turn; the same body as the `openai:` adapter sends, so caches carry over."""
        text = self.instruction.replace("{caption}", caption)
        content = [{"type": "text", "text": text}] if text else []
        return {"model": self.model, "temperature": 0, "max_tokens": self.max_tokens,
                "messages": [{"role": "user", "content": content}]}

    def rewrite_batch(self, captions: list[str]) -> list[str | None]:
        replies = self.client.complete_all([self.body(c) for c in captions])
        return [clean_reply(r) or None for r in replies]

    @property
    def stats(self) -> dict[str, int]:
        return dict(self.client.stats)
