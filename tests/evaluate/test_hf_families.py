"""`hf:` on tiny random models of every major VLM family (built offline from config classes):
generation and log-likelihood through the harness, batches mixing tile counts equal to one at a
time, the fast path falling back instead of crashing, families whose processors need torchvision
or another package, and where each chat template puts the images."""

from __future__ import annotations

import json
import logging

import numpy as np
import pytest
from PIL import Image

from babyvlm.errors import InputError
from babyvlm.evaluate.adapters import AdapterOptions, load_adapter
from babyvlm.evaluate.adapters.hf_load import torchvision_importable
from babyvlm.evaluate.adapters.hf_placement import INLINE, MOVED
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate
from babyvlm.evaluate.tiny_families import FAMILIES, build_tiny
from babyvlm.tasks.conversation import Conversation, ImageRef

# families whose chat templates write every image before the turn's text
MOVES_IMAGES = {"llava_next", "llava_onevision", "paligemma"}
TILING = ["llava_next", "llava_onevision", "idefics3", "smolvlm", "internvl"]
SIZES = [(24, 32), (48, 24), (30, 60), (40, 40)]  # (h, w): 1, 2 or 3 tiles in the tiling families


@pytest.fixture
def num2words(monkeypatch):
    """SmolVLM's processor refuses to start without num2words (used only for video frame times);
    a stand-in lets the image path run where the package is not installed."""
    import transformers.models.smolvlm.processing_smolvlm as smol

    if smol.num2words is None:
        monkeypatch.setattr(smol, "num2words", lambda n, **_: str(n))


@pytest.fixture(scope="session")
def family_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("families")
    built = {}

    def get(name):
        if name not in built:
            built[name] = build_tiny(name, root / name)
        return built[name]

    return get


def _img(path, seed, hw):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.random.RandomState(seed).randint(0, 255, (*hw, 3), dtype=np.uint8)).save(path)


@pytest.fixture(scope="session")
def mixed_data(tmp_path_factory):
    """looking_while_listening (log-likelihood) and subitizing (generation) items whose images have
    different sizes, so every batch mixes tile counts."""
    root = tmp_path_factory.mktemp("mixed")
    lwl, sub = [], []
    for k in range(3):
        imgs = [f"images/lwl_{k}_0.png", f"images/lwl_{k}_1.png"]
        lwl.append({"id": f"lwl_{k}", "image": imgs, "phrases": ["the ball", "the cup"],
                    "conversations": [{"from": "human", "value": "<image> <image> Look at the ball! (A) the first image "
                                                                 "(B) the second image"}, {"from": "gpt", "value": "A"}]})
        sub.append({"id": f"sub_{k}", "image": [f"images/sub_{k}.png"],
                    "conversations": [{"from": "human", "value": "<image> How many balls do you see?"},
                                      {"from": "gpt", "value": str(k + 1)}]})
    for name, recs in (("looking_while_listening", lwl), ("subitizing", sub)):
        (root / name).mkdir(parents=True)
        (root / name / "data.json").write_text(json.dumps(recs))
        for i, r in enumerate(recs):
            for j, p in enumerate(r["image"]):
                _img(root / name / p, 10 * i + j, SIZES[(i + j) % len(SIZES)])
    return root


def _convs():
    rs = np.random.RandomState(0)
    im = [ImageRef.from_pil(Image.fromarray(rs.randint(0, 255, (*hw, 3), dtype=np.uint8))) for hw in SIZES * 2]
    return [
        Conversation.from_turns([("user", "Which image has more shoes? (A) <image> (B) <image>")], im[0:2]),
        Conversation.from_turns([("user", "<image> How many cabinets do you see?")], im[2:3]),
        Conversation.from_turns([("user", "Touch the new image. (A) <image>"), ("assistant", "A"),
                                 ("user", "Touch the new image. (A) <image> (B) <image>")], im[3:6]),
    ]


