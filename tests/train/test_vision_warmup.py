"""Stage 3v, the vision warm-up: the tower learns what the DevCV train split's images decide, and the
stage writes the whole VLM (stage 2's language model and connector, the trained tower) for stage 3."""

from __future__ import annotations

import shutil

import torch

from babyvlm.train.vision_sup import labeled_items


def test_train_items_become_targets_in_the_shape_of_their_task(toy_devcv):
    items, heads, skipped = labeled_items(toy_devcv)
    shapes = {h.task: (h.shape, h.n_classes, h.classes) for h in heads}
    assert shapes == {"compare_synthetic": ("choose", 2, ()), "count": ("label", 4, ("1", "2", "3", "4"))}
    assert not skipped
    from babyvlm.util.io import read_json

    raw = {it["id"]: it["conversations"][1]["value"] for t in ("count", "compare_synthetic")
           for it in read_json(toy_devcv / "train" / t / "data.json")}
    by_task = {"count": [], "compare_synthetic": []}
    for x in items:
        by_task[x.task].append(x)
    assert [str(x.target + 1) for x in by_task["count"]] == [raw[f"count_train_{i}"] for i in range(12)]
    assert ["AB"[x.target] for x in by_task["compare_synthetic"]] == [raw[f"compare_train_{i}"] for i in range(12)]


def test_stage_3v_trains_only_the_tower_and_stage_3_starts_from_it(trained_run, micro_cfg, toy_pretrain, toy_devcv,
                                                                   tmp_path):
    from safetensors.torch import load_file

    from babyvlm.train.stages import run_stage

    run = tmp_path / "run"
    shutil.copytree(trained_run, run)
    cfg = micro_cfg("stage3v.max_steps=6", "stage3.init=[3v]", pretrain=toy_pretrain, devcv=toy_devcv)
    rec = run_stage("3v", run, cfg, preset="tiny")
    assert rec["steps"] == 6
    before = load_file(run / "stage2" / "model" / "model.safetensors")
    after = load_file(run / "stage3v" / "model" / "model.safetensors")
    assert before.keys() == after.keys()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all("vision_tower" in k for k in changed), sorted(changed)[:3]
    rec3 = run_stage("3", run, cfg, preset="tiny", restart=True)  # the copied run had finished a stage 3
    assert rec3["steps"] == 2 and (run / "stage3" / "model" / "config.json").exists()
    # every part of stage 3's model came from 3v's output
    assert set(rec3["init"].values()) == {"stage3v/model"}, rec3["init"]


def test_the_warmup_objective_learns_what_the_images_decide(toy_devcv, micro_cfg):
    # trained on the train split, it must answer held-out items: targets, heads and image order line up
    from babyvlm.model.build import build_vision
    from babyvlm.model.processor import build_image_processor
    from babyvlm.train.data import ImageTransform
    from babyvlm.train.vision_sup import LabeledData, WarmupObjective

    cfg = micro_cfg()
    transform = ImageTransform(build_image_processor(cfg.model))
    items, heads, _ = labeled_items(toy_devcv)
    torch.manual_seed(0)
    objective = WarmupObjective(build_vision(cfg.model, seed=0), heads)
    opt = torch.optim.AdamW(objective.parameters(), lr=3e-3)
    batch = LabeledData(items, heads, transform).collate([[i] for i in range(len(items))])
    for _ in range(100):
        loss, n = objective(**batch)
        opt.zero_grad()
        (loss / n).backward()
        opt.step()
    held_out, _, _ = labeled_items(toy_devcv, ["compare_synthetic"], split="val")
    val = LabeledData(held_out, heads, transform).collate([[i] for i in range(len(held_out))])
    with torch.no_grad():
        feats = objective.vision(pixel_values=val["pixel_values"]).last_hidden_state[:, 1:].mean(1)
        picks = [int(objective.logits(f, k).argmax()) for f, k in
                 zip(torch.split(feats, val["n_images"].tolist()), val["task_ids"].tolist())]
    right = sum(p == int(y) for p, y in zip(picks, val["targets"]))
    assert right / len(held_out) >= 0.75, f"{right}/{len(held_out)} held-out compare items"
