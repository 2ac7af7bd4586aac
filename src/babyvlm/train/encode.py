"""Conversations -> token ids and labels, with a loss only on answer tokens.

The rendered template (see `babyvlm.model.templates`) is tokenized piece by piece; answer pieces
(the assistant's text and its `</s>`) keep their ids as labels, everything else gets -100. Each
`<image>` stays one id here (compact storage) and is expanded to `tokens_per_image` copies when a
batch is built, exactly as the processor expands it at evaluation time.

Truncation to `max_length` never cuts through an image's tokens: the cut moves back to before the
image, and that image (and every later one) is dropped with it. A sample left without any answer
token is skipped, with the reason recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from babyvlm.model.templates import render_segments

IGNORE = -100


@dataclass
class Encoded:
    ids: np.ndarray  # int32, compact: one id per image
    labels: np.ndarray  # int32, -100 where no loss
    n_images: int  # images kept (after truncation)
    length: int  # tokens after image expansion
    truncated: bool = False


class Encoder:
    def __init__(self, tokenizer, *, template: str, tokens_per_image: int, max_length: int):
        self.tok = tokenizer.backend_tokenizer  # the Rust tokenizer: batch encoding without Python overhead
        self.template = template
        self.tpi = tokens_per_image
        self.max_length = max_length
        self.bos = tokenizer.bos_token_id
        self.image_id = tokenizer.convert_tokens_to_ids("<image>")

    def encode_many(self, message_lists: list[list[dict]]) -> list[Encoded | str]:
        """Encoded samples, or a one-line reason for each sample that cannot be used."""
        segs = [render_segments(m, self.template) for m in message_lists]
        flat = [t for s in segs for t, _ in s]
        enc = self.tok.encode_batch(flat, add_special_tokens=False) if flat else []
        out: list[Encoded | str] = []
        k = 0
        for s in segs:
            ids = [self.bos]
            labels = [IGNORE]
            for _, is_answer in s:
                e = enc[k].ids
                k += 1
                ids.extend(e)
                labels.extend(e if is_answer else [IGNORE] * len(e))
            out.append(self._finish(np.asarray(ids, np.int32), np.asarray(labels, np.int32)))
        return out

    def _finish(self, ids: np.ndarray, labels: np.ndarray) -> Encoded | str:
        is_img = ids == self.image_id
        labels[is_img] = IGNORE  # an image is never a target
        widths = np.where(is_img, self.tpi, 1)
        ends = np.cumsum(widths)  # expanded position just after each compact token
        total = int(ends[-1])
        truncated = False
        if total > self.max_length:
            truncated = True
            keep = int(np.searchsorted(ends, self.max_length, side="right"))  # whole tokens that fit
            ids, labels, is_img = ids[:keep], labels[:keep], is_img[:keep]
            total = int(ends[keep - 1]) if keep else 0
        if not (labels != IGNORE).any():
            return (f"no answer token within max_length {self.max_length}" if truncated
                    else "no answer tokens (empty answer?)")
        return Encoded(ids=ids, labels=labels, n_images=int(is_img.sum()), length=total, truncated=truncated)

    def expand(self, e: Encoded) -> tuple[np.ndarray, np.ndarray]:
        """Expanded ids and labels (each image id repeated tokens_per_image times)."""
        reps = np.where(e.ids == self.image_id, self.tpi, 1)
        return np.repeat(e.ids, reps), np.repeat(e.labels, reps)
