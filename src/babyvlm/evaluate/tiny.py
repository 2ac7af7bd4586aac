"""A tiny randomly initialised Llava, built from config and saved like a real checkpoint.

For the harness's tests and benchmarks: a ViT vision tower, a 2-layer MLP connector, a small Llama,
a byte-level BPE tokenizer trained on a few sentences (with `<image>`), a `LlavaProcessor` with the
PIL ViT image processor and a chat template that renders the Hugging Face multimodal messages
(`USER: ... <image> ...\\nASSISTANT: reply</s>`). Nothing is downloaded.
"""

from __future__ import annotations

from pathlib import Path

CHAT_TEMPLATE = (
    "{% for m in messages %}"
    "{% if m['role'] == 'user' %}USER: {% else %}ASSISTANT: {% endif %}"
    "{% if m['content'] is string %}{{ m['content'] }}{% else %}"
    "{% for c in m['content'] %}{% if c['type'] == 'image' %}<image>{% else %}{{ c['text'] }}{% endif %}{% endfor %}"
    "{% endif %}"
    "{% if m['role'] == 'assistant' %}</s>{% endif %}{{ '\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}ASSISTANT:{% endif %}"
)

SENTENCES = [
    "which image has more shoes? (A) (B) answer with a letter",
    "touch the image of the ball. the first image the second image the third image the fourth image",
    "does the fridge leave the frame through the right side or the left side? top bottom left right",
    "how many cabinets do you see? one two three four five six seven eight nine ten",
    "point at the drain. is it in the top left or top right or bottom left or bottom right of the image?",
    "look at the ball! see person touch pillow play mat read book happy faces sad faces",
    "USER: ASSISTANT: let's try more. touch the new image. pay attention to details",
]


def build_tiny_llava(out: str | Path, *, seed: int = 0, image_size: int = 32, patch_size: int = 16,
                     hidden: int = 32, layers: int = 2, vocab: int = 320) -> Path:
    """Write a tiny random Llava model directory to `out` and return it."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import (
        LlamaConfig,
        LlavaConfig,
        LlavaForConditionalGeneration,
        LlavaProcessor,
        PreTrainedTokenizerFast,
        ViTConfig,
        ViTImageProcessorPil,
    )

    out = Path(out)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab, special_tokens=["<pad>", "<s>", "</s>", "<image>"],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator(SENTENCES, trainer)
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", bos_token="<s>", eos_token="</s>",
                                        extra_special_tokens={"image_token": "<image>"})
    image_processor = ViTImageProcessorPil(size={"height": image_size, "width": image_size})
    vision = ViTConfig(hidden_size=hidden, num_hidden_layers=1, num_attention_heads=2, intermediate_size=2 * hidden,
                       image_size=image_size, patch_size=patch_size)
    text = LlamaConfig(vocab_size=len(tokenizer), hidden_size=hidden, intermediate_size=2 * hidden,
                       num_hidden_layers=layers, num_attention_heads=2, num_key_value_heads=2,
                       max_position_embeddings=4096, pad_token_id=tokenizer.pad_token_id,
                       bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    config = LlavaConfig(vision_config=vision, text_config=text, image_token_id=tokenizer.convert_tokens_to_ids("<image>"),
                         vision_feature_select_strategy="full", vision_feature_layer=-1, projector_hidden_act="gelu")
    torch.manual_seed(seed)
    model = LlavaForConditionalGeneration(config)
    processor = LlavaProcessor(image_processor=image_processor, tokenizer=tokenizer, patch_size=patch_size,
                               vision_feature_select_strategy="full", num_additional_image_tokens=1,
                               chat_template=CHAT_TEMPLATE)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    return out
