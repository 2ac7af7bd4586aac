"""The DevCV tasks, one module each. `DEVCV_TASKS` maps the CLI name to the task class.

Folder names follow the official release (`vdr-binary`, `vdr-open`); leaderboard ids follow the
BabyVLM leaderboard (`baby_pv`, ..., looking_while_listening -> `baby_winoground`).
"""

from __future__ import annotations

from babyvlm.tasks.base import ScoreContext, Task
from babyvlm.tasks.devcv.compare_real import CompareReal
from babyvlm.tasks.devcv.compare_synthetic import CompareSynthetic
from babyvlm.tasks.devcv.count import Count
from babyvlm.tasks.devcv.leftright import LeftRight
from babyvlm.tasks.devcv.localize import Localize
from babyvlm.tasks.devcv.looking_while_listening import LookingWhileListening
from babyvlm.tasks.devcv.memory import Memory
from babyvlm.tasks.devcv.picture_vocabulary import PictureVocabulary
from babyvlm.tasks.devcv.spatialdetails import SpatialDetails
from babyvlm.tasks.devcv.subitizing import Subitizing
from babyvlm.tasks.devcv.vdr_binary import VDRBinary
from babyvlm.tasks.devcv.vdr_open import VDROpen

# In the leaderboard's column order, then the tasks it does not rank.
DEVCV_TASKS: dict[str, type[Task]] = {
    cls.name: cls
    for cls in (
        PictureVocabulary, LookingWhileListening, Localize, LeftRight, SpatialDetails, VDRBinary, VDROpen,
        CompareReal, CompareSynthetic, Count, Memory, Subitizing,
    )
}

# The official release's ten test folders (looking_while_listening and subitizing live elsewhere).
OFFICIAL_FOLDERS = (
    "compare_real", "compare_synthetic", "count", "leftright", "localize", "memory", "picture_vocabulary",
    "spatialdetails", "vdr-binary", "vdr-open",
)

# The 11 benchmarks whose primary metrics make the leaderboard's overall mean.
LEADERBOARD_IDS = (
    "baby_pv", "baby_winoground", "baby_localize", "baby_leftright", "baby_spatialdetails", "baby_vdr_binary",
    "baby_vdr_open", "baby_compare_real", "baby_compare_synthetic", "baby_count", "baby_memory",
)


def task_for_folder(folder: str) -> type[Task] | None:
    for cls in DEVCV_TASKS.values():
        if cls.folder == folder:
            return cls
    return None


__all__ = ["DEVCV_TASKS", "LEADERBOARD_IDS", "OFFICIAL_FOLDERS", "ScoreContext", "Task", "task_for_folder"]
