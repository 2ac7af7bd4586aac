"""Tiny randomly initialised models of the major open VLM families, built offline from config classes.

For the `hf:` adapter's tests and benchmarks: each builder writes a model directory the way the
real checkpoint is laid out (config, safetensors, tokenizer with the family's special tokens, the
family's processor with its PIL image processor, and a chat template in the family's style), so
`AutoProcessor` / `AutoModelForImageTextToText.from_pretrained(dir)` load it like the real thing.
Nothing is downloaded; widths are 32, one or two layers, images of 28-64 pixels.

The chat templates imitate each family's published one where it matters to the harness: LLaVA-NeXT
and LLaVA-OneVision put every image of a turn before its text (as llava-hf's templates do), the
others keep images inline, PaliGemma has none (it ships without one).

    build_tiny("qwen2_vl", out_dir)      # FAMILIES lists the names
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from babyvlm.evaluate.tiny import SENTENCES, build_tiny_llava

H = 32  # hidden width of every tiny tower


def _tokenizer(specials: dict[str, str], extra: list[str] = (), *, vocab: int = 400, bos="<s>", eos="</s>",
               pad="<pad>", words: list[str] = ()):
    """A byte-level BPE tokenizer trained on a few sentences; `specials` maps attribute names
    (image_token, boi_token, ...) to tokens so `tokenizer.image_token` etc. exist as in the real ones."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    special = list(dict.fromkeys([pad, bos, eos, *specials.values(), *extra]))
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=special, show_progress=False,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(SENTENCES + list(words), trainer)
    return PreTrainedTokenizerFast(tokenizer_object=tok, pad_token=pad, bos_token=bos, eos_token=eos,
                                   extra_special_tokens=specials)


def template(user: str, assistant: str, end: str, image: str, *, images_first: bool = False,
             generation: str | None = None) -> str:
    """A chat template over the Hugging Face multimodal messages: `user`/`assistant` open a turn,
    `end` closes it, `image` is written for each image part (inline, or all before the text)."""
    parts = ("{% for c in m['content'] %}{% if c['type'] == 'image' %}" + image
             + "{% else %}{{ c['text'] }}{% endif %}{% endfor %}")
    if images_first:
        parts = ("{% for c in m['content'] | selectattr('type', 'equalto', 'image') %}" + image + "{% endfor %}"
                 "{% for c in m['content'] | selectattr('type', 'equalto', 'text') %}{{ c['text'] }}{% endfor %}")
    return (
        "{% for m in messages %}"
        "{% if m['role'] == 'system' %}" + user + "{{ m['content'][0]['text'] if m['content'] is not string else m['content'] }}" + end
        + "{% else %}{% if m['role'] == 'user' %}" + user + "{% else %}" + assistant + "{% endif %}"
        "{% if m['content'] is string %}{{ m['content'] }}{% else %}" + parts + "{% endif %}" + end + "{% endif %}"
        "{% endfor %}"
        "{% if add_generation_prompt %}" + (assistant if generation is None else generation) + "{% endif %}"
    )


def _no_video(cls):
    """The processor class without its video processor where torchvision does not import (the folder
    is written without video_preprocessor_config.json, which images never need)."""
    from babyvlm.evaluate.adapters.hf_load import torchvision_importable, without_video

    return cls if torchvision_importable() else without_video(cls)


def _llama(tokenizer, layers: int = 1, **kw):
    from transformers import LlamaConfig

    return LlamaConfig(vocab_size=len(tokenizer), hidden_size=H, intermediate_size=2 * H, num_hidden_layers=layers,
                       num_attention_heads=2, num_key_value_heads=2, head_dim=H // 2, max_position_embeddings=4096,
                       pad_token_id=tokenizer.pad_token_id, bos_token_id=tokenizer.bos_token_id,
                       eos_token_id=tokenizer.eos_token_id, **kw)


def _save(out: Path, model_cls, config, processor, seed: int) -> Path:
    import torch

    torch.manual_seed(seed)
    model = model_cls(config)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    return out