def _adapter(path, **kw):
    return load_adapter(f"hf:{path}", AdapterOptions(device="cpu", dtype="float32", **kw))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_runs_generation_and_loglikelihood_through_the_harness(family, family_dir, mixed_data, tmp_path,
                                                                      num2words):
    path = family_dir(family)
    cfg = EvalConfig(tasks="looking_while_listening,subitizing", batch_size=4, baselines=[], bootstrap=0, plot=False,
                     max_new_tokens=3)
    cfg.hf.device = "cpu"
    res = evaluate(f"hf:{path}", mixed_data, tmp_path / "o", cfg)
    for task in ("looking_while_listening", "subitizing"):
        assert f"hf:{path}" in res["tasks"][task]["models"]
        rows = [json.loads(x) for x in (tmp_path / "o" / f"samples_{task}.jsonl").read_text().splitlines()]
        assert len(rows) == 3
    lwl = [json.loads(x) for x in (tmp_path / "o" / "samples_looking_while_listening.jsonl").read_text().splitlines()]
    assert all(len(r["response"]) == 4 and all(n > 0 and lp < 0 for lp, n in r["response"]) for r in lwl)


@pytest.mark.parametrize("family", TILING)
def test_batches_mixing_tile_counts_equal_one_at_a_time(family, family_dir, num2words):
    a = _adapter(family_dir(family), batch_size=8)
    convs = _convs()
    batched = a.generate(convs, 3)
    assert batched == [a.generate([c], 3)[0] for c in convs]
    reqs = [(convs[0], "A"), (convs[1], "three"), (convs[2], "B")]
    for (lp, n), (lp1, n1) in zip(a.loglikelihood(reqs), [a.loglikelihood([r])[0] for r in reqs]):
        assert n == n1 > 0 and lp == pytest.approx(lp1, abs=1e-4)


def test_fast_path_hands_mixed_tiles_to_the_processor(family_dir):
    """Verified on equal-sized images, then a batch of different sizes: the processor's output, no crash."""
    import torch

    from babyvlm.evaluate.adapters.hf_inputs import ModelInputs

    a = _adapter(family_dir("llava_next"), image_cache=0)
    inputs = ModelInputs(a.processor, a.tokenizer, cache_size=16)
    rs = np.random.RandomState(1)
    same = [ImageRef.from_pil(Image.fromarray(rs.randint(0, 255, (32, 32, 3), dtype=np.uint8))) for _ in range(2)]
    text = "USER: <image>\nhow many?ASSISTANT:"
    a.tokenizer.padding_side = "left"
    inputs([text, text], [[same[0]], [same[1]]])
    assert inputs.state == "on"
    mixed = [[c.images[0]] for c in _convs()]
    got = inputs([text] * 3, mixed)
    want = inputs.slow([text] * 3, mixed)
    assert set(got) == set(want) and all(torch.equal(got[k], want[k]) for k in want)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_cached_inputs_equal_the_processors_for_every_family(family, family_dir, num2words):
    """Batch after batch (equal and mixed image sizes, one and two images per turn, new words around
    known images), the inputs built from cached parts are the processor's own, tensor by tensor;
    every family that writes images in place of their placeholders gets the fast path."""
    import torch

    from babyvlm.evaluate.adapters.hf_inputs import ModelInputs

    a = _adapter(family_dir(family), image_cache=0)
    inputs = ModelInputs(a.processor, a.tokenizer, cache_size=16)
    convs = _convs()
    single = [c for c in convs if len(c.images) == 1]
    reworded = [Conversation.from_turns([("user", f"Look at {w}: <image> Which one?")], c.images[:1])
                for w, c in zip(["the cup", "a red truck", "this"], convs)]
    for batch in [single, convs, reworded, convs[::-1], single, reworded, convs]:
        texts, refs = [a.render(c) for c in batch], [c.images for c in batch]
        got, want = inputs(texts, refs), inputs.slow(texts, refs)
        tensors = {k for k, v in want.items() if hasattr(v, "shape")}
        assert {k for k, v in got.items() if hasattr(v, "shape")} == tensors
        assert all(torch.equal(got[k], want[k]) for k in tensors), family
    if family == "paligemma":  # images go before the whole prompt: nothing to build in place
        assert inputs.state == "off"
        return
    assert inputs.state == "on"
    texts, refs = [a.render(c) for c in reworded], [c.images for c in reworded]
    built, shape = inputs.fast(texts, refs)
    assert shape in inputs._verified  # the last of these batches really came from the cache
    fast, want = built[inputs._verified[shape]], inputs.slow(texts, refs)
    assert all(torch.equal(fast[k], want[k]) for k in want if hasattr(want[k], "shape"))


