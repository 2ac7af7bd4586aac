"""WER on known strings, the alignment against a brute-force reference, and session-aligned sets."""

from __future__ import annotations

import json
import random

import pytest

from babyvlm.corpus.asr.wer import align, compare_sets, format_table, normalize, number_words, wer


def _reference_counts(ref: list[str], hyp: list[str]) -> tuple[int, int]:
    """Plain O(n*m) DP over (errors, -hits) tuples: the definition the fast version must match."""
    n, m = len(ref), len(hyp)
    d = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 or j == 0:
                d[i][j] = (i + j, 0)
                continue
            e, h = d[i - 1][j - 1]
            diag = (e, h - 1) if ref[i - 1] == hyp[j - 1] else (e + 1, h)
            up = (d[i - 1][j][0] + 1, d[i - 1][j][1])
            left = (d[i][j - 1][0] + 1, d[i][j - 1][1])
            d[i][j] = min(diag, up, left)
    e, negh = d[n][m]
    return e, -negh


@pytest.mark.parametrize("ref,hyp,expect", [
    ("the cat sat on the mat", "the cat sat on the mat", (0, 0, 0, 0.0)),
    ("the cat sat on the mat", "the cat sat on mat", (0, 1, 0, 1 / 6)),
    ("the cat sat", "the cat sat down", (0, 0, 1, 1 / 3)),
    ("look at the ball", "look at a ball", (1, 0, 0, 0.25)),
    ("a b c", "x y", (2, 1, 0, 1.0)),
    ("where is the dog", "", (0, 4, 0, 1.0)),
    ("one two", "one two three four five", (0, 0, 3, 1.5)),  # WER can exceed 100%
])
def test_known_strings(ref, hyp, expect):
    c = wer(ref, hyp)
    assert (c.sub, c.dele, c.ins) == expect[:3]
    assert c.wer == pytest.approx(expect[3])
    assert c.hits + c.sub + c.dele == c.ref and c.hits + c.sub + c.ins == c.hyp


def test_empty_reference_has_no_wer():
    c = wer("", "hello there")
    assert c.wer is None and c.ins == 2


def test_alignment_matches_brute_force():
    rng = random.Random(0)
    vocab = "a b c d e".split()
    for _ in range(300):
        ref = [rng.choice(vocab) for _ in range(rng.randint(0, 12))]
        hyp = [rng.choice(vocab) for _ in range(rng.randint(0, 12))]
        c = align(ref, hyp)
        errors, hits = _reference_counts(ref, hyp)
        assert (c.errors, c.hits) == (errors, hits), (ref, hyp)
        assert min(c.sub, c.dele, c.ins) >= 0


def test_normalisation():
    assert normalize("Look at the *laughs* BALL!") == ["look", "at", "the", "ball"]
    assert normalize("Don\u2019t touch [inaudible] that, 'kay?") == ["don't", "touch", "that", "kay"]
    assert normalize("I see 3 ducks and 21 stars") == ["i", "see", "three", "ducks", "and", "twenty", "one", "stars"]
    assert normalize("peek-a-boo / night-night") == ["peek", "a", "boo", "night", "night"]
    assert normalize("Cafe\u0301 (points)") == ["caf\u00e9"]  # NFKC: combining accent == precomposed
    assert wer("One, two, THREE!", "1 2 3").wer == 0.0
    assert number_words(0) == "zero" and number_words(105) == "one hundred five"
    assert number_words(2024) == "two thousand twenty four"


def _csv(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["Time,End,Utterance,Speaker"] + [f"{t},{e},{u},{s}" for t, e, u, s in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_sets_are_aligned_by_session(tmp_path):
    ref = tmp_path / "ref"
    hyp = tmp_path / "hyp"
    _csv(ref / "transcripts" / "A_20200101_0100_01.csv", [(1, 2, "look at the ball", "M"), (3, 4, "ball", "C")])
    _csv(ref / "transcripts" / "A_20200101_0100_02.csv", [(1, 2, "where is the dog", "F")])
    _csv(ref / "transcripts" / "A_20200101_0100_03.csv", [(1, 2, "night night", "M")])
    # the hypothesis splits utterances differently and has timings of its own: only words count
    _csv(hyp / "A_20200101_0100_01.csv", [(0.9, 1.5, "look at", "unknown"), (1.5, 2.1, "the ball", "unknown"),
                                          (3, 4, "ball", "C")])
    (hyp / "A_20200101_0100_02.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nwhere is a dog\n", encoding="utf-8")
    _csv(hyp / "B_20200101_0100_01.csv", [(1, 2, "extra", "M")])
    report = compare_sets(ref, hyp)
    rows = {s["stem"]: s for s in report["sessions"]}
    assert rows["A_20200101_0100_01"]["wer"] == 0.0
    assert rows["A_20200101_0100_02"]["substitutions"] == 1 and rows["A_20200101_0100_02"]["wer"] == 0.25
    assert rows["A_20200101_0100_03"]["status"] == "missing hypothesis" and rows["A_20200101_0100_03"]["deletions"] == 2
    assert report["hypothesis_only"] == ["B_20200101_0100_01"]
    t = report["total"]
    assert (t["ref_words"], t["substitutions"], t["deletions"], t["insertions"]) == (11, 1, 2, 0)
    assert t["wer"] == pytest.approx(3 / 11, abs=1e-6)
    assert (t["sessions"], t["matched"]) == (3, 2)
    # leaving the key child out on both sides
    report = compare_sets(ref, hyp, exclude_speakers=("child",))
    assert report["total"]["ref_words"] == 10 and report["excluded_speakers"] == ["C"]
    table = format_table(report)
    assert "A_20200101_0100_02" in table and "missing hypothesis" in table and table.splitlines()[-2].startswith("total")


def test_wer_command(tmp_path, capsys):
    from babyvlm.cli import main

    ref, hyp = tmp_path / "ref", tmp_path / "hyp"
    _csv(ref / "transcripts" / "S_20141029_2412_01.csv", [(1, 2, "look at the ball", "M")])
    _csv(hyp / "transcripts" / "S_20141029_2412_01.csv", [(1, 2, "look at a ball", "unknown")])
    out = tmp_path / "wer.json"
    assert main(["corpus", "wer", str(ref), str(hyp), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "25.0%" in text and f"wer: {out}" in text
    data = json.loads(out.read_text())
    assert data["total"]["wer"] == 0.25
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["corpus", "wer", str(ref), str(empty)]) == 2
    assert "HYP_DIR" in capsys.readouterr().err
