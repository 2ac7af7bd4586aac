"""SAYCam-style file stems for generated sessions: `<child>_<YYYYMMDD>_<MMDD age>_<part>`.

The world does not import the corpus reader, so it formats stems itself; tests check the round
trip through `babyvlm.corpus.stems.parse_stem`.
"""

from __future__ import annotations

import calendar
import datetime as _dt


def _minus_months(d: _dt.date, months: int) -> _dt.date:
    y, m = divmod(d.year * 12 + (d.month - 1) - months, 12)
    return _dt.date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def age_months_days(birth: _dt.date, date: _dt.date) -> tuple[int, int]:
    """Whole months and remaining days of age on `date`, as SAYCam writes them."""
    months = (date.year - birth.year) * 12 + (date.month - birth.month)
    while months > 0 and _minus_months(date, months) < birth:
        months -= 1
    return months, (_minus_months(date, months) - birth).days


def format_stem(child: str, birth: _dt.date, date: _dt.date, part: int) -> str:
    months, days = age_months_days(birth, date)
    if not 0 <= months <= 99:
        raise ValueError(f"age of {months} months does not fit the SAYCam age field")
    return f"{child}_{date:%Y%m%d}_{months:02d}{days:02d}_{part:02d}"
