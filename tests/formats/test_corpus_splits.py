"""`babyvlm.formats.splits`: one split per corpus, by session, seeded, written once and reused."""

from __future__ import annotations

import json
import logging

import pytest

from babyvlm.errors import InputError
from babyvlm.formats import splits as fs
from babyvlm.formats.splits import DEFAULT_FRACTIONS, assign_splits, corpus_splits, read_splits, split_sizes

SESSIONS = [(f"{c}_{i:02d}", c) for c in "ASY" for i in range(8)]


def test_splits_are_whole_sessions_interleaving_children():
    a = assign_splits(SESSIONS, DEFAULT_FRACTIONS, seed=0)
    assert a == assign_splits(list(reversed(SESSIONS)), DEFAULT_FRACTIONS, seed=0)  # order does not matter
    assert a != assign_splits(SESSIONS, DEFAULT_FRACTIONS, seed=1)
    by = {s: [k for k, v in a.items() if v == s] for s in ("train", "val", "test")}
    assert [len(by[s]) for s in ("train", "val", "test")] == [14, 3, 7]
    assert {k[0] for k in by["test"]} == set("ASY") and {k[0] for k in by["val"]} == set("ASY")
    assert split_sizes(2, DEFAULT_FRACTIONS) == {"train": 1, "val": 0, "test": 1}
    with pytest.raises(InputError, match="must not all be zero"):
        split_sizes(3, {"train": 0, "val": 0, "test": 0})


def test_written_once_then_reused_as_it_is(tmp_path, caplog):
    cs = corpus_splits(tmp_path, SESSIONS, seed=0)
    path = tmp_path / "splits.json"
    assert cs.path == path and path.exists()
    doc = json.loads(path.read_text())
    assert doc["format"] == "babyvlm-splits" and doc["generator_version"] == fs.GENERATOR_VERSION
    assert doc["seed"] == 0 and doc["fractions"] == DEFAULT_FRACTIONS and doc["by"] == "session"
    assert doc["sessions"] == assign_splits(SESSIONS, DEFAULT_FRACTIONS, 0)
    assert doc["counts"] == {"train": 14, "val": 3, "test": 7}
    before, stamp = path.read_bytes(), path.stat().st_mtime_ns
    # the same request again: the same file, untouched, and nothing to warn about
    caplog.clear()  # an earlier test may have left the babyvlm logger at INFO (the write is logged)
    with caplog.at_level(logging.WARNING, logger="babyvlm"):
        again = corpus_splits(tmp_path, SESSIONS, seed=0, fractions=DEFAULT_FRACTIONS)
    assert again.split_of == cs.split_of and not caplog.records
    # the same inputs elsewhere give byte-identical files
    assert corpus_splits(tmp_path / "b", SESSIONS, seed=0).path.read_bytes() == before
    # another seed is told the corpus's split wins, in one line; the file stays as it is
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="babyvlm"):
        other = corpus_splits(tmp_path, SESSIONS, seed=7)
    assert other.split_of == cs.split_of and other.seed == 0
    (rec,) = caplog.records
    assert "wins" in rec.getMessage() and "\n" not in rec.getMessage()
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stamp
    assert read_splits(path).stems("test") == sorted(s for s, sp in cs.split_of.items() if sp == "test")


def test_other_fractions_warn_and_the_corpus_split_wins(tmp_path, caplog):
    cs = corpus_splits(tmp_path, SESSIONS, seed=0)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="babyvlm"):
        other = corpus_splits(tmp_path, SESSIONS, seed=0, fractions={"train": 0.5, "val": 0.0, "test": 0.5})
    assert other.split_of == cs.split_of
    (rec,) = caplog.records
    msg = rec.getMessage()
    assert "wins" in msg and "0.5/0/0.5" in msg and "0.6/0.1/0.3" in msg and "\n" not in msg
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="babyvlm"):  # no fractions asked for: nothing to warn about
        corpus_splits(tmp_path, SESSIONS, seed=0)
    assert not caplog.records


def test_a_session_missing_from_the_file_is_a_one_line_error(tmp_path):
    corpus_splits(tmp_path, SESSIONS[:-2], seed=0)
    with pytest.raises(InputError) as e:
        corpus_splits(tmp_path, SESSIONS, seed=0)
    msg = str(e.value)
    assert SESSIONS[-2][0] in msg and "1 more" in msg and "delete splits.json to regenerate" in msg
    assert "\n" not in msg


def test_a_file_covering_more_sessions_is_accepted(tmp_path):
    """A view of part of a corpus (curve's age views) uses the whole corpus's split."""
    full = corpus_splits(tmp_path, SESSIONS, seed=0)
    view = corpus_splits(tmp_path, [s for s in SESSIONS if s[0].endswith(("00", "01"))], seed=0)
    assert view.split_of == full.split_of


def test_splits_file_elsewhere_and_a_read_only_corpus(tmp_path, monkeypatch):
    other = tmp_path / "elsewhere" / "my_splits.json"
    cs = corpus_splits(tmp_path / "corpus", SESSIONS, seed=0, file=other)
    assert cs.path == other and other.exists() and not (tmp_path / "corpus" / "splits.json").exists()

    def denied(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(fs.tempfile, "mkstemp", denied)
    with pytest.raises(InputError, match=r"not writable.*--splits FILE \(x: split.file\)"):
        corpus_splits(tmp_path / "ro", SESSIONS, seed=0, option="--splits FILE (x: split.file)")


def test_a_file_that_is_not_a_split_is_refused(tmp_path):
    (tmp_path / "splits.json").write_text(json.dumps({"train": ["a"]}))
    with pytest.raises(InputError, match="not a babyvlm splits file"):
        corpus_splits(tmp_path, SESSIONS, seed=0)
    (tmp_path / "splits.json").write_text(json.dumps({"format": "babyvlm-splits", "sessions": {"a": "dev"}}))
    with pytest.raises(InputError, match="must map each session"):
        read_splits(tmp_path / "splits.json")


def test_formats_imports_nothing_else_of_the_package():
    import ast
    from pathlib import Path

    for path in Path(fs.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for n in names:
                assert not n.startswith("babyvlm") or n in ("babyvlm.errors",) or n.startswith("babyvlm.formats"), \
                    f"{path.name} imports {n}"
