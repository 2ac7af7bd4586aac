"""Stage 0b: the vision encoder learns from frames alone, before it ever meets language.

- DINO (the paper's pipeline, Caron et al. 2021): a student ViT matches an exponential-moving-average
  teacher across augmented views (2 global crops for the teacher; global + local crops for the
  student), with centred and sharpened teacher outputs so the two do not collapse.
- contrastive (for small budgets): frames against their utterances (InfoNCE in both directions) with
  a bag-of-tokens text tower that starts from the stage-0a language model's embeddings. Negatives are
  the other pairs of the same micro-batch on the same process.

Augmentations are drawn from a generator seeded by (seed, epoch, sample), so a resumed run sees
exactly the crops the uninterrupted run saw.
"""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image, ImageEnhance, ImageFilter, ImageOps
from torch import nn

from babyvlm.train.config import ContrastiveConfig, DinoConfig

# --- augmentations ----------------------------------------------------------------------------------


def random_resized_crop(img: Image.Image, size: int, scale: tuple[float, float], rng: np.random.Generator) -> Image.Image:
    w, h = img.size
    area = w * h
    for _ in range(10):
        target = area * rng.uniform(*scale)
        ratio = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
        cw = int(round(math.sqrt(target * ratio)))
        ch = int(round(math.sqrt(target / ratio)))
        if 0 < cw <= w and 0 < ch <= h:
            x = int(rng.integers(0, w - cw + 1))
            y = int(rng.integers(0, h - ch + 1))
            return img.resize((size, size), Image.BILINEAR, box=(x, y, x + cw, y + ch))
    s = min(w, h)  # fall back to a centre crop
    x, y = (w - s) // 2, (h - s) // 2
    return img.resize((size, size), Image.BILINEAR, box=(x, y, x + s, y + s))


def photometric(img: Image.Image, rng: np.random.Generator, *, blur_p: float, solarize_p: float) -> Image.Image:
    if rng.random() < 0.5:
        img = ImageOps.mirror(img)
    if rng.random() < 0.8:  # colour jitter in a random order
        for k in rng.permutation(3):
            f = rng.uniform(0.6, 1.4) if k < 2 else rng.uniform(0.8, 1.2)
            img = (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color)[k](img).enhance(f)
    if rng.random() < 0.2:
        img = ImageOps.grayscale(img).convert("RGB")
    if rng.random() < blur_p:
        img = img.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.1, 2.0) * img.size[0] / 224))
    if rng.random() < solarize_p:
        img = ImageOps.solarize(img, 128)
    return img


def to_tensor(img: Image.Image, mean, std) -> torch.Tensor:
    a = torch.from_numpy(np.asarray(img, np.float32) / 255.0).permute(2, 0, 1)
    return (a - torch.tensor(mean).view(3, 1, 1)) / torch.tensor(std).view(3, 1, 1)


class DinoViews:
    """2 global crops at the model's size and `local_crops` small crops."""

    def __init__(self, cfg: DinoConfig, image_size: int, patch: int, mean, std):
        self.cfg, self.size, self.mean, self.std = cfg, image_size, mean, std
        local = cfg.local_size or max(patch, round(image_size * 3 / 7 / patch) * patch)
        self.local_size = local

    def __call__(self, img: Image.Image, rng: np.random.Generator) -> dict[str, torch.Tensor]:
        c = self.cfg
        g = [
            photometric(random_resized_crop(img, self.size, c.global_scale, rng), rng, blur_p=1.0, solarize_p=0.0),
            photometric(random_resized_crop(img, self.size, c.global_scale, rng), rng, blur_p=0.1, solarize_p=0.2),
        ]
        loc = [photometric(random_resized_crop(img, self.local_size, c.local_scale, rng), rng, blur_p=0.5,
                           solarize_p=0.0) for _ in range(c.local_crops)]
        out = {"global_crops": torch.stack([to_tensor(x, self.mean, self.std) for x in g])}
        if loc:
            out["local_crops"] = torch.stack([to_tensor(x, self.mean, self.std) for x in loc])
        return out


class PairViews:
    """One lightly augmented view for image-utterance contrastive learning."""

    def __init__(self, image_size: int, mean, std):
        self.size, self.mean, self.std = image_size, mean, std

    def __call__(self, img: Image.Image, rng: np.random.Generator) -> dict[str, torch.Tensor]:
        x = random_resized_crop(img, self.size, (0.6, 1.0), rng)
        if rng.random() < 0.5:
            x = ImageOps.mirror(x)
        return {"pixel_values": to_tensor(x, self.mean, self.std)}


# --- DINO -------------------------------------------------------------------------------------------


class DinoHead(nn.Module):
    def __init__(self, in_dim: int, cfg: DinoConfig):
        super().__init__()
        self.mlp = nn.Sequential(
            nn.Linear(in_dim, cfg.head_hidden), nn.GELU(),
            nn.Linear(cfg.head_hidden, cfg.head_hidden), nn.GELU(),
            nn.Linear(cfg.head_hidden, cfg.bottleneck),
        )
        self.last = nn.Linear(cfg.bottleneck, cfg.out_dim, bias=False)
        for m in self.mlp:
            if isinstance(m, nn.Linear):
                nn.init.trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)
        nn.init.trunc_normal_(self.last.weight, std=0.02)

    def forward(self, x):
        x = F.normalize(self.mlp(x), dim=-1)
        return F.linear(x, F.normalize(self.last.weight, dim=-1))  # weight-normalised, unit norm


