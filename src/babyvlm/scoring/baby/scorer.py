"""`baby`: score image-utterance pairs with a model trained by `babyvlm scorer train`.

Score = s(image, utterance) - mean over a bank of random corpus frames of s(frame, utterance), where s
is the model's best-patch cosine (see `model.py`). The subtraction calibrates each utterance: a score
above 0 means "this frame matches the utterance better than a typical frame of the corpus does", so
utterances about nothing in view ("time for your nap") score near 0 on every frame, while "look at
the ball" scores high only where a ball is visible. Default thresholds are in these units.
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
from babyvlm.scoring.baby.train import META_FILE, MODEL_FILE, to_tensor
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
        state = load_file(str(self.path / MODEL_FILE))
        self.bank = state.pop("calibration_bank")
        self.model = BabyCLIP(len(self.vocab), int(m["dim"]), list(m["channels"]), list(m["strides"]))
        self.model.load_state_dict(state)
        self.model.eval()
        self.batch_size = batch_size
        if threads > 0:
            torch.set_num_threads(threads)
        self.default_thresholds = dict(DEFAULT_THRESHOLDS)
        self._text_cache: dict[str, tuple[np.ndarray, float]] = {}
        self._torch = torch
        h = hashlib.sha256((self.path / MODEL_FILE).read_bytes())
        self._fingerprint = f"baby:{h.hexdigest()[:16]}"

    def fingerprint(self) -> str:
        return self._fingerprint

    def _texts(self, texts: Sequence[str]):
        torch = self._torch
        todo = [t for t in dict.fromkeys(texts) if t not in self._text_cache]
        if todo:
            ids = torch.tensor([self.vocab.encode(t, self.max_words) for t in todo])
            with torch.no_grad():
                emb = self.model.text(ids)
                base = self.model.matrix(self.bank, emb).mean(0)
            for t, e, b in zip(todo, emb.numpy(), base.numpy()):
                self._text_cache[t] = (e, float(b))
        if len(self._text_cache) > 50_000:
            self._text_cache = {t: self._text_cache[t] for t in texts}
        emb = np.stack([self._text_cache[t][0] for t in texts])
        base = np.asarray([self._text_cache[t][1] for t in texts], np.float32)
        return emb, base

    def image_patches(self, images: Sequence[Image.Image]):
        torch = self._torch
        o = (self.side - self.image_size) // 2
        outs = []
        for i in range(0, len(images), self.batch_size):
            x = np.stack([squash(im, self.side)[o : o + self.image_size, o : o + self.image_size]
                          for im in images[i : i + self.batch_size]])
            with torch.no_grad():
                outs.append(self.model.image(to_tensor(x, torch)))
        return torch.cat(outs)

    def score(self, images: Sequence[Image.Image], texts: Sequence[str],
              infos: Sequence[PairInfo] | None = None) -> np.ndarray:
        check_pairs(images, texts, infos)
        if not images:
            return np.zeros(0, dtype=np.float32)
        torch = self._torch
        patches = self.image_patches(images)
        emb, base = self._texts(texts)
        with torch.no_grad():
            raw = self.model.paired(patches, torch.from_numpy(emb)).numpy()
        return (raw - base).astype(np.float32)
