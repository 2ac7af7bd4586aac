"""A tiny SAYCam-layout corpus written by the tests: videos, CSV transcripts, world-style annotations.

Each session is 8 s of 160x120 video at 10 fps (frame counter drawn in). An instance `ball_1` is in
view from 0 to 4 s and `dog_1` from 4 to 8 s; utterances name one of them or nothing, so the ground
truth of every frame is known by construction.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest


def _root_conftest():
    """tests/conftest.py as a module (its helpers are needed by a session-scoped fixture)."""
    spec = importlib.util.spec_from_file_location("_babyvlm_root_conftest", Path(__file__).parents[1] / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod

UTTERANCES = [  # start, end, text, speaker, referent id
    (0.2, 1.9, "look at the ball", "M", "ball_1"),
    (2.0, 3.6, "time for your nap", "F", None),
    (3.7, 4.6, "where is the ball", "M", "ball_1"),
    (4.8, 6.3, "look at the doggy", "M", "dog_1"),
    (6.4, 7.5, "good job", "C", None),
]

STEMS = ["S_20141029_0612_01", "S_20150110_0823_01", "A_20150301_1002_01", "A_20150815_1516_02"]


def visible(inst: str, t: float) -> bool:
    return (inst == "ball_1" and t < 4.0) or (inst == "dog_1" and t >= 4.0)


def write_session(root: Path, stem: str, make_video, seconds: float = 8.0) -> None:
    make_video(root / "videos" / f"{stem}.mp4", seconds=seconds, fps=10, size=(160, 120))
    rows = ["Time,Video Name,Utterance,Speaker,End"]
    for s, e, text, spk, _ in UTTERANCES:
        if e <= seconds:
            rows.append(f"{s},{stem}.mp4,{text},{spk},{e}")
    (root / "transcripts").mkdir(parents=True, exist_ok=True)
    (root / "transcripts" / f"{stem}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    recs = [{"type": "session", "stem": stem, "child": stem[0], "age_days": 200, "width": 160, "height": 120,
             "fps": 10, "duration": seconds, "room": "kitchen", "annotation_rate": 5,
             "instances": [{"id": "ball_1", "category": "ball"}, {"id": "dog_1", "category": "dog"}]}]
    for i in range(int(seconds * 5)):
        t = round(i * 0.2, 3)
        objs = [{"id": inst, "category": inst.split("_")[0], "bbox": [10, 10, 40, 40], "visible": 0.9}
                for inst in ("ball_1", "dog_1") if visible(inst, t)]
        recs.append({"type": "frame", "t": t, "objects": objs})
    for i, (s, e, text, spk, ref) in enumerate(UTTERANCES):
        if e > seconds:
            continue
        refs = [] if ref is None else [{"id": ref, "category": ref.split("_")[0], "visible": True, "visible_fraction": 0.9}]
        recs.append({"type": "utterance", "index": i, "start": s, "end": e, "speaker": spk, "text": text,
                     "kind": "look_at" if ref else "routine", "referents": refs})
    (root / "annotations").mkdir(parents=True, exist_ok=True)
    (root / "annotations" / f"{stem}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    """Four sessions of two children (read-only: copy it before changing it)."""
    write_video = _root_conftest().write_video
    root = tmp_path_factory.mktemp("corpus")
    for stem in STEMS:
        write_session(root, stem, write_video)
    (root / "corpus.json").write_text(json.dumps({"name": "test", "children": {}}), encoding="utf-8")
    _root_conftest().write_corpus_split(root)  # 2 train, 1 val, 1 test session
    return root


def tree_bytes(root: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Every file below `root` (relative path -> bytes), for byte-identity comparisons."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not any(str(p.relative_to(root)).startswith(s) for s in skip)}


@pytest.fixture
def tree():
    return tree_bytes


@pytest.fixture
def oracle_cfg():
    """Fast builds: the default preset with the oracle scorer (no model) and small shards, as the CLI
    gives with `--scorer oracle --set write.shard_max_samples=4`."""
    from babyvlm.config import build_config
    from babyvlm.pretrain.config import PretrainConfig

    def make(**kw):
        cfg = build_config(PretrainConfig, section="pretrain", preset="pretrain/default",
                           overrides=["write.shard_max_samples=4"], values={"scorer": {"name": "oracle"}})
        for k, v in kw.items():
            setattr(cfg, k, v)
        return cfg

    return make
