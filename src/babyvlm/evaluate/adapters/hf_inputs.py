"""Model inputs for a batch: the processor's output, with processed images cached and computed in threads.

`processor(text=texts, images=images)` preprocesses every image of every call. In a harness that is
most of the time a small model spends (decoding and resizing photos is not batched), and the memory
task sends every earlier image again each round. `ModelInputs` builds the same tensors from parts,
for any family whose processor writes each image in place of its `<image>` placeholder:

- each distinct image (by content) is processed once, in a thread pool (PIL decoding and resizing
  release the GIL), and kept in an LRU cache of `cache_size` images. The first image of each size
  goes through the processor on its own, `processor(text=[<image>], images=[[image]])`: that gives
  its tensors with the processor's own settings (tiling, patching, crops) and the text it writes
  for the placeholder (`<image>` x N for Llava, `<|image_pad|>` x N for Qwen2-VL, rows of tile tokens
  for Idefics3, `<img>...</img>` for InternVL, blank lines and `<start_of_image>...` for Gemma3).
  Later images of a known size go through the image processor alone where, checked on the first
  image, it gives the processor's tensors (every family here but InternVL, which crops in the processor);
- the texts, each placeholder replaced by its image's text, are tokenized in one call;
- the image tensors are joined the way the processor joins them: one after another (Llava, Qwen,
  InternVL, Gemma3), one row per image with tiles padded to the most (LLaVA-NeXT, OneVision) or one
  row per conversation padded to the longest (Idefics3, SmolVLM);
- per-token inputs the processor adds (Qwen's `mm_token_type_ids`, Gemma3's `token_type_ids`) are
  the value it gives each token id.

The fast path only ever returns what the processor itself would, else the processor is used:

- each new kind of batch (images' tensors of one shape or of several, turns of one image or of
  several) is checked once against the processor's own output, tensor by tensor; that check also
  decides how tensors are joined and learns the per-token inputs. A kind whose check fails (a
  processor that treats an image differently beside others, as LLaVA-OneVision does in multi-image
  turns) always goes to the processor; the other kinds stay fast;
- a processor that does not write images in place (PaliGemma puts them before the whole prompt)
  and any error inside the fast path switch it off for good (logged once). `cache_size=0` always
  uses the processor.
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
        self.state = "unverified" if cache_size > 0 else "off"
        self._images: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._verified: dict[tuple, str] = {}  # batch kinds checked against the processor -> how tensors join
        self._rejected: set[tuple] = set()  # batch kinds where the parts did not make its output
        self._in_place = False  # checked on the first image
        self._alone: bool | None = None  # does the image processor alone give the processor's tensors?
        self._by_size: dict[tuple[int, int], dict[str, Any]] = {}  # placeholder text, keys, shorter way or not
        self._per_token: dict[str, tuple[dict[int, int], int]] = {}  # key -> (value per token id, default)
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
        """One image's tensors and the text the processor writes for its placeholder."""
        pil = ref.pil()
        known = self._by_size.get(pil.size)
        if known is not None and known["image_processor"]:
            out = self.processor.image_processor(images=[pil], return_tensors="pt")
            return {"tensors": {k: out[k] for k in known["keys"]}, "text": known["text"]}
        part = self._through_processor(pil)
        if known is None:
            if self._alone is None:  # decided once: processor-only settings do not depend on the size
                self._alone = self._same_alone(pil, part["tensors"])
            self._by_size[pil.size] = {"text": part["text"], "keys": list(part["tensors"]), "image_processor": self._alone}
        return part

    def _through_processor(self, pil) -> dict[str, Any]:
        out = dict(self.processor(text=[self.image_token], images=[[pil]], return_tensors="pt"))
        ids = out["input_ids"][0].tolist()
        plain = self.tokenizer([self.image_token])["input_ids"][0]
        if plain.count(self.image_token_id) != 1:
            raise _NotInPlace("the tokenizer does not keep the image placeholder as one token")
        at = plain.index(self.image_token_id)
        before, after = plain[:at], plain[at + 1:]
        if ids[:len(before)] != before or (after and ids[-len(after):] != after) or len(ids) <= len(plain) - 1:
            raise _NotInPlace("the processor does not write each image in place of its placeholder")
        if not self._in_place:  # once: text around the placeholder stays around the image, and nothing is
            # added to the text as a whole (PaliGemma moves images first and ends every prompt with a newline)
            text = f"a{self.image_token}a"
            plain = self.tokenizer([text])["input_ids"][0]
            got = list(self.processor(text=[text], images=[[pil]])["input_ids"][0])
            at = plain.index(self.image_token_id)
            if got[:at] != plain[:at] or got[len(got) - (len(plain) - at - 1):] != plain[at + 1:]:
                raise _NotInPlace("the processor does not write each image in place of its placeholder")
            self._in_place = True
        middle = ids[len(before): len(ids) - len(after)]
        text = self.tokenizer.decode(middle, skip_special_tokens=False, clean_up_tokenization_spaces=False)
        n = out["input_ids"].shape[1]
        tensors = {k: v for k, v in out.items()
                   if hasattr(v, "shape") and k != "input_ids" and not (v.dim() == 2 and v.shape == (1, n))}
        return {"tensors": tensors, "text": text}

    def _same_alone(self, pil, tensors: dict[str, Any]) -> bool:
        """Does `processor.image_processor` alone give these tensors (no processor-only settings)?"""
        if not hasattr(self.processor, "image_processor"):
            return False
        try:
            out = self.processor.image_processor(images=[pil], return_tensors="pt")
        except Exception:  # noqa: BLE001 - then the whole processor it is
            return False
        return all(k in out and hasattr(out[k], "shape") for k in tensors) and _same(
            {k: out[k] for k in tensors}, tensors)

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

    def fast(self, texts: list[str], refs: list[list[ImageRef]]) -> tuple[dict[str, dict[str, Any]], tuple] | None:
        """({layout: inputs}, batch kind) built from cached parts, or None where the parts cannot make
        the processor's output (a text whose placeholder count differs from its images)."""
        counts = [len(rs) for rs in refs]
        turns = tuple(sorted({min(c, 2) for c in counts}))
        if any(k[2] == turns for k in self._rejected) and not any(k[2] == turns for k in self._verified):
            return {}, ()  # the processor treats such turns its own way: no need to process the parts
        flat = [r for rs in refs for r in rs]
        parts = self._get(flat) if flat else []
        expanded, pos = [], 0
        for text, rs in zip(texts, refs):
            pieces = text.split(self.image_token)
            if len(pieces) - 1 != len(rs):
                return None
            s = pieces[0]
            for k, piece in enumerate(pieces[1:]):
                s += parts[pos + k]["text"] + piece
            pos += len(rs)
            expanded.append(s)
        # the batch's kind: whether its images' tensors differ in shape (padding), and whether turns
        # hold one image or several (OneVision processes a multi-image turn's images differently)
        shapes = {tuple((k, tuple(v.shape)) for k, v in sorted(p["tensors"].items())) for p in parts}
        signature = (tuple(sorted(parts[0]["tensors"])) if parts else (), len(shapes) > 1, turns)
        if signature in self._rejected:
            return {}, signature
        enc = dict(self.tokenizer(expanded, return_tensors="pt", padding=True))
        for key, (table, default) in self._per_token.items():
            enc[key] = _lookup(enc["input_ids"], table, default)
        layouts = [self._verified[signature]] if signature in self._verified else list(_JOIN)
        built = {}
        for layout in layouts:
            tensors = _JOIN[layout](parts, counts)
            if tensors is not None:
                built[layout] = {**enc, **tensors}
        return built, signature

    # ------------------------------------------------------------------
    def __call__(self, texts: list[str], refs: list[list[ImageRef]], *, with_images: bool = True) -> dict[str, Any]:
        if self.state == "off" or not any(refs):
            return self.slow(texts, refs, with_images=with_images)
        try:
            built = self.fast(texts, refs)
        except _NotInPlace as e:
            self._switch_off(str(e))
            return self.slow(texts, refs, with_images=with_images)
        except Exception as e:  # noqa: BLE001 - whatever breaks here, the processor still knows how
            self._switch_off(f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"[:200])
            return self.slow(texts, refs, with_images=with_images)
        if built is None or not built[0]:  # no way to join these parts, or a kind that failed its check
            return self.slow(texts, refs, with_images=with_images)
        candidates, signature = built
        if signature not in self._verified:
            ref = self.slow(texts, refs)
            self._check(candidates, ref, signature)
            return ref
        fast = candidates[self._verified[signature]]
        if not with_images:
            fast = {k: v for k, v in fast.items() if k in ("input_ids", "attention_mask")}
        return fast

    def _check(self, candidates: dict[str, dict[str, Any]], ref: dict[str, Any], signature: tuple) -> None:
        """Accept a batch kind if one way of joining the parts gives exactly the processor's output."""
        for layout, enc in candidates.items():
            enc = self._with_per_token(enc, ref)
            if enc is not None and _same(enc, ref):
                self._verified[signature] = layout
                self.state = "on"
                return
        self._rejected.add(signature)
        log.info("model inputs: for batches of this kind the processor's own output differs from the cached "
                 "path; the processor handles them")

    def _with_per_token(self, enc: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any] | None:
        """`enc` with the processor's per-token inputs it lacks, learnt from `ref` (the value of each
        token id); None where a value is not a function of the token id."""
        ids = ref["input_ids"]
        enc = {k: v for k, v in enc.items() if k in ref}  # what the processor does not return, neither do we
        for key, value in ref.items():
            if key in enc or not hasattr(value, "shape") or value.shape != ids.shape or value.is_floating_point():
                continue
            table: dict[int, int] = dict(self._per_token.get(key, ({}, 0))[0])
            for i, v in zip(ids.flatten().tolist(), value.flatten().tolist()):
                if table.setdefault(i, v) != v:
                    return None
            values = list(table.values())
            default = max(set(values), key=values.count)  # ordinary text tokens: the most common value
            self._per_token[key] = (table, default)
            enc[key] = _lookup(enc["input_ids"], table, default)
        return enc

    def _switch_off(self, why: str) -> None:
        self.state = "off"
        log.info("model inputs: %s; using the processor for every batch", why)

    def close(self) -> None:
        self._pool.shutdown(wait=False)


class _NotInPlace(Exception):
    """The processor's output cannot be built from images processed one by one."""


def _lookup(ids, table: dict[int, int], default: int):
    import torch

    out = torch.full_like(ids, default)
    for i, v in table.items():
        if v != default:
            out[ids == i] = v
    return out


def _join_flat(parts: list[dict[str, Any]], counts: list[int]) -> dict[str, Any] | None:
    """Every image's tensors one after another (Llava, LLaVA-NeXT, Qwen2-VL, InternVL, Gemma3)."""
    import torch

    if not parts:
        return {}
    out = {}
    for key in parts[0]["tensors"]:
        ts = [p["tensors"].get(key) for p in parts]
        if any(t is None or t.shape[1:] != ts[0].shape[1:] for t in ts):
            return None  # tiles or sizes differ: the processor pads them its own way
        out[key] = torch.cat(ts, dim=0)
    return out


def _join_rows(parts: list[dict[str, Any]], sizes: list[int]) -> dict[str, Any] | None:
    """One row per group of `sizes` images, the group's tiles side by side along dimension 1,
    zero-padded to the longest row (what processors do with unequal tile counts)."""
    import torch

    if not parts:
        return {}
    out = {}
    for key in parts[0]["tensors"]:
        if parts[0]["tensors"][key].dim() < 2:  # one number per image (OneVision's batch_num_images)
            flat = _join_flat([{"tensors": {key: p["tensors"].get(key)}} for p in parts], sizes)
            if flat is None:
                return None
            out.update(flat)
            continue
        rows, pos = [], 0
        for n in sizes:
            ts = [p["tensors"].get(key) for p in parts[pos: pos + n]]
            pos += n
            if any(t is None or t.dim() < 2 or t.shape[0] != 1 or t.shape[2:] != ts[0].shape[2:] for t in ts):
                return None
            rows.append(torch.cat(ts, dim=1))
        if any(r.shape[2:] != rows[0].shape[2:] for r in rows):
            return None
        width = max(r.shape[1] for r in rows)
        out[key] = torch.cat([torch.cat([r, r.new_zeros((1, width - r.shape[1], *r.shape[2:]))], dim=1)
                              for r in rows], dim=0)
    return out


# the ways processors join images' tensors; each batch kind's check picks the one that matches
_JOIN = {
    "flat": _join_flat,  # one after another
    # one row per image, tiles padded to the most (LLaVA-NeXT, OneVision with unequal tile counts)
    "per_image": lambda parts, counts: _join_rows(parts, [1] * len(parts)),
    # one row per conversation (Idefics3, SmolVLM: pixel_values of shape (conversations, tiles, C, H, W))
    "per_conversation": _join_rows,
}



def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    import torch

    ka = {k for k, v in a.items() if hasattr(v, "shape")}
    kb = {k for k, v in b.items() if hasattr(v, "shape")}
    if ka != kb:
        return False
    return all(a[k].shape == b[k].shape and torch.equal(a[k], b[k]) for k in ka)
