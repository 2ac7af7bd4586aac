"""CPU threading defaults for the commands that train or run models."""

from __future__ import annotations

import os


def passive_openmp() -> None:
    """Idle OpenMP threads sleep instead of busy-waiting (an explicit OMP_WAIT_POLICY wins).

    Spinning threads slow each other down several times over on a shared or small CPU (measured up
    to 10x on 2 busy cores). The OpenMP runtime reads the variable when torch loads it, so call this
    before importing torch; called later it still reaches the worker processes started afterwards.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
