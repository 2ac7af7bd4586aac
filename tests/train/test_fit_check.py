"""The fit check: the tiny model must fit items whose answer depends only on the image.

Every item asks the same question ("How many balls do you see?"; for `compare`, "Which image has
more balls? Answer (A) <image> (B) <image>", the DevCV shape with two interleaved images); only the
pictures and the answer differ. Trained on them through the ordinary stage-3 path, the model must
then answer at least 90% of those same items: a model that cannot, does not use its images (broken
image-token alignment or image order, pixels, labels or learning rates), whatever the DevCV numbers
say.
"""

from __future__ import annotations

import pytest

from babyvlm.train.fitcheck import score_items, write_fit_items, write_tokenizer_corpus
from babyvlm.train.stages import run_stage

# the tiny preset's shape at half width, so that the check runs in seconds on 2 cores
SMALL_TINY = [
    "model.vision.hidden_size=64", "model.vision.intermediate_size=256", "model.vision.heads=4",
    "model.text.hidden_size=128", "model.text.intermediate_size=352", "model.text.heads=4", "model.text.kv_heads=2",
    "model.text.layers=2", "model.vision.layers=2", "model.text.vocab_size=400",
]


@pytest.mark.parametrize("task", ["count", "compare"])  # one image; two interleaved images answered by letter
def test_tiny_model_fits_image_only_answers(task, tmp_path):
    from babyvlm.train.config import load_train_config

    data = write_fit_items(tmp_path / "items", task=task, n=32, seed=0)
    corpus = write_tokenizer_corpus(tmp_path / "corpus", task=task)
    cfg = load_train_config("tiny", overrides=[
        *SMALL_TINY, "stage3.init=[]", "stage3.val_samples=0", "stage3.epochs=50", "stage3.batch_size=8",
        "tensorboard=false",
    ], values={"devcv": str(data), "pretrain": str(corpus)})
    record = run_stage("3", tmp_path / "run", cfg)
    accuracy = score_items(tmp_path / "run" / "stage3" / "model", data / "train")
    assert accuracy >= 0.9, f"fit {accuracy:.2f} on its own training items after {record['steps']} steps"


def test_fit_items_depend_only_on_the_image(tmp_path):
    from babyvlm.util.io import read_json

    data = write_fit_items(tmp_path / "items", task="leftright", n=8, seed=0)
    items = read_json(data / "train" / "leftright" / "data.json")
    assert len({it["conversations"][0]["value"] for it in items}) == 1  # one question for all
    assert {it["conversations"][1]["value"] for it in items} == {"left", "right"}  # balanced answers
    assert len({it["image"][0] for it in items}) == len(items)


def test_compare_items_point_at_the_image_with_more_balls(tmp_path):
    from PIL import Image

    from babyvlm.train.fitcheck import BACKGROUND
    from babyvlm.util.io import read_json

    data = write_fit_items(tmp_path / "items", task="compare", n=12, seed=0)
    folder = data / "train" / "compare"
    items = read_json(folder / "data.json")
    assert {it["conversations"][1]["value"] for it in items} == {"A", "B"}
    for it in items:
        assert it["conversations"][0]["value"].count("<image>") == len(it["image"]) == 2
        balls = []
        for name in it["image"]:  # balls sit at the centres of a 4 x 4 grid of cells
            im = Image.open(folder / name).convert("RGB")
            balls.append(sum(im.getpixel((8 + 16 * (c % 4), 8 + 16 * (c // 4))) != BACKGROUND for c in range(16)))
        assert balls == it["meta"]["counts"] and balls[0] != balls[1]
        assert it["conversations"][1]["value"] == ("A" if balls[0] > balls[1] else "B")