# ---------------------------------------------------------------------------------------------- families
def llava_next(out: Path, seed: int = 0) -> Path:
    """LLaVA-NeXT: CLIP tower, any-resolution tiles (a 2x1 grid of 32 px tiles + the whole image)."""
    from transformers import (
        CLIPVisionConfig,
        LlavaNextConfig,
        LlavaNextForConditionalGeneration,
        LlavaNextImageProcessorPil,
        LlavaNextProcessor,
    )

    tok = _tokenizer({"image_token": "<image>"})
    ip = LlavaNextImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32},
                                    image_grid_pinpoints=[[32, 32], [32, 64], [64, 32]])
    vision = CLIPVisionConfig(hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1, num_attention_heads=2,
                              image_size=32, patch_size=16, projection_dim=H)
    cfg = LlavaNextConfig(vision_config=vision, text_config=_llama(tok), image_token_id=tok.convert_tokens_to_ids("<image>"),
                          image_grid_pinpoints=[[32, 32], [32, 64], [64, 32]], vision_feature_layer=-1,
                          vision_feature_select_strategy="default")
    proc = LlavaNextProcessor(image_processor=ip, tokenizer=tok, patch_size=16, vision_feature_select_strategy="default",
                              num_additional_image_tokens=1,
                              chat_template=template("USER: ", "ASSISTANT: ", "\n", "<image>\n", images_first=True,
                                                     generation="ASSISTANT:"))
    return _save(out, LlavaNextForConditionalGeneration, cfg, proc, seed)


def llava_onevision(out: Path, seed: int = 0) -> Path:
    """LLaVA-OneVision: SigLIP tower, any-resolution tiles, Qwen2-style turns, images first."""
    from transformers import (
        LlavaOnevisionConfig,
        LlavaOnevisionForConditionalGeneration,
        LlavaOnevisionImageProcessorPil,
        LlavaOnevisionProcessor,
        Qwen2Config,
        SiglipVisionConfig,
    )

    tok = _tokenizer({"image_token": "<image>", "video_token": "<video>"}, ["<|im_start|>", "<|im_end|>"],
                     eos="<|im_end|>")
    pin = [[32, 32], [32, 64], [64, 32]]
    ip = LlavaOnevisionImageProcessorPil(size={"height": 32, "width": 32}, image_grid_pinpoints=pin)
    vision = SiglipVisionConfig(hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1, num_attention_heads=2,
                                image_size=32, patch_size=16)
    text = Qwen2Config(vocab_size=len(tok), hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1,
                       num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=4096,
                       pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id)
    cfg = LlavaOnevisionConfig(vision_config=vision, text_config=text, image_token_id=tok.convert_tokens_to_ids("<image>"),
                               video_token_id=tok.convert_tokens_to_ids("<video>"), image_grid_pinpoints=pin,
                               vision_feature_layer=-1, vision_feature_select_strategy="full")
    proc = _no_video(LlavaOnevisionProcessor)(image_processor=ip, tokenizer=tok, num_image_tokens=4,
                                   vision_feature_select_strategy="full",
                                   chat_template=template("<|im_start|>user\n", "<|im_start|>assistant\n", "<|im_end|>\n",
                                                          "<image>\n", images_first=True))
    return _save(out, LlavaOnevisionForConditionalGeneration, cfg, proc, seed)


def _idefics_like(out: Path, seed: int, smol: bool) -> Path:
    """Idefics3 / SmolVLM: images split into a grid of 32 px tiles plus a global view, pixel shuffle."""
    import transformers as tf

    specials = {"image_token": "<image>", "fake_image_token": "<fake_token_around_image>",
                "end_of_utterance_token": "<end_of_utterance>", "global_image_token": "<global-img>"}
    rows = [f"<row_{i + 1}_col_{j + 1}>" for i in range(6) for j in range(6)]
    extra = ["<video>"] if smol else []
    tok = _tokenizer({k: v for k, v in specials.items() if smol or k == "image_token"},
                     [*specials.values(), *rows, *extra], eos="<end_of_utterance>")
    kind = "SmolVLM" if smol else "Idefics3"
    ip = getattr(tf, f"{kind}ImageProcessorPil")(size={"longest_edge": 64}, max_image_size={"longest_edge": 32},
                                                 do_image_splitting=True)
    vision = getattr(tf, f"{kind}VisionConfig")(hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1,
                                                num_attention_heads=2, image_size=32, patch_size=8)
    cfg = getattr(tf, f"{kind}Config")(vision_config=vision, text_config=_llama(tok), scale_factor=2,
                                       image_token_id=tok.convert_tokens_to_ids("<image>"),
                                       pad_token_id=tok.pad_token_id)
    chat = template("User:", "Assistant:", "<end_of_utterance>\n", "<image>", generation="Assistant:")
    cls = getattr(tf, f"{kind}Processor")
    if smol:
        cls = _no_video(cls)
        import transformers.models.smolvlm.processing_smolvlm as smol_mod

        # the processor refuses to start without num2words (it spells video frame counts); building
        # the folder needs none of that, and loading it says what to install (hf_load)
        saved, smol_mod.num2words = smol_mod.num2words, smol_mod.num2words or True
        try:
            proc = cls(image_processor=ip, tokenizer=tok, video_processor=None, image_seq_len=4, chat_template=chat)
        finally:
            smol_mod.num2words = saved
    else:
        proc = cls(image_processor=ip, tokenizer=tok, image_seq_len=4, chat_template=chat)
    return _save(out, getattr(tf, f"{kind}ForConditionalGeneration"), cfg, proc, seed)


