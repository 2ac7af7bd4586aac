"""Typed configuration: dataclasses, YAML presets, dotted overrides, resolved config on disk.

Each step declares its settings as a dataclass (nested dataclasses for sub-sections). A config is
built from the dataclass defaults, then a YAML preset, then `--set key.sub=value` overrides, and
every value is checked against the field's type, so a typo is an error rather than a silently
ignored key. The resolved config is written next to every output as `config.yaml`.

Keys may be given with or without the step's section name: for a step whose section is
`pretrain`, `--set pretrain.min_duration=0.5` and `--set min_duration=0.5` are the same.

Values are also checked against their range where they are read (preset, flag or `--set`): a
dataclass lists the range of each number it holds in a class attribute
`RANGES = {"fps": ">0", "jpeg_quality": "1..100", "seed": "any"}` (rules: `>x`, `>=x`, `<x`, `<=x`,
`a..b` inclusive, several joined by commas, `any` for no bound; lists, tuples and mappings of numbers
are checked element by element; None passes where the type allows it). A value out of range is a
one-line ConfigError naming the key; cross-field rules live in the config's `check()`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml

from babyvlm.errors import ConfigError
from babyvlm.util.io import write_text

T = TypeVar("T")

PRESET_DIRS = (
    Path(__file__).resolve().parent / "configs",  # installed wheel: configs/ is packaged here
    Path(__file__).resolve().parents[2] / "configs",  # source checkout / editable install
)


def preset_path(name_or_path: str | Path) -> Path:
    """A preset by path, or by name (`world/small` -> configs/world/small.yaml)."""
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    for d in PRESET_DIRS:
        cand = d / f"{name_or_path}.yaml"
        if cand.exists():
            return cand
    known = sorted(
        str(q.relative_to(d).with_suffix("")) for d in PRESET_DIRS if d.exists() for q in d.rglob("*.yaml")
    )
    raise ConfigError(f"no config preset {name_or_path!r} (known: {', '.join(known) or 'none'})")


def _type_hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _coerce(value: Any, tp: Any, key: str) -> Any:
    """Convert a YAML value to the annotated type, or raise ConfigError naming the key."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for a in args:
            if a is type(None):
                continue
            try:
                return _coerce(value, a, key)
            except ConfigError:
                pass
        raise ConfigError(f"{key}: {value!r} fits none of {tp}")
    if origin is typing.Literal:
        if value not in args:
            raise ConfigError(f"{key}: {value!r} is not one of {list(args)}")
        return value
    if dataclasses.is_dataclass(tp):
        if isinstance(value, tp):
            return value
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: expected a mapping for {tp.__name__}, got {value!r}")
        return merge(tp(), value, prefix=key)
    if origin in (list, Sequence) or tp is list:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v != ""]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        inner = args[0] if args else Any
        return [_coerce(v, inner, f"{key}[{i}]") for i, v in enumerate(value)]
    if origin is tuple:
        if isinstance(value, str):
            value = [v for v in value.split(",") if v != ""]
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{key}: expected a list, got {value!r}")
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_coerce(v, args[0], f"{key}[{i}]") for i, v in enumerate(value))
        if args and len(args) != len(value):
            raise ConfigError(f"{key}: expected {len(args)} values, got {len(value)}")
        return tuple(_coerce(v, a, f"{key}[{i}]") for i, (v, a) in enumerate(zip(value, args or [Any] * len(value))))
    if origin is dict or tp is dict:
        if not isinstance(value, Mapping):
            raise ConfigError(f"{key}: expected a mapping, got {value!r}")
        kt, vt = args if args else (Any, Any)
        return {_coerce(k, kt, key): _coerce(v, vt, f"{key}.{k}") for k, v in value.items()}
    if tp is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no", "1", "0", "on", "off"):
            return value.lower() in ("true", "yes", "1", "on")
        raise ConfigError(f"{key}: expected true/false, got {value!r}")
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ConfigError(f"{key}: expected an integer, got {value!r}")
        try:
            return int(value)
        except ValueError:
            raise ConfigError(f"{key}: expected an integer, got {value!r}") from None
    if tp is float:
        if isinstance(value, bool):
            raise ConfigError(f"{key}: expected a number, got {value!r}")
        try:
            return float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{key}: expected a number, got {value!r}") from None
    if tp is str:
        if isinstance(value, (dict, list)):
            raise ConfigError(f"{key}: expected a string, got {value!r}")
        return str(value)
    if tp is Path:
        return Path(value)
    return value


def _bounds(rule: str) -> list[tuple[str, float]]:
    """`">0,<=1"` -> [(">", 0.0), ("<=", 1.0)]; `"1..100"` -> [(">=", 1.0), ("<=", 100.0)]; `any` -> []."""
    out: list[tuple[str, float]] = []
    for part in (x.strip() for x in rule.split(",")):
        if part == "any":
            continue
        if ".." in part:
            lo, hi = part.split("..", 1)
            out += [(">=", float(lo)), ("<=", float(hi))]
            continue
        op = next(o for o in (">=", "<=", ">", "<") if part.startswith(o))
        out.append((op, float(part[len(op):])))
    return out


