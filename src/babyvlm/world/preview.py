"""A contact sheet of a generated corpus: sampled frames with boxes, labels and the speech.

Frames are picked across sessions, mostly while someone is speaking, and drawn with each
annotated instance's box (colour by category, label with the visible fraction) and the utterance
being spoken underneath, so a person can judge at a glance what the world looks like and whether
the annotations and the speech fit the pictures.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import av
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from babyvlm.errors import InputError


def _color(name: str) -> tuple[int, int, int]:
    h = zlib.crc32(name.encode())
    return (80 + h % 176, 80 + (h >> 8) % 176, 80 + (h >> 16) % 176)


def _read(path: Path) -> tuple[dict, list[dict], list[dict]]:
    header, frames, utts = {}, [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r.get("type") == "session":
                header = r
            elif r.get("type") == "frame":
                frames.append(r)
            elif r.get("type") == "utterance":
                utts.append(r)
    return header, frames, utts


def _frames_at(video: Path, times: list[float]) -> list[np.ndarray | None]:
    """Decode the frames shown at `times` (sorted) in one forward pass."""
    out: list[np.ndarray | None] = [None] * len(times)
    order = sorted(range(len(times)), key=lambda i: times[i])
    with av.open(str(video)) as c:
        stream = c.streams.video[0]
        tb = float(stream.time_base)
        prev = None
        j = 0
        for fr in c.decode(stream):
            t = fr.pts * tb
            while j < len(order) and times[order[j]] < t - 1e-6:
                out[order[j]] = prev if prev is not None else fr.to_ndarray(format="rgb24")
                j += 1
            prev = fr.to_ndarray(format="rgb24")
            if j >= len(order):
                break
        while j < len(order):
            out[order[j]] = prev
            j += 1
    return out


def contact_sheet(corpus: str | Path, out: str | Path, *, n: int = 24, cols: int = 4, scale: float = 1.5,
                  seed: int = 0) -> Path:
    corpus, out = Path(corpus), Path(out)
    anns = sorted((corpus / "annotations").glob("*.jsonl"))
    if not anns:
        raise InputError(f"{corpus}: no annotations/*.jsonl here (not a world corpus?)")
    rng = np.random.default_rng(seed)
    per = max(1, -(-n // len(anns)))
    cells = []
    for ann in anns[: max(1, n)]:
        video = corpus / "videos" / f"{ann.stem}.mp4"
        if not video.exists():
            continue
        header, frames, utts = _read(ann)
        if not frames:
            continue
        times = []
        spoken = [u for u in utts if u["end"] - u["start"] > 0.3]
        for _ in range(per):
            if spoken and rng.random() < 0.8:
                u = spoken[int(rng.integers(len(spoken)))]
                t = u["start"] + 0.6 * (u["end"] - u["start"])
            else:
                t = float(rng.uniform(0, header.get("duration", frames[-1]["t"])))
            rec = min(frames, key=lambda f: abs(f["t"] - t))
            times.append(rec["t"])
        times = sorted(set(times))
        imgs = _frames_at(video, [t + 1e-3 for t in times])
        for t, img in zip(times, imgs):
            if img is None:
                continue
            rec = min(frames, key=lambda f: abs(f["t"] - t))
            said = [u for u in utts if u["start"] <= t < u["end"]]
            cells.append(_cell(img, rec, said, header, scale))
        if len(cells) >= n:
            break
    cells = cells[:n]
    if not cells:
        raise InputError(f"{corpus}: no frames could be read")
    cw, ch = cells[0].size
    rows = -(-len(cells) // cols)
    sheet = Image.new("RGB", (cols * cw, rows * ch), (30, 30, 30))
    for i, c in enumerate(cells):
        sheet.paste(c, ((i % cols) * cw, (i // cols) * ch))
    out.parent.mkdir(parents=True, exist_ok=True)
    sheet.save(out)
    return out


def _cell(img: np.ndarray, rec: dict, said: list[dict], header: dict, scale: float) -> Image.Image:
    h, w = img.shape[:2]
    W, H = int(w * scale), int(h * scale)
    cap = 44
    cell = Image.new("RGB", (W + 4, H + cap + 4), (30, 30, 30))
    frame = Image.fromarray(img).resize((W, H), Image.Resampling.BILINEAR)
    d = ImageDraw.Draw(frame)
    font = ImageFont.load_default(size=11)
    for o in rec["objects"]:
        x, y, bw, bh = (v * scale for v in o["bbox"])
        col = _color(o["category"])
        d.rectangle([x, y, x + bw - 1, y + bh - 1], outline=col, width=2)
        label = f"{o['category']} {o['visible']:.2f}"
        tw = d.textlength(label, font=font)
        ty = y - 13 if y >= 13 else y + 1
        d.rectangle([x, ty, x + tw + 4, ty + 12], fill=col)
        d.text((x + 2, ty), label, fill=(0, 0, 0), font=font)
    cell.paste(frame, (2, 2))
    dc = ImageDraw.Draw(cell)
    small = ImageFont.load_default(size=12)
    age = header.get("age_days", 0) / 30.4375
    dc.text((4, H + 4), f"{header.get('stem', '')}  t={rec['t']:.1f}s  {age:.0f} mo  {header.get('room', '')}",
            fill=(170, 170, 170), font=small)
    if said:
        u = said[0]
        refs = ", ".join(f"{r['category']}{'' if r['visible'] else ' (not in view)'}" for r in u["referents"])
        text = f"{u['speaker']}: \"{u['text']}\"" + (f"  [{refs}]" if refs else "")
        dc.text((4, H + 22), text[:90], fill=(250, 230, 120), font=small)
    return cell
