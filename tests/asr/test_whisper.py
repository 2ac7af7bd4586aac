"""Whisper tokens -> timed segments, and the runner on a tiny random checkpoint built offline."""

from __future__ import annotations

import numpy as np
import pytest

from babyvlm.corpus.asr.segments import parse_tokens

TS = 100  # timestamp_begin in the toy vocabulary below
EOS = 50
SPECIAL = {50, 51, 52, 53}
PIECES = {1: " look", 2: " at", 3: " the", 4: " ba", 5: "ll", 6: "!"}


def _decode(ids: list[int]) -> str:
    return "".join(PIECES.get(i, "") for i in ids)


def ts(t: float) -> int:
    return TS + int(round(t / 0.02))


def _parse(tokens, probs=None, times=None, duration=10.0):
    probs = probs or [0.5] * len(tokens)
    return parse_tokens(tokens, probs, timestamp_begin=TS, eos_id=EOS, special_ids=SPECIAL, decode=_decode,
                        duration=duration, token_times=times)


def test_segments_between_timestamp_tokens():
    tokens = [ts(0.5), 1, 2, ts(1.5), ts(1.5), 3, 4, 5, ts(2.4), EOS, 1, 1]
    probs = [0.9, 0.8, 0.6, 0.9, 0.9, 1.0, 0.5, 0.3, 0.9, 0.9, 0.1, 0.1]
    segs = _parse(tokens, probs)
    assert [(s.start, s.end, s.text, s.tokens, s.closed) for s in segs] == [
        (0.5, 1.5, "look at", 2, True), (1.5, 2.4, "the ball", 3, True)]
    assert segs[0].confidence == pytest.approx(0.7)  # text tokens only: (0.8 + 0.6) / 2
    assert segs[1].confidence == pytest.approx(0.6)


def test_open_segment_ends_at_the_window_and_specials_are_skipped():
    segs = _parse([52, ts(3.0), 1, 53, 2, 6], duration=4.2)
    assert [(s.start, s.end, s.text, s.closed) for s in segs] == [(3.0, 4.2, "look at!", False)]
    segs = _parse([1, 2, EOS], duration=2.5)  # no timestamps at all: the whole window
    assert [(s.start, s.end, s.text) for s in segs] == [(0.0, 2.5, "look at")]
    assert _parse([ts(0.0), ts(1.0), EOS]) == []  # no text, no segment


def test_word_times_from_token_times():
    tokens = [ts(0.0), 1, 3, 4, 5, 6, ts(2.0)]
    times = [0.0, 0.1, 0.6, 1.0, 1.3, 1.6, 1.9]
    (seg,) = _parse(tokens, times=times)
    assert [(w.text, w.start, w.end) for w in seg.words] == [("look", 0.1, 0.6), ("the", 0.6, 1.0), ("ball!", 1.0, 1.9)]


def test_shifted_maps_to_session_time():
    (seg,) = _parse([ts(0.5), 1, ts(1.0)], times=[0.0, 0.6, 0.9])
    s = seg.shifted(12.25)
    assert (s.start, s.end) == (12.75, 13.25)
    assert (s.words[0].start, s.words[0].end) == (12.85, 13.15)


def test_tiny_whisper_generates_with_timestamps(tiny_whisper):
    from transformers import WhisperForConditionalGeneration, WhisperProcessor

    from babyvlm.corpus.asr.whisper import RunnerOptions, WhisperRunner

    processor = WhisperProcessor.from_pretrained(tiny_whisper, local_files_only=True)
    tok = processor.tokenizer
    model = WhisperForConditionalGeneration.from_pretrained(tiny_whisper, local_files_only=True)
    gen = model.generation_config
    assert tok.convert_tokens_to_ids("<|0.00|>") == gen.no_timestamps_token_id + 1
    assert tok.convert_tokens_to_ids("<|30.00|>") == gen.no_timestamps_token_id + 1501
    assert max(tok.all_special_ids) == gen.no_timestamps_token_id
    runner = WhisperRunner(tiny_whisper, RunnerOptions(max_new_tokens=24))
    assert runner.device in ("cpu", "cuda") and runner.word_timestamps and runner.multilingual
    rng = np.random.default_rng(0)
    audios = [0.1 * rng.standard_normal(16000 * 3).astype(np.float32), np.zeros(16000 * 12, np.float32)]
    results = runner(audios)
    assert len(results) == 2
    for segs in results:
        assert segs, "the tiny model always emits something"
        for s in segs:
            assert 0.0 <= s.start <= 30.0 and s.end >= 0
            assert 0.0 < s.confidence <= 1.0
            assert s.words and all(s.start <= w.start <= w.end <= max(s.end, s.start) for w in s.words)


def test_runner_refuses_what_is_not_a_local_checkpoint(tmp_path):
    from babyvlm.corpus.asr.whisper import WhisperRunner
    from babyvlm.errors import InputError

    with pytest.raises(InputError, match="not a folder"):
        WhisperRunner("openai/whisper-tiny")  # a hub id is never downloaded
    with pytest.raises(InputError, match="no config.json"):
        WhisperRunner(tmp_path)


def test_confidence_is_the_emitted_tokens_probability(tiny_whisper):
    """Greedy: the runner's per-token probabilities are transformers' own transition scores; beams run too."""
    import torch

    from babyvlm.corpus.asr.whisper import RunnerOptions, WhisperRunner

    runner = WhisperRunner(tiny_whisper, RunnerOptions(max_new_tokens=12))
    audio = [0.1 * np.random.default_rng(1).standard_normal(16000 * 2).astype(np.float32)]
    feats = runner.processor.feature_extractor(audio, sampling_rate=16000, return_tensors="pt")
    out = runner.model.generate(feats["input_features"], return_timestamps=True, return_dict_in_generate=True,
                                output_scores=True, force_unique_generate_call=True, max_new_tokens=12,
                                language="en", task="transcribe")
    ref = runner.model.compute_transition_scores(out["sequences"], out["scores"], normalize_logits=True).exp()[0]
    gen = out["sequences"][0, -len(out["scores"]) :].tolist()
    (segs,) = runner(audio)
    # the first segment's confidence is the mean over its text tokens (those between timestamp tokens)
    text_pos = [i for i, t in enumerate(gen) if t < runner.timestamp_begin and t not in runner.special_ids]
    first = []
    for i in text_pos:
        if first and i != first[-1] + 1:
            break
        first.append(i)
    assert segs[0].confidence == pytest.approx(float(torch.mean(ref[first])), rel=1e-5)
    beams = WhisperRunner(tiny_whisper, RunnerOptions(max_new_tokens=12, num_beams=2))
    (bsegs,) = beams(audio)
    assert bsegs and all(0 < s.confidence <= 1 for s in bsegs)
