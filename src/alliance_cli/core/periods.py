"""Periods of time for reports, exports, lists and searches: pure date arithmetic, no I/O.

A period is inclusive at both ends. `--week` follows ISO 8601 (Monday to Sunday, weeks
53 and the turn of the year as the standard defines them): 2026-W47, `this`, `last`, or
the week of a day (`--week 2026-11-18`, `--week friday`). `--month` is 2026-11, `this`,
`last`, a month's name (the most recent such month, this one included) or a day in it. `--last` is a
length ending today: 10d, 2w, 1m, 1y (or 10 days, 2 weeks, ...); a month back is the same
day of the month before (the month's last day when it has no such day). The comparison
period is the equally long period just before.

Periods stay within reach of ordinary dates, so a period, the one before it and the
report's twelve weeks of sparklines never run off the calendar: a length is at most a
hundred years, and a period ends (--until, --week) between 1900 and 2199. A --since far
back is fine: it means "from the first session", which is where the report starts then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from alliance_cli.core.inputs import EARLIEST, parse_date
from alliance_cli.errors import InputError

_WEEK_RE = re.compile(r"^(\d{4})-?W(\d{2})$", re.IGNORECASE)
_LAST_RE = re.compile(r"^(\d+)\s*(d|days?|w|weeks?|m|months?|y|years?)$", re.IGNORECASE)
_MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")
MAX_DAYS = 36525  # a hundred years
LATEST = date(2199, 12, 31)


@dataclass(frozen=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The equally long period just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def label(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def parse_week(text: str, *, today: date | None = None) -> Period:
    """`2026-W47`, `this`, `last` or a day's week, as its Monday-to-Sunday period."""
    word = text.strip().lower()
    match = _WEEK_RE.match(word)
    if not match:
        today = today or date.today()
        if word in ("this", "current"):
            return _week_of(today)
        if word in ("last", "previous"):
            return _week_of(today - timedelta(days=7))
        from alliance_cli.core.dates import DateProblem, parse_day

        try:
            return _week_of(parse_day(word, today))
        except DateProblem:
            raise InputError(
                f"'{text}' is not a week; use an ISO week (2026-W47), this, last, or a day in it (2026-11-18)."
            ) from None
    year, week = int(match.group(1)), int(match.group(2))
    try:
        monday = date.fromisocalendar(year, week, 1)
        return Period(monday, monday + timedelta(days=6))
    except ValueError:
        raise InputError(f"{year} has no week {week}.") from None
    except OverflowError:  # the last days of the year 9999, past which no date goes
        raise InputError(
            f"--week {text} is too far ahead; alliance works with dates from {EARLIEST.isoformat()} "
            f"to {LATEST.isoformat()}."
        ) from None


def _week_of(day: date) -> Period:
    monday = iso_week_start(day)
    return Period(monday, monday + timedelta(days=6))


def parse_month(text: str, *, today: date | None = None) -> Period:
    """`2026-11`, `this`, `last` or a month's name, as the period from its first to last day."""
    from alliance_cli.core.dates import month_number

    today = today or date.today()
    word = text.strip().lower()
    if word in ("this", "current"):
        year, month = today.year, today.month
    elif word in ("last", "previous"):
        year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    elif match := _MONTH_RE.match(word):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise InputError(f"'{text}' is not a month; a year has 12 months (2026-11 is November 2026).")
    elif (number := month_number(word)) is not None:
        year, month = (today.year, number) if number <= today.month else (today.year - 1, number)
    else:
        from alliance_cli.core.dates import DateProblem, parse_day

        try:  # a day: the month it is in
            day = parse_day(word, today)
        except DateProblem:
            raise InputError(
                f"'{text}' is not a month; use 2026-11, this, last, a month's name (november) or a day in it."
            ) from None
        year, month = day.year, day.month
    if not EARLIEST.year <= year <= LATEST.year:
        where = "back" if year < EARLIEST.year else "ahead"
        raise InputError(
            f"--month {text} is too far {where}; alliance works with dates from {EARLIEST.isoformat()} "
            f"to {LATEST.isoformat()}."
        )
    start = date(year, month, 1)
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return Period(start, following - timedelta(days=1))


def months_back(day: date, months: int) -> date:
    """The same day of the month `months` before (its last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        raise OverflowError
    month += 1
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, min(day.day, (following - timedelta(days=1)).day))


def parse_last(text: str, *, today: date) -> Period:
    """`10d`, `2w`, `1m`, `1y` (or `10 days`, `2 weeks`, ...): that long, ending today."""
    match = _LAST_RE.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise InputError(
            f"'{text}' is not a length of time; use a number of days, weeks, months or years, such as 30d, 4w, "
            "1m or 1y."
        )
    number, unit = int(match.group(1)), match.group(2).lower()[0]
    too_long = f"'{text}' is longer than a hundred years; give a shorter length, or --since DATE."
    if unit in "dw":
        days = number * (7 if unit == "w" else 1)
        if days > MAX_DAYS:
            raise InputError(too_long)
        return Period(today - timedelta(days=days - 1), today)
    months = number * (12 if unit == "y" else 1)
    if months > 1200:
        raise InputError(too_long)
    return Period(months_back(today, months) + timedelta(days=1), today)


def _check_range(day: date, flag: str, text: str) -> date:
    if EARLIEST <= day <= LATEST:
        return day
    where = "back" if day < EARLIEST else "ahead"
    raise InputError(
        f"{flag} {text} is too far {where}; alliance works with dates from {EARLIEST.isoformat()} "
        f"to {LATEST.isoformat()}."
    )


def iso_week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def resolve_period(
    *,
    week: str | None = None,
    since: str | None = None,
    until: str | None = None,
    last: str | None = None,
    month: str | None = None,
    today: date | None = None,
    default_days: int | None = 7,
) -> Period | None:
    """The period a command's --week / --month / --last / --since / --until flags describe.

    Clashing flags are refused. With none of them: the last `default_days` days ending
    today, or None (everything) when `default_days` is None.
    """
    today = today or date.today()
    given = [name for name, value in (("--week", week), ("--month", month), ("--last", last)) if value]
    if len(given) > 1 or (given and (since or until)):
        raise InputError("Use one of --week, --month, --last, or --since/--until, not several.")
    if week:
        period = parse_week(week, today=today)
        _check_range(period.end, "--week", week)
        return period
    if month:
        period = parse_month(month, today=today)
        _check_range(period.end, "--month", month)
        return period
    if last:
        return parse_last(last, today=today)
    if since or until:
        # Without --since, date.min stands for "from the first session" (the report narrows it).
        start = parse_date(since, today=today) if since else date.min
        end = _check_range(parse_date(until, today=today), "--until", until) if until else today
        if start > end:
            raise InputError(f"--since {start.isoformat()} is after --until {end.isoformat()}.")
        return Period(start, end)
    if default_days is None:
        return None
    return Period(today - timedelta(days=default_days - 1), today)
