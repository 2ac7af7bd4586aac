"""Every stage runs, writes what it promises, and starts from exactly the earlier stage's output."""

from __future__ import annotations

import pytest
import torch
import yaml

from babyvlm.errors import InputError
from babyvlm.util.io import read_json, read_jsonl


def _sd(path):
    """A saved model's state dict, as the model names its parameters (the files use legacy key names)."""
    from transformers import AutoModel, AutoModelForCausalLM, AutoModelForImageTextToText

    mt = read_json(path / "config.json")["model_type"]
    cls = {"llava": AutoModelForImageTextToText, "llama": AutoModelForCausalLM, "vit": AutoModel}[mt]
    return cls.from_pretrained(path).state_dict()


def test_every_stage_writes_config_trainable_metrics_model_done(trained_run):
    for s in ("0a", "0b", "1", "2", "3"):
        d = trained_run / f"stage{s}"
        done = read_json(d / "done.json")
        assert done["stage"] == s and (d / done["output"] / "config.json").exists()
        cfg = yaml.safe_load((d / "config.yaml").read_text())["train"]
        assert cfg["model"]["text"]["hidden_size"] == 64  # the resolved config, overrides included
        rows = [r for r in read_jsonl(d / "metrics.jsonl") if "loss" in r]
        assert len(rows) == done["steps"] and all(r["loss"] > 0 for r in rows)
        assert not (d / "checkpoints").exists()  # a finished stage drops its resume state
    run = read_json(trained_run / "run.json")
    assert run["model"]["text"]["layers"] == 2
    assert (trained_run / "processor" / "tokenizer.json").exists()
    assert read_json(trained_run / "stage1" / "done.json")["init"] == {
        "vision": "stage0b/model", "connector": "new", "language": "stage0a/model"}
    assert set(read_json(trained_run / "stage2" / "done.json")["init"].values()) == {"stage1/model"}
    assert set(read_json(trained_run / "stage3" / "done.json")["init"].values()) == {"stage2/model"}


def test_trainable_lists_exactly_the_stage_parts(trained_run):
    def names(s):
        lines = (trained_run / f"stage{s}" / "trainable.txt").read_text().splitlines()
        return [ln.split("\t")[0] for ln in lines if ln and not ln.startswith("#")]

    s1 = names("1")
    assert s1 and all(n.startswith("vlm.model.multi_modal_projector.") for n in s1)
    s2 = names("2")
    assert not any("vision_tower" in n for n in s2) and any("lm_head" in n for n in s2)
    assert any("multi_modal_projector" in n for n in s2)
    s3 = names("3")
    assert any("vision_tower.layers.0." in n for n in s3)
    assert not any("pooler" in n for n in s3)  # never used by Llava, so never trained
    done = read_json(trained_run / "stage1" / "done.json")
    assert done["trainable"]["vision"]["trainable"] == 0 and done["trainable"]["language"]["trainable"] == 0


def test_frozen_parts_are_unchanged_and_trained_parts_change(trained_run):
    lm = _sd(trained_run / "stage0a" / "model")
    vit = _sd(trained_run / "stage0b" / "model")
    s1, s2, s3 = (_sd(trained_run / f"stage{s}" / "model") for s in ("1", "2", "3"))
    # stage 1 carries stage 0a's LM and 0b's vision tower unchanged
    for k, v in lm.items():
        kk = "lm_head.weight" if k == "lm_head.weight" else "model.language_model." + k.removeprefix("model.")
        assert torch.equal(s1[kk], v), k
    for k, v in vit.items():
        assert torch.equal(s1["model.vision_tower." + k], v), k
    # stage 2 keeps vision frozen, trains connector and language
    vis = [k for k in s1 if k.startswith("model.vision_tower.")]
    assert all(torch.equal(s1[k], s2[k]) for k in vis)
    assert not torch.equal(s1["model.multi_modal_projector.linear_1.weight"], s2["model.multi_modal_projector.linear_1.weight"])
    assert not torch.equal(s1["lm_head.weight"], s2["lm_head.weight"])
    # stage 3 trains everything (the vision tower's blocks included)
    assert not torch.equal(s2["model.vision_tower.layers.0.attention.q_proj.weight"],
                           s3["model.vision_tower.layers.0.attention.q_proj.weight"])


