"""Every command answers bad values and a bad `--out` with exit 2 and one line naming the key or
path (no traceback, no usage block), before doing any work (issue 17)."""

from __future__ import annotations

import pytest

from babyvlm.cli import main


@pytest.fixture
def place(tmp_path):
    (tmp_path / "corpus").mkdir()
    (tmp_path / "afile").write_text("not a folder")
    (tmp_path / "captions.json").write_text("[]")
    return tmp_path


def run(args, capsys) -> tuple[int, str]:
    rc = main([str(a) for a in args])
    err = capsys.readouterr().err.strip()
    return rc, err


def one_line(rc: int, err: str, *fragments: str) -> None:
    assert rc == 2, err
    assert "\n" not in err and err.startswith("error: ") and "Traceback" not in err, err
    for f in fragments:
        assert f in err, err


# (command line before the options, an out-of-range override, the key the reason names)
COMMANDS = [
    (["world"], "fps=0", "world.fps must be between 1 and 60"),
    (["world"], "session_seconds=-1", "world.session_seconds"),
    (["pretrain", "build", "{corpus}"], "frames.fps=0", "pretrain.frames.fps must be > 0"),
    (["pretrain", "build", "{corpus}"], "frames.size=-5", "pretrain.frames.size must be >= 16, got -5"),
    (["pretrain", "build", "{corpus}"], "frames.max_video_frames=0", "pretrain.frames.max_video_frames must be >= 1"),
    (["pretrain", "build", "{corpus}"], "segment.min_duration=20", "pretrain.segment.min_duration (20.0) must be below"),
    (["scorer", "train", "{corpus}"], "train.lr=-1", "scorer.train.lr must be > 0"),
    (["devcv", "build", "{corpus}"], "fps=0", "devcv.fps must be > 0"),
    (["devcv", "build", "{corpus}"], "image.jpeg_quality=101", "devcv.image.jpeg_quality must be between 1 and 100"),
    (["v1", "transform", "{captions}", "--infant", "{corpus}"], "embed.size=4", "transform.embed.size must be >= 8"),
    (["v1", "build", "{corpus}"], "frames.min_area=2", "build.frames.min_area must be between 0 and 1"),
    (["corpus", "transcribe", "{corpus}"], "min_confidence=2", "asr.min_confidence must be between 0 and 1"),
]


def _fill(args, place):
    return [a.format(corpus=place / "corpus", captions=place / "captions.json") for a in args]


@pytest.mark.parametrize("head,override,reason", COMMANDS, ids=[f"{' '.join(c[0][:2])}:{c[1]}" for c in COMMANDS])
def test_bad_config_value_is_one_line(place, capsys, head, override, reason):
    rc, err = run([*_fill(head, place), "--out", place / "out", "--set", override], capsys)
    one_line(rc, err, reason)
    assert not (place / "out").exists()  # refused before any work


def test_train_bad_value_is_one_line(place, capsys):
    rc, err = run(["train", "--stage", "1", "--run", place / "run", "--set", "stage1.lr=-1"], capsys)
    one_line(rc, err, "train.stage1.lr must be >= 0")
    rc, err = run(["train", "--stage", "1", "--run", place / "run", "--set", "model.text.layers=0"], capsys)
    one_line(rc, err, "model.text.layers must be >= 1")


OUT_COMMANDS = [
    ["world", "--out"],
    ["pretrain", "build", "{corpus}", "--out"],
    ["scorer", "train", "{corpus}", "--out"],
    ["devcv", "build", "{corpus}", "--out"],
    ["devcv", "export", "{corpus}", "--out"],
    ["v1", "transform", "{captions}", "--infant", "{corpus}", "--out"],
    ["v1", "build", "{corpus}", "--out"],
    ["corpus", "transcribe", "{corpus}", "--out"],
    ["train", "--stage", "1", "--run"],
    ["curve", "{corpus}", "--out"],
    ["demo", "--out"],
]


@pytest.mark.parametrize("head", OUT_COMMANDS, ids=[" ".join(c[:2]) for c in OUT_COMMANDS])
@pytest.mark.parametrize("target", ["afile", "afile/sub"])
def test_out_naming_a_file_is_one_line(place, capsys, head, target):
    rc, err = run([*_fill(head, place), place / target], capsys)
    one_line(rc, err, str(place / target), "not a folder")
    assert (place / "afile").read_text() == "not a folder"


def test_a_path_in_the_way_later_is_one_line(place, capsys, monkeypatch):
    """A file in the way found only while writing (not by the option's check) is one line too."""
    def boom(*a, **k):
        raise FileExistsError(17, "File exists", str(place / "afile"))

    monkeypatch.setattr("babyvlm.world.generate_world", boom)
    rc, err = run(["world", "--out", place / "w", "--preset", "tiny"], capsys)
    one_line(rc, err, "File exists", "afile")
