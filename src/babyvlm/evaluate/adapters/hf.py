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

from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.evaluate.adapters.base import AdapterOptions, ModelAdapter
from babyvlm.evaluate.adapters.hf_inputs import ModelInputs
from babyvlm.evaluate.adapters.hf_rounds import RoundCache
from babyvlm.tasks.conversation import Conversation, assistant_turn


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
        from transformers import AutoModelForImageTextToText, AutoProcessor

        options = options or AdapterOptions()
        self.path = Path(path)
        self.name = f"hf:{path}"
        self.batch_size = max(1, options.batch_size)
        self.device = _device(options.device)
        self.dtype = _dtype(options.dtype, self.device)
        if processor is None or model is None:
            if not self.path.is_dir():
                raise InputError(f"hf:{path}: not a folder (give a local model directory)")
            try:
                processor = AutoProcessor.from_pretrained(self.path, local_files_only=True)
                model = AutoModelForImageTextToText.from_pretrained(self.path, dtype=self.dtype, local_files_only=True)
            except (OSError, ValueError) as e:
                raise InputError(f"hf:{path}: cannot load model/processor ({str(e).splitlines()[0]})") from None
        self.processor = processor
        self.tokenizer = getattr(processor, "tokenizer", processor)
        if getattr(processor, "chat_template", None) is None and getattr(self.tokenizer, "chat_template", None) is None:
            raise InputError(f"hf:{path}: the processor has no chat template")
        if self.tokenizer.pad_token_id is None:
            self.tokenizer.pad_token = self.tokenizer.eos_token
        self.model = model.to(self.device).eval()
        self.inputs = ModelInputs(processor, self.tokenizer, cache_size=options.image_cache)
        self.rounds = RoundCache(self) if options.prefix_cache else None

    def cache_id(self) -> str:
        # the folder and its weights' modification time: a retrained checkpoint is a new model
        stamp = max((p.stat().st_mtime_ns for p in self.path.glob("*.safetensors")), default=0) if self.path.is_dir() else 0
        return f"hf:{self.path.resolve() if self.path.exists() else self.path}:{stamp}:{self.dtype}"

    # ------------------------------------------------------------------ rendering
    def render(self, conv: Conversation, *, generation_prompt: bool = True) -> str:
        return self.processor.apply_chat_template(conv.with_system(), add_generation_prompt=generation_prompt,
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

        with torch.inference_mode():
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
        full = self.processor.apply_chat_template(conv.with_system() + [assistant_turn(continuation)],
                                                  add_generation_prompt=False, tokenize=False)
        at = full.rfind(continuation) if continuation else -1
        if at >= 0:
            prefix, text = full[:at], full[: at + len(continuation)]
        else:
            prefix = self.render(conv)  # the template changed the text: append it to the generation prompt
            text = prefix + continuation
        # a space before the reply belongs to the reply's first token in byte-level BPE ("ASSISTANT:" + " seven"),
        # so the prefix ends before it and the space is scored with the continuation
        return prefix.rstrip(" "), text

    def loglikelihood(self, requests: list[tuple[Conversation, str]]) -> list[tuple[float, int]]:
        import torch

        with torch.inference_mode():
            return self._loglikelihood(requests)

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
                ids = full["input_ids"][k][full["attention_mask"][k].bool()]
                pids = pre["input_ids"][k][pre["attention_mask"][k].bool()]
                n_common = 0
                for a, b in zip(pids.tolist(), ids.tolist()):
                    if a != b:
                        break
                    n_common += 1
                n_common = max(n_common, 1)  # the first token has no prediction to score
                target = ids[n_common:]
                # right padding: position t predicts token t + 1
                lp = logprobs[k, n_common - 1: len(ids) - 1].gather(1, target[:, None]).sum()
                out[i] = (float(lp), int(len(target)))
        return out


    def close(self) -> None:
        self.inputs.close()


def load(arg: str, options: AdapterOptions) -> HFAdapter:
    return HFAdapter(arg, options)