class DinoObjective(nn.Module):
    """Student (vision tower + head, trained) against an EMA teacher (a copy, never given gradients)."""

    def __init__(self, vision: nn.Module, cfg: DinoConfig):
        super().__init__()
        self.cfg = cfg
        self.vision = vision
        self.head = DinoHead(vision.config.hidden_size, cfg)
        self.teacher_vision = copy.deepcopy(vision)
        self.teacher_head = copy.deepcopy(self.head)
        for p in list(self.teacher_vision.parameters()) + list(self.teacher_head.parameters()):
            p.requires_grad_(False)
        self.register_buffer("center", torch.zeros(cfg.out_dim))
        self.register_buffer("center_sum", torch.zeros(cfg.out_dim), persistent=False)
        self.register_buffer("center_n", torch.zeros(()), persistent=False)

    def _cls(self, vit, x, interpolate: bool):
        return vit(pixel_values=x, interpolate_pos_encoding=interpolate).last_hidden_state[:, 0]

    def forward(self, global_crops, local_crops=None):
        B, G = global_crops.shape[:2]
        size = global_crops.shape[-1]
        g = global_crops.flatten(0, 1)
        s_out = [self.head(self._cls(self.vision, g, False)).view(B, G, -1)]
        if local_crops is not None:
            L = local_crops.shape[1]
            interp = local_crops.shape[-1] != size
            s_out.append(self.head(self._cls(self.vision, local_crops.flatten(0, 1), interp)).view(B, L, -1))
        student = torch.cat(s_out, 1).float() / self.cfg.student_temp  # [B, V, K]
        with torch.no_grad():
            t = self.teacher_head(self._cls(self.teacher_vision, g, False)).float().view(B, G, -1)
            self.center_sum += t.sum((0, 1))
            self.center_n += B * G
            teacher = F.softmax((t - self.center) / self.cfg.teacher_temp, dim=-1)
        logp = F.log_softmax(student, dim=-1)
        total = 0.0
        pairs = 0
        for i in range(G):
            for v in range(student.shape[1]):
                if v == i:
                    continue
                total = total + (-(teacher[:, i] * logp[:, v]).sum(-1))
                pairs += 1
        loss = total / pairs  # per sample
        return loss.sum(), torch.tensor(B)

    @torch.no_grad()
    def after_step(self, step: int, total: int, all_reduce) -> None:
        m = 1 - (1 - self.cfg.teacher_momentum) * (math.cos(math.pi * step / max(1, total)) + 1) / 2
        for ps, pt in zip(list(self.vision.parameters()) + list(self.head.parameters()),
                          list(self.teacher_vision.parameters()) + list(self.teacher_head.parameters())):
            pt.mul_(m).add_(ps.detach(), alpha=1 - m)
        s = all_reduce(torch.cat([self.center_sum, self.center_n.view(1)]))
        if s[-1] > 0:
            self.center.mul_(self.cfg.center_momentum).add_(s[:-1] / s[-1], alpha=1 - self.cfg.center_momentum)
        self.center_sum.zero_()
        self.center_n.zero_()


# --- contrastive ------------------------------------------------------------------------------------


class ContrastiveObjective(nn.Module):
    def __init__(self, vision: nn.Module, cfg: ContrastiveConfig, *, vocab: int, embeddings: torch.Tensor | None):
        super().__init__()
        self.vision = vision
        dim = embeddings.shape[1] if embeddings is not None else 256
        self.tok = nn.Embedding(vocab, dim, padding_idx=0)
        if embeddings is not None:
            with torch.no_grad():
                self.tok.weight.copy_(embeddings[:vocab])
        else:
            nn.init.normal_(self.tok.weight, std=0.02)
        self.img_proj = nn.Linear(vision.config.hidden_size, cfg.embed_dim, bias=False)
        self.txt_proj = nn.Linear(dim, cfg.embed_dim, bias=False)
        nn.init.trunc_normal_(self.img_proj.weight, std=0.02)
        nn.init.trunc_normal_(self.txt_proj.weight, std=0.02)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1 / cfg.temperature)))

    def forward(self, pixel_values, text_ids):
        img = self.vision(pixel_values=pixel_values).last_hidden_state[:, 0]
        img = F.normalize(self.img_proj(img), dim=-1)
        mask = (text_ids != 0).float().unsqueeze(-1)
        txt = (self.tok(text_ids) * mask).sum(1) / mask.sum(1).clamp(min=1)
        txt = F.normalize(self.txt_proj(txt), dim=-1)
        logits = (img @ txt.t()).float() * self.logit_scale.clamp(max=math.log(100)).exp()
        target = torch.arange(len(img), device=img.device)
        loss = (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target)) / 2
        n = len(img)
        return loss * n, torch.tensor(n)
