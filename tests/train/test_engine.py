"""The loop: a resumed run reproduces the uninterrupted one; a tiny set is overfit; the schedule."""

from __future__ import annotations

import pytest

from babyvlm.train.engine import Halted, cosine_lambda
from babyvlm.util.io import read_json, read_jsonl


def _losses(run, stage="2"):
    return [(r["step"], r["loss"], r["grad_norm"]) for r in read_jsonl(run / f"stage{stage}" / "metrics.jsonl")
            if "loss" in r]


FRESH = ["stage2.init=[]", "stage2.max_steps=6", "stage2.save_every=2", "stage2.val_samples=0",
         "stage2.formats=[mix_format]", "stage2.lr=3e-3", "stage2.warmup_ratio=0.3", "stage2.packing=true"]


def test_resumed_run_reproduces_the_uninterrupted_losses(micro_cfg, toy_pretrain, tmp_path):
    from babyvlm.train.stages import run_stage

    whole = tmp_path / "whole"
    run_stage("2", whole, micro_cfg(*FRESH, pretrain=toy_pretrain), preset="tiny")
    killed = tmp_path / "killed"
    with pytest.raises(Halted):  # dies after step 3: the last checkpoint is step 2
        run_stage("2", killed, micro_cfg(*FRESH, "stage2.halt_after=3", pretrain=toy_pretrain), preset="tiny")
    assert (killed / "stage2" / "checkpoints" / "latest").read_text().strip() == "step_0000002"
    assert [s for s, _, _ in _losses(killed)] == [1, 2, 3]
    rec = run_stage("2", killed, micro_cfg(*FRESH, pretrain=toy_pretrain), preset="tiny")
    assert rec["resumed_from"] == 2
    a, b = _losses(whole), _losses(killed)
    assert [s for s, _, _ in b] == [1, 2, 3, 4, 5, 6]  # the killed run's step 3 was dropped and redone
    for (s1, l1, g1), (s2, l2, g2) in zip(a, b):
        assert s1 == s2 and l1 == pytest.approx(l2, rel=1e-6, abs=1e-7) and g1 == pytest.approx(g2, rel=1e-5)
    assert a[0][1] != pytest.approx(a[-1][1], rel=1e-3)  # the loss moved: the comparison is not trivial


def test_overfitting_a_tiny_set_drives_the_loss_down(micro_cfg, toy_pretrain, tmp_path):
    """All parts trainable, 8 image-utterance pairs, 60 steps: the answer loss falls far below chance."""
    from babyvlm.train.stages import run_stage

    run = tmp_path / "run"
    cfg = micro_cfg("stage2.init=[]", "stage2.trainable=[vision,connector,language]", "stage2.formats=[single_image]",
                    "stage2.max_samples=8", "stage2.batch_size=8", "stage2.max_steps=60", "stage2.lr=5e-3",
                    "stage2.warmup_ratio=0.1", "stage2.val_samples=0", "stage2.save_every=1000",
                    pretrain=toy_pretrain)
    rec = run_stage("2", run, cfg, preset="tiny")
    losses = [r["loss"] for r in read_jsonl(run / "stage2" / "metrics.jsonl") if "loss" in r]
    vocab = read_json(run / "stage2" / "model" / "config.json")["text_config"]["vocab_size"]
    import math

    assert losses[0] > 0.8 * math.log(vocab)  # starts near chance (uniform over the vocabulary) ...
    assert rec["final"]["loss"] < 0.5  # ... and ends memorising the utterances (about 12x below chance)


def test_cosine_with_warmup():
    f = cosine_lambda(10, 110, 0.1)
    assert f(0) == pytest.approx(0.1) and f(9) == pytest.approx(1.0)
    assert f(60) == pytest.approx(0.1 + 0.9 * 0.5, rel=1e-6)
    assert f(110) == pytest.approx(0.1) and f(500) == pytest.approx(0.1)


def test_loader_workers_bf16_and_tensorboard(micro_cfg, toy_pretrain, tmp_path):
    """Worker processes feed the same batches; bf16 autocast (CPU here) stays close; TensorBoard events exist."""
    from babyvlm.train.stages import run_stage

    base = ["stage2.init=[]", "stage2.max_steps=3", "stage2.val_samples=0", "stage2.batch_size=2"]
    run_stage("2", tmp_path / "a", micro_cfg(*base, pretrain=toy_pretrain), preset="tiny")
    run_stage("2", tmp_path / "b", micro_cfg(*base, "num_workers=1", "tensorboard=true", pretrain=toy_pretrain),
              preset="tiny")
    run_stage("2", tmp_path / "c", micro_cfg(*base, "precision=bf16", pretrain=toy_pretrain), preset="tiny")
    a, b, c = (_losses(tmp_path / x) for x in "abc")
    assert [x[1] for x in a] == [x[1] for x in b]
    assert [x[1] for x in a] == pytest.approx([x[1] for x in c], rel=2e-2)
    assert [x[1] for x in a] != [x[1] for x in c]  # autocast really ran in bf16
    assert list((tmp_path / "b" / "stage2" / "tb").glob("events.out.tfevents.*"))


def test_best_validation_checkpoint_and_separate_learning_rates(trained_run):
    rows = read_jsonl(trained_run / "stage0a" / "metrics.jsonl")
    vals = [r["val_loss"] for r in rows if "val_loss" in r]
    assert len(vals) >= 2 and read_json(trained_run / "stage0a" / "done.json")["best_val_loss"] == min(vals)
    first = next(r for r in read_jsonl(trained_run / "stage3" / "metrics.jsonl") if "loss" in r)
    assert first["lr_vision"] == pytest.approx(first["lr_language"] / 5)  # tiny preset: 1e-4 vs 5e-4
    assert first["lr_connector"] == first["lr_language"]
