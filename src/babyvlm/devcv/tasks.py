"""Old home of the DevCV task classes, kept for code that imports them from here: they live in
`babyvlm.tasks.devcv` (one module per task) on `babyvlm.tasks.base.Task`."""

from babyvlm.tasks.base import ScoreContext, Task
from babyvlm.tasks.devcv import DEVCV_TASKS, LEADERBOARD_IDS, OFFICIAL_FOLDERS, task_for_folder

__all__ = ["DEVCV_TASKS", "LEADERBOARD_IDS", "OFFICIAL_FOLDERS", "ScoreContext", "Task", "task_for_folder"]
