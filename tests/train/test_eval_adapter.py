"""The evaluation harness's generic `hf:` adapter serves a trained checkpoint unchanged."""

from __future__ import annotations

import pytest
import torch

pytest.importorskip("babyvlm.evaluate.adapters.hf")


def test_hf_adapter_generates_and_scores_our_checkpoint(trained_run, shared_fixtures):
    import json

    from babyvlm.evaluate.adapters.base import AdapterOptions
    from babyvlm.evaluate.adapters.hf import HFAdapter
    from babyvlm.model.build import load_vlm
    from babyvlm.model.templates import to_messages
    from babyvlm.tasks.conversation import Conversation, ImageRef
    from babyvlm.train.encode import Encoder

    model_dir = trained_run / "stage3" / "model"
    adapter = HFAdapter(model_dir, AdapterOptions(batch_size=4, device="cpu", dtype="float32"))
    task = shared_fixtures / "devcv-official" / "saycam" / "test" / "compare_real"
    items = json.loads((task / "data.json").read_text())[:2]
    convs = [Conversation.from_turns([("user", it["conversations"][0]["value"])],
                                     [ImageRef(task / p) for p in it["image"]]) for it in items]
    replies = adapter.generate(convs, max_new_tokens=4)
    assert len(replies) == 2 and all(isinstance(r, str) for r in replies)

    scores = adapter.loglikelihood([(c, opt) for c in convs for opt in ("A", "B")])
    assert all(n >= 1 and lp < 0 for lp, n in scores)

    # the same number from our own training-side encoding: prompt (no loss) + " A" (scored)
    model, proc = load_vlm(model_dir)
    model.eval()
    enc = Encoder(proc.tokenizer, template="baby_v1", tokens_per_image=model.config.image_seq_length,
                  max_length=10_000)
    it = items[0]
    msgs = to_messages([it["conversations"][0], {"from": "gpt", "value": "A"}])
    e = enc.encode_many([msgs])[0]
    ids, labels = enc.expand(e)
    eos = proc.tokenizer.eos_token_id
    keep = labels != eos  # the adapter does not score the end-of-turn token
    ids, labels = ids[keep], labels[keep]
    from PIL import Image

    pix = proc.image_processor(images=[Image.open(task / p).convert("RGB") for p in it["image"]],
                               return_tensors="pt")["pixel_values"]
    with torch.no_grad():
        logits = model(input_ids=torch.tensor(ids)[None], pixel_values=pix).logits[0].float()
    lp = torch.log_softmax(logits, -1)
    pos = [t for t in range(1, len(ids)) if labels[t] != -100]
    ours = float(sum(lp[t - 1, ids[t]] for t in pos))
    assert scores[0][1] == len(pos)
    assert scores[0][0] == pytest.approx(ours, rel=1e-4, abs=1e-4)
