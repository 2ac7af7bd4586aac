"""Samples in the LLaVA conversation schema (docs/formats.md, "Pretraining set").

`image` is always a list of paths relative to the set's root (`frames/...`), with exactly one
`<image>` token per image in the human turns:

* single image: one frame and its utterance, id `<clip id>_frame_<k>`;
* video: up to `max_video_frames` frames of a clip (evenly spread) in one human turn, id `<clip id>`;
* interleaved: 4-8 consecutive kept clips of a session, each its best frame then its utterance
  (human `<image>`, gpt utterance, ...), id `<first clip id>_seq<len>`.

`meta` holds child, age_days, stem, start, end and score (plus frame/time for single images).
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

import numpy as np

from babyvlm.pretrain.segment import clip_id


def _meta(part: dict[str, Any], start: float, end: float, score: float, **extra: Any) -> dict[str, Any]:
    m = {"child": part["child"], "age_days": part["age_days"], "stem": part["stem"],
         "start": round(start, 3), "end": round(end, 3), "score": round(score, 4)}
    m.update(extra)
    return m


def image_sample(part: dict[str, Any], clip: dict[str, Any], frame: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"{clip_id(part['stem'], clip['start'], clip['end'])}_frame_{frame['k']}",
        "image": [f"frames/{frame['file']}"],
        "conversations": [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": clip["text"]}],
        "meta": _meta(part, clip["start"], clip["end"], frame["score"], frame=frame["k"], time=round(frame["t"], 3)),
    }


def video_frames(clip: dict[str, Any], max_frames: int) -> list[dict[str, Any]]:
    frames = clip["frames"]
    if len(frames) <= max_frames:
        return frames
    idx = np.unique(np.round(np.linspace(0, len(frames) - 1, max_frames)).astype(int))
    return [frames[i] for i in idx]


def video_sample(part: dict[str, Any], clip: dict[str, Any], max_frames: int) -> dict[str, Any]:
    frames = video_frames(clip, max_frames)
    return {
        "id": clip_id(part["stem"], clip["start"], clip["end"]),
        "image": [f"frames/{f['file']}" for f in frames],
        "conversations": [{"from": "human", "value": "\n".join("<image>" for _ in frames)},
                          {"from": "gpt", "value": clip["text"]}],
        "meta": _meta(part, clip["start"], clip["end"], clip["score"], frames=len(frames)),
    }


def best_frame(clip: dict[str, Any]) -> dict[str, Any]:
    return max(clip["frames"], key=lambda f: (f["score"], -f["k"]))


def interleaved_sample(part: dict[str, Any], clips: list[dict[str, Any]]) -> dict[str, Any]:
    conv, images, scores = [], [], []
    for c in clips:
        f = best_frame(c)
        images.append(f"frames/{f['file']}")
        scores.append(f["score"])
        conv += [{"from": "human", "value": "<image>"}, {"from": "gpt", "value": c["text"]}]
    first = clips[0]
    return {
        "id": f"{clip_id(part['stem'], first['start'], first['end'])}_seq{len(clips)}",
        "image": images,
        "conversations": conv,
        "meta": _meta(part, first["start"], clips[-1]["end"], float(np.mean(scores)), segments=len(clips)),
    }


def sample_problems(s: Any) -> list[str]:
    """What makes `s` an invalid sample (docs/formats.md), file existence aside; [] when it is valid.
    The builder refuses to write such a sample and `pretrain check` reports it: one rule for both."""
    if not isinstance(s, dict):
        return ["sample is not an object"]
    out = []
    if not isinstance(s.get("id"), str) or not s.get("id"):
        out.append("missing id")
    images = s.get("image")
    if not isinstance(images, list) or not images or not all(isinstance(p, str) for p in images):
        out.append("`image` must be a non-empty list of paths")
        images = []
    for p in images:
        if p.startswith("/") or ".." in PurePosixPath(p).parts:
            out.append(f"image path {p!r} is not relative to the set")
    conv = s.get("conversations")
    if not isinstance(conv, list) or not conv or not all(isinstance(t, dict) and "from" in t and "value" in t for t in conv):
        out.append("`conversations` must be a list of {from, value} turns")
        return out
    n_tokens = sum(str(t["value"]).count("<image>") for t in conv)
    if n_tokens != len(images):
        out.append(f"{n_tokens} <image> tokens for {len(images)} images")
    if any(t["from"] != "human" and "<image>" in str(t["value"]) for t in conv):
        out.append("<image> outside a human turn")
    if not any(t["from"] == "gpt" and str(t["value"]).strip() for t in conv):
        out.append("no gpt turn with text")
    meta = s.get("meta")
    if not isinstance(meta, dict) or "stem" not in meta:
        out.append("`meta` with the session stem is missing")
    return out
