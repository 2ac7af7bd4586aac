"""The BabyVLM model: size presets, the corpus-trained tokenizer, chat templates, the processor, and
building / initialising / saving / loading the Llava-format VLM (see docs/training.md)."""

from babyvlm.model.config import ModelConfig, TextConfig, VisionConfig, load_model_config
from babyvlm.model.templates import DEFAULT_TEMPLATE, TEMPLATES, render, render_segments, to_messages

__all__ = [
    "DEFAULT_TEMPLATE",
    "ModelConfig",
    "TEMPLATES",
    "TextConfig",
    "VisionConfig",
    "load_model_config",
    "render",
    "render_segments",
    "to_messages",
]
