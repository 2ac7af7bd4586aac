"""What is in the room: a child's home (rooms, furniture, toys, pets) and one session's instances.

Positions are kept in panorama terms, which is exact because the camera turns but does not
travel within a session: `phi` (yaw, radians), `tb` (tan of the angle below the horizon of the
object's base) and `dist` (metres, which sets its size: an object H metres tall is `f*z*H/dist`
pixels tall). Floor positions are converted once; objects on a table or couch are placed on the
drawn surface band of that piece of furniture so they sit on it.

A child's home is fixed across sessions (the same couch, the same teddy bear, the same dog), so
the corpus is longitudinal; which objects are out and how often they are named shift with age.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from babyvlm.util.rngs import stream, sub_seed
from babyvlm.world.catalog import Category, categories, make_look, skin_tone
from babyvlm.world.draw import Look
from babyvlm.world.palette import COLORS, jitter, spoken
from babyvlm.world.room import KINDS, Geometry, RoomSpec, make_room
from babyvlm.world.sprites import Sprite

TWO_PI = 2 * math.pi

# furniture per room: (category, how many, where: wall | free | near)
FURNITURE = {
    "living": [("couch", 1, "wall"), ("tv", 1, "wall"), ("table", 1, "free"), ("window", 2, "wallmount"),
               ("door", 1, "wallmount"), ("lamp", 1, "wall"), ("chair", 1, "wall"), ("clock", 1, "wallmount")],
    "kitchen": [("table", 1, "near"), ("chair", 2, "around"), ("window", 1, "wallmount"), ("door", 1, "wallmount"),
                ("clock", 1, "wallmount"), ("high chair", 1, "wall")],
    "bedroom": [("crib", 1, "wall"), ("window", 1, "wallmount"), ("door", 1, "wallmount"), ("lamp", 1, "wall"),
                ("chair", 1, "wall"), ("clock", 1, "wallmount")],
    "bathroom": [("bathtub", 1, "wall"), ("window", 1, "wallmount"), ("door", 1, "wallmount")],
}
DEPTH = {"couch": 0.9, "tv": 0.45, "crib": 0.75, "bathtub": 0.75, "chair": 0.5, "lamp": 0.35, "high chair": 0.6}
WALL_Z = {"window": 0.85, "door": 0.0, "clock": 1.75}
SMALL = 0.28  # metres: objects up to this size can be held, counted, put in clusters


def wrap(a: float) -> float:
    """An angle difference wrapped to [-pi, pi)."""
    return (a + math.pi) % TWO_PI - math.pi


@dataclass
class Motion:
    kind: str  # roll | walk | drive | held
    t0: float
    t1: float
    a: tuple[float, float]  # start: floor (x, y) for world motions, screen (x, bottom) fractions for held
    b: tuple[float, float]  # end
    then: str = "stay"  # after t1: stay (at b) | gone (pets leave, hands drop) | drop (held object put down)
    drop: tuple[float, float, float] | None = None  # (phi, tb, dist) where a held object lands
    z: tuple[float, float] = (0.0, 0.0)  # base height at start and end (a balloon floats up)
    size: float = 0.3  # screen motions: height as a fraction of the frame height


@dataclass
class State:
    """Where an instance is at one moment."""

    phi: float = 0.0
    tb: float = 0.0
    dist: float = 1.0
    screen: tuple[float, float, float] | None = None  # held: (centre x frac, bottom y frac, height frac)
    pose: int = 0
    mirror: bool = False
    moving: bool = False


@dataclass
class Instance:
    id: str
    cat: Category
    look: Look
    sprite: Sprite
    h_m: float  # canvas height in metres
    w_m: float
    place: str
    phi: float
    tb: float
    dist: float
    mirror: bool = False
    key_bias: float = 0.0  # added to dist for drawing order (negative: drawn in front)
    support: str | None = None  # id of the furniture it rests on
    cluster: str | None = None
    persistent: bool = False
    present: bool = True  # pets are only in the room while walking through it
    size_word: str = ""
    floor_xy: tuple[float, float] | None = None
    motions: list[Motion] = field(default_factory=list)

    @property
    def category(self) -> str:
        return self.cat.name

    @property
    def small(self) -> bool:
        return max(self.h_m, self.w_m) <= SMALL

    def attributes(self) -> dict[str, Any]:
        a: dict[str, Any] = {"color": spoken(self.look.color_name), "pattern": self.look.pattern,
                             "detail": self.look.detail, "size": self.size_word or "medium",
                             "height_m": round(self.h_m, 3), "width_m": round(self.w_m, 3), "place": self.place}
        if self.support:
            a["on"] = self.support
        if self.cluster:
            a["group"] = self.cluster
        if self.persistent:
            a["persistent"] = True
        return a

    def header(self) -> dict[str, Any]:
        return {"id": self.id, "category": self.category, "cdi_item": self.cat.cdi_item,
                "cdi_category": self.cat.cdi_category, "attributes": self.attributes()}


# ---------------------------------------------------------------------------------------------
# the child's home: fixed across sessions


@dataclass
class HomeObject:
    cat: str
    look: Look
    scale: float
    slot: int  # inventory index, part of the instance id
    seed: int
    wall: int = 0  # furniture: which wall
    along: float = 0.5  # furniture: where along the wall (fraction)


@dataclass
class Home:
    child: str
    rooms: dict[str, RoomSpec]
    furniture: dict[str, list[HomeObject]]
    toys: dict[str, list[HomeObject]]  # category -> owned instances
    pets: list[HomeObject]
    skin: tuple[int, int, int]
    sleeve: tuple[int, int, int]


def make_home(seed: int, child: str) -> Home:
    rng = stream(seed, child, "home")
    cats = categories()
    rooms = {k: make_room(k, stream(seed, child, "room", k)) for k in KINDS}
    furniture: dict[str, list[HomeObject]] = {}
    for kind, items in FURNITURE.items():
        out = []
        used_walls: list[tuple[int, float]] = []
        for name, n, _where in items:
            for k in range(n):
                look = make_look(cats[name], rng)
                wall = int(rng.integers(4))
                along = float(rng.uniform(0.2, 0.8))
                for _ in range(20):  # keep pieces on one wall apart
                    if all(w != wall or abs(a - along) > 0.3 for w, a in used_walls):
                        break
                    wall, along = int(rng.integers(4)), float(rng.uniform(0.15, 0.85))
                used_walls.append((wall, along))
                out.append(HomeObject(name, look, float(rng.uniform(0.9, 1.1)), k, sub_seed(rng), wall, along))
        furniture[kind] = out
    toys: dict[str, list[HomeObject]] = {}
    for name, cat in cats.items():
        if cat.spec.place in ("furniture", "hand", "wall") or name in ("dog", "cat"):
            continue
        n = int(rng.integers(1, 4))
        toys[name] = [HomeObject(name, make_look(cat, rng), _scale(rng), k, sub_seed(rng)) for k in range(n)]
    pets = []
    for name, p in (("dog", 0.5), ("cat", 0.4)):
        if rng.random() < p:
            pets.append(HomeObject(name, make_look(cats[name], rng), float(rng.uniform(0.85, 1.2)), 0, sub_seed(rng)))
    skin = skin_tone(rng)
    sleeve = jitter(COLORS[str(rng.choice(["red", "blue", "green", "yellow", "white", "pink", "grey"]))], rng)
    return Home(child, rooms, furniture, toys, pets, skin, sleeve)


def _scale(rng: np.random.Generator) -> float:
    return float(np.exp(rng.normal(0.0, 0.16)))


def size_word(scale: float) -> str:
    return "big" if scale >= 1.18 else "little" if scale <= 0.84 else ""


# ---------------------------------------------------------------------------------------------
# one session's scene


@dataclass
class Scene:
    room: RoomSpec
    geo: Geometry
    instances: list[Instance]
    hand_look: Look
    light: tuple[float, float, float]
    play_phi: float  # the direction the child mostly faces

    def by_id(self) -> dict[str, Instance]:
        return {i.id: i for i in self.instances}


class Builder:
    """Places a session's instances in its room."""

    def __init__(self, home: Home, kind: str, geo: Geometry, rng: np.random.Generator, age_months: float,
                 light: tuple[float, float, float], master_px: float, play_phi: float):
        self.home, self.kind, self.geo, self.rng, self.age = home, kind, geo, rng, age_months
        self.play_phi = play_phi
        self.room = home.rooms[kind]
        self.light = light
        self.master_px = master_px  # pixels per (metre / metre of distance) at the session's largest zoom
        self.instances: list[Instance] = []
        self.ids: set[str] = set()
        self.floor_used: list[tuple[float, float, float]] = []  # (x, y, radius)
        self.cats = categories()

    # geometry --------------------------------------------------------------------------------
    def floor_to_pano(self, x: float, y: float, z0: float = 0.0) -> tuple[float, float, float]:
        dx, dy = x - self.geo.cam_x, y - self.geo.cam_y
        d = max(0.15, math.hypot(dx, dy))
        return math.atan2(dy, dx) % TWO_PI, (self.geo.eye - z0) / d, d

    def wall_point(self, wall: int, along: float, inset: float = 0.0) -> tuple[float, float]:
        w, d = self.room.width, self.room.depth
        if wall == 0:
            return w - inset, along * d
        if wall == 1:
            return along * w, d - inset
        if wall == 2:
            return inset, along * d
        return along * w, inset

    def inside(self, x: float, y: float, margin: float = 0.25) -> bool:
        return margin < x < self.room.width - margin and margin < y < self.room.depth - margin

    def free(self, x: float, y: float, r: float, overlap: float = 0.0) -> bool:
        return all(math.hypot(x - a, y - b) > (r + c) * (1 - overlap) for a, b, c in self.floor_used)

    # instances ------------------------------------------------------------------------------
    def new_id(self, cat: str, slot: int | None) -> str:
        base = cat.replace(" ", "_")
        k = slot if slot is not None else 10
        while f"{base}-{k}" in self.ids:
            k += 1
        self.ids.add(f"{base}-{k}")
        return f"{base}-{k}"

    def make(self, cat_name: str, look: Look, scale: float, seed: int, *, place: str, phi: float, tb: float,
             dist: float, slot: int | None = None, persistent: bool = False, mirror: bool | None = None,
             max_dist_ratio: float = 1.0) -> Instance:
        cat = self.cats[cat_name]
        spec = cat.spec
        big = spec.size * scale
        h_m, w_m = (big / spec.aspect, big) if spec.aspect >= 1 else (big, big * spec.aspect)
        # master big enough for the closest this object gets at the session's largest zoom
        master = int(min(900, max(24, self.master_px * h_m / max(0.2, dist * max_dist_ratio) * 1.1)))
        sprite = Sprite(spec, look, master, light=self.light, seed=seed, shadow=place in ("floor", "table", "furniture"))
        inst = Instance(id=self.new_id(cat_name, slot), cat=cat, look=look, sprite=sprite, h_m=h_m, w_m=w_m,
                        place=place, phi=phi, tb=tb, dist=dist,
                        mirror=bool(self.rng.random() < 0.5) if mirror is None else mirror,
                        persistent=persistent, size_word=size_word(scale))
        self.instances.append(inst)
        return inst

    def elev(self, z0: float, dist: float) -> float:
        """How much the camera looks down on a surface at height z0 (0 = edge on, 1 = from above)."""
        return float(np.clip(math.atan2(self.geo.eye - z0, dist) / (math.pi / 2) * 1.6, 0.0, 1.0))

    def place_furniture(self) -> None:
        for ho in self.home.furniture[self.kind]:
            cat = self.cats[ho.cat]
            place = cat.spec.place
            where = dict((n, w) for n, _, w in FURNITURE[self.kind])[ho.cat]
            look = ho.look
            if place == "wall":
                x, y = self.wall_point(ho.wall, ho.along, 0.02)
                phi, tb, d = self.floor_to_pano(x, y, WALL_Z.get(ho.cat, 1.0))
                inst = self.make(ho.cat, look, ho.scale, ho.seed, place="wall", phi=phi, tb=tb, dist=d, slot=ho.slot,
                                 persistent=True, mirror=False)
                inst.key_bias = 0.5
                continue
            if where == "free":  # the coffee table: in the play area, in front of the child
                x, y = self._free_spot(1.1, 1.7, 0.5, spread=0.9)
            elif where == "near":  # the kitchen table right in front of the child
                x, y = self._free_spot(0.75, 1.0, 0.45, spread=0.5)
            elif where == "around":
                x, y = self._free_spot(1.2, 2.2, 0.3, spread=1.6)
            else:
                depth = DEPTH.get(ho.cat, 0.5)
                x, y = self.wall_point(ho.wall, ho.along, depth / 2 + 0.05)
            phi, tb, d = self.floor_to_pano(x, y)
            scale = ho.scale if ho.cat != "table" or self.kind == "kitchen" else ho.scale * 0.55  # coffee table is low
            look.elev = self.elev(cat.spec.size * scale / cat.spec.aspect, d) if ho.cat == "table" else self.elev(0.4, d)
            inst = self.make(ho.cat, look, scale, ho.seed, place="furniture", phi=phi, tb=tb, dist=d, slot=ho.slot,
                             persistent=True, mirror=False if ho.cat in ("couch", "tv", "crib", "bathtub", "table") else None)
            inst.floor_xy = (x, y)
            self.floor_used.append((x, y, max(inst.w_m, 0.4) / 2))

    def _free_spot(self, dmin: float, dmax: float, r: float, spread: float = math.pi, phi0: float | None = None,
                   overlap: float = 0.0) -> tuple[float, float]:
        phi0 = self.play_phi if phi0 is None else phi0
        for _ in range(200):
            phi = phi0 + self.rng.uniform(-spread, spread)
            d = self.rng.uniform(dmin, dmax)
            x, y = self.geo.cam_x + d * math.cos(phi), self.geo.cam_y + d * math.sin(phi)
            if self.inside(x, y, r * 0.8 + 0.1) and self.free(x, y, r, overlap):
                return x, y
        # crowded: accept overlap rather than fail
        phi = phi0 + self.rng.uniform(-spread, spread)
        d = self.rng.uniform(dmin, dmax)
        x = float(np.clip(self.geo.cam_x + d * math.cos(phi), 0.3, self.room.width - 0.3))
        y = float(np.clip(self.geo.cam_y + d * math.sin(phi), 0.3, self.room.depth - 0.3))
        return x, y

    def surfaces(self) -> list[Instance]:
        return [i for i in self.instances if i.category in ("table", "couch")]

    def place_on(self, surface: Instance, cat_name: str, look: Look, scale: float, seed: int, slot: int | None,
                 frac: float | None = None) -> Instance:
        """Put an object on the drawn top of a table or the seat of a couch."""
        if surface.category == "table":
            t = 0.08 + 0.3 * surface.look.elev
            band = (0.02, t + 0.02)
        else:
            band = (0.5, 0.62)
        h_tan = surface.h_m / surface.dist
        w_rad = surface.w_m / surface.dist
        fx = self.rng.uniform(-0.36, 0.36) if frac is None else frac
        phi = (surface.phi + fx * w_rad) % TWO_PI
        q = self.rng.uniform(0.45, 1.0)
        tb = surface.tb - h_tan + (band[0] + q * (band[1] - band[0])) * h_tan
        z0 = self.geo.eye - tb * surface.dist
        look.elev = self.elev(z0, surface.dist)
        inst = self.make(cat_name, look, scale, seed, place="table", phi=phi, tb=tb, dist=surface.dist, slot=slot,
                         persistent=slot is not None)
        inst.support = surface.id
        inst.key_bias = -0.05 - 0.01 * q
        return inst

    def place_floor(self, cat_name: str, look: Look, scale: float, seed: int, slot: int | None, *,
                    dmin: float = 0.55, dmax: float = 2.2, spread: float = 1.6, xy: tuple[float, float] | None = None,
                    overlap: float = 0.15) -> Instance:
        cat = self.cats[cat_name]
        r = cat.spec.size * scale / 2
        x, y = xy if xy is not None else self._free_spot(dmin, dmax, r, spread=spread, overlap=overlap)
        phi, tb, d = self.floor_to_pano(x, y)
        look.elev = self.elev(0.0, d)
        if max(cat.spec.size * scale, 0.0) <= SMALL and cat.cdi_category not in ("animals",) and not cat.spec.motion:
            look.extra = {**look.extra, "rot": float(self.rng.uniform(-12, 12))}  # lying a little askew
        inst = self.make(cat_name, look, scale, seed, place="floor", phi=phi, tb=tb, dist=d, slot=slot,
                         persistent=slot is not None)
        inst.floor_xy = (x, y)
        self.floor_used.append((x, y, r))
        return inst


