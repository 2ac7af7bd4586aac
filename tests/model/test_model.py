"""The model package: presets, the corpus-trained tokenizer, chat templates, processor, build and load."""

from __future__ import annotations

import itertools

import pytest
import torch

from babyvlm.errors import ConfigError
from babyvlm.model import load_model_config, render, render_segments, to_messages
from babyvlm.model.templates import JINJA

LINES = ["Look at the BALL!", "where is the doggy", "the red cup is on the table", "one two three four cups",
         "you want more milk?", "bye bye daddy"] * 20


@pytest.fixture(scope="module")
def tokenizer():
    from babyvlm.model.tokenizer import train_tokenizer

    return train_tokenizer(LINES, vocab_size=400)


@pytest.fixture(scope="module")
def saved(tmp_path_factory, tokenizer):
    """A tiny VLM built from config and saved with its processor."""
    from babyvlm.model.build import build_vlm, save_pretrained
    from babyvlm.model.processor import build_processor

    cfg = load_model_config("tiny", overrides=["model.vision.layers=1", "model.text.layers=1"])
    d = tmp_path_factory.mktemp("model") / "m"
    save_pretrained(build_vlm(cfg, tokenizer, seed=0), d, processor=build_processor(tokenizer, cfg))
    return d, cfg


def test_presets_and_the_paper_shape():
    paper = load_model_config("paper")
    assert (paper.text.layers, paper.text.hidden_size, paper.text.heads, paper.text.kv_heads,
            paper.text.intermediate_size, paper.text.vocab_size, paper.text.max_length) == (22, 2048, 32, 4, 5632, 6000, 8192)
    assert (paper.vision.image_size, paper.vision.patch_size, paper.vision.hidden_size, paper.vision.layers) == (224, 16, 1024, 24)
    assert paper.tokens_per_image == 197  # CLS + 14 x 14 patches
    assert load_model_config("tiny").tokens_per_image == 17
    assert load_model_config("small").tokens_per_image == 65
    with pytest.raises(ConfigError, match="not a multiple of patch_size"):
        load_model_config("tiny", overrides=["model.vision.patch_size=15"])


def test_paper_preset_parameter_count_on_the_meta_device():
    """TinyLlama-1.1B (about 1.03B with a 6k vocabulary) + ViT-L (about 0.30B), without allocating memory."""
    from transformers import LlavaForConditionalGeneration

    from babyvlm.model.build import _construct
    from babyvlm.model.config import to_hf_config

    hf = to_hf_config(load_model_config("paper"), vocab_size=6000, image_token_id=4, bos=1, eos=2, pad=0)
    with torch.device("meta"):
        m = _construct(LlavaForConditionalGeneration, hf)
    n = lambda mod: sum(p.numel() for p in mod.parameters())  # noqa: E731
    lang = n(m.model.language_model) + n(m.lm_head)
    assert 0.99e9 < lang < 1.06e9
    assert 0.30e9 < n(m.model.vision_tower) < 0.31e9
    assert hf.vision_feature_select_strategy == "full" and hf.image_seq_length == 197


def test_tokenizer_is_lowercase_byte_level_with_fixed_special_ids(tokenizer, tmp_path):
    from babyvlm.model.tokenizer import load_tokenizer, train_tokenizer

    assert [tokenizer.convert_tokens_to_ids(t) for t in ("<pad>", "<s>", "</s>", "<unk>", "<image>")] == [0, 1, 2, 3, 4]
    ids = tokenizer("Look at the BALL <image>").input_ids
    assert ids[0] == 1 and ids[-1] == 4
    assert tokenizer.decode(ids, skip_special_tokens=True) == "look at the ball "
    assert tokenizer("ß ü 😀", add_special_tokens=False).input_ids  # byte level: any text encodes
    assert tokenizer.decode(tokenizer("ß ü 😀", add_special_tokens=False).input_ids) == "ß ü 😀"
    assert tokenizer.convert_ids_to_tokens(tokenizer("USER: ASSISTANT:", add_special_tokens=False).input_ids) == [
        "user:", "Ġ", "assistant:"]
    assert len(tokenizer) <= 400  # never past the target (a tiny corpus may stop the merges early)
    tokenizer.save_pretrained(tmp_path / "a")
    train_tokenizer(LINES, vocab_size=400).save_pretrained(tmp_path / "b")
    assert (tmp_path / "a" / "tokenizer.json").read_bytes() == (tmp_path / "b" / "tokenizer.json").read_bytes()
    assert load_tokenizer(tmp_path / "a")("hello there").input_ids == tokenizer("hello there").input_ids


def test_benchmark_answers_are_one_token_each(tokenizer):
    # transcripts hold no digits: without the answer words " 10" would be " ", "1", "0" and "1" a prefix of it
    for answer in ("A", "d", "1", "4", "10", "12", "left", "right", "top", "bottom"):
        ids = tokenizer(f"ASSISTANT: {answer}", add_special_tokens=False).input_ids
        assert len(ids) == 2, (answer, tokenizer.convert_ids_to_tokens(ids))  # "assistant:" + the answer


