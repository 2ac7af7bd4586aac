"""Word error rate between two transcript sets, aligned by session.

Each session's utterances are joined in time order into one word sequence (so a recogniser that
splits or merges utterances differently is not penalised for that) and aligned with a Levenshtein
alignment on words: WER = (substitutions + deletions + insertions) / reference words. The totals
sum the counts over sessions (a corpus WER, not a mean of session WERs).

Normalisation, applied to both sides before counting (`normalize`):
1. transcriber annotations in `*...*`, `[...]`, `(...)` are removed (as the corpus reader does);
2. Unicode NFKC, lowercase, curly apostrophes made straight;
3. digits are spelled out as English words (`3` -> `three`, `25` -> `twenty five`), because
   recognisers write numbers as digits while child-directed transcripts spell them;
4. hyphens and slashes separate words; every other character that is not a letter, a digit or an
   apostrophe inside a word is dropped (`don't` stays, `'ball'` becomes `ball`).

Among alignments with the fewest errors the one with the most correct words is counted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from babyvlm.corpus.transcripts import clean_text

_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def number_words(n: int) -> str:
    """English words for 0 <= n < 10**12 (`105` -> `one hundred five`); larger numbers digit by digit."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        return _ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + number_words(n % 100))
    for size, name in ((10**9, "billion"), (10**6, "million"), (10**3, "thousand")):
        if n >= size:
            if n >= size * 1000:
                break
            rest = n % size
            return number_words(n // size) + " " + name + ("" if rest == 0 else " " + number_words(rest))
    return " ".join(_ONES[int(d)] for d in str(n))


_DIGITS_RE = re.compile(r"\d+")
_SEP_RE = re.compile(r"[-/\u2010-\u2015]")
_KEEP_RE = re.compile(r"[^\w\s']")


def normalize(text: str) -> list[str]:
    """The words of `text` after the normalisation described in the module docstring."""
    t = clean_text(text)
    t = unicodedata.normalize("NFKC", t).lower().replace("\u2019", "'").replace("\u2018", "'")
    t = _DIGITS_RE.sub(lambda m: f" {number_words(int(m.group()))} ", t)
    t = _SEP_RE.sub(" ", t)
    t = _KEEP_RE.sub("", t).replace("_", " ")
    words = []
    for w in t.split():
        w = w.strip("'")
        if w:
            words.append(w)
    return words


@dataclass
class Counts:
    ref: int = 0  # reference words
    hyp: int = 0  # hypothesis words
    hits: int = 0
    sub: int = 0
    dele: int = 0
    ins: int = 0

    @property
    def errors(self) -> int:
        return self.sub + self.dele + self.ins

    @property
    def wer(self) -> float | None:
        """None when the reference has no words (undefined)."""
        return self.errors / self.ref if self.ref else None

    def __iadd__(self, other: Counts) -> Counts:
        for k in ("ref", "hyp", "hits", "sub", "dele", "ins"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        return self

    def to_dict(self) -> dict:
        w = self.wer
        return {"ref_words": self.ref, "hyp_words": self.hyp, "hits": self.hits, "substitutions": self.sub,
                "deletions": self.dele, "insertions": self.ins, "wer": None if w is None else round(w, 6)}


def align(ref: list[str], hyp: list[str]) -> Counts:
    """Edit counts of the best word alignment (fewest errors, then most hits).

    One row of the dynamic programme at a time in numpy: the key `errors * K - hits` (K larger than
    any hit count) is minimised, which ranks alignments by errors and breaks ties by hits; from the
    final errors and hits the substitution, deletion and insertion counts follow exactly:
    S + D = N - H, S + I = M - H, S + D + I = E.
    """
    n, m = len(ref), len(hyp)
    if n == 0 or m == 0:
        return Counts(n, m, 0, 0, n, m)
    vocab: dict[str, int] = {}
    r = np.array([vocab.setdefault(w, len(vocab)) for w in ref], np.int64)
    h = np.array([vocab.setdefault(w, len(vocab)) for w in hyp], np.int64)
    K = n + m + 1
    j = np.arange(m + 1, dtype=np.int64)
    prev = j * K  # row 0: all insertions
    for i in range(1, n + 1):
        diag = prev[:-1] + np.where(h == r[i - 1], -1, K)
        up = prev[1:] + K  # deletion of ref[i-1]
        cand = np.empty(m + 1, np.int64)
        cand[0] = i * K
        cand[1:] = np.minimum(diag, up)
        # insertions along the row: row[j] = min_k<=j cand[k] + (j - k) * K
        prev = np.minimum.accumulate(cand - j * K) + j * K
    key = int(prev[m])
    errors = -(-key // K)  # ceil: key = E*K - H with 0 <= H < K
    hits = errors * K - key
    sub = (n - hits) + (m - hits) - errors
    dele = n - hits - sub
    ins = m - hits - sub
    return Counts(n, m, hits, sub, dele, ins)


def wer(ref: str | list[str], hyp: str | list[str]) -> Counts:
    """Counts for two texts (normalised) or two word lists (used as given)."""
    rw = normalize(ref) if isinstance(ref, str) else list(ref)
    hw = normalize(hyp) if isinstance(hyp, str) else list(hyp)
    return align(rw, hw)


# ---------------------------------------------------------------------------------------------
# transcript sets


def find_transcripts(folder: str | Path) -> dict[str, Path]:
    """Transcripts by stem: `folder/transcripts/` of a corpus, else the folder's own files, else any
    transcript below it. Where a stem has several formats the corpus reader's preference wins (CSV first)."""
    from babyvlm.corpus.layouts import TRANSCRIPT_PREFERENCE

    folder = Path(folder)
    if (folder / "transcripts").is_dir():
        files = [p for p in (folder / "transcripts").iterdir() if p.is_file()]
    else:
        files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in TRANSCRIPT_PREFERENCE]
        if not files:
            files = [p for p in folder.rglob("*") if p.is_file()
                     and not any(part.startswith(".") for part in p.relative_to(folder).parts)]
    by_stem: dict[str, dict[str, Path]] = {}
    for p in sorted(files):
        suf = p.suffix.lower()
        if suf in TRANSCRIPT_PREFERENCE and p.name.lower() not in _NOT_TRANSCRIPTS:
            by_stem.setdefault(p.stem, {}).setdefault(suf, p)
    out = {}
    for stem, paths in sorted(by_stem.items()):
        for suf in TRANSCRIPT_PREFERENCE:
            if suf in paths:
                out[stem] = paths[suf]
                break
    return out


_NOT_TRANSCRIPTS = {"corpus.json", "stats.json", "manifest.json", "config.json", "summary.json", "wer.json"}


@dataclass
class SessionWer:
    stem: str
    counts: Counts
    status: str = "ok"  # ok | missing hypothesis | unreadable
    note: str = ""


def _words(path: Path, exclude: set[str]) -> tuple[list[str], int]:
    """A transcript's words in time order (speakers in `exclude` left out) and its reject count."""
    from babyvlm.corpus.transcripts import read_transcript

    res = read_transcript(path, max_utterance_seconds=5.0)
    words: list[str] = []
    for u in sorted(res.utterances, key=lambda u: (u.start, u.line or 0)):
        if u.speaker in exclude:
            continue
        words.extend(normalize(u.text))
    return words, len(res.rejects)


def compare_sets(ref_dir: str | Path, hyp_dir: str | Path, *, exclude_speakers: tuple[str, ...] = ()) -> dict:
    """Per-session and total WER of the hypothesis transcripts against the reference ones.

    Sessions are matched by stem. A reference session with no hypothesis counts as all deletions
    (a recogniser that produced nothing for it); hypothesis sessions without a reference are listed
    but not counted.
    """
    from babyvlm.corpus.transcripts import normalize_speaker

    exclude = {normalize_speaker(s) for s in exclude_speakers}
    refs, hyps = find_transcripts(ref_dir), find_transcripts(hyp_dir)
    rows: list[SessionWer] = []
    total = Counts()
    for stem, rpath in refs.items():
        rw, r_rej = _words(rpath, exclude)
        if stem in hyps:
            hw, h_rej = _words(hyps[stem], exclude)
            c = align(rw, hw)
            note = "; ".join(x for x in (f"{r_rej} unreadable reference lines" if r_rej else "",
                                          f"{h_rej} unreadable hypothesis lines" if h_rej else "") if x)
            rows.append(SessionWer(stem, c, "ok", note))
        else:
            c = align(rw, [])
            rows.append(SessionWer(stem, c, "missing hypothesis"))
        total += c
    extra = sorted(set(hyps) - set(refs))
    return {
        "reference": str(ref_dir),
        "hypothesis": str(hyp_dir),
        "normalisation": "annotations removed, NFKC, lowercase, digits spelled out, punctuation dropped",
        "excluded_speakers": sorted(exclude),
        "sessions": [{"stem": r.stem, "status": r.status, **r.counts.to_dict(), **({"note": r.note} if r.note else {})}
                     for r in rows],
        "hypothesis_only": extra,
        "total": {"sessions": len(rows), "matched": sum(r.status == "ok" for r in rows), **total.to_dict()},
    }


def format_table(report: dict) -> str:
    """A plain-text table: one row per session and a total row."""
    head = ("session", "ref", "hyp", "sub", "del", "ins", "WER")
    lines = []
    rows = []
    flags = []
    for s in report["sessions"]:
        w = "-" if s["wer"] is None else f"{100 * s['wer']:.1f}%"
        flags.append("" if s["status"] == "ok" else f"  ({s['status']})")
        rows.append((s["stem"], s["ref_words"], s["hyp_words"], s["substitutions"], s["deletions"], s["insertions"], w))
    t = report["total"]
    tw = "-" if t["wer"] is None else f"{100 * t['wer']:.1f}%"
    total_row = (f"total ({t['matched']}/{t['sessions']} matched)", t["ref_words"], t["hyp_words"], t["substitutions"],
                 t["deletions"], t["insertions"], tw)
    widths = [max(len(str(r[i])) for r in [head, *rows, total_row]) for i in range(len(head))]

    def fmt(r) -> str:
        return "  ".join(str(v).ljust(widths[0]) if i == 0 else str(v).rjust(widths[i]) for i, v in enumerate(r)).rstrip()

    lines.append(fmt(head))
    lines.extend(fmt(r) + f for r, f in zip(rows, flags))
    lines.append(fmt(total_row))
    if report["hypothesis_only"]:
        lines.append(f"{len(report['hypothesis_only'])} hypothesis session(s) without a reference (not counted): "
                     + ", ".join(report["hypothesis_only"][:5]) + (" ..." if len(report["hypothesis_only"]) > 5 else ""))
    return "\n".join(lines)
