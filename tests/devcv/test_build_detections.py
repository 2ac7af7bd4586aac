"""The COCO-style detections path: frames on disk + a detections json (what a researcher with
SAYCam frames and any detector has) -> the DevCV tasks."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from babyvlm.cli import main
from babyvlm.devcv.builder import DevCVBuildConfig, build_toolbox
from babyvlm.tasks.devcv import DEVCV_TASKS

W, H = 160, 120
FPS = 4  # frames on disk per second (the builder samples 1 FPS for most tasks, all of them for VDR)
SECONDS = 16
LABELS = ["cup", "dining table", "teddy bear", "dog", "cat", "bottle", "book", "chair", "bowl", "spoon", "banana",
          "apple", "car", "bird", "clock", "sneakers", "person", "laptop"]  # the last two are not CDI words
STEMS = ["S_20141029_2412_01", "S_20141105_2419_01", "A_20150302_1305_01", "A_20150310_1313_01"]


def _scene(rng: np.random.Generator) -> list[dict]:
    """Objects of one session on a grid wider than the view (the camera turns across it): every label
    once, two cups, and a ball that rolls out through the left edge."""
    cups = [(0, 1), (2, 2)]  # the first cup goes out of view during the session, the second stays
    cells = [c for c in ((col, row) for col in range(6) for row in range(4)) if c not in cups]
    cells = cups[:1] + [cells[int(i)] for i in rng.permutation(len(cells))][:len(LABELS) - 1] + cups[1:]
    objs = []
    for k, label in enumerate(LABELS + ["cup"]):
        col, row = cells[k]
        w, h = int(rng.integers(18, 26)), int(rng.integers(17, 24))
        objs.append({"track": k, "label": label, "w": w, "h": h, "x": 6.0 + 30 * col, "y": 3.0 + 29 * row,
                     "color": tuple(int(c) for c in rng.integers(40, 250, 3)), "notch": bool(rng.random() < 0.5)})
    objs.append({"track": 99, "label": "sports ball", "w": 16, "h": 16, "x": 70.0, "y": 60.0, "color": (250, 30, 30),
                 "notch": True, "speed": -6.0})
    return objs


def make_detections(root: Path, tracks: bool = True) -> Path:
    """frames/<stem>/frame_NNNNN.png and detections.json (COCO: images, annotations, categories)."""
    cats = {name: i + 1 for i, name in enumerate(sorted(set(LABELS + ["sports ball"])))}
    images, anns = [], []
    for s, stem in enumerate(STEMS):
        rng = np.random.default_rng(s)
        objs = _scene(rng)
        for f in range(SECONDS * FPS):
            pan = -0.6 * f  # the camera turns: everything drifts left
            im = Image.new("RGB", (W, H), (120 + 10 * s, 110, 100))
            d = ImageDraw.Draw(im)
            img_id = len(images) + 1
            name = f"frames/{stem}/frame_{f:05d}.png"
            images.append({"id": img_id, "file_name": name, "width": W, "height": H, "time": f / FPS})
            for o in objs:
                x = o["x"] + pan + o.get("speed", 0.0) * f
                x0, y0, x1, y1 = max(0.0, x), o["y"], min(float(W), x + o["w"]), o["y"] + o["h"]
                if x1 - x0 < 2:
                    continue
                d.rectangle([x0, y0, x1 - 1, y1 - 1], fill=o["color"])
                if o["notch"]:  # an asymmetric mark, so left and right can be told apart
                    d.rectangle([x0, y0, x0 + max(1, (x1 - x0) // 3), y0 + 3], fill=(0, 0, 0))
                ann = {"id": len(anns) + 1, "image_id": img_id, "category_id": cats[o["label"]],
                       "bbox": [round(x0, 1), round(y0, 1), round(x1 - x0, 1), round(y1 - y0, 1)], "score": 0.9}
                if tracks:
                    ann["track_id"] = f"{stem}-{o['track']}"
                anns.append(ann)
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            im.save(path)
    images.append({"id": 10_000, "file_name": "frames/missing/frame_00001.png", "time": 0.0})  # a bad record
    det = {"images": images, "annotations": anns, "categories": [{"id": i, "name": n} for n, i in cats.items()]}
    path = root / "detections.json"
    path.write_text(json.dumps(det), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def detections(tmp_path_factory) -> Path:
    return make_detections(tmp_path_factory.mktemp("coco"))


def _cfg(det: Path, **kw) -> DevCVBuildConfig:
    from babyvlm.config import build_config

    over = [f"{k}={v}" for k, v in kw.items()]
    cfg = build_config(DevCVBuildConfig, section="devcv", preset="devcv/tiny", overrides=["workers=1", *over])
    cfg.detections.path = str(det)
    return cfg


def test_build_from_detections(detections, tmp_path):
    out = tmp_path / "toolbox"
    res = build_toolbox(detections.parent, out, _cfg(detections))
    man = json.loads((out / "MANIFEST.json").read_text())
    assert man["sources"]["annotations"] == "COCO-style detections" and man["sources"]["detections"] == "detections.json"
    voc = man["vocabulary"]
    assert set(voc["dropped_by_label"]) == {"person", "laptop"}
    assert 0 < voc["dropped_by_label"]["person"] <= 4 * SECONDS  # at most one box per 1-FPS frame
    assert voc["mapped_labels"]["dining table"] == "table" and voc["mapped_labels"]["sports ball"] == "ball"
    assert voc["mapped_labels"]["sneakers"] == "sneaker"
    rejects = (out / "rejects.jsonl").read_text()
    assert "missing image file" in rejects
    built = {t for t, c in res.counts.items() if c.get("test", 0) > 0}
    assert {"picture_vocabulary", "localize", "leftright", "spatialdetails", "compare_synthetic", "count",
            "subitizing", "memory", "vdr_binary", "compare_real"} <= built, res.shortfalls
    for name in built:
        task = DEVCV_TASKS[name]()
        assert task.load(out / "test" / task.folder)
    # the ball rolls out through the left edge: a leaving event derived from its track
    vdr = json.loads((out / "test" / "vdr-binary" / "data.json").read_text())
    assert any(r["meta"]["word"] == "ball" and r["meta"]["event"]["origin"] == "tracks" for r in vdr)
    counts = json.loads((out / "test" / "compare_real" / "data.json").read_text())
    assert all(r["meta"]["word"] == "cup" for r in counts)  # the only word seen with two different counts
    assert all(Path(p).parent.name == "images" for r in vdr for p in r["image"])


def test_untracked_detections_still_build(detections, tmp_path):
    untracked = make_detections(tmp_path / "u", tracks=False)
    out = tmp_path / "toolbox"
    res = build_toolbox(untracked.parent, out, _cfg(untracked, tasks="[spatialdetails,vdr_binary,count]"))
    assert res.counts["vdr_binary"]["test"] == res.counts["vdr_binary"]["train"] == 0  # leaving needs tracks
    assert res.counts["count"]["test"] > 0
    # without instance ids the gold frame is the crop's own frame and the foils come from other sessions
    assert res.counts["spatialdetails"]["train"] > 0  # two train sessions; the one test session has no foils
    for r in json.loads((out / "train" / "spatialdetails" / "data.json").read_text()):
        gold = "ABC".index(r["conversations"][1]["value"])
        frames = r["meta"]["frames"]
        assert frames[gold] == r["meta"]["source"]
        assert all(f.split("@")[0] != r["meta"]["source"].split("@")[0] for k, f in enumerate(frames) if k != gold)
    man = json.loads((out / "MANIFEST.json").read_text())
    assert man["tasks"]["vdr-binary"]["test"]["shortfall"]


def test_cli_detections_and_bad_file(detections, tmp_path, capsys):
    out = tmp_path / "cli"
    rc = main(["devcv", "build", str(detections.parent), "--detections", str(detections), "--out", str(out),
               "--config", "devcv/tiny", "--tasks", "count", "--workers", "1"])
    assert rc == 0 and (out / "test" / "count" / "data.json").exists()
    bad = tmp_path / "bad.json"
    bad.write_text('{"images": 3}')
    assert main(["devcv", "build", str(tmp_path), "--detections", str(bad), "--out", str(tmp_path / "x")]) == 2
    assert "not a COCO-style file" in capsys.readouterr().err
