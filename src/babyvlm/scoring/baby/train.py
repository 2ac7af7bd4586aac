"""`babyvlm scorer train`: fit the baby scorer on a corpus's own frames and utterances.

Steps: cache small frames per session (parallel over sessions, resumable), build the vocabulary from
the transcripts, train the contrastive model for a fixed number of steps (each batch holds distinct
utterances, each with one of its frames at random, randomly cropped and flipped), embed a bank of
random frames used to calibrate scores, and save everything to the output folder.

Scoring the pairs it learned from. The scorer is applied to the very pairs it trains on. A network
fitting noisy pairs fits the consistent ones first and best (the pairs whose words name what is in
view agree with many others; "good job" said over an arbitrary frame agrees with none) and
memorises the rest only later, so the trained model's calibrated similarity ranks grounded pairs
above ungrounded ones (the "small-loss" signal used to clean noisy labels). Measured on the small
world, this in-sample score separates the ground truth better than cross-fitting does: `folds: k`
trains one model per fold of utterances (by a hash of session and start time) on the other folds,
and scores each pair with the model that never saw its utterance, which is the right choice for
pairs that must be judged by visual knowledge alone (see docs/pretrain.md for both numbers).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from babyvlm.config import to_dict, write_config
from babyvlm.corpus import open_corpus
from babyvlm.corpus.transcripts import normalize_speaker
from babyvlm.errors import InputError
from babyvlm.scoring.baby.config import ScorerTrainConfig
from babyvlm.scoring.baby.data import CacheJob, PairSet, cache_session
from babyvlm.scoring.baby.text import Vocab
from babyvlm.util.io import append_jsonl, write_json, write_jsonl
from babyvlm.util.progress import bar

log = logging.getLogger("babyvlm")

MODEL_FILE = "model.safetensors"
META_FILE = "scorer.json"


def fold_of(stem: str, start: float, folds: int) -> int:
    """The fold of an utterance: stable across runs, machines and corpora subsets."""
    if folds <= 1:
        return 0
    h = hashlib.sha256(f"fold\x1f{stem}\x1f{int(round(start * 1000))}".encode()).digest()
    return int.from_bytes(h[:8], "big") % folds


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
                     tuple(normalize_speaker(x) for x in cfg.train.drop_speakers)) for e in corpus.entries]
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


def to_tensor(x: np.ndarray, torch) -> object:
    """uint8 (B, S, S, 3) -> normalised float (B, 3, S, S)."""
    t = torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2).float()
    # channels-last: the layout the uint8 frames already have, and the faster one for CPU convolutions
    return ((t / 255.0 - 0.5) / 0.25).contiguous(memory_format=torch.channels_last)


def centre(frames: np.ndarray, size: int) -> np.ndarray:
    o = (frames.shape[1] - size) // 2
    return frames[:, o : o + size, o : o + size]


def _batch(pairs: PairSet, utt_ids: np.ndarray, rng: np.random.Generator, size: int, train: bool):
    """Images (B, 3, S, S) float tensor for one frame of each utterance (random when training)."""
    import torch

    frames = np.empty(len(utt_ids), np.int64)
    for i, u in enumerate(utt_ids):
        a, b = pairs.utt_span[u]
        frames[i] = rng.integers(a, b) if train else (a + b - 1) // 2
    x = pairs.frames[frames]  # (B, C, C, 3)
    pad = x.shape[1] - size
    if not train or pad <= 0:
        return to_tensor(centre(x, size), torch)
    out = np.empty((len(x), size, size, 3), np.uint8)
    ox = rng.integers(0, pad + 1, len(x))
    oy = rng.integers(0, pad + 1, len(x))
    flip = rng.random(len(x)) < 0.5
    for i in range(len(x)):
        crop = x[i, oy[i] : oy[i] + size, ox[i] : ox[i] + size]
        out[i] = crop[:, ::-1] if flip[i] else crop
    return to_tensor(out, torch)


def fit(pairs: PairSet, ids: np.ndarray, groups: np.ndarray, train_utts: np.ndarray, vocab_size: int,
        cfg: ScorerTrainConfig, seed: int, log_path: Path, tag: str):
    """Train one model on `train_utts`; returns it in eval mode."""
    import torch

    from babyvlm.scoring.baby.model import BabyCLIP

    rng = np.random.default_rng(seed)
    torch.manual_seed(seed)
    m, t = cfg.model, cfg.train
    model = BabyCLIP(vocab_size, m.dim, m.channels, m.strides).to(memory_format=torch.channels_last)
    opt = torch.optim.AdamW(model.parameters(), lr=t.lr, weight_decay=t.weight_decay)
    steps, bs = t.steps, min(t.batch_size, len(train_utts))

    def lr_at(step: int) -> float:
        if step < t.warmup_steps:
            return (step + 1) / t.warmup_steps
        p = (step - t.warmup_steps) / max(1, steps - t.warmup_steps)
        return 0.5 * (1 + math.cos(math.pi * min(1.0, p)))

    order, pos = rng.permutation(train_utts), 0
    by_session: list[np.ndarray] = []
    if t.batch_sessions > 0:
        sess = pairs.session_of[train_utts]
        by_session = [train_utts[sess == s] for s in np.unique(sess)]

    def next_batch() -> np.ndarray:
        nonlocal order, pos
        if by_session:  # whole sessions: the negatives share the room, so only the named object tells pairs apart
            pick = rng.choice(len(by_session), min(t.batch_sessions, len(by_session)), replace=False)
            u = np.concatenate([by_session[i] for i in pick])
            return rng.permutation(u)[:bs]
        if pos + bs > len(order):
            order, pos = rng.permutation(train_utts), 0
        pos += bs
        return order[pos - bs : pos]

    # an exponential moving average of the weights: nearly an ensemble over training time, for free
    ema = None
    if t.ema > 0:
        ema = {n: v.detach().clone() for n, v in model.state_dict().items()}
    model.train()
    with bar(desc=f"training scorer{tag}", total=steps, unit="step") as b:
        for step in range(steps):
            u = next_batch()
            for g in opt.param_groups:
                g["lr"] = t.lr * lr_at(step)
            x = _batch(pairs, u, rng, m.image_size, train=True)
            loss, acc = model.loss(x, torch.from_numpy(ids[u]), torch.from_numpy(groups[u]))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if ema is not None:
                with torch.no_grad():
                    for n, v in model.state_dict().items():
                        if v.dtype.is_floating_point:
                            ema[n].mul_(t.ema).add_(v, alpha=1 - t.ema)
                        else:
                            ema[n].copy_(v)
            b.update(1)
            if step % 25 == 0 or step == steps - 1:
                lv = float(loss.detach())
                append_jsonl(log_path, {"model": tag.strip(" ()") or "all", "step": step, "loss": round(lv, 4),
                                        "batch_accuracy": round(float(acc), 4)})
                b.set_postfix(loss=f"{lv:.3f}")
    if ema is not None:
        model.load_state_dict(ema)
    model.eval()
    return model


def pair_scores(model, bank, frames: np.ndarray, ids: np.ndarray, size: int, bs: int = 256) -> np.ndarray:
    """Bank-calibrated similarity of each (frame, utterance ids) pair, centre-cropped (as when scoring)."""
    import torch

    out = []
    with torch.no_grad():
        for i in range(0, len(frames), bs):
            t = model.text(torch.from_numpy(ids[i : i + bs]))
            p = model.image(to_tensor(centre(frames[i : i + bs], size), torch))
            out.append((model.paired(p, t) - model.matrix(bank, t).mean(0)).numpy())
    return np.concatenate(out) if out else np.zeros(0, np.float32)


def heldout_accuracy(model, pairs: PairSet, ids: np.ndarray, groups: np.ndarray, utts: np.ndarray, size: int,
                     bs: int) -> float | None:
    """In-batch retrieval accuracy (image -> its utterance) on utterances the model did not see."""
    import torch

    if len(utts) < 8:
        return None
    rng = np.random.default_rng(0)
    accs = []
    with torch.no_grad():
        for i in range(0, len(utts), bs):
            u = utts[i : i + bs]
            if len(u) < 2:
                continue
            _, acc = model.loss(_batch(pairs, u, rng, size, train=False), torch.from_numpy(ids[u]),
                                torch.from_numpy(groups[u]))
            accs.append((float(acc), len(u)))
    return sum(a * n for a, n in accs) / sum(n for _, n in accs)


def train_baby_scorer(corpus_dir: str | Path, out: str | Path, cfg: ScorerTrainConfig) -> TrainResult:
    import torch
    from safetensors.torch import save_file

    t0 = time.time()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_config(cfg, out, section="scorer")
    paths, rejects = build_cache(Path(corpus_dir), out, cfg)
    write_jsonl(out / "rejects.jsonl", rejects)
    rng = np.random.default_rng(cfg.seed)
    pairs = PairSet.load(paths, cfg.train.max_frames, rng)
    vocab = Vocab.build(pairs.texts, min_count=cfg.train.min_count, max_size=cfg.train.max_vocab)
    ids = np.asarray([vocab.encode(t, cfg.model.max_words) for t in pairs.texts], np.int64).reshape(-1, cfg.model.max_words)
    usable = np.flatnonzero((ids > 1).any(1))  # at least one known word
    if len(usable) < 8:
        raise InputError(f"{corpus_dir}: only {len(usable)} utterances with known words and frames; "
                         "the baby scorer needs a corpus with more speech")
    # frames of utterance u are the contiguous run owner == u (cache order)
    n_utt = len(pairs.texts)
    pairs.utt_span = np.stack([np.searchsorted(pairs.owner, np.arange(n_utt), side="left"),
                               np.searchsorted(pairs.owner, np.arange(n_utt), side="right")], 1)
    _, groups = np.unique(np.asarray(pairs.texts, dtype=str), return_inverse=True)  # same text: positives
    groups = groups.astype(np.int64)
    folds = max(1, cfg.train.folds)
    fold = np.asarray([fold_of(pairs.stems[pairs.session_of[u]], pairs.starts[u], folds) for u in range(n_utt)])
    if cfg.train.threads > 0:
        torch.set_num_threads(cfg.train.threads)
    log_path = out / "train_log.jsonl"
    log_path.unlink(missing_ok=True)

    state: dict[str, torch.Tensor] = {}
    accs: list[float] = []
    spread: list[dict[str, float]] = []
    frame_fold = fold[pairs.owner]
    for k in range(folds):
        train_utts = usable[fold[usable] != k] if folds > 1 else usable
        held = usable[fold[usable] == k] if folds > 1 else np.zeros(0, np.int64)
        tag = f" ({k + 1}/{folds})" if folds > 1 else ""
        model = fit(pairs, ids, groups, train_utts, len(vocab), cfg, cfg.seed + 1000 * k, log_path, tag)
        acc = heldout_accuracy(model, pairs, ids, groups, held, cfg.model.image_size, cfg.train.batch_size)
        if acc is not None:
            accs.append(acc)
        # calibration bank: random frames (of the held-out fold when there is one), centre-cropped
        cand = np.flatnonzero(frame_fold == k) if folds > 1 else np.arange(len(pairs.frames))
        if len(cand) == 0:
            cand = np.arange(len(pairs.frames))
        bank_idx = np.sort(rng.choice(cand, min(cfg.train.bank_size, len(cand)), replace=False))
        with torch.no_grad():
            bank = model.image(to_tensor(centre(pairs.frames[bank_idx], cfg.model.image_size), torch))
        prefix = f"fold{k}." if folds > 1 else ""
        state.update({prefix + n: v.detach().contiguous() for n, v in model.state_dict().items()})
        state[prefix + "calibration_bank"] = bank.contiguous()
        # the spread of this model's bank-calibrated scores over the pairs it will judge (every cached
        # frame with its utterance): scores are reported in these units, so thresholds are comparable
        # across corpora and training lengths
        judged = np.flatnonzero(np.isin(pairs.owner, usable if folds == 1 else held))
        raw = pair_scores(model, bank, pairs.frames[judged], ids[pairs.owner[judged]], cfg.model.image_size)
        spread.append({"mean": round(float(raw.mean()), 6), "std": round(float(raw.std() + 1e-6), 6)})
    save_file(state, str(out / MODEL_FILE))
    seconds = time.time() - t0
    val_acc = float(np.mean(accs)) if accs else None
    write_json(out / META_FILE, {
        "format": "babyvlm-baby-scorer/2",
        "model": to_dict(cfg.model),
        "folds": folds,
        "standardise": spread,
        "vocab": vocab.to_dict(),
        "train": {
            "corpus": str(corpus_dir),
            "sessions": len(paths),
            "utterances": int(len(usable)),
            "pairs": int(len(pairs.frames)),
            "heldout_batch_accuracy": None if val_acc is None else round(val_acc, 4),
            "steps": cfg.train.steps,
            "seed": cfg.seed,
        },
    })
    log.info("baby scorer: %d pairs, %d utterances, vocabulary %d, %d model(s), %.0f s", len(pairs.frames), len(usable),
             len(vocab), folds, seconds)
    return TrainResult(out, int(len(pairs.frames)), int(len(usable)), len(vocab), seconds, val_acc)
