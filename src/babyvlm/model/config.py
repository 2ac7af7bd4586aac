"""Model size presets: the ViT vision tower, the connector and the LLaMA language model as one typed config.

`configs/model/<name>.yaml` holds the presets (tiny, small, paper). `to_hf_config` turns a config and
a trained tokenizer into the transformers `LlavaConfig` that every checkpoint carries, so anything
that loads Llava loads ours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from babyvlm.config import build_config
from babyvlm.errors import ConfigError


@dataclass
class VisionConfig:
    RANGES = {"image_size": ">=1", "patch_size": ">=1", "hidden_size": ">=1", "layers": ">=1",
              "heads": ">=1", "intermediate_size": ">=1", "layer_norm_eps": ">0", "image_mean": "0..1",
              "image_std": ">0"}

    image_size: int = 224
    patch_size: int = 16
    hidden_size: int = 1024
    layers: int = 24
    heads: int = 16
    intermediate_size: int = 4096
    layer_norm_eps: float = 1e-6
    image_mean: tuple[float, float, float] = (0.5, 0.5, 0.5)
    image_std: tuple[float, float, float] = (0.5, 0.5, 0.5)


@dataclass
class TextConfig:
    RANGES = {"hidden_size": ">=1", "layers": ">=1", "heads": ">=1", "kv_heads": ">=1",
              "intermediate_size": ">=1", "max_length": ">=16", "vocab_size": ">=300", "rope_theta": ">0",
              "rms_norm_eps": ">0"}

    hidden_size: int = 2048
    layers: int = 22
    heads: int = 32
    kv_heads: int = 4
    intermediate_size: int = 5632
    max_length: int = 8192  # context (max_position_embeddings)
    vocab_size: int = 6000  # target size of the byte-level BPE trained on the transcripts
    rope_theta: float = 10000.0
    rms_norm_eps: float = 1e-5
    tie_word_embeddings: bool = False


@dataclass
class ModelConfig:
    RANGES = {"init_std": ">0"}

    name: str = "paper"
    vision: VisionConfig = field(default_factory=VisionConfig)
    text: TextConfig = field(default_factory=TextConfig)
    projector_act: str = "gelu"
    init_std: float = 0.02  # std of the truncated-normal init of every linear and embedding
    attn_implementation: str = "sdpa"

    @property
    def tokens_per_image(self) -> int:
        """CLS + one token per patch (vision_feature_select_strategy 'full')."""
        return (self.vision.image_size // self.vision.patch_size) ** 2 + 1

    def check(self) -> ModelConfig:
        v, t = self.vision, self.text
        if v.image_size % v.patch_size:
            raise ConfigError(f"model.vision.image_size {v.image_size} is not a multiple of patch_size {v.patch_size}")
        if v.hidden_size % v.heads:
            raise ConfigError(f"model.vision.hidden_size {v.hidden_size} is not divisible by heads {v.heads}")
        if t.hidden_size % t.heads or t.heads % t.kv_heads:
            raise ConfigError(
                f"model.text: hidden_size {t.hidden_size}, heads {t.heads}, kv_heads {t.kv_heads} do not divide"
            )
        if t.vocab_size < 300:
            raise ConfigError("model.text.vocab_size must be at least 300 (256 bytes + special tokens + merges)")
        return self


def load_model_config(preset: str | None = "tiny", overrides: list[str] | tuple[str, ...] = (),
                      values: dict[str, Any] | None = None) -> ModelConfig:
    """A model preset by name (`tiny`, `small`, `paper`) or YAML path, with `--set` overrides."""
    name = preset if preset is None or "/" in str(preset) or str(preset).endswith((".yaml", ".yml")) else f"model/{preset}"
    return build_config(ModelConfig, section="model", preset=name, overrides=overrides, values=values).check()


def vision_hf_config(cfg: ModelConfig):
    from transformers import ViTConfig

    v = cfg.vision
    return ViTConfig(
        image_size=v.image_size, patch_size=v.patch_size, hidden_size=v.hidden_size, num_hidden_layers=v.layers,
        num_attention_heads=v.heads, intermediate_size=v.intermediate_size, layer_norm_eps=v.layer_norm_eps,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, initializer_range=cfg.init_std,
        hidden_act="gelu", qkv_bias=True,
    )


def text_hf_config(cfg: ModelConfig, vocab_size: int, *, bos: int, eos: int, pad: int):
    from transformers import LlamaConfig

    t = cfg.text
    return LlamaConfig(
        vocab_size=vocab_size, hidden_size=t.hidden_size, num_hidden_layers=t.layers, num_attention_heads=t.heads,
        num_key_value_heads=t.kv_heads, intermediate_size=t.intermediate_size, max_position_embeddings=t.max_length,
        rms_norm_eps=t.rms_norm_eps, rope_parameters={"rope_type": "default", "rope_theta": t.rope_theta},
        attention_dropout=0.0, hidden_act="silu", initializer_range=cfg.init_std, tie_word_embeddings=t.tie_word_embeddings,
        bos_token_id=bos, eos_token_id=eos, pad_token_id=pad, use_cache=True,
    )


def to_hf_config(cfg: ModelConfig, *, vocab_size: int, image_token_id: int, bos: int, eos: int, pad: int):
    """The LlavaConfig of a BabyVLM: ViT tower, all tokens (CLS + patches) from the last layer, 2-layer MLP."""
    from transformers import LlavaConfig

    hf = LlavaConfig(
        vision_config=vision_hf_config(cfg),
        text_config=text_hf_config(cfg, vocab_size, bos=bos, eos=eos, pad=pad),
        image_token_id=image_token_id,
        projector_hidden_act=cfg.projector_act,
        vision_feature_select_strategy="full",
        vision_feature_layer=-1,
        image_seq_length=cfg.tokens_per_image,
        multimodal_projector_bias=True,
        tie_word_embeddings=cfg.text.tie_word_embeddings,
    )
    hf.bos_token_id, hf.eos_token_id, hf.pad_token_id = bos, eos, pad
    return hf
