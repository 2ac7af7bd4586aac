"""Every public DevCV layout on small generated items: aliases, lmms-eval files, a single task
folder; lettered options; bad items as rejects; strict ties; the baby_winoground slot; limits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from babyvlm.cli import main
from babyvlm.errors import InputError
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate
from babyvlm.tasks.registry import resolve_task_names
from babyvlm.util.io import read_jsonl


def cfg(**kw):
    base = {"bootstrap": 20, "plot": False, "baselines": []}
    base.update(kw)
    return EvalConfig(**base)


def image(path: Path, seed: int = 0) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.random.RandomState(seed).randint(0, 255, (20, 24, 3), dtype=np.uint8)).save(path, format="JPEG")
    return path.name


def item(item_id: str, human: str, gold: str, images: list[str]) -> dict:
    return {"id": item_id, "image": images,
            "conversations": [{"from": "human", "value": human}, {"from": "gpt", "value": gold}]}


def write_task(folder: Path, records: list[dict], *, json_name: str = "data.json", image_dir: str = "images") -> Path:
    """records with image names; images are made under folder/image_dir and the paths written relative."""
    out = []
    for k, r in enumerate(records):
        paths = []
        for j, name in enumerate(r["image"]):
            image(folder / image_dir / name, 10 * k + j)
            paths.append(f"{image_dir}/{name}")
        out.append({**r, "image": paths})
    folder.mkdir(parents=True, exist_ok=True)
    (folder / json_name).write_text(json.dumps(out))
    return folder / json_name


def pv(n: int = 3, prefix: str = "pv") -> list[dict]:
    return [item(f"{prefix}_{k}", "<image><image><image><image>\n Touch the image of 'ball' (A) the first image "
                 "(B) the second image (C) the third image (D) the fourth image.", "ABCD"[k % 4],
                 [f"{prefix}_{k}_{j}.jpg" for j in range(4)]) for k in range(n)]


def vdr_lettered(n: int = 2) -> list[dict]:
    return [item(f"vdr_{k}", "<image><image><image> Where does the ball leave the frame? (A) left (B) right",
                 "AB"[k % 2], [f"vdr_{k}_{j}.jpg" for j in range(3)]) for k in range(n)]


def compare(n: int = 2, prefix: str = "cmp") -> list[dict]:
    return [item(f"{prefix}_{k}", "Which image has more cups? (A) <image> (B) <image>", "AB"[k % 2],
                 [f"{prefix}_{k}_0.jpg", f"{prefix}_{k}_1.jpg"]) for k in range(n)]


def count(n: int = 3, prefix: str = "count", golds=("5", "7", "12")) -> list[dict]:
    return [item(f"{prefix}_{k}", "<image> How many cups do you see?", golds[k % len(golds)], [f"{prefix}_{k}.jpg"])
            for k in range(n)]


def spatial(n: int = 2) -> list[dict]:
    return [item(f"sp_{k}", "<image> Which of the following contains exactly this object? (A) <image> (B) <image> "
                 "(C) <image>.", "B", [f"sp_{k}_{j}.jpg" for j in range(4)]) for k in range(n)]


def lwl(folder: Path, n: int = 3) -> None:
    recs = [{**item(f"lwl_{k}", "<image> <image> Look at the ball! (A) the first image (B) the second image", "A",
                    [f"lwl_{k}_0.jpg", f"lwl_{k}_1.jpg"]), "phrases": ["the ball", "the cup"]} for k in range(n)]
    write_task(folder, recs)


def winoground_csv(folder: Path, n: int = 2) -> None:
    rows = ["instance_id,positive_phrase,negative_phrase,image,image_tag"]
    for k in range(n):
        rows += [f"{k},the ball,the cup,w_{k}_p.jpg,positive", f"{k},the ball,the cup,w_{k}_n.jpg,negative"]
        image(folder / "images" / f"w_{k}_p.jpg", k)
        image(folder / "images" / f"w_{k}_n.jpg", k + 50)
    (folder / "baby_winoground.csv").write_text("\n".join(rows) + "\n")


# ---------------------------------------------------------------------------------------------- layouts

def test_nih_toolbox_style_folders_map_through_the_alias_table(tmp_path, caplog):
    data = tmp_path / "nih"
    write_task(data / "picture_vocab", pv())
    write_task(data / "picture_vocab_selected", pv(2, "sel"))
    write_task(data / "spatial", spatial())
    write_task(data / "vdr", vdr_lettered())
    write_task(data / "who_has_more", compare())
    write_task(data / "count", count())
    write_task(data / "subitize", count(2, "sub", ("1", "3")))
    write_task(data / "mystery", count(1, "m"))
    res = evaluate("random", data, tmp_path / "o", cfg())
    assert set(res["tasks"]) == {"picture_vocabulary", "spatialdetails", "vdr_binary", "compare_synthetic", "count",
                                 "subitizing"}
    assert res["tasks"]["picture_vocabulary"]["n_items"] == 3  # picture_vocab wins, the other is named
    warnings = " ".join(res["warnings"])
    assert "mystery" in warnings and "maps to no task" in warnings and "picture_vocab_selected" in warnings
    assert "mystery" in caplog.text
    # NIH-style VDR (options as letters, gold a letter) is scored, not rejected
    assert res["rejects"] == 0 and res["tasks"]["vdr_binary"]["chance"]["acc_exact"] == 0.5


def test_babyview_folder_and_aliases_from_the_config(tmp_path):
    data = tmp_path / "babyview"
    write_task(data / "whohasmore_synthetic", compare())
    write_task(data / "mystery", compare(2, "m"))
    res = evaluate("random", data, tmp_path / "o", cfg(aliases={"mystery": "compare_real"}))
    assert set(res["tasks"]) == {"compare_synthetic", "compare_real"}


def test_lmms_eval_flat_layout_with_a_train_split_for_the_prior(tmp_path):
    data = tmp_path / "dataset"
    write_task(data, pv(), json_name="pv_test.json")
    write_task(data, count(), json_name="count_test.json")
    write_task(data, count(4, "tr", ("7",)), json_name="count_train.json")
    write_task(data, vdr_lettered(), json_name="vdr_binary_test.json")
    res = evaluate("random", data, tmp_path / "o", cfg(baselines=["blind"]))
    assert set(res["tasks"]) == {"picture_vocabulary", "count", "vdr_binary"}
    assert res["tasks"]["count"]["layout"] == "flat" and res["tasks"]["count"]["prior_split"].endswith("count_train.json")
    assert "train split (4 items)" in res["tasks"]["count"]["models"]["blind"]["prior"]
    assert "in-sample" in res["tasks"]["picture_vocabulary"]["models"]["blind"]["prior"]
    report = (tmp_path / "o" / "report.md").read_text()
    assert "in-sample" in report and "largely reproduces the golds" in report


def test_data_at_a_single_task_folder(tmp_path):
    folder = tmp_path / "DevCV" / "test" / "count"
    write_task(folder, count())
    res = evaluate("random", folder, tmp_path / "o", cfg())
    assert list(res["tasks"]) == ["count"] and res["absent"] == {} or "count" in res["tasks"]
    other = tmp_path / "renamed"
    write_task(other, count())
    with pytest.raises(InputError, match="renamed.*maps to no task"):
        evaluate("random", other, tmp_path / "p", cfg())
    res = evaluate("random", other, tmp_path / "p", cfg(aliases={"renamed": "count"}))
    assert res["tasks"]["count"]["n_items"] == 3


def test_tasks_accept_names_aliases_ids_and_suites_mixed():
    names = [r.name for r in resolve_task_names("picture_vocab,baby_count,vdr-open,Spatial,memory")]
    assert names == ["picture_vocabulary", "spatialdetails", "vdr_open", "count", "memory"]
    devcv = {r.name for r in resolve_task_names("devcv,labeled_s")}
    assert {"count", "memory", "baby_winoground", "labeled_s"} <= devcv
    board = [r for r in resolve_task_names("leaderboard")]
    assert len(board) == 11 and not any(r.explicit for r in board)
    with pytest.raises(InputError, match="unknown task 'counting'"):
        resolve_task_names("counting")


# ---------------------------------------------------------------------------------------------- lettered options

def test_lettered_numbers_and_directions_score_through_the_letters(tmp_path, canned):
    data = tmp_path / "d"
    write_task(data / "vdr", vdr_lettered(2))
    write_task(data / "count", [item("c0", "<image> How many? (A) 3 (B) 4 (C) 5", "B", ["c0.jpg"])])
    answers = {"vdr_0": "a", "vdr_1": "left", "c0": "4"}
    res = evaluate("x", data, tmp_path / "o", cfg(), adapter=canned(lambda c: answers[c.meta["item_id"]]))
    rows = {r["id"]: r for r in read_jsonl(tmp_path / "o" / "samples_vdr_binary.jsonl")}
    assert rows["vdr_0"]["correct"] and rows["vdr_0"]["gold"] == "A"  # "a" is option A
    assert rows["vdr_1"]["parsed"] == "A" and not rows["vdr_1"]["correct"]  # "left" names option A; gold B
    assert res["tasks"]["count"]["models"]["canned"]["metrics"]["acc"]["value"] == 1.0  # "4" is option B
    res = evaluate("x", data, tmp_path / "p", cfg(parser="official"), adapter=canned(lambda c: answers[c.meta["item_id"]]))
    assert res["tasks"]["vdr_binary"]["models"]["canned"]["metrics"]["acc_exact"]["value"] == 0.5
    assert res["tasks"]["count"]["models"]["canned"]["metrics"]["acc"]["value"] == 0.0  # no letter in "4"


# ---------------------------------------------------------------------------------------------- bad items

def bad_items_folder(tmp_path: Path) -> Path:
    data = tmp_path / "bad"
    recs = count(8)
    recs[7]["id"] = recs[6]["id"]  # two different items, one id
    write_task(data / "count", recs)
    imgs = data / "count" / "images"
    (imgs / "count_1.jpg").unlink()  # missing
    raw = (imgs / "count_2.jpg").read_bytes()
    (imgs / "count_2.jpg").write_bytes(raw[: len(raw) // 2])  # truncated
    (imgs / "count_3.jpg").write_bytes(b"not a jpeg at all")  # corrupt
    items = json.loads((data / "count" / "data.json").read_text())
    items[4]["image"] = ["../../outside.jpg"]  # outside the data folder
    image(tmp_path / "outside.jpg")
    items[5]["conversations"][1]["value"] = "many"  # not a number
    items.append({"id": "turns", "image": [], "conversations": [{"from": "gpt", "value": "3"}]})  # malformed
    (data / "count" / "data.json").write_text(json.dumps(items))
    return data


def test_bad_items_are_rejects_and_the_run_goes_on(tmp_path):
    data = bad_items_folder(tmp_path)
    res = evaluate("random", data, tmp_path / "o", cfg())
    t = res["tasks"]["count"]
    assert t["n_items"] == 3 and t["skipped"] == 6 and res["rejects"] == 6
    reasons = " | ".join(r["reason"] for r in read_jsonl(tmp_path / "o" / "rejects.jsonl"))
    for why in ("missing image", "unreadable image", "count_2.jpg", "count_3.jpg", "outside the data folder",
                "not a whole number", "first turn must be from 'human'"):
        assert why in reasons
    ids = [r["id"] for r in read_jsonl(tmp_path / "o" / "samples_count.jsonl")]
    assert ids == ["count_0", "count_6", "count_6#2"]  # both items with one id are kept
    with pytest.raises(InputError, match="count_1.*missing image"):
        evaluate("random", data, tmp_path / "s", cfg(strict=True))
    ok = evaluate("random", data, tmp_path / "a", cfg(allow_outside_images=True))
    assert ok["tasks"]["count"]["n_items"] == 4


def test_a_task_without_scorable_items_is_not_run(tmp_path):
    data = tmp_path / "d"
    write_task(data / "count", count(2))
    write_task(data / "compare_real", compare(2))
    for p in (data / "count" / "images").iterdir():
        p.write_bytes(b"broken")
    res = evaluate("random", data, tmp_path / "o", cfg(baselines=["random"]))
    assert "count" not in res["tasks"] and "no scorable item" in res["not_run"]["count"]
    assert res["overall"]["random"]["tasks"] == ["compare_real"] and res["overall"]["random"]["n_tasks"] == 1
    assert "baby_count" not in json.loads((tmp_path / "o" / "scores.json").read_text())["results"]
    assert "Not run" in (tmp_path / "o" / "report.md").read_text()


@pytest.mark.parametrize("key,value,message", [("limit", 0, "at least 1"), ("limit", -3, "at least 1"),
                                               ("bootstrap", -5, "bootstrap -5")])
def test_counts_that_would_not_add_up_are_refused(tmp_path, key, value, message):
    write_task(tmp_path / "d" / "count", count(2))
    with pytest.raises(InputError, match=message):
        evaluate("random", tmp_path / "d", tmp_path / "o", cfg(**{key: value}))


def test_cli_limit_zero_is_a_one_line_error(tmp_path, capsys):
    write_task(tmp_path / "d" / "count", count(2))
    rc = main(["eval", "--model", "random", "--data", str(tmp_path / "d"), "--out", str(tmp_path / "o"), "--limit", "0"])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2 and len(err) == 1 and "limit 0" in err[0]


# ---------------------------------------------------------------------------------------------- ties, slot

def test_equal_likelihoods_score_zero_on_winoground(tmp_path, canned):
    data = tmp_path / "d"
    lwl(data / "looking_while_listening")
    res = evaluate("x", data, tmp_path / "o", cfg(tasks="looking_while_listening"),
                   adapter=canned(lambda c: "A", loglik=lambda c, cont: (-2.0, 2)))
    m = res["tasks"]["looking_while_listening"]["models"]["canned"]
    assert {k: v["value"] for k, v in m["metrics"].items()} == {"group_score": 0.0, "text_score": 0.0, "image_score": 0.0}
    assert m["ties"] == 4 * 3


def test_baby_winoground_slot_from_lwl_items_or_the_csv(tmp_path, canned):
    data = tmp_path / "d"
    lwl(data / "looking_while_listening")
    write_task(data / "count", count(2))
    ll = lambda c, cont: (-1.0 if c.meta.get("image_index") == ["the ball", "the cup"].index(cont) else -3.0, 2)  # noqa: E731
    res = evaluate("x", data, tmp_path / "o", cfg(tasks="baby_winoground,baby_count"), adapter=canned(lambda c: "5", loglik=ll))
    assert set(res["tasks"]) == {"looking_while_listening", "count"}
    assert "baby_winoground" in json.loads((tmp_path / "o" / "scores.json").read_text())["results"]
    winoground_csv(data / "baby_winoground")
    res = evaluate("x", data, tmp_path / "p", cfg(tasks="devcv"), adapter=canned(lambda c: "5", loglik=ll))
    assert res["tasks"]["baby_winoground"]["leaderboard_id"] == "baby_winoground"
    assert res["tasks"]["looking_while_listening"]["leaderboard_id"] is None
    assert "baby_winoground" in res["overall"]["canned"]["tasks"]
    assert "looking_while_listening" not in res["overall"]["canned"]["tasks"]
    scores = json.loads((tmp_path / "p" / "scores.json").read_text())["results"]
    assert scores["baby_winoground"]["group_score"] == 1.0


def test_the_official_eleven_task_line_runs(devcv_root, tmp_path):
    v1 = tmp_path / "dataset"
    winoground_csv(v1 / "baby_winoground")
    line = ("baby_pv,baby_winoground,baby_localize,baby_leftright,baby_spatialdetails,baby_vdr_binary,baby_vdr_open,"
            "baby_compare_real,baby_compare_synthetic,baby_count,baby_memory")
    res = evaluate("random", devcv_root, tmp_path / "o", cfg(tasks=line, baselines=[]), v1_data=v1)
    assert res["overall"]["random"]["n_tasks"] == 11
    assert len(json.loads((tmp_path / "o" / "scores.json").read_text())["results"]) == 11


# ---------------------------------------------------------------------------------------------- prompts

def test_official_system_prompts_reach_the_model(tmp_path, canned):
    write_task(tmp_path / "d" / "count", count(1))
    write_task(tmp_path / "d" / "compare_real", compare(1))
    seen = {}
    evaluate("x", tmp_path / "d", tmp_path / "o", cfg(system_prompts="official", system={"compare_real": "Mine."}),
             adapter=canned(lambda c: seen.setdefault(c.meta["task"], c.system) and "A"))
    assert seen["count"].startswith("Count the objects in the image. Reply only with the number")
    assert seen["compare_real"] == "Mine."
    seen.clear()
    evaluate("x", tmp_path / "d", tmp_path / "p", cfg(), adapter=canned(lambda c: seen.setdefault(c.meta["task"], c.system) or "A"))
    assert seen == {"count": "", "compare_real": ""}
