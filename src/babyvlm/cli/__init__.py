"""The `babyvlm` command: one sub-command per step of the flow.

Sub-commands live in their own modules (`babyvlm.cli.<name>`) and are imported only when used, so
`babyvlm --help` answers at once without importing torch. Each module exposes `command`, a click
command or group, and stays thin: it parses options, then calls the library.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys

import click

from babyvlm import __version__
from babyvlm.util.cpu import passive_openmp

passive_openmp()  # before any sub-command loads torch

# name -> (module, one-line description shown by `babyvlm --help`), in the order of the flow.
COMMANDS: dict[str, tuple[str, str]] = {
    "world": ("babyvlm.cli.world", "Generate the embedded synthetic egocentric corpus (the default data)."),
    "corpus": ("babyvlm.cli.corpus", "Inspect a corpus (info), transcribe its speech, measure WER."),
    "pretrain": ("babyvlm.cli.pretrain", "Build the pretraining set (video, image and interleaved pairs)."),
    "scorer": ("babyvlm.cli.scorer", "Train or apply the image-utterance similarity scorer used for filtering."),
    "train": ("babyvlm.cli.train", "Train the BabyVLM model stage by stage (0a, 0b, 1, 2, 3)."),
    "devcv": ("babyvlm.cli.devcv", "Build, review and export the DevCV Toolbox tasks (also as lmms-eval tasks)."),
    "v1": ("babyvlm.cli.v1", "BabyVLM-V1: child-directed synthetic data and the four V1 benchmarks."),
    "eval": ("babyvlm.cli.eval", "Evaluate any VLM on DevCV and V1 tasks; write results and a report."),
    "demo": ("babyvlm.cli.demo", "Run the whole framework end to end on the small world."),
    "curve": ("babyvlm.cli.curve", "Developmental learning curves: DevCV accuracy against months of experience."),
}


def available_commands() -> list[str]:
    """Sub-commands whose module is present in this installation."""
    out = []
    for name, (module, _) in COMMANDS.items():
        if importlib.util.find_spec(module) is not None:
            out.append(name)
    return out


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return available_commands()

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS or importlib.util.find_spec(COMMANDS[name][0]) is None:
            return None
        return importlib.import_module(COMMANDS[name][0]).command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][1]) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="babyvlm")
@click.option("-v", "--verbose", is_flag=True, help="More log output.")
def cli(verbose: bool) -> None:
    """babyvlm: developmentally grounded vision-language modelling.

    The flow: a corpus (the generated world, SAYCam-like folders, or any videos with transcripts)
    becomes a pretraining set; a compact VLM trains on it in stages; the DevCV Toolbox is built from
    annotated frames; any model is evaluated on it next to published numbers.

    \b
    Quick start:
      babyvlm demo --out runs/demo
    """
    from babyvlm.util.logs import setup_logging

    setup_logging(verbose)


def main(argv: list[str] | None = None) -> int:
    from babyvlm.errors import BabyVLMError

    try:
        cli.main(args=argv, prog_name="babyvlm", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return 130
    except click.ClickException as e:
        e.show()
        return e.exit_code
    except BabyVLMError as e:
        click.echo(f"error: {e}", err=True)
        return 2
    except (FileExistsError, NotADirectoryError, IsADirectoryError, PermissionError) as e:
        # a path in the way or not allowed: the OS's one-line reason names it (-v: the traceback too)
        import logging

        logging.getLogger("babyvlm").debug("where", exc_info=True)
        click.echo(f"error: {e}", err=True)
        return 2
    except KeyboardInterrupt:
        click.echo("interrupted (rerun the same command to resume)", err=True)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
