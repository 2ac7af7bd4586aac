"""Task scoring on hand-computed cases: memory, VDR adjacency, Winoground scores, ties, chance."""

from __future__ import annotations

import pytest

from babyvlm.tasks.base import ScoreContext, argmax_strict
from babyvlm.tasks.devcv import DEVCV_TASKS
from babyvlm.tasks.devcv.looking_while_listening import winoground_row
from babyvlm.tasks.devcv.memory import memory_structure
from babyvlm.tasks.items import Item

DEFAULT = ScoreContext(parser="default", seed=0, task="t")
OFFICIAL = ScoreContext(parser="official", seed=0, task="t")


@pytest.fixture
def official_root(shared_fixtures):
    return shared_fixtures / "devcv-official" / "saycam" / "test"


def test_memory_adjusted_accuracy_by_hand(official_root):
    task = DEVCV_TASKS["memory"]()
    item = next(i for i in task.load(official_root / "memory") if i.id == "memory_task_168")
    s = task.structure(item)
    # labels: learning rounds 1-5 learn plant, bench, flora, notebook, boot; each is tested twice
    assert [r + 1 for r in s.learning] == [1, 2, 3, 4, 5]
    assert {k: [r + 1 for r in v] for k, v in s.learned.items()} == {
        "plant": [7, 14], "bench": [6, 13], "flora": [10, 12], "notebook": [8, 15], "boot": [9, 11]}
    gold = task.gold(item)
    replies = list(gold)
    flip = {"A": "B", "B": "A"}
    for rnd in (2, 6, 11):  # one learning error; bench and boot each missed once in test
        replies[rnd - 1] = flip[gold[rnd - 1]]
    row = task.score(item, replies, DEFAULT)
    assert row["metrics"] == {"acc_learning": 4 / 5, "acc_testing_raw": 8 / 10, "acc_testing_adjusted": 3 / 5}
    assert row["learned_right"] == {"plant": True, "bench": False, "flora": True, "notebook": True, "boot": False}
    assert task.chance([item]) == {"acc_learning": pytest.approx(0.6), "acc_testing_raw": 0.5,
                                   "acc_testing_adjusted": 0.25}


def test_memory_without_labels_uses_identical_image_files(official_root):
    task = DEVCV_TASKS["memory"]()
    item = next(i for i in task.load(official_root / "memory") if "labels" not in i.extra)
    s = task.structure(item)
    assert s.labels_from == "image files"
    assert len(s.learning) == 5 and len(s.test) == 10
    assert sorted(len(v) for v in s.learned.values()) == [2] * 5
    # the structure agrees with the gold answers: in every round the never-seen image is the answer
    assert task.score(item, task.gold(item), DEFAULT)["metrics"]["acc_testing_adjusted"] == 1.0


def test_memory_structure_generic():
    s = memory_structure([["a"], ["a", "b"], ["b", "c"], ["d", "a"], ["c", "e"], ["b", "f"]])
    assert s.learning == [0, 1, 2] and s.test == [3, 4, 5]
    assert s.learned == {"a": [3], "b": [5], "c": [4]}


def test_memory_round_conversation_keeps_model_replies(official_root):
    task = DEVCV_TASKS["memory"]()
    item = task.load(official_root / "memory")[0]
    conv = task.round_conversation(item, 2, ["A", "I think it is the second"])
    roles = [m["role"] for m in conv.messages]
    assert roles == ["user", "assistant", "user", "assistant", "user"]
    assert conv.messages[3]["content"][0]["text"] == "I think it is the second"  # the model's own reply, not gold
    assert len(conv.images) == 5  # 1 + 2 + 2 images shown so far
    assert conv.meta["option_images"] == {"A": 3, "B": 4}


@pytest.mark.parametrize(
    "response,parser,exact,adjacent",
    [
        ("top", "default", 1, 1), ("Top.", "default", 1, 1), ("top left", "default", 0, 1),
        ("upper-right", "default", 0, 1), ("left", "default", 0, 0), ("bottom", "default", 0, 0),
        ("top or bottom", "default", 0, 0),
        ("top", "official", 1, 1), ("Top", "official", 1, 1), ("Top.", "official", 0, 0), ("top left", "official", 0, 1),
        ("top-left", "official", 0, 0), (" top", "official", 0, 0),
    ],
)
def test_vdr_open_exact_and_adjacent(official_root, response, parser, exact, adjacent):
    task = DEVCV_TASKS["vdr_open"]()
    item = task.load(official_root / "vdr-open")[0]
    assert task.gold(item) == "top"
    row = task.score(item, response, DEFAULT if parser == "default" else OFFICIAL)
    assert row["metrics"] == {"acc_exact": float(exact), "acc_adjacent": float(adjacent)}


