"""Days as people say them: pure date arithmetic against a given "today", no I/O.

A day is an ISO date, padded or not (2026-11-02, 2026-11-2), `today`, `yesterday`, `N days
ago` (or weeks), a weekday name (`friday`, `fri`: the most recent such day, today
included, never one in the future) or `last friday` (the one before today). Forms whose
order of day and month is a guess (11/12/2026) are refused with the ISO form suggested.

`core.periods` builds periods (--last, --week, --month) on top of these.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
ADVICE = "use 2026-11-02, today, yesterday, a weekday (friday), or 3 days ago"

_ISO_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_AGO_RE = re.compile(r"^(\d{1,6})\s*(d|days?|w|weeks?)\s+ago$")
_SLASHED_RE = re.compile(r"^(\d{1,4})[/.](\d{1,2})[/.](\d{1,4})$")


class DateProblem(ValueError):
    """Why a text is not a day, as the end of a sentence ("use 2026-11-02, ...")."""

    def __init__(self, advice: str) -> None:
        super().__init__(advice)
        self.advice = advice


def weekday_number(word: str) -> int | None:
    """0 for monday ... 6 for sunday; a name's first three letters are enough (`fri`)."""
    if len(word) < 3:
        return None
    for number, name in enumerate(WEEKDAYS):
        if name.startswith(word) or (word.endswith("s") and name == word[:-1]):
            return number
    return None


def month_number(word: str) -> int | None:
    """1 for january ... 12 for december; a name's first three letters are enough (`nov`)."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTHS, start=1):
        if name.startswith(word):
            return number
    return None


def most_recent(weekday: int, today: date, *, before_today: bool = False) -> date:
    """The most recent day with this weekday: today itself unless `before_today`."""
    back = (today.weekday() - weekday) % 7
    if back == 0 and before_today:
        back = 7
    return today - timedelta(days=back)


def parse_day(text: str, today: date) -> date:
    """The day `text` names (see the module's docstring); DateProblem when it names none."""
    word = " ".join(text.strip().lower().split())
    if word == "today":
        return today
    if word == "yesterday":
        return today - timedelta(days=1)
    if match := _ISO_RE.match(word):
        year, month, day = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            raise DateProblem(_no_such_day(year, month, day)) from None
    if match := _AGO_RE.match(word):
        count = int(match.group(1)) * (7 if match.group(2).startswith("w") else 1)
        try:
            return today - timedelta(days=count)
        except OverflowError:
            raise DateProblem("that is further back than any calendar goes") from None
    last = word.startswith("last ")
    weekday = weekday_number(word[5:] if last else word)
    if weekday is not None:
        return most_recent(weekday, today, before_today=last)
    if match := _SLASHED_RE.match(word):
        raise DateProblem(_iso_readings(*match.groups()))
    try:  # the other forms ISO 8601 has (20261102)
        return date.fromisoformat(word)
    except ValueError:
        raise DateProblem(ADVICE) from None


def _no_such_day(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return "a year has 12 months"
    return f"{MONTHS[month - 1].capitalize()} {year} has no day {day}"


def _iso_readings(first: str, second: str, third: str) -> str:
    """What to write instead of a date with slashes or dots: the ISO form of each reading."""
    if len(first) == 4:  # 2026/11/02: the year first, the order ISO's
        readings = [(int(first), int(second), int(third))]
    elif len(third) == 4:
        readings = [(int(third), int(second), int(first)), (int(third), int(first), int(second))]
    else:  # a two-digit year is a guess too
        return "the year and the order of day and month are unclear; write the date as YYYY-MM-DD, e.g. 2026-11-02"
    valid = []
    for year, month, day in readings:
        try:
            valid.append(date(year, month, day).isoformat())
        except ValueError:
            continue
    unique = list(dict.fromkeys(valid))
    if not unique:
        return "write the date as YYYY-MM-DD, e.g. 2026-11-02"
    if len(unique) == 1:
        return f"write it as {unique[0]} (YYYY-MM-DD)"
    return f"the order of day and month is unclear: write it as {unique[0]} or {unique[1]} (YYYY-MM-DD)"
