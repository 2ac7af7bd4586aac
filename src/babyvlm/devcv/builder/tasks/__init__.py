"""One builder per DevCV task: `build(ctx: TaskContext) -> TaskResult` (see `registry.BUILDERS`)."""
