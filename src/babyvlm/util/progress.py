"""Progress bars for long work (tqdm on stderr; quiet when BABYVLM_QUIET=1)."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm.auto import tqdm

T = TypeVar("T")


def quiet() -> bool:
    return os.environ.get("BABYVLM_QUIET", "") not in ("", "0")


def progress(iterable: Iterable[T], *, desc: str = "", total: int | None = None, unit: str = "it") -> Iterator[T]:
    """Wrap an iterable in a progress bar."""
    return iter(tqdm(iterable, desc=desc, total=total, unit=unit, disable=quiet(), dynamic_ncols=True, leave=False))


def bar(*, desc: str = "", total: int | None = None, unit: str = "it", initial: int = 0) -> tqdm:
    """A manually updated progress bar (`with bar(...) as b: b.update(n)`)."""
    return tqdm(desc=desc, total=total, unit=unit, initial=initial, disable=quiet(), dynamic_ncols=True, leave=False)
