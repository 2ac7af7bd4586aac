"""Chat templates: `baby_plain` (stage 1 alignment) and `baby_v1` (`USER: ... ASSISTANT: ...</s>`).

Both exist twice, as Jinja (saved with the processor: `baby_v1` is the default that
`processor.apply_chat_template` uses, `baby_plain` is a named extra) and as `render_segments`, the
Python renderer training uses because it also says which characters are answers (the only tokens
with a loss). A test renders many conversations both ways and requires identical text.

Messages are Hugging Face chat messages, `{"role": "user"|"assistant"|"system", "content": ...}`, whose
content is a string with `<image>` inline or a list of parts (`{"type": "text", "text": ...}`,
`{"type": "image"}`; each image part becomes one `<image>`). LLaVA-schema turns
(`{"from": "human"|"gpt", "value": ...}`) are converted by `to_messages`.

baby_v1:     USER: <user content> ASSISTANT: <answer></s>USER: ... ASSISTANT:
baby_plain:  <user content><answer></s><user content><answer></s>...
The generation prompt is `ASSISTANT:` (no trailing space: answers are tokenized as ` answer`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from babyvlm.errors import InputError
from babyvlm.model.tokenizer import EOS, IMAGE

TEMPLATES = ("baby_v1", "baby_plain")
DEFAULT_TEMPLATE = "baby_v1"

_RENDER_MACRO = (
    "{%- macro render(content) -%}"
    "{%- if content is string -%}{{ content }}"
    "{%- elif content is not none -%}"
    "{%- for p in content -%}"
    "{%- if p['type'] == 'image' -%}" + IMAGE + "{%- elif p['type'] == 'text' -%}{{ p['text'] }}{%- endif -%}"
    "{%- endfor -%}"
    "{%- endif -%}"
    "{%- endmacro -%}"
)

JINJA = {
    "baby_v1": _RENDER_MACRO
    + "{%- for m in messages -%}"
    "{%- if m['role'] == 'system' -%}{{ render(m['content']) ~ ' ' }}"
    "{%- elif m['role'] == 'user' -%}{{ 'USER: ' ~ render(m['content']) ~ ' ' }}"
    "{%- elif m['role'] == 'assistant' -%}{{ 'ASSISTANT: ' ~ render(m['content']) ~ eos_token }}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}ASSISTANT:{%- endif -%}",
    "baby_plain": _RENDER_MACRO
    + "{%- for m in messages -%}"
    "{%- if m['role'] == 'assistant' -%}{{ render(m['content']) ~ eos_token }}"
    "{%- else -%}{{ render(m['content']) }}"
    "{%- endif -%}"
    "{%- endfor -%}",
}

_ROLES = {"human": "user", "user": "user", "gpt": "assistant", "assistant": "assistant", "system": "system"}


def to_messages(conversations: Sequence[Mapping[str, Any]], *, source: str = "sample") -> list[dict[str, Any]]:
    """LLaVA `conversations` (from/value) or HF messages (role/content) -> HF messages."""
    out = []
    for i, turn in enumerate(conversations):
        if "role" in turn:
            role, content = turn["role"], turn.get("content")
        else:
            role, content = turn.get("from"), turn.get("value")
        if role not in _ROLES:
            raise InputError(f"{source}: turn {i} has unknown role {role!r} (expected human/gpt or user/assistant)")
        if content is not None and not isinstance(content, (str, list)):
            raise InputError(f"{source}: turn {i} content is neither text nor a list of parts")
        out.append({"role": _ROLES[role], "content": content})
    return out


def content_text(content: Any) -> str:
    """A message's content as text, image parts as `<image>`."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    parts = []
    for p in content:
        if p.get("type") == "image":
            parts.append(IMAGE)
        elif p.get("type") == "text":
            parts.append(p.get("text", ""))
    return "".join(parts)


def render_segments(messages: Sequence[Mapping[str, Any]], template: str = DEFAULT_TEMPLATE, *,
                    add_generation_prompt: bool = False) -> list[tuple[str, bool]]:
    """The rendered conversation as (text, is_answer) pieces; joining the texts gives the Jinja output."""
    if template not in JINJA:
        raise InputError(f"unknown chat template {template!r} (known: {', '.join(TEMPLATES)})")
    segs: list[tuple[str, bool]] = []
    for m in messages:
        role, text = m["role"], content_text(m.get("content"))
        if template == "baby_v1":
            if role == "system":
                segs.append((text + " ", False))
            elif role == "user":
                segs.append(("USER: " + text + " ", False))
            elif role == "assistant":
                segs.append(("ASSISTANT:", False))
                segs.append((" " + text + EOS, True))
        else:  # baby_plain
            if role == "assistant":
                segs.append((text + EOS, True))
            else:
                segs.append((text, False))
    if add_generation_prompt and template == "baby_v1":
        segs.append(("ASSISTANT:", False))
    return _merge(segs)


def _merge(segs: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    out: list[tuple[str, bool]] = []
    for text, ans in segs:
        if not text:
            continue
        if out and out[-1][1] == ans:
            out[-1] = (out[-1][0] + text, ans)
        else:
            out.append((text, ans))
    return out


def render(messages: Sequence[Mapping[str, Any]], template: str = DEFAULT_TEMPLATE, *,
           add_generation_prompt: bool = False) -> str:
    return "".join(t for t, _ in render_segments(messages, template, add_generation_prompt=add_generation_prompt))


def chat_templates() -> dict[str, str]:
    """What the processor saves: the default (`chat_template.jinja`) and each template by name."""
    return {"default": JINJA[DEFAULT_TEMPLATE], **JINJA}
