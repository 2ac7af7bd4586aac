"""`babyvlm world` and `babyvlm world preview` from the command line."""

from __future__ import annotations

import json

from click.testing import CliRunner
from PIL import Image

from babyvlm.cli import main


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_generate_prints_what_it_made(tmp_path, capsys):
    out = tmp_path / "w"
    args = ["world", "--out", str(out), "--preset", "tiny", "--seed", "3", "--set", "children=[Q]",
            "--set", "sessions_per_child=1", "--set", "session_seconds=6", "--set", "audio=off"]
    code, stdout, _ = run(args, capsys)
    assert code == 0
    assert "world: 1 sessions" in stdout and "utterances" in stdout and f"corpus: {out}" in stdout
    meta = json.loads((out / "corpus.json").read_text())
    assert meta["seed"] == 3 and list(meta["children"]) == ["Q"]
    assert "seed: 3" in (out / "config.yaml").read_text()
    # a rerun finds everything done (nothing is rewritten) and says the same
    video = next((out / "videos").glob("*.mp4"))
    mtime = video.stat().st_mtime_ns
    code, again, _ = run(args, capsys)
    first = [ln for ln in stdout.splitlines() if ln.startswith("world:")]
    assert code == 0 and first and first == [ln for ln in again.splitlines() if ln.startswith("world:")]
    assert video.stat().st_mtime_ns == mtime


def test_preview_writes_a_contact_sheet(tiny_world, tmp_path, capsys):
    sheet = tmp_path / "sheet.png"
    code, stdout, _ = run(["world", "preview", str(tiny_world), "--out", str(sheet), "-n", "6", "--cols", "3"], capsys)
    assert code == 0 and str(sheet) in stdout
    img = Image.open(sheet)
    assert img.width >= 3 * 320 and img.height >= 2 * 240


def test_bad_input_is_one_line(tmp_path, capsys):
    code, _, err = run(["world", "--out", str(tmp_path / "x"), "--preset", "tiny", "--set", "width=333"], capsys)
    assert code == 2 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    code, _, err = run(["world", "--out", str(tmp_path / "x"), "--preset", "huge"], capsys)
    assert code == 2 and "no config preset" in err
    code, _, err = run(["world", "--out", str(tmp_path / "x"), "--workers", "0"], capsys)
    assert code == 2 and "--workers" in err
    code, _, err = run(["world", "preview", str(tmp_path), "--out", str(tmp_path / "s.png")], capsys)
    assert code == 2 and "annotations" in err
    result = CliRunner().invoke(__import__("babyvlm.cli", fromlist=["cli"]).cli, ["world"])
    assert result.exit_code != 0 and "--out" in result.output
