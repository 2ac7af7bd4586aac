"""The official item schema: every fixture task loads, bad items are named, records round-trip."""

from __future__ import annotations

import json

import pytest

from babyvlm.tasks.devcv import DEVCV_TASKS, OFFICIAL_FOLDERS, task_for_folder
from babyvlm.tasks.items import ItemError, item_to_dict, load_items, write_items
from babyvlm.util.rejects import RejectLog

COUNTS = {"compare_real": 5, "compare_synthetic": 5, "count": 5, "leftright": 5, "localize": 5, "memory": 6,
          "picture_vocabulary": 5, "spatialdetails": 5, "vdr-binary": 3, "vdr-open": 3}


@pytest.mark.parametrize("folder", OFFICIAL_FOLDERS)
def test_every_official_task_loads(shared_fixtures, folder):
    root = shared_fixtures / "devcv-official" / "saycam" / "test"
    task = task_for_folder(folder)()
    items = task.load(task.locate(root))
    assert len(items) == COUNTS[folder]
    for item in items:
        n = sum(h.count("<image>") for h, _ in item.turns)
        assert n == len(item.images) and all(p.is_file() for p in item.images)
    # official records come back unchanged (fields, values, relative paths)
    raw = json.loads((root / folder / "data.json").read_text())
    assert [item_to_dict(i) for i in items] == raw


def test_optional_fields_kept(shared_fixtures):
    root = shared_fixtures / "devcv-official" / "saycam" / "test"
    loc = DEVCV_TASKS["localize"]().load(root / "localize")
    assert loc[0].extra["bb"] == [158.0, 6.0, 197.0, 155.0]
    vdr = DEVCV_TASKS["vdr_binary"]().load(root / "vdr-binary")
    assert vdr[0].extra["gif"].endswith(".gif")
    cmp = DEVCV_TASKS["compare_real"]().load(root / "compare_real")
    assert "first should have" in cmp[0].extra["notes"]


def _rec(i, n_images=1, text=None, answer="A"):
    imgs = [f"images/x_{i}_{k}.png" for k in range(n_images)]
    text = text or ("<image> " * n_images + "Which? (A) one (B) two")
    return {"id": f"x_{i}", "image": imgs, "conversations": [{"from": "human", "value": text}, {"from": "gpt", "value": answer}]}


def test_missing_image_names_the_item(task_folder):
    folder = task_folder("spatialdetails", [_rec(0), _rec(1)])
    (folder / "images" / "x_1_0.png").unlink()
    with pytest.raises(ItemError, match=r"x_1.*missing image"):
        load_items(folder)


def test_image_token_mismatch_names_the_item(task_folder):
    bad = _rec(1, n_images=2, text="<image> Which? (A) one (B) two")
    folder = task_folder("spatialdetails", [_rec(0), bad])
    with pytest.raises(ItemError, match=r"'x_1'.*1 <image> tokens but 2 images"):
        load_items(folder)


def test_skip_bad_reports_and_keeps_the_rest(task_folder, tmp_path):
    bad = _rec(1, n_images=2, text="<image> Which? (A) one (B) two")
    folder = task_folder("spatialdetails", [_rec(0), bad, _rec(2)])
    rejects = RejectLog(tmp_path / "rejects.jsonl", echo=False)
    items, skipped = load_items(folder, skip_bad=True, rejects=rejects)
    assert [i.id for i in items] == ["x_0", "x_2"]
    assert len(skipped) == 1 and "x_1" in rejects.read()[0]["reason"]


def test_task_check_rejects_answer_outside_options(task_folder):
    folder = task_folder("compare_real", [_rec(0, answer="C")])
    with pytest.raises(ItemError, match="not one of"):
        DEVCV_TASKS["compare_real"]().load(folder)


def test_write_items_round_trip(task_folder, tmp_path):
    folder = task_folder("count", [_rec(0, text="<image> How many cups?", answer="5")])
    items, _ = load_items(folder)
    out = tmp_path / "copy"
    write_items(out, items)
    assert json.loads((out / "data.json").read_text()) == json.loads((folder / "data.json").read_text())
