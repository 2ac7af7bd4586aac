"""Datasets of the stages and the collation of micro-batches into model inputs.

- `TextData` (stage 0a): the transcript text as one token stream (`<s> utterance </s>` per line, in
  session order) cut into blocks of `max_length` tokens; the loss is on every token.
- `FrameData` (stage 0b): frame images (and, for the contrastive option, their utterances).
- `VLMData` (stages 1-3): encoded conversations with their images. A batch is packed rows
  (`position_ids` restart at every sample, so attention stays inside each sample) or padded rows
  (`attention_mask`). Images are in order of appearance, row by row, as Llava expects.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from babyvlm.errors import InputError
from babyvlm.train.batching import Rows
from babyvlm.train.encode import IGNORE, Encoded, Encoder
from babyvlm.train.samples import Sample
from babyvlm.util.rejects import Reject
from babyvlm.util.rngs import stream


def load_rgb(path: Path, *, what: str):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            return im.convert("RGB")
    except FileNotFoundError:
        raise InputError(f"{what}: image {path} is missing") from None
    except (UnidentifiedImageError, OSError) as e:
        raise InputError(f"{what}: image {path} cannot be read ({e})") from None


class ImageTransform:
    """The checkpoint's own image processor (so training pixels equal evaluation pixels)."""

    def __init__(self, image_processor):
        self.ip = image_processor

    def __call__(self, images: list) -> torch.Tensor:
        return self.ip(images=images, return_tensors="pt")["pixel_values"]


# --- stage 0a ---------------------------------------------------------------------------------------

class TextData:
    def __init__(self, lines: list[str], tokenizer, *, block: int):
        tok = tokenizer.backend_tokenizer
        bos, eos = tokenizer.bos_token_id, tokenizer.eos_token_id
        parts = []
        for e in tok.encode_batch(lines, add_special_tokens=False):
            parts.append(np.asarray([bos, *e.ids, eos], np.int32))
        stream = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        self.block = block
        n = len(stream) // block
        if n == 0 and len(stream) > 1:  # a text shorter than one block is one short block
            self.blocks = stream[None, :]
        else:
            self.blocks = stream[: n * block].reshape(n, block)
        self.n_tokens = int(self.blocks.size)
        self.lengths = np.full(len(self.blocks), self.blocks.shape[1] if len(self.blocks) else 0)

    def __len__(self) -> int:
        return len(self.blocks)

    def collate(self, rows: Rows, epoch: int = 0) -> dict[str, torch.Tensor]:
        idx = [r[0] for r in rows]
        ids = torch.from_numpy(self.blocks[idx].astype(np.int64))
        return {"input_ids": ids, "labels": ids.clone()}


# --- stage 0b ---------------------------------------------------------------------------------------

@dataclass
class Frame:
    path: Path
    text: str
    source: str


class FrameData:
    def __init__(self, frames: list[Frame], transform, *, seed: int = 0, tokenizer=None, max_text: int = 32):
        self.frames = frames
        self.transform = transform  # callable(pil, rng) -> dict of tensors (views of the image)
        self.seed = seed
        self.lengths = np.ones(len(frames), np.int64)
        self.text_ids = None
        if tokenizer is not None:  # contrastive option: the utterances as padded token ids
            enc = tokenizer.backend_tokenizer.encode_batch([f.text for f in frames], add_special_tokens=False)
            self.text_ids = np.zeros((len(frames), max_text), np.int64)
            for i, e in enumerate(enc):
                ids = e.ids[:max_text]
                self.text_ids[i, : len(ids)] = ids

    def __len__(self) -> int:
        return len(self.frames)

    def collate(self, rows: Rows, epoch: int = 0) -> dict:
        idx = [r[0] for r in rows]
        views = []
        for j in idx:
            f = self.frames[j]
            img = load_rgb(f.path, what=f.source)
            views.append(self.transform(img, stream(self.seed, epoch, j)))
        out = {k: torch.stack([v[k] for v in views]) for k in views[0]}
        if self.text_ids is not None:
            out["text_ids"] = torch.from_numpy(self.text_ids[idx])
        return out


def frames_from_samples(samples: list[Sample]) -> list[Frame]:
    """One frame per image of each sample (its utterance as the text), each file once."""
    from babyvlm.model.templates import content_text

    seen: set[Path] = set()
    out = []
    for s in samples:
        text = " ".join(content_text(m["content"]).strip() for m in s.messages if m["role"] == "assistant")
        for p in s.images:
            if p not in seen:
                seen.add(p)
                out.append(Frame(p, text, s.name))
    return out


# --- stages 1-3 -------------------------------------------------------------------------------------

class VLMData:
    def __init__(self, samples: list[Sample], encoder: Encoder, transform: ImageTransform, *, step: str):
        self.encoder = encoder
        self.transform = transform
        self.rejects: list[Reject] = []
        kept: list[Sample] = []
        enc: list[Encoded] = []
        results = encoder.encode_many([s.messages for s in samples])
        self.n_truncated = 0
        for s, r in zip(samples, results):
            if isinstance(r, str):
                self.rejects.append(Reject(source=s.source, reason=f"sample {s.id}: {r}", step=step))
                continue
            kept.append(s)
            enc.append(r)
            self.n_truncated += r.truncated
        self.samples = kept
        self.encoded = enc
        self.lengths = np.asarray([e.length for e in enc], np.int64)

    def __len__(self) -> int:
        return len(self.samples)

    def n_label_tokens(self, rows: Rows) -> int:
        return int(sum((self.encoded[j].labels[1:] != IGNORE).sum() for r in rows for j in r))

    def collate(self, rows: Rows, epoch: int = 0, *, packing: bool = True, pad_id: int = 0) -> dict[str, torch.Tensor]:
        seqs = []  # per row: list of (ids, labels)
        images = []
        for row in rows:
            parts = []
            for j in row:
                e = self.encoded[j]
                parts.append(self.encoder.expand(e))
                s = self.samples[j]
                images.extend(load_rgb(p, what=s.name) for p in s.images[: e.n_images])
            seqs.append(parts)
        width = max(sum(len(i) for i, _ in parts) for parts in seqs)
        B = len(seqs)
        input_ids = np.full((B, width), pad_id, np.int64)
        labels = np.full((B, width), IGNORE, np.int64)
        pos = np.zeros((B, width), np.int64)
        mask = np.zeros((B, width), np.int64)
        for b, parts in enumerate(seqs):
            o = 0
            for ids, lab in parts:
                n = len(ids)
                input_ids[b, o : o + n] = ids
                labels[b, o : o + n] = lab
                pos[b, o : o + n] = np.arange(n)
                o += n
            mask[b, :o] = 1
            pos[b, o:] = np.arange(width - o)  # padding is its own (ignored) segment
        out = {"input_ids": torch.from_numpy(input_ids), "labels": torch.from_numpy(labels)}
        if packing:
            out["position_ids"] = torch.from_numpy(pos)
        else:
            out["attention_mask"] = torch.from_numpy(mask)
        if images:
            out["pixel_values"] = self.transform(images)
        return out
