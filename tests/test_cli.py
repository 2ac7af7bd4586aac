"""The `babyvlm` command: sub-commands listed with descriptions, each with --help and an example."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from babyvlm.cli import COMMANDS, available_commands, cli


def test_help_lists_subcommands():
    out = subprocess.run([sys.executable, "-m", "babyvlm", "--help"], capture_output=True, text=True, check=True).stdout
    assert "Commands:" in out
    for name in available_commands():
        assert name in out and COMMANDS[name][1][:30] in out


def _walk(cmd: click.Command, path: list[str]):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name in cmd.list_commands(click.Context(cmd)):
            yield from _walk(cmd.get_command(click.Context(cmd), name), path + [name])


@pytest.mark.parametrize("name", available_commands())
def test_every_subcommand_has_help_with_an_example(name):
    from click.testing import CliRunner

    root = cli.get_command(click.Context(cli), name)
    for path, _cmd in _walk(root, [name]):
        result = CliRunner().invoke(cli, path + ["--help"])
        assert result.exit_code == 0, (path, result.output)
        assert "Example" in result.output, f"`babyvlm {' '.join(path)} --help` has no example"


def test_names_are_the_agreed_ones():
    assert list(COMMANDS) == ["world", "corpus", "pretrain", "scorer", "train", "devcv", "v1", "eval", "demo", "curve"]


def _leaf_commands(group: click.Group, ctx: click.Context, prefix: str = ""):
    for name in group.list_commands(ctx):
        cmd = group.get_command(ctx, name)
        if isinstance(cmd, click.Group):
            yield from _leaf_commands(cmd, ctx, f"{prefix}{name} ")
        if cmd is not None:
            yield f"{prefix}{name}", cmd


def test_an_unset_seed_leaves_the_config_files_seed_in_force():
    # a fixed default (0) would silently override `seed:` in a --config file or preset
    ctx = click.Context(cli)
    checked = []
    for name, cmd in _leaf_commands(cli, ctx):
        params = {p.name: p for p in cmd.params}
        if "seed" in params and ({"preset", "config"} & set(params)):
            assert params["seed"].default is None, f"babyvlm {name}: --seed defaults to {params['seed'].default}"
            checked.append(name)
    assert {"pretrain build", "devcv build", "scorer train"} <= set(checked), checked
