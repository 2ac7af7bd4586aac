"""Procedural drawings of the world's object categories (one function per category).

Each drawing module registers its categories with `register`: the drawing function plus what the
catalog needs to know (canvas aspect, real size, where the object is found, colours, patterns,
surface texture). Drawings face right; the sprite builder mirrors them for left-facing instances.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from babyvlm.world.draw.painter import Painter

RGB = tuple[int, int, int]


@dataclass
class Look:
    """Per-instance appearance: what makes two instances of one category differ."""

    color: RGB
    color_name: str
    color2: RGB
    pattern: str = "plain"
    detail: int = 0  # a small integer that changes a detail (spots, letter, stripes count)
    pose: int = 0  # animation pose (walking legs, rolling angle step)
    elev: float = 0.5  # how much the viewer looks down on the object (0 side view .. 1 from above)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DrawSpec:
    name: str  # category label (the CDI word)
    cdi_item: str  # CDI WS item name
    draw: Callable[[Painter, Look], None]
    aspect: float  # canvas width / height
    size: float  # largest real dimension in metres
    place: str  # floor | table | wall | furniture | held | hand
    rooms: tuple[str, ...]
    colors: tuple[str, ...]
    patterns: tuple[str, ...] = ("plain",)
    texture: str = "plastic"  # fur | plastic | fabric | wood | paper | food | metal | skin
    motion: str = ""  # rolls | walks | drives | flies | ""
    say: str = ""  # spoken form when it differs from the name
    plural: str = ""
    poses: int = 1
    details: int = 1


REGISTRY: dict[str, DrawSpec] = {}


def register(name: str, cdi_item: str, *, aspect: float, size: float, place: str, rooms: tuple[str, ...],
             colors: tuple[str, ...], **kw: Any) -> Callable:
    def deco(fn: Callable[[Painter, Look], None]) -> Callable[[Painter, Look], None]:
        REGISTRY[name] = DrawSpec(name=name, cdi_item=cdi_item, draw=fn, aspect=aspect, size=size, place=place,
                                  rooms=rooms, colors=colors, **kw)
        return fn
    return deco


def load_all() -> dict[str, DrawSpec]:
    """Import every drawing module (each registers its categories) and return the registry."""
    from babyvlm.world.draw import animals, body, clothing, food, furniture, household, toys, vehicles  # noqa: F401

    return REGISTRY
