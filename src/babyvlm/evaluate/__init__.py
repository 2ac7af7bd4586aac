"""Evaluation: run any VLM on the DevCV Toolbox and the BabyVLM-V1 benchmarks (`babyvlm eval`).

    harness.evaluate(model_spec, data, out, EvalConfig(...))   the whole run (docs/evaluate.md)
    adapters/      the model protocol: hf:, openai:, random, blind, pixel (one file each)
    conversation   HF multimodal chat messages + images, what adapters receive
    parsing        answer parsing, default and official
    metrics        bootstrap intervals, overall score
    results, report, references   results.json / scores.json, report.md + plot, published rows
"""
