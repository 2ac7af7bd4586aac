"""The shortcut baselines on a DevCV build of the small world stay within chance + 10 points on
every task (slow: generates the small world; `pytest -m slow tests/devcv/test_build_small_slow.py`)."""

from __future__ import annotations

import json

import pytest

from babyvlm.cli import main
from babyvlm.config import build_config

pytestmark = pytest.mark.slow


def test_baselines_within_chance_plus_ten_on_the_small_world(tmp_path_factory):
    from babyvlm.world import WorldConfig, generate_world

    root = tmp_path_factory.mktemp("small")
    world = root / "world"
    generate_world(build_config(WorldConfig, section="world", preset="world/small", overrides=["audio=off"]).check(),
                   world, workers=2)
    assert main(["devcv", "build", str(world), "--out", str(root / "devcv")]) == 0
    assert main(["eval", "--model", "random", "--baselines", "blind,pixel", "--data", str(root / "devcv"),
                 "--split", "test", "--tasks", "devcv", "--out", str(root / "eval")]) == 0
    res = json.loads((root / "eval" / "results.json").read_text())
    for name, t in res["tasks"].items():
        assert t["n_items"] >= 100, name
        chance = t["chance"][t["primary"]]
        for model in ("random", "blind", "pixel"):
            value = t["models"][model]["metrics"][t["primary"]]["value"]
            assert value <= chance + 0.10, f"{model} on {name}: {value:.3f} vs chance {chance:.3f}"
