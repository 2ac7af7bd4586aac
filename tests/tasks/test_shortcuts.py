"""The shortcut rules are one table: the DevCV builder's controls and the `pixel` baseline answer alike.

A control cancels a shortcut only if it scores candidates with the rule the baseline answers with,
ties included: here both sides run on the same stimuli and must give the same answers (and, on a
tie, both answers, never always the first option)."""

import numpy as np
from PIL import Image, ImageDraw

from babyvlm.devcv.builder.tasks.compare_synthetic import blob_guess
from babyvlm.evaluate.adapters.base import AdapterOptions
from babyvlm.evaluate.adapters.baselines import PixelBaseline
from babyvlm.tasks import shortcuts as sc
from babyvlm.tasks.conversation import Conversation, ImageRef
from babyvlm.tasks.registry import ALL_TASKS


def blobs_image(n: int, seed: int, side: int = 96) -> Image.Image:
    """n separate squares on a plain background."""
    rng = np.random.default_rng(seed)
    im = Image.new("RGB", (side, side), (20, 20, 20))
    d = ImageDraw.Draw(im)
    cells = rng.choice(16, size=n, replace=False)
    for c in cells:
        x, y = 6 + 24 * (c % 4), 6 + 24 * (c // 4)
        d.rectangle((x, y, x + 10, y + 10), fill=(230, 200, 60))
    return im


def baseline_answer(baseline: PixelBaseline, images: list[Image.Image], item_id: str) -> str:
    meta = {"task": "compare_synthetic", "item_id": item_id, "pixel": "more_blobs", "options": ["A", "B"],
            "option_images": {"A": 0, "B": 1}}
    conv = Conversation.from_turns([("user", "Which image has more? (A) <image> (B) <image>")],
                                   [ImageRef.from_pil(im) for im in images], meta)
    return baseline.generate([conv])[0]


def test_every_task_pixel_rule_is_in_the_one_table():
    rules = {getattr(cls, "pixel_rule", None) for cls in ALL_TASKS.values()} - {None}
    assert rules and rules <= set(sc.RULES), rules - set(sc.RULES)


def test_compare_control_and_pixel_baseline_give_the_same_answer():
    baseline = PixelBaseline(AdapterOptions())
    rng = np.random.default_rng(0)
    agree = 0
    for k in range(12):
        n_a, n_b = (int(x) for x in rng.choice(np.arange(1, 8), size=2, replace=False))
        images = [blobs_image(n_a, 2 * k), blobs_image(n_b, 2 * k + 1)]
        built = "AB"[blob_guess(images, rng)]
        assert built == ("A" if n_a > n_b else "B")  # the rule reads the count
        agree += built == baseline_answer(baseline, images, f"item{k}")
    assert agree == 12


def test_a_tie_is_broken_at_random_on_both_sides():
    baseline = PixelBaseline(AdapterOptions())
    same = [blobs_image(3, 5), blobs_image(3, 5)]  # identical: every statistic ties
    built = {blob_guess(same, np.random.default_rng(s)) for s in range(20)}
    answered = {baseline_answer(baseline, same, f"tie{s}") for s in range(20)}
    assert built == {0, 1}  # the builder once took option A on every tie: its control then missed the rule
    assert answered == {"A", "B"}


def test_pick_and_tied_best():
    assert sc.tied_best([1.0, 3.0, 3.0]) == [1, 2]
    assert sc.tied_best({"b": 2.0, "a": 2.0, "c": 1.0}) == ["a", "b"]
    assert sc.pick([0.0, 5.0, 1.0], np.random.default_rng(0)) == 1
    assert sc.pick({"A": 1.0, "B": 1.0}, np.random.default_rng(0)) in {"A", "B"}
    blank = np.zeros((sc.SIZE, sc.SIZE, 3), np.float32)
    assert sc.tied_best(sc.quadrant_energy(blank)) == sorted(sc.QUADRANTS)
