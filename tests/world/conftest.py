"""World test helpers: configs for generating worlds (the shared tiny world is in tests/conftest.py)."""

from __future__ import annotations

import pytest

from babyvlm.config import build_config
from babyvlm.world import WorldConfig


def _world_config(preset: str = "tiny", **overrides) -> WorldConfig:
    sets = [f"{k}={v}" for k, v in overrides.items()]
    return build_config(WorldConfig, section="world", preset=f"world/{preset}", overrides=sets).check()


def _micro_config(**overrides) -> WorldConfig:
    """A couple of very short sessions: for tests that generate more than once."""
    base = {"children": "[S]", "sessions_per_child": 1, "session_seconds": 8, "audio": "off"}
    base.update(overrides)
    return _world_config("tiny", **base)


@pytest.fixture
def world_config():
    """`world_config(preset="tiny", **overrides)` -> a checked WorldConfig."""
    return _world_config


@pytest.fixture
def micro_config():
    """`micro_config(**overrides)`: one child, one 8-second session, no audio."""
    return _micro_config
