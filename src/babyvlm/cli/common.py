"""Options shared by sub-commands: config presets, `--set` overrides, seed, output folders."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click


def config_options(default_preset: str | None = None) -> Callable:
    """Adds `--config PRESET_OR_YAML` and repeatable `--set key=value` to a command."""

    def decorate(fn: Callable) -> Callable:
        fn = click.option(
            "--set",
            "overrides",
            multiple=True,
            metavar="KEY=VALUE",
            help="Override one config value (dotted key, e.g. --set pretrain.min_duration=0.5). Repeatable.",
        )(fn)
        fn = click.option(
            "--config",
            "preset",
            default=default_preset,
            show_default=True,
            help="Config preset name (see configs/) or a YAML file.",
        )(fn)
        return fn

    return decorate


def seed_option() -> Callable:
    """`--seed`; unset, the seed of the `--config` preset or file applies (its default 0), not a fixed 0."""
    return click.option("--seed", type=int, default=None, help="Seed for every random choice. [preset: 0]")


class OutDir(click.ParamType):
    """An output folder: it may not exist yet, but neither it nor a folder above it may be a file. The
    reason is one line (InputError), not click's usage block or an OSError traceback later."""

    name = "directory"

    def convert(self, value, param, ctx) -> Path:
        from babyvlm.errors import InputError

        path = Path(value)
        opt = param.opts[0] if param is not None and param.opts else "the output folder"
        for p in (path, *path.parents):
            if p.is_dir():
                break
            if p.exists():
                what = "is a file" if p == path else f"lies under {p}, which is a file"
                raise InputError(f"{opt} {path}: {what}, not a folder (choose another path)")
        return path


OUT_DIR = OutDir()


def out_option(required: bool = True, default: str | None = None, help: str = "Output folder.") -> Callable:
    return click.option(
        "--out", "out", type=OUT_DIR, required=required and default is None, default=default, help=help
    )


EXISTING_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def echo_written(label: str, path: Path) -> None:
    """Every command says where it wrote its outputs."""
    click.echo(f"{label}: {path}")