def idefics3(out: Path, seed: int = 0) -> Path:
    return _idefics_like(out, seed, smol=False)


def smolvlm(out: Path, seed: int = 0) -> Path:
    return _idefics_like(out, seed, smol=True)


def _qwen_vl(out: Path, seed: int, v25: bool) -> Path:
    """Qwen2-VL / Qwen2.5-VL: native resolution (a token per 2x2 merged 8 px patch), M-RoPE positions."""
    import transformers as tf

    specials = {"image_token": "<|image_pad|>", "video_token": "<|video_pad|>",
                "vision_start_token": "<|vision_start|>", "vision_end_token": "<|vision_end|>"}
    tok = _tokenizer(specials, ["<|im_start|>", "<|im_end|>"], eos="<|im_end|>")
    ip = tf.Qwen2VLImageProcessorPil(patch_size=8, merge_size=2, temporal_patch_size=2,
                                     min_pixels=16 * 16, max_pixels=64 * 64)
    kind = "Qwen2_5_VL" if v25 else "Qwen2VL"
    vision = dict(depth=1, hidden_size=H, num_heads=2, patch_size=8, spatial_merge_size=2, temporal_patch_size=2,
                  out_hidden_size=H, intermediate_size=2 * H) if v25 else \
        dict(depth=1, embed_dim=H, hidden_size=H, num_heads=2, mlp_ratio=2, patch_size=8, spatial_merge_size=2,
             temporal_patch_size=2)
    text = dict(vocab_size=len(tok), hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1, num_attention_heads=2,
                num_key_value_heads=2, max_position_embeddings=4096, pad_token_id=tok.pad_token_id,
                eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id,
                rope_parameters={"rope_type": "default", "rope_theta": 10000.0, "mrope_section": [2, 3, 3]})
    ids = {k: tok.convert_tokens_to_ids(v) for k, v in specials.items()}
    cfg = getattr(tf, f"{kind}Config")(vision_config=vision, text_config=text, image_token_id=ids["image_token"],
                                       video_token_id=ids["video_token"], vision_start_token_id=ids["vision_start_token"],
                                       vision_end_token_id=ids["vision_end_token"])
    chat = template("<|im_start|>user\n", "<|im_start|>assistant\n", "<|im_end|>\n",
                    "<|vision_start|><|image_pad|><|vision_end|>")
    proc = _no_video(getattr(tf, f"{kind}Processor"))(image_processor=ip, tokenizer=tok, chat_template=chat)
    return _save(out, getattr(tf, f"{kind}ForConditionalGeneration"), cfg, proc, seed)


def qwen2_vl(out: Path, seed: int = 0) -> Path:
    return _qwen_vl(out, seed, v25=False)


def qwen2_5_vl(out: Path, seed: int = 0) -> Path:
    return _qwen_vl(out, seed, v25=True)


def internvl(out: Path, seed: int = 0) -> Path:
    """InternVL (3, -hf layout): InternViT tower, pixel shuffle, `<img><IMG_CONTEXT>...</img>` per image."""
    from transformers import (
        GotOcr2ImageProcessorPil,
        InternVLConfig,
        InternVLForConditionalGeneration,
        InternVLProcessor,
        InternVLVisionConfig,
        Qwen2Config,
    )

    specials = {"context_image_token": "<IMG_CONTEXT>", "start_image_token": "<img>", "end_image_token": "</img>",
                "video_token": "<video>"}
    tok = _tokenizer(specials, ["<|im_start|>", "<|im_end|>"], eos="<|im_end|>")
    ip = GotOcr2ImageProcessorPil(size={"height": 32, "width": 32}, crop_to_patches=False)
    vision = InternVLVisionConfig(hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1, num_attention_heads=2,
                                  image_size=[32, 32], patch_size=[8, 8])
    text = Qwen2Config(vocab_size=len(tok), hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1,
                       num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=4096,
                       pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id)
    cfg = InternVLConfig(vision_config=vision, text_config=text, downsample_ratio=0.5,
                         image_token_id=tok.convert_tokens_to_ids("<IMG_CONTEXT>"))
    chat = template("<|im_start|>user\n", "<|im_start|>assistant\n", "<|im_end|>\n", "<IMG_CONTEXT>\n")
    proc = _no_video(InternVLProcessor)(image_processor=ip, tokenizer=tok, image_seq_length=4, chat_template=chat)
    return _save(out, InternVLForConditionalGeneration, cfg, proc, seed)


