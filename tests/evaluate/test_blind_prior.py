"""The blind baseline's answer prior: from the train split when there is one, never leave-one-out."""

from __future__ import annotations

import json

from PIL import Image

from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate
from babyvlm.util.io import read_jsonl


def _localize_split(root, split: str, answers: list[str]) -> None:
    folder = root / split / "localize"
    (folder / "images").mkdir(parents=True)
    items = []
    for i, a in enumerate(answers):
        Image.new("RGB", (32, 32), (i * 7 % 255, 80, 120)).save(folder / "images" / f"l_{i}.jpg")
        items.append({"id": f"localize_{i}", "image": [f"images/l_{i}.jpg"], "conversations": [
            {"from": "human", "value": "<image> Point at the ball. Is it in the (A) top left or (B) top right or "
                                       "(C) bottom left or (D) bottom right of the image?"},
            {"from": "gpt", "value": a}]})
    (folder / "data.json").write_text(json.dumps(items), encoding="utf-8")


def test_blind_is_at_chance_on_balanced_answers_without_a_train_split(tmp_path):
    # exactly balanced gold answers: a leave-one-out prior would get every item wrong (0%)
    _localize_split(tmp_path, "test", list("ABCD") * 10)
    res = evaluate("blind", tmp_path / "test", tmp_path / "out",
                   EvalConfig(tasks="localize", baselines=[], bootstrap=0, plot=False))
    assert res["tasks"]["localize"]["models"]["blind"]["metrics"]["acc"]["value"] == 0.25


def test_blind_learns_its_prior_from_the_train_split(tmp_path):
    _localize_split(tmp_path, "train", ["C"] * 9 + ["A"])  # the train split says: mostly C
    _localize_split(tmp_path, "test", ["C"] * 6 + ["B"] * 14)
    res = evaluate("blind", tmp_path, tmp_path / "out",
                   EvalConfig(tasks="localize", baselines=[], bootstrap=0, plot=False))
    rows = read_jsonl(tmp_path / "out" / "samples_localize.jsonl")
    assert {r["response"] for r in rows} == {"C"}  # not B, the majority of the evaluated items
    assert res["tasks"]["localize"]["models"]["blind"]["metrics"]["acc"]["value"] == 0.3
