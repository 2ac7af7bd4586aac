"""Logging to stderr with rich, set up once by the CLI."""

from __future__ import annotations

import logging


def setup_logging(verbose: bool = False) -> None:
    from rich.console import Console
    from rich.logging import RichHandler

    root = logging.getLogger("babyvlm")
    if root.handlers:
        return
    # stderr, so that a command's own output on stdout can be piped (`| head`, `--json | jq`)
    handler = RichHandler(console=Console(stderr=True), show_path=False, show_time=False, markup=False,
                          rich_tracebacks=False)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
