"""Write child-directed pairs as a pretraining set (docs/formats.md "Pretraining set").

Each subset becomes its own set folder, valid for `babyvlm pretrain check` and readable by
`babyvlm train` like one built from a corpus:

    <set>/frames/<id>.jpg                  the image (JPEG; a JPEG input is copied byte for byte)
    <set>/train/single_image.json          image-utterance pairs (the LLaVA conversation schema)
    <set>/train/{video,interleaved}.json   empty: a captioned image set has no clips or sequences
    <set>/train/mix_format.json            the same samples as single_image.json
    <set>/val/...                          empty lists (synthetic data is training data)
    <set>/text/train.txt, text/val.txt     the utterances, one per line (the language-model corpus)
    <set>/stats.json

Each pair's `meta` keeps the source caption and image, the subset, and its similarity to the infant
corpus; `meta.stem` (the "session", which `pretrain check` keeps out of both splits) is the id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from babyvlm.pretrain.writers import JsonListWriter, TextWriter
from babyvlm.util.io import link_or_copy, write_bytes, write_json
from babyvlm.v1.benchmarks.images import encode

SCHEMA = "babyvlm-pretrain/1"


def place_image(src: Path, dst: Path, *, size: int = 0, quality: int = 90) -> None:
    """A JPEG of `src` at `dst` (bytes copied when it is a JPEG kept at its size; else re-encoded)."""
    if dst.exists():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    with Image.open(src) as im:
        if im.format == "JPEG" and size <= 0:
            write_bytes(dst, src.read_bytes())
            return
        data = encode(im, size=size, quality=quality)
    write_bytes(dst, data)


def link_image(src: Path, dst: Path) -> None:
    """`dst` as a hard link to an image already written (a copy where links are not possible)."""
    if dst.exists():
        return
    link_or_copy(src, dst)


def sample(sid: str, utterance: str, meta: dict[str, Any]) -> dict[str, Any]:
    return {"id": sid, "image": [f"frames/{sid}.jpg"],
            "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": utterance}],
            "meta": {"stem": sid, **meta}}


def write_set(root: Path, samples: list[dict[str, Any]], stats: dict[str, Any]) -> None:
    """The JSON lists, text corpus and stats of one set (its frames are placed by the caller)."""
    for split in ("train", "val"):
        rows = samples if split == "train" else []
        for fmt in ("single_image", "mix_format", "video", "interleaved"):
            w = JsonListWriter(root / split / f"{fmt}.json")
            for s in rows if fmt in ("single_image", "mix_format") else []:
                w.write(s)
            w.close()
        t = TextWriter(root / "text" / f"{split}.txt")
        for s in rows:
            t.write_line(" ".join(s["conversations"][1]["value"].split()))
        t.close()
    write_json(root / "stats.json", {"schema": SCHEMA, **stats,
                                     "counts": {"train": {"single_image": len(samples), "video": 0, "interleaved": 0,
                                                          "mix_format": len(samples), "text_lines": len(samples)},
                                                "val": {"single_image": 0, "video": 0, "interleaved": 0,
                                                        "mix_format": 0, "text_lines": 0}}})


def write_mixed(infant: Path, synthetic: Path, root: Path) -> dict[str, int]:
    """`root` = the infant pretraining set plus the synthetic set's pairs (train split), one set that
    `babyvlm train --data DIR` reads as it reads any. Frames are hard-linked, never copied
    where the file system allows; the infant set's samples are kept as they are (all formats and
    both splits), the synthetic pairs are appended to train/single_image.json and mix_format.json."""
    import json

    counts: dict[str, int] = {}
    linked: set[str] = set()

    def take(src_root: Path, sample: dict[str, Any]) -> None:
        for p in sample.get("image", []):
            if p not in linked:
                link_image(src_root / p, root / p)
                linked.add(p)

    for split in ("train", "val"):
        lists: dict[str, list[dict[str, Any]]] = {}
        for fmt in ("single_image", "video", "interleaved"):
            path = infant / split / f"{fmt}.json"
            lists[fmt] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
        synth = json.loads((synthetic / split / "single_image.json").read_text(encoding="utf-8"))
        for s in synth:
            s["meta"] = {**s["meta"], "subset": "mixed"}
        for rows in lists.values():
            for s in rows:
                take(infant, s)
        for s in synth:
            take(synthetic, s)
        lists["single_image"] = lists["single_image"] + synth
        for fmt in ("single_image", "video", "interleaved"):
            w = JsonListWriter(root / split / f"{fmt}.json")
            for s in lists[fmt]:
                w.write(s)
            w.close()
        mix = JsonListWriter(root / split / "mix_format.json")
        for fmt in ("single_image", "video", "interleaved"):
            for s in lists[fmt]:
                mix.write(s)
        mix.close()
        text_in = infant / "text" / f"{split}.txt"
        t = TextWriter(root / "text" / f"{split}.txt")
        if text_in.exists():
            for line in text_in.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    t.write_line(line)
        for s in synth:
            t.write_line(" ".join(s["conversations"][1]["value"].split()))
        t.close()
        counts[split] = len(lists["single_image"])
        counts[f"{split}_synthetic"] = len(synth)
    return counts