def gemma3(out: Path, seed: int = 0) -> Path:
    """Gemma 3: SigLIP tower pooled to a fixed number of tokens per image, `<start_of_image>` inline."""
    from transformers import (
        Gemma3Config,
        Gemma3ForConditionalGeneration,
        Gemma3ImageProcessorPil,
        Gemma3Processor,
        Gemma3TextConfig,
        SiglipVisionConfig,
    )

    specials = {"image_token": "<image_soft_token>", "boi_token": "<start_of_image>", "eoi_token": "<end_of_image>"}
    tok = _tokenizer(specials, ["<start_of_turn>", "<end_of_turn>"], bos="<bos>", eos="<eos>")
    ip = Gemma3ImageProcessorPil(size={"height": 32, "width": 32})
    vision = SiglipVisionConfig(hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1, num_attention_heads=2,
                                image_size=32, patch_size=8)
    text = Gemma3TextConfig(vocab_size=len(tok), hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1,
                            num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=4096,
                            sliding_window=64, pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id,
                            bos_token_id=tok.bos_token_id)
    ids = {k: tok.convert_tokens_to_ids(v) for k, v in specials.items()}
    cfg = Gemma3Config(vision_config=vision, text_config=text, mm_tokens_per_image=4, image_token_id=ids["image_token"],
                       boi_token_id=ids["boi_token"], eoi_token_id=ids["eoi_token"])
    chat = template("<start_of_turn>user\n", "<start_of_turn>model\n", "<end_of_turn>\n", "<start_of_image>")
    proc = Gemma3Processor(image_processor=ip, tokenizer=tok, image_seq_length=4, chat_template=chat)
    return _save(out, Gemma3ForConditionalGeneration, cfg, proc, seed)


def paligemma(out: Path, seed: int = 0) -> Path:
    """PaliGemma: SigLIP tower, a Gemma LM, the image tokens always before the prompt; no chat template."""
    from transformers import (
        GemmaConfig,
        PaliGemmaConfig,
        PaliGemmaForConditionalGeneration,
        PaliGemmaProcessor,
        SiglipImageProcessorPil,
        SiglipVisionConfig,
    )

    tok = _tokenizer({"image_token": "<image>"}, bos="<bos>", eos="<eos>")
    ip = SiglipImageProcessorPil(size={"height": 32, "width": 32})
    ip.image_seq_length = 16
    vision = SiglipVisionConfig(hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1, num_attention_heads=2,
                                image_size=32, patch_size=8, projection_dim=H)
    text = GemmaConfig(vocab_size=len(tok) + 1100, hidden_size=H, intermediate_size=2 * H, num_hidden_layers=1,
                       num_attention_heads=2, num_key_value_heads=1, head_dim=16, max_position_embeddings=4096,
                       pad_token_id=tok.pad_token_id, eos_token_id=tok.eos_token_id, bos_token_id=tok.bos_token_id)
    cfg = PaliGemmaConfig(vision_config=vision, text_config=text, image_token_id=tok.convert_tokens_to_ids("<image>"),
                          projection_dim=H)
    proc = PaliGemmaProcessor(image_processor=ip, tokenizer=tok)
    return _save(out, PaliGemmaForConditionalGeneration, cfg, proc, seed)


def llava(out: Path, seed: int = 0) -> Path:
    return build_tiny_llava(out, seed=seed)


FAMILIES: dict[str, Callable[..., Any]] = {
    "llava": llava, "llava_next": llava_next, "llava_onevision": llava_onevision, "idefics3": idefics3,
    "smolvlm": smolvlm, "qwen2_vl": qwen2_vl, "qwen2_5_vl": qwen2_5_vl, "internvl": internvl, "gemma3": gemma3,
    "paligemma": paligemma,
}


def build_tiny(family: str, out: str | Path, *, seed: int = 0) -> Path:
    """Write a tiny random model of `family` (a key of FAMILIES) to `out` and return the folder."""
    return FAMILIES[family](Path(out), seed)