def test_an_error_inside_the_fast_path_falls_back_to_the_processor(family_dir, caplog):
    from babyvlm.evaluate.adapters.hf_inputs import ModelInputs

    a = _adapter(family_dir("llava"))
    inputs = ModelInputs(a.processor, a.tokenizer, cache_size=16)

    def broken(_):
        raise RuntimeError("Sizes of tensors must match except in dimension 0")

    inputs._process = broken
    conv = _convs()[1]
    with caplog.at_level(logging.INFO, logger="babyvlm"):
        out = inputs([a.render(conv)], [conv.images])
    assert inputs.state == "off" and "pixel_values" in out
    assert "Sizes of tensors" in caplog.text


@pytest.mark.parametrize("family", ["qwen2_vl", "qwen2_5_vl", "internvl", "llava_onevision", "smolvlm"])
def test_video_families_load_without_torchvision(family, family_dir, num2words):
    a = _adapter(family_dir(family))
    if not torchvision_importable():
        assert getattr(a.processor.video_processor, "available", True) is False
    (reply,) = a.generate([_convs()[1]], 2)
    assert isinstance(reply, str)


def test_a_processor_that_needs_torchvision_is_one_line(family_dir, monkeypatch):
    import babyvlm.evaluate.adapters.hf_load as hf_load

    def needs(cls):
        raise ImportError(f"{cls.__name__} requires the Torchvision library but it was not found in your environment")

    path = family_dir("qwen2_vl")
    monkeypatch.setattr(hf_load, "torchvision_importable", lambda: False)
    monkeypatch.setattr(hf_load, "without_video", needs)
    with pytest.raises(InputError) as e:
        _adapter(path)
    msg = str(e.value)
    assert "\n" not in msg and "needs torchvision" in msg and "Qwen2VLProcessor" in msg


def test_smolvlm_without_num2words_is_one_line(family_dir, monkeypatch):
    import transformers.models.smolvlm.processing_smolvlm as smol

    path = family_dir("smolvlm")
    monkeypatch.setattr(smol, "num2words", None)
    with pytest.raises(InputError) as e:
        _adapter(path)
    assert "\n" not in str(e.value) and "pip install num2words" in str(e.value)


def test_paligemma_gets_the_default_template(family_dir):
    a = _adapter(family_dir("paligemma"))
    conv = _convs()[1]
    assert a.render(conv) == "<image> How many cabinets do you see?"
    prefix, full = a._split(conv, "three")
    assert full == prefix + "\nthree"  # the processor adds the newline after the prompt itself
    (_, n), = a.loglikelihood([(conv, "three")])
    assert n == len(a.tokenizer("three", add_special_tokens=False)["input_ids"])


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_image_placement_probe(family, family_dir, num2words):
    a = _adapter(family_dir(family))
    assert a.placement == (MOVED if family in MOVES_IMAGES else INLINE)


def test_moved_images_warn_once_and_inline_images_keeps_them(family_dir, caplog, num2words):
    path = family_dir("llava_next")
    with caplog.at_level(logging.WARNING, logger="babyvlm"):
        a = _adapter(path)
        a.generate(_convs(), 2)
    assert sum("moves every image" in r.getMessage() for r in caplog.records) == 1
    conv = _convs()[0]
    assert a.render(conv).startswith("USER: <image>\n<image>\nWhich image")
    b = _adapter(path, inline_images=True)
    assert b.render(conv) == "USER: Which image has more shoes? (A) <image> (B) <image>ASSISTANT:"
    assert b.cache_id() != a.cache_id()
    assert b.generate([conv], 2) == [b.generate([conv], 2, )[0]]
    (lp, n), = b.loglikelihood([(conv, "A")])
    assert n > 0 and lp < 0


@pytest.mark.parametrize("family", [pytest.param("internvl", marks=pytest.mark.slow), "llava_next"])
def test_memory_rounds_equal_rerunning_every_round(family, family_dir, devcv_root):
    """Multi-round: the prefix cache (where the family's inputs allow it) gives the replies of re-running."""
    from babyvlm.evaluate.harness import play_rounds
    from babyvlm.tasks.devcv import DEVCV_TASKS

    task = DEVCV_TASKS["memory"]()
    items = task.load(devcv_root / "memory")[:2]
    replies = {}
    for prefix in (True, False):
        replies[prefix] = play_rounds(_adapter(family_dir(family), batch_size=4, prefix_cache=prefix), task, items, 2)
    assert replies[True] == replies[False]
