"""DevCV builder parts on their own: vocabulary, word distances, foils, numeracy stimuli, splits,
answer balance, low-level controls."""

from __future__ import annotations

import numpy as np
import pytest

from babyvlm.devcv.builder import lowlevel as ll
from babyvlm.devcv.builder import numeracy as nm
from babyvlm.devcv.builder.balance import AnswerBalancer, answer_counts
from babyvlm.devcv.builder.lexicon import edit_distance, phonemes, phonological_distance
from babyvlm.devcv.builder.vocab import Vocabulary, plural, singular
from babyvlm.tasks import shortcuts as sc


def test_vocabulary_maps_synonyms_plurals_and_counts_drops():
    v = Vocabulary()
    assert v.map("cups").item == "cup"
    assert v.map("dining table").item == "table"
    assert v.map("teddy bear").item == "teddybear"
    assert v.map("Sports_Ball").item == "ball"
    assert v.map("carrot").item == "carrots"  # the CDI item is plural
    assert v.map("strawberries").item == "strawberry"
    assert v.map("fish").item == "fish.animal"  # shared word: the animal
    assert v.map("x", cdi_item="fish.food").item == "fish.food"  # the world says which
    assert v.map("person") is None and v.map("laptop") is None and v.map("laptop") is None
    s = v.summary()
    assert s["dropped_by_label"] == {"laptop": 2, "person": 1}
    assert s["kept_boxes"] == 8 and s["mapped_labels"]["dining table"] == "table"


def test_plural_and_singular():
    assert [plural(w) for w in ("cup", "box", "strawberry", "mouse", "fish", "teddybear", "toy")] == \
        ["cups", "boxes", "strawberries", "mice", "fish", "teddybears", "toys"]
    assert [singular(w) for w in ("cups", "boxes", "strawberries", "mice", "glass")] == \
        ["cup", "box", "strawberry", "mouse", "glass"]


def test_phonological_distance():
    assert phonemes("ball")[0] == ["B", "AO", "L"]
    assert phonemes("teddybear") == (["T", "EH", "D", "IY", "B", "EH", "R"], True)  # split into dictionary words
    assert phonemes("zqxv")[1] is False
    assert edit_distance(list("kitten"), list("sitting")) == 3
    assert phonological_distance("ball", "ball") == 0.0
    assert phonological_distance("ball", "doll") < phonological_distance("ball", "truck")
    assert phonological_distance("cat", "hat") == pytest.approx(1 / 3)


def test_foils_respect_the_bands():
    from babyvlm.devcv.builder.config import DistractorConfig
    from babyvlm.devcv.builder.distractors import DistractorPicker
    from babyvlm.devcv.builder.lexicon import Lexicon

    v = Vocabulary()
    words = ["dog", "puppy", "cat", "ball", "doll", "truck", "spoon", "apple", "shoe", "cup", "bird", "car", "hat"]
    terms = [v.lookup(w) for w in words]
    lex = Lexicon(words)
    cfg = DistractorConfig(semantic_band=(0.2, 0.62), phonological_min=0.5, same_category=1)
    picker = DistractorPicker(lex, cfg)
    rng = np.random.default_rng(0)
    target = v.lookup("dog")
    for _ in range(5):
        foils = picker.pick(target, terms, 3, rng)
        assert len({f.term.word for f in foils}) == 3 and "dog" not in {f.term.word for f in foils}
        for f in foils:
            if not f.relaxed:
                assert 0.2 <= f.semantic <= 0.62 and f.phonological >= 0.5
        assert "puppy" not in {f.term.word for f in foils}  # a near-synonym is too similar
        assert any(f.same_category for f in foils)  # one foil from the animals
    assert lex.semantic("dog", "puppy") > 0.62
    assert picker.pick(target, terms[:2], 3, rng) is None  # not enough candidates


