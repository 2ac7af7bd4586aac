"""Shortcut baselines: they expose items that can be solved without the skill a task measures.

- `random`: uniform over the item's answer options (letters, numbers in the task's answer space,
  the quoted directions), seeded per (seed, task, item, round); log-likelihoods are seeded random
  numbers (so likelihood tasks land at chance); free-text answers (captions) are another item's
  reference, drawn at random.
- `blind`: never sees the images. It answers with the most common gold answer of the task's
  TRAIN split for the same prompt form (the question text without images, lowercased; memory: also
  the round), falling back to the most common train answer of that round; ties are broken by a
  seeded draw. Without a train split (e.g. a test-only release) it uses the most common answer of
  the evaluated items per round, never per prompt form: an in-sample answer prior, the upper bound
  of any guess from the answer distribution. (A leave-one-out prior on the evaluated items would
  be wrong: on answer-balanced data it always picks an answer other than the item's own, scoring
  0%, not chance.) Log-likelihoods come from a word
  unigram model of all the task's continuations (options, not answers), so it prefers phrases
  made of common words and cannot tell images apart (ties are coin flips). Captions: the other
  item's reference made of the most common words.
- `pixel`: never reads the question. Per task it applies a pixel statistic (see
  `babyvlm.tasks.devcv.common`): the option nearest the reference image, the busiest option, the
  quadrant with the most edges, the image with more blobs, the blob count, the drift of the frame
  differences, the option least like every earlier image; log-likelihoods score the image's
  clutter (the same for every phrase); captions are the reference of the nearest other image.
"""

from __future__ import annotations

import math
import random
import re
import zlib
from collections import Counter
from typing import Any

from babyvlm.errors import InputError
from babyvlm.evaluate.adapters.base import AdapterOptions, ModelAdapter
from babyvlm.tasks import shortcuts as sc
from babyvlm.tasks.conversation import Conversation
from babyvlm.util.rngs import py_stream


def prompt_form(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("<image>", " ")).strip().lower()


class Baseline(ModelAdapter):
    is_baseline = True
    version = 4  # bump when a baseline's behaviour changes (invalidates cached outputs)

    def __init__(self, options: AdapterOptions):
        self.seed = options.seed
        self.task: Any = None

    def cache_id(self) -> str:
        return f"{self.name}:seed={self.seed}:v{self.version}"

    def rng(self, conv: Conversation, *extra: Any) -> random.Random:
        m = conv.meta
        return py_stream(self.seed, self.name, m.get("task"), m.get("item_id"), m.get("round", 0), *extra)

    def begin_task(self, task: Any, items: list[Any], prior_items: list[Any] | None = None) -> None:
        self.task = task


# ---------------------------------------------------------------------------------------------- random

class RandomBaseline(Baseline):
    name = "random"

    def prior_note(self):
        return "uniform over each item's options (the task's answer space for counts); no prior"

    def begin_task(self, task, items, prior_items=None):
        super().begin_task(task, items, prior_items)
        self.free = {i.id: task.gold(i) for i in items} if getattr(task, "free_text", False) else {}

    def generate(self, conversations, max_new_tokens=16):
        out = []
        for conv in conversations:
            rng = self.rng(conv)
            options = conv.meta.get("options")
            if options:
                out.append(str(rng.choice(list(options))))
            else:
                others = sorted(v for k, v in self.free.items() if k != conv.meta.get("item_id"))
                out.append(rng.choice(others) if others else "")
        return out

    def loglikelihood(self, requests):
        # seeded by the request's place in its item, not by file paths: moving the data changes nothing
        return [(-10.0 * self.rng(conv, conv.meta.get("image_index"), conv.meta.get("phrase_index"), cont).random(), 1)
                for conv, cont in requests]


# ---------------------------------------------------------------------------------------------- blind

