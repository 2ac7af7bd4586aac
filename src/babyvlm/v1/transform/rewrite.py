"""Rewrite every image's captions until one gives a child-directed utterance that passes the filter.

For each image the captions are tried in input order: the first whose rewrite holds a CDI content
word is kept (COCO has five per image; one pair per image is written). An image whose captions all
fail is rejected with the reason (no CDI noun to talk about, or no CDI content word in the rewrite).

Every attempt is appended to `rewrites.jsonl` as it is made, under a fingerprint of the rewriting
settings: a rerun (after a kill, or with other matching settings) reuses them instead of asking the
rewriter (or the API) again.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babyvlm.config import to_dict
from babyvlm.util.digest import digest
from babyvlm.util.io import append_jsonl, read_jsonl
from babyvlm.util.progress import bar
from babyvlm.v1.config import TransformConfig
from babyvlm.v1.transform.captions import CaptionedImage
from babyvlm.v1.transform.vocab import Lexicon, tokenize


@dataclass
class Rewritten:
    item: CaptionedImage
    caption: str
    utterance: str
    content_words: list[str]


def fingerprint(cfg: TransformConfig) -> str:
    from babyvlm.v1.transform.rules import VERSION

    d = {"rewrite": to_dict(cfg.rewrite), "vocab": to_dict(cfg.vocab), "seed": cfg.seed, "rules_version": VERSION}
    for k in ("concurrency", "timeout", "max_retries"):
        d["rewrite"].pop(k, None)
    return digest(d)


def make_rewriter(cfg: TransformConfig, lex: Lexicon, *, out: Path, api_key: str | None):
    mode = cfg.rewrite.mode
    if mode == "rules":
        from babyvlm.v1.transform.rules import RuleRewriter

        r = RuleRewriter(lex, max_words=cfg.rewrite.max_words, seed=cfg.seed)
        return lambda caps, keys: [r.rewrite(c, k) for c, k in zip(caps, keys)]
    if mode == "llm":
        from babyvlm.v1.transform.llm import LLMRewriter

        llm = LLMRewriter(cfg.rewrite, cache_dir=out / "llm_cache", api_key=api_key, seed=cfg.seed)
        return lambda caps, keys: llm.rewrite_batch(caps)
    return lambda caps, keys: [" ".join(tokenize(c)) or None for c in caps]


def rewrite_all(items: list[CaptionedImage], cfg: TransformConfig, lex: Lexicon, *, out: Path,
                api_key: str | None = None, batch: int = 32) -> tuple[list[Rewritten], list[tuple[CaptionedImage, str]], dict]:
    """(kept pairs in input order, [(item, reason)] rejected, counts)."""
    fp = fingerprint(cfg)
    log_path = out / "rewrites.jsonl"
    done: dict[tuple[str, int], str | None] = {}
    for row in read_jsonl(log_path) if log_path.exists() else []:
        if row.get("fp") == fp:
            done[(row["id"], int(row["k"]))] = row.get("utterance")
    rewriter = None
    result: dict[str, Rewritten] = {}
    failed: dict[str, str] = {}
    counts = {"attempts": 0, "cached": 0, "attempts_no_utterance": 0, "attempts_no_content_word": 0}
    pending = list(items)
    k = 0
    with bar(desc=f"rewriting ({cfg.rewrite.mode})", total=len(items), unit="img") as b:
        while pending:
            todo = [it for it in pending if k < len(it.captions)]
            for it in pending:
                if k >= len(it.captions):
                    failed[it.id] = failed.get(it.id, "no caption")
                    b.update(1)
            missing = [it for it in todo if (it.id, k) not in done]
            counts["cached"] += len(todo) - len(missing)
            for a in range(0, len(missing), batch):
                chunk = missing[a:a + batch]
                if rewriter is None:
                    rewriter = make_rewriter(cfg, lex, out=out, api_key=api_key)
                outs = rewriter([it.captions[k] for it in chunk], [f"{it.id}#{k}" for it in chunk])
                for it, u in zip(chunk, outs):
                    done[(it.id, k)] = u
                    append_jsonl(log_path, {"fp": fp, "id": it.id, "k": k, "caption": it.captions[k], "utterance": u})
            counts["attempts"] += len(todo)
            nxt = []
            for it in todo:
                u = done[(it.id, k)]
                words = lex.content_words(u) if u else []
                if u and words:
                    result[it.id] = Rewritten(it, it.captions[k], u, words)
                    b.update(1)
                    continue
                if not u:
                    counts["attempts_no_utterance"] += 1
                    failed[it.id] = "no utterance from any caption (rules: no CDI noun to talk about)"
                else:
                    counts["attempts_no_content_word"] += 1
                    failed[it.id] = "no CDI content word in any rewrite"
                nxt.append(it)
            pending = nxt
            k += 1
    kept = [result[it.id] for it in items if it.id in result]
    rejected = [(it, failed.get(it.id, "no caption")) for it in items if it.id not in result]
    counts["kept"] = len(kept)
    counts["rejected"] = len(rejected)
    return kept, rejected, counts
