import json

import numpy as np
import pytest
from PIL import Image

from babyvlm.errors import InputError
from babyvlm.scoring import PairInfo, load_scorer
from babyvlm.scoring.oracle import GroundTruth


@pytest.fixture
def ann(tmp_path):
    recs = [
        {"type": "session", "stem": "S_20141029_0612_01", "child": "S", "age_days": 200, "width": 160, "height": 120,
         "fps": 10, "duration": 4.0, "room": "kitchen", "annotation_rate": 5, "instances": []},
        {"type": "frame", "t": 0.0, "objects": [{"id": "ball_1", "category": "ball", "bbox": [1, 2, 3, 4], "visible": 0.8}]},
        {"type": "frame", "t": 1.0, "objects": [{"id": "ball_1", "category": "ball", "bbox": [1, 2, 3, 4], "visible": 0.1},
                                                {"id": "cup_1", "category": "cup", "bbox": [1, 2, 3, 4], "visible": 1.0}]},
        {"type": "frame", "t": 2.0, "objects": []},
        {"type": "utterance", "index": 0, "start": 0.0, "end": 2.5, "speaker": "M", "text": "look at the ball",
         "kind": "look_at", "referents": [{"id": "ball_1", "category": "ball", "visible": True, "visible_fraction": 0.8}]},
        {"type": "utterance", "index": 1, "start": 2.6, "end": 4.0, "speaker": "M", "text": "nap time",
         "kind": "routine", "referents": []},
    ]
    p = tmp_path / "a.jsonl"
    p.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return p


def test_visibility_uses_nearest_frame_and_the_utterances_referents(ann):
    gt = GroundTruth(min_visible=0.25)
    info = lambda t, s=0.0, e=2.5: PairInfo("S", t, s, e, ann)  # noqa: E731
    assert gt.visibility(info(0.1)) == pytest.approx(0.8)
    assert gt.positive(info(0.1)) is True
    # at 1.0 s the ball is only 10% visible (the cup, fully visible, is not a referent)
    assert gt.visibility(info(0.9)) == pytest.approx(0.1)
    assert gt.positive(info(0.9)) is False
    assert gt.visibility(info(2.1)) == 0.0
    # an utterance naming nothing is never positive
    assert gt.positive(info(3.0, 2.6, 4.0)) is False
    # no annotations: no ground truth
    assert gt.positive(PairInfo("S", 0.1, 0.0, 2.5, None)) is None
    # an utterance span overlapping no annotated utterance: no ground truth
    assert gt.visibility(info(0.1, 10.0, 11.0)) is None


def test_oracle_scores_and_needs_infos(ann):
    sc = load_scorer("oracle", min_visible=0.25)
    img = Image.new("RGB", (4, 4))
    infos = [PairInfo("S", t, 0.0, 2.5, ann) for t in (0.0, 1.0, 2.0)]
    s = sc.score([img] * 3, ["look at the ball"] * 3, infos)
    assert s.dtype == np.float32
    assert s.tolist() == pytest.approx([0.8, 0.1, 0.0])
    assert sc.default_thresholds["image"] == 0.25
    with pytest.raises(InputError):
        sc.score([img], ["x"])
    with pytest.raises(InputError, match="annotations"):
        sc.score([img], ["x"], [PairInfo("S", 0.0, 0.0, 1.0, None)])
    with pytest.raises(ValueError):
        sc.score([img, img], ["x"], infos[:1])
