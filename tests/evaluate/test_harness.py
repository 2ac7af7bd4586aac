"""The harness end to end on the official fixtures: every task, baselines, files, resume, CLI."""

from __future__ import annotations

import json

import pytest

from babyvlm.cli import main
from babyvlm.errors import InputError
from babyvlm.evaluate.config import EvalConfig
from babyvlm.evaluate.harness import evaluate
from babyvlm.util.io import read_jsonl

DEVCV_FOLDERS = ["picture_vocabulary", "localize", "leftright", "spatialdetails", "vdr_binary", "vdr_open",
                 "compare_real", "compare_synthetic", "count", "memory"]


def cfg(**kw):
    base = {"bootstrap": 50, "plot": False}
    base.update(kw)
    return EvalConfig(**base)


def test_every_fixture_task_runs_with_random_and_pixel(devcv_root, tmp_path):
    out = tmp_path / "run"
    res = evaluate("random", devcv_root, out, cfg(baselines=["pixel"], plot=True))
    assert set(res["tasks"]) == set(DEVCV_FOLDERS)
    assert set(res["absent"]) == {"looking_while_listening", "subitizing", "baby_winoground"}
    for name in DEVCV_FOLDERS:
        rows = read_jsonl(out / f"samples_{name}.jsonl")
        assert len(rows) == res["tasks"][name]["n_items"] > 0
        assert {"id", "prompt", "response", "parsed", "gold", "correct", "metrics"} <= set(rows[0])
        assert (out / "baselines" / "pixel" / f"samples_{name}.jsonl").is_file()
        for model in ("random", "pixel"):
            m = res["tasks"][name]["models"][model]["metrics"]
            prim = m[res["tasks"][name]["primary"]]
            assert 0 <= prim["value"] <= 1 and prim["ci_low"] <= prim["value"] <= prim["ci_high"]
    scores = json.loads((out / "scores.json").read_text())["results"]
    assert set(scores) == {"baby_pv", "baby_localize", "baby_leftright", "baby_spatialdetails", "baby_vdr_binary",
                           "baby_vdr_open", "baby_compare_real", "baby_compare_synthetic", "baby_count", "baby_memory"}
    assert set(scores["baby_memory"]) == {"acc_learning", "acc_testing_raw", "acc_testing_adjusted"}
    assert set(scores["baby_vdr_open"]) == {"acc_exact", "acc_adjacent"}
    results = json.loads((out / "results.json").read_text())
    assert results["overall"]["random"]["n_tasks"] == 10 and results["git_revision"] is not None
    # the official leftright items are solvable by pixel matching: the pixel baseline exposes it
    assert results["tasks"]["leftright"]["models"]["pixel"]["metrics"]["acc"]["value"] == 1.0
    report = (out / "report.md").read_text()
    assert "`random`" in report and "`pixel`" in report and "chance" in report and "Human†" in report
    assert "transcribed: true" in report and "Absent tasks" in report
    assert (out / "report.png").stat().st_size > 1000
    assert (out / "config.yaml").is_file()