def _conversations():
    parts = [{"type": "text", "text": "Which image has more shoes? (A) "}, {"type": "image"},
             {"type": "text", "text": " (B) "}, {"type": "image"}]
    yield [{"role": "user", "content": parts}, {"role": "assistant", "content": [{"type": "text", "text": "A"}]}]
    yield [{"role": "user", "content": "<image> How many cabinets do you see?"}, {"role": "assistant", "content": "10"}]
    yield [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "<image>"},
           {"role": "assistant", "content": "the ball"}, {"role": "user", "content": [{"type": "image"}]},
           {"role": "assistant", "content": "a cup"}, {"role": "user", "content": "and now?"}]
    yield [{"role": "user", "content": ""}]


@pytest.mark.parametrize("template", ["baby_v1", "baby_plain"])
def test_python_and_jinja_templates_render_identically(template, tokenizer):
    from transformers.utils.chat_template_utils import render_jinja_template

    for conv, gen in itertools.product(_conversations(), (False, True)):
        out, _ = render_jinja_template(conversations=[conv], chat_template=JINJA[template], add_generation_prompt=gen,
                                       **tokenizer.special_tokens_map)
        assert out[0] == render(conv, template, add_generation_prompt=gen), (template, conv, gen)


def test_template_text_and_answer_pieces():
    conv = next(_conversations())
    assert render(conv) == "USER: Which image has more shoes? (A) <image> (B) <image> ASSISTANT: A</s>"
    assert render(conv[:1], add_generation_prompt=True) == "USER: Which image has more shoes? (A) <image> (B) <image> ASSISTANT:"
    assert render(conv, "baby_plain") == "Which image has more shoes? (A) <image> (B) <image>A</s>"
    assert render_segments(conv) == [("USER: Which image has more shoes? (A) <image> (B) <image> ASSISTANT:", False),
                                     (" A</s>", True)]
    assert to_messages([{"from": "human", "value": "x"}, {"from": "gpt", "value": "y"}]) == [
        {"role": "user", "content": "x"}, {"role": "assistant", "content": "y"}]


def test_saved_folder_loads_with_auto_classes_and_generates_in_batches(saved):
    from PIL import Image
    from transformers import AutoModelForImageTextToText, AutoProcessor

    d, cfg = saved
    model = AutoModelForImageTextToText.from_pretrained(d).eval()
    proc = AutoProcessor.from_pretrained(d)
    assert type(proc).__name__ == "LlavaProcessor" and type(proc.image_processor).__name__ == "ViTImageProcessorPil"
    assert proc.tokenizer.padding_side == "left"
    assert model.config.vision_feature_select_strategy == "full" and model.config.vision_feature_layer == -1
    msgs = [[{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": " what is this?"}]}],
            [{"role": "user", "content": "(A) <image> (B) <image> which one?"}]]
    texts = [proc.apply_chat_template(m, add_generation_prompt=True, tokenize=False) for m in msgs]
    imgs = [Image.new("RGB", (80, 60), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    batch = proc(text=texts, images=imgs, return_tensors="pt", padding=True)
    assert int((batch["input_ids"] == 4).sum()) == 3 * cfg.tokens_per_image
    assert tuple(batch["pixel_values"].shape) == (3, 3, 64, 64)
    with torch.no_grad():
        out = model.generate(**batch, max_new_tokens=3, do_sample=False)
        # a left-padded row generates what it generates alone
        alone = proc(text=texts[:1], images=imgs[:1], return_tensors="pt")
        out1 = model.generate(**alone, max_new_tokens=3, do_sample=False)
    assert out[0, -3:].tolist() == out1[0, -3:].tolist()
    assert model.generation_config.eos_token_id == 2 and model.generation_config.pad_token_id == 0


def test_initialisation_scales_residual_projections(tokenizer):
    from babyvlm.model.build import build_vlm

    cfg = load_model_config("tiny")
    m = build_vlm(cfg, tokenizer, seed=0)
    lm = m.model.language_model.layers[0]
    q, o = lm.self_attn.q_proj.weight.std().item(), lm.self_attn.o_proj.weight.std().item()
    assert q == pytest.approx(0.02 * 0.88, rel=0.1)  # a truncated normal at 2 std has 0.88 of its std
    assert o == pytest.approx(q / (2 * cfg.text.layers) ** 0.5, rel=0.1)
    assert float(m.model.vision_tower.layers[0].mlp.fc2.weight.detach().std()) < 0.6 * 0.02
    assert float(m.model.multi_modal_projector.linear_1.bias.abs().max()) == 0.0
    assert [n for n, p in m.named_parameters() if p.ndim >= 2 and float(p.detach().abs().sum()) == 0] == []
    m2 = build_vlm(cfg, tokenizer, seed=0)
    assert all(torch.equal(a, b) for a, b in zip(m.state_dict().values(), m2.state_dict().values()))
