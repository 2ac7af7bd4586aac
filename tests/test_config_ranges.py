"""Every number of every command's config has a declared range, checked where it is read: an
out-of-range value in any section is a one-line ConfigError naming the key (issue 17)."""

from __future__ import annotations

import dataclasses
import math
import types
import typing
from pathlib import Path

import pytest
import yaml

from babyvlm.config import _bounds, build_config, check_range, describe_range, ranges_of
from babyvlm.corpus.asr.pipeline import TranscribeConfig
from babyvlm.devcv.builder.config import DevCVBuildConfig
from babyvlm.errors import ConfigError
from babyvlm.model.config import ModelConfig, load_model_config
from babyvlm.pretrain.config import PretrainConfig
from babyvlm.scoring.baby.config import ScorerTrainConfig
from babyvlm.train.config import TrainConfig, load_train_config
from babyvlm.v1.config import BuildConfig, TransformConfig
from babyvlm.world import WorldConfig

# (command, root config, section). `eval` (EvalConfig) and the demo/curve step lists are checked by
# their own commands; every other command's config is walked here.
ROOTS = [
    ("world", WorldConfig, "world"),
    ("corpus transcribe", TranscribeConfig, "asr"),
    ("pretrain build", PretrainConfig, "pretrain"),
    ("scorer train", ScorerTrainConfig, "scorer"),
    ("train", TrainConfig, "train"),
    ("devcv build", DevCVBuildConfig, "devcv"),
    ("v1 transform", TransformConfig, "transform"),
    ("v1 build", BuildConfig, "build"),
]
NUMBERS = (int, float)


def _numeric(tp) -> tuple[type | None, str]:
    """(number type, shape) of an annotation holding numbers: shape is scalar, list, tuple:N or dict."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp in NUMBERS and tp is not bool:
        return tp, "scalar"
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        return _numeric(inner[0]) if len(inner) == 1 else (None, "")
    if origin is list and args and args[0] in NUMBERS:
        return args[0], "list"
    if origin is tuple and args and args[0] in NUMBERS:
        return args[0], "tuple:*" if args[-1] is Ellipsis else f"tuple:{len(args)}"
    if origin is dict and len(args) == 2 and args[1] in NUMBERS:
        return args[1], "dict"
    return None, ""


def numeric_fields(cls, path=()):
    """(dotted path, owning class, field name, number type, shape, default) for every number below `cls`."""
    hints = typing.get_type_hints(cls)
    obj = cls()
    for f in dataclasses.fields(cls):
        tp = hints[f.name]
        if dataclasses.is_dataclass(tp):
            yield from numeric_fields(tp, (*path, f.name))
            continue
        kind, shape = _numeric(tp)
        if kind is not None:
            yield ".".join((*path, f.name)), cls, f.name, kind, shape, getattr(obj, f.name)


def bad_numbers(rule: str, kind: type) -> list[float]:
    """Values just outside each bound of `rule` (of the field's number type)."""
    out = []
    for op, b in _bounds(rule):
        step = 1 if kind is int else 0.5
        v = {">": b, ">=": b - step, "<": b, "<=": b + step}[op]
        if kind is int:
            v = math.floor(v) if op in (">", ">=") else math.ceil(v)
        out.append(kind(v))
    return out


def as_value(bad, shape: str, default):
    if shape == "scalar":
        return bad
    if shape == "list" or shape == "tuple:*":
        return [bad]
    if shape.startswith("tuple:"):
        return [bad] * int(shape.split(":")[1])
    key = next(iter(default), "baby") if isinstance(default, dict) else "baby"
    return {key: bad}


CASES = [(cmd, root, section, path, rule, bad, shape, default)
         for cmd, root, section in ROOTS
         for path, owner, name, kind, shape, default in numeric_fields(root)
         if (rule := ranges_of(owner).get(name)) not in (None, "any")
         for bad in bad_numbers(rule, kind)]


@pytest.mark.parametrize("cmd,root,section", ROOTS, ids=[r[0] for r in ROOTS])
def test_every_number_has_a_range_and_defaults_fit(cmd, root, section):
    missing = [f"{section}.{p}" for p, owner, name, *_ in numeric_fields(root) if name not in ranges_of(owner)]
    assert not missing, f"{cmd}: no RANGES entry for {missing}"
    for p, owner, name, _kind, _shape, default in numeric_fields(root):
        check_range(f"{section}.{p}", default, ranges_of(owner)[name])  # defaults are in range


def test_ranges_name_real_fields():
    seen = set()
    for _cmd, root, _ in ROOTS:
        stack = [root]
        while stack:
            cls = stack.pop()
            if cls in seen:
                continue
            seen.add(cls)
            names = {f.name for f in dataclasses.fields(cls)}
            assert set(ranges_of(cls)) <= names, (cls.__name__, set(ranges_of(cls)) - names)
            stack += [t for t in typing.get_type_hints(cls).values() if dataclasses.is_dataclass(t)]


@pytest.mark.parametrize("cmd,root,section,path,rule,bad,shape,default", CASES,
                         ids=[f"{c[2]}.{c[3]}={c[5]}" for c in CASES])
def test_out_of_range_value_is_a_one_line_config_error(cmd, root, section, path, rule, bad, shape, default):
    value = yaml.safe_dump(as_value(bad, shape, default), default_flow_style=True).strip()
    if value.endswith("..."):
        value = value[:-3].strip()
    with pytest.raises(ConfigError) as e:
        build_config(root, section=section, overrides=[f"{path}={value}"])
    msg = str(e.value)
    assert "\n" not in msg and f"{section}.{path}" in msg and describe_range(rule) in msg, msg


@pytest.mark.parametrize("text,ok,bad", [
    (">0", [0.1, 5], [0, -1, float("nan")]),
    ("1..100", [1, 100], [0, 101]),
    (">=0,<1", [0, 0.99], [1, -0.1]),
    ("any", [-1e9, 0], []),
])
def test_rules(text, ok, bad):
    for v in ok:
        check_range("k", v, text)
    check_range("k", None, text)  # None passes where the type allows it
    for v in bad:
        with pytest.raises(ConfigError, match=r"^k must be "):
            check_range("k", v, text)


def test_issue_examples_and_presets_still_load():
    for override, key in (("frames.fps=0", "pretrain.frames.fps must be > 0, got 0.0"),
                          ("frames.size=-5", "pretrain.frames.size must be >= 16, got -5"),
                          ("frames.max_video_frames=0", "pretrain.frames.max_video_frames must be >= 1")):
        with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
            build_config(PretrainConfig, section="pretrain", preset="pretrain/default", overrides=[override])
    configs = Path(__file__).resolve().parents[1] / "configs"
    by_dir = {"world": (WorldConfig, "world"), "asr": (TranscribeConfig, "asr"), "pretrain": (PretrainConfig, "pretrain"),
              "scorer": (ScorerTrainConfig, "scorer"), "devcv": (DevCVBuildConfig, "devcv")}
    for p in sorted(configs.rglob("*.yaml")):
        name = str(p.relative_to(configs).with_suffix(""))
        top = name.split("/")[0]
        if top in by_dir:
            build_config(by_dir[top][0], section=by_dir[top][1], preset=name)
        elif top == "train":
            load_train_config(name)
        elif top == "model":
            assert isinstance(load_model_config(name.split("/", 1)[1]), ModelConfig)
        elif name.startswith("v1/transform"):
            build_config(TransformConfig, section="transform", preset=name).check()
        elif name == "v1/build":
            build_config(BuildConfig, section="build", preset=name).check()
