"""Files written atomically get the permissions a plain open() gives under the umask (issue 17),
and a killed writer's temporaries are found and removed."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from babyvlm.pretrain.writers import JsonListWriter, ShardWriter, TextWriter
from babyvlm.util import io


@pytest.fixture(params=[0o022, 0o077, 0o002])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_current_umask_reads_without_changing(umask):
    assert io.current_umask() == umask
    assert io.current_umask() == umask


def test_atomic_writes_follow_the_umask(tmp_path, umask):
    plain = tmp_path / "plain.txt"
    with open(plain, "w") as f:
        f.write("x")
    expected = 0o666 & ~umask
    assert mode(plain) == expected
    written = [
        io.write_json(tmp_path / "a.json", {"a": 1}),
        io.write_text(tmp_path / "sub" / "b.txt", "b"),
        io.write_bytes(tmp_path / "c.jpg", b"\xff\xd8"),
        io.write_jsonl(tmp_path / "d.jsonl", [{"d": 1}]),
    ]
    io.write_json(tmp_path / "a.json", {"a": 2})  # replacing keeps the same rule
    jl = JsonListWriter(tmp_path / "e.json")
    jl.write({"id": "x"})
    jl.close()
    tw = TextWriter(tmp_path / "f.txt")
    tw.write_line("hello")
    tw.close()
    sw = ShardWriter(tmp_path / "shards", "train", max_samples=1)
    sw.write({"id": "s1"}, [b"jpg"])
    sw.write({"id": "s2"}, [b"jpg"])
    sizes = sw.close()
    written += [jl.path, tw.path, *(tmp_path / "shards" / n for n in sizes)]
    assert {str(p.relative_to(tmp_path)): oct(mode(p)) for p in written} == \
        {str(p.relative_to(tmp_path)): oct(expected) for p in written}
    assert io.stray_temps(tmp_path) == []


def test_stray_temps_are_listed_and_removed(tmp_path):
    (tmp_path / "train").mkdir()
    litter = [tmp_path / "train" / ".video.json.k2j4h1.tmp", tmp_path / ".stats.json.tmp",
              tmp_path / "shards" / ".train-00000.tar.abc.tmp"]
    for p in litter:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"")
    keep = [tmp_path / "train" / "video.json", tmp_path / ".hidden", tmp_path / "notes.tmp"]
    for p in keep:
        p.write_text("keep")
    assert io.stray_temps(tmp_path) == sorted(litter)
    assert io.remove_stale_temps(tmp_path) == sorted(litter)
    assert not any(p.exists() for p in litter) and all(p.exists() for p in keep)
    assert io.stray_temps(tmp_path / "missing") == []


def test_the_corpus_split_file_follows_the_umask(tmp_path, umask):
    from babyvlm.formats.splits import corpus_splits

    corpus_splits(tmp_path, [("S_20141029_2412_02", "S"), ("S_20141130_2513_01", "S")], seed=0)
    assert mode(tmp_path / "splits.json") == 0o666 & ~umask
    assert io.stray_temps(tmp_path) == []
