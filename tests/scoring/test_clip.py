"""`clip:PATH` with a tiny randomly initialised CLIP saved to a temporary folder (nothing downloaded)."""

import numpy as np
import pytest
from PIL import Image

from babyvlm.scoring import load_scorer

WORDS = ["[PAD]", "[UNK]", "<s>", "</s>", "look", "at", "the", "ball", "dog", "cup", "nap"]


@pytest.fixture(scope="module")
def tiny_clip(tmp_path_factory):
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import CLIPConfig, CLIPImageProcessorPil, CLIPModel, PreTrainedTokenizerFast

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("clip")
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(WORDS)}, unk_token="[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="[PAD]", unk_token="[UNK]", bos_token="<s>",
                            eos_token="</s>").save_pretrained(path)
    cfg = CLIPConfig(
        text_config=dict(vocab_size=len(WORDS), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
                         num_attention_heads=2, max_position_embeddings=16, eos_token_id=3, bos_token_id=2, pad_token_id=0),
        vision_config=dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
                           image_size=32, patch_size=8),
        projection_dim=16,
    )
    CLIPModel(cfg).save_pretrained(path)
    CLIPImageProcessorPil(size={"shortest_edge": 32}, crop_size={"height": 32, "width": 32}).save_pretrained(path)
    return path


def test_clip_scores_are_the_models_cosine_similarities(tiny_clip):
    import torch
    from transformers import AutoTokenizer, CLIPImageProcessorPil, CLIPModel

    sc = load_scorer(f"clip:{tiny_clip}", batch_size=2)
    assert sc.kind == "clip" and sc.default_thresholds == {"video": 0.1, "image": 0.2}
    rng = np.random.default_rng(0)
    imgs = [Image.fromarray(rng.integers(0, 255, (40, 50, 3), dtype=np.uint8)) for _ in range(3)]
    texts = ["look at the ball", "the dog", "nap"]
    s = sc.score(imgs, texts)
    assert s.shape == (3,) and s.dtype == np.float32
    assert np.all(np.abs(s) <= 1.0 + 1e-5)
    # the same numbers straight from the model's forward pass (logits are cosine * scale)
    model = CLIPModel.from_pretrained(tiny_clip).eval()
    tok = AutoTokenizer.from_pretrained(tiny_clip)
    px = CLIPImageProcessorPil.from_pretrained(tiny_clip)(images=imgs, return_tensors="pt")["pixel_values"]
    enc = tok(texts, padding=True, return_tensors="pt")
    with torch.no_grad():
        out = model(pixel_values=px, **enc)
        expected = (out.logits_per_image / model.logit_scale.exp()).diagonal().numpy()
    np.testing.assert_allclose(s, expected, atol=1e-5)
    # text embeddings are cached: scoring again gives the same values
    np.testing.assert_allclose(sc.score(imgs, texts), s, atol=1e-6)
    assert sc.fingerprint().startswith("clip:")


def test_clip_in_a_pretraining_build(tiny_clip, tiny_corpus, tmp_path):
    from babyvlm.pretrain.build import build
    from babyvlm.pretrain.check import check_set
    from babyvlm.pretrain.config import FilterConfig, PretrainConfig, ScorerSpec

    # a random CLIP's video scores are arbitrary: keep the best half of the clips so that the set is not
    # empty (an empty build is an error), and the image filter runs at the paper's CLIP threshold
    cfg = PretrainConfig(scorer=ScorerSpec(name=f"clip:{tiny_clip}"),
                         video_filter=FilterConfig(mode="keep_fraction", keep_fraction=0.5))
    res = build(tiny_corpus, tmp_path / "set", cfg)
    assert res.stats["scorer"]["kind"] == "clip"
    assert res.stats["filters"]["image"]["threshold"] == 0.2
    assert check_set(tmp_path / "set")[0] == []
