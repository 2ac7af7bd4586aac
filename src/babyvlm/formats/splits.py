"""`splits.json`: one train / val / test split per corpus, by session, read by every builder.

The file is written once, by the first builder that needs it (`CORPUS/splits.json`, or the path a
build is given), and used as it is from then on: a later build asking for other fractions or another
seed is told, in one line, that the corpus's split wins. So the pretraining set, the DevCV toolbox
and the V1 benchmarks of one corpus always agree on which sessions are held out.

    {"format": "babyvlm-splits", "generator_version": 1, "by": "session", "seed": 0,
     "fractions": {"train": 0.6, "val": 0.1, "test": 0.3}, "counts": {"train": 3, "val": 1, "test": 2},
     "sessions": {"A_20200101_0700_01": "test", ...}}

How sessions are shared out: the number per split comes from the fractions (largest remainders, at
least one test session when there are two sessions or more). Each child's sessions are shuffled with
the seed and the children interleaved (first session of each child, then the second, ...) before the
splits are filled test, val, train: every split sees as many children as its size allows.

The file may list more sessions than a build sees (a view of part of the corpus, such as the age
views of `babyvlm curve`, uses its parent's file); a session the build sees and the file lacks is an
error, never silently assigned.
"""

from __future__ import annotations

import json
import logging
import math
import os
import tempfile
import zlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from babyvlm.errors import InputError

log = logging.getLogger("babyvlm")

SPLITS = ("train", "val", "test")
SPLITS_FILE = "splits.json"
FORMAT = "babyvlm-splits"
GENERATOR_VERSION = 1
DEFAULT_FRACTIONS = {"train": 0.6, "val": 0.1, "test": 0.3}
FILL_ORDER = ("test", "val", "train")  # the held-out splits first: a benchmark needs a test session


def split_sizes(n: int, fractions: Mapping[str, float]) -> dict[str, int]:
    """Sessions per split for `n` sessions (largest remainders; ties go test, val, train)."""
    fracs = {s: max(0.0, float(fractions.get(s, 0.0))) for s in SPLITS}
    total = sum(fracs.values())
    if total <= 0:
        raise InputError("split fractions must not all be zero")
    want = {s: fracs[s] / total * n for s in SPLITS}
    counts = {s: math.floor(want[s]) for s in SPLITS}
    by_remainder = sorted(SPLITS, key=lambda s: (-(want[s] - counts[s]), FILL_ORDER.index(s)))
    for s in by_remainder[: n - sum(counts.values())]:
        counts[s] += 1
    if n > 1 and fracs["test"] > 0 and counts["test"] == 0:
        donor = max(("train", "val"), key=lambda s: counts[s])
        counts[donor] -= 1
        counts["test"] += 1
    return counts


def assign_splits(sessions: Iterable[tuple[str, str]], fractions: Mapping[str, float], seed: int) -> dict[str, str]:
    """{stem: split} for (stem, child) pairs."""
    by_child: dict[str, list[str]] = defaultdict(list)
    for stem, child in sessions:
        by_child[str(child)].append(stem)
    queues = []
    for child in sorted(by_child):
        stems = sorted(set(by_child[child]))
        # util.rngs.stream(seed, child) written out: formats imports nothing else of the package
        rng = np.random.default_rng([seed, zlib.crc32(child.encode("utf-8"))])
        queues.append([stems[i] for i in rng.permutation(len(stems))])
    order = [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]
    sizes = split_sizes(len(order), fractions)
    out: dict[str, str] = {}
    k = 0
    for s in FILL_ORDER:
        for stem in order[k:k + sizes[s]]:
            out[stem] = s
        k += sizes[s]
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class CorpusSplits:
    """A corpus's split as read from (or just written to) its splits file."""

    path: Path
    seed: int
    fractions: dict[str, float]
    split_of: dict[str, str]  # stem -> train | val | test

    def stems(self, split: str) -> list[str]:
        return sorted(s for s, sp in self.split_of.items() if sp == split)

    def require(self, stems: Iterable[str]) -> None:
        """One-line InputError when a session of the build is not in the file."""
        missing = sorted(set(stems) - set(self.split_of))
        if missing:
            more = f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""
            raise InputError(f"{self.path}: session {missing[0]}{more} of this corpus is not in the split; delete "
                             f"{self.path.name} to regenerate it over every session (outputs built with the old "
                             "split then no longer match)")


