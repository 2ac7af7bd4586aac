"""DevCV Toolbox: the item schema (`schema`) and one module per task (`tasks/`).

The evaluation harness loads and scores tasks through the Task API (`babyvlm.devcv.tasks.base`);
the DevCV builder adds each task's `build` (see the BUILDER HOOK in every task module).
"""