def test_outputs_are_deterministic(devcv_root, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        evaluate("blind", devcv_root, out, cfg(tasks="count,memory,localize", baselines=["random"]))
    for name in ("scores.json", "samples_count.jsonl", "samples_memory.jsonl", "baselines/random/samples_localize.jsonl"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    ra, rb = (json.loads((x / "results.json").read_text()) for x in (a, b))
    assert ra["tasks"] == rb["tasks"] and ra["overall"] == rb["overall"]


def test_resume_after_a_kill(devcv_root, tmp_path, canned):
    answer = lambda conv: "B"  # noqa: E731
    full = tmp_path / "full"
    evaluate("x", devcv_root, full, cfg(tasks="memory,count", batch_size=2, baselines=[]),
             adapter=canned(answer, name="fixed"))
    out = tmp_path / "killed"
    first = canned(answer, name="fixed", fail_after=20)  # memory: 15 calls per group of 2
    with pytest.raises(KeyboardInterrupt):
        evaluate("x", devcv_root, out, cfg(tasks="memory,count", batch_size=2, baselines=[]), adapter=first)
    cached = read_jsonl(out / "cache" / "fixed" / "memory.jsonl")
    assert 0 < len(cached) < 6  # some memory items finished before the kill
    with open(out / "cache" / "fixed" / "memory.jsonl", "a") as f:
        f.write('{"key": "trunc')  # a kill in the middle of a line
    second = canned(answer, name="fixed")
    evaluate("x", devcv_root, out, cfg(tasks="memory,count", batch_size=2, baselines=[]), adapter=second)
    done_memory = len(cached)
    # count (run first) had finished; only the unfinished memory items (15 rounds each) were asked again
    assert len(read_jsonl(out / "cache" / "fixed" / "count.jsonl")) == 5
    assert second.conversations == (6 - done_memory) * 15
    for name in ("samples_memory.jsonl", "samples_count.jsonl", "scores.json"):
        assert (out / name).read_bytes() == (full / name).read_bytes()
    # a finished run reruns for free, and another parser reuses the cached answers
    third = canned(answer, name="fixed")
    evaluate("x", devcv_root, out, cfg(tasks="memory,count", baselines=[], parser="official"), adapter=third)
    assert third.calls == 0


def test_memory_replies_stay_in_context(devcv_root, tmp_path, canned):
    seen = []

    def answer(conv):
        seen.append(conv)
        return f"reply {conv.meta['round']}"

    evaluate("x", devcv_root, tmp_path / "o", cfg(tasks="memory", limit=1, baselines=[]), adapter=canned(answer))
    last = seen[-1]
    assert last.meta["round"] == 14 and len(last.images) == 29
    replies = [m["content"][0]["text"] for m in last.messages if m["role"] == "assistant"]
    assert replies == [f"reply {r}" for r in range(14)]


def test_lwl_and_subitizing_from_extra_folders(extra_tasks, tmp_path, canned):
    def loglik(conv, cont):  # the phrase matching the image index wins
        i, j = conv.meta["image_index"], conv.meta["phrase_index"]
        return (-1.0 if i == j else -3.0, 2)

    res = evaluate("x", extra_tasks, tmp_path / "o", cfg(tasks="looking_while_listening,subitizing"),
                   adapter=canned(lambda c: "2", loglik=loglik))
    lwl = res["tasks"]["looking_while_listening"]
    assert res["model"] == "canned"
    assert lwl["models"]["canned"]["metrics"]["group_score"]["value"] == 1.0
    assert lwl["chance"]["group_score"] == pytest.approx(1 / 6, abs=1e-6)
    assert res["tasks"]["subitizing"]["models"]["canned"]["metrics"]["acc"]["value"] == 0.25  # golds 1, 2, 3, 4
    scores = json.loads((tmp_path / "o" / "scores.json").read_text())["results"]
    assert scores["baby_winoground"]["group_score"] == 1.0 and "baby_subitizing" in scores
    ov = res["overall"]["canned"]["tasks"]
    assert "looking_while_listening" in ov and "subitizing" not in ov


def test_split_folder_layout(devcv_root, tmp_path):
    # --data may point at the release root (DIR/test/<task>) or at the split folder itself
    res = evaluate("random", devcv_root.parent, tmp_path / "o", cfg(tasks="count", baselines=[]))
    assert res["tasks"]["count"]["n_items"] == 5


def test_explicit_absent_task_is_an_error(devcv_root, tmp_path):
    with pytest.raises(InputError, match="subitizing"):
        evaluate("random", devcv_root, tmp_path / "o", cfg(tasks="count,subitizing"))
    with pytest.raises(InputError, match="unknown task"):
        evaluate("random", devcv_root, tmp_path / "o", cfg(tasks="counting"))


def test_cli(devcv_root, tmp_path, capsys):
    out = tmp_path / "cli"
    rc = main(["eval", "--model", "pixel", "--tasks", "baby_count,vdr-open", "--data", str(devcv_root), "--out", str(out),
               "--limit", "2", "--baselines", "random", "--no-plot", "--set", "bootstrap=20"])
    assert rc == 0
    printed = capsys.readouterr().out
    assert "results:" in printed and "count" in printed and "vdr_open" in printed
    res = json.loads((out / "results.json").read_text())
    assert res["tasks"]["count"]["n_items"] == 2 and res["baselines"] == ["random"]
    assert "bootstrap: 20" in (out / "config.yaml").read_text()
    rc = main(["eval", "--model", "nonsense", "--data", str(devcv_root), "--out", str(out)])
    assert rc == 2
    assert "error:" in capsys.readouterr().err


def test_bad_item_is_a_reported_reject(devcv_root, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(devcv_root / "count", data / "count")
    (data / "count" / "images" / "count_0001_0.jpeg").unlink()
    with pytest.raises(InputError, match="count_1292.*missing image"):
        evaluate("random", data, tmp_path / "o", cfg(tasks="count", strict=True))
    res = evaluate("random", data, tmp_path / "o", cfg(tasks="count", baselines=[]))  # the default: reject, go on
    assert res["tasks"]["count"]["n_items"] == 4 and res["tasks"]["count"]["skipped"] == 1
    assert len(read_jsonl(tmp_path / "o" / "rejects.jsonl")) == 1
    assert "1 bad items rejected" in (tmp_path / "o" / "report.md").read_text()


def test_v1_suite_runs(tmp_path, shared_fixtures):
    import csv

    import numpy as np
    from PIL import Image

    v1 = tmp_path / "v1"
    (v1 / "images").mkdir(parents=True)
    src = shared_fixtures / "v1-official"
    for name, n in (("labeled_s.csv", 8), ("vtwt.csv", 4), ("baby_winoground.csv", 4), ("SAYCam_caption.csv", 4)):
        with open(src / name, newline="") as f:
            r = csv.DictReader(f)
            rows = [x for _, x in zip(range(n), r)]
        with open(v1 / name, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=r.fieldnames)
            w.writeheader()
            w.writerows(rows)
        for k, x in enumerate(rows):
            p = v1 / "images" / x["image"]
            p.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(np.full((16, 16, 3), 20 * k, np.uint8)).save(p, format="JPEG")
    res = evaluate("random", None, tmp_path / "o", cfg(tasks="v1"), v1_data=v1)
    assert set(res["tasks"]) == {"labeled_s", "vtwt", "baby_winoground", "saycam_caption"}
    assert res["tasks"]["labeled_s"]["n_items"] == 2
    assert 0 <= res["tasks"]["saycam_caption"]["models"]["blind"]["metrics"]["meteor"]["value"] <= 1
    assert "BabyVLM-V1 benchmarks" in (tmp_path / "o" / "report.md").read_text()


def test_baseline_outputs_do_not_depend_on_where_the_data_is(extra_tasks, tmp_path):
    import shutil

    moved = tmp_path / "elsewhere" / "data"
    shutil.copytree(extra_tasks, moved)
    for data, out in ((extra_tasks, tmp_path / "a"), (moved, tmp_path / "b")):
        evaluate("random", data, out, cfg(tasks="looking_while_listening,subitizing", baselines=["blind", "pixel"]))
    for name in ("samples_looking_while_listening.jsonl", "baselines/pixel/samples_subitizing.jsonl",
                 "baselines/blind/samples_looking_while_listening.jsonl", "scores.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_prompt_overrides(extra_tasks, devcv_root, tmp_path, canned):
    seen = []

    def loglik(conv, cont):
        seen.append(conv.prompt())
        return (-1.0, 1)

    evaluate("x", extra_tasks, tmp_path / "o", cfg(tasks="looking_while_listening", baselines=[],
                                                   prompts={"looking_while_listening": "Look!"}),
             adapter=canned(lambda c: "A", loglik=loglik))
    assert seen and all(p == "<image>\nLook!" for p in seen)
    # a task asking its item's own question gets the text added to its user turn
    asked = []
    evaluate("x", devcv_root, tmp_path / "p", cfg(tasks="count", baselines=[], prompts={"count": "Reply with digits."}),
             adapter=canned(lambda c: asked.append(c.prompt()) or "7"))
    assert asked and all(p.endswith("do you see? Reply with digits.") for p in asked)
    with pytest.raises(InputError, match="unknown tasks: counting"):
        evaluate("random", devcv_root, tmp_path / "q", cfg(tasks="count", prompts={"counting": "x"}))
