"""Evaluation: run any VLM on the DevCV Toolbox and the BabyVLM-V1 benchmarks (`babyvlm eval`).

    harness.evaluate(model_spec, data, out, EvalConfig(...))   the whole run (docs/evaluate.md)
    adapters/      the model protocol: hf:, openai:, random, blind, pixel (one file each)
    layouts        which task each data folder or file holds
    metrics        bootstrap intervals, overall score
    results, report, references   results.json / scores.json, report.md + plot, published rows

Tasks, items, conversations and answer parsing belong to `babyvlm.tasks`, which this package uses.
"""