def splits_path(corpus: str | os.PathLike, file: str | os.PathLike | None = None) -> Path:
    """Where a corpus's split lives: `file` when given, else CORPUS/splits.json."""
    return Path(file) if file else Path(corpus) / SPLITS_FILE


def read_splits(path: str | os.PathLike) -> CorpusSplits:
    path = Path(path)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise InputError(f"{path}: not a readable splits file ({e}); delete it to regenerate") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(f"{path}: not a babyvlm splits file (no \"format\": \"{FORMAT}\")")
    sessions = doc.get("sessions")
    if not isinstance(sessions, dict) or any(v not in SPLITS for v in sessions.values()):
        raise InputError(f"{path}: \"sessions\" must map each session stem to one of {', '.join(SPLITS)}")
    return CorpusSplits(path, int(doc.get("seed", 0)), {s: float(v) for s, v in doc.get("fractions", {}).items()},
                        dict(sessions))


def splits_document(split_of: Mapping[str, str], fractions: Mapping[str, float], seed: int) -> dict:
    return {"format": FORMAT, "generator_version": GENERATOR_VERSION, "by": "session", "seed": int(seed),
            "fractions": {s: float(fractions.get(s, 0.0)) for s in SPLITS},
            "counts": {s: sum(v == s for v in split_of.values()) for s in SPLITS},
            "sessions": dict(sorted(split_of.items()))}


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def _write_once(path: Path, text: str) -> bool:
    """Create `path` with `text` unless it exists; False when another build created it first.
    (Not util.io.write_json: this layer imports nothing of the package, and the file must never be
    replaced once written, so the temporary file is linked into place rather than renamed over it.)"""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # what open() would give, not mkstemp's 0600 (as util.io.temp_for)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.link(tmp, path)
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink(missing_ok=True)


def corpus_splits(corpus: str | os.PathLike, sessions: Iterable[tuple[str, str]], *, seed: int,
                  fractions: Mapping[str, float] | None = None, file: str | os.PathLike | None = None,
                  option: str = "--splits FILE") -> CorpusSplits:
    """The corpus's split: read from its splits file, or written there from `sessions` ((stem, child)
    pairs: every session of the corpus) when there is none yet. Every given session must be in it.

    `fractions` None: the defaults when writing, and whatever the file has when reading. `option`
    names how the caller's user gives another path (for the error on a read-only corpus)."""
    sessions = list(sessions)
    asked = {s: float((fractions or DEFAULT_FRACTIONS).get(s, 0.0)) for s in SPLITS}
    path = splits_path(corpus, file)
    if not path.exists():
        doc = splits_document(assign_splits(sessions, asked, seed), asked, seed)
        try:
            if _write_once(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n"):
                log.info("wrote the corpus split (%s) to %s", _counts(doc["counts"]), path)
        except OSError as e:  # read-only folder or file system
            raise InputError(f"{path.parent} is not writable ({e.strerror}), so its split cannot be written there; "
                             f"give a splits file elsewhere with {option}") from None
    cs = read_splits(path)
    other_fractions = fractions is not None and any(abs(cs.fractions.get(s, -1.0) - asked[s]) > 1e-9 for s in SPLITS)
    if cs.seed != int(seed) or other_fractions:
        log.warning("%s: the corpus's split (seed %d, %s) wins over this build's (seed %d, %s)", path, cs.seed,
                    _fractions(cs.fractions), seed, _fractions(asked))
    cs.require(stem for stem, _ in sessions)
    return cs


def _fractions(f: Mapping[str, float]) -> str:
    return "/".join(f"{f.get(s, 0):g}" for s in SPLITS) + " train/val/test"


def _counts(c: Mapping[str, int]) -> str:
    return ", ".join(f"{s} {c[s]}" for s in SPLITS) + " sessions"
