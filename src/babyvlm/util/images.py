"""Encoding images to bytes: the one JPEG/PNG encoder of the package (builders, V1, API uploads)."""

from __future__ import annotations

import io
from typing import Any

JPEG_QUALITY = 90


def encode_image(image: Any, fmt: str = "jpeg", *, quality: int = JPEG_QUALITY) -> bytes:
    """A PIL image as JPEG (RGB, `quality`) or PNG (RGB, fast compression: written once, read often)."""
    buf = io.BytesIO()
    fmt = fmt.lower()
    if fmt in ("jpg", "jpeg"):
        image.convert("RGB").save(buf, "JPEG", quality=quality)
    elif fmt == "png":
        image.convert("RGB").save(buf, "PNG", compress_level=1)
    else:
        raise ValueError(f"unknown image format {fmt!r} (jpeg, png)")
    return buf.getvalue()
