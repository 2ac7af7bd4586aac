"""Typed config: defaults, presets, dotted overrides, type checks, the resolved file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from babyvlm.config import build_config, dump_config, write_config
from babyvlm.errors import ConfigError


@dataclass
class Inner:
    rate: float = 1.0
    names: list[str] = field(default_factory=lambda: ["a"])


@dataclass
class Cfg:
    min_duration: float = 0.2
    workers: int = 1
    mode: str = "x"
    flag: bool = False
    out: Path | None = None
    size: tuple[int, int] = (320, 240)
    inner: Inner = field(default_factory=Inner)


def test_defaults_preset_and_overrides(tmp_path):
    preset = tmp_path / "p.yaml"
    preset.write_text("pretrain:\n  workers: 4\n  inner:\n    rate: 2\n", encoding="utf-8")
    cfg = build_config(Cfg, section="pretrain", preset=preset,
                       overrides=["pretrain.min_duration=0.5", "inner.names=[b, c]", "flag=true", "size=[640, 480]"])
    assert cfg.workers == 4 and cfg.inner.rate == 2.0 and isinstance(cfg.inner.rate, float)
    assert cfg.min_duration == 0.5 and cfg.inner.names == ["b", "c"] and cfg.flag is True and cfg.size == (640, 480)
    assert cfg.mode == "x"


@pytest.mark.parametrize("override,msg", [
    ("pretrain.min_durtion=1", "unknown config key 'pretrain.min_durtion'"),
    ("workers=many", "pretrain.workers: expected an integer"),
    ("flag=maybe", "pretrain.flag: expected true/false"),
    ("inner.rate=fast", "pretrain.inner.rate: expected a number"),
    ("nokey", "is not KEY=VALUE"),
])
def test_bad_overrides_are_one_line_errors(override, msg):
    with pytest.raises(ConfigError, match=re.escape(msg)):
        build_config(Cfg, section="pretrain", overrides=[override])


def test_resolved_config_round_trips(tmp_path):
    cfg = build_config(Cfg, section="pretrain", overrides=["out=/tmp/x", "workers=3"])
    path = write_config(cfg, tmp_path, section="pretrain")
    data = yaml.safe_load(path.read_text())
    assert data["pretrain"]["out"] == "/tmp/x" and data["pretrain"]["size"] == [320, 240]
    again = build_config(Cfg, section="pretrain", preset=path)
    assert again == cfg
    assert dump_config(again, section="pretrain") == path.read_text()


def test_unknown_preset_name():
    with pytest.raises(ConfigError, match="no config preset"):
        build_config(Cfg, preset="does/not/exist")
