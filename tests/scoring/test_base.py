import numpy as np
import pytest

from babyvlm.errors import InputError
from babyvlm.scoring import aggregate, load_scorer, score_video, scorer_kind


class Brightness:
    """A stand-in scorer: the image's mean brightness (ignores the text)."""

    name = kind = "fake"
    default_thresholds = {"video": 0.5, "image": 0.5}

    def __init__(self):
        self.calls = []

    def fingerprint(self):
        return "fake"

    def score(self, images, texts, infos=None):
        self.calls.append(len(images))
        return np.array([np.asarray(im).mean() / 255 for im in images], np.float32)


def _img(v):
    from PIL import Image

    return Image.new("RGB", (8, 8), (v, v, v))


def test_aggregate_mean_and_max():
    s = np.array([0.1, 0.5, 0.3])
    assert aggregate(s, "mean") == pytest.approx(0.3)
    assert aggregate(s, "max") == pytest.approx(0.5)
    with pytest.raises(ValueError):
        aggregate(s, "median")
    with pytest.raises(ValueError):
        aggregate(np.array([]), "mean")


def test_score_video_aggregates_frames_in_one_call():
    sc = Brightness()
    clips = [[_img(0), _img(255)], [_img(51)]]
    mean = score_video(sc, clips, ["a", "b"])
    assert mean.tolist() == pytest.approx([0.5, 0.2])
    assert sc.calls == [3]  # every frame of every clip scored in one batch
    assert score_video(sc, clips, ["a", "b"], how="max").tolist() == pytest.approx([1.0, 0.2])
    with pytest.raises(ValueError):
        score_video(sc, [[]], ["a"])


def test_scorer_specs():
    assert scorer_kind("baby") == "baby"
    assert scorer_kind("clip:/x") == "clip"
    for bad in ("clip", "clip:", "siglip:/x", ""):
        with pytest.raises(InputError):
            scorer_kind(bad)
    with pytest.raises(InputError, match="model folder"):
        load_scorer("baby")
    with pytest.raises(InputError, match="not a baby scorer"):
        load_scorer("baby", model="/nonexistent")
    with pytest.raises(InputError, match="config.json"):
        load_scorer("clip:/nonexistent")
