"""The processor saved with every checkpoint: tokenizer + PIL ViT image processor + chat templates.

`LlavaProcessor` expands each `<image>` in a text to `tokens_per_image` copies (CLS + patches,
`vision_feature_select_strategy="full"`, `num_additional_image_tokens=1`), so a prompt rendered by
the chat template and passed with its images to `processor(text=..., images=...)` lines up with the
vision tower's output. Training uses the same image processor, so pixels match at evaluation.
"""

from __future__ import annotations

from pathlib import Path

from babyvlm.model.config import ModelConfig
from babyvlm.model.templates import chat_templates


def build_image_processor(cfg: ModelConfig):
    from transformers import ViTImageProcessorPil  # the PIL backend: no torchvision needed

    v = cfg.vision
    return ViTImageProcessorPil(
        size={"height": v.image_size, "width": v.image_size},
        image_mean=list(v.image_mean), image_std=list(v.image_std),
        do_resize=True, do_rescale=True, do_normalize=True, do_convert_rgb=True,
    )


def build_processor(tokenizer, cfg: ModelConfig):
    from transformers import LlavaProcessor

    return LlavaProcessor(
        image_processor=build_image_processor(cfg),
        tokenizer=tokenizer,
        patch_size=cfg.vision.patch_size,
        vision_feature_select_strategy="full",
        num_additional_image_tokens=1,  # the CLS token
        chat_template=chat_templates(),
    )


def load_processor(path: str | Path):
    from transformers import AutoProcessor

    return AutoProcessor.from_pretrained(str(path))
