"""SAYCam file-name convention: `<child>_<YYYYMMDD>_<MMDD age>_<part>`.

`S_20141029_2412_02` is child S, recorded on 2014-10-29, aged 24 months and 12 days, part 2. The
age field is months and days of age (not a clock time); the age in days is found by stepping back
that many calendar months and days from the recording date, which is how the field is written.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import re
from dataclasses import dataclass

STEM_RE = re.compile(r"^(?P<child>[A-Za-z][A-Za-z0-9]*)_(?P<date>\d{8})_(?P<age>\d{4})_(?P<part>\d{1,3})$")


@dataclass(frozen=True)
class StemInfo:
    child: str
    date: _dt.date
    age_months: int
    age_extra_days: int
    part: int

    @property
    def birth_date(self) -> _dt.date:
        return birth_date_from_age(self.date, self.age_months, self.age_extra_days)

    @property
    def age_days(self) -> int:
        return (self.date - self.birth_date).days


def _minus_months(d: _dt.date, months: int) -> _dt.date:
    y, m = divmod(d.year * 12 + (d.month - 1) - months, 12)
    day = min(d.day, calendar.monthrange(y, m + 1)[1])
    return _dt.date(y, m + 1, day)


def birth_date_from_age(date: _dt.date, months: int, days: int) -> _dt.date:
    return _minus_months(date, months) - _dt.timedelta(days=days)


def age_months_days(birth: _dt.date, date: _dt.date) -> tuple[int, int]:
    """Whole months and remaining days of age on `date` (inverse of `birth_date_from_age`)."""
    months = (date.year - birth.year) * 12 + (date.month - birth.month)
    if months < 0:
        raise ValueError(f"{date} is before birth date {birth}")
    while months > 0 and _minus_months(date, months) < birth:
        months -= 1
    return months, (_minus_months(date, months) - birth).days


def parse_stem(stem: str) -> StemInfo | None:
    """Parse a SAYCam-style stem; None when the name does not follow the convention."""
    m = STEM_RE.match(stem)
    if not m:
        return None
    try:
        date = _dt.datetime.strptime(m["date"], "%Y%m%d").date()
    except ValueError:
        return None
    age = m["age"]
    months, days = int(age[:2]), int(age[2:])
    if days > 31:
        return None
    return StemInfo(child=m["child"], date=date, age_months=months, age_extra_days=days, part=int(m["part"]))
