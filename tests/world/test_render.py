"""The compositor: annotated boxes are the boxes of the pixels actually drawn."""

from __future__ import annotations

import math

import numpy as np
import pytest

from babyvlm.world.camera import CameraPath
from babyvlm.world.catalog import categories, make_look
from babyvlm.world.render import Renderer, paste
from babyvlm.world.room import Geometry, make_room
from babyvlm.world.scene import Instance, Scene
from babyvlm.world.sprites import Sprite, layer_from_rgba, render_master

W, H = 320, 240
BG = (255, 0, 255)  # a colour no object is drawn in


def make_inst(name: str, iid: str, phi: float, tb: float, dist: float, seed: int) -> Instance:
    cat = categories()[name]
    look = make_look(cat, np.random.default_rng(seed))
    spec = cat.spec
    h_m, w_m = (spec.size / spec.aspect, spec.size) if spec.aspect >= 1 else (spec.size, spec.size * spec.aspect)
    sprite = Sprite(spec, look, master_h=260, seed=seed, shadow=False)
    return Instance(id=iid, cat=cat, look=look, sprite=sprite, h_m=h_m, w_m=w_m, place="floor", phi=phi, tb=tb,
                    dist=dist)


def render(instances: list[Instance], phi_c: float = 0.3, tilt_c: float = 0.6):
    geo = Geometry(cam_x=2.0, cam_y=2.0, eye=0.6, f=W / math.radians(70), top=-0.55, bottom=1.75)
    pw = int(round(2 * math.pi * geo.f))
    ph = int(round((geo.bottom - geo.top) * geo.f))
    pano = np.empty((ph, pw + pw // 4, 3), np.uint8)
    pano[:] = BG
    scene = Scene(room=make_room("living", np.random.default_rng(0)), geo=geo, instances=instances, hand_look=None,
                  light=(1.0, 1.0, 1.0), play_phi=0.0)
    path = CameraPath(np.array([phi_c]), np.array([tilt_c]), np.array([1.0]))
    r = Renderer(scene, path, pano, 1.0, width=W, height=H, fps=10, rng=np.random.default_rng(0))
    img, objs = r.render(0, annotate=True)
    return np.asarray(img), {o["id"]: o for o in objs}


def changed(img: np.ndarray, empty: np.ndarray) -> np.ndarray:
    return np.any(img != empty, axis=2)


def bbox(mask: np.ndarray) -> list[int]:
    ys, xs = np.nonzero(mask)
    return [int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1)]


def close(a: list[int], b: list[int], tol: int = 1) -> bool:
    """Boxes equal within `tol` pixels on every edge (faint anti-aliased edge pixels, alpha < 1/2, are
    drawn but do not count as the object's)."""
    ax1, ay1, bx1, by1 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    return all(abs(u - v) <= tol for u, v in ((a[0], b[0]), (a[1], b[1]), (ax1, bx1), (ay1, by1)))


@pytest.mark.parametrize("name", ["ball", "dog", "cup", "car", "teddybear", "banana", "shoe", "chair", "block-turned"])
def test_box_matches_drawn_pixels(name):
    empty, _ = render([])
    turned = name.endswith("-turned")
    name = name.removesuffix("-turned")
    inst = make_inst(name, f"{name}-0", phi=0.3, tb=0.9, dist=1.0 if name != "chair" else 2.5, seed=3)
    if turned:
        inst.look.extra = {"rot": 11.0}
    img, objs = render([inst])
    drawn = changed(img, empty)
    assert drawn.any()
    o = objs[inst.id]
    assert close(o["bbox"], bbox(drawn)), (o["bbox"], bbox(drawn))
    assert o["visible"] == pytest.approx(1.0, abs=1e-3)
    x, y, w, h = o["bbox"]
    assert 0 <= x and 0 <= y and x + w <= W and y + h <= H


def test_occlusion_and_frame_edge():
    empty, _ = render([])
    far = make_inst("teddybear", "teddybear-0", phi=0.3, tb=0.55, dist=1.1, seed=1)
    near = make_inst("ball", "ball-0", phi=0.38, tb=0.75, dist=0.8, seed=2)
    only_far = changed(render([far])[0], empty)
    only_near = changed(render([near])[0], empty)
    img, objs = render([far, near])
    both = changed(img, empty)
    assert (both == (only_far | only_near)).mean() > 0.995
    expected = only_far & ~only_near
    o = objs["teddybear-0"]
    assert 0.05 < o["visible"] < 0.95
    assert close(o["bbox"], bbox(expected), tol=2), (o["bbox"], bbox(expected))
    assert o["visible"] == pytest.approx(expected.sum() / only_far.sum(), abs=0.06)
    assert objs["ball-0"]["visible"] == pytest.approx(1.0, abs=1e-3)
    # cut by the left edge of the frame: the box is the part in view, the fraction what is left of it
    edge = make_inst("ball", "ball-1", phi=0.3 - W / 2 / (W / math.radians(70)), tb=0.9, dist=1.0, seed=5)
    img, objs = render([edge])
    o = objs["ball-1"]
    assert o["bbox"][0] == 0
    assert 0.3 < o["visible"] < 0.7
    assert close(o["bbox"], bbox(changed(img, empty)))


def test_paste_writes_opaque_pixels_and_id_map():
    from PIL import Image

    cat = categories()["apple"]
    m = render_master(cat.spec, make_look(cat, np.random.default_rng(0)), 60).convert("RGBA")
    layer = layer_from_rgba(m)
    frame = Image.new("RGB", (80, 80), (0, 0, 0))
    ids = Image.new("L", (80, 80), 0)
    assert paste(frame, layer, 70, -10, ids, 7)  # partly outside on two sides
    own = np.asarray(layer.mask)[10:, :10] > 0
    got = np.asarray(ids)[: own.shape[0], 70:]
    assert ((got == 7) == own).all() and own.sum() > 0
    opaque = np.asarray(layer.alpha)[10:, :10] == 255
    assert np.array_equal(np.asarray(frame)[: opaque.shape[0], 70:][opaque], np.asarray(layer.rgb)[10:, :10][opaque])
    assert layer.area == int((np.asarray(m.getchannel("A")) >= 128).sum())
    assert not paste(frame, layer, 200, 200, ids, 8)  # entirely off screen
