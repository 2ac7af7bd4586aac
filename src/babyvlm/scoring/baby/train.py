"""`babyvlm scorer train`: fit the baby scorer on a corpus's own frames and utterances.

Steps: cache small frames per session (parallel over sessions, resumable), build the vocabulary from
the transcripts, train the contrastive model for a fixed number of steps (each batch holds distinct
utterances, each with one of its frames at random, randomly cropped and flipped), then embed a bank
of random frames used to calibrate scores, and save everything to the output folder.
"""

from __future__ import annotations

import logging
import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from babyvlm.config import to_dict, write_config
from babyvlm.corpus import open_corpus
from babyvlm.errors import InputError
from babyvlm.scoring.baby.config import ScorerTrainConfig
from babyvlm.scoring.baby.data import CacheJob, PairSet, cache_session
from babyvlm.scoring.baby.text import Vocab
from babyvlm.util.io import append_jsonl, write_json, write_jsonl
from babyvlm.util.progress import bar

log = logging.getLogger("babyvlm")

MODEL_FILE = "model.safetensors"
META_FILE = "scorer.json"


@dataclass
class TrainResult:
    out: Path
    pairs: int
    utterances: int
    vocab: int
    seconds: float
    val_accuracy: float | None


def _spawn_pool(workers: int) -> ProcessPoolExecutor:
    import multiprocessing as mp

    return ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("spawn"))


def build_cache(corpus_dir: Path, out: Path, cfg: ScorerTrainConfig) -> tuple[list[Path], list[dict]]:
    corpus = open_corpus(corpus_dir, cfg.corpus)
    side = cfg.model.image_size + cfg.model.crop_pad
    jobs = [CacheJob(e, cfg.corpus, out / "cache" / f"{e.stem}.npz", side, cfg.train.frames_per_second,
                     tuple(cfg.train.drop_speakers)) for e in corpus.entries]
    rejects = [r.to_dict() for r in corpus.rejects]
    by_stem: dict[str, list[dict]] = {}
    with bar(desc="caching frames", total=len(jobs), unit="session") as b:
        if cfg.workers > 1 and len(jobs) > 1:
            with _spawn_pool(cfg.workers) as pool:
                for stem, _, rej in pool.map(cache_session, jobs):
                    by_stem[stem] = rej
                    b.update(1)
        else:
            for job in jobs:
                stem, _, rej = cache_session(job)
                by_stem[stem] = rej
                b.update(1)
    for j in jobs:
        rejects.extend(by_stem.get(j.entry.stem, []))
    return [j.path for j in jobs], rejects


def _batch(pairs: PairSet, utt_ids: np.ndarray, rng: np.random.Generator, size: int, train: bool):
    """Images (B, 3, S, S) float tensor for one random frame of each utterance."""
    import torch

    # frames of each utterance: contiguous runs in `owner`
    frames = np.empty(len(utt_ids), np.int64)
    for i, u in enumerate(utt_ids):
        a, b = pairs.utt_span[u]
        frames[i] = rng.integers(a, b) if train else (a + b - 1) // 2
    x = pairs.frames[frames]  # (B, C, C, 3)
    c = x.shape[1]
    pad = c - size
    if train and pad > 0:
        out = np.empty((len(x), size, size, 3), np.uint8)
        ox = rng.integers(0, pad + 1, len(x))
        oy = rng.integers(0, pad + 1, len(x))
        flip = rng.random(len(x)) < 0.5
        for i in range(len(x)):
            crop = x[i, oy[i] : oy[i] + size, ox[i] : ox[i] + size]
            out[i] = crop[:, ::-1] if flip[i] else crop
        x = out
    else:
        o = pad // 2
        x = x[:, o : o + size, o : o + size]
    return to_tensor(x, torch)


def to_tensor(x: np.ndarray, torch) -> object:
    """uint8 (B, S, S, 3) -> normalised float (B, 3, S, S)."""
    t = torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2).float()
    return (t / 255.0 - 0.5) / 0.25


