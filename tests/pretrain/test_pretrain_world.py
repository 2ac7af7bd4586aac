"""End to end on the tiny world: the oracle gives precision and recall 1, the baby scorer trains and
filters, every output validates, and nothing is rejected."""

import pytest
import yaml

from babyvlm.pretrain.build import build
from babyvlm.pretrain.check import check_set


@pytest.fixture(scope="module")
def tiny_world(tmp_path_factory):
    world = pytest.importorskip("babyvlm.world")
    if not hasattr(world, "generate_world"):
        pytest.skip("babyvlm.world has no generate_world yet")
    from babyvlm.config import build_config

    cfg = build_config(world.WorldConfig, section="world", preset="world/tiny",
                       overrides=["sessions_per_child=1", "session_seconds=40", "audio=off"]).check()
    out = tmp_path_factory.mktemp("world")
    world.generate_world(cfg, out)
    return out


def test_tiny_world_with_the_oracle(tiny_world, tmp_path, oracle_cfg):
    res = build(tiny_world, tmp_path / "set", oracle_cfg())
    assert check_set(tmp_path / "set")[0] == []
    s = res.stats
    assert s["rejects"] == 0
    q = s["filter_quality"]
    assert q["precision"] == 1.0 and q["recall"] == 1.0 and 0 < q["base_rate"] < 1
    # the corpus's split of 3 sessions: 2 train, 0 val, 1 test (held out of the set)
    assert s["sessions"]["total"] == 2 and s["sessions"]["val"] == 0 and s["sessions"]["held_out_test"] == 1
    assert s["counts"]["train"]["single_image"] > 0 and s["counts"]["train"]["video"] > 0
    assert set(s["per_child"]) | {x[0] for x in s["sessions"]["held_out_stems"]} == {"A", "S", "Y"}
    assert not set(s["per_child"]) & {x[0] for x in s["sessions"]["held_out_stems"]}  # one session per child


def test_tiny_world_with_a_baby_scorer_trained_on_the_fly(tiny_world, tmp_path, oracle_cfg):
    from babyvlm.pretrain.config import ScorerSpec

    cfg = oracle_cfg(scorer=ScorerSpec(name="baby", train_preset="scorer/tiny"))
    res = build(tiny_world, tmp_path / "set", cfg)
    assert (tmp_path / "set" / "scorer" / "model.safetensors").exists()
    assert check_set(tmp_path / "set")[0] == []
    q = res.stats["filter_quality"]
    assert q["scorer"] == "baby" and q["pairs"] == res.stats["segments"]["frames_scored"]
    written = yaml.safe_load((tmp_path / "set" / "config.yaml").read_text())
    assert written["pretrain"]["scorer"]["model"] == str(tmp_path / "set" / "scorer")  # the resolved model
