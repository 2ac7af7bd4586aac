"""What a model adapter receives: chat messages in the Hugging Face multimodal format, and the images.

An official item's human turn has `<image>` placeholders inline
("Which image has more shoes? (A) <image> (B) <image>"). `user_turn` splits it into content parts,
keeping the text around each placeholder exactly (spaces included):

    {"role": "user", "content": [{"type": "text", "text": "Which image has more shoes? (A) "},
                                 {"type": "image"}, {"type": "text", "text": " (B) "}, {"type": "image"}]}

Assistant turns are `{"role": "assistant", "content": [{"type": "text", "text": "A"}]}`. The images
travel beside the messages, in the order of the `{"type": "image"}` parts, as `ImageRef`s (a file
path, loaded on first use; or an in-memory PIL image).

`system` is the task's system prompt (empty unless `--prompts official` or `system.<task>` is
set). `meta` carries what baselines may use and real models ignore: the task, the item id, the
round, the answer options, and which images are the options or the reference; multi-round
conversations also carry `session` (task and item) and `last_round`, for adapters that keep a
key-value cache from one round to the next.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.util.images import encode_image

IMAGE_TOKEN = "<image>"


class ImageRef:
    """An image by path (read lazily, converted to RGB) or an in-memory PIL image."""

    __slots__ = ("path", "_pil")

    def __init__(self, path: str | Path | None = None, pil: Any = None):
        if path is None and pil is None:
            raise ValueError("ImageRef needs a path or a PIL image")
        self.path = Path(path) if path is not None else None
        self._pil = pil

    @classmethod
    def from_pil(cls, image: Any) -> ImageRef:
        return cls(pil=image)

    def pil(self) -> Any:
        if self._pil is None:
            from PIL import Image

            from babyvlm.errors import InputError

            try:
                with Image.open(self.path) as im:
                    im.load()
                    # GIF/PNG palettes and grayscale become RGB, as every image processor expects
                    self._pil = im.convert("RGB")
            except (OSError, SyntaxError, ValueError) as e:  # checked at load; changed since
                raise InputError(f"{self.path}: cannot decode image ({e})") from None
        return self._pil

    def size(self) -> tuple[int, int]:
        """(width, height), from the file's header when the pixels are not decoded yet."""
        if self._pil is None:
            from PIL import Image

            with Image.open(self.path) as im:
                return im.size
        return self._pil.size

    def release(self) -> None:
        """Forget the decoded pixels (the path stays) so long runs do not hold every image."""
        if self.path is not None:
            self._pil = None

    def data(self, max_side: int = 0) -> tuple[bytes, str]:
        """(bytes, MIME type) for sending the image over an API: the file as it is where its type is
        one APIs accept, otherwise a PNG encoding of the pixels. With `max_side`, an image larger than
        that on its longer side is downscaled to it and sent as JPEG (quality 90)."""
        if max_side > 0 and max(self.pil().size) > max_side:
            im = self.pil().copy()
            im.thumbnail((max_side, max_side))
            return encode_image(im, "jpeg"), "image/jpeg"
        if self.path is not None:
            suffix = self.path.suffix.lower()
            mime = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp",
                    ".gif": "image/gif"}.get(suffix)
            if mime is not None:
                return self.path.read_bytes(), mime
        return encode_image(self.pil(), "png"), "image/png"

    def fingerprint(self) -> str:
        """Identifies the image for caches: its path (or, in memory, a hash of its pixels)."""
        if self.path is not None:
            return str(self.path)
        return "pil:" + hashlib.sha1(self.pil().tobytes()).hexdigest()[:16]

    def __repr__(self) -> str:
        return f"ImageRef({str(self.path) if self.path is not None else 'in-memory'})"


def user_turn(text: str) -> tuple[dict[str, Any], int]:
    """A user message from text with inline `<image>` placeholders, and how many images it holds."""
    parts: list[dict[str, Any]] = []
    pieces = text.split(IMAGE_TOKEN)
    for i, piece in enumerate(pieces):
        if piece:
            parts.append({"type": "text", "text": piece})
        if i < len(pieces) - 1:
            parts.append({"type": "image"})
    return {"role": "user", "content": parts}, len(pieces) - 1


def assistant_turn(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": [{"type": "text", "text": text}]}


def message_text(message: dict[str, Any], image_token: str = IMAGE_TOKEN) -> str:
    """A message's text with `<image>` where its images are (for logs, blind baselines, caches)."""
    return "".join(p["text"] if p["type"] == "text" else image_token for p in message["content"])


@dataclass
class Conversation:
    messages: list[dict[str, Any]]
    images: list[ImageRef]
    meta: dict[str, Any] = field(default_factory=dict)
    system: str = ""

    def __post_init__(self) -> None:
        n = sum(1 for m in self.messages for p in m["content"] if p["type"] == "image")
        if n != len(self.images):
            raise ValueError(f"conversation has {n} image parts but {len(self.images)} images")

    @classmethod
    def from_turns(cls, turns: list[tuple[str, str]], images: list[ImageRef], meta: dict | None = None) -> Conversation:
        """From (role, text) turns with inline `<image>` placeholders in user turns."""
        messages = []
        for role, text in turns:
            messages.append(user_turn(text)[0] if role == "user" else assistant_turn(text))
        return cls(messages, list(images), dict(meta or {}))

    def prompt(self) -> str:
        """The last user turn's text (what a sample row shows as the prompt)."""
        for m in reversed(self.messages):
            if m["role"] == "user":
                return message_text(m)
        return ""

    def transcript(self) -> str:
        head = f"system: {self.system}\n" if self.system else ""
        return head + "\n".join(f"{m['role']}: {message_text(m)}" for m in self.messages)

    def with_system(self) -> list[dict[str, Any]]:
        """The messages with the system prompt first (as a system message), where there is one."""
        if not self.system:
            return self.messages
        return [{"role": "system", "content": [{"type": "text", "text": self.system}]}, *self.messages]

    def add_to_user_turns(self, text: str) -> None:
        """Append `text` (a prompt override) to every user turn, after a space."""
        for m in self.messages:
            if m["role"] == "user":
                if m["content"] and m["content"][-1]["type"] == "text":
                    m["content"][-1] = {"type": "text", "text": m["content"][-1]["text"].rstrip() + " " + text}
                else:
                    m["content"].append({"type": "text", "text": " " + text})

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        h.update(self.transcript().encode("utf-8"))
        for im in self.images:
            h.update(b"\0" + im.fingerprint().encode("utf-8"))
        return h.hexdigest()[:20]
