"""Corpus statistics for `babyvlm corpus info`."""

from __future__ import annotations

from collections import Counter
from typing import Any

from babyvlm.corpus.layouts import Corpus
from babyvlm.util.progress import progress


def corpus_info(corpus: Corpus) -> dict[str, Any]:
    """Children, sessions, hours of video, utterances, ages covered and rejects (loads every session)."""
    children: dict[str, dict[str, Any]] = {}
    speakers: Counter[str] = Counter()
    months: set[int] = set()
    n_utt = n_words = 0
    seconds = speech_seconds = 0.0
    n_sessions = 0
    for s in progress(corpus.sessions(), desc="reading sessions", total=len(corpus), unit="session"):
        n_sessions += 1
        c = children.setdefault(s.child, {"sessions": 0, "hours": 0.0, "utterances": 0, "age_days_min": None, "age_days_max": None})
        c["sessions"] += 1
        c["hours"] += (s.duration or 0.0) / 3600
        c["utterances"] += len(s.utterances)
        if s.age_days is not None:
            c["age_days_min"] = s.age_days if c["age_days_min"] is None else min(c["age_days_min"], s.age_days)
            c["age_days_max"] = s.age_days if c["age_days_max"] is None else max(c["age_days_max"], s.age_days)
            months.add(int(s.age_months))
        seconds += s.duration or 0.0
        n_utt += len(s.utterances)
        for u in s.utterances:
            speakers[u.speaker] += 1
            n_words += len(u.text.split())
            speech_seconds += u.duration
    for c in children.values():
        c["hours"] = round(c["hours"], 4)
    reasons: Counter[str] = Counter(r.reason.split(" (")[0] for r in corpus.rejects)
    info: dict[str, Any] = {
        "root": str(corpus.root),
        "layout": corpus.layout,
        "children": dict(sorted(children.items())),
        "sessions": n_sessions,
        "sessions_listed": len(corpus),
        "hours": round(seconds / 3600, 4),
        "utterances": n_utt,
        "words": n_words,
        "speech_hours": round(speech_seconds / 3600, 4),
        "speakers": dict(speakers.most_common()),
        "age_months_covered": sorted(months),
        "rejects": len(corpus.rejects),
        "reject_reasons": dict(reasons.most_common()),
    }
    if "stats" in corpus.meta:
        info["generator_stats"] = corpus.meta["stats"]
    return info


def format_info(info: dict[str, Any]) -> str:
    """A short human-readable summary."""
    lines = [
        f"corpus      {info['root']} ({info['layout']} layout)",
        f"sessions    {info['sessions']} loaded of {info['sessions_listed']} listed",
        f"video       {info['hours']:.2f} h",
        f"utterances  {info['utterances']} ({info['words']} words, {info['speech_hours']:.2f} h of speech)",
        "speakers    " + ", ".join(f"{k} {v}" for k, v in info["speakers"].items()),
    ]
    months = info["age_months_covered"]
    lines.append(f"ages        {months[0]}-{months[-1]} months ({len(months)} distinct months)" if months else "ages        unknown")
    for cid, c in info["children"].items():
        age = ""
        if c["age_days_min"] is not None:
            age = f", ages {c['age_days_min'] / 30.4375:.1f}-{c['age_days_max'] / 30.4375:.1f} months"
        lines.append(f"  child {cid}: {c['sessions']} sessions, {c['hours']:.2f} h, {c['utterances']} utterances{age}")
    lines.append(f"rejects     {info['rejects']}" + (": " + "; ".join(f"{k} x{v}" for k, v in info["reject_reasons"].items()) if info["rejects"] else ""))
    if "generator_stats" in info:
        lines.append("generator   " + ", ".join(f"{k}={v}" for k, v in info["generator_stats"].items() if not isinstance(v, (dict, list))))
    return "\n".join(lines)
