"""Every pretraining format loads with Hugging Face `datasets` through the Parquet export."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from babyvlm.errors import InputError
from babyvlm.pretrain.export import FORMATS, export_parquet

datasets = pytest.importorskip("datasets")


def _frame(path, seed):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.random.RandomState(seed).randint(0, 255, (12, 16, 3), dtype=np.uint8)).save(path, quality=90)


@pytest.fixture
def pretrain_set(tmp_path):
    """A small set in the pretraining layout: 1 image per single_image sample, 3 frames per video
    sample, 2-3 alternating image/utterance turns per interleaved sample."""
    root = tmp_path / "set"
    n = 0

    def frames(k):
        nonlocal n
        paths = []
        for _ in range(k):
            rel = f"frames/f_{n}.jpg"
            _frame(root / rel, n)
            paths.append(rel)
            n += 1
        return paths

    for split in ("train", "val"):
        single = [{"id": f"{split}_s{i}", "image": frames(1), "meta": {"child": "S", "age_days": 700 + i},
                   "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": f"look {i}"}]}
                  for i in range(3)]
        video = [{"id": f"{split}_v{i}", "image": frames(3), "meta": {"start": 1.0 + i},
                  "conversations": [{"from": "human", "value": "<image><image><image>"},
                                    {"from": "gpt", "value": "the ball"}]} for i in range(2)]
        inter = []
        for i, k in enumerate((2, 3)):
            conv = []
            for j in range(k):
                conv += [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": f"utterance {j}"}]
            inter.append({"id": f"{split}_i{i}", "image": frames(k), "conversations": conv, "meta": {}})
        (root / split).mkdir(parents=True)
        for name, recs in (("single_image", single), ("video", video), ("interleaved", inter),
                           ("mix_format", single + video + inter)):
            (root / split / f"{name}.json").write_text(json.dumps(recs))
    return root


def test_every_format_loads_with_datasets(pretrain_set, tmp_path):
    out = tmp_path / "hf"
    counts = export_parquet(pretrain_set, out)
    assert counts["mix_format"] == {"train": 7, "val": 7} and set(counts) == set(FORMATS)
    for fmt in FORMATS:
        want = json.loads((pretrain_set / "train" / f"{fmt}.json").read_text())
        ds = datasets.load_dataset("parquet", data_files=str(out / fmt / "train-00000.parquet"),
                                  cache_dir=str(tmp_path / "cache"))["train"]
        assert ds.num_rows == len(want)
        for row, sample in zip(ds, want):
            assert row["id"] == sample["id"]
            assert len(row["images"]) == len(sample["image"]) == row["conversations"][0]["value"].count("<image>") \
                or fmt in ("interleaved", "mix_format")
            assert len(row["images"]) == sum(c["value"].count("<image>") for c in row["conversations"])
            assert [np.asarray(im).tolist() for im in row["images"]] == \
                [np.asarray(Image.open(pretrain_set / p).convert("RGB")).tolist() for p in sample["image"]]
            assert row["conversations"] == sample["conversations"]
            assert json.loads(row["meta"]) == sample["meta"]
    # the dataset card names every format as a config, with both splits
    ds = datasets.load_dataset(str(out), "interleaved", cache_dir=str(tmp_path / "cache"))
    assert set(ds) == {"train", "val"} and [len(r["images"]) for r in ds["val"]] == [2, 3]


def test_export_is_deterministic_and_says_what_is_wrong(pretrain_set, tmp_path):
    export_parquet(pretrain_set, tmp_path / "a", formats=("video",))
    export_parquet(pretrain_set, tmp_path / "b", formats=("video",))
    assert (tmp_path / "a/video/train-00000.parquet").read_bytes() == (tmp_path / "b/video/train-00000.parquet").read_bytes()
    with pytest.raises(InputError, match="unknown format"):
        export_parquet(pretrain_set, tmp_path / "c", formats=("audio",))
    with pytest.raises(InputError, match="no <split>/<format>.json"):
        export_parquet(tmp_path / "a", tmp_path / "d")
    (pretrain_set / "frames/f_0.jpg").unlink()
    with pytest.raises(InputError, match="cannot read image"):
        export_parquet(pretrain_set, tmp_path / "e", formats=("single_image",))


def test_cli_export(pretrain_set, tmp_path):
    from click.testing import CliRunner

    from babyvlm.cli import cli

    r = CliRunner().invoke(cli, ["pretrain", "export", str(pretrain_set), "--out", str(tmp_path / "x"),
                                  "--formats", "video,interleaved"])
    assert r.exit_code == 0, r.output
    assert "video: train 2, val 2" in r.output and (tmp_path / "x/interleaved/val-00000.parquet").is_file()
    assert not (tmp_path / "x/single_image").exists()
