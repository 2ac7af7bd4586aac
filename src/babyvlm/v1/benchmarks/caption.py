"""A SAYCam-style caption set: frames with the utterance spoken over them, from held-out sessions.

With the corpus's split (the default, `split: corpus`) the sessions are the corpus's test sessions,
like every V1 benchmark's. With `split: shared` (the paper's shared use of the corpus), by default
only the sessions the shared pretraining set holds out are used (`caption.sessions: val`): the split
is recomputed with that builder's own rule (`babyvlm.pretrain.split`, same `val_fraction` and seed),
so no caption utterance was seen in training. Utterances must have at
least `min_words` words and, with `require_visible`, name something in view; each gives the frame
where what it names is most visible. With `unique_texts` a repeated utterance ("look, a cup!") is
used once (its first occurrence), as in the official set, where references rarely repeat. Up to `items` are drawn at random (seeded) and listed in
session and time order. Official layout: `image, text`, images `<stem>_<ms>.jpg`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from babyvlm.pretrain.split import split_sessions
from babyvlm.v1.benchmarks.scan import SessionInfo, UtteranceFrame
from babyvlm.v1.config import CaptionConfig

COLUMNS = ("image", "text")


@dataclass
class CaptionItem:
    session: SessionInfo
    utt: UtteranceFrame

    @property
    def key(self) -> str:
        return f"{self.session.stem}_{int(round(self.utt.t * 1000)):07d}"

    @property
    def image(self) -> str:
        return f"{self.key}.jpg"


def held_out(stems: list[str], cfg: CaptionConfig, seed: int, test: set[str] | None = None) -> set[str]:
    """The sessions captions may come from: `test` (the corpus's test sessions) when given."""
    if test is not None:
        return set(stems) & test
    if cfg.sessions == "all":
        return set(stems)
    split = split_sessions(stems, cfg.val_fraction, cfg.split_seed if cfg.split_seed is not None else seed)
    return {s for s, side in split.items() if side == "val"}


def build_captions(sessions: list[SessionInfo], all_stems: list[str], cfg: CaptionConfig, seed: int,
                   rng: np.random.Generator, test: set[str] | None = None) -> tuple[list[CaptionItem], list[str]]:
    """(items, the stems they were drawn from). `all_stems`: every session of the corpus, as the
    pretraining builder lists them (the shared split depends on the full listing); `test`: the
    corpus's test sessions (None: the shared split)."""
    keep = held_out(all_stems, cfg, seed, test)
    pool = []
    texts: set[str] = set()
    for s in sessions:
        if s.stem not in keep:
            continue
        seen = set()
        for u in s.utterances:
            if len(u.text.split()) < cfg.min_words or (cfg.require_visible and not u.visible_referents):
                continue
            item = CaptionItem(s, u)
            norm = " ".join(u.text.lower().split())
            if item.key in seen or (cfg.unique_texts and norm in texts):  # first one only
                continue
            seen.add(item.key)
            texts.add(norm)
            pool.append(item)
    if len(pool) > cfg.items:
        pick = sorted(rng.choice(len(pool), size=cfg.items, replace=False).tolist())
        pool = [pool[i] for i in pick]
    return pool, sorted(keep)


def rows(items: list[CaptionItem]) -> list[dict[str, str]]:
    return [{"image": it.image, "text": it.utt.text} for it in items]
