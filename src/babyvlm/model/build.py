"""Building, initialising, saving and loading the VLM and its parts.

The parts have fixed names everywhere (stage configs, logs, checkpoints):
`vision` = model.model.vision_tower (a ViTModel), `connector` = model.model.multi_modal_projector
(Linear-GELU-Linear), `language` = model.model.language_model + model.lm_head (LLaMA).
Stage 0a trains a standalone `LlamaForCausalLM` and stage 0b a standalone `ViTModel`; `assemble`
puts their weights into a fresh VLM whose connector is newly initialised.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import torch
from torch import nn

from babyvlm.errors import InputError
from babyvlm.model.config import ModelConfig, text_hf_config, to_hf_config, vision_hf_config

PARTS = ("vision", "connector", "language")
# Never used by Llava's feature selection (it reads hidden_states[-1], before the final LayerNorm, and
# never the pooler); kept frozen so that no trainable parameter goes without a gradient (DDP needs that).
UNUSED_IN_VLM = ("model.vision_tower.pooler.", "model.vision_tower.layernorm.")


def special_ids(tokenizer) -> dict[str, int]:
    return {
        "bos": tokenizer.bos_token_id, "eos": tokenizer.eos_token_id, "pad": tokenizer.pad_token_id,
        "image": tokenizer.convert_tokens_to_ids("<image>"),
    }


# --- initialisation -----------------------------------------------------------------------------------

_RESIDUAL_OUT = ("o_proj", "down_proj", "mlp.fc2", "linear_2")  # LLaMA, ViT (transformers 5 names), connector


def _construct(cls, hf_config):
    """Build a transformers model without its own initialisation (ours follows), every weight zeroed first
    so that nothing is ever left as uninitialised memory."""
    from transformers.initialization import no_init_weights

    with no_init_weights():
        model = cls(hf_config)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    return model


@torch.no_grad()
def init_weights(module: nn.Module, *, std: float, n_layers: int) -> None:
    """Truncated-normal init (std), residual output projections scaled by 1/sqrt(2 n_layers) so the
    residual stream's variance does not grow with depth, zero biases, unit norms."""
    out_std = std / math.sqrt(2 * max(1, n_layers))
    for name, m in module.named_modules():
        if isinstance(m, nn.Linear):
            s = out_std if name.endswith(_RESIDUAL_OUT) else std
            nn.init.trunc_normal_(m.weight, std=s, a=-2 * s, b=2 * s)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, std=std)
            if m.padding_idx is not None:
                m.weight[m.padding_idx].zero_()
        elif isinstance(m, nn.LayerNorm):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
        elif type(m).__name__.endswith("RMSNorm"):
            nn.init.ones_(m.weight)
        elif isinstance(m, nn.Conv2d):
            nn.init.trunc_normal_(m.weight, std=std, a=-2 * std, b=2 * std)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        # ViT's CLS token and position embeddings are bare parameters
        if type(m).__name__ == "ViTEmbeddings":
            nn.init.trunc_normal_(m.cls_token, std=std, a=-2 * std, b=2 * std)
            nn.init.trunc_normal_(m.position_embeddings, std=std, a=-2 * std, b=2 * std)
            if getattr(m, "mask_token", None) is not None:
                nn.init.zeros_(m.mask_token)



def build_lm(cfg: ModelConfig, tokenizer, *, seed: int = 0):
    """The language model alone (stage 0a)."""
    from transformers import LlamaForCausalLM

    ids = special_ids(tokenizer)
    hf = text_hf_config(cfg, len(tokenizer), bos=ids["bos"], eos=ids["eos"], pad=ids["pad"])
    hf._attn_implementation = cfg.attn_implementation
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = _construct(LlamaForCausalLM, hf)
        init_weights(model, std=cfg.init_std, n_layers=cfg.text.layers)
    return model


def build_vision(cfg: ModelConfig, *, seed: int = 0):
    """The vision tower alone (stage 0b), with the pooler Llava's tower also has (unused)."""
    from transformers import ViTModel

    hf = vision_hf_config(cfg)
    hf._attn_implementation = cfg.attn_implementation
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = _construct(ViTModel, hf)
        init_weights(model, std=cfg.init_std, n_layers=cfg.vision.layers)
    return model


