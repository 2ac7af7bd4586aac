"""Task name -> builder, on the builder's side (the task classes live in `babyvlm/tasks/devcv/`).

Each builder is `build(ctx: TaskContext) -> TaskResult`; modules are imported when used.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from babyvlm.devcv.builder.context import TaskContext, TaskResult

# task name (as `babyvlm eval --tasks` knows it) -> (builder module, function)
BUILDERS: dict[str, tuple[str, str]] = {
    "picture_vocabulary": ("babyvlm.devcv.builder.tasks.picture_vocabulary", "build"),
    "looking_while_listening": ("babyvlm.devcv.builder.tasks.looking_while_listening", "build"),
    "localize": ("babyvlm.devcv.builder.tasks.localize", "build"),
    "leftright": ("babyvlm.devcv.builder.tasks.leftright", "build"),
    "spatialdetails": ("babyvlm.devcv.builder.tasks.spatialdetails", "build"),
    "vdr_binary": ("babyvlm.devcv.builder.tasks.vdr", "build_binary"),
    "vdr_open": ("babyvlm.devcv.builder.tasks.vdr", "build_open"),
    "compare_real": ("babyvlm.devcv.builder.tasks.compare_real", "build"),
    "compare_synthetic": ("babyvlm.devcv.builder.tasks.compare_synthetic", "build"),
    "count": ("babyvlm.devcv.builder.tasks.counting", "build_count"),
    "memory": ("babyvlm.devcv.builder.tasks.memory", "build"),
    "subitizing": ("babyvlm.devcv.builder.tasks.counting", "build_subitizing"),
}


def builder(task: str) -> Callable[[TaskContext], TaskResult]:
    module, fn = BUILDERS[task]
    return getattr(importlib.import_module(module), fn)


def task_folder(task: str) -> str:
    from babyvlm.tasks.devcv import DEVCV_TASKS

    return DEVCV_TASKS[task].folder


def resolve_tasks(names: list[str]) -> list[str]:
    """Task names from names or official folder names (`vdr-binary`), in build order; 'all' = every task."""
    from babyvlm.errors import InputError
    from babyvlm.tasks.devcv import DEVCV_TASKS

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
