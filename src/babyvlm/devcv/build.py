"""`babyvlm.devcv.build`: the DevCV Toolbox builder's entry points (the package is `devcv.builder`,
since the repository ignores every folder named `build/`)."""

from babyvlm.devcv.builder import ALL_TASKS, BUILDERS, BuildResult, DevCVBuildConfig, build_toolbox, builder

__all__ = ["ALL_TASKS", "BUILDERS", "BuildResult", "DevCVBuildConfig", "build_toolbox", "builder"]
