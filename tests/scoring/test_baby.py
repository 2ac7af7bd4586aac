import json

import numpy as np
import pytest
import torch
from PIL import Image

from babyvlm.config import build_config
from babyvlm.errors import InputError
from babyvlm.scoring import load_scorer
from babyvlm.scoring.baby.config import ScorerTrainConfig
from babyvlm.scoring.baby.model import BabyCLIP
from babyvlm.scoring.baby.text import PAD, UNK, Vocab, words
from babyvlm.scoring.baby.train import train_baby_scorer


def test_words_and_vocab_fold_plurals_and_drop_rare_words():
    assert words("Where's the BALL? [laughs]") == ["where's", "the", "ball", "laughs"]
    v = Vocab.build(["the ball", "two balls", "the ball", "a box", "three boxes", "a box", "zebra"], min_count=2)
    assert v.alias["balls"] == "ball" and v.alias["boxes"] == "box"
    ids = v.encode("the balls zebra", max_len=5)
    assert ids[1] == v.stoi["ball"] and ids[2] == UNK and ids[3:] == [PAD, PAD]
    assert Vocab.from_dict(json.loads(json.dumps(v.to_dict()))).encode("two balls", 4) == v.encode("two balls", 4)


def test_model_shapes_and_loss_with_duplicate_texts():
    torch.manual_seed(0)
    m = BabyCLIP(20, dim=8, channels=[8, 16], strides=[4, 2])
    x = torch.randn(4, 3, 32, 32)
    patches = m.image(x)
    assert patches.shape == (4, 16, 8)
    assert torch.allclose(patches.norm(dim=-1), torch.ones(4, 16), atol=1e-5)
    ids = torch.tensor([[2, 3, 0], [2, 3, 1], [4, 0, 0], [1, 1, 0]])
    t = m.text(ids)
    assert torch.allclose(t[:3].norm(dim=-1), torch.ones(3), atol=1e-5)
    assert torch.allclose(t[0], t[1])  # an unknown word changes nothing
    assert torch.all(t[3] == 0)  # no known word: zero vector, similarity 0
    loss, acc = m.loss(x, ids, torch.tensor([0, 0, 1, 2]))
    assert loss.item() > 0 and 0 <= acc.item() <= 1
    assert torch.allclose(m.paired(patches, t), m.matrix(patches, t).diagonal())


def _tiny_cfg(**train):
    cfg = build_config(ScorerTrainConfig, section="scorer", preset="scorer/tiny")
    for k, v in train.items():
        setattr(cfg.train, k, v)
    return cfg


def test_baby_scorer_learns_colour_words(colour_corpus, tmp_path):
    cfg = _tiny_cfg(steps=60, batch_size=16, lr=0.01, frames_per_second=2.0)
    res = train_baby_scorer(colour_corpus, tmp_path / "sc", cfg)
    assert res.utterances == 36 and res.pairs > 36
    sc = load_scorer("baby", model=tmp_path / "sc")
    red = Image.new("RGB", (64, 48), (200, 40, 40))
    blue = Image.new("RGB", (64, 48), (40, 40, 200))
    s = sc.score([red, blue, red, blue], ["red ball", "red ball", "blue car", "blue car"])
    assert s[0] > s[1] and s[3] > s[2]
    # calibration: a text of unknown words matches every image alike (its raw similarity is the bank's),
    # which in the standardised units is below the corpus's average pair, so the default filter drops it
    z = sc.score([red, blue], ["xylophone", "xylophone"])
    assert z[0] == pytest.approx(z[1], abs=1e-5) and z[0] < 0


def test_training_resumes_from_the_frame_cache_and_is_deterministic(tiny_corpus, tmp_path):
    cfg = _tiny_cfg(steps=4)
    train_baby_scorer(tiny_corpus, tmp_path / "a", cfg)
    cache = sorted((tmp_path / "a" / "cache").glob("*.npz"))
    assert len(cache) == 4
    mtimes = [p.stat().st_mtime_ns for p in cache]
    train_baby_scorer(tiny_corpus, tmp_path / "a", cfg)
    assert [p.stat().st_mtime_ns for p in cache] == mtimes  # decoded once
    train_baby_scorer(tiny_corpus, tmp_path / "b", cfg)
    a = load_scorer("baby", model=tmp_path / "a")
    b = load_scorer("baby", model=tmp_path / "b")
    assert a.fingerprint() == b.fingerprint()


def test_training_needs_speech(tmp_path, make_video):
    make_video(tmp_path / "c" / "videos" / "S_20141029_0612_01.mp4", seconds=2)
    (tmp_path / "c" / "transcripts").mkdir(parents=True)
    (tmp_path / "c" / "transcripts" / "S_20141029_0612_01.csv").write_text("Time,Video Name,Utterance,Speaker\n0.5,x,hi,M\n")
    with pytest.raises(InputError, match="utterances"):
        train_baby_scorer(tmp_path / "c", tmp_path / "sc", _tiny_cfg(steps=2))


def test_cross_fitted_folds_score_each_pair_with_the_model_that_did_not_see_it(tiny_corpus, tmp_path):
    from babyvlm.scoring import PairInfo
    from babyvlm.scoring.baby.train import fold_of

    cfg = _tiny_cfg(steps=3, folds=2)
    train_baby_scorer(tiny_corpus, tmp_path / "sc", cfg)
    sc = load_scorer("baby", model=tmp_path / "sc")
    assert sc.folds == 2 and len(sc.models) == 2
    rng = np.random.default_rng(0)
    imgs = [Image.fromarray(rng.integers(0, 255, (48, 64, 3), dtype=np.uint8)) for _ in range(6)]
    texts = ["look at the ball", "where is the ball", "look at the doggy"] * 2
    infos = [PairInfo("S_20141029_0612_01", 0.5, float(s), float(s) + 1.0, None) for s in range(6)]
    got = sc.score(imgs, texts, infos)
    x = sc.squashed(imgs)
    for i, info in enumerate(infos):
        k = fold_of(info.stem, info.start, 2)
        assert got[i] == pytest.approx(sc._score_with(k, x[i : i + 1], [texts[i]])[0], abs=1e-5)
    assert len({fold_of(i.stem, i.start, 2) for i in infos}) == 2  # both models were used
    mean = sc.score(imgs, texts)  # no infos: the mean of the fold models
    both = [sc._score_with(k, x, texts) for k in range(2)]
    np.testing.assert_allclose(mean, (both[0] + both[1]) / 2, atol=1e-5)
