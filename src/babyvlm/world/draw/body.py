"""The child's own hands, seen from the head camera at the bottom of the view."""

from __future__ import annotations

from babyvlm.world.draw import Look, register
from babyvlm.world.draw.painter import Painter
from babyvlm.world.palette import tone


@register("hand", "hand", aspect=0.75, size=0.12, place="hand", rooms=(), colors=("pink",), texture="skin",
          patterns=("open", "reach"), plural="hands", details=4)
def hand(p: Painter, a: Look) -> None:
    skin = a.extra.get("skin", (240, 200, 170))
    sleeve = a.color2
    p.rect(0.18, 0.78, 0.86, 1.0, sleeve, radius=0.04)
    p.rect(0.18, 0.78, 0.86, 0.84, tone(sleeve, 0.8))
    p.rect(0.22, 0.36, 0.84, 0.82, skin, radius=0.14)
    spread = 0.04 if a.pattern == "open" else 0.0
    for i, (x, top) in enumerate(((0.3, 0.12), (0.45, 0.04), (0.6, 0.06), (0.74, 0.16))):
        dx = (i - 1.5) * spread
        p.line([(x, 0.45), (x + dx, top + 0.04)], skin, width=0.12)
        p.circle(x + dx, top + 0.06, 0.035, tone(skin, 1.08))
    p.line([(0.24, 0.62), (0.04, 0.42)], skin, width=0.13)
    p.line([(0.35, 0.55), (0.7, 0.55)], tone(skin, 0.85), width=0.01)
