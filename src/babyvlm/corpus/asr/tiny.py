"""A tiny randomly initialised Whisper checkpoint, built offline (for tests, benchmarks and smoke runs).

Its text is meaningless, but it has everything the pipeline relies on in a real checkpoint: a
byte-level BPE tokenizer with Whisper's special tokens in Whisper's order (text, `<|endoftext|>`,
`<|startoftranscript|>`, language and task tokens, `<|notimestamps|>`, then the 1501 timestamp
tokens `<|0.00|>` ... `<|30.00|>`), a feature extractor for 30 s windows, and a generation config
with `no_timestamps_token_id`, `lang_to_id`, `task_to_id` and `alignment_heads` (word times).
"""

from __future__ import annotations

from pathlib import Path

WORDS = (
    "look at the ball where is the dog can you see the cup one two three four five "
    "mommy daddy baby book car shoe spoon apple banana bird cat milk water"
).split()
LANGUAGES = ("en", "de", "fr", "es")


def _train_bpe(vocab_size: int, seed_text: list[str]) -> tuple[dict[str, int], list[tuple[str, str]]]:
    import json

    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  show_progress=False)
    tok.train_from_iterator(seed_text, trainer)
    data = json.loads(tok.to_str())["model"]
    merges = [tuple(m) if isinstance(m, list) else tuple(m.split(" ")) for m in data["merges"]]
    return data["vocab"], merges


def build_tiny_whisper(out: str | Path, *, seed: int = 0, d_model: int = 32, layers: int = 2, heads: int = 2,
                       vocab_size: int = 320) -> Path:
    """Write a tiny random Whisper (model + processor) to `out` and return the folder."""
    import torch
    from transformers import (
        GenerationConfig,
        WhisperConfig,
        WhisperFeatureExtractor,
        WhisperForConditionalGeneration,
        WhisperProcessor,
        WhisperTokenizer,
    )

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = [" ".join(WORDS[i:] + WORDS[:i]) for i in range(len(WORDS))]
    vocab, merges = _train_bpe(vocab_size, text)
    tok = WhisperTokenizer(vocab=vocab, merges=merges)
    # Whisper's order: every special id above every text id, timestamps last (non-special added tokens)
    specials = ["<|endoftext|>", "<|startoftranscript|>", *[f"<|{lang}|>" for lang in LANGUAGES],
                "<|translate|>", "<|transcribe|>", "<|startoflm|>", "<|startofprev|>", "<|nospeech|>",
                "<|notimestamps|>"]
    tok.add_special_tokens({"additional_special_tokens": specials})
    tok.add_tokens([f"<|{i * 0.02:.2f}|>" for i in range(1501)])
    ids = tok.convert_tokens_to_ids
    eos = ids("<|endoftext|>")
    tok.eos_token = tok.bos_token = tok.unk_token = tok.pad_token = "<|endoftext|>"
    assert ids("<|notimestamps|>") + 1 == ids("<|0.00|>"), "timestamp tokens must follow <|notimestamps|>"
    config = WhisperConfig(
        vocab_size=len(tok), num_mel_bins=80, d_model=d_model,
        encoder_layers=layers, decoder_layers=layers, encoder_attention_heads=heads, decoder_attention_heads=heads,
        encoder_ffn_dim=2 * d_model, decoder_ffn_dim=2 * d_model, max_source_positions=1500, max_target_positions=448,
        pad_token_id=eos, bos_token_id=eos, eos_token_id=eos, decoder_start_token_id=ids("<|startoftranscript|>"),
    )
    torch.manual_seed(seed)
    model = WhisperForConditionalGeneration(config).eval()
    model.generation_config = GenerationConfig(
        decoder_start_token_id=ids("<|startoftranscript|>"), eos_token_id=eos, pad_token_id=eos, bos_token_id=eos,
        max_length=448, no_timestamps_token_id=ids("<|notimestamps|>"), is_multilingual=True,
        lang_to_id={f"<|{lang}|>": ids(f"<|{lang}|>") for lang in LANGUAGES},
        task_to_id={"transcribe": ids("<|transcribe|>"), "translate": ids("<|translate|>")},
        begin_suppress_tokens=[eos], suppress_tokens=[], max_initial_timestamp_index=50,
        prev_sot_token_id=ids("<|startofprev|>"),
        alignment_heads=[[layers - 1, h] for h in range(heads)],
    )
    processor = WhisperProcessor(feature_extractor=WhisperFeatureExtractor(feature_size=80), tokenizer=tok)
    model.save_pretrained(out)
    processor.save_pretrained(out)
    return out
