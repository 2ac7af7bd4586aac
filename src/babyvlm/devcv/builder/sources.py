"""Annotated frames from a corpus: the world's ground truth or a COCO-style detections file.

Both give the same thing per session, written once to `OUT/work/index/<stem>.json` (a rerun reuses
it): frames at `fps` frames per second, each with its objects (CDI item, box of visible pixels,
visible fraction, instance id where known), and the objects that leave the view (`events`) with
the frames of the moments before. World sessions are decoded once and their frames cached as
JPEG under `OUT/work/frames/<stem>/`; detection inputs point at their own image files.

Frame times: the k-th frame is the annotated frame nearest to (k + 0.5) / fps (the corpus'
sampling convention), so boxes and pixels always belong to the same video frame.

Leaving events come from the world's `leaves_frame` records and, for every source with instance
ids (world or tracked detections), from the tracks themselves: an instance seen for a while whose
box touches the frame edge and then is gone for at least `absent` seconds left through that edge
(`top left` where it touches two). Objects carried out by the camera turning count as well as
objects that move.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babyvlm.corpus.annotations import read_annotations
from babyvlm.corpus.stems import parse_stem
from babyvlm.devcv.builder.config import DevCVBuildConfig
from babyvlm.devcv.builder.vocab import Vocabulary
from babyvlm.errors import InputError
from babyvlm.util.io import read_json, write_json

INDEX_VERSION = 2
ABSENT = 0.8  # seconds an instance must stay out of view after leaving (derived events)
CLIP_MARGIN = 0.2  # seconds cached after an event's end


@dataclass
class Obj:
    id: str | None  # instance id (None: detections without tracks)
    item: str  # CDI item
    box: tuple[float, float, float, float]  # x, y, w, h of the visible pixels
    visible: float = 1.0


@dataclass
class FrameRec:
    session: str
    t: float
    image: str  # path of the frame image
    width: int
    height: int
    objects: list[Obj] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.session}@{self.t:.3f}"


@dataclass
class ClipFrame:
    t: float
    image: str
    box: tuple[float, float, float, float] | None  # the leaving instance (None: out of view)
    visible: float
    others: int  # other instances of the same item in view


@dataclass
class LeaveEvent:
    session: str
    id: str
    item: str
    start: float
    end: float
    side: str
    origin: str  # world | tracks
    clip: list[ClipFrame] = field(default_factory=list)
    width: int = 0
    height: int = 0


@dataclass
class SessionIndex:
    stem: str
    child: str
    age_days: int | None
    source: str  # world | detections
    width: int
    height: int
    frames: list[FrameRec]
    events: list[LeaveEvent]
    labels: dict[str, dict[str, int]]  # kept / dropped box counts (1-FPS frames)
    split: str = ""

    @property
    def n_frames(self) -> int:
        return len(self.frames)


# ---------------------------------------------------------------------------------------- helpers

def one_fps_times(times: list[float], duration: float, fps: float) -> list[float]:
    """For k = 0, 1, ...: the time in `times` nearest (k + 0.5) / fps (ties: the earlier), deduplicated."""
    import bisect

    out: list[float] = []
    k = 0
    while (target := (k + 0.5) / fps) < duration:
        i = bisect.bisect_left(times, target)
        cands = [j for j in (i - 1, i) if 0 <= j < len(times)]
        if cands:
            j = min(cands, key=lambda c: (abs(times[c] - target), times[c]))
            if abs(times[j] - target) <= 0.5 / fps and (not out or times[j] > out[-1]):
                out.append(times[j])
        k += 1
    return out


def touching(box, width: int, height: int, margin: float = 1.0) -> list[str]:
    x, y, w, h = box
    sides = []
    if y <= margin:
        sides.append("top")
    if y + h >= height - margin:
        sides.append("bottom")
    if x <= margin:
        sides.append("left")
    if x + w >= width - margin:
        sides.append("right")
    return sides


def side_name(sides: list[str]) -> str | None:
    v = [s for s in sides if s in ("top", "bottom")]
    h = [s for s in sides if s in ("left", "right")]
    if len(v) > 1 or len(h) > 1 or not sides:
        return None  # touching opposite edges: too big to say where it went
    return " ".join(v + h)


def derive_events(tracks: dict[str, list[tuple[float, tuple, float]]], times: list[float], width: int, height: int,
                  min_track: int) -> list[tuple[str, float, float, str]]:
    """(id, start, end, side) for each instance that leaves through an edge (see module doc)."""
    out = []
    for iid, recs in tracks.items():
        present = {t: (box, vis) for t, box, vis in recs}
        run: list[float] = []  # consecutive annotated times the instance was in view
        for i, t in enumerate(times):
            if t in present:
                run.append(t)
                continue
            if len(run) >= min_track:
                last = run[-1]
                box, _ = present[last]
                later = [u for u in times[i:] if u - t < ABSENT]
                gone = all(u not in present for u in later) and times[-1] - t >= ABSENT
                side = side_name(touching(box, width, height))
                if gone and side is not None:
                    start = last
                    for u in reversed(run):  # back to where it first touched that edge
                        if side_name(touching(present[u][0], width, height)) != side:
                            break
                        start = u
                    out.append((iid, start, t, side))
            run = []
    return out


def _clip(recs_by_t: dict[float, dict[str, tuple[tuple, float]]], times: list[float], iid: str, item_of: dict[str, str],
          end: float, span: float) -> list[tuple[float, tuple | None, float, int]]:
    item = item_of.get(iid)
    out = []
    for t in times:
        if end - span - 1e-6 <= t <= end + CLIP_MARGIN + 1e-6:
            objs = recs_by_t.get(t, {})
            box, vis = objs.get(iid, (None, 0.0))
            others = sum(1 for oid in objs if oid != iid and item_of.get(oid) == item)
            out.append((t, box, vis, others))
    return out


MIN_FIRST_VISIBLE = 0.3  # the leaving object, in the clip's first frame


def clip_usable(clip: list[ClipFrame]) -> bool:
    """A clip can make a VDR item: the object is clearly in its first frame and is the only one of its
    word in view throughout (so "the cup" names it)."""
    if not clip or clip[0].box is None or clip[0].visible < MIN_FIRST_VISIBLE:
        return False
    return all(c.others == 0 for c in clip)


def frame_path(work: Path, stem: str, t: float) -> Path:
    return work / "frames" / stem / f"{int(round(t * 1000)):08d}.jpg"


# ---------------------------------------------------------------------------------------- world

def index_world_session(stem: str, child: str, age_days: int | None, video: str, annotations: str,
                        cfg: DevCVBuildConfig, work: Path) -> dict[str, Any]:
    """Read one world session's ground truth, decode its frames into the cache, return its index."""
    from babyvlm.corpus.video import VideoReader

    ann = read_annotations(annotations)
    head = ann.header
    width, height = int(head.get("width", 0)), int(head.get("height", 0))
    vocab = Vocabulary(cfg.vocab.form, cfg.vocab.categories, cfg.vocab.synonyms)
    inst = {i["id"]: i for i in head.get("instances", [])}
    terms: dict[str, str | None] = {}

    def item_of_obj(o) -> str | None:
        if o.id not in terms:
            meta = inst.get(o.id, {})
            t = vocab.lookup(meta.get("category", o.category), meta.get("cdi_item"))
            terms[o.id] = t.item if t else None
        return terms[o.id]

    times = [f.t for f in ann.frames]
    duration = float(head.get("duration") or (times[-1] if times else 0.0))
    picked = one_fps_times(times, duration, cfg.fps)
    frames = []
    for t in picked:
        fa = ann.frame_at(t)
        objs = []
        for o in fa.objects:
            item = item_of_obj(o)
            if item is None:
                vocab.dropped[o.category] += 1
                continue
            vocab.kept[item] += 1
            objs.append(Obj(o.id, item, tuple(float(v) for v in o.bbox), float(o.visible)))
        frames.append(FrameRec(stem, t, str(frame_path(work, stem, t)), width, height, objs))

    # tracks at the full annotation rate, for leaving events
    tracks: dict[str, list] = defaultdict(list)
    recs_by_t: dict[float, dict[str, tuple]] = {}
    item_of: dict[str, str] = {}
    for fa in ann.frames:
        d = {}
        for o in fa.objects:
            item = item_of_obj(o)
            if item is None:
                continue
            item_of[o.id] = item
            d[o.id] = (tuple(float(v) for v in o.bbox), float(o.visible))
            tracks[o.id].append((fa.t, d[o.id][0], d[o.id][1]))
        recs_by_t[fa.t] = d
    found: list[tuple[str, float, float, str, str]] = []
    for e in ann.events:
        if e.get("event") == "leaves_frame" and e.get("id") in item_of and e.get("side"):
            found.append((e["id"], float(e["start"]), float(e["end"]), str(e["side"]), "world"))
    for iid, start, end, side in derive_events(tracks, times, width, height, cfg.vdr.min_track):
        if not any(f[0] == iid and abs(f[2] - end) < 1.0 for f in found):
            found.append((iid, start, end, side, "tracks"))
    found.sort(key=lambda f: (f[2], f[0]))
    span = cfg.vdr.span[1]
    events = []
    for iid, start, end, side, origin in found:
        clip = [ClipFrame(t, str(frame_path(work, stem, t)), box, vis, others)
                for t, box, vis, others in _clip(recs_by_t, times, iid, item_of, end, span)]
        if not clip_usable(clip):
            clip = []  # kept as an event (counted), no frames decoded for it
        events.append(LeaveEvent(stem, iid, item_of[iid], start, end, side, origin, clip, width, height))

    needed = sorted({f.t for f in frames} | {c.t for e in events for c in e.clip})
    reader = VideoReader(video)
    for fr in reader.frames_at(needed):
        p = frame_path(work, stem, fr.time)
        if not p.exists():
            p.parent.mkdir(parents=True, exist_ok=True)
            tmp = p.with_suffix(".tmp")
            fr.image.convert("RGB").save(tmp, "JPEG", quality=95)
            tmp.replace(p)
    return _to_json(SessionIndex(stem, child, age_days, "world", width, height, frames, events,
                                 {"kept": dict(vocab.kept), "dropped": dict(vocab.dropped)}))


