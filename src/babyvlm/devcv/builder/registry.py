"""Task name -> builder, derived from the task classes (`babyvlm/tasks/devcv/<task>.py` names its
builder as `builder = "module:function"`).

Each builder is `build(ctx: TaskContext) -> TaskResult`; modules are imported when used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from babyvlm.devcv.builder.context import TaskContext, TaskResult
from babyvlm.tasks.devcv import DEVCV_TASKS


def _builders() -> dict[str, tuple[str, str]]:
    """Task name -> (builder module, function), from each task class's `builder`, in the tasks' order."""
    return {name: tuple(cls.builder.split(":")) for name, cls in DEVCV_TASKS.items() if cls.builder}


# task name (as `babyvlm eval --tasks` knows it) -> (builder module, function): the build order
BUILDERS: dict[str, tuple[str, str]] = _builders()


def builder(task: str) -> Callable[[TaskContext], TaskResult]:
    module, fn = BUILDERS[task]
    return getattr(importlib.import_module(module), fn)


def task_folder(task: str) -> str:
    return DEVCV_TASKS[task].folder


def resolve_tasks(names: list[str]) -> list[str]:
    """Task names from names or official folder names (`vdr-binary`), in build order; 'all' = every task."""
    from babyvlm.errors import InputError

    by_folder = {cls.folder: name for name, cls in DEVCV_TASKS.items()}
    out = []
    for n in names:
        n = n.strip()
        if not n:
            continue
        if n == "all":
            out += list(BUILDERS)
            continue
        name = n if n in BUILDERS else by_folder.get(n)
        if name is None:
            raise InputError(f"unknown DevCV task {n!r} (known: {', '.join(BUILDERS)})")
        out.append(name)
    return [t for t in BUILDERS if t in set(out)]
