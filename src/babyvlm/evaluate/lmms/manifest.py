"""The `lmms_eval.models` entry point (pyproject.toml): lmms-eval finds `--model babyvlm` here."""

from __future__ import annotations


def manifest():
    from lmms_eval.models.registry_v2 import ModelManifest

    return ModelManifest(model_id="babyvlm", simple_class_path="babyvlm.evaluate.lmms.model.BabyVLMLmms")
