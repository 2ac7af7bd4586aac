"""Prefix caching for multi-round tasks: keep each conversation's key-value cache from round to round.

The memory task's round r holds every earlier round (the model's own replies included) and all the
images shown so far; re-running the model over that whole conversation each round costs about
rounds/2 times the work of the conversation itself. `RoundCache` keeps, per conversation (its
`meta["session"]`), the key-value cache of everything the model has read and written, and feeds
only what is new:

- each round the conversation is rendered and tokenized exactly as the uncached path does; the
  longest common prefix with the tokens already in the cache is kept (the reply as re-rendered by
  the chat template may tokenize differently from the tokens the model generated: from the first
  differing token on, the cache is discarded) and only the rest is fed, with the pixels of the
  images in it;
- conversations are batched in lockstep in one cache: a row's discarded or padding slots are masked
  out of attention, and positions are counted over the row's kept tokens only, so every token sees
  exactly the context, at exactly the position, it has in the uncached run;
- greedy decoding as `generate` does it (stopping at end-of-sequence, finished rows fed padding that
  no one attends to); the replies are identical to the uncached path's (tested, and in
  benchmarks/bench_eval.py);
- a row is dropped after its `meta["last_round"]`.

It applies when the processor makes one pixel tensor per image with a fixed number of image tokens
(Llava with a ViT/CLIP tower, our checkpoints) and greedy decoding has no logits processors; anything
else falls back to re-running every round.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Any

from babyvlm.tasks.conversation import Conversation


@dataclass
class _State:
    sessions: list[str]
    cache: Any = None  # transformers Cache, rows in `sessions` order
    valid: Any = None  # (rows, slots) bool: which cache slots a row attends to
    fed: list[list[int]] = field(default_factory=list)  # per row: the token ids of its valid slots, in order


class RoundCache:
    def __init__(self, adapter: Any):
        self.a = adapter
        self.state: _State | None = None
        params = inspect.signature(adapter.model.forward).parameters
        self.cache_kw = "cache" if "cache" in params else "past_key_values"
        gc = getattr(adapter.model, "generation_config", None)
        eos = getattr(gc, "eos_token_id", None) if gc is not None else None
        eos = eos if eos is not None else adapter.tokenizer.eos_token_id
        self.eos = set(eos if isinstance(eos, (list, tuple)) else [eos]) - {None}
        self.usable = gc is None or (getattr(gc, "repetition_penalty", 1.0) in (None, 1.0)
                                     and not getattr(gc, "no_repeat_ngram_size", 0)
                                     and not getattr(gc, "bad_words_ids", None))

    # ------------------------------------------------------------------ rows
    def _rows(self, keys: list[str]) -> _State:
        import torch

        st = self.state
        if st is not None and len(set(keys)) == len(keys) and set(keys) <= set(st.sessions):
            idx = [st.sessions.index(k) for k in keys]
            if idx != list(range(len(st.sessions))):
                st.cache.batch_select_indices(torch.tensor(idx, device=self.a.device))
                st.valid = st.valid[idx]
                st.fed = [st.fed[i] for i in idx]
                st.sessions = list(keys)
            return st
        self.state = _State(list(keys), None, torch.zeros((len(keys), 0), dtype=torch.bool, device=self.a.device),
                            [[] for _ in keys])
        return self.state

    def _encode_one(self, conv: Conversation) -> tuple[list[int], Any, int] | None:
        """(token ids, pixel rows, image tokens per image) of one conversation as the uncached path
        encodes it; None where the processor's output is not one pixel tensor per image."""
        enc = self.a.inputs([self.a.render(conv)], [conv.images])
        ids = enc["input_ids"][0][enc["attention_mask"][0].bool()].tolist()
        pix = enc.get("pixel_values")
        n = len(conv.images)
        n_tok = sum(1 for t in ids if t == self.a.inputs.image_token_id)
        if n and (pix is None or pix.shape[0] != n or n_tok % n):
            return None
        if set(enc) - {"input_ids", "attention_mask", "pixel_values"}:
            return None  # image sizes, token types, ...: not a shape this cache knows
        return ids, pix, (n_tok // n if n else 0)

    def _kept(self, fed: list[int], ids: list[int], per_image: int) -> int:
        """How many leading tokens of `ids` can stay in the cache: the common prefix, cut back to an
        image boundary and to leave at least one token to feed."""
        keep = 0
        for a, b in zip(fed, ids):
            if a != b:
                break
            keep += 1
        keep = min(keep, len(ids) - 1)
        img = self.a.inputs.image_token_id
        positions = [i for i, t in enumerate(ids) if t == img]
        before = sum(1 for p in positions if p < keep)
        if per_image and before % per_image:
            keep = positions[(before // per_image) * per_image]
        return keep

    # ------------------------------------------------------------------ generate
    def generate(self, convs: list[Conversation], max_new_tokens: int) -> list[str] | None:
        """Replies, or None when this batch cannot use the cache (the caller re-runs it uncached)."""
        import torch

        if not self.usable:
            return None
        encoded = [self._encode_one(c) for c in convs]
        if any(e is None for e in encoded):
            self.state = None
            return None
        st = self._rows([c.meta["session"] for c in convs])
        pad = self.a.tokenizer.pad_token_id
        img = self.a.inputs.image_token_id
        news, pixels, starts = [], [], []
        for k, (ids, pix, per_image) in enumerate(encoded):
            keep = self._kept(st.fed[k], ids, per_image)
            # forget this row's slots beyond the kept prefix
            slots = st.valid[k].nonzero().flatten()
            st.valid[k, slots[keep:]] = False
            st.fed[k] = ids[:keep]
            news.append(ids[keep:])
            starts.append(keep)
            n_prev = sum(1 for t in ids[:keep] if t == img) // per_image if per_image else 0
            if pix is not None and n_prev < pix.shape[0]:
                pixels.append(pix[n_prev:])
        n_new = max(len(x) for x in news)
        rows = len(convs)
        input_ids = torch.full((rows, n_new), pad, dtype=torch.long)
        new_mask = torch.zeros((rows, n_new), dtype=torch.bool)
        position_ids = torch.ones((rows, n_new), dtype=torch.long)
        for k, x in enumerate(news):
            input_ids[k, n_new - len(x):] = torch.tensor(x)
            new_mask[k, n_new - len(x):] = True
            position_ids[k, n_new - len(x):] = torch.arange(starts[k], starts[k] + len(x))
        dev = self.a.device
        pixel_values = torch.cat(pixels).to(dev, dtype=self.a.dtype) if pixels else None
        out = self._forward(st, input_ids.to(dev), new_mask.to(dev), position_ids.to(dev), pixel_values)
        for k, x in enumerate(news):
            st.fed[k] += x
        generated: list[list[int]] = [[] for _ in convs]
        done = [False] * rows
        next_pos = [starts[k] + len(news[k]) for k in range(rows)]
        for step in range(max_new_tokens):
            tokens = out.logits[:, -1].argmax(-1).tolist()
            for k, t in enumerate(tokens):
                if not done[k]:
                    generated[k].append(t)
                    done[k] = t in self.eos
            if all(done) or step == max_new_tokens - 1:
                break
            feed = torch.tensor([[pad if done[k] else tokens[k]] for k in range(rows)], device=dev)
            live = torch.tensor([[not d] for d in done], device=dev)
            pos = torch.tensor([[next_pos[k]] for k in range(rows)], device=dev)
            out = self._forward(st, feed, live, pos, None)
            for k in range(rows):
                if not done[k]:
                    st.fed[k].append(tokens[k])
                    next_pos[k] += 1
        replies = [self.a.tokenizer.decode(g, skip_special_tokens=True).strip() for g in generated]
        self._drop_finished(st, [bool(c.meta.get("last_round")) for c in convs])
        return replies

    def _forward(self, st: _State, input_ids, new_mask, position_ids, pixel_values):
        import torch

        past = st.valid.shape[1]
        mask = torch.cat([st.valid, new_mask], dim=1)
        kwargs = {self.cache_kw: st.cache} if st.cache is not None else {}
        out = self.a.model(input_ids=input_ids, pixel_values=pixel_values, attention_mask=mask.long(),
                           position_ids=position_ids, use_cache=True, logits_to_keep=1,
                           cache_position=torch.arange(past, past + input_ids.shape[1], device=input_ids.device),
                           **kwargs)
        st.cache = getattr(out, "cache", None) or getattr(out, "past_key_values", None)
        st.valid = mask
        return out

    def _drop_finished(self, st: _State, finished: list[bool]) -> None:
        import torch

        keep = [k for k, f in enumerate(finished) if not f]
        if not keep:
            self.state = None
            return
        if len(keep) < len(finished):
            st.cache.batch_select_indices(torch.tensor(keep, device=self.a.device))
            st.valid = st.valid[keep]
            st.fed = [st.fed[k] for k in keep]
            st.sessions = [st.sessions[k] for k in keep]

    def reset(self) -> None:
        self.state = None
