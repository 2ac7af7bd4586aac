"""From Whisper's generated tokens to timed segments with confidences and (optionally) word times.

Whisper writes a window's transcript as `<|t0|> text <|t1|><|t1|> text <|t2|> ...`: a timestamp
token (`<|0.00|>` ... `<|30.00|>`, 0.02 s apart, the ids right after `<|notimestamps|>`) opens and
closes each segment. Times here are relative to the window; the pipeline adds the window's start.

Confidence of a segment: the mean, over its text tokens, of the probability the decoder gave the
token it emitted (softmax of the scores after Whisper's logits processors, i.e. of the distribution
it actually chose from; openai-whisper's `avg_logprob` is the mean log of the same numbers). It
lies in (0, 1]; timestamp and special tokens do not count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

TIME_PRECISION = 0.02  # seconds per timestamp token step


@dataclass
class Word:
    text: str
    start: float
    end: float
    probability: float


@dataclass
class Segment:
    start: float  # seconds, relative to the window (or the session once mapped)
    end: float
    text: str
    confidence: float
    tokens: int  # text tokens in the segment
    closed: bool = True  # False when the model stopped before the closing timestamp
    words: list[Word] = field(default_factory=list)

    def shifted(self, offset: float) -> Segment:
        return Segment(
            round(self.start + offset, 3), round(self.end + offset, 3), self.text, self.confidence, self.tokens,
            self.closed, [Word(w.text, round(w.start + offset, 3), round(w.end + offset, 3), w.probability) for w in self.words],
        )


def _group_words(positions: list[int], tokens: Sequence[int], decode: Callable[[list[int]], str]) -> list[list[int]]:
    """Positions grouped into words: a token whose text starts with a space starts a new word."""
    groups: list[list[int]] = []
    for p in positions:
        piece = decode([tokens[p]])
        if not groups or piece.startswith(" "):
            groups.append([p])
        else:
            groups[-1].append(p)
    return groups


def parse_tokens(
    tokens: Sequence[int],
    probs: Sequence[float],
    *,
    timestamp_begin: int,
    eos_id: int,
    special_ids: set[int],
    decode: Callable[[list[int]], str],
    duration: float,
    token_times: Sequence[float] | None = None,
    precision: float = TIME_PRECISION,
) -> list[Segment]:
    """Segments of one window from its generated tokens (prompt removed).

    `probs[i]` is the probability of `tokens[i]`; `token_times[i]` (optional) the time the
    cross-attention alignment gives token i (word timestamps). `duration` is the window's audio
    length: a segment left open by the model ends there, and times are clamped to it.
    """
    segments: list[Segment] = []
    last_ts: float | None = None
    cur: list[int] = []

    def close(end: float | None) -> None:
        ids = [tokens[p] for p in cur]
        text = decode(ids).strip()
        if not text:
            return
        start = last_ts if last_ts is not None else 0.0
        closed = end is not None
        e = max(start, duration if end is None else end)
        conf = sum(probs[p] for p in cur) / len(cur)
        seg = Segment(start, e, text, conf, len(cur), closed)
        if token_times is not None:
            for group in _group_words(cur, tokens, decode):
                nxt = group[-1] + 1
                ws = float(token_times[group[0]])
                we = float(token_times[nxt]) if nxt < len(token_times) else e
                ws = min(max(ws, start), e)
                we = min(max(we, ws), e)
                wp = sum(probs[p] for p in group) / len(group)
                seg.words.append(Word(decode([tokens[p] for p in group]).strip(), ws, we, wp))
        segments.append(seg)

    for pos, tok in enumerate(tokens):
        if tok == eos_id:
            break
        if tok >= timestamp_begin:
            t = (tok - timestamp_begin) * precision
            if cur:
                close(t)
                cur = []
            last_ts = t
        elif tok in special_ids:
            continue
        else:
            cur.append(pos)
    if cur:
        close(None)
    return segments
