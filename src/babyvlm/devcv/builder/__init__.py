"""The DevCV Toolbox builder: annotated frames -> the twelve DevCV tasks in the official format.

    from babyvlm.devcv.builder import DevCVBuildConfig, build_toolbox
    build_toolbox("runs/world", "runs/devcv", DevCVBuildConfig(seed=0))

`BUILDERS` maps each task name to its builder (`registry.py`); the task classes in
`babyvlm.tasks.devcv` (prompts, loading, scoring) need nothing from this package.
"""

from babyvlm.devcv.builder.config import ALL_TASKS, DevCVBuildConfig
from babyvlm.devcv.builder.pipeline import BuildResult, build_toolbox
from babyvlm.devcv.builder.registry import BUILDERS, builder

__all__ = ["ALL_TASKS", "BUILDERS", "BuildResult", "DevCVBuildConfig", "build_toolbox", "builder"]
