"""Fixtures for harness tests: the official DevCV fixture folder, a tiny random Llava, small
synthetic task folders (looking_while_listening, subitizing) and a canned adapter."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from babyvlm.evaluate.adapters.base import ModelAdapter


@pytest.fixture
def devcv_root(shared_fixtures) -> Path:
    return shared_fixtures / "devcv-official" / "saycam" / "test"


@pytest.fixture(scope="session")
def tiny_llava(tmp_path_factory) -> Path:
    from babyvlm.evaluate.tiny import build_tiny_llava

    return build_tiny_llava(tmp_path_factory.mktemp("tiny_llava") / "model")


def _image(path: Path, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.random.RandomState(seed).randint(0, 255, (24, 32, 3), dtype=np.uint8)).save(path)


@pytest.fixture
def extra_tasks(tmp_path) -> Path:
    """A data folder with looking_while_listening (phrases) and subitizing items."""
    root = tmp_path / "extra"
    lwl, sub = [], []
    words = [("the ball", "the cup"), ("a dog", "a cat"), ("the shoe", "the book"), ("big truck", "small spoon")]
    for k, (p0, p1) in enumerate(words):
        imgs = [f"images/lwl_{k}_0.png", f"images/lwl_{k}_1.png"]
        lwl.append({"id": f"lwl_{k}", "image": imgs, "phrases": [p0, p1],
                    "conversations": [{"from": "human", "value": f"<image> <image> Look at {p0}! (A) the first image (B) the second image"},
                                      {"from": "gpt", "value": "A"}]})
        sub.append({"id": f"sub_{k}", "image": [f"images/sub_{k}.png"],
                    "conversations": [{"from": "human", "value": "<image> How many balls do you see?"},
                                      {"from": "gpt", "value": str(k % 4 + 1)}]})
    for name, recs in (("looking_while_listening", lwl), ("subitizing", sub)):
        (root / name).mkdir(parents=True)
        (root / name / "data.json").write_text(json.dumps(recs))
        for i, r in enumerate(recs):
            for j, p in enumerate(r["image"]):
                _image(root / name / p, 100 * i + j)
    return root


class CannedAdapter(ModelAdapter):
    """Answers from a function of the conversation; counts calls; can fail after N calls."""

    def __init__(self, answer, name="canned", fail_after=None, loglik=None):
        self.answer = answer
        self.name = name
        self.calls = 0
        self.conversations = 0
        self.fail_after = fail_after
        self._loglik = loglik

    def cache_id(self):
        return self.name

    def generate(self, conversations, max_new_tokens=16):
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise KeyboardInterrupt("killed")
        self.calls += 1
        self.conversations += len(conversations)
        return [self.answer(c) for c in conversations]

    def loglikelihood(self, requests):
        self.calls += 1
        return [self._loglik(c, cont) if self._loglik else (-float(len(cont)), len(cont.split())) for c, cont in requests]


@pytest.fixture
def canned():
    return CannedAdapter
