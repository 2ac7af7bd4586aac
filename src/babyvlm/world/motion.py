"""Where an instance is at time t: resting, rolling, walking, driving, flying up, held or gone."""

from __future__ import annotations

import math

from babyvlm.world.room import Geometry
from babyvlm.world.scene import TWO_PI, Instance, Motion, State


def floor_to_pano(geo: Geometry, x: float, y: float, z0: float = 0.0) -> tuple[float, float, float]:
    dx, dy = x - geo.cam_x, y - geo.cam_y
    d = max(0.15, math.hypot(dx, dy))
    return math.atan2(dy, dx) % TWO_PI, (geo.eye - z0) / d, d


def _ease(kind: str, u: float) -> float:
    u = min(max(u, 0.0), 1.0)
    if kind == "roll":
        return 1 - (1 - u) ** 2  # slows down
    if kind in ("held", "screen"):
        return u * u * (3 - 2 * u)
    return u


def state_at(inst: Instance, t: float, geo: Geometry) -> State | None:
    """The instance's state at `t`, or None when it is not in the room (pets away, hands down)."""
    last: Motion | None = None
    for m in inst.motions:
        if m.t0 <= t:
            last = m
        else:
            break
    if last is None:
        if not inst.present:
            return None
        return State(inst.phi, inst.tb, inst.dist, pose=0, mirror=inst.mirror)
    m = last
    if t >= m.t1:
        if m.then == "gone":
            return None
        if m.then == "drop" and m.drop is not None:
            return State(*m.drop, pose=0, mirror=inst.mirror)
        if m.kind in ("held", "screen"):
            return State(screen=(m.b[0], m.b[1], m.size), mirror=inst.mirror)
        return _world(inst, m, 1.0, geo, moving=False)
    u = (t - m.t0) / max(1e-6, m.t1 - m.t0)
    if m.kind in ("held", "screen"):
        e = _ease(m.kind, u)
        return State(screen=(m.a[0] + (m.b[0] - m.a[0]) * e, m.a[1] + (m.b[1] - m.a[1]) * e, m.size),
                     mirror=inst.mirror, moving=True)
    st = _world(inst, m, _ease(m.kind, u), geo, moving=True)
    if m.kind == "walk":
        st.pose = 1 + int((t - m.t0) * 5) % 2
    return st


def _world(inst: Instance, m: Motion, e: float, geo: Geometry, moving: bool) -> State:
    x = m.a[0] + (m.b[0] - m.a[0]) * e
    y = m.a[1] + (m.b[1] - m.a[1]) * e
    z = m.z[0] + (m.z[1] - m.z[0]) * e
    phi, tb, d = floor_to_pano(geo, x, y, z)
    mirror = inst.mirror
    pose = 0
    travelled = math.hypot(x - m.a[0], y - m.a[1])
    if m.kind in ("walk", "drive"):
        pa = floor_to_pano(geo, *m.a)[0]
        pb = floor_to_pano(geo, *m.b)[0]
        mirror = ((pb - pa + math.pi) % TWO_PI - math.pi) < 0  # drawings face right
    if m.kind in ("roll", "drive") and inst.cat.spec.poses > 1:
        circ = math.pi * max(0.03, inst.h_m * (0.5 if m.kind == "drive" else 1.0))
        pose = int(travelled / (circ / 8)) % inst.cat.spec.poses
    return State(phi, tb, d, pose=pose, mirror=mirror, moving=moving)
