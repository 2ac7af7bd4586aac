"""V1 transform: does Hungarian matching pick the images most like the infant corpus, and at what cost?

Builds a generated "general" captioned set of home-like images (frames of a world corpus other than
the infant one) and out-of-domain images (procedural outdoor scenes, charts, patterns), all with
ordinary captions, then runs `babyvlm v1 transform` against an infant pretraining set. Prints, for
the matched and the random subset: the mean similarity to the infant frames (pair / nearest /
centroid, see babyvlm.v1.transform.match) and the share of home-like images; then the time of the
exact Hungarian solution against the blockwise one on the same similarities, as a ratio.

    python benchmarks/bench_v1_transform.py --home runs/tiny-world --infant runs/pretrain-small --out /tmp/bench-v1
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

CAPTIONS = [
    "A dog running on the beach.", "A plate of food on a table.", "A little boy playing with a ball in the yard.",
    "Two cats sleeping on a couch.", "A red car parked on the street.", "A woman holding a cup of coffee.",
    "A man riding a bicycle down the road.", "A bowl of apples and bananas.", "A kitchen with a stove and a sink.",
    "A baby sitting in a high chair.", "Ducks swimming in a pond.", "A bird sitting on a tree.",
    "A train on the tracks near a house.", "A girl reading a book on the bed.", "Shoes and socks on the floor.",
]
ADULT = ["A quarterly revenue chart.", "An abstract diagram of network topology.", "The company logo on a slide."]


def general_image(rng: np.random.Generator, size=(320, 240)) -> Image.Image:
    w, h = size
    kind = rng.integers(3)
    if kind == 0:  # outdoor: sky gradient, horizon, sun, blobs
        sky = rng.integers(120, 256, 3)
        ground = rng.integers(0, 160, 3)
        arr = np.zeros((h, w, 3), np.uint8)
        hz = int(rng.integers(h // 3, 2 * h // 3))
        for y in range(h):
            arr[y] = sky * (1 - y / h * 0.5) if y < hz else ground
        im = Image.fromarray(arr)
        d = ImageDraw.Draw(im)
        for _ in range(int(rng.integers(3, 10))):
            x, y, r = int(rng.integers(w)), int(rng.integers(h)), int(rng.integers(5, 40))
            d.ellipse([x - r, y - r, x + r, y + r], fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
        return im
    if kind == 1:  # chart: white page, bars, lines
        im = Image.new("RGB", size, (250, 250, 250))
        d = ImageDraw.Draw(im)
        for k in range(int(rng.integers(4, 12))):
            bh = int(rng.integers(10, h - 20))
            d.rectangle([20 + k * 25, h - 10 - bh, 38 + k * 25, h - 10], fill=tuple(int(c) for c in rng.integers(0, 200, 3)))
        for y in range(10, h, 12):
            d.line([0, y, w, y], fill=(220, 220, 220))
        return im
    arr = rng.integers(0, 256, (h // 8, w // 8, 3)).astype(np.uint8)  # saturated pattern
    return Image.fromarray(arr).resize(size, Image.NEAREST)


def make_pool(home: Path, out: Path, n_home: int, n_general: int, seed: int) -> Path:
    from babyvlm.corpus import VideoReader

    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    recs = []
    videos = sorted((home / "videos").glob("*.mp4"))
    per = -(-n_home // len(videos))
    k = 0
    for v in videos:
        r = VideoReader(v)
        times = np.linspace(0.25, r.duration - 0.25, per)
        for fr in r.frames_at(times.tolist()):
            if k >= n_home:
                break
            name = f"home_{k:05d}.jpg"
            fr.image.save(out / name, quality=90)
            recs.append({"image": name, "caption": CAPTIONS[int(rng.integers(len(CAPTIONS)))]})
            k += 1
    for k in range(n_general):
        name = f"general_{k:05d}.jpg"
        general_image(rng).save(out / name, quality=90)
        cap = ADULT[int(rng.integers(len(ADULT)))] if rng.random() < 0.1 else CAPTIONS[int(rng.integers(len(CAPTIONS)))]
        recs.append({"image": name, "caption": cap})
    path = out / "captions.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in recs))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", type=Path, required=True, help="a world corpus (not the infant one) for home-like images")
    ap.add_argument("--infant", type=Path, required=True, help="the infant pretraining set")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--home-images", type=int, default=1000)
    ap.add_argument("--general-images", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()

    from babyvlm.config import build_config
    from babyvlm.v1.config import TransformConfig
    from babyvlm.v1.transform import transform
    from babyvlm.v1.transform.match import assign

    caps = make_pool(args.home, args.out / "pool", args.home_images, args.general_images, args.seed)
    cfg = build_config(TransformConfig, section="transform", preset="v1/transform", values={"seed": args.seed})
    t0 = time.perf_counter()
    stats = transform(caps, args.out / "transform", cfg, infant=args.infant)
    total = time.perf_counter() - t0
    s = stats["similarity_to_infant"]
    print(f"pool: {args.home_images} home-like + {args.general_images} general images; "
          f"kept {stats['rewrite']['kept']}, infant pairs {stats['infant']['pairs']}, transform {total:.1f} s")
    print(f"{'subset':8s} {'n':>6s} {'pair':>8s} {'nearest':>8s} {'centroid':>9s} {'home share':>11s}")
    for name in ("matched", "random"):
        ids = [x["id"] for x in json.loads((args.out / "transform" / name / "train" / "single_image.json").read_text())]
        home = sum(i.startswith("v1_home") for i in ids) / max(1, len(ids))
        r = s[name]
        print(f"{name:8s} {r['n']:6d} {r['pair']:8.4f} {r['nearest']:8.4f} {r['centroid']:9.4f} {home:11.3f}")
    print(f"pool share of home-like images: {args.home_images / (args.home_images + args.general_images):.3f}")

    # exact vs blockwise Hungarian on the same embeddings (recomputed from the cache)
    cache = sorted((args.out / "transform" / "cache").glob("emb-*.npy"), key=lambda p: p.stat().st_size)
    embs = [np.load(p) for p in cache]
    infant = next(e for e in embs if len(e) == stats["infant"]["unique_frames"])
    cands = next(e for e in embs if len(e) == stats["rewrite"]["kept"])
    k = min(len(infant), len(cands))
    rows = []
    for label, cells in (("exact", 10**12), ("blockwise 200k cells", 200_000)):
        t0 = time.perf_counter()
        _, sims, exact = assign(infant[:k], cands, max_cells=cells, rng=np.random.default_rng(0))
        rows.append((label, time.perf_counter() - t0, float(sims.mean()), exact))
    print(f"\n{'assignment':22s} {'seconds':>8s} {'mean pair sim':>14s}")
    for label, sec, m, _ in rows:
        print(f"{label:22s} {sec:8.2f} {m:14.4f}")
    print(f"blockwise / exact time: {rows[1][1] / rows[0][1]:.2f}x; objective ratio {rows[1][2] / rows[0][2]:.4f}")


if __name__ == "__main__":
    main()
