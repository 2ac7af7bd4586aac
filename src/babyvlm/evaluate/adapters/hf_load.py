"""Loading a local model folder for `hf:`: processor and model, with one-line reasons for what fails.

- transformers 5 builds the video processors of Qwen2-VL, Qwen2.5-VL, InternVL, LLaVA-OneVision and
  SmolVLM with torchvision. Where torchvision does not import (a CPU-only torch beside the
  registry's CUDA torchvision, or none installed) the processor is built without its video
  processor: its image processor (the PIL one) and tokenizer load as usual, and images work;
  nothing here sends videos.
- a processor that needs another package (SmolVLM: num2words) or anything else that fails to load
  is an `InputError` naming the model folder, the class and the package to install.
- a model with no chat template gets its family's documented default where there is one
  (`DEFAULT_TEMPLATES`: PaliGemma, which ships none); otherwise an `InputError`.
"""

from __future__ import annotations

import functools
import json
import logging
import re
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError

log = logging.getLogger("babyvlm")

# PaliGemma's prompt format: the images, then `<bos>` (the processor adds it after the last `<image>`),
# the prompt, and a newline (also added by the processor); the answer follows that newline.
# Earlier turns (memory rounds) are joined with newlines; the images of every turn go first.
PALIGEMMA_TEMPLATE = (
    "{% for m in messages %}{% if m['content'] is not string %}"
    "{% for c in m['content'] %}{% if c['type'] == 'image' %}<image>{% endif %}{% endfor %}"
    "{% endif %}{% endfor %}"
    "{% for m in messages %}{% if m['role'] != 'system' %}"
    "{% if m['role'] == 'assistant' %}{{ '\\n' }}{% elif not loop.first %}{{ '\\n' }}{% endif %}"
    "{% if m['content'] is string %}{{ m['content'] }}{% else %}"
    "{% for c in m['content'] %}{% if c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}{% endif %}"
    "{% endif %}{% endfor %}"
)
DEFAULT_TEMPLATES = {"paligemma": PALIGEMMA_TEMPLATE}
# text the processor itself appends after every prompt (not part of a scored continuation)
PROCESSOR_SUFFIX = {"paligemma": "\n"}


@functools.cache
def torchvision_importable() -> bool:
    try:
        import torchvision  # noqa: F401
    except Exception:  # a CUDA build beside a CPU torch raises all sorts, not only ImportError
        return False
    return True


def model_type(path: Path) -> str:
    try:
        return json.loads((path / "config.json").read_text()).get("model_type", "")
    except (OSError, ValueError):
        return ""


def _processor_class(path: Path):
    """The processor class the folder names (processor_config.json, else the model type's default)."""
    from transformers.models.auto.processing_auto import PROCESSOR_MAPPING_NAMES, processor_class_from_name

    name = None
    for f in ("processor_config.json", "preprocessor_config.json"):
        try:
            name = json.loads((path / f).read_text()).get("processor_class")
        except (OSError, ValueError):
            continue
        if name:
            break
    name = name or PROCESSOR_MAPPING_NAMES.get(model_type(path))
    return processor_class_from_name(name) if name else None


def without_video(cls):
    """`cls` with its video processor left out: `get_attributes` (what from_pretrained loads and
    __init__ checks) lists every sub-processor but the video ones."""
    attrs = [a for a in cls.get_attributes() if "video" not in a]
    sub = type(cls.__name__, (cls,), {"get_attributes": classmethod(lambda klass: list(attrs)),
                                      "__module__": cls.__module__, "__doc__": cls.__doc__})
    return sub


class NoVideoProcessor:
    """Stands in for a video processor that needs torchvision: the attributes chat templates read
    (SmolVLM reads num_frames and fps) and a one-line reason if anything sends it a video."""

    available = False
    num_frames = None
    fps = None

    def __call__(self, *_, **__):
        raise InputError("videos need the model's video processor, which needs torchvision (not importable here)")

    def to_dict(self):
        return {}


def _needs_package(e: BaseException) -> str | None:
    m = re.search(r"`?pip install ([\w\-\[\]]+)`?", str(e)) or re.search(r"No module named '([\w\-]+)", str(e))
    return m.group(1) if m else None


def load_processor(path: Path) -> Any:
    from transformers import AutoProcessor

    cls = _processor_class(path)
    has_video = cls is not None and any("video" in a for a in cls.get_attributes())
    try:
        if has_video and not torchvision_importable():
            # video_processor=None for the classes whose __init__ requires the argument (SmolVLM)
            processor = without_video(cls).from_pretrained(path, local_files_only=True, video_processor=None)
            processor.video_processor = NoVideoProcessor()
            log.info("hf: %s loaded without its video processor (torchvision does not import); images only",
                     cls.__name__)
        else:
            processor = AutoProcessor.from_pretrained(path, local_files_only=True)
    except Exception as e:  # noqa: BLE001 - any loading failure is one line for the user
        raise InputError(f"hf:{path}: cannot load the processor: {_reason(e, cls)}") from None
    if getattr(processor, "chat_template", None) is None and getattr(getattr(processor, "tokenizer", None),
                                                                         "chat_template", None) is None:
        default = DEFAULT_TEMPLATES.get(model_type(path))
        if default is None:
            raise InputError(f"hf:{path}: the processor has no chat template (add chat_template.jinja to the folder)")
        processor.chat_template = default
        log.info("hf: %s has no chat template; using babyvlm's default for %s (docs/evaluate.md)",
                 path, model_type(path))
    return processor


def load_model(path: Path, dtype: Any) -> Any:
    from transformers import AutoModelForImageTextToText

    try:
        return AutoModelForImageTextToText.from_pretrained(path, dtype=dtype, local_files_only=True)
    except Exception as e:  # noqa: BLE001
        raise InputError(f"hf:{path}: cannot load the model: {_reason(e, None)}") from None


def _reason(e: BaseException, cls: Any) -> str:
    first = (str(e).strip().splitlines() or [type(e).__name__])[0]
    name = getattr(cls, "__name__", "it")
    pkg = _needs_package(e)
    if "torchvision" in str(e).lower() or pkg == "torchvision":
        return (f"{name} needs torchvision, which does not import here (install the torchvision build that "
                f"matches your torch, e.g. from the PyTorch CPU index)")
    if isinstance(e, ImportError) and pkg:
        return f"{name} needs the package {pkg} (pip install {pkg})"
    return f"{type(e).__name__}: {first}"[:300]
