"""Export a pretraining set as Parquet that Hugging Face `datasets` loads, every format alike.

The webdataset shards hold `<id>.<i>.jpg` per image, a varying number per sample; `datasets`'
webdataset loader wants every sample to have the same files, so it reads the single_image shards
but not video or interleaved ones. The Parquet export holds one row per sample and the images as a
list, whatever their number:

    OUT/README.md                          a dataset card whose `configs:` name every format
    OUT/<format>/<split>-00000.parquet     id, images (list of Image: bytes + path), conversations
                                           (list of {from, value}), meta (JSON text)

    load_dataset("parquet", data_files="OUT/video/train-00000.parquet")["train"]
    load_dataset("OUT", "interleaved", split="val")

Images are embedded (the export is self-contained); `path` keeps each image's path relative to the
set. Rows follow the set's json order, row groups of `rows_per_group`; same set, same bytes.
Needs `datasets` (and its pyarrow): `pip install 'babyvlm[datasets]'`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError

FORMATS = ("single_image", "video", "interleaved", "mix_format")
SPLITS = ("train", "val")


def features():
    """The `datasets` features of an exported row (written into the Parquet schema's metadata)."""
    from datasets import Features, Image, List, Value

    return Features({
        "id": Value("string"),
        "images": List(Image()),
        "conversations": List({"from": Value("string"), "value": Value("string")}),
        "meta": Value("string"),
    })


def _require():
    try:
        import datasets  # noqa: F401
        import pyarrow  # noqa: F401
    except ImportError:
        raise InputError("the Parquet export needs Hugging Face datasets: pip install 'babyvlm[datasets]'") from None


def _rows(set_dir: Path, samples: list[dict[str, Any]]):
    for s in samples:
        images = []
        for rel in s.get("image", []):
            try:
                images.append({"bytes": (set_dir / rel).read_bytes(), "path": rel})
            except OSError as e:
                raise InputError(f"{set_dir / rel}: cannot read image of sample {s.get('id')} ({e.strerror})") from None
        yield {"id": s["id"], "images": images,
               "conversations": [{"from": c["from"], "value": c["value"]} for c in s["conversations"]],
               "meta": json.dumps(s.get("meta", {}), sort_keys=True, ensure_ascii=False)}


def export_parquet(set_dir: str | Path, out: str | Path, *, formats: tuple[str, ...] = FORMATS,
                   splits: tuple[str, ...] = SPLITS, rows_per_group: int = 256) -> dict[str, dict[str, int]]:
    """Write OUT/<format>/<split>-00000.parquet for each format and split the set has; returns
    {format: {split: rows}}. A format or split the set lacks is skipped (not in the card)."""
    _require()
    import pyarrow as pa
    import pyarrow.parquet as pq

    from babyvlm.util.io import write_text

    set_dir, out = Path(set_dir), Path(out)
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise InputError(f"unknown format {bad[0]!r} (known: {', '.join(FORMATS)})")
    schema = features().arrow_schema
    counts: dict[str, dict[str, int]] = {}
    for fmt in formats:
        for split in splits:
            src = set_dir / split / f"{fmt}.json"
            if not src.is_file():
                continue
            try:
                samples = json.loads(src.read_text())
            except ValueError as e:
                raise InputError(f"{src}: not a JSON list of samples ({e})") from None
            dest = out / fmt / f"{split}-00000.parquet"
            dest.parent.mkdir(parents=True, exist_ok=True)
            tmp = dest.with_suffix(".parquet.tmp")
            with pq.ParquetWriter(tmp, schema) as writer:
                batch: list[dict[str, Any]] = []
                for row in _rows(set_dir, samples):
                    batch.append(row)
                    if len(batch) == rows_per_group:
                        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                        batch = []
                if batch or not samples:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            tmp.replace(dest)
            counts.setdefault(fmt, {})[split] = len(samples)
    if not counts:
        raise InputError(f"{set_dir}: no <split>/<format>.json here (is it a pretraining set?)")
    write_text(out / "README.md", _card(counts))
    return counts


def _card(counts: dict[str, dict[str, int]]) -> str:
    lines = ["---", "configs:"]
    for fmt, splits in counts.items():
        lines += [f"- config_name: {fmt}", "  data_files:"]
        for split in splits:
            lines += [f"  - split: {split}", f"    path: {fmt}/{split}-*.parquet"]
    lines += ["---", "", "# babyvlm pretraining set (Parquet export)", "",
              "One row per sample: `id`, `images` (list of images), `conversations` (LLaVA turns, one "
              "`<image>` per image), `meta` (JSON text). Written by `babyvlm pretrain export`.", "",
              "| format | " + " | ".join(SPLITS) + " |", "| --- |" + " --- |" * len(SPLITS)]
    for fmt, splits in counts.items():
        lines.append(f"| {fmt} | " + " | ".join(str(splits.get(s, 0)) for s in SPLITS) + " |")
    return "\n".join(lines) + "\n"
