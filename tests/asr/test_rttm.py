"""RTTM reading and speaker labelling on a small hand-made diarization."""

from __future__ import annotations

import pytest

from babyvlm.corpus.asr.rttm import VTC_SPEAKERS, RttmSource, label, read_rttm
from babyvlm.errors import InputError

STEM = "S_20141029_2412_01"
RTTM = f"""\
SPEAKER {STEM} 1 0.50 2.00 <NA> <NA> FEM <NA> <NA>
SPEAKER {STEM} 1 0.40 6.00 <NA> <NA> SPEECH <NA> <NA>
SPEAKER {STEM} 1 2.30 1.20 <NA> <NA> KCHI <NA> <NA>
SPEAKER {STEM} 1 4.00 1.00 <NA> <NA> MAL <NA> <NA>
SPEAKER {STEM} 1 4.60 1.50 <NA> <NA> Mom <NA> <NA>
SPEAKER {STEM} 1 oops 1.00 <NA> <NA> FEM <NA> <NA>
SPEAKER {STEM} 1 9.00
SPEAKER other 1 0.00 5.00 <NA> <NA> CHI <NA> <NA>
LEXEME {STEM} 1 0.50 0.10 hello <NA> <NA> <NA> <NA>
"""


@pytest.fixture
def rttm_file(tmp_path):
    path = tmp_path / "all.rttm"
    path.write_text(RTTM, encoding="utf-8")
    return path


def test_read_rttm_keeps_good_lines_and_rejects_bad_ones(rttm_file):
    turns, rejects = read_rttm(rttm_file)
    assert sorted(turns) == [STEM, "other"]
    assert [(t.start, t.end, t.speaker) for t in turns[STEM]][:3] == [(0.4, 6.4, "SPEECH"), (0.5, 2.5, "FEM"), (2.3, 3.5, "KCHI")]
    assert [(r.line, r.reason.split(" ")[0]) for r in rejects] == [(6, "unparseable"), (7, "RTTM")]


def test_labels_by_longest_overlap(rttm_file, tmp_path):
    turns = read_rttm(rttm_file)[0][STEM]
    m = VTC_SPEAKERS
    assert label(0.6, 2.2, turns, m) == ("fem", 1.0)  # FEM only (SPEECH is generic)
    assert label(2.2, 3.4, turns, m)[0] == "C"  # 0.3 s FEM vs 1.1 s KCHI: the key child
    assert label(4.0, 5.0, turns, m)[0] == "mal"  # 1.0 s MAL vs 0.4 s Mom
    assert label(4.8, 6.0, turns, m)[0] == "M"  # a name that normalises like a transcript speaker
    assert label(6.2, 6.4, turns, m) == ("unknown", pytest.approx(1.0))  # only generic SPEECH
    assert label(7.0, 8.0, turns, m) == ("unknown", 0.0)  # nobody
    # a tie goes to the name first in alphabetical order
    (tmp_path / "tie.rttm").write_text("SPEAKER x 1 0 1 <NA> <NA> MAL <NA> <NA>\nSPEAKER x 1 1 1 <NA> <NA> FEM <NA> <NA>\n")
    tie = read_rttm(tmp_path / "tie.rttm")[0]["x"]
    assert label(0.5, 1.5, tie, m)[0] == "fem"


def test_source_from_folder_or_file(tmp_path, rttm_file):
    src = RttmSource(rttm_file)
    turns, _ = src.turns(STEM)
    assert len(turns) == 5 and len(src.rejects) == 2
    assert src.turns("nobody")[0] is None
    folder = tmp_path / "rttm"
    folder.mkdir()
    (folder / f"{STEM}.rttm").write_text(RTTM.replace(STEM, "whatever-id"), encoding="utf-8")
    src = RttmSource(folder)
    turns, rejects = src.turns(STEM)
    assert len(turns) == 6 and len(rejects) == 2  # every turn of a per-session file belongs to it
    assert src.turns("other")[0] is None
    with pytest.raises(InputError):
        RttmSource(tmp_path / "missing.rttm")