def describe_range(rule: str) -> str:
    """A rule as words for an error message: `>0` -> "> 0", `1..100` -> "between 1 and 100"."""
    parts = []
    for part in (x.strip() for x in rule.split(",")):
        if ".." in part:
            lo, hi = part.split("..", 1)
            parts.append(f"between {lo} and {hi}")
        elif part != "any":
            op = next(o for o in (">=", "<=", ">", "<") if part.startswith(o))
            parts.append(f"{op} {part[len(op):]}")
    return " and ".join(parts) or "any number"


_OPS = {">": lambda v, b: v > b, ">=": lambda v, b: v >= b, "<": lambda v, b: v < b, "<=": lambda v, b: v <= b}


def check_range(key: str, value: Any, rule: str) -> None:
    """ConfigError naming `key` when a number in `value` breaks `rule` (see the module docstring)."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            check_range(f"{key}.{k}", v, rule)
        return
    if isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            check_range(f"{key}[{i}]", v, rule)
        return
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return
    if value != value or any(not _OPS[op](value, b) for op, b in _bounds(rule)):  # NaN breaks every rule
        raise ConfigError(f"{key} must be {describe_range(rule)}, got {value!r}")


def ranges_of(cls: type) -> dict[str, str]:
    """The RANGES of a config dataclass and its bases (a subclass may add or override rules)."""
    out: dict[str, str] = {}
    for base in reversed(cls.__mro__):
        out.update(base.__dict__.get("RANGES", {}))
    return out


def merge(obj: T, data: Mapping[str, Any], *, prefix: str = "") -> T:
    """A copy of dataclass `obj` with the (nested, partial) mapping `data` applied."""
    hints = _type_hints(type(obj))
    names = {f.name for f in dataclasses.fields(obj)}
    changes = {}
    for k, v in data.items():
        key = f"{prefix}.{k}" if prefix else k
        if k not in names:
            raise ConfigError(f"unknown config key {key!r} (known: {', '.join(sorted(names))})")
        cur = getattr(obj, k)
        if dataclasses.is_dataclass(cur) and isinstance(v, Mapping):
            changes[k] = merge(cur, v, prefix=key)
        else:
            changes[k] = _coerce(v, hints[k], key)
            rule = ranges_of(type(obj)).get(k)
            if rule is not None:
                check_range(key, changes[k], rule)
    return dataclasses.replace(obj, **changes)


def parse_override(text: str) -> tuple[list[str], Any]:
    """`a.b=0.5` -> (['a', 'b'], 0.5). Values are parsed as YAML scalars/lists."""
    if "=" not in text:
        raise ConfigError(f"override {text!r} is not KEY=VALUE")
    key, raw = text.split("=", 1)
    key = key.strip()
    if not key:
        raise ConfigError(f"override {text!r} has an empty key")
    try:
        value = yaml.safe_load(raw) if raw.strip() != "" else ""
    except yaml.YAMLError:
        value = raw
    return key.split("."), value


def _nest(path: list[str], value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    cur = out
    for p in path[:-1]:
        cur = cur.setdefault(p, {})
    cur[path[-1]] = value
    return out


def build_config(
    cls: type[T],
    *,
    section: str | None = None,
    preset: str | Path | None = None,
    overrides: Sequence[str] = (),
    values: Mapping[str, Any] | None = None,
) -> T:
    """Defaults <- preset YAML <- `values` (e.g. CLI flags) <- `--set` overrides."""
    obj = cls()
    if preset is not None:
        path = preset_path(preset)
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, Mapping):
            raise ConfigError(f"{path}: a preset must be a mapping")
        if section and section in data and isinstance(data[section], Mapping) and len(data) == 1:
            data = data[section]
        obj = merge(obj, data, prefix=section or "")
    if values:
        obj = merge(obj, {k: v for k, v in values.items() if v is not None}, prefix=section or "")
    for text in overrides:
        path, value = parse_override(text)
        if section and path[0] == section and len(path) > 1:
            path = path[1:]
        obj = merge(obj, _nest(path, value), prefix=section or "")
    return obj


def to_dict(obj: Any) -> Any:
    """Plain YAML/JSON-able structure for a config (Paths as strings, tuples as lists)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(v) for v in obj]
    if isinstance(obj, dict):
        return {str(k): to_dict(v) for k, v in obj.items()}
    if isinstance(obj, Path):
        return str(obj)
    return obj


def dump_config(obj: Any, *, section: str | None = None) -> str:
    data = to_dict(obj)
    if section:
        data = {section: data}
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_config(obj: Any, out_dir: str | Path, *, section: str | None = None, name: str = "config.yaml") -> Path:
    """Write the resolved config next to an output."""
    return write_text(Path(out_dir) / name, dump_config(obj, section=section))
