"""`clip:PATH`: a local CLIP or SigLIP checkpoint loaded with transformers (nothing is downloaded).

The score is the cosine similarity of the image and text embeddings (not multiplied by the model's
logit scale), the quantity the paper thresholds: CLIP similarity > 0.2 for frames; its video filter
(X-CLIP > 0.1) becomes, here, the frame-mean of the same cosine (see `babyvlm.scoring.base`). The
image processor is the PIL one (`CLIPImageProcessorPil` / `SiglipImageProcessorPil`), which needs no
torchvision. SigLIP cosines run lower than CLIP's: set thresholds (or a keep fraction) to suit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from babyvlm.errors import InputError
from babyvlm.scoring.base import PairInfo, check_pairs

PAPER_THRESHOLDS = {"video": 0.1, "image": 0.2}


def _features(out):
    """transformers 5 returns a ModelOutput from get_*_features; older versions a tensor."""
    if hasattr(out, "pooler_output") and out.pooler_output is not None:
        return out.pooler_output
    if hasattr(out, "image_embeds"):
        return out.image_embeds
    if hasattr(out, "text_embeds"):
        return out.text_embeds
    return out


def _image_processor(path: Path):
    import transformers

    cfg_path = path / "preprocessor_config.json"
    if not cfg_path.exists():
        raise InputError(f"{path}: no preprocessor_config.json (save the image processor with the model)")
    cfg = json.loads(cfg_path.read_text(encoding="utf-8"))
    kind = str(cfg.get("image_processor_type", "CLIPImageProcessor")).removesuffix("Fast").removesuffix("Pil")
    cls = getattr(transformers, f"{kind}Pil", None)
    if cls is None:
        cls = transformers.CLIPImageProcessorPil
    return cls.from_pretrained(str(path))


class ClipScorer:
    kind = "clip"

    def __init__(self, path: str | Path, *, batch_size: int = 32, device: str = "cpu"):
        import torch
        from transformers import AutoModel, AutoTokenizer

        self.path = Path(path)
        self.name = f"clip:{path}"
        if not (self.path / "config.json").exists():
            raise InputError(f"clip:{path}: not a transformers model folder (no config.json)")
        self.default_thresholds = dict(PAPER_THRESHOLDS)
        self.batch_size = batch_size
        self.device = device
        try:
            self.model = AutoModel.from_pretrained(str(self.path)).to(device).eval()
            self.tokenizer = AutoTokenizer.from_pretrained(str(self.path))
        except (OSError, ValueError) as e:
            raise InputError(f"clip:{path}: cannot load ({' '.join(str(e).split())[:200]})") from None
        if not hasattr(self.model, "get_image_features") or not hasattr(self.model, "get_text_features"):
            raise InputError(f"clip:{path}: {type(self.model).__name__} is not a CLIP-like dual encoder")
        self.processor = _image_processor(self.path)
        self._siglip = "siglip" in type(self.model).__name__.lower()
        self._text_cache: dict[str, np.ndarray] = {}
        self._torch = torch

    def fingerprint(self) -> str:
        h = hashlib.sha256()
        for name in sorted(p.name for p in self.path.iterdir() if p.is_file()):
            st = (self.path / name).stat()
            h.update(f"{name}:{st.st_size}:{int(st.st_mtime)}".encode())
        return f"clip:{h.hexdigest()[:16]}"

    def _embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        torch = self._torch
        todo = [t for t in dict.fromkeys(texts) if t not in self._text_cache]
        for i in range(0, len(todo), self.batch_size):
            chunk = todo[i : i + self.batch_size]
            kw = {"padding": "max_length", "max_length": 64} if self._siglip else {"padding": True}
            enc = self.tokenizer(chunk, truncation=True, return_tensors="pt", **kw)
            with torch.no_grad():
                emb = _features(self.model.get_text_features(**{k: v.to(self.device) for k, v in enc.items()}))
            emb = torch.nn.functional.normalize(emb.float(), dim=-1).cpu().numpy()
            for t, e in zip(chunk, emb):
                self._text_cache[t] = e
        if len(self._text_cache) > 50_000:  # bound memory on long runs
            self._text_cache = {t: self._text_cache[t] for t in texts}
        return np.stack([self._text_cache[t] for t in texts])

    def _embed_images(self, images: Sequence[Image.Image]) -> np.ndarray:
        torch = self._torch
        outs = []
        for i in range(0, len(images), self.batch_size):
            px = self.processor(images=[im.convert("RGB") for im in images[i : i + self.batch_size]],
                                return_tensors="pt")["pixel_values"]
            with torch.no_grad():
                emb = _features(self.model.get_image_features(pixel_values=px.to(self.device)))
            outs.append(torch.nn.functional.normalize(emb.float(), dim=-1).cpu().numpy())
        return np.concatenate(outs)

    def score(self, images: Sequence[Image.Image], texts: Sequence[str],
              infos: Sequence[PairInfo] | None = None) -> np.ndarray:
        check_pairs(images, texts, infos)
        if not images:
            return np.zeros(0, dtype=np.float32)
        img = self._embed_images(images)
        txt = self._embed_texts(texts)
        return np.sum(img * txt, axis=1).astype(np.float32)