def test_vdr_binary_left_accepts_corners_as_adjacent():
    task = DEVCV_TASKS["vdr_binary"]()
    item = Item("v", [], [{"from": "human", "value": "respond ONLY with 'right' or 'left'."}, {"from": "gpt", "value": "left"}])
    for resp, exact, adj in (("left", 1, 1), ("top left", 0, 1), ("bottom left", 0, 1), ("right", 0, 0), ("top", 0, 0)):
        assert task.score(item, resp, DEFAULT)["metrics"] == {"acc_exact": exact, "acc_adjacent": adj}
    assert task.options(item) == ["right", "left"]
    assert task.chance([item]) == {"acc_exact": 0.5, "acc_adjacent": 0.5}


def _wino(s):
    """s[i][j] = (sum, n) for image i and phrase j -> the flat image-major output list."""
    return [s[i][j] for i in range(2) for j in range(2)]


def test_winoground_scores_by_hand():
    perfect = _wino([[(-1, 1), (-5, 1)], [(-6, 1), (-2, 1)]])
    assert winoground_row("a", ["p0", "p1"], perfect, DEFAULT)["metrics"] == {
        "text_score": 1.0, "image_score": 1.0, "group_score": 1.0}
    # phrases fit their own image better, but image 1 makes both phrases likelier: text yes, image no
    text_only = _wino([[(-1, 1), (-3, 1)], [(-0.5, 1), (-0.2, 1)]])
    assert winoground_row("b", ["p0", "p1"], text_only, DEFAULT)["metrics"] == {
        "text_score": 1.0, "image_score": 0.0, "group_score": 0.0}
    # the text score compares per-token means: phrase 0 has 3 tokens (sum -3, mean -1) against a
    # 1-token phrase 1 (sum -2, mean -2): phrase 0 wins under image 0 although its sum is lower
    means = _wino([[(-3, 3), (-2, 1)], [(-9, 3), (-1, 1)]])
    row = winoground_row("c", ["p0", "p1"], means, DEFAULT)
    assert row["parsed"]["text"] == [True, True] and row["metrics"]["text_score"] == 1.0
    # the image score compares sums of the same phrase: -3 (image 0) beats -9 (image 1); -1 beats -2
    assert row["parsed"]["image"] == [True, True]


def test_ties_are_strict_as_winoground_defines_them():
    tie = _wino([[(-1, 1), (-1, 1)], [(-1, 1), (-1, 1)]])
    rows = [winoground_row(f"i{k}", ["p0", "p1"], tie, DEFAULT) for k in range(20)]
    assert all(r["ties"] == 4 for r in rows)
    assert all(r["metrics"] == {"text_score": 0.0, "image_score": 0.0, "group_score": 0.0} for r in rows)
    # one tied comparison is enough to lose that score; the others still count
    half = _wino([[(-1, 1), (-1, 1)], [(-5, 1), (-0.5, 1)]])
    row = winoground_row("h", ["p0", "p1"], half, DEFAULT)
    assert row["ties"] == 1 and row["parsed"]["text"] == [False, True] and row["metrics"]["image_score"] == 1.0
    assert argmax_strict([0.0] * 4) == (None, True)
    assert argmax_strict([0.0, 1.0, 0.5]) == (1, False)
    assert argmax_strict([1.0, 1.0 + 1e-12, 0.5]) == (None, True)


def test_choice_tasks_parse_option_text(official_root):
    task = DEVCV_TASKS["localize"]()
    item = task.load(official_root / "localize")[0]  # gold A = top left
    assert task.score(item, "It is in the top left corner.", DEFAULT)["correct"]
    assert not task.score(item, "It is in the top left corner.", OFFICIAL)["correct"]
    assert task.score(item, "A", OFFICIAL)["correct"]
    pv = DEVCV_TASKS["picture_vocabulary"]()
    item = pv.load(official_root / "picture_vocabulary")[0]  # gold C
    assert pv.score(item, "The third image.", DEFAULT)["correct"]
    assert pv.score(item, "(A) the first image (B) the second image (C) the third", DEFAULT)["parse_status"] == "ambiguous"


def test_count_answer_space_and_chance(official_root):
    task = DEVCV_TASKS["count"]()
    items = task.load(official_root / "count")
    task.setup(items)
    assert task.options() == [str(n) for n in range(4, 13)]
    assert task.chance(items)["acc"] == pytest.approx(1 / 9)
    # the space is the definition's, whatever golds are loaded: an item counting 2 does not widen it
    low = Item("low", [], [{"from": "human", "value": "<image> How many?"}, {"from": "gpt", "value": "2"}])
    task.setup([*items, low])
    assert task.options() == [str(n) for n in range(4, 13)] and task.outside_answer_space([*items, low]) == 1
    assert task.chance([*items, low])["acc"] == pytest.approx(5 / 6 / 9)
    assert task.score(low, "2", DEFAULT)["correct"]  # still scored
    assert task.score(items[0], "I can see ten cabinets", DEFAULT)["correct"]  # gold 10
    assert task.score(items[0], "I can see ten cabinets", OFFICIAL)["correct"]  # official reads "ten" too
    assert task.score(items[0], "2 rows of 5, so 10", DEFAULT)["correct"]
    assert not task.score(items[0], "2 rows of 5, so 10", OFFICIAL)["correct"]  # first number: 2
