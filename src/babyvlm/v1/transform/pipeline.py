"""`babyvlm v1 transform`: a captioned image set -> child-directed pairs in the pretraining schema.

    read captions -> rewrite (rules | llm) -> CDI content-word filter -> embed images and the infant
    frames -> Hungarian matching (+ random subset of the same size) -> write OUT/matched, OUT/random

Outputs (OUT/):
    config.yaml          the resolved settings
    rewrites.jsonl       every rewriting attempt (resume cache); llm_cache/ the API responses
    pairs.jsonl          every kept pair: id, source image, caption, utterance, content words, subsets
    matched/, random/    pretraining sets (`babyvlm pretrain check` validates them); all/ with output.write_all
    mixed/               the infant pretraining set plus the matched pairs (output.mix, default on
                         when --infant is a pretraining set): what `babyvlm train` reads to mix them in
    stats.json           counts, filter, matching, and the mean similarity of each subset to the infant corpus
    report.md            the same in words, with examples
    rejects.jsonl        every dropped record with its reason
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from babyvlm.config import write_config
from babyvlm.errors import InputError
from babyvlm.pretrain.check import check_set
from babyvlm.util.io import write_json, write_jsonl, write_text
from babyvlm.util.progress import progress
from babyvlm.util.rejects import Reject, RejectLog
from babyvlm.v1.config import TransformConfig
from babyvlm.v1.transform.captions import read_captions
from babyvlm.v1.transform.embed import embed_paths, load_embedder
from babyvlm.v1.transform.infant import read_infant
from babyvlm.v1.transform.match import hungarian_match, subset_similarity
from babyvlm.v1.transform.rewrite import rewrite_all
from babyvlm.v1.transform.vocab import lexicon
from babyvlm.v1.transform.write import link_image, place_image, sample, write_mixed, write_set


def _cached_embeddings(embedder, paths: list[Path], cache: Path, batch: int, desc: str) -> tuple[np.ndarray, dict[int, str]]:
    """Embeddings of `paths`, kept in `cache/` under a hash of the embedder and the path list."""
    key = hashlib.sha256((embedder.fingerprint() + "\n" + "\n".join(map(str, paths))).encode()).hexdigest()[:20]
    npy, bad_file = cache / f"emb-{key}.npy", cache / f"emb-{key}.bad.json"
    if npy.exists() and bad_file.exists():
        return np.load(npy), {int(k): v for k, v in json.loads(bad_file.read_text()).items()}
    emb, bad = embed_paths(embedder, paths, batch_size=batch, desc=desc)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = cache / f".emb-{key}.tmp.npy"
    np.save(tmp, emb)
    tmp.replace(npy)
    write_json(bad_file, {str(k): v for k, v in sorted(bad.items())})
    return emb, bad


def transform(captions: str | Path, out: str | Path, cfg: TransformConfig, *, infant: str | Path,
              images_root: str | Path | None = None, api_key: str | None = None) -> dict[str, Any]:
    out = Path(out)
    cfg.check()
    out.mkdir(parents=True, exist_ok=True)
    write_config(cfg, out, section="transform")
    (out / "rejects.jsonl").unlink(missing_ok=True)  # rebuilt on every run (the rewrites are cached)
    rejects = RejectLog(out / "rejects.jsonl")
    ref = read_infant(infant)  # fail early on a bad --infant, before any rewriting

    items, read_rejects = read_captions(captions, images_root)
    rejects.extend(read_rejects)
    if not items:
        raise InputError(f"{captions}: no usable image-caption records (see {out / 'rejects.jsonl'})")

    lex = lexicon(cfg.vocab.form, tuple(cfg.vocab.content_categories))
    kept, failed, rw_counts = rewrite_all(items, cfg, lex, out=out, api_key=api_key)
    for it, reason in failed:
        rejects.add(Reject(it.source, reason, it.line, "v1-transform", {"id": it.id, "captions": it.captions[:2]}))
    if not kept:
        raise InputError(f"no caption survived the rewrite and the CDI filter (see {out / 'rejects.jsonl'})")

    embedder = load_embedder(cfg.embed.name, cfg.embed.model, size=cfg.embed.size, batch_size=cfg.embed.batch_size)
    cand_emb, bad = _cached_embeddings(embedder, [r.item.image for r in kept], out / "cache", cfg.embed.batch_size,
                                       "embedding candidates")
    for i in sorted(bad):
        rejects.add(Reject(str(kept[i].item.image), bad[i], None, "v1-transform", {"id": kept[i].item.id}))
    good = [i for i in range(len(kept)) if i not in bad]
    kept = [kept[i] for i in good]
    cand_emb = cand_emb[good]
    if not kept:
        raise InputError("no candidate image could be read")

    uniq = list(dict.fromkeys(ref.paths))
    u_emb, u_bad = _cached_embeddings(embedder, uniq, out / "cache", cfg.embed.batch_size, "embedding infant frames")
    if u_bad:
        first = min(u_bad)
        raise InputError(f"{uniq[first]}: {u_bad[first]} (an infant frame)")
    pos = {p: i for i, p in enumerate(uniq)}
    infant_emb = u_emb[[pos[p] for p in ref.paths]]

    centroid = _unit(infant_emb.mean(0))
    size = cfg.match.size or ref.pairs
    res = hungarian_match(infant_emb, cand_emb, size, seed=cfg.seed, max_cells=cfg.match.max_cells)
    sims = {
        "matched": subset_similarity(cand_emb[res.matched], infant_emb, res.targets, max_cells=cfg.match.max_cells,
                                     seed=cfg.seed),
        "random": subset_similarity(cand_emb[res.random], infant_emb, res.targets, max_cells=cfg.match.max_cells,
                                    seed=cfg.seed),
        "all_candidates": {"n": len(kept), "centroid": round(float((cand_emb @ centroid).mean()), 6)},
    }
    pair_sim = {int(c): float(s) for c, s in zip(res.matched, res.pair_sims)}
    subsets = {"matched": sorted(int(i) for i in res.matched), "random": [int(i) for i in res.random]}
    if cfg.output.write_all:
        subsets["all"] = list(range(len(kept)))

    # images: written once, hard-linked into the other sets
    first_written: dict[int, Path] = {}
    counts_sets: dict[str, int] = {}
    for name, idx in subsets.items():
        root = out / name
        samples = []
        for i in progress(idx, desc=f"writing {name}", total=len(idx), unit="pair"):
            r = kept[i]
            sid = f"v1_{r.item.id}"
            dst = root / "frames" / f"{sid}.jpg"
            if i in first_written:
                link_image(first_written[i], dst)
            else:
                place_image(r.item.image, dst, size=cfg.output.image_size, quality=cfg.output.jpeg_quality)
                first_written[i] = dst
            meta = {"source": "v1_transform", "subset": name, "image_source": str(r.item.image),
                    "caption": r.caption, "similarity": round(float(cand_emb[i] @ centroid), 6)}
            if name == "matched":
                meta["pair_similarity"] = round(pair_sim[i], 6)
            samples.append(sample(sid, r.utterance, meta))
        write_set(root, samples, {"subset": name, "similarity_to_infant": sims.get(name, sims["all_candidates"]),
                                  "source": str(captions), "infant": str(infant)})
        counts_sets[name] = len(samples)

    mixed = None
    if cfg.output.mix and ref.source == "pretraining set":
        mixed = write_mixed(Path(infant), out / "matched", out / "mixed")
        write_json(out / "mixed" / "stats.json", {"schema": "babyvlm-pretrain/1", "subset": "mixed",
                                                  "infant": str(infant), "counts": mixed})
        subsets_checked = [*subsets, "mixed"]
    else:
        subsets_checked = list(subsets)
    members = {n: set(idx) for n, idx in subsets.items()}
    in_sets = {i: [n for n in subsets if i in members[n]] for i in range(len(kept))}
    write_jsonl(out / "pairs.jsonl", ({"id": f"v1_{r.item.id}", "image": str(r.item.image), "caption": r.caption,
                                       "utterance": r.utterance, "content_words": r.content_words,
                                       "subsets": in_sets[i]} for i, r in enumerate(kept)))
    checks = {}
    for name in subsets_checked:
        problems, _ = check_set(out / name)
        checks[name] = {"valid": not problems, "problems": problems[:5]}
    stats = {
        "input": {"images": len(items), "captions": sum(len(it.captions) for it in items),
                  "rejected_on_read": len(read_rejects)},
        "rewrite": {"mode": cfg.rewrite.mode, **rw_counts},
        "embedding": {"name": embedder.name, "fingerprint": embedder.fingerprint(), "unreadable": len(bad)},
        "infant": {"source": ref.source, "path": str(infant), "pairs": ref.pairs, "unique_frames": len(uniq)},
        "matching": {"size": len(res.matched), "exact": res.exact, "notes": res.notes,
                     "targets_unique": int(len(np.unique(res.targets)))},
        "similarity_to_infant": sims,
        "sets": counts_sets,
        "mixed": mixed,
        "check": checks,
        "rejects": rejects.count,
    }
    write_json(out / "stats.json", stats)
    write_text(out / "report.md", _report(stats, kept[:12]))
    return stats


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def _report(stats: dict[str, Any], examples) -> str:
    s = stats["similarity_to_infant"]
    lines = [
        "# V1 child-directed transform", "",
        f"- input: {stats['input']['images']} images, {stats['input']['captions']} captions",
        f"- rewrite ({stats['rewrite']['mode']}): {stats['rewrite']['kept']} kept, {stats['rewrite']['rejected']} "
        "dropped (no CDI content word)",
        f"- infant corpus: {stats['infant']['pairs']} pairs ({stats['infant']['source']})",
        f"- matching ({stats['embedding']['name']}, {'exact' if stats['matching']['exact'] else 'blockwise'} Hungarian): "
        f"{stats['matching']['size']} images",
        "", "| subset | n | pair similarity | nearest-frame similarity | centroid similarity |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name in ("matched", "random"):
        r = s[name]
        lines.append(f"| {name} | {r['n']} | {r['pair']} | {r['nearest']} | {r['centroid']} |")
    lines += [f"| all candidates | {s['all_candidates']['n']} | | | {s['all_candidates']['centroid']} |", "",
              "## Examples", "", "| caption | utterance |", "| --- | --- |"]
    for r in examples:
        lines.append(f"| {r.caption.replace('|', '/')} | {r.utterance.replace('|', '/')} |")
    return "\n".join(lines) + "\n"
