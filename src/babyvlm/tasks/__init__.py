"""What a task is: the one owner of tasks, items, conversations and answer parsing.

    base          Task (the API every task implements), ScoreContext, strict comparisons
    items         Item: the official DevCV record, loaded, checked and written back
    conversation  Conversation, ImageRef: what a model adapter receives
    parsing       answer parsing (default and official modes)
    registry      task names, aliases, suites (`--tasks`), derived from the task classes
    devcv/        one module per DevCV task (DEVCV_TASKS, LEADERBOARD_IDS, OFFICIAL_FOLDERS)
    v1/           one module per BabyVLM-V1 benchmark (V1_TASKS), and METEOR for captions

This package sits just above the bottom layer (formats, util, data, errors): the DevCV builder,
V1 and the evaluation harness import it, it imports none of them (docs/architecture.md).
"""

from babyvlm.tasks.base import ScoreContext, Task
from babyvlm.tasks.conversation import Conversation, ImageRef
from babyvlm.tasks.items import Item, ItemError

__all__ = ["Conversation", "ImageRef", "Item", "ItemError", "ScoreContext", "Task"]
