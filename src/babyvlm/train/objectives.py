"""What each stage minimises, as modules returning (summed loss, count).

The engine divides the summed loss by the count over the whole global batch (all micro-batches and
all processes), so gradient accumulation and data parallelism give the gradient of one big batch.
Language losses are computed only where a label exists: the LM head runs on those positions alone,
which for short answers after long image prompts is most of its cost saved.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from babyvlm.train.encode import IGNORE


def _token_loss(hidden: torch.Tensor, labels: torch.Tensor, head: nn.Module) -> tuple[torch.Tensor, torch.Tensor]:
    h = hidden[:, :-1]
    tgt = labels[:, 1:]
    sel = tgt != IGNORE
    logits = head(h[sel]).float()
    loss = F.cross_entropy(logits, tgt[sel], reduction="sum")
    return loss, sel.sum()


def count_tokens(batch: dict) -> int:
    """Tokens with a loss in a micro-batch (known before the forward pass)."""
    return int((batch["labels"][:, 1:] != IGNORE).sum())


class LMObjective(nn.Module):
    """Next-token loss of a LlamaForCausalLM (stage 0a)."""

    def __init__(self, lm):
        super().__init__()
        self.lm = lm

    def forward(self, input_ids, labels, attention_mask=None, position_ids=None):
        out = self.lm.model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                            use_cache=False)
        return _token_loss(out.last_hidden_state, labels, self.lm.lm_head)


class VLMObjective(nn.Module):
    """Answer-token loss of a LlavaForConditionalGeneration (stages 1-3)."""

    def __init__(self, vlm):
        super().__init__()
        self.vlm = vlm

    def forward(self, input_ids, labels, pixel_values=None, attention_mask=None, position_ids=None):
        out = self.vlm.model(input_ids=input_ids, pixel_values=pixel_values, attention_mask=attention_mask,
                             position_ids=position_ids, use_cache=False)
        return _token_loss(out.last_hidden_state, labels, self.vlm.lm_head)
