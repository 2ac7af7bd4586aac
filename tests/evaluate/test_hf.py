"""`hf:` adapter on a tiny random Llava built from config: generation and log-likelihood,
batched equal to one at a time, exactly the continuation's tokens, and a harness run."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from PIL import Image

from babyvlm.evaluate.adapters import AdapterOptions, load_adapter
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate
from babyvlm.tasks.conversation import Conversation, ImageRef


def images(n, seed=0):
    rs = np.random.RandomState(seed)
    return [ImageRef.from_pil(Image.fromarray(rs.randint(0, 255, (20 + 5 * k, 30, 3), dtype=np.uint8))) for k in range(n)]


@pytest.fixture(scope="module")
def adapter(tiny_llava):
    return load_adapter(f"hf:{tiny_llava}", AdapterOptions(batch_size=8, device="cpu"))


def conversations():
    im = images(6)
    return [
        Conversation.from_turns([("user", "Which image has more shoes? (A) <image> (B) <image>")], im[:2]),
        Conversation.from_turns([("user", "<image> How many cabinets do you see?")], im[2:3]),
        Conversation.from_turns([("user", "Touch the new image. (A) <image>"), ("assistant", "A"),
                                 ("user", "Let's try more. Touch the new image. (A) <image> (B) <image>")], im[3:6]),
    ]


def test_chat_template_renders_multimodal_messages(adapter):
    text = adapter.render(conversations()[0])
    assert text == "USER: Which image has more shoes? (A) <image> (B) <image>\nASSISTANT:"
    assert adapter.render(conversations()[2]).count("ASSISTANT: A</s>") == 1


def test_generate_batched_equals_one_at_a_time(adapter):
    convs = conversations()
    batched = adapter.generate(convs, max_new_tokens=6)
    single = [adapter.generate([c], max_new_tokens=6)[0] for c in convs]
    assert batched == single
    assert all(isinstance(x, str) for x in batched)


def test_loglikelihood_counts_exactly_the_continuation(adapter):
    conv = conversations()[1]
    cont = "seven cabinets"
    (lp, n), = adapter.loglikelihood([(conv, cont)])
    prefix, full = adapter._split(conv, cont)
    assert full == prefix + " " + cont and prefix.endswith("ASSISTANT:")
    # by hand: the model's log-probabilities of the continuation's tokens after the prefix
    proc = adapter.processor
    pil = [im.pil() for im in conv.images]
    ids_full = proc(text=[full], images=[pil], return_tensors="pt")
    ids_pre = proc(text=[prefix], images=[pil], return_tensors="pt")["input_ids"][0]
    ids = ids_full["input_ids"][0]
    assert torch.equal(ids[: len(ids_pre)], ids_pre)
    cont_ids = ids[len(ids_pre):]
    assert n == len(cont_ids) == len(adapter.tokenizer(" " + cont, add_special_tokens=False)["input_ids"])
    with torch.inference_mode():
        logits = adapter.model(**ids_full).logits[0].float()
    lps = torch.log_softmax(logits, -1)[len(ids_pre) - 1: len(ids) - 1].gather(1, cont_ids[:, None]).sum()
    assert lp == pytest.approx(float(lps), abs=1e-4)
    assert lp < 0


def test_loglikelihood_batched_equals_one_at_a_time(adapter):
    convs = conversations()
    reqs = [(convs[0], "A"), (convs[1], "ten"), (convs[1], "three small cups"), (convs[2], "B"), (convs[0], "the second image")]
    batched = adapter.loglikelihood(reqs)
    single = [adapter.loglikelihood([r])[0] for r in reqs]
    for (a, na), (b, nb) in zip(batched, single):
        assert na == nb and a == pytest.approx(b, abs=1e-4)
    # a longer continuation with the same start has more tokens and a lower sum
    assert batched[2][1] > batched[1][1] or batched[2][0] != batched[1][0]


def test_harness_runs_the_tiny_model(tiny_llava, devcv_root, extra_tasks, tmp_path):
    import shutil

    data = tmp_path / "data"
    for name in ("count", "leftright", "memory"):
        shutil.copytree(devcv_root / name, data / name)
    shutil.copytree(extra_tasks / "looking_while_listening", data / "looking_while_listening")
    cfg = EvalConfig(tasks="count,leftright,memory,looking_while_listening", limit=1, batch_size=4, baselines=["random"],
                     bootstrap=20, plot=False, max_new_tokens=4)
    cfg.hf.device = "cpu"
    res = evaluate(f"hf:{tiny_llava}", data, tmp_path / "o", cfg)
    name = f"hf:{tiny_llava}"
    assert res["model"] == name
    for t in ("count", "leftright", "memory", "looking_while_listening"):
        assert name in res["tasks"][t]["models"]
    rows = [json.loads(x) for x in (tmp_path / "o" / "samples_looking_while_listening.jsonl").read_text().splitlines()]
    assert len(rows[0]["response"]) == 4 and all(n > 0 for _, n in rows[0]["response"])


def test_cached_inputs_equal_the_processor(adapter):
    from babyvlm.evaluate.adapters.hf_inputs import ModelInputs

    inputs = ModelInputs(adapter.processor, adapter.tokenizer, cache_size=16)
    calls = []
    original = adapter.processor.image_processor.__class__.__call__

    def counting(self, *a, **kw):
        calls.append(1)
        return original(self, *a, **kw)

    convs = conversations()
    texts = [adapter.render(c) for c in convs]
    refs = [c.images for c in convs]
    adapter.tokenizer.padding_side = "left"
    first = inputs(texts, refs)  # checked against the processor's own output
    assert inputs.state == "on"
    try:
        adapter.processor.image_processor.__class__.__call__ = counting
        again = inputs(texts[::-1], refs[::-1])
        assert calls == []  # every image came from the cache
    finally:
        adapter.processor.image_processor.__class__.__call__ = original
    plain = inputs.slow(texts[::-1], refs[::-1])
    assert set(again) == set(plain) and all(torch.equal(again[k], plain[k]) for k in plain)
    assert first["pixel_values"].shape[0] == 6
    off = ModelInputs(adapter.processor, adapter.tokenizer, cache_size=0)
    assert off.state == "off"


def test_memory_prefix_cache_replies_equal_rerunning_every_round(tiny_llava, devcv_root):
    """The key-value cache kept from round to round gives the replies of re-running every round."""
    from babyvlm.evaluate.adapters.hf import HFAdapter
    from babyvlm.evaluate.harness import play_rounds
    from babyvlm.tasks.devcv import DEVCV_TASKS

    task = DEVCV_TASKS["memory"]()
    items = task.load(devcv_root / "memory")[:3]
    replies = {}
    for prefix in (True, False):
        a = HFAdapter(tiny_llava, AdapterOptions(batch_size=4, device="cpu", dtype="float32", prefix_cache=prefix))
        cached = []  # items in the adapter's key-value cache after each round

        def after_round(r, a=a, cached=cached):
            state = a.rounds.state if a.rounds is not None else None  # no rounds object without the cache
            cached.append(len(state.sessions) if state is not None else 0)

        replies[prefix] = play_rounds(a, task, items, 3, after_round=after_round)
        if prefix:
            assert cached[1] == 3  # kept from round to round
            assert a.rounds.state is None  # dropped after the last round
    assert replies[True] == replies[False]
