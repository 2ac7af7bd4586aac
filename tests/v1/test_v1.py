"""V1 loaders (official CSVs, stand-in images), likelihood scoring, METEOR."""

from __future__ import annotations

import pytest

from babyvlm.tasks.base import ScoreContext
from babyvlm.tasks.items import ItemError
from babyvlm.tasks.v1 import V1_TASKS
from babyvlm.tasks.v1.meteor import meteor
from babyvlm.util.rejects import RejectLog

CTX = ScoreContext(seed=0, task="v1")


@pytest.mark.parametrize("name,count", [("labeled_s", 2200), ("vtwt", 967), ("baby_winoground", 365), ("saycam_caption", 294)])
def test_full_official_csvs_parse(v1_official, name, count):
    task = V1_TASKS[name]()
    path = task.locate(v1_official)
    rows = task.read_rows(path)
    made = list(task.make_items(rows, v1_official, path))
    assert [e for _, e, _ in made if e] == []
    assert len(made) == count


def test_loaders_group_rows(v1_dir):
    ls = V1_TASKS["labeled_s"]().load(V1_TASKS["labeled_s"]().locate(v1_dir))
    assert len(ls) == 4 and all(len(i.images) == 4 for i in ls)
    assert ls[0].extra["target"] == "ball" and ls[0].extra["answer"] == 0
    assert ls[0].images[1].relative_to(v1_dir / "images").as_posix() == "basket/img_50191.jpeg"
    wg = V1_TASKS["baby_winoground"]().load(v1_dir / "baby_winoground.csv")
    assert len(wg) == 5 and wg[0].extra["phrases"] == ["see person", "touch pillow"]
    assert wg[0].images[1].name.endswith("_neg.jpeg")
    assert len(V1_TASKS["vtwt"]().load(v1_dir / "vtwt.csv")) == 10
    cap = V1_TASKS["saycam_caption"]()
    items = cap.load(v1_dir / "SAYCam_caption.csv")
    assert len(items) == 10 and cap.gold(items[0]).startswith("a biscuit")


def test_missing_image_is_named_or_skipped(v1_dir, tmp_path):
    (v1_dir / "images" / "basket" / "img_50191.jpeg").unlink()
    task = V1_TASKS["labeled_s"]()
    with pytest.raises(ItemError, match="trial_0.*missing image"):
        task.load(v1_dir / "labeled_s.csv")
    rejects = RejectLog(tmp_path / "r.jsonl", echo=False)
    items = task.load(v1_dir / "labeled_s.csv", skip_bad=True, rejects=rejects)
    assert len(items) == 3 and rejects.count == 1


def test_labeled_s_compares_sums_and_a_tie_is_wrong(v1_dir):
    task = V1_TASKS["labeled_s"]()
    item = task.load(v1_dir / "labeled_s.csv")[0]
    reqs = task.requests(item)
    assert len(reqs) == 4 and {c for _, c in reqs} == {"ball"} and all(len(conv.images) == 1 for conv, _ in reqs)
    assert task.score(item, [[-1, 1], [-3, 1], [-2, 1], [-4, 1]], CTX)["correct"]
    assert not task.score(item, [[-3, 1], [-1, 1], [-2, 1], [-4, 1]], CTX)["correct"]
    tied = task.score(item, [[-1, 1]] * 4, ScoreContext(seed=0))
    assert tied["parsed"] is None and not tied["correct"] and tied["ties"] == 1
    # a tie between the target and another image is no choice either
    assert not task.score(item, [[-1, 1], [-1, 1], [-2, 1], [-4, 1]], CTX)["correct"]


def test_vtwt_compares_means(v1_dir):
    task = V1_TASKS["vtwt"]()
    item = task.load(v1_dir / "vtwt.csv")[0]
    # positive phrase: 3 tokens summing -4.5 (mean -1.5); negative: 1 token, -2 (mean -2): positive wins
    assert task.score(item, [[-4.5, 3], [-2.0, 1]], CTX)["correct"]
    assert not task.score(item, [[-4.5, 3], [-1.0, 1]], CTX)["correct"]
    tie = task.score(item, [[-2.0, 1], [-4.0, 2]], CTX)  # equal means: strict, a tie is wrong
    assert not tie["correct"] and tie["ties"] == 1 and tie["parsed"] is None


def test_meteor_by_hand():
    assert meteor("the cat sat", "the cat sat") == pytest.approx(1 - 0.5 * (1 / 3) ** 3)
    assert meteor("sat cat the", "the cat sat") == pytest.approx(0.5)  # three chunks of one word
    assert meteor("cats running", "cat run") == pytest.approx(meteor("cat run", "cat run"))  # Porter stems
    assert meteor("mom", "mother") == 0.0  # no WordNet synonyms offline
    # precision 1/2, recall 1: fmean = P R / (0.9 P + 0.1 R) = 0.5 / 0.55; one chunk of one match
    assert meteor("a dog", "dog") == pytest.approx((0.5 / 0.55) * (1 - 0.5))
    assert meteor("", "dog") == 0.0
    assert meteor("the dog", ["a cat", "the dog"]) == meteor("the dog", "the dog")
