"""`babyvlm v1 build CORPUS --out DIR`: the four V1 benchmarks in the official CSV layouts.

    DIR/labeled_s/labeled_s.csv           + images/<category>/<stem>_<ms>.jpeg
    DIR/vtwt/vtwt.csv                     + images/<stem>_<ms>.jpg
    DIR/baby_winoground/baby_winoground.csv + images/
    DIR/saycam_caption/SAYCam_caption.csv + images/
    DIR/<task>/items.jsonl                what each row was built from (frame, foil type, ...)
    DIR/MANIFEST.json                     counts, chance levels, the held-out sessions, settings
    DIR/config.yaml, DIR/rejects.jsonl

By default (`split: corpus`) every item comes from the test sessions of the corpus's splits.json,
the sessions the pretraining set and DevCV's training split leave out; `split: shared` draws from
every session (the paper's shared use of the corpus).

`babyvlm eval --tasks v1 --v1-data DIR` finds each CSV in its task folder and its images/ beside it,
exactly as for the official release. Every random choice comes from the task's stream, `util.rngs.stream(seed,
task index)`: the same corpus and seed give byte-identical CSVs, items and images.

Items are chosen from the annotations alone (scan.py), then only the frames they use are decoded;
an item whose frame cannot be decoded is dropped (a reject) before its CSV is written.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path
from typing import Any

import numpy as np

from babyvlm.config import to_dict, write_config
from babyvlm.corpus import open_corpus
from babyvlm.errors import InputError
from babyvlm.formats.splits import corpus_splits
from babyvlm.util.io import write_json, write_jsonl, write_text
from babyvlm.util.rejects import Reject
from babyvlm.util.rngs import stream
from babyvlm.v1.benchmarks import caption, labeled_s, two_word
from babyvlm.v1.benchmarks.images import FrameRequests
from babyvlm.v1.benchmarks.scan import scan
from babyvlm.v1.config import BuildConfig

TASKS = ("labeled_s", "vtwt", "baby_winoground", "saycam_caption")
CSV_NAMES = {"labeled_s": "labeled_s.csv", "vtwt": "vtwt.csv", "baby_winoground": "baby_winoground.csv",
             "saycam_caption": "SAYCam_caption.csv"}
TASK_INDEX = {t: i for i, t in enumerate(TASKS)}


def csv_text(columns: tuple[str, ...], rows: list[dict[str, str]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def _rng(seed: int, task: str) -> np.random.Generator:
    return stream(seed, TASK_INDEX[task])


def build(corpus_dir: str | Path, out: str | Path, cfg: BuildConfig) -> dict[str, Any]:
    out = Path(out)
    cfg.check()
    unknown = [t for t in cfg.tasks if t not in TASKS]
    if unknown:
        raise InputError(f"unknown V1 task(s) {', '.join(unknown)} (known: {', '.join(TASKS)})")
    if not cfg.tasks:
        raise InputError("no task to build (tasks is empty)")
    corpus = open_corpus(corpus_dir)
    rejects: list[Reject] = list(corpus.rejects)
    test = test_sessions(corpus_dir, corpus, cfg)
    sessions = [s for s in scan(corpus, cfg.frames, rejects) if test is None or s.stem in test]
    if not sessions:
        raise InputError(f"{corpus_dir}: no session with readable annotations"
                         + (" among the corpus's test sessions (splits.json; --set split=shared uses every session)"
                            if test is not None else ""))
    frames = [f for s in sessions for f in s.frames]
    video_of = {s.stem: s.video for s in sessions}
    out.mkdir(parents=True, exist_ok=True)
    write_config(cfg, out, section="build")
    for t in cfg.tasks:  # a rebuild replaces a task's folder entirely (no stale images)
        shutil.rmtree(out / t, ignore_errors=True)

    req = FrameRequests()
    built: dict[str, dict[str, Any]] = {}

    if "labeled_s" in cfg.tasks:
        ex = labeled_s.exemplars(frames, cfg.frames)
        trials, per_cat = labeled_s.build_trials(ex, cfg.labeled_s, cfg.frames, _rng(cfg.seed, "labeled_s"))
        for trial in trials:
            for e in trial:
                req.want(e.frame.stem, video_of[e.frame.stem], e.frame.t, out / "labeled_s" / "images" / e.image)
        built["labeled_s"] = {"units": trials, "images": lambda tr: [out / "labeled_s" / "images" / e.image for e in tr],
                              "rows": labeled_s.rows, "columns": labeled_s.COLUMNS,
                              "record": lambda tr: {"target": tr[0].category, "frames": [
                                  {"category": e.category, "stem": e.frame.stem, "t": e.frame.t, "image": e.image}
                                  for e in tr]},
                              "extra": {"trials_per_category": per_cat,
                                        "exemplars_per_category": {c: len(v) for c, v in ex.items()}}}

    if "vtwt" in cfg.tasks or "baby_winoground" in cfg.tasks:
        cands = two_word.candidates(frames, cfg.frames, cfg.two_word.exclude)
        vocab = two_word.Vocabulary(cands)
    if "vtwt" in cfg.tasks:
        items = two_word.build_vtwt(cands, vocab, cfg.two_word, _rng(cfg.seed, "vtwt"))
        for it in items:
            f = it.cand.frame
            req.want(f.stem, video_of[f.stem], f.t, out / "vtwt" / "images" / it.cand.image)
        built["vtwt"] = {"units": items, "images": lambda it: [out / "vtwt" / "images" / it.cand.image],
                         "rows": two_word.vtwt_rows, "columns": two_word.VTWT_COLUMNS,
                         "record": lambda it: {"image": it.cand.image, "stem": it.cand.frame.stem, "t": it.cand.frame.t,
                                               "positive": it.cand.phrase.text, "negative": it.foil.text,
                                               "foil": it.kind},
                         "extra": {"foil_types": _count(it.kind for it in items), "candidate_frames": len(cands)}}
    if "baby_winoground" in cfg.tasks:
        items = two_word.build_winoground(cands, cfg.two_word, _rng(cfg.seed, "baby_winoground"))
        for it in items:
            for c in (it.pos, it.neg):
                req.want(c.frame.stem, video_of[c.frame.stem], c.frame.t, out / "baby_winoground" / "images" / c.image)
        built["baby_winoground"] = {
            "units": items, "images": lambda it: [out / "baby_winoground" / "images" / c.image for c in (it.pos, it.neg)],
            "rows": two_word.winoground_rows, "columns": two_word.WINOGROUND_COLUMNS,
            "record": lambda it: {"positive": {"image": it.pos.image, "phrase": it.pos.phrase.text},
                                  "negative": {"image": it.neg.image, "phrase": it.neg.phrase.text}, "differs": it.kind},
            "extra": {"differs": _count(it.kind for it in items)}}

    if "saycam_caption" in cfg.tasks:
        all_stems = [e.stem for e in corpus.entries]
        items, stems = caption.build_captions(sessions, all_stems, cfg.caption, cfg.seed, _rng(cfg.seed, "saycam_caption"),
                                              test)
        for it in items:
            req.want(it.session.stem, it.session.video, it.utt.t, out / "saycam_caption" / "images" / it.image)
        built["saycam_caption"] = {
            "units": items, "images": lambda it: [out / "saycam_caption" / "images" / it.image],
            "rows": caption.rows, "columns": caption.COLUMNS,
            "record": lambda it: {"image": it.image, "stem": it.session.stem, "t": it.utt.t, "start": it.utt.start,
                                  "end": it.utt.end, "speaker": it.utt.speaker, "kind": it.utt.kind,
                                  "text": it.utt.text, "visible": list(it.utt.visible_referents)},
            "extra": {"sessions": stems, "split": "test" if test is not None else cfg.caption.sessions}}

    _, failed = req.write_all(size=cfg.image_size, quality=cfg.jpeg_quality)
    manifest: dict[str, Any] = {"corpus": str(Path(corpus_dir)), "seed": cfg.seed, "split": cfg.split,
                                "sessions": sorted(s.stem for s in sessions), "tasks": {}}
    for task in TASKS:
        if task not in built:
            continue
        b = built[task]
        good = []
        for u in b["units"]:
            bad = [p for p in b["images"](u) if p in failed]
            if bad:
                rejects.append(Reject(str(bad[0]), failed[bad[0]], None, "v1-build", {"task": task}))
            else:
                good.append(u)
        folder = out / task
        folder.mkdir(parents=True, exist_ok=True)
        rows = b["rows"](good)
        write_text(folder / CSV_NAMES[task], csv_text(b["columns"], rows))
        write_jsonl(folder / "items.jsonl", (b["record"](u) for u in good))
        n_images = len({p for u in good for p in b["images"](u)})
        manifest["tasks"][task] = {"csv": f"{task}/{CSV_NAMES[task]}", "items": len(good), "rows": len(rows),
                                   "images": n_images, "chance": CHANCE[task], "summary": _summary(task, b, good),
                                   **b["extra"]}
    manifest["rejects"] = len(rejects)
    manifest["config"] = to_dict(cfg)
    write_json(out / "MANIFEST.json", manifest)
    write_jsonl(out / "rejects.jsonl", (r.to_dict() for r in rejects))
    return manifest


def test_sessions(corpus_dir: str | Path, corpus, cfg: BuildConfig) -> set[str] | None:
    """The corpus's test sessions (splits.json, written on first use); None with `split: shared`."""
    if cfg.split == "shared":
        return None
    cs = corpus_splits(corpus_dir, [(e.stem, e.child) for e in corpus.entries], seed=cfg.seed, file=cfg.splits_file,
                       option="--splits FILE (v1 build: splits_file)")
    return set(cs.stems("test"))


CHANCE = {"labeled_s": {"acc": 0.25}, "vtwt": {"acc": 0.5},
          "baby_winoground": {"text_score": 0.25, "image_score": 0.25, "group_score": 1 / 6},
          "saycam_caption": {"meteor": None}}


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return dict(sorted(out.items()))


def _summary(task: str, b: dict[str, Any], good: list) -> str:
    if task == "labeled_s":
        cats = sorted({u[0].category for u in good})
        return f"{len(cats)} categories"
    if task == "vtwt":
        return "foils " + ", ".join(f"{k} {v}" for k, v in _count(u.kind for u in good).items())
    if task == "baby_winoground":
        return "differs in " + ", ".join(f"{k} {v}" for k, v in _count(u.kind for u in good).items())
    return f"{len({u.session.stem for u in good})} held-out sessions"