def test_ratio_pairs_and_area_controls():
    assert nm.ratio_pairs("2:3", 12) == [(2, 3), (4, 6), (6, 9), (8, 12)]
    assert nm.ratio_pairs("1:2", 12)[-1] == (6, 12)
    small, large = 4, 8
    for control, relation in (("equal_item_size", 1), ("equal_total_area", 0), ("area_inverted", -1)):
        s_small, s_large = nm.compare_sides(small, large, control, 40.0)
        total_small, total_large = small * s_small ** 2, large * s_large ** 2
        assert np.sign(round(total_large - total_small, 6)) == relation, control
    with pytest.raises(ValueError):
        nm.compare_sides(1, 2, "nonsense", 10)


def test_cluster_copies_touch_but_never_overlap():
    from PIL import Image

    rng = np.random.default_rng(3)
    obj = Image.new("RGB", (30, 20), (230, 200, 40))
    for n in (1, 4, 9, 12):
        im, info = nm.render_set(obj, n, 30, (320, 240), (10, 10, 10), 2, rng)
        assert info["count"] == n and info["total_area"] == n * info["item_area"]
        arr = np.asarray(im).sum(axis=2) > 100
        assert arr.sum() == n * info["item_area"]  # all copies fully on the canvas, none overlapping
        # the set is one connected region at thumbnail scale (connectedness control)
        assert sc.blobs(sc.thumb(im))[0] == 1


def test_answer_balancer_spreads_answers_within_each_key():
    b = AnswerBalancer(list("ABCD"), np.random.default_rng(0))
    picks = [b.pick(key=f"w{i % 3}") for i in range(36)]
    assert b.counts() == {"A": 9, "B": 9, "C": 9, "D": 9}
    for w in range(3):
        mine = [p for i, p in enumerate(picks) if i % 3 == w]
        assert sorted(mine) == sorted("ABCD" * 3)
    recs = [{"conversations": [{"from": "human", "value": "x"}, {"from": "gpt", "value": v}]} for v in "ABAB"]
    assert answer_counts(recs) == {"A": 2, "B": 2}


def test_confound_control_holds_the_share_at_its_target():
    rng = np.random.default_rng(0)
    c = ll.ConfoundControl("x", 0.25)
    for _ in range(200):
        c.choose([("hit", True), ("miss", False), ("miss2", False)], lambda t: t[1], rng)
    assert c.summary()["share_right"] == pytest.approx(0.25, abs=0.01)
    c2 = ll.ConfoundControl("y", 0.5)
    for _ in range(10):
        c2.choose([("hit", True)], lambda t: t[1], rng)  # nothing else on offer: counted as uncontrolled
    assert c2.summary()["uncontrolled_items"] == 9 and c2.summary()["share_right"] == 1.0


def test_low_level_statistics():
    t = np.zeros((48, 48, 3), np.float32)
    t[2:10, 2:10] = 1.0  # a bright square top left
    t[30:40, 30:40] = 1.0
    assert sc.blobs(t)[0] == 2
    e = list(sc.quadrant_energy(t).values())
    assert e.index(max(e)) in (0, 3) and e[1] == 0 == e[2]
    frames = []
    for k in range(5):  # a square moving right
        f = np.zeros((48, 48, 3), np.float32)
        f[20:28, 5 + 8 * k:13 + 8 * k] = 1.0
        frames.append(f)
    assert sc.motion_direction(frames, ["left", "right"]) == "right"
    assert sc.tied_best(sc.nearest(frames[0], [frames[3], frames[0] * 0.9, frames[4]])) == [1]


def test_the_builder_list_is_the_task_classes():
    """Each DevCV task class names its builder; the builder registry is derived from the classes (in
    their order, the build order) and every named builder exists."""
    import importlib

    from babyvlm.devcv.builder.registry import BUILDERS, builder
    from babyvlm.tasks.devcv import DEVCV_TASKS

    assert list(BUILDERS) == list(DEVCV_TASKS)
    for name, cls in DEVCV_TASKS.items():
        module, fn = cls.builder.split(":")
        assert module.startswith("babyvlm.devcv.builder.tasks.")
        assert builder(name) is getattr(importlib.import_module(module), fn)
