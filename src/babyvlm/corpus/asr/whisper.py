"""A local Whisper checkpoint (transformers) run over a batch of <= 30 s windows.

The model and its processor are read from a folder with `local_files_only=True`: nothing is ever
downloaded. Each call decodes one batch of windows with `generate(return_timestamps=True)` in a
single pass (`force_unique_generate_call`: a window is never re-decoded from a later seek point,
because the pipeline already cut the audio into windows), greedily unless `num_beams > 1`.
Word times come from the cross-attention alignment (`return_token_timestamps`) when the
checkpoint names its `alignment_heads` (every released Whisper does).
"""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from babyvlm.corpus.asr.segments import Segment, parse_tokens
from babyvlm.corpus.audio import SAMPLE_RATE
from babyvlm.errors import ConfigError, InputError

log = logging.getLogger("babyvlm")


@dataclass
class RunnerOptions:
    language: str = "en"  # ignored by English-only checkpoints
    task: str = "transcribe"
    device: str = "auto"  # auto: cuda when torch sees a GPU, else cpu
    dtype: str = "auto"  # auto: float16 on cuda, float32 on cpu
    num_beams: int = 1
    max_new_tokens: int = 0  # 0: as many as the decoder's context allows
    word_timestamps: bool = True


def resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(f"device {device!r} requested but torch sees no GPU")
    return device


@contextlib.contextmanager
def _quiet_transformers():
    """transformers warns about Whisper generation flags on every call; keep the progress bar readable."""
    from transformers.utils import logging as hf_logging

    from babyvlm.util.progress import quiet

    level = hf_logging.get_verbosity()
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.set_verbosity_error()
    if quiet():
        hf_logging.disable_progress_bar()  # "Loading weights" bars
    try:
        yield
    finally:
        hf_logging.set_verbosity(level)
        if bars:
            hf_logging.enable_progress_bar()


class WhisperRunner:
    def __init__(self, model_dir: str | Path, options: RunnerOptions | None = None):
        import torch
        from transformers import WhisperForConditionalGeneration, WhisperProcessor

        self.options = opts = options or RunnerOptions()
        path = Path(model_dir)
        if not path.is_dir():
            raise InputError(f"--model {path}: not a folder (give the local folder of a Whisper checkpoint; nothing is downloaded)")
        if not (path / "config.json").exists():
            raise InputError(f"--model {path}: no config.json (not a transformers Whisper checkpoint)")
        self.device = resolve_device(opts.device)
        dtype = opts.dtype
        if dtype == "auto":
            dtype = "float16" if self.device.startswith("cuda") else "float32"
        try:
            self.torch_dtype = getattr(torch, dtype)
        except AttributeError:
            raise ConfigError(f"dtype {dtype!r} is not a torch dtype") from None
        with _quiet_transformers():
            try:
                self.processor = WhisperProcessor.from_pretrained(path, local_files_only=True)
                self.model = WhisperForConditionalGeneration.from_pretrained(
                    path, local_files_only=True, dtype=self.torch_dtype
                )
            except (OSError, ValueError, KeyError) as e:
                raise InputError(f"--model {path}: cannot load a Whisper model and processor ({' '.join(str(e).split())[:200]})") from None
        self.model.to(self.device).eval()
        gen = self.model.generation_config
        if getattr(gen, "no_timestamps_token_id", None) is None:
            raise InputError(f"--model {path}: its generation_config has no no_timestamps_token_id (no timestamp tokens)")
        self.timestamp_begin = int(gen.no_timestamps_token_id) + 1
        tok = self.processor.tokenizer
        self.eos_id = int(gen.eos_token_id if isinstance(gen.eos_token_id, int) else gen.eos_token_id[0])
        self.special_ids = set(tok.all_special_ids)
        self.multilingual = bool(getattr(gen, "is_multilingual", False)) and bool(getattr(gen, "lang_to_id", None))
        self.word_timestamps = opts.word_timestamps and bool(getattr(gen, "alignment_heads", None))
        if opts.word_timestamps and not self.word_timestamps:
            log.info("%s: no alignment_heads in its generation_config, so no word timestamps", path)
        self.max_target = int(self.model.config.max_target_positions)
        self._decode_cache: dict[int, str] = {}

    def decode(self, ids: list[int]) -> str:
        if len(ids) == 1:
            s = self._decode_cache.get(ids[0])
            if s is None:
                s = self._decode_cache[ids[0]] = self.processor.tokenizer.decode(ids, skip_special_tokens=True)
            return s
        return self.processor.tokenizer.decode(ids, skip_special_tokens=True)

    def __call__(self, audios: list[np.ndarray]) -> list[list[Segment]]:
        """Segments (times relative to each window) for a batch of mono 16 kHz windows <= 30 s."""
        import torch

        if not audios:
            return []
        fe = self.processor.feature_extractor
        kwargs = {"device": self.device} if self.device.startswith("cuda") else {}
        feats = fe(audios, sampling_rate=SAMPLE_RATE, return_tensors="pt", return_attention_mask=True, **kwargs)
        features = feats["input_features"].to(self.device, self.torch_dtype)
        mask = feats["attention_mask"].to(self.device)
        gen_kwargs = {
            "return_timestamps": True,
            "return_dict_in_generate": True,
            "output_scores": True,
            "force_unique_generate_call": True,
            "num_beams": self.options.num_beams,
        }
        if self.multilingual:
            gen_kwargs["language"] = self.options.language
            gen_kwargs["task"] = self.options.task
        if self.word_timestamps:
            gen_kwargs["return_token_timestamps"] = True
        prompt = 4  # <|startoftranscript|><|lang|><|task|> (+ slack); the decoder holds max_target tokens
        limit = self.max_target - prompt
        gen_kwargs["max_new_tokens"] = min(self.options.max_new_tokens or limit, limit)
        with torch.inference_mode(), _quiet_transformers():
            out = self.model.generate(features, attention_mask=mask, **gen_kwargs)
            sequences = out["sequences"]
            scores = out["scores"]  # one [batch, vocab] per step, already resolved to each item's final beam
            n_gen = len(scores)
            gen = sequences[:, sequences.shape[1] - n_gen :]
            # the probability of each emitted token under the distribution it was chosen from
            # (step by step: a [batch, steps, vocab] stack would not fit a GPU for large vocabularies)
            probs = torch.stack([
                torch.log_softmax(scores[k].float(), dim=-1).gather(1, gen[:, k : k + 1].to(scores[k].device)).squeeze(1)
                for k in range(n_gen)
            ], dim=1).exp().cpu().numpy() if n_gen else np.zeros((len(audios), 0))
        gen_tokens = gen.tolist() if n_gen else [[] for _ in audios]
        times = None
        if self.word_timestamps and out.get("token_timestamps") is not None:
            times = out["token_timestamps"][:, -n_gen:].float().cpu().numpy() if n_gen else None
        results = []
        for b, audio in enumerate(audios):
            duration = len(audio) / SAMPLE_RATE
            results.append(parse_tokens(
                gen_tokens[b], probs[b].tolist(),
                timestamp_begin=self.timestamp_begin, eos_id=self.eos_id, special_ids=self.special_ids,
                decode=self.decode, duration=duration,
                token_times=None if times is None else times[b].tolist(),
            ))
        return results
