"""Task names: `--tasks all | devcv | v1 | NAME,NAME,...`.

A name may be a task name (`picture_vocabulary`, `vdr_binary`, `labeled_s`), an official folder
name (`vdr-binary`) or a leaderboard id (`baby_pv`). `baby_winoground` is the V1 task of that name;
the DevCV task the leaderboard files under `baby_winoground` is `looking_while_listening`.
"""

from __future__ import annotations

from babyvlm.devcv.tasks import DEVCV_TASKS
from babyvlm.devcv.tasks.base import Task
from babyvlm.errors import InputError
from babyvlm.v1.tasks import V1_TASKS

ALL_TASKS: dict[str, type[Task]] = {**DEVCV_TASKS, **V1_TASKS}
SUITES = {"devcv": list(DEVCV_TASKS), "v1": list(V1_TASKS), "all": list(ALL_TASKS)}


def resolve_task_names(spec: str) -> tuple[list[str], bool]:
    """(task names in a stable order, explicit) — explicit when named one by one, so a missing
    folder is an error rather than a note."""
    names: list[str] = []
    explicit = False
    for part in [p.strip() for p in spec.split(",") if p.strip()]:
        if part in SUITES:
            names += SUITES[part]
            continue
        explicit = True
        names.append(lookup(part))
    if not names:
        raise InputError("--tasks is empty")
    order = list(ALL_TASKS)
    return sorted(dict.fromkeys(names), key=order.index), explicit


def lookup(name: str) -> str:
    if name in ALL_TASKS:
        return name
    for key, cls in ALL_TASKS.items():
        if name in (cls.folder, cls.leaderboard_id):
            return key
    known = ", ".join(list(SUITES) + list(ALL_TASKS))
    raise InputError(f"unknown task {name!r} (known: {known})")