def build_vlm(cfg: ModelConfig, tokenizer, *, seed: int = 0, skip_init: tuple[str, ...] = ()):
    """A freshly initialised BabyVLM (LlavaForConditionalGeneration).

    Parts named in `skip_init` (vision, connector, language) are left zeroed because the caller loads
    them next (saves the initialisation time of a billion parameters for nothing)."""
    from transformers import LlavaForConditionalGeneration

    ids = special_ids(tokenizer)
    hf = to_hf_config(cfg, vocab_size=len(tokenizer), image_token_id=ids["image"], bos=ids["bos"], eos=ids["eos"],
                      pad=ids["pad"])
    hf._attn_implementation = cfg.attn_implementation
    model = _construct(LlavaForConditionalGeneration, hf)
    # each part has its own seed (so skipping one changes no other) and its own depth for the residual scaling
    plan = [("vision", [model.model.vision_tower], cfg.vision.layers),
            ("connector", [model.model.multi_modal_projector], 1),
            ("language", [model.model.language_model, model.lm_head], cfg.text.layers)]
    with torch.random.fork_rng(devices=[]):
        for k, (part, modules, depth) in enumerate(plan):
            if part in skip_init:
                continue
            torch.manual_seed(seed * 1000 + k)
            for module in modules:
                init_weights(module, std=cfg.init_std, n_layers=depth)
    _generation_defaults(model, ids)
    return model


def _generation_defaults(model, ids: dict[str, int]) -> None:
    gc = model.generation_config
    gc.bos_token_id, gc.eos_token_id, gc.pad_token_id = ids["bos"], ids["eos"], ids["pad"]
    gc.do_sample = False
    gc.max_new_tokens = 32


def parts(model) -> dict[str, list[nn.Module]]:
    """The VLM's parts by name."""
    return {
        "vision": [model.model.vision_tower],
        "connector": [model.model.multi_modal_projector],
        "language": [model.model.language_model, model.lm_head],
    }


def assemble(model, *, lm=None, vision=None) -> dict[str, str]:
    """Copy a trained LM (stage 0a) and/or vision tower (stage 0b) into a VLM; returns what was loaded."""
    loaded = {}
    if lm is not None:
        _load_exact(model.model.language_model, lm.model.state_dict(), "language model")
        _load_exact(model.lm_head, lm.lm_head.state_dict(), "lm_head")
        loaded["language"] = "loaded"
    if vision is not None:
        _load_exact(model.model.vision_tower, vision.state_dict(), "vision tower")
        loaded["vision"] = "loaded"
    return loaded


def _load_exact(module: nn.Module, state: dict, what: str) -> None:
    own = module.state_dict()
    bad = [k for k in own if k not in state or state[k].shape != own[k].shape]
    if bad:
        raise InputError(f"{what}: the checkpoint does not match this model's shape (first mismatch: {bad[0]})")
    module.load_state_dict({k: state[k] for k in own})


# --- saving and loading --------------------------------------------------------------------------------

def save_pretrained(model, out_dir: str | Path, *, processor=None, tokenizer=None) -> Path:
    """Write a Hugging Face model directory atomically (a temporary folder renamed into place)."""
    out_dir = Path(out_dir)
    tmp = out_dir.with_name(f".{out_dir.name}.tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    model.save_pretrained(tmp, safe_serialization=True)
    if processor is not None:
        processor.save_pretrained(tmp)
    elif tokenizer is not None:
        tokenizer.save_pretrained(tmp)
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old")
        if old.exists():
            shutil.rmtree(old)
        out_dir.rename(old)
        tmp.rename(out_dir)
        shutil.rmtree(old)
    else:
        tmp.rename(out_dir)
    return out_dir


def load_vlm(path: str | Path, *, dtype=None):
    """A saved BabyVLM (or any Llava directory) and its processor."""
    from transformers import AutoModelForImageTextToText

    from babyvlm.model.processor import load_processor

    path = Path(path)
    if not (path / "config.json").exists():
        raise InputError(f"{path}: not a model directory (no config.json)")
    model = AutoModelForImageTextToText.from_pretrained(str(path), dtype=dtype or torch.float32)
    return model, load_processor(path)


def load_lm(path: str | Path):
    from transformers import AutoModelForCausalLM

    return AutoModelForCausalLM.from_pretrained(str(path), dtype=torch.float32)


def load_vision(path: str | Path):
    from transformers import ViTModel

    return ViTModel.from_pretrained(str(path), dtype=torch.float32)
