"""Model inputs for a batch: the processor's output, with processed images cached and computed in threads.

`processor(text=texts, images=images)` preprocesses every image of every call. In a harness that is
most of the time a small model spends (decoding and resizing photos is not batched), and the memory
task sends every earlier image again each round. `ModelInputs` builds the same tensors from parts:

- each distinct image (by path) is preprocessed once with `processor.image_processor`, in a thread
  pool (PIL decoding and resizing release the GIL), and kept in an LRU cache of `cache_size` images;
- each `<image>` in the rendered text is expanded to that image's number of image tokens (learnt
  once per image size from the processor itself) and the texts are tokenized in one call;
- the image tensors are concatenated in the order of the images.

The fast path only ever returns what the processor itself would, else the processor is used:

- a batch whose images' tensors differ in shape (any-resolution tiles: LLaVA-NeXT, OneVision,
  Idefics3, SmolVLM give each image its own number of tiles, and the processor pads them to the
  batch) is handed to the processor;
- each new shape of image tensors is checked once against the processor's own output, tensor by
  tensor; if anything differs (a processor that adds inputs of its own, moves `<image>`, inserts
  tokens around it, ...) the fast path is switched off for good;
- any error inside the fast path switches it off too (logged once), and the batch goes to the
  processor. `cache_size=0` always uses the processor.
"""

from __future__ import annotations

import logging
import os
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from babyvlm.tasks.conversation import ImageRef

log = logging.getLogger("babyvlm")


class ModelInputs:
    def __init__(self, processor: Any, tokenizer: Any, *, cache_size: int = 512, workers: int | None = None):
        self.processor = processor
        self.tokenizer = tokenizer
        self.image_token = getattr(processor, "image_token", "<image>")
        self.image_token_id = tokenizer.convert_tokens_to_ids(self.image_token)
        self.cache_size = cache_size
        self.state = "unverified" if cache_size > 0 and hasattr(processor, "image_processor") else "off"
        self._images: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._tokens_per_size: dict[tuple[int, int], int] = {}
        self._verified: set[tuple] = set()  # shapes of image tensors checked against the processor
        self._pool = ThreadPoolExecutor(max_workers=workers or min(8, os.cpu_count() or 1))

    # ------------------------------------------------------------------ the processor as it is
    def slow(self, texts: list[str], refs: list[list[ImageRef]], **_: Any) -> dict[str, Any]:
        # the side set on the tokenizer, said explicitly: some processors (InternVL) default to their own
        kwargs: dict[str, Any] = {"text": texts, "return_tensors": "pt", "padding": True,
                                  "padding_side": self.tokenizer.padding_side}
        if any(refs):
            if not all(refs):
                from babyvlm.errors import InputError

                raise InputError("a batch mixes conversations with and without images")
            kwargs["images"] = [[r.pil() for r in rs] for rs in refs]
        try:
            return dict(self.processor(**kwargs))
        except (RuntimeError, ValueError, TypeError, IndexError, KeyError) as e:
            from babyvlm.errors import InputError

            log.debug("processor failed", exc_info=True)
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            raise InputError(f"{type(self.processor).__name__} failed on a batch of {len(texts)}: "
                             f"{type(e).__name__}: {first}"[:300] + " (babyvlm -v shows the traceback)") from None

    # ------------------------------------------------------------------ from parts
    def _process(self, ref: ImageRef) -> dict[str, Any]:
        out = self.processor.image_processor(images=[ref.pil()], return_tensors="pt")
        size = ref.pil().size
        if size not in self._tokens_per_size:
            probe = self.processor(text=[self.image_token], images=[[ref.pil()]], return_tensors="pt")
            self._tokens_per_size[size] = int((probe["input_ids"] == self.image_token_id).sum())
        return {"tensors": {k: v for k, v in out.items() if hasattr(v, "shape")}, "tokens": self._tokens_per_size[size]}

    def _get(self, refs: list[ImageRef]) -> list[dict[str, Any]]:
        keys = [r.fingerprint() for r in refs]
        missing = {}
        for k, r in zip(keys, refs):
            if k not in self._images and k not in missing:
                missing[k] = r
        for k, v in zip(missing, self._pool.map(self._process, missing.values())):
            self._images[k] = v
        out = []
        for k in keys:
            self._images.move_to_end(k)
            out.append(self._images[k])
        while len(self._images) > self.cache_size:
            self._images.popitem(last=False)
        return out

    def fast(self, texts: list[str], refs: list[list[ImageRef]], *,
             with_images: bool = True) -> tuple[dict[str, Any], tuple] | None:
        """(inputs, shape signature) built from cached parts, or None where the parts cannot make
        the processor's output (a text whose `<image>` count differs, images of unequal shapes)."""
        import torch

        flat = [r for rs in refs for r in rs]
        parts = self._get(flat) if flat else []
        shapes = {tuple((k, tuple(v.shape[1:])) for k, v in sorted(p["tensors"].items())) for p in parts}
        if len(shapes) > 1:
            return None  # tiles or sizes differ: the processor pads them its own way
        expanded, pos = [], 0
        for text, rs in zip(texts, refs):
            pieces = text.split(self.image_token)
            if len(pieces) - 1 != len(rs):
                return None
            s = pieces[0]
            for k, piece in enumerate(pieces[1:]):
                s += self.image_token * parts[pos + k]["tokens"] + piece
            pos += len(rs)
            expanded.append(s)
        enc = dict(self.tokenizer(expanded, return_tensors="pt", padding=True))
        if with_images and parts:
            for key in parts[0]["tensors"]:
                enc[key] = torch.cat([p["tensors"][key] for p in parts], dim=0)
        return enc, next(iter(shapes), ())

    # ------------------------------------------------------------------
    def __call__(self, texts: list[str], refs: list[list[ImageRef]], *, with_images: bool = True) -> dict[str, Any]:
        if self.state == "off" or not any(refs):
            return self.slow(texts, refs, with_images=with_images)
        try:
            built = self.fast(texts, refs, with_images=True)
        except Exception as e:  # noqa: BLE001 - whatever breaks here, the processor still knows how
            self._switch_off(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:200])
            return self.slow(texts, refs, with_images=with_images)
        if built is None:
            return self.slow(texts, refs, with_images=with_images)
        fast, signature = built
        if signature not in self._verified:
            ref = self.slow(texts, refs)
            if _same(fast, ref):
                self._verified.add(signature)
                self.state = "on"
            else:
                self._switch_off("the processor's own output differs from the cached path")
            return ref
        if not with_images:
            fast = {k: v for k, v in fast.items() if k in ("input_ids", "attention_mask")}
        return fast

    def _switch_off(self, why: str) -> None:
        self.state = "off"
        log.info("model inputs: %s; using the processor for every batch", why)

    def close(self) -> None:
        self._pool.shutdown(wait=False)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    import torch

    ka = {k for k, v in a.items() if hasattr(v, "shape")}
    kb = {k for k, v in b.items() if hasattr(v, "shape")}
    if ka != kb:
        return False
    return all(a[k].shape == b[k].shape and torch.equal(a[k], b[k]) for k in ka)
