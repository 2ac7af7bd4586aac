"""Where a chat template puts the images: inline at their `<image>` positions, or somewhere else.

DevCV prompts name images by their place ("(A) <image> (B) <image>"). Some chat templates write every
image of a turn before its text (llava-hf's LLaVA-1.5, LLaVA-NeXT and LLaVA-OneVision templates), so
the model reads "(A) (B)" with both images in front and cannot tell which is (A). `probe` renders
that two-option conversation with the model's own template and looks where the image placeholders
land; `inline_messages` rewrites image parts as the processor's image token in the text, so a
template that would move them leaves them where the prompt put them (for models trained on
interleaved images; `--set hf.inline_images=true`).
"""

from __future__ import annotations

from typing import Any

from babyvlm.tasks.conversation import Conversation, ImageRef

INLINE = "inline"
MOVED = "moved"
UNKNOWN = "unknown"


def probe(render, image_token: str) -> str:
    """INLINE, MOVED or UNKNOWN for a `render(conversation) -> text` and the text the processor
    expands into an image (`processor.image_token`)."""
    conv = Conversation.from_turns([("user", "(A) <image> (B) <image>")],
                                   [ImageRef(path="probe-a.png"), ImageRef(path="probe-b.png")])
    try:
        text = render(conv)
    except Exception:  # noqa: BLE001 - a template that cannot render this says nothing either way
        return UNKNOWN
    a, b = text.find("(A)"), text.find("(B)")
    first = text.find(image_token)
    second = text.find(image_token, first + len(image_token)) if first >= 0 else -1
    if min(a, b, first, second) < 0 or not image_token:
        return UNKNOWN
    return INLINE if a < first < b < second else MOVED


def inline_messages(messages: list[dict[str, Any]], image_token: str) -> list[dict[str, Any]]:
    """The messages with every image part turned into `image_token` inside the text, so the template
    sees only text and the processor finds each image where the prompt put it."""
    out = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, str) or not any(p.get("type") == "image" for p in content):
            out.append(m)
            continue
        text = "".join(image_token if p["type"] == "image" else p.get("text", "") for p in content)
        out.append({**m, "content": [{"type": "text", "text": text}]})
    return out