def choose_categories(rng: np.random.Generator, kind: str, age: float, n: int, exclude: set[str]) -> list[str]:
    """`n` distinct object categories for a room, weighted by room and age."""
    cats = categories()
    names, weights = [], []
    for name, c in cats.items():
        if name in exclude or c.spec.place in ("furniture", "wall", "hand") or name in ("dog", "cat"):
            continue
        w = c.age_weight(age) * (1.0 if kind in c.spec.rooms else 0.04)
        names.append(name)
        weights.append(w)
    p = np.asarray(weights) / np.sum(weights)
    n = min(n, len(names))
    return [names[i] for i in rng.choice(len(names), size=n, replace=False, p=p)]


def _count_choice(rng: np.random.Generator, max_n: int = 12) -> int:
    ns = np.arange(2, max_n + 1)
    p = ns ** -0.55
    return int(rng.choice(ns, p=p / p.sum()))


def group_sizes(seed: int, child: str, session: int, n_groups: int = 2) -> list[int]:
    """How many objects each of a session's groups has: every size from 2 to 12 comes up once in a
    child's eleven groups, in a random order, so even a small corpus has every count to 12."""
    out = []
    for g in range(n_groups):
        k = session * n_groups + g
        order = stream(seed, child, "group-sizes", k // 11).permutation(11) + 2
        out.append(int(order[k % 11]))
    return out


def build_scene(seed: int, home: Home, kind: str, age: float, rng: np.random.Generator, *, width: int, height: int,
                hfov_deg: float, max_zoom: float, n_objects: tuple[int, int] = (10, 16),
                groups: list[int] | None = None) -> Scene:
    """Room, camera placement, furniture, toys, food, clothes, clusters, pets and the child's hands."""
    room = home.rooms[kind]
    # where the child is: in the high chair at the kitchen table, carried, sitting, or standing
    r = rng.random()
    if kind == "kitchen" and r < 0.7:
        eye = rng.uniform(0.85, 0.95)
    elif age < 11 and r < 0.35:
        eye = rng.uniform(1.0, 1.2)
    elif age >= 14 and r < 0.5:
        eye = rng.uniform(0.65, 0.85)
    else:
        eye = rng.uniform(0.42, 0.55)
    f = width / math.radians(hfov_deg)
    margin = 1.0
    geo = Geometry(cam_x=float(rng.uniform(margin, room.width - margin)), cam_y=float(rng.uniform(margin, room.depth - margin)),
                   eye=float(eye), f=f, top=-0.55, bottom=1.75)
    warm = rng.uniform(-1, 1)
    bright = rng.uniform(0.88, 1.08)
    light = (bright * (1 + 0.06 * warm), bright, bright * (1 - 0.08 * warm))
    play_phi = float(rng.uniform(0, TWO_PI))
    b = Builder(home, kind, geo, rng, age, light, master_px=f * max_zoom, play_phi=play_phi)
    b.place_furniture()
    dmin = max(0.7, eye / 1.35)
    surfaces = b.surfaces()
    tables = [s for s in surfaces if s.category == "table"]
    # loose objects, mostly from the child's own things
    n = int(rng.integers(n_objects[0], n_objects[1] + 1))
    for name in choose_categories(rng, kind, age, n, exclude=set()):
        owned = home.toys[name]
        k = 1 if rng.random() < 0.75 else min(2, len(owned))
        for ho in owned[:k]:
            look = Look(**{**ho.look.__dict__, "extra": dict(ho.look.extra)})
            cat = b.cats[name]
            if cat.spec.place == "table" and tables and rng.random() < 0.75:
                b.place_on(tables[int(rng.integers(len(tables)))], name, look, ho.scale, ho.seed, ho.slot)
            elif name == "pillow" and rng.random() < 0.6 and any(s.category == "couch" for s in surfaces):
                b.place_on(next(s for s in surfaces if s.category == "couch"), name, look, ho.scale, ho.seed, ho.slot)
            else:
                # big things (blankets, pillows, baskets) lie further off; toys around the child
                big = cat.spec.size * ho.scale
                b.place_floor(name, look, ho.scale, ho.seed, ho.slot, dmin=dmin + max(0.0, big - 0.25) * 1.5,
                              dmax=2.4 + max(0.0, big - 0.25))
    # groups of one category to count (several instances that differ in detail)
    small = [c for c, cat in b.cats.items() if cat.spec.size <= 0.2 and cat.spec.place in ("floor", "table")
             and kind in cat.spec.rooms and c not in ("dog", "cat")]
    for g, count in enumerate(groups if groups is not None else [_count_choice(rng)]):
        ws = np.asarray([b.cats[c].age_weight(age) for c in small])
        name = small[int(rng.choice(len(small), p=ws / ws.sum()))]
        _place_group(b, name, count, f"group-{g + 1}", dmin, tables if b.cats[name].spec.place == "table" else [],
                     math.radians(hfov_deg))
    # pets walk through now and then; the child's hands
    for ho in home.pets:
        inst = b.make(ho.cat, Look(**{**ho.look.__dict__}), ho.scale, ho.seed, place="floor", phi=0.0, tb=0.5, dist=1.5,
                      slot=ho.slot, persistent=True, max_dist_ratio=0.6)
        inst.present = False
    hand_look = Look(color=home.skin, color_name="pink", color2=home.sleeve, pattern="open",
                     extra={"skin": home.skin})
    for side in ("left", "right"):
        lk = Look(**{**hand_look.__dict__, "extra": dict(hand_look.extra)})
        inst = b.make("hand", lk, 1.0, sub_seed(rng), place="hand", phi=0.0, tb=0.0, dist=1.0, mirror=(side == "left"))
        inst.sprite.master_h = int(height * 0.55)
        inst.sprite.shadow = False
        inst.present = False
        b.ids.discard(inst.id)
        inst.id = f"hand-{side}"
    return Scene(room=room, geo=geo, instances=b.instances, hand_look=hand_look, light=light, play_phi=play_phi)


def _place_group(b: Builder, name: str, count: int, group: str, dmin: float, tables: list[Instance],
                 hfov: float) -> None:
    cat = b.cats[name]
    rng = b.rng
    if tables and count <= 4:
        table = tables[int(rng.integers(len(tables)))]
        for i in range(count):
            look = make_look(cat, rng)
            frac = -0.36 + 0.72 * (i + 0.5) / count + rng.uniform(-0.03, 0.03)
            inst = b.place_on(table, name, look, _scale(rng), sub_seed(rng), None, frac=frac)
            inst.cluster = group
        return
    size = cat.spec.size
    cols = int(math.ceil(math.sqrt(count * 1.6)))
    rows = int(math.ceil(count / cols))
    gap = size * rng.uniform(1.35, 1.7)
    dc = rng.uniform(max(dmin, 0.7), max(dmin, 0.7) + 0.5)
    # far enough that the whole group fits in view at once (to be counted)
    dc = max(dc, (cols + 0.5) * gap / (0.65 * hfov))
    for _ in range(50):
        x, y = b._free_spot(dc, dc + 0.01, gap * cols / 2, spread=1.4)
        if b.free(x, y, gap * cols / 2):
            break
    phi = math.atan2(y - b.geo.cam_y, x - b.geo.cam_x)
    ux, uy = -math.sin(phi), math.cos(phi)  # across the view
    vx, vy = math.cos(phi), math.sin(phi)  # away from the camera
    k = 0
    for r in range(rows):
        n_row = min(cols, count - k)
        for c in range(n_row):
            # rows staggered so the back row shows between the front row's objects
            a = (c - (n_row - 1) / 2 + 0.5 * (r % 2)) * gap + rng.uniform(-0.1, 0.1) * gap
            d = (r - (rows - 1) / 2) * gap * 1.2 + rng.uniform(-0.08, 0.08) * gap
            px, py = x + a * ux + d * vx, y + a * uy + d * vy
            inst = b.place_floor(name, make_look(cat, rng), _scale(rng) * 0.95, sub_seed(rng), None, xy=(px, py))
            inst.cluster = group
            k += 1
