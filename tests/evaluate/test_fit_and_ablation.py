"""`eval --image-ablation` (every image blanked) and `eval --fit-split train` (scores on training items)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate
from babyvlm.util.io import read_jsonl

_spec = importlib.util.spec_from_file_location("eval_conftest_fa", Path(__file__).with_name("conftest.py"))
_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_conftest)
CannedAdapter = _conftest.CannedAdapter


def _is_blank(conv) -> bool:
    return all(np.ptp(np.asarray(im.pil())) == 0 for im in conv.images)


def test_image_ablation_blanks_every_image_and_keeps_the_text(devcv_root, tmp_path):
    seen = []

    def answer(conv):
        seen.append((conv.transcript(), [im.pil().size for im in conv.images], _is_blank(conv)))
        return "B" if _is_blank(conv) else "A"

    model = CannedAdapter(answer, name="looker")
    res = evaluate("looker", devcv_root, tmp_path / "o",
                   EvalConfig(tasks="compare_real", baselines=[], bootstrap=20, plot=False, image_ablation=True),
                   adapter=model)
    assert res["baselines"] == ["looker (no images)"]
    normal = [s for s in seen if not s[2]]
    blank = [s for s in seen if s[2]]
    assert len(normal) == len(blank) > 0
    # same questions, same image sizes: only the pixels are gone
    assert sorted((t, z) for t, z, _ in normal) == sorted((t, z) for t, z, _ in blank)
    rows = read_jsonl(tmp_path / "o" / "ablation" / "no_images" / "samples_compare_real.jsonl")
    assert {r["response"] for r in rows} == {"B"}
    assert "looker (no images)" in (tmp_path / "o" / "report.md").read_text()


def test_fit_split_scores_training_items_beside_the_test_split(devcv_root, tmp_path):
    data = tmp_path / "devcv"
    for split in ("train", "test"):
        shutil.copytree(devcv_root / "count", data / split / "count")
    # the train split's first gold marked as the only right answer: the fit score is exactly computable
    train = json.loads((data / "train" / "count" / "data.json").read_text())
    first_gold = train[0]["conversations"][1]["value"]
    expected = sum(it["conversations"][1]["value"] == first_gold for it in train[:3]) / 3
    model = CannedAdapter(lambda conv: first_gold, name="constant")
    res = evaluate("constant", data, tmp_path / "o",
                   EvalConfig(tasks="count", baselines=[], bootstrap=20, plot=False, fit_split="train", fit_limit=3),
                   adapter=model)
    fit = res["fit"]["count"]
    assert fit["split"] == "train" and fit["n_items"] == 3
    assert fit["metric"]["value"] == pytest.approx(expected) and expected > 0
    assert len(read_jsonl(tmp_path / "o" / "fit" / "samples_count.jsonl")) == 3
    assert res["tasks"]["count"]["n_items"] == 5  # the evaluated split is untouched
    report = (tmp_path / "o" / "report.md").read_text()
    assert "Fit versus generalisation" in report