def _majority(counter: Counter, rng: random.Random) -> str | None:
    counts = {k: v for k, v in counter.items() if v > 0}
    if not counts:
        return None
    best = max(counts.values())
    tied = sorted(k for k, v in counts.items() if v == best)
    return tied[rng.randrange(len(tied))]


class BlindBaseline(Baseline):
    name = "blind"

    def begin_task(self, task, items, prior_items=None):
        super().begin_task(task, items, prior_items)
        self.answers: dict[tuple[str, int], str] = {}
        self.unigrams: Counter = Counter()
        self.prior_source = None
        kind = task.kind
        if kind == "loglikelihood":
            for item in items:
                for _, cont in task.requests(item):
                    self.unigrams.update(cont.lower().split())
            self.total = sum(self.unigrams.values())
            return
        if getattr(task, "free_text", False):
            self._captions(task, items)
            return
        self.prior_source = "train" if prior_items else "evaluated"
        self.prior_n = len(prior_items or items)
        by_form: dict[tuple[int, str], Counter] = {}
        by_round: dict[int, Counter] = {}
        for item in prior_items or items:
            for r, form, g in self._turns(task, item):
                by_round.setdefault(r, Counter())[g] += 1
                if prior_items:  # per prompt form only from a separate sample: in-sample it leaks the answer
                    by_form.setdefault((r, form), Counter())[g] += 1
        for item in items:
            for r, form, _ in self._turns(task, item):
                rng = random.Random(zlib.crc32(f"{self.seed}:blind:{task.name}:{r}:{form}".encode()))
                answer = _majority(by_form.get((r, form), Counter()), rng)
                if answer is None:
                    rng = random.Random(zlib.crc32(f"{self.seed}:blind:{task.name}:{r}".encode()))
                    answer = _majority(by_round.get(r, Counter()), rng)
                self.answers[(item.id, r)] = answer if answer is not None else ""

    def prior_note(self):
        src = getattr(self, "prior_source", None)
        if src == "train":
            return f"most common answer per prompt form in the task's train split ({self.prior_n} items)"
        if src == "evaluated":
            note = (f"in-sample: the most common answer per round of the {self.prior_n} evaluated items themselves "
                    "(no train split beside the data): an upper bound of guessing from the answer distribution")
            if self.prior_n < 20:
                note += f"; with {self.prior_n} items it largely reproduces the golds, so it means little here"
            return note
        if self.unigrams:
            return "word unigrams of the task's continuations (options, not answers)"
        return "captions of the other evaluated items (most common words)"

    @staticmethod
    def _turns(task, item):
        golds = task.gold(item)
        golds = golds if isinstance(golds, list) else [golds]
        for r, ((human, _), g) in enumerate(zip(item.turns, golds)):
            yield r, prompt_form(human), g

    def cache_id(self) -> str:
        # the answers depend on where the prior came from
        return f"{super().cache_id()}:prior={getattr(self, 'prior_source', 'none')}"

    def _captions(self, task, items):
        golds = {i.id: task.gold(i) for i in items}
        df = Counter()
        for text in golds.values():
            df.update(set(text.lower().split()))
        for item_id, own in golds.items():
            own_words = set(own.lower().split())

            def commonness(text: str, own_words=own_words) -> float:
                words = text.lower().split()
                return sum(df[w] - (w in own_words) for w in words) / max(len(words), 1)

            others = sorted(t for k, t in golds.items() if k != item_id)
            self.answers[(item_id, 0)] = max(others, key=commonness) if others else ""

    def generate(self, conversations, max_new_tokens=16):
        return [self.answers.get((c.meta.get("item_id"), c.meta.get("round", 0)), "") for c in conversations]

    def loglikelihood(self, requests):
        v = len(self.unigrams) + 1
        out = []
        for _, cont in requests:
            words = cont.lower().split() or [""]
            lp = sum(math.log((self.unigrams[w] + 1) / (self.total + v)) for w in words)
            out.append((lp, len(words)))
        return out


