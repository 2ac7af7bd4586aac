"""A session's story: episodes of looking, counting, rolling, holding, with speech timed to them.

The planner walks through the session choosing episodes (weighted by the child's age and what
is in the room). Each episode adds camera fixations, object motions (a ball rolling out of view,
a dog walking through, a balloon floating up, a toy brought up to the face), the child's hands,
and speech *intents* with time windows. Once the camera path exists, intents become utterances:
text is chosen against what the camera actually sees at that moment (left/right, how many are
in view, which objects are out of view), and utterances are laid out without overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from babyvlm.world.camera import CameraPath, Fixation, build_path
from babyvlm.world.motion import floor_to_pano, state_at
from babyvlm.world.scene import TWO_PI, Instance, Motion, Scene, wrap
from babyvlm.world.speech import Speech, utterance_duration

ROLLERS = {"ball": "roll", "car": "drive", "truck": "drive", "train": "drive", "bus": "drive"}


@dataclass
class Intent:
    t: float  # earliest start
    t_max: float  # latest start
    kind: str  # refer | count | pair | action | gone | hold | absent | routine | child
    ids: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class PlannedUtterance:
    start: float
    end: float
    text: str
    speaker: str
    kind: str
    referents: list[str]
    rate: float = 1.0  # speaking-rate factor (for the voice)


@dataclass
class Plan:
    fixations: list[Fixation]
    path: CameraPath
    utterances: list[PlannedUtterance]
    episodes: list[tuple[float, str]]


@dataclass(frozen=True)
class View:
    width: int
    height: int
    fps: int
    duration: float
    max_zoom: float

    @property
    def n_frames(self) -> int:
        return int(round(self.duration * self.fps))


class Planner:
    def __init__(self, scene: Scene, view: View, rng: np.random.Generator, age: float, *, talk: float = 1.0):
        self.scene, self.view, self.rng, self.age = scene, view, rng, age
        self.geo = scene.geo
        self.f = scene.geo.f
        self.talk = talk  # multiplies how much caregivers speak
        self.speech = Speech(rng, age)
        self.fix: list[Fixation] = []
        self.intents: list[Intent] = []
        self.episodes: list[tuple[float, str]] = []
        self.t = 0.0
        self.cur = (scene.play_phi, 0.7, 1.0)
        self.insts = {i.id: i for i in scene.instances}
        self.recent: list[str] = []
        self.path: CameraPath | None = None

    # helpers ------------------------------------------------------------------------------
    def rest(self, inst: Instance, t: float | None = None):
        """The instance's resting state at planning time (None while away, held or moving)."""
        t = self.t + 0.3 if t is None else t
        if any(m.t1 > t for m in inst.motions):
            return None
        st = state_at(inst, t, self.geo)
        if st is None or st.screen is not None:
            return None
        return st

    def objects(self, *, small: bool | None = None) -> list[Instance]:
        """Instances that are in the room and at rest now (not hands)."""
        out = []
        for i in self.scene.instances:
            if i.place == "hand" or self.rest(i) is None:
                continue
            if small is not None and i.small != small:
                continue
            out.append(i)
        return out

    def weight(self, inst: Instance) -> float:
        w = inst.cat.age_weight(self.age)
        w *= {"floor": 1.0, "table": 1.0, "furniture": 0.3, "wall": 0.2}.get(inst.place, 0.5)
        if inst.small:
            w *= 1.4
        if inst.id in self.recent:
            w *= 0.25
        return w

    def choose(self, items: list[Instance]) -> Instance | None:
        if not items:
            return None
        w = np.asarray([self.weight(i) for i in items])
        return items[int(self.rng.choice(len(items), p=w / w.sum()))]

    def rect(self, inst: Instance):
        """(phi, top tan, bottom tan, half width radians) of an instance where it rests now."""
        st = self.rest(inst)
        phi, tb, d = (inst.phi, inst.tb, inst.dist) if st is None else (st.phi, st.tb, st.dist)
        return phi, tb - inst.h_m / d, tb, inst.w_m / d / 2

    def frame_on(self, rects, frac_h: float, spread: float = 1.0) -> tuple[float, float, float]:
        """Camera (phi, tilt, zoom) showing all `rects`, the group about `frac_h` of the frame tall,
        placed anywhere in the frame that keeps it whole (so objects land in every quadrant)."""
        W, H, f = self.view.width, self.view.height, self.f
        phi0 = rects[0][0]
        xs0 = [wrap(r[0] - phi0) - r[3] for r in rects]
        xs1 = [wrap(r[0] - phi0) + r[3] for r in rects]
        y0, y1 = min(r[1] for r in rects), max(r[2] for r in rects)
        x0, x1 = min(xs0), max(xs1)
        w_rad, h_tan = max(1e-3, x1 - x0), max(1e-3, y1 - y0)
        z = min(frac_h * H / (f * h_tan), 0.82 * W / (f * w_rad), self.view.max_zoom)
        z = max(1.0, z)
        hw, hh = W / (2 * f * z), H / (2 * f * z)
        sx = max(0.0, hw - w_rad / 2) * 0.85 * spread
        sy = max(0.0, hh - h_tan / 2) * 0.85 * spread
        phi = phi0 + (x0 + x1) / 2 - self.rng.uniform(-sx, sx)
        tilt = (y0 + y1) / 2 - self.rng.uniform(-sy, sy)
        return phi % TWO_PI, tilt, z

    def fixate(self, dur: float, phi: float, tilt: float, zoom: float, follow: str | None = None) -> tuple[float, float]:
        """Turn the head to a view and hold it for `dur` seconds; returns the hold interval."""
        p0, t0_, z0 = self.cur
        d = abs(wrap(phi - p0))
        turn = 0.18 + 0.32 * d + 0.25 * abs(tilt - t0_) + 0.1 * abs(math.log(zoom / z0))
        t0 = self.t + turn
        t1 = t0 + dur
        self.fix.append(Fixation(t0, t1, phi, tilt, zoom, follow))
        self.t = t1
        self.cur = (phi, tilt, zoom)
        return t0, t1

    def say(self, t: float, window: float, kind: str, ids: list[str] | None = None, **extra: Any) -> None:
        self.intents.append(Intent(t, t + window, kind, list(ids or []), extra))

    # episodes -----------------------------------------------------------------------------
    def ep_look(self) -> None:
        target = self.choose(self.objects())
        if target is None:
            return self.ep_quiet()
        frac = self.rng.uniform(0.22, 0.5) if target.small else self.rng.uniform(0.45, 0.9)
        phi, tilt, z = self.frame_on([self.rect(target)], frac)
        dur = self.rng.uniform(2.5, 6.0)
        t0, t1 = self.fixate(dur, phi, tilt, z)
        self.recent = (self.recent + [target.id])[-4:]
        n = int(self.rng.choice([0, 1, 1, 2, 2, 3]) if self.talk >= 1 else self.rng.choice([0, 1, 1]))
        t = t0 + self.rng.uniform(0.2, 0.8)
        for _ in range(n):
            self.say(t, dur - (t - t0) - 0.8, "refer", [target.id])
            t += self.rng.uniform(1.0, 1.6)
        if self.rng.random() < 0.15:
            self.say(t, dur, "routine")
        if self.age >= 5 and target.small and self.rng.random() < 0.3:
            self.reach(t0 + 0.4, t1, phi, z, target)

    def reach(self, t0: float, t1: float, phi_cam: float, z: float, target: Instance) -> None:
        """One hand comes up from below toward the target (and may cover part of the view)."""
        W, f = self.view.width, self.f
        x = 0.5 + wrap(target.phi - phi_cam) * f * z / W
        x = float(np.clip(x + self.rng.uniform(-0.08, 0.08), 0.15, 0.85))
        side = "left" if x < 0.5 else "right"
        hand = self.insts[f"hand-{side}"]
        top = self.rng.uniform(0.55, 0.85)
        size = 0.55
        hand.motions.append(Motion("screen", t0, t0 + 0.5, (x, 1.0 + size), (x, top + size), then="stay", size=size))
        end = min(t1, t0 + self.rng.uniform(1.0, 2.5))
        hand.motions.append(Motion("screen", end, end + 0.4, (x, top + size), (x, 1.0 + size), then="gone", size=size))

    def ep_count(self) -> None:
        groups: dict[str, list[Instance]] = {}
        for i in self.objects():
            if i.cluster:
                groups.setdefault(i.cluster, []).append(i)
        if not groups:
            return self.ep_look()
        members = list(groups.values())[int(self.rng.integers(len(groups)))]
        phi, tilt, z = self.frame_on([self.rect(m) for m in members], self.rng.uniform(0.4, 0.65), spread=0.6)
        dur = self.rng.uniform(3.5, 6.5)
        t0, _ = self.fixate(dur, phi, tilt, z)
        self.say(t0 + self.rng.uniform(0.3, 0.8), dur, "count", [m.id for m in members])
        if self.rng.random() < 0.4:
            self.say(t0 + 2.0, dur, "refer", [members[int(self.rng.integers(len(members)))].id])

    def ep_pair(self) -> None:
        objs = [i for i in self.objects() if i.place in ("floor", "table")]
        if len(objs) < 2:
            return self.ep_look()
        a = self.choose(objs)
        near = [o for o in objs if o.id != a.id and abs(wrap(o.phi - a.phi)) < 0.55 and abs(o.tb - a.tb) < 0.5]
        if not near:
            return self.ep_look()
        b = near[int(self.rng.integers(len(near)))]
        phi, tilt, z = self.frame_on([self.rect(a), self.rect(b)], self.rng.uniform(0.35, 0.6), spread=0.5)
        dur = self.rng.uniform(3.0, 5.5)
        t0, _ = self.fixate(dur, phi, tilt, z)
        self.say(t0 + self.rng.uniform(0.3, 0.8), dur, "pair", [a.id, b.id])
        if self.rng.random() < 0.5:
            self.say(t0 + 2.0, dur, "refer", [b.id])

    def ep_roll(self) -> None:
        rollers = [i for i in self.objects() if (i.category in ROLLERS or i.category == "balloon") and i.place == "floor"]
        if not rollers:
            return self.ep_look()
        obj = self.choose(rollers)
        kind = "fly" if obj.category == "balloon" else ROLLERS[obj.category]
        frac = self.rng.uniform(0.2, 0.32)
        phi, tilt, z = self.frame_on([self.rect(obj)], frac, spread=0.3)
        st = self.rest(obj)
        start = (self.geo.cam_x + st.dist * math.cos(st.phi), self.geo.cam_y + st.dist * math.sin(st.phi))
        W, H, f = self.view.width, self.view.height, self.f
        hw = W / (2 * f * z)
        plan = None
        if kind == "fly":
            dur = self.rng.uniform(2.0, 3.0)
            plan = (start, start, (0.0, self.scene.room.height + 0.3), dur)
        else:
            sides = ["right", "left", "bottom"]
            self.rng.shuffle(sides)
            for side in sides:
                plan = self._roll_target(obj, start, side, phi, tilt, z, hw, H / (2 * f * z))
                if plan is not None:
                    break
        if plan is None:
            return self.ep_look()
        a, b, zz, move = plan
        wait = self.rng.uniform(1.6, 2.2)
        after = self.rng.uniform(1.5, 2.5)
        t0, t1 = self.fixate(wait + move + after, phi, tilt, z)
        m0 = t0 + wait
        obj.motions.append(Motion(kind, m0, m0 + move, a, b, then="stay", z=zz))
        self.say(m0 - 1.1, 0.6, "action", [obj.id], motion=kind)
        self.say(m0 + move + 0.2, 1.2, "gone", [obj.id])

    def _roll_target(self, obj, start, side, phi_c, tilt_c, z, hw, hh):
        room = self.scene.room
        x, y = start
        st = self.rest(obj)
        d, ophi = st.dist, st.phi
        if side in ("left", "right"):
            # across the view: increasing yaw is to the right on screen
            sgn = 1 if side == "right" else -1
            ux, uy = -math.sin(ophi) * sgn, math.cos(ophi) * sgn
            need = sgn * wrap(phi_c - ophi) + hw + obj.w_m / d + 0.12
            dist = d * math.tan(min(need, 1.3)) + obj.w_m
        else:
            ux, uy = -math.cos(ophi), -math.sin(ophi)
            # the object's top must pass below the frame: (eye - h) / D > tilt + hh
            lim = tilt_c + hh + 0.05
            if lim <= 0:
                return None
            d_end = (self.geo.eye - obj.h_m) / lim
            if d_end < 0.22 or d_end >= d:
                return None
            dist = d - d_end + 0.05
        bx, by = x + ux * dist, y + uy * dist
        if not (0.15 < bx < room.width - 0.15 and 0.15 < by < room.depth - 0.15):
            return None
        speed = self.rng.uniform(0.5, 0.9) if ROLLERS.get(obj.category) == "roll" else self.rng.uniform(0.35, 0.6)
        return (x, y), (bx, by), (0.0, 0.0), max(1.0, dist / speed)

    def ep_pet(self) -> None:
        pets = [i for i in self.scene.instances if i.category in ("dog", "cat")]
        if not pets:
            return self.ep_look()
        pet = pets[int(self.rng.integers(len(pets)))]
        room = self.scene.room
        phi_c = self.cur[0] + self.rng.uniform(-0.4, 0.4)
        d = self.rng.uniform(0.9, 1.8)
        W, f = self.view.width, self.f
        half = W / (2 * f) + pet.w_m / d + 0.15
        sgn = 1 if self.rng.random() < 0.5 else -1
        a_phi, b_phi = phi_c - sgn * half, phi_c + sgn * half
        ax, ay = self.geo.cam_x + d * math.cos(a_phi), self.geo.cam_y + d * math.sin(a_phi)
        bx, by = self.geo.cam_x + d * math.cos(b_phi), self.geo.cam_y + d * math.sin(b_phi)
        if not all(0.2 < v < lim - 0.2 for v, lim in ((ax, room.width), (bx, room.width), (ay, room.depth), (by, room.depth))):
            return self.ep_look()
        _, tb, _ = floor_to_pano(self.geo, ax, ay)
        tilt = tb - pet.h_m / d / 2 + self.rng.uniform(-0.1, 0.1)
        move = math.hypot(bx - ax, by - ay) / self.rng.uniform(0.45, 0.8)
        t0, _ = self.fixate(move + 1.5, phi_c, tilt, 1.0, follow=pet.id if self.rng.random() < 0.25 else None)
        pet.motions.append(Motion("walk", t0 + 0.3, t0 + 0.3 + move, (ax, ay), (bx, by), then="gone"))
        self.say(t0 + 0.3 + move * 0.3, move * 0.25, "action", [pet.id], motion="walk")
        if self.rng.random() < 0.5:
            self.say(t0 + 0.3 + move * 0.5, move * 0.3, "refer", [pet.id])
        self.say(t0 + 0.5 + move, 1.0, "gone", [pet.id])

    def ep_hold(self) -> None:
        cands = [i for i in self.objects(small=True) if i.place in ("floor", "table") and not i.cluster]
        obj = self.choose(cands)
        if obj is None:
            return self.ep_look()
        tilt = self.geo.bottom - self.view.height / (2 * self.f) - self.rng.uniform(0.0, 0.25)
        phi = self.cur[0] + self.rng.uniform(-0.5, 0.5)
        dur = self.rng.uniform(3.5, 6.0)
        t0, t1 = self.fixate(dur, phi, tilt, 1.0)
        x = self.rng.uniform(0.38, 0.62)
        size = float(np.clip(0.3 * max(obj.h_m, 0.5 * obj.w_m) / 0.15, 0.2, 0.45))
        low, high = self.rng.uniform(0.9, 1.02), self.rng.uniform(0.72, 0.85)
        obj.motions.append(Motion("held", t0, t0 + 0.6, (x, 1.0 + size + 0.05), (x, high), then="stay", size=size))
        wob = x + self.rng.uniform(-0.08, 0.08)
        obj.motions.append(Motion("held", t0 + 0.6, t1 - 0.5, (x, high), (wob, low), then="stay", size=size))
        # put down in front of the child, on the floor where it was last seen
        drop_tan = float(np.clip(tilt + 0.2, 0.5, self.geo.bottom - 0.05))
        drop_d = float(np.clip(self.geo.eye / drop_tan, 0.35, 1.5))
        tb = self.geo.eye / drop_d
        drop_phi = (phi + (wob - 0.5) * self.view.width / self.f) % TWO_PI
        obj.motions.append(Motion("held", t1 - 0.5, t1, (wob, low), (wob, 1.0 + size + 0.1), then="drop", size=size,
                                  drop=(drop_phi, tb, drop_d)))
        for side, dx in (("left", -0.2), ("right", 0.2)):
            if side == "right" and self.rng.random() < 0.35:
                continue
            hand = self.insts[f"hand-{side}"]
            hs = 0.55
            hx = x + dx
            hand.motions.append(Motion("screen", t0, t0 + 0.6, (hx, 1.0 + hs), (hx, high + hs * 0.62), size=hs))
            hand.motions.append(Motion("screen", t0 + 0.6, t1 - 0.5, (hx, high + hs * 0.62), (hx + wob - x, low + hs * 0.62), size=hs))
            hand.motions.append(Motion("screen", t1 - 0.5, t1, (hx + wob - x, low + hs * 0.62), (hx, 1.0 + hs), then="gone", size=hs))
        self.say(t0 + self.rng.uniform(0.5, 1.0), dur - 1.5, "hold", [obj.id])
        if self.rng.random() < 0.4:
            self.say(t0 + 2.0, dur - 2.0, "hold", [obj.id])

    def ep_scan(self) -> None:
        for _ in range(int(self.rng.integers(2, 4))):
            phi = self.rng.uniform(0, TWO_PI)
            tilt = self.rng.uniform(0.15, 0.8)
            t0, t1 = self.fixate(self.rng.uniform(1.2, 3.0), phi, tilt, self.rng.uniform(1.0, 1.15))
            r = self.rng.random()
            if r < 0.45 * self.talk:
                self.say(t0 + 0.2, t1 - t0, "routine")
            elif r < 0.75 * self.talk:
                self.say(t0 + 0.2, t1 - t0, "absent")

    def ep_quiet(self) -> None:
        phi = self.cur[0] + self.rng.uniform(-1.2, 1.2)
        tilt = self.rng.uniform(0.35, 1.0)
        t0, t1 = self.fixate(self.rng.uniform(1.5, 4.5), phi, tilt, self.rng.uniform(1.0, 1.3))
        if self.rng.random() < 0.3 * self.talk:
            self.say(t0 + 0.3, t1 - t0, "routine")

    # the whole session ---------------------------------------------------------------------
    def plan(self) -> Plan:
        has_pets = any(i.category in ("dog", "cat") for i in self.scene.instances)
        eps = {
            "look": 5.0, "count": 0.6 + (1.2 if self.age > 15 else 0.3), "pair": 0.8 + (0.8 if self.age > 18 else 0.0),
            "roll": 1.0, "pet": 0.8 if has_pets else 0.0, "hold": 0.9 if self.age >= 7 else 0.0,
            "scan": 1.1, "quiet": 1.0,
        }
        names = list(eps)
        w = np.asarray([eps[n] for n in names])
        w = w / w.sum()
        end = self.view.duration - 0.5
        while self.t < end - 1.0:
            name = names[int(self.rng.choice(len(names), p=w))]
            self.episodes.append((round(self.t, 3), name))
            getattr(self, f"ep_{name}")()
        # the last fixation holds to the end
        if self.fix:
            self.fix[-1].t1 = max(self.fix[-1].t1, self.view.duration + 1.0)
        for inst in self.scene.instances:
            inst.motions.sort(key=lambda m: m.t0)
        f = self.f
        shake = 0.006 + (0.008 if self.geo.eye > 0.95 else 0.0) + (0.006 if 0.6 < self.geo.eye < 0.9 else 0.0)
        self.path = build_path(self.fix, self.view.n_frames, self.view.fps, self.rng, shake=shake, drift=0.02,
                               tilt_range=(self.geo.top, self.geo.bottom), half_h=self.view.height / (2 * f),
                               max_zoom=self.view.max_zoom, follow=self._follow)
        return Plan(self.fix, self.path, self.resolve(), self.episodes)

    def _follow(self, iid: str, t: float) -> float | None:
        st = state_at(self.insts[iid], t, self.geo)
        return None if st is None or st.screen is not None else st.phi

    # speech --------------------------------------------------------------------------------
    def screen_box(self, inst: Instance, t: float) -> tuple[float, float, float, float] | None:
        """Where the instance's canvas lands on screen at `t` (x0, y0, x1, y1), before occlusion."""
        assert self.path is not None
        st = state_at(inst, t, self.geo)
        if st is None:
            return None
        W, H = self.view.width, self.view.height
        if st.screen is not None:
            cx, bottom, size = st.screen
            h = size * H
            w = h * inst.cat.spec.aspect
            return cx * W - w / 2, bottom * H - h, cx * W + w / 2, bottom * H
        phi_c, tilt_c, z = self.path.at(int(t * self.view.fps))
        s = self.f * z
        h = s * inst.h_m / st.dist
        w = s * inst.w_m / st.dist
        x = W / 2 + wrap(st.phi - phi_c) * s
        y = H / 2 + (st.tb - tilt_c) * s
        return x - w / 2, y - h, x + w / 2, y

    def in_view(self, inst: Instance, t: float, need: float = 0.5) -> bool:
        box = self.screen_box(inst, t)
        if box is None:
            return False
        x0, y0, x1, y1 = box
        W, H = self.view.width, self.view.height
        area = max(1e-6, (x1 - x0) * (y1 - y0))
        ix = max(0.0, min(x1, W) - max(x0, 0.0)) * max(0.0, min(y1, H) - max(y0, 0.0))
        return ix / area >= need

    def speaker(self) -> str:
        return "M" if self.rng.random() < 0.64 else "F"

    def resolve(self) -> list[PlannedUtterance]:
        out: list[PlannedUtterance] = []
        cursor = -1.0
        gap = 0.35
        sp = self.speech
        for it in sorted(self.intents, key=lambda i: i.t):
            start = max(it.t, cursor + gap + self.rng.exponential(0.3))
            if start > it.t_max or start > self.view.duration - 1.2:
                continue
            speaker = self.speaker()
            refs = list(it.ids)
            kind, text = self.compose(it, [self.insts[i] for i in refs], start, sp)
            if kind == "routine":
                refs = []
            elif kind == "offscreen":
                refs = [it.extra["absent_id"]]
            elif kind == "child":
                speaker = "C"
            rate = 0.85 if speaker == "C" else float(self.rng.uniform(0.9, 1.1))
            dur = utterance_duration(text, self.rng, rate)
            end = min(start + dur, self.view.duration - 0.05)
            out.append(PlannedUtterance(round(start, 3), round(end, 3), text, speaker, kind, refs, rate))
            cursor = end
        return out

    def compose(self, it: Intent, insts: list[Instance], t: float, sp: Speech) -> tuple[str, str]:
        k = it.kind
        if k == "routine":
            return sp.routine()
        if k == "absent":
            cands = [i for i in self.scene.instances if i.place in ("floor", "table") and i.present
                     and not self.in_view(i, t, 0.01) and not self.in_view(i, t + 1.5, 0.01)]
            if not cands:
                return sp.routine()
            target = self.choose(cands)
            it.extra["absent_id"] = target.id
            return sp.absent(target.cat.say)
        a = insts[0]
        say = a.cat.say
        if k == "refer":
            if self.age >= 12 and self.rng.random() < 0.08 + 0.004 * (self.age - 12):
                return sp.child(say, a.attributes()["color"])
            color = a.attributes()["color"] if a.cat.cdi_category not in ("food_drink", "furniture_rooms") else ""
            return sp.refer(say, color, a.size_word, a.category)
        if k == "count":
            n = sum(1 for i in insts if self.in_view(i, t, 0.8))
            return sp.count(a.cat.plural, n)
        if k == "pair":
            b = insts[1]
            ba, bb = self.screen_box(a, t), self.screen_box(b, t)
            r = self.rng.random()
            if a.category == b.category and a.attributes()["color"] != b.attributes()["color"] \
                    and a.cat.cdi_category != "food_drink":
                return sp.compare(say, a.cat.plural, a.attributes()["color"], b.attributes()["color"])
            if ba and bb and r < 0.45:
                ca, cb = (ba[0] + ba[2]) / 2, (bb[0] + bb[2]) / 2
                if abs(ca - cb) > 0.12 * self.view.width:
                    return sp.location_side(say, "left" if ca < cb else "right")
            if a.support and r < 0.65:
                return sp.location_on(say, self.insts[a.support].cat.say)
            return sp.location_next(say, b.cat.say)
        if k == "action":
            return sp.action(it.extra.get("motion", "roll"), say, a.category)
        if k == "gone":
            return sp.gone(say)
        if k == "hold":
            return sp.hold(say)
        return sp.routine()
