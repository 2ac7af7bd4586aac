"""`babyvlm pretrain merge PART... --out DIR`: join shard builds (`build --shard i/N`) into one set.

Each input is a shard's output folder. Their settings must agree (workers aside); their part files
and frames are copied (hard-linked where possible) into DIR, and the set is assembled there over all
sessions, so keep-fraction thresholds and statistics are those of the whole corpus. The split is the
one every shard recorded in its listing (the corpus's splits.json; with `split.shared`, derived from
the full corpus listing); the corpus's test sessions stay held out.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from babyvlm.config import build_config, to_dict, write_config
from babyvlm.errors import InputError
from babyvlm.pretrain.assemble import assemble
from babyvlm.pretrain.build import LISTING
from babyvlm.pretrain.config import PretrainConfig
from babyvlm.pretrain.split import split_sessions
from babyvlm.util.io import link_or_copy, read_json, write_bytes, write_json


def _config(d: Path) -> PretrainConfig:
    path = d / "config.yaml"
    if not path.exists():
        raise InputError(f"{d}: no config.yaml (not a `babyvlm pretrain build` output)")
    return build_config(PretrainConfig, section="pretrain", preset=path)


def _comparable(cfg: PretrainConfig) -> dict[str, Any]:
    d = to_dict(cfg)
    d.pop("workers", None)
    return d


def _link(src: Path, dst: Path) -> None:
    if dst.exists() and dst.stat().st_size == src.stat().st_size:
        return
    link_or_copy(src, dst)


def merge(inputs: list[Path], out: Path, *, allow_missing: bool = False) -> dict[str, Any]:
    if not inputs:
        raise InputError("merge needs at least one shard folder")
    out = Path(out)
    if any(Path(i).resolve() == out.resolve() for i in inputs):
        raise InputError(f"{out}: the output must not be one of the inputs")
    cfg = _config(Path(inputs[0]))
    for d in inputs[1:]:
        if _comparable(_config(Path(d))) != _comparable(cfg):
            raise InputError(f"{d}: its config.yaml differs from {inputs[0]}'s; shards must be built with one config")
    (out / "parts").mkdir(parents=True, exist_ok=True)
    (out / "frames").mkdir(parents=True, exist_ok=True)
    listing_stems: set[str] = set()
    recorded: dict[str, str] = {}  # the split each shard took from the corpus's splits.json
    rejects: dict[str, dict[str, Any]] = {}
    owner: dict[str, tuple[Path, str]] = {}
    for d in map(Path, inputs):
        lst = d / "parts" / LISTING
        if lst.exists():
            listing = read_json(lst)
            listing_stems.update(listing["stems"])
            recorded.update(listing.get("split") or {})
            for r in listing["rejects"]:
                rejects.setdefault(json.dumps(r, sort_keys=True), r)
        for p in sorted((d / "parts").glob("*.json")):
            if p.name == LISTING:
                continue
            part = read_json(p)
            stem = part["stem"]
            if stem in owner:
                if owner[stem][1] != part["fingerprint"]:
                    raise InputError(f"session {stem} is in {owner[stem][0]} and {d} with different settings")
                continue
            owner[stem] = (d, part["fingerprint"])
            for c in part["clips"]:
                for f in c["frames"]:
                    if f["file"] and (d / "frames" / f["file"]).exists():
                        _link(d / "frames" / f["file"], out / "frames" / f["file"])
            write_bytes(out / "parts" / p.name, p.read_bytes())
    if not owner:
        raise InputError("no part files in the inputs (were they built with `babyvlm pretrain build`?)")
    held_out = set() if cfg.split.shared else {s for s, sp in recorded.items() if sp == "test"}
    missing = sorted(listing_stems - set(owner) - held_out)
    if missing and not allow_missing:
        raise InputError(f"{len(missing)} sessions of the corpus are in no input (e.g. {missing[0]}); "
                         "give every shard, or pass --allow-missing")
    stems = sorted(owner)
    all_stems = sorted(listing_stems | set(owner))
    if cfg.split.shared:
        split_of = split_sessions(all_stems, cfg.split.val_fraction, cfg.seed)
    else:
        unknown = sorted(set(owner) - set(recorded))
        if unknown:
            raise InputError(f"session {unknown[0]} has no recorded split in its shard's listing (built before "
                             "splits.json); rebuild the shards")
        split_of = recorded
    write_config(cfg, out, section="pretrain")
    write_json(out / "parts" / LISTING, {"stems": all_stems, "rejects": list(rejects.values()), "split": split_of})
    return assemble(out, cfg, stems, list(rejects.values()), split_of=split_of, held_out=sorted(held_out))
