"""A small image-utterance contrastive model in the spirit of CVCL (Vong et al., Science 2024).

* Image side: a small strided CNN over a small square frame (64 px by default: a 4x4 patchify layer,
  then two stride-2 convolutions); its last feature map is a grid of patch embeddings (4x4 at 64 px),
  each L2-normalised.
* Utterance side: a word embedding with attention pooling (a learned weight per word, softmaxed over
  the utterance), so "look at the ball" can rest on "ball" rather than on the frame words that occur
  everywhere. CVCL pools by the mean; the learned weight is the one addition.
* Similarity: the best-matching patch (max over the grid of patch-text cosines). An utterance names
  one object that may fill a small part of a head-camera frame, so "is it anywhere in view" is a
  better question than "does the whole frame look like it" (multiple-instance matching).

Trained with the symmetric InfoNCE loss over in-batch pairs, where pairs with the same utterance
text count as positives of each other.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from babyvlm.scoring.baby.text import PAD, UNK


class ImageEncoder(nn.Module):
    def __init__(self, dim: int, channels: list[int], strides: list[int]):
        super().__init__()
        if len(channels) != len(strides):
            raise ValueError("channels and strides need the same length")
        layers: list[nn.Module] = []
        c_in = 3
        for c, s in zip(channels, strides):
            # stride > 2 is a patchify layer (kernel = stride), cheaper than stacking stride-2 convs
            k, p = (3, 1) if s <= 2 else (s, 0)
            layers += [nn.Conv2d(c_in, c, k, stride=s, padding=p, bias=False), nn.BatchNorm2d(c), nn.ReLU(inplace=True)]
            c_in = c
        self.body = nn.Sequential(*layers)
        self.proj = nn.Conv2d(c_in, dim, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, 3, S, S) -> (B, P, D) normalised patch embeddings."""
        f = self.proj(self.body(x))
        return F.normalize(f.flatten(2).transpose(1, 2), dim=-1)


class TextEncoder(nn.Module):
    def __init__(self, vocab_size: int, dim: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, dim, padding_idx=PAD)
        self.weight = nn.Embedding(vocab_size, 1, padding_idx=PAD)
        nn.init.normal_(self.embed.weight, std=0.1)
        nn.init.zeros_(self.weight.weight)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """(B, L) word ids -> (B, D) normalised utterance embeddings. Unknown words carry nothing, so an
        utterance without a known word is the zero vector (similarity 0 to everything)."""
        mask = ids > UNK
        logits = self.weight(ids).squeeze(-1).masked_fill(~mask, -1e4)
        w = torch.softmax(logits, dim=-1) * mask
        return F.normalize((w.unsqueeze(-1) * self.embed(ids)).sum(1), dim=-1)


class BabyCLIP(nn.Module):
    def __init__(self, vocab_size: int, dim: int = 64, channels: list[int] | None = None,
                 strides: list[int] | None = None):
        super().__init__()
        self.image = ImageEncoder(dim, channels or [32, 64, 128], strides or [4, 2, 2])
        self.text = TextEncoder(vocab_size, dim)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / 0.07)))

    @staticmethod
    def matrix(patches: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """All-against-all similarity: (Bi, P, D) x (Bt, D) -> (Bi, Bt), max over patches."""
        return torch.einsum("ipd,td->itp", patches, text).amax(-1)

    @staticmethod
    def paired(patches: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        """Aligned pairs: (B, P, D) x (B, D) -> (B,)."""
        return torch.einsum("bpd,bd->bp", patches, text).amax(-1)

    def loss(self, images: torch.Tensor, ids: torch.Tensor, text_groups: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Symmetric InfoNCE; `text_groups[i] == text_groups[j]` marks the same utterance text."""
        sim = self.matrix(self.image(images), self.text(ids))
        logits = sim * self.logit_scale.exp().clamp(max=100)
        same = (text_groups[:, None] == text_groups[None, :]).float()
        target = same / same.sum(1, keepdim=True)
        loss_i = -(target * F.log_softmax(logits, dim=1)).sum(1).mean()
        loss_t = -(target * F.log_softmax(logits, dim=0).T).sum(1).mean()
        acc = (same[torch.arange(len(sim)), sim.argmax(1)] > 0).float().mean()
        return (loss_i + loss_t) / 2, acc
