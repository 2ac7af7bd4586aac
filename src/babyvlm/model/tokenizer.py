"""The byte-level BPE tokenizer, trained from the corpus transcripts (lowercase, as in the paper).

Special tokens: `<pad>` (0), `<s>` (1, bos, added in front of every encoded text), `</s>` (2, eos,
ends every answer and utterance), `<unk>` (3, never produced by byte-level BPE but expected by some
tools) and `<image>` (4, one per image; the processor expands it to the image's token count). The
chat templates' role words `user:` and `assistant:` are single added tokens so that a small
vocabulary is not spent on spelling them out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

PAD, BOS, EOS, UNK, IMAGE = "<pad>", "<s>", "</s>", "<unk>", "<image>"
SPECIAL_TOKENS = [PAD, BOS, EOS, UNK, IMAGE]
ROLE_TOKENS = ["user:", "assistant:"]
# The short answers benchmarks ask for (numbers, option letters, directions). Transcripts of speech
# hold no digits, so a tokenizer trained on them alone spells " 10" as " ", "1", "0": every number's
# first token is the same space, and "1" is a prefix of 10, 11 and 12, so a model stops after "1".
# Each word is added to the training text after a space (as it follows "ASSISTANT:") often enough
# that BPE merges it into one token; the transcripts' own merges are unchanged in kind.
ANSWER_WORDS = [str(n) for n in range(21)] + ["a", "b", "c", "d", "yes", "no", "left", "right", "top", "bottom",
                                            "top left", "top right", "bottom left", "bottom right", "first",
                                            "second", "third", "fourth", "image"]


def train_tokenizer(lines: Iterable[str], *, vocab_size: int, max_length: int = 8192, min_frequency: int = 2,
                    answer_words: Iterable[str] = ANSWER_WORDS):
    """Train a lowercase byte-level BPE on `lines` (plus `answer_words`, see ANSWER_WORDS); returns a
    transformers fast tokenizer.

    The vocabulary stops short of `vocab_size` when the corpus has no more pairs seen
    `min_frequency` times (a tiny corpus gives a small vocabulary; the model is sized to it).
    """
    from tokenizers import (
        AddedToken,
        Tokenizer,
        decoders,
        models,
        normalizers,
        pre_tokenizers,
        processors,
        trainers,
    )
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size - len(ROLE_TOKENS),
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    answers = [f"{w} {w}" for w in answer_words] * max(2, min_frequency) * 8  # " w" seen often enough to merge
    tok.train_from_iterator(_clean([*lines, *answers]), trainer)
    tok.add_tokens([AddedToken(t, normalized=True, special=False) for t in ROLE_TOKENS])
    tok.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A", pair=f"{BOS} $A {BOS} $B", special_tokens=[(BOS, tok.token_to_id(BOS))]
    )
    hf = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=BOS, eos_token=EOS, pad_token=PAD, unk_token=UNK,
        extra_special_tokens={"image_token": IMAGE}, model_max_length=max_length,
        padding_side="left",  # batched generation continues every row from its last real token
    )
    for i, t in enumerate(SPECIAL_TOKENS):
        assert tok.token_to_id(t) == i, (t, tok.token_to_id(t))
    return hf


def _clean(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        line = line.strip()
        if line:
            yield line


def load_tokenizer(path: str | Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(path))
