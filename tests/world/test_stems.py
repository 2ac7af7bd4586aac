"""Stems: the world's formatter round-trips through the corpus reader's parser."""

from __future__ import annotations

import datetime as dt

import numpy as np

from babyvlm.corpus.stems import parse_stem
from babyvlm.world.stems import age_months_days, format_stem


def test_known_stem():
    # S_20141029_2412_02: recorded 2014-10-29 aged 24 months 12 days (the SAYCam example)
    birth = parse_stem("S_20141029_2412_02").birth_date
    assert format_stem("S", birth, dt.date(2014, 10, 29), 2) == "S_20141029_2412_02"


def test_round_trip_over_many_dates():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        birth = dt.date(2012, 1, 1) + dt.timedelta(days=int(rng.integers(0, 1500)))
        date = birth + dt.timedelta(days=int(rng.integers(0, 1000)))
        stem = format_stem("Y", birth, date, int(rng.integers(1, 5)))
        info = parse_stem(stem)
        assert info is not None, stem
        assert info.date == date and info.birth_date == birth, stem
        assert info.age_days == (date - birth).days
        m, d = age_months_days(birth, date)
        assert (info.age_months, info.age_extra_days) == (m, d)