def test_stage2_starts_from_the_connector_stage1_just_trained(trained_run, micro_cfg, tmp_path):
    """With a zero learning rate stage 2's output must equal stage 1's output exactly."""
    import shutil

    from babyvlm.train.stages import run_stage

    run = tmp_path / "run"
    for s in ("0a", "0b", "1"):
        shutil.copytree(trained_run / f"stage{s}", run / f"stage{s}")
    shutil.copytree(trained_run / "processor", run / "processor")
    shutil.copy(trained_run / "run.json", run / "run.json")
    run_stage("2", run, micro_cfg("stage2.lr=0", "stage2.max_steps=1", "stage2.val_samples=0"), preset="tiny")
    a, b = _sd(run / "stage1" / "model"), _sd(run / "stage2" / "model")
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_a_stage_refuses_to_start_without_the_stage_it_builds_on(micro_cfg, toy_pretrain, tmp_path):
    from babyvlm.train.stages import run_stage

    with pytest.raises(InputError, match=r"starts from stage 1, which .* has not finished: run `babyvlm train --stage 1"):
        run_stage("2", tmp_path / "r", micro_cfg(pretrain=toy_pretrain), preset="tiny")


def test_a_finished_stage_is_not_retrained(trained_run, micro_cfg):
    from babyvlm.train.stages import run_stage

    before = (trained_run / "stage3" / "done.json").read_text()
    rec = run_stage("3", trained_run, micro_cfg(), preset="tiny")
    assert rec["stage"] == "3" and (trained_run / "stage3" / "done.json").read_text() == before


def test_saved_model_loads_with_auto_classes_and_generates(trained_run):
    from PIL import Image
    from transformers import AutoModelForCausalLM, AutoModelForImageTextToText, AutoProcessor, AutoTokenizer

    d = trained_run / "stage3" / "model"
    model = AutoModelForImageTextToText.from_pretrained(d)
    proc = AutoProcessor.from_pretrained(d)
    assert type(model).__name__ == "LlavaForConditionalGeneration"
    assert type(model.model.vision_tower).__name__ == "ViTModel"
    convs = [
        [{"role": "user", "content": [{"type": "text", "text": "Which image has more shoes? (A) "}, {"type": "image"},
                                      {"type": "text", "text": " (B) "}, {"type": "image"}]}],
        [{"role": "user", "content": "<image> How many balls do you see?"}],
    ]
    texts = [proc.apply_chat_template(c, add_generation_prompt=True, tokenize=False) for c in convs]
    assert texts[0] == "USER: Which image has more shoes? (A) <image> (B) <image> ASSISTANT:"
    images = [Image.new("RGB", (60, 40), (200, 10, 10)), Image.new("RGB", (30, 50), (10, 10, 200)),
              Image.new("RGB", (64, 64), (10, 200, 10))]
    batch = proc(text=texts, images=images, return_tensors="pt", padding=True)
    assert batch["pixel_values"].shape[0] == 3
    assert int((batch["input_ids"] == model.config.image_token_id).sum()) == 3 * 17
    out = model.generate(**batch, max_new_tokens=4, do_sample=False)
    assert out.shape[0] == 2 and out.shape[1] <= batch["input_ids"].shape[1] + 4
    assert all(isinstance(t, str) for t in proc.batch_decode(out[:, batch["input_ids"].shape[1]:]))
    # the stage-0a language model is a plain causal LM folder too
    lm_dir = trained_run / "stage0a" / "model"
    lm, tok = AutoModelForCausalLM.from_pretrained(lm_dir), AutoTokenizer.from_pretrained(lm_dir)
    ids = tok("look at the", return_tensors="pt")
    assert lm.generate(**ids, max_new_tokens=3, do_sample=False).shape[1] >= ids["input_ids"].shape[1]


def test_samples_too_long_are_skipped_with_a_reason(micro_cfg, toy_pretrain, tmp_path, trained_run):
    import shutil

    from babyvlm.train.stages import run_stage

    run = tmp_path / "run"
    shutil.copytree(trained_run / "stage1", run / "stage1")
    shutil.copytree(trained_run / "processor", run / "processor")
    shutil.copy(trained_run / "run.json", run / "run.json")
    # interleaved samples (4 images x 17 tokens) cannot keep their answers within 20 tokens ... except none
    rec = run_stage("2", run, micro_cfg("stage2.max_length=30", "stage2.formats=[single_image,video]",
                                        "stage2.val_samples=0"), preset="tiny")
    rejects = read_jsonl(run / "stage2" / "rejects.jsonl")
    assert rejects and all("no answer token within max_length 30" in r["reason"] for r in rejects)
    assert rec["data"]["skipped"] == len(rejects) > 0