# ---------------------------------------------------------------------------------------------- pixel

class PixelBaseline(Baseline):
    name = "pixel"

    def __init__(self, options):
        super().__init__(options)
        self._thumbs: dict[str, Any] = {}

    def thumb(self, ref):
        key = ref.fingerprint()
        t = self._thumbs.get(key)
        if t is None:
            t = sc.thumb(ref.pil())
            if len(self._thumbs) > 4096:
                self._thumbs.clear()
            self._thumbs[key] = t
        return t

    def prior_note(self):
        return "a pixel statistic of the images per task; never reads the question, no prior"

    def begin_task(self, task, items, prior_items=None):
        super().begin_task(task, items, prior_items)
        self.gallery = []
        if getattr(task, "free_text", False):
            for item in items:
                self.gallery.append((item.id, self.thumb(task.images(item)[0]), task.gold(item)))

    def generate(self, conversations, max_new_tokens=16):
        return [self._answer(c) for c in conversations]

    def _answer(self, conv: Conversation) -> str:
        m = conv.meta
        rule = m.get("pixel")
        options = list(m.get("options") or [])
        opt_images: dict[str, int] = m.get("option_images") or {}
        rng = self.rng(conv)
        thumbs = [self.thumb(im) for im in conv.images]
        if not options:  # free text: the caption of the nearest other image
            if not self.gallery or not thumbs:
                return ""
            others = [(sc.distance(thumbs[0], t), cap) for k, t, cap in self.gallery if k != m.get("item_id")]
            return min(others)[1] if others else ""

        def pick(scores: dict[str, float]) -> str:
            return sc.pick(scores, rng) if scores else rng.choice(options)

        def by_option(rule_scores: list[float]) -> dict[str, float]:
            return dict(zip(opt_images, rule_scores))

        option_thumbs = [thumbs[i] for i in opt_images.values()]
        if rule == "nearest" and m.get("reference_image") is not None:
            return pick(by_option(sc.nearest(thumbs[m["reference_image"]], option_thumbs)))
        if rule == "busiest" and opt_images:
            return pick(by_option(sc.busiest(option_thumbs)))
        if rule == "quadrant":
            energy = sc.quadrant_energy(thumbs[0])
            quads = m.get("option_quadrants") or {}
            return pick({k: energy[q] for k, q in quads.items() if q in energy})
        if rule == "more_blobs" and opt_images:
            return pick(by_option(sc.more_blobs(option_thumbs)))
        if rule == "blob_count":
            n = sc.blobs(thumbs[0])[0]
            if m.get("option_numbers"):  # lettered numbers: the letter of the nearest count
                return pick({k: -abs(v - n) for k, v in m["option_numbers"].items()})
            nums = sorted(int(o) for o in options)
            return str(sc.blob_number(thumbs[0], nums[0], nums[-1]))
        if rule == "motion":
            dirs = m.get("option_directions")  # lettered directions: the letter of the direction found
            d = sc.motion_direction(thumbs, list(dirs.values()) if dirs else options)
            if dirs:
                return next((k for k, v in dirs.items() if v == d), rng.choice(options))
            return d if d is not None else rng.choice(options)
        if rule == "novel" and opt_images:
            earlier = [thumbs[i] for i in range(min(opt_images.values()))]
            return pick(by_option(sc.novel(option_thumbs, earlier)))
        return rng.choice(options)

    def loglikelihood(self, requests):
        out = []
        for conv, _ in requests:
            c = sum(sc.clutter(self.thumb(im)) for im in conv.images) / max(len(conv.images), 1)
            out.append((c, 1))
        return out


def load(name: str, options: AdapterOptions) -> Baseline:
    classes = {"random": RandomBaseline, "blind": BlindBaseline, "pixel": PixelBaseline}
    if name not in classes:
        raise InputError(f"unknown baseline {name!r} (known: {', '.join(classes)})")
    return classes[name](options)