def train_baby_scorer(corpus_dir: str | Path, out: str | Path, cfg: ScorerTrainConfig) -> TrainResult:
    import torch
    from safetensors.torch import save_file

    from babyvlm.scoring.baby.model import BabyCLIP

    t0 = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_config(cfg, out, section="scorer")
    paths, rejects = build_cache(Path(corpus_dir), out, cfg)
    write_jsonl(out / "rejects.jsonl", rejects)
    rng = np.random.default_rng(cfg.seed)
    pairs = PairSet.load(paths, cfg.train.max_frames, rng)
    vocab = Vocab.build(pairs.texts, min_count=cfg.train.min_count, max_size=cfg.train.max_vocab)
    ids = np.asarray([vocab.encode(t, cfg.model.max_words) for t in pairs.texts], np.int64)
    usable = np.flatnonzero((ids > 1).any(1))  # at least one known word
    if len(usable) < 8:
        raise InputError(f"{corpus_dir}: only {len(usable)} utterances with known words and frames; "
                         "the baby scorer needs a corpus with more speech")
    # frames of utterance u are the contiguous run owner == u (cache order)
    starts = np.searchsorted(pairs.owner, np.arange(len(pairs.texts)), side="left")
    ends = np.searchsorted(pairs.owner, np.arange(len(pairs.texts)), side="right")
    pairs.utt_span = np.stack([starts, ends], 1)
    # identical texts are positives of each other in the loss
    _, groups = np.unique(np.asarray(pairs.texts, dtype=object).astype(str), return_inverse=True)

    perm = rng.permutation(usable)
    n_val = int(round(len(perm) * cfg.train.val_fraction)) if len(perm) >= 40 else 0
    val, tr = np.sort(perm[:n_val]), perm[n_val:]

    torch.manual_seed(cfg.seed)
    if cfg.train.threads > 0:
        torch.set_num_threads(cfg.train.threads)
    m = cfg.model
    model = BabyCLIP(len(vocab), m.dim, m.channels, m.strides)
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.train.lr, weight_decay=cfg.train.weight_decay)
    steps, bs = cfg.train.steps, min(cfg.train.batch_size, len(tr))

    def lr_at(step: int) -> float:
        if step < cfg.train.warmup_steps:
            return (step + 1) / cfg.train.warmup_steps
        p = (step - cfg.train.warmup_steps) / max(1, steps - cfg.train.warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, p)))

    log_path = out / "train_log.jsonl"
    log_path.unlink(missing_ok=True)
    order = rng.permutation(tr)
    pos = 0
    model.train()
    with bar(desc="training scorer", total=steps, unit="step") as b:
        for step in range(steps):
            if pos + bs > len(order):
                order, pos = rng.permutation(tr), 0
            u = order[pos : pos + bs]
            pos += bs
            for g in opt.param_groups:
                g["lr"] = cfg.train.lr * lr_at(step)
            x = _batch(pairs, u, rng, m.image_size, train=True)
            loss, acc = model.loss(x, torch.from_numpy(ids[u]), torch.from_numpy(groups[u]))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            b.update(1)
            if step % 25 == 0 or step == steps - 1:
                lv = float(loss.detach())
                append_jsonl(log_path, {"step": step, "loss": round(lv, 4), "batch_accuracy": round(float(acc), 4)})
                b.set_postfix(loss=f"{lv:.3f}")

    model.eval()
    val_acc = None
    if len(val) >= 8:
        accs = []
        with torch.no_grad():
            for i in range(0, len(val), bs):
                u = val[i : i + bs]
                if len(u) < 2:
                    continue
                _, acc = model.loss(_batch(pairs, u, rng, m.image_size, train=False),
                                    torch.from_numpy(ids[u]), torch.from_numpy(groups[u]))
                accs.append((float(acc), len(u)))
        val_acc = sum(a * n for a, n in accs) / sum(n for _, n in accs)

    # calibration bank: random frames, centre-cropped
    n_bank = min(cfg.train.bank_size, len(pairs.frames))
    bank_idx = np.sort(rng.choice(len(pairs.frames), n_bank, replace=False))
    c = pairs.frames.shape[1]
    o = (c - m.image_size) // 2
    with torch.no_grad():
        bank = model.image(to_tensor(pairs.frames[bank_idx][:, o : o + m.image_size, o : o + m.image_size], torch))
    state = {k: v.detach().contiguous() for k, v in model.state_dict().items()}
    state["calibration_bank"] = bank.contiguous()
    save_file(state, str(out / MODEL_FILE))
    seconds = time.time() - t0
    write_json(out / META_FILE, {
        "format": "babyvlm-baby-scorer/1",
        "model": to_dict(cfg.model),
        "vocab": vocab.to_dict(),
        "train": {
            "corpus": str(corpus_dir),
            "sessions": len(paths),
            "utterances": int(len(usable)),
            "pairs": int(len(pairs.frames)),
            "val_utterances": int(len(val)),
            "val_batch_accuracy": None if val_acc is None else round(val_acc, 4),
            "steps": steps,
            "seed": cfg.seed,
        },
    })
    log.info("baby scorer: %d pairs, %d utterances, vocabulary %d, %.0f s", len(pairs.frames), len(usable), len(vocab), seconds)
    return TrainResult(out, int(len(pairs.frames)), int(len(usable)), len(vocab), seconds, val_acc)
