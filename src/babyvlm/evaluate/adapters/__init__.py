"""Model adapters: `--model SPEC` -> a `ModelAdapter`.

    hf:PATH        any local transformers image-text-to-text model with a chat template
    openai:MODEL   any OpenAI-compatible chat API
    random | blind | pixel   shortcut baselines
    py:MODULE:ATTR a factory `ATTR(arg, options)` in any importable module

Other prefixes load `babyvlm.evaluate.adapters.<prefix>` and call its `load(arg, options)`, so a
new adapter is one file in this folder.
"""

from __future__ import annotations

import importlib
import importlib.util

from babyvlm.errors import InputError
from babyvlm.evaluate.adapters.base import AdapterOptions, ModelAdapter, UnsupportedRequest

BASELINES = ("random", "blind", "pixel")


def load_adapter(spec: str, options: AdapterOptions | None = None) -> ModelAdapter:
    options = options or AdapterOptions()
    if spec in BASELINES:
        from babyvlm.evaluate.adapters import baselines

        return baselines.load(spec, options)
    if ":" not in spec:
        raise InputError(f"--model {spec!r}: expected hf:PATH, openai:MODEL, random, blind or pixel")
    prefix, arg = spec.split(":", 1)
    if prefix == "py":
        mod_name, _, attr = arg.partition(":")
        factory_name, _, rest = attr.partition(":")
        try:
            factory = getattr(importlib.import_module(mod_name), factory_name)
        except (ImportError, AttributeError) as e:
            raise InputError(f"--model {spec!r}: cannot import {mod_name}:{factory_name} ({e})") from None
        return factory(rest, options)
    module = f"babyvlm.evaluate.adapters.{prefix}"
    if not prefix.isidentifier() or importlib.util.find_spec(module) is None:
        raise InputError(f"--model {spec!r}: no adapter {prefix!r} (known: hf, openai, random, blind, pixel, py)")
    return importlib.import_module(module).load(arg, options)


__all__ = ["AdapterOptions", "BASELINES", "ModelAdapter", "UnsupportedRequest", "load_adapter"]
