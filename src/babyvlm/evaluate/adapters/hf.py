"""`hf:PATH`: any local transformers image-text-to-text model with a chat template.

Loads `AutoProcessor` and `AutoModelForImageTextToText` from PATH (local files only; nothing is
downloaded). Our own checkpoints (a `LlavaForConditionalGeneration` directory with a chat template,
a tokenizer holding `<image>` and a `LlavaProcessor`) load unchanged, as does any Llava-like model.

Messages are rendered by the model's own chat template:
`processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)`, then
`processor(text=texts, images=[images of each conversation], return_tensors="pt", padding=True)`.

- generate: left padding (so every sequence ends where generation starts), greedy decoding,
  `max_new_tokens`; the reply is the decoded new tokens without special tokens, stripped.
- loglikelihood: the template renders the conversation plus the continuation as the assistant's
  reply; the continuation's tokens are those after the rendered prefix (a space between the
  prefix and the reply is scored with the reply, as it is part of its first token; the
  template's end-of-turn tokens after the reply are not scored). Should the tokenizer still merge
  across the boundary, the scored tokens start where the two tokenizations diverge. Sequences are right-padded; the sum runs over exactly the
  continuation tokens and their count is returned.

Multi-round tasks (memory) keep each conversation's key-value cache from round to round and feed
only the new tokens and images (`hf_rounds.RoundCache`; `prefix_cache=False` re-runs every round).

Within a call, requests are sorted by length and split into sub-batches of `batch_size` (less
padding); results come back in the caller's order. Images are preprocessed once per file and in
threads (`hf_inputs.ModelInputs`, checked against the processor's own output on the first batch).
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.evaluate.adapters.base import AdapterOptions, ModelAdapter
from babyvlm.evaluate.adapters.hf_inputs import ModelInputs
from babyvlm.evaluate.adapters.hf_load import PROCESSOR_SUFFIX, load_model, load_processor, model_type
from babyvlm.evaluate.adapters.hf_placement import MOVED, inline_messages, probe
from babyvlm.evaluate.adapters.hf_rounds import RoundCache
from babyvlm.tasks.conversation import Conversation, assistant_turn

log = logging.getLogger("babyvlm")


def _device(name: str):
    import torch

    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    return torch.device(name)


def _dtype(name: str, device):
    import torch

    if name == "auto":
        if device.type == "cuda" and torch.cuda.is_bf16_supported():
            return torch.bfloat16
        return torch.float32
    try:
        return {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}[name]
    except KeyError:
        raise InputError(f"unknown dtype {name!r} (float32, bfloat16, float16, auto)") from None


class HFAdapter(ModelAdapter):
    def __init__(self, path: str | Path, options: AdapterOptions | None = None, *, model: Any = None, processor: Any = None):
        options = options or AdapterOptions()
        self.path = Path(path)
        self.name = f"hf:{path}"
        self.batch_size = max(1, options.batch_size)
        self.device = _device(options.device)
        self.dtype = _dtype(options.dtype, self.device)
        if processor is None or model is None:
            if not self.path.is_dir():
                raise InputError(f"hf:{path}: not a folder (give a local model directory)")
            processor = load_processor(self.path)
            model = load_model(self.path, self.dtype)
        self.processor = processor
        self.tokenizer = getattr(processor, "tokenizer", processor)
        if getattr(processor, "chat_template", None) is None and getattr(self.tokenizer, "chat_template", None) is None:
            raise InputError(f"hf:{path}: the processor has no chat template")
        self.family = model_type(self.path) if self.path.is_dir() else ""
        # text the processor appends to every prompt (PaliGemma: a newline): not the continuation's
        self.processor_suffix = PROCESSOR_SUFFIX.get(self.family, "")
        self.suffix_tokens = (len(self.tokenizer(self.processor_suffix, add_special_tokens=False)["input_ids"])
                              if self.processor_suffix else 0)
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.image_token = getattr(processor, "image_token", "<image>")
        self.inline = False
        self.placement = probe(self.render, self.image_token)
        if self.placement == MOVED:
            if options.inline_images:
                self.inline = True
                log.info("hf: %s's chat template moves images away from their <image> places; keeping them "
                         "inline (hf.inline_images)", path)
            else:
                log.warning("hf: %s's chat template moves every image before its turn's text, so '(A) <image> "
                            "(B) <image>' reaches the model as '(A) (B)' after both images; --set "
                            "hf.inline_images=true keeps them in place (docs/evaluate.md)", path)
        self.model = model.to(self.device).eval()
        self.inputs = ModelInputs(processor, self.tokenizer, cache_size=options.image_cache)
        self.rounds = RoundCache(self) if options.prefix_cache else None

    def cache_id(self) -> str:
        # the folder and its weights' modification time: a retrained checkpoint is a new model
        stamp = max((p.stat().st_mtime_ns for p in self.path.glob("*.safetensors")), default=0) if self.path.is_dir() else 0
        inline = ":inline" if self.inline else ""
        return f"hf:{self.path.resolve() if self.path.exists() else self.path}:{stamp}:{self.dtype}{inline}"

    # ------------------------------------------------------------------ rendering
    def messages(self, conv: Conversation, extra: list | None = None) -> list:
        """The chat messages the template renders (images as inline text with hf.inline_images)."""
        messages = conv.with_system() + list(extra or [])
        return inline_messages(messages, self.image_token) if getattr(self, "inline", False) else messages

    def render(self, conv: Conversation, *, generation_prompt: bool = True) -> str:
        return self.processor.apply_chat_template(self.messages(conv), add_generation_prompt=generation_prompt,
                                                  tokenize=False)

    def _encode(self, texts: list[str], refs: list[list[Any]], padding_side: str, *, with_images: bool = True):
        self.tokenizer.padding_side = padding_side
        enc = self.inputs(texts, refs, with_images=with_images)
        return {k: (v.to(self.device, dtype=self.dtype) if v.is_floating_point() else v.to(self.device))
                for k, v in enc.items() if hasattr(v, "to")}

    def _batches(self, n: int, lengths: list[int]):
        order = sorted(range(n), key=lambda i: -lengths[i])
        for s in range(0, n, self.batch_size):
            yield order[s: s + self.batch_size]

    # ------------------------------------------------------------------ protocol
    def generate(self, conversations: list[Conversation], max_new_tokens: int = 16) -> list[str]:
        import torch

        with torch.inference_mode(), self._one_line("generate"):
            if self.rounds is not None and conversations and all("session" in c.meta for c in conversations):
                replies = self.rounds.generate(conversations, max_new_tokens)
                if replies is not None:
                    return replies
            return self._generate(conversations, max_new_tokens)

    def _generate(self, conversations: list[Conversation], max_new_tokens: int) -> list[str]:
        texts = [self.render(c) for c in conversations]
        out: list[str] = [""] * len(conversations)
        lengths = [len(t) + 1000 * len(c.images) for t, c in zip(texts, conversations)]
        for idx in self._batches(len(texts), lengths):
            enc = self._encode([texts[i] for i in idx], [conversations[i].images for i in idx], "left")
            gen = self.model.generate(**enc, max_new_tokens=max_new_tokens, do_sample=False,
                                      pad_token_id=self.tokenizer.pad_token_id)
            new = gen[:, enc["input_ids"].shape[1]:]
            for k, i in enumerate(idx):
                out[i] = self.tokenizer.decode(new[k], skip_special_tokens=True).strip()
        return out

    def _split(self, conv: Conversation, continuation: str) -> tuple[str, str]:
        """(prefix, prefix + continuation) as the chat template renders the continuation as the reply."""
        full = self.processor.apply_chat_template(self.messages(conv, [assistant_turn(continuation)]),
                                                  add_generation_prompt=False, tokenize=False)
        at = full.rfind(continuation) if continuation else -1
        if at >= 0:
            prefix, text = full[:at], full[: at + len(continuation)]
        else:
            prefix = self.render(conv)  # the template changed the text: append it to the generation prompt
            text = prefix + continuation
        # a space before the reply belongs to the reply's first token in byte-level BPE ("ASSISTANT:" + " seven"),
        # so the prefix ends before it and the space is scored with the continuation
        prefix = prefix.rstrip(" ")
        if self.processor_suffix and prefix.endswith(self.processor_suffix):
            prefix = prefix[: -len(self.processor_suffix)]  # the processor adds it back
        return prefix, text

    def loglikelihood(self, requests: list[tuple[Conversation, str]]) -> list[tuple[float, int]]:
        import torch

        with torch.inference_mode(), self._one_line("loglikelihood"):
            return self._loglikelihood(requests)

    @contextlib.contextmanager
    def _one_line(self, what: str):
        """A model that fails on its inputs is one line for the user (the traceback at debug level)."""
        try:
            yield
        except (RuntimeError, ValueError, TypeError, IndexError, KeyError) as e:
            log.debug("%s failed", what, exc_info=True)
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            raise InputError(f"{self.name} ({self.family or 'model'}): {what} failed: {type(e).__name__}: "
                             f"{first}"[:300] + " (babyvlm -v shows the traceback)") from None

    def _loglikelihood(self, requests: list[tuple[Conversation, str]]) -> list[tuple[float, int]]:
        import torch

        pairs = [self._split(c, cont) for c, cont in requests]
        out: list[tuple[float, int]] = [(0.0, 0)] * len(requests)
        lengths = [len(full) + 1000 * len(c.images) for (_, full), (c, _) in zip(pairs, requests)]
        for idx in self._batches(len(pairs), lengths):
            refs = [requests[i][0].images for i in idx]
            full = self._encode([pairs[i][1] for i in idx], refs, "right")
            pre = self._encode([pairs[i][0] for i in idx], refs, "right", with_images=False)  # only its length matters
            logits = self.model(**full).logits.float()
            logprobs = torch.log_softmax(logits, dim=-1)
            for k, i in enumerate(idx):
                valid = full["attention_mask"][k].bool()
                ids = full["input_ids"][k][valid]
                # where the row's tokens start: 0 when right-padded, as asked; some processors
                # (InternVL) pad on the left whatever the tokenizer says
                start = int(valid.nonzero()[0])
                pids = pre["input_ids"][k][pre["attention_mask"][k].bool()]
                n_common = 0
                for a, b in zip(pids.tolist(), ids.tolist()):
                    if a != b:
                        break
                    n_common += 1
                n_common = max(n_common, 1)  # the first token has no prediction to score
                target = ids[n_common: len(ids) - self.suffix_tokens]
                # position t predicts token t + 1
                lp = logprobs[k, start + n_common - 1: start + n_common - 1 + len(target)].gather(1, target[:, None]).sum()
                out[i] = (float(lp), int(len(target)))
        return out


    def close(self) -> None:
        self.inputs.close()


def load(arg: str, options: AdapterOptions) -> HFAdapter:
    return HFAdapter(arg, options)
