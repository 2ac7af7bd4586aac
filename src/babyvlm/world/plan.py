"""The corpus plan: children, birth dates, and which sessions exist (date, age, room, length).

Everything here is a pure function of the config and seed, so a rerun (or a different number of
workers) plans the same sessions with the same names.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import asdict, dataclass

import numpy as np

from babyvlm.util.rngs import stream
from babyvlm.world.config import WorldConfig
from babyvlm.world.stems import format_stem

DAYS_PER_MONTH = 30.4375


@dataclass(frozen=True)
class SessionJob:
    child: str
    index: int  # 0-based session number of this child
    stem: str
    birth: str  # ISO date
    date: str  # ISO date of the recording
    age_days: int
    room: str
    duration: float  # seconds

    @property
    def age_months(self) -> float:
        return self.age_days / DAYS_PER_MONTH

    def to_dict(self) -> dict:
        return asdict(self)


def birth_dates(cfg: WorldConfig) -> dict[str, _dt.date]:
    out = {}
    for c in cfg.children:
        rng = stream(cfg.seed, c, "birth")
        out[c] = _dt.date(cfg.first_birth_year, 1, 1) + _dt.timedelta(days=int(rng.integers(0, 365)))
    return out


def plan_sessions(cfg: WorldConfig) -> list[SessionJob]:
    births = birth_dates(cfg)
    rooms = [k for k, v in cfg.rooms.items() if v > 0]
    weights = np.asarray([cfg.rooms[k] for k in rooms], dtype=float)
    weights /= weights.sum()
    jobs: list[SessionJob] = []
    n = cfg.sessions_per_child
    span = cfg.age_max_months - cfg.age_min_months
    nc = len(cfg.children)
    for ci, child in enumerate(cfg.children):
        rng = stream(cfg.seed, child, "sessions")
        used: dict[str, int] = {}
        # every room once (in a random order) before rooms repeat by their weights
        k = min(n, len(rooms))
        order = list(rng.choice(len(rooms), size=k, replace=False, p=weights))
        order += list(rng.choice(len(rooms), size=n - k, p=weights))
        for i in range(n):
            # ages spread evenly over the range; the children's sessions interleave, so even a
            # small corpus covers the whole range
            frac = (i + (ci + rng.uniform(0.1, 0.9)) / nc) / n
            months = cfg.age_min_months + span * frac
            age_days = int(round(months * DAYS_PER_MONTH))
            date = births[child] + _dt.timedelta(days=age_days)
            key = date.isoformat()
            used[key] = used.get(key, 0) + 1
            room = rooms[int(order[i])]
            dur = cfg.session_seconds * (1 + rng.uniform(-cfg.session_jitter, cfg.session_jitter))
            dur = round(max(5.0, dur), 1)
            jobs.append(SessionJob(child=child, index=i, stem=format_stem(child, births[child], date, used[key]),
                                   birth=births[child].isoformat(), date=date.isoformat(), age_days=age_days,
                                   room=room, duration=dur))
    return jobs
