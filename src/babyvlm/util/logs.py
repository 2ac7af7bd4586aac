"""Logging to stderr with rich, set up once by the CLI."""

from __future__ import annotations

import logging


def setup_logging(verbose: bool = False) -> None:
    from rich.logging import RichHandler

    root = logging.getLogger("babyvlm")
    if root.handlers:
        return
    handler = RichHandler(show_path=False, show_time=False, markup=False, rich_tracebacks=False)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    root.propagate = False
