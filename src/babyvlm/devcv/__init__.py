"""DevCV Toolbox: building the benchmark from annotated frames (`builder/`) and reviewing it (`review/`).

What a DevCV task is (its names, prompt handling, loading and scoring) lives in `babyvlm.tasks.devcv`;
the builder imports it, never the other way round. `babyvlm.devcv.tasks` re-exports the task
registry for code written against the old layout.
"""
