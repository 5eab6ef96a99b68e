"""Time words in a question ("last month", "in March", "two weeks ago") as a window of dates.

Memory items carry their session's date, so a question that names a time can prefer the sessions of that
time. The window is deliberately generous (people are vague about "two weeks ago"); it boosts, it never
filters out, so a wrong reading costs rank, not the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MONTHS = {
    name: i + 1
    for i, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ]
    )
    for name in names
}  # fmt: skip
_NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "couple": 2, "few": 3, "several": 4,
}  # fmt: skip
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}

_AGO = re.compile(r"\b(\d{1,3}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|couple|few|several)"
                  r"(?:\s+of)?\s+(day|week|month|year)s?\s+ago\b")  # fmt: skip
_IN_MONTH = re.compile(r"\b(?:in|during|on|back in|early|late|mid|around)\s+(?:early\s+|late\s+|mid-?\s*)?("
                       + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b(?:\s+(\d{4}))?")  # fmt: skip
_LAST = re.compile(
    r"\b(last|this|past|previous)\s+(week|month|year|weekend|spring|summer|autumn|fall|winter)\b"
)


@dataclass(frozen=True)
class DateWindow:
    start: datetime
    end: datetime

    def contains(self, when: datetime | None) -> bool:
        return when is not None and self.start <= when < self.end


def _month_window(year: int, month: int) -> DateWindow:
    start = datetime(year, month, 1, tzinfo=None)
    end = datetime(year + (month == 12), month % 12 + 1, 1)
    return DateWindow(start, end)


def _aware(window: DateWindow, now: datetime) -> DateWindow:
    if now.tzinfo is None:
        return window
    return DateWindow(window.start.replace(tzinfo=now.tzinfo), window.end.replace(tzinfo=now.tzinfo))


def _season(name: str, now: datetime, last: bool) -> DateWindow:
    first, final = _SEASONS[name]
    year = now.year if (now.month > final or first > final) else now.year - 1
    if not last and first <= now.month:
        year = now.year
    start = datetime(year, first, 1)
    end_year = year + (final < first)
    end = _month_window(end_year, final).end
    return DateWindow(start, end)


def date_window(question: str, *, now: datetime) -> DateWindow | None:
    """The dates a question refers to, or None if it names no time. `now` is when it is asked."""
    text = question.lower()
    naive_now = now.replace(tzinfo=None)
    if "yesterday" in text:
        day = datetime(naive_now.year, naive_now.month, naive_now.day) - timedelta(days=1)
        return _aware(DateWindow(day - timedelta(days=1), day + timedelta(days=1)), now)
    if m := _AGO.search(text):
        count = int(m.group(1)) if m.group(1).isdigit() else _NUMBERS[m.group(1)]
        days = count * _UNIT_DAYS[m.group(2)]
        slack = max(2.0, days * 0.35)
        centre = naive_now - timedelta(days=days)
        return _aware(DateWindow(centre - timedelta(days=slack), centre + timedelta(days=slack)), now)
    if m := _IN_MONTH.search(text):
        month = MONTHS[m.group(1)]
        if m.group(1) == "may" and not re.search(r"\b(in|during|back in|early|late|mid)\s+may\b", text):
            return None  # "may" is usually the verb
        year = int(m.group(2)) if m.group(2) else naive_now.year - (month > naive_now.month)
        return _aware(_month_window(year, month), now)
    if m := _LAST.search(text):
        which, unit = m.group(1), m.group(2)
        last = which != "this"
        today = datetime(naive_now.year, naive_now.month, naive_now.day)
        if unit in _SEASONS:
            return _aware(_season(unit, naive_now, last), now)
        if unit == "week":
            monday = today - timedelta(days=today.weekday())
            start = monday - timedelta(days=7) if last else monday
            return _aware(DateWindow(start - timedelta(days=2), start + timedelta(days=9)), now)
        if unit == "weekend":
            saturday = today - timedelta(days=(today.weekday() - 5) % 7)
            return _aware(DateWindow(saturday - timedelta(days=1), saturday + timedelta(days=3)), now)
        if unit == "month":
            year, month = naive_now.year, naive_now.month
            if last:
                year, month = (year - 1, 12) if month == 1 else (year, month - 1)
            window = _month_window(year, month)
            return _aware(DateWindow(window.start - timedelta(days=3), window.end + timedelta(days=3)), now)
        year = naive_now.year - last
        return _aware(DateWindow(datetime(year, 1, 1), datetime(year + 1, 1, 1)), now)
    return None
