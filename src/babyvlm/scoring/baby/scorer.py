"""`baby`: score image-utterance pairs with a model trained by `babyvlm scorer train`.

Score = (c - m) / s with c = s(image, utterance) - mean over a bank of random corpus frames of
s(frame, utterance), where s is the model's best-patch cosine (see `model.py`). Subtracting the bank
mean calibrates each utterance ("how much better than a typical frame does this one match it");
m and s are the mean and spread of c over the corpus's own pairs at the end of training, so a score
is in standard deviations from the corpus's average pair and thresholds mean the same across corpora
and training lengths (0 keeps about half; the default image threshold keeps about a third).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from babyvlm.errors import InputError
from babyvlm.scoring.baby.data import squash
from babyvlm.scoring.baby.text import Vocab
from babyvlm.scoring.baby.train import META_FILE, MODEL_FILE, fold_of, to_tensor
from babyvlm.scoring.base import PairInfo, check_pairs

DEFAULT_THRESHOLDS = {"video": 0.0, "image": 0.05}


def is_baby_model(path: str | Path) -> bool:
    p = Path(path)
    return (p / MODEL_FILE).exists() and (p / META_FILE).exists()


class BabyScorer:
    kind = "baby"

    def __init__(self, path: str | Path, *, batch_size: int = 256, threads: int = 0):
        import torch
        from safetensors.torch import load_file

        from babyvlm.scoring.baby.model import BabyCLIP

        self.path = Path(path)
        self.name = "baby"
        if not is_baby_model(self.path):
            raise InputError(f"{self.path}: not a baby scorer (train one with `babyvlm scorer train CORPUS --out DIR`)")
        meta = json.loads((self.path / META_FILE).read_text(encoding="utf-8"))
        m = meta["model"]
        self.image_size = int(m["image_size"])
        self.side = self.image_size + int(m["crop_pad"])
        self.max_words = int(m["max_words"])
        self.vocab = Vocab.from_dict(meta["vocab"])
        self.folds = int(meta.get("folds", 1))
        spread = meta.get("standardise") or [{"mean": 0.0, "std": 1.0}] * self.folds
        self.spread = [(float(d["mean"]), float(d["std"])) for d in spread]
        state = load_file(str(self.path / MODEL_FILE))
        self.models, self.banks = [], []
        for k in range(self.folds):
            prefix = f"fold{k}." if self.folds > 1 else ""
            sub = {n[len(prefix):]: v for n, v in state.items() if n.startswith(prefix)}
            self.banks.append(sub.pop("calibration_bank"))
            model = BabyCLIP(len(self.vocab), int(m["dim"]), list(m["channels"]), list(m["strides"]))
            model.load_state_dict(sub)
            self.models.append(model.to(memory_format=torch.channels_last).eval())
        self.batch_size = batch_size
        if threads > 0:
            torch.set_num_threads(threads)
        self.default_thresholds = dict(DEFAULT_THRESHOLDS)
        self._text_cache: dict[tuple[int, str], tuple[np.ndarray, float]] = {}
        self._torch = torch
        h = hashlib.sha256((self.path / MODEL_FILE).read_bytes())
        self._fingerprint = f"baby:{h.hexdigest()[:16]}"

    def fingerprint(self) -> str:
        return self._fingerprint

    def _texts(self, k: int, texts: Sequence[str]):
        torch = self._torch
        todo = [t for t in dict.fromkeys(texts) if (k, t) not in self._text_cache]
        if todo:
            ids = torch.tensor([self.vocab.encode(t, self.max_words) for t in todo])
            with torch.no_grad():
                emb = self.models[k].text(ids)
                base = self.models[k].matrix(self.banks[k], emb).mean(0)
            for t, e, b in zip(todo, emb.numpy(), base.numpy()):
                self._text_cache[(k, t)] = (e, float(b))
        if len(self._text_cache) > 50_000:
            wanted = set(texts)  # once, not per cached entry
            self._text_cache = {key: v for key, v in self._text_cache.items() if key[1] in wanted}
        emb = np.stack([self._text_cache[(k, t)][0] for t in texts])
        base = np.asarray([self._text_cache[(k, t)][1] for t in texts], np.float32)
        return emb, base

    def squashed(self, images: Sequence[Image.Image]) -> np.ndarray:
        o = (self.side - self.image_size) // 2
        return np.stack([squash(im, self.side)[o : o + self.image_size, o : o + self.image_size] for im in images])

    def _score_with(self, k: int, x: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        torch = self._torch
        emb, base = self._texts(k, texts)
        out = []
        with torch.no_grad():
            for i in range(0, len(x), self.batch_size):
                patches = self.models[k].image(to_tensor(x[i : i + self.batch_size], torch))
                out.append(self.models[k].paired(patches, torch.from_numpy(emb[i : i + self.batch_size])).numpy())
        mu, sd = self.spread[k]
        return (np.concatenate(out) - base - mu) / sd

    def score(self, images: Sequence[Image.Image], texts: Sequence[str],
              infos: Sequence[PairInfo] | None = None) -> np.ndarray:
        """With `infos`, each pair is scored by the model whose training never saw its utterance (see
        train.py, cross-fitting); without, by the mean of the fold models."""
        check_pairs(images, texts, infos)
        if not images:
            return np.zeros(0, dtype=np.float32)
        x = self.squashed(images)
        texts = list(texts)
        if self.folds == 1:
            return self._score_with(0, x, texts).astype(np.float32)
        if infos is None:
            return np.mean([self._score_with(k, x, texts) for k in range(self.folds)], axis=0).astype(np.float32)
        fold = np.asarray([fold_of(i.stem, i.start, self.folds) for i in infos])
        out = np.zeros(len(texts), np.float32)
        for k in range(self.folds):
            sel = np.flatnonzero(fold == k)
            if len(sel):
                out[sel] = self._score_with(k, x[sel], [texts[i] for i in sel])
        return out
