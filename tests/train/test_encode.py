"""Encoding conversations: answer-only labels, agreement with the saved processor, safe truncation."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from babyvlm.errors import InputError
from babyvlm.model.templates import render, to_messages
from babyvlm.train.encode import IGNORE, Encoder
from babyvlm.train.samples import sample_from_item


@pytest.fixture(scope="module")
def processor(tmp_path_factory):
    from babyvlm.model import load_model_config
    from babyvlm.model.processor import build_processor, load_processor
    from babyvlm.model.tokenizer import train_tokenizer

    cfg = load_model_config("tiny", overrides=["model.vision.image_size=32", "model.vision.patch_size=8"])
    lines = ["look at the red ball", "where is the blue cup", "which image has more blocks", "how many"] * 20
    proc = build_processor(train_tokenizer(lines, vocab_size=400), cfg)
    d = tmp_path_factory.mktemp("proc")
    proc.save_pretrained(d)
    return load_processor(d)


def encoder(processor, template="baby_v1", max_length=4096):
    return Encoder(processor.tokenizer, template=template, tokens_per_image=17, max_length=max_length)


CONVS = [
    [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "look at the red ball"}],
    [{"from": "human", "value": "Which image has more blocks? (A) <image> (B) <image>"}, {"from": "gpt", "value": "A"}],
    [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "the cup"},
     {"from": "human", "value": "<image>"}, {"from": "gpt", "value": "a ball!"}],
    [{"from": "human", "value": "<image>\n How many balls?"}, {"from": "gpt", "value": "10"}],
]


@pytest.mark.parametrize("template", ["baby_v1", "baby_plain"])
@pytest.mark.parametrize("conv", CONVS)
def test_ids_equal_what_the_processor_gives_at_evaluation(processor, template, conv):
    msgs = to_messages(conv)
    e = encoder(processor, template).encode_many([msgs])[0]
    ids, labels = encoder(processor, template).expand(e)
    n_img = sum(t["value"].count("<image>") for t in conv)
    text = processor.apply_chat_template(msgs, tokenize=False, chat_template=template)
    assert text == render(msgs, template)
    imgs = [Image.new("RGB", (40, 30), (i * 40, 0, 0)) for i in range(n_img)]
    enc = processor(text=text, images=imgs or None, return_tensors="np")
    assert ids.tolist() == enc["input_ids"][0].tolist()
    # labels are exactly the answers (with </s>), nothing else
    answers = [t["value"] for t in conv if t["from"] == "gpt"]
    lab = labels[labels != IGNORE]
    got = processor.tokenizer.decode(lab.tolist())
    sep = " " if template == "baby_v1" else ""
    assert got == "".join(sep + a.lower() + "</s>" for a in answers)


def test_truncation_never_cuts_through_an_image(processor):
    conv = [{"from": "human", "value": "<image> <image> <image> how many"}, {"from": "gpt", "value": "3"}]
    msgs = to_messages(conv)
    full = encoder(processor).encode_many([msgs])[0]
    assert full.n_images == 3
    # the cut would fall in the middle of the second image: the sample keeps only the first image ...
    prefix = 1 + len(processor.tokenizer("USER: ", add_special_tokens=False).input_ids)
    cut = prefix + 17 + 1 + 8
    enc = encoder(processor, max_length=cut)
    r = enc.encode_many([msgs])[0]
    # ... and since the answer comes after all images, no answer token fits: skipped with a reason
    assert isinstance(r, str) and "no answer token" in r
    # with answers before the images (interleaved), truncation keeps whole images and the answers before
    conv2 = [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": "the ball"},
             {"from": "human", "value": "<image>"}, {"from": "gpt", "value": "the cup"}]
    e2 = encoder(processor).encode_many([to_messages(conv2)])[0]
    ids_full, _ = encoder(processor).expand(e2)
    first_img_2 = np.flatnonzero(ids_full == 4)[17]  # first token of the second image
    for max_len in range(first_img_2 + 1, first_img_2 + 17):
        t = encoder(processor, max_length=max_len).encode_many([to_messages(conv2)])[0]
        ids, labels = encoder(processor).expand(t)
        assert t.n_images == 1 and t.truncated and t.length <= max_len
        assert int((ids == 4).sum()) == 17  # exactly one whole image
        assert (labels != IGNORE).any()


def test_image_count_mismatch_is_an_error_naming_the_sample(tmp_path):
    item = {"id": "s_7", "image": ["a.jpg"], "conversations": [{"from": "human", "value": "<image> <image>"},
                                                              {"from": "gpt", "value": "x"}]}
    with pytest.raises(InputError, match=r"sample s_7: 2 <image> tokens but 1 images"):
        sample_from_item(item, image_root=tmp_path, source="train.json", index=0)
    item["image"] = "a.jpg"  # a bare string is one image
    item["conversations"][0]["value"] = "<image>"
    assert len(sample_from_item(item, image_root=tmp_path, source="x", index=0).images) == 1


def test_answer_tokens_never_include_images(processor):
    msgs = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "look <image>"}]
    e = encoder(processor).encode_many([msgs])[0]
    assert not ((e.ids == 4) & (e.labels != IGNORE)).any()