# ---------------------------------------------------------------------------------------- detections

_NUM = re.compile(r"(\d+(?:\.\d+)?)")


def load_detections(path: Path, frames_root: Path, cfg: DevCVBuildConfig) -> tuple[list[dict[str, Any]], list[str]]:
    """Sessions (as index dicts) from a COCO-style detections file, and one-line problems.

    `images`: `{id, file_name, width, height}` plus, where known, `session` (or `video`, or a
    `video_id` into `videos: [{id, name}]`) and `time` in seconds (or `frame_index` at `--set
    detections.fps`); without them the session is the image's folder name and the time the last
    number in its file name divided by the fps. `annotations`: `{image_id, bbox: [x, y, w, h],
    category_id}` plus optional `score`, `track_id` (or `instance_id`) and `visible`.
    `categories`: `{id, name}`.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read the detections file ({e})") from None
    if not isinstance(data, dict) or not isinstance(data.get("images"), list) or not isinstance(data.get("annotations"), list):
        raise InputError(f"{path}: not a COCO-style file (needs 'images' and 'annotations' lists)")
    cats = {c["id"]: c["name"] for c in data.get("categories", []) if isinstance(c, dict) and "id" in c and "name" in c}
    videos = {v["id"]: v.get("name", str(v["id"])) for v in data.get("videos", []) if isinstance(v, dict) and "id" in v}
    problems: list[str] = []
    images: dict[Any, dict[str, Any]] = {}
    for k, im in enumerate(data["images"]):
        if not isinstance(im, dict) or "id" not in im or "file_name" not in im:
            problems.append(f"images[{k}]: needs 'id' and 'file_name'")
            continue
        fpath = Path(im["file_name"])
        fpath = fpath if fpath.is_absolute() else frames_root / fpath
        session = im.get("session") or im.get("video") or videos.get(im.get("video_id")) or fpath.parent.name
        if "time" in im:
            t = float(im["time"])
        elif "frame_index" in im or "frame_id" in im:
            t = float(im.get("frame_index", im.get("frame_id"))) / cfg.detections.fps
        else:
            nums = _NUM.findall(fpath.stem)
            if not nums:
                problems.append(f"images[{k}] {im['file_name']}: no time, frame_index or number in the file name")
                continue
            t = float(nums[-1]) / cfg.detections.fps
        if not fpath.is_file():
            problems.append(f"images[{k}]: missing image file {fpath}")
            continue
        w, h = im.get("width"), im.get("height")
        if not w or not h:
            from PIL import Image

            with Image.open(fpath) as pim:
                w, h = pim.size
        images[im["id"]] = {"session": str(session), "t": round(t, 6), "image": str(fpath), "width": int(w),
                            "height": int(h), "objects": []}
    for k, a in enumerate(data["annotations"]):
        try:
            im = images.get(a["image_id"])
            if im is None:
                continue  # its image was reported above (or never listed)
            x, y, w, h = (float(v) for v in a["bbox"])
            name = cats.get(a.get("category_id"), a.get("category") or a.get("label"))
            if name is None:
                raise KeyError("category_id")
        except (KeyError, TypeError, ValueError) as e:
            problems.append(f"annotations[{k}]: malformed ({type(e).__name__}: {e})")
            continue
        if float(a.get("score", 1.0)) < cfg.objects.min_score or a.get("iscrowd"):
            continue
        tid = a.get("track_id", a.get("instance_id"))
        im["objects"].append({"id": None if tid is None else str(tid), "label": str(name), "box": (x, y, w, h),
                              "visible": float(a.get("visible", 1.0))})
    by_session: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for im in images.values():
        by_session[im["session"]].append(im)
    out = []
    for stem in sorted(by_session):
        out.append(_detections_session(stem, sorted(by_session[stem], key=lambda r: r["t"]), cfg))
    return out, problems


def _detections_session(stem: str, ims: list[dict[str, Any]], cfg: DevCVBuildConfig) -> dict[str, Any]:
    vocab = Vocabulary(cfg.vocab.form, cfg.vocab.categories, cfg.vocab.synonyms)
    info = parse_stem(stem)
    width, height = ims[0]["width"], ims[0]["height"]
    times = [r["t"] for r in ims]
    duration = times[-1] + 0.5 / cfg.fps
    keep = set(one_fps_times(times, duration, cfg.fps))
    frames, tracks, recs_by_t, item_of = [], defaultdict(list), {}, {}
    for r in ims:
        objs = []
        for o in r["objects"]:
            t = vocab.map(o["label"]) if r["t"] in keep else vocab.lookup(o["label"])  # counted on 1-FPS frames
            if t is None:
                continue
            objs.append(Obj(o["id"], t.item, o["box"], o["visible"]))
        d = {}
        for o in objs:
            if o.id is not None:
                item_of[o.id] = o.item
                d[o.id] = (o.box, o.visible)
                tracks[o.id].append((r["t"], o.box, o.visible))
        recs_by_t[r["t"]] = d
        if r["t"] in keep:
            frames.append(FrameRec(stem, r["t"], r["image"], r["width"], r["height"], objs))
    image_at = {r["t"]: r["image"] for r in ims}
    events = []
    for iid, start, end, side in derive_events(tracks, times, width, height, cfg.vdr.min_track):
        clip = [ClipFrame(t, image_at[t], box, vis, others)
                for t, box, vis, others in _clip(recs_by_t, times, iid, item_of, end, cfg.vdr.span[1])]
        if not clip_usable(clip):
            clip = []
        events.append(LeaveEvent(stem, iid, item_of[iid], start, end, side, "tracks", clip, width, height))
    events.sort(key=lambda e: (e.end, e.id))
    return _to_json(SessionIndex(stem, info.child if info else stem.split("_")[0], info.age_days if info else None,
                                 "detections", width, height, frames, events,
                                 {"kept": dict(vocab.kept), "dropped": dict(vocab.dropped), "mapped": dict(vocab.mapped)}))


# ---------------------------------------------------------------------------------------- (de)serialising

def _to_json(s: SessionIndex) -> dict[str, Any]:
    return {
        "version": INDEX_VERSION, "stem": s.stem, "child": s.child, "age_days": s.age_days, "source": s.source,
        "width": s.width, "height": s.height, "labels": {k: dict(sorted(v.items())) for k, v in s.labels.items()},
        "frames": [{"t": f.t, "image": f.image, "width": f.width, "height": f.height,
                    "objects": [[o.id, o.item, *[round(v, 2) for v in o.box], round(o.visible, 4)] for o in f.objects]}
                   for f in s.frames],
        "events": [{"id": e.id, "item": e.item, "start": e.start, "end": e.end, "side": e.side, "origin": e.origin,
                    "clip": [[c.t, c.image, None if c.box is None else [round(v, 2) for v in c.box],
                              round(c.visible, 4), c.others] for c in e.clip]}
                   for e in s.events],
    }


def from_json(d: dict[str, Any]) -> SessionIndex:
    stem = d["stem"]
    frames = [FrameRec(stem, f["t"], f["image"], f["width"], f["height"],
                       [Obj(o[0], o[1], tuple(o[2:6]), o[6]) for o in f["objects"]]) for f in d["frames"]]
    events = [LeaveEvent(stem, e["id"], e["item"], e["start"], e["end"], e["side"], e["origin"],
                         [ClipFrame(c[0], c[1], None if c[2] is None else tuple(c[2]), c[3], c[4]) for c in e["clip"]],
                         d["width"], d["height"])
              for e in d["events"]]
    return SessionIndex(stem, d["child"], d["age_days"], d["source"], d["width"], d["height"], frames, events,
                        d.get("labels", {}))


def save_index(work: Path, d: dict[str, Any]) -> Path:
    return write_json(work / "index" / f"{d['stem']}.json", d, indent=None)


def load_index(work: Path, stem: str) -> dict[str, Any] | None:
    p = work / "index" / f"{stem}.json"
    if not p.exists():
        return None
    try:
        d = read_json(p)
    except (OSError, json.JSONDecodeError):
        return None
    return d if d.get("version") == INDEX_VERSION else None


def label_totals(indexes: list[SessionIndex]) -> dict[str, Any]:
    kept, dropped, mapped = Counter(), Counter(), {}
    for s in indexes:
        kept.update(s.labels.get("kept", {}))
        dropped.update(s.labels.get("dropped", {}))
        mapped.update(s.labels.get("mapped", {}))
    return {"kept": kept, "dropped": dropped, "mapped": mapped}
