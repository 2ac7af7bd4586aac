"""Task names: `--tasks all | devcv | v1 | leaderboard | NAME,NAME,...` (mixed freely).

A name may be a task name (`picture_vocabulary`, `vdr_binary`, `labeled_s`), an official folder
name (`vdr-binary`), a leaderboard id (`baby_pv`) or an alias from `ALIASES`: the folder and file
names of the other public DevCV sources (NIH-Toolbox-style samples, BabyView, the lmms-eval
`dataset/` files). Names are matched case-insensitively with `-` read as `_`. The same table maps
data folders and lmms-eval files to tasks (`babyvlm.evaluate.layouts`), and `--set
aliases.NAME=TASK` adds to it. docs/evaluate.md lists it.

`baby_winoground` is the leaderboard's slot, filled as the leaderboard fills it: from the official
Baby Winoground CSV when one is found, else from our looking_while_listening items
(`WINOGROUND_SLOT`); the suites `devcv` and `leaderboard` include the slot.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from babyvlm.errors import InputError
from babyvlm.tasks.base import Task
from babyvlm.tasks.devcv import DEVCV_TASKS, LEADERBOARD_IDS
from babyvlm.tasks.v1 import V1_TASKS

ALL_TASKS: dict[str, type[Task]] = {**DEVCV_TASKS, **V1_TASKS}
WINOGROUND_SLOT = "baby_winoground"  # the V1 CSV task's name and the leaderboard id it fills

# Folder / file names of public DevCV sources -> our task. "vdr" is decided by the items' options
# (two: vdr_binary, more: vdr_open; see layouts.VDR_BY_OPTIONS).
ALIASES: dict[str, str] = {
    # NIH-Toolbox-style sample folders
    "picture_vocab": "picture_vocabulary", "picture_vocab_selected": "picture_vocabulary",
    "spatial": "spatialdetails", "vdr": "vdr", "who_has_more": "compare_synthetic", "subitize": "subitizing",
    # BabyView-style and the official source file names
    "whohasmore_synthetic": "compare_synthetic", "whohasmore_naturalistic": "compare_real",
    "whohasmore_real": "compare_real", "compare_count_synthetic": "compare_synthetic",
    "compare_count_real": "compare_real", "object_counting": "count", "memory_task": "memory",
    "visual_delay_response": "vdr",
    # lmms-eval dataset/ files (<short>_test.json)
    "pv": "picture_vocabulary", "spatial_details": "spatialdetails", "lwl": "looking_while_listening",
}

SUITES: dict[str, list[str]] = {
    "devcv": [*DEVCV_TASKS, WINOGROUND_SLOT],
    "v1": list(V1_TASKS),
    "all": list(ALL_TASKS),
}


def normalise(name: str) -> str:
    return name.strip().lower().replace("-", "_")


def alias_table(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Every known name (normalised) -> task name (or "vdr"); `extra` (config `aliases`) wins."""
    table: dict[str, str] = {}
    for key, cls in ALL_TASKS.items():
        for n in (key, cls.folder, cls.leaderboard_id):
            if n:
                table.setdefault(normalise(n), key)
    table.update({normalise(k): v for k, v in ALIASES.items()})
    table[WINOGROUND_SLOT] = WINOGROUND_SLOT  # the leaderboard id names the slot, not looking_while_listening
    for k, v in (extra or {}).items():
        if v not in ALL_TASKS and v != "vdr":
            raise InputError(f"aliases.{k}={v!r}: not a task (known: {', '.join(ALL_TASKS)})")
        table[normalise(k)] = v
    return table


@dataclass(frozen=True)
class Request:
    name: str  # a task name, or WINOGROUND_SLOT as the leaderboard slot
    explicit: bool  # named one by one: a missing source is an error, not a note
    slot: bool = False  # baby_winoground asked for as the leaderboard slot (CSV, else looking_while_listening)


def resolve_task_names(spec: str, aliases: Mapping[str, str] | None = None) -> list[Request]:
    """The requested tasks in a stable order (the registry's), each once."""
    table = alias_table(aliases)
    reqs: dict[str, Request] = {}
    for part in [p.strip() for p in spec.split(",") if p.strip()]:
        key = normalise(part)
        if key == "leaderboard":
            for lb in LEADERBOARD_IDS:
                name = table[lb]
                reqs.setdefault(name, Request(name, False, slot=name == WINOGROUND_SLOT))
            continue
        if key in SUITES:
            for name in SUITES[key]:
                slot = name == WINOGROUND_SLOT and key != "v1"
                old = reqs.get(name)
                reqs[name] = Request(name, bool(old and old.explicit), slot or bool(old and old.slot))
            continue
        name = lookup(part, table)
        if name == "vdr":
            for n in ("vdr_binary", "vdr_open"):
                reqs[n] = Request(n, False)
            continue
        reqs[name] = Request(name, True, slot=name == WINOGROUND_SLOT or bool(reqs.get(name) and reqs[name].slot))
    if not reqs:
        raise InputError("--tasks is empty")
    order = list(ALL_TASKS)
    return sorted(reqs.values(), key=lambda r: order.index(r.name))


def lookup(name: str, table: Mapping[str, str] | None = None) -> str:
    table = table if table is not None else alias_table()
    key = normalise(name)
    if key in table:
        return table[key]
    known = ", ".join(["leaderboard", *SUITES, *ALL_TASKS])
    raise InputError(f"unknown task {name!r} (known: {known}; aliases in docs/evaluate.md)")
