"""The review server's API, the decisions log and the export (no browser needed)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from babyvlm.cli import main
from babyvlm.devcv.review import export, load_decisions
from babyvlm.devcv.review.server import serve_in_thread


def _img(path: Path, seed: int, size=(64, 48)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.random.default_rng(seed).integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)).save(path)


def make_toolbox(root: Path) -> Path:
    """A small toolbox in the official layout: count, localize (bb), vdr-binary (gif), in test and train."""
    for split in ("test", "train"):
        recs = {"count": [], "localize": [], "vdr-binary": []}
        for k in range(3):
            recs["count"].append({"id": f"count_{k}", "conversations": [
                {"from": "human", "value": "<image> How many cups do you see?"}, {"from": "gpt", "value": str(4 + k)}],
                "image": [f"images/count_{k:04d}_0.jpeg"]})
            recs["localize"].append({"bb": [5.0, 4.0, 20.0, 15.0], "id": f"localize_{k}", "conversations": [
                {"from": "human", "value": "<image> Point at the cup. Is it in the (A) top left or (B) top right or "
                                           "(C) bottom left or (D) bottom right of the image?"},
                {"from": "gpt", "value": "A"}], "image": [f"images/localize_{k:04d}_0.jpeg"]})
        frames = [f"images/vdr_0000_{i}.jpg" for i in range(5)]
        recs["vdr-binary"].append({"id": "S_20141029_2412_02_clip_000", "conversations": [
            {"from": "human", "value": "<image>" * 5 + " does the ball leave the frame through the right side of the "
                                                       "frame or the left side of the frame? respond ONLY with 'right' or 'left'."},
            {"from": "gpt", "value": "left"}], "image": frames, "gif": "images/vdr_0000.gif"})
        for task, rows in recs.items():
            folder = root / split / task
            for r in rows:
                for i, p in enumerate(r["image"]):
                    _img(folder / p, hash((split, task, r["id"], i)) % 1000)
                if "gif" in r:
                    ims = [Image.open(folder / p) for p in r["image"]]
                    ims[0].save(folder / r["gif"], save_all=True, append_images=ims[1:], duration=300)
            (folder / "data.json").write_text(json.dumps(rows), encoding="utf-8")
    (root / "MANIFEST.json").write_text(json.dumps({"seed": 0, "total_items": 14}), encoding="utf-8")
    return root


@pytest.fixture
def toolbox(tmp_path) -> Path:
    return make_toolbox(tmp_path / "toolbox")


def page_token(url: str) -> str:
    """The per-session token, read from the served page as the page's own script does."""
    parts = urllib.parse.urlsplit(url)
    with urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}/", timeout=10) as r:
        return re.search(r'name="review-token" content="([^"]+)"', r.read().decode()).group(1)


def _get(url: str):
    req = urllib.request.Request(url, headers={"X-Review-Token": page_token(url)})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def _post(url: str, body: dict):
    req = urllib.request.Request(url, data=json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", "X-Review-Token": page_token(url)})
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read())


def test_api_saves_each_decision_at_once(toolbox):
    server, url = serve_in_thread(toolbox)
    try:
        assert url.startswith("http://127.0.0.1:")
        listing = _get(url + "api/items")
        assert listing["total"] == 14 and listing["items"][0]["split"] == "test"  # test first
        first = _get(url + "api/item?k=0")
        assert first["id"] == "count_0" and first["images"][0].startswith("/files/test/count/images/")
        with urllib.request.urlopen(url + first["images"][0].lstrip("/"), timeout=10) as r:
            assert r.headers["Content-Type"] == "image/jpeg" and len(r.read()) > 100
        vdr = next(x for x in listing["items"] if x["task"] == "vdr-binary")
        assert _get(url + f"api/item?k={vdr['k']}")["gif"].endswith("vdr_0000.gif")
        r = _post(url + "api/decision", {"k": 0, "decision": "accept"})
        assert r["counts"] == {"accept": 1, "reject": 0}
        lines = (toolbox / "review" / "decisions.jsonl").read_text().splitlines()  # on disk before the answer came
        assert json.loads(lines[-1])["decision"] == "accept" and json.loads(lines[-1])["id"] == "count_0"
        _post(url + "api/decision", {"k": 1, "decision": "reject", "note": "blurry"})
        _post(url + "api/decision", {"k": 2, "decision": "accept"})
        _post(url + "api/decision", {"k": 2, "decision": "clear"})  # taken back
        with pytest.raises(urllib.error.HTTPError) as e:
            _post(url + "api/decision", {"k": 0, "decision": "maybe"})
        assert e.value.code == 400
        token = {"X-Review-Token": page_token(url)}
        for bad in ("files/../MANIFEST.json", "files/%2E%2E/%2E%2E/etc/passwd", "api/item?k=999", "api/item?k=-1",
                    "nothing"):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(urllib.request.Request(url + bad, headers=token), timeout=10)
            assert e.value.code == 404
    finally:
        server.shutdown()
        server.server_close()
    assert load_decisions(toolbox) == {"test/count/count_0": "accept", "test/count/count_1": "reject"}
    server, url = serve_in_thread(toolbox)  # a new server (after a crash) starts from the log
    try:
        items = _get(url + "api/items")["items"]
        assert [x["decision"] for x in items[:3]] == ["accept", "reject", None]
    finally:
        server.shutdown()
        server.server_close()


def test_export_verified_and_not_rejected(toolbox, tmp_path):
    server, url = serve_in_thread(toolbox, split="test")
    try:
        items = _get(url + "api/items")["items"]
        assert {x["split"] for x in items} == {"test"}
        k = {x["id"]: x["k"] for x in items if x["task"] == "localize"}
        _post(url + "api/decision", {"k": k["localize_0"], "decision": "accept"})
        _post(url + "api/decision", {"k": k["localize_1"], "decision": "reject"})
    finally:
        server.shutdown()
        server.server_close()
    out = tmp_path / "verified"
    summary = export(toolbox, out, verified=True)
    assert summary["items"] == 1
    recs = json.loads((out / "test" / "localize" / "data.json").read_text())
    assert [r["id"] for r in recs] == ["localize_0"] and recs[0]["bb"] == [5.0, 4.0, 20.0, 15.0]
    assert (out / "test" / "localize" / recs[0]["image"][0]).is_file()
    assert not (out / "test" / "count").exists() and not (out / "train").exists()
    man = json.loads((out / "MANIFEST.json").read_text())
    assert man["export"]["kept"]["test/localize"] == {"kept": 1, "of": 3} and man["seed"] == 0
    rc = main(["devcv", "export", str(toolbox), "--out", str(tmp_path / "all")])
    assert rc == 0
    all_ids = [r["id"] for r in json.loads((tmp_path / "all" / "test" / "localize" / "data.json").read_text())]
    assert all_ids == ["localize_0", "localize_2"]  # everything but the rejected item
    vdr = json.loads((tmp_path / "all" / "train" / "vdr-binary" / "data.json").read_text())
    assert (tmp_path / "all" / "train" / "vdr-binary" / vdr[0]["gif"]).is_file()
    assert main(["devcv", "export", str(toolbox), "--out", str(toolbox)]) == 2
