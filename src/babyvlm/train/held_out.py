"""Training never learns from the sessions its DevCV build holds out: the check between the two builds.

The pretraining set and the DevCV toolbox of one corpus are built from the same `splits.json`, so no
session that supplies a DevCV val or test item is in the pretraining set's train split. Builds made
from different splits (another seed, another corpus copy, a hand-made set) would break that without
a sign, and the model would pretrain on the frames it is tested on. So before a run trains with both,
it compares them: the sessions named by the pretraining set's train records (`meta.stem`) against
the sessions the DevCV build's `MANIFEST.json` holds out (`sources.sessions.val` / `.test`).

An overlap is an error, unless the pretraining set was built with `split.shared` (the paper's shared
use of the corpus, `babyvlm pretrain build --set split.shared=true`), which is logged as such. A
DevCV folder without a manifest (official data, a hand-made folder) or a pretraining set without
stems cannot be checked; the record says so.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from babyvlm.errors import InputError
from babyvlm.train.samples import PRETRAIN_FORMATS

log = logging.getLogger("babyvlm")


def held_out_sessions(devcv: Path) -> dict[str, str] | None:
    """{session: "val" | "test"} from a DevCV build's MANIFEST.json; None without one."""
    manifest = Path(devcv) / "MANIFEST.json"
    if not manifest.is_file():
        return None
    sessions = (json.loads(manifest.read_text(encoding="utf-8")).get("sources") or {}).get("sessions") or {}
    return {stem: split for split in ("val", "test") for stem in sessions.get(split, [])}


def pretrain_sessions(pretrain: Path) -> tuple[set[str], str]:
    """(sessions of the pretraining set's train records, its split mode: corpus / shared / unknown)."""
    stems: set[str] = set()
    for fmt in PRETRAIN_FORMATS:
        path = Path(pretrain) / "train" / f"{fmt}.json"
        if path.is_file():
            for rec in json.loads(path.read_text(encoding="utf-8")):
                stem = (rec.get("meta") or {}).get("stem") if isinstance(rec, dict) else None
                if stem:
                    stems.add(str(stem))
    stats = Path(pretrain) / "stats.json"
    mode = "unknown"
    if stats.is_file():
        mode = str((json.loads(stats.read_text(encoding="utf-8")).get("sessions") or {}).get("split", "unknown"))
    return stems, mode


def check_held_out(pretrain: Path | None, devcv: Path | None) -> dict[str, Any] | None:
    """The check's record (for run.json), or None when the run does not use both builds; raises
    InputError when the pretraining set trains on a session the DevCV build holds out."""
    if pretrain is None or devcv is None:
        return None
    held = held_out_sessions(devcv)
    if held is None:
        return {"checked": False, "why": f"{devcv} has no MANIFEST.json (not a babyvlm build)"}
    stems, mode = pretrain_sessions(pretrain)
    if not stems:
        return {"checked": False, "why": f"{pretrain}'s train records name no sessions (meta.stem)"}
    overlap = sorted(stems & held.keys())
    record = {"checked": True, "pretrain_sessions": len(stems), "devcv_held_out": len(held),
              "overlap": len(overlap), "pretrain_split": mode}
    if overlap and mode != "shared":
        raise InputError(
            f"the pretraining set {pretrain} trains on {len(overlap)} session(s) that the DevCV build {devcv} "
            f"holds out for {held[overlap[0]]} (first: {overlap[0]}): the two were built from different splits; "
            "rebuild one with the corpus's splits.json (--splits), or build the pretraining set with "
            "split.shared=true to use the corpus as the paper did")
    if overlap:
        log.warning("the pretraining set shares %d session(s) with the DevCV build's held-out splits "
                    "(split.shared: the paper's use of the corpus)", len(overlap))
    return record
