"""Periods of time for reports and exports: pure date arithmetic, no I/O.

A period is inclusive at both ends. `--week` follows ISO 8601 (Monday to Sunday, weeks
53 and the turn of the year as the standard defines them). The comparison period is the
equally long period just before.

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
_LAST_RE = re.compile(r"^(\d+)\s*([dw])$", re.IGNORECASE)
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


def parse_week(text: str) -> Period:
    """`2026-W47` as the Monday-to-Sunday period of that ISO week."""
    match = _WEEK_RE.match(text.strip())
    if not match:
        raise InputError(f"'{text}' is not an ISO week; use the form 2026-W47.")
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


def parse_last(text: str, *, today: date) -> Period:
    """`4w` or `30d`: that many weeks or days ending today."""
    match = _LAST_RE.match(text.strip())
    if not match or int(match.group(1)) == 0:
        raise InputError(f"'{text}' is not a length of time; use a number of days or weeks, such as 30d or 4w.")
    days = int(match.group(1)) * (7 if match.group(2).lower() == "w" else 1)
    if days > MAX_DAYS:
        raise InputError(f"'{text}' is longer than a hundred years; give a shorter length, or --since DATE.")
    return Period(today - timedelta(days=days - 1), today)


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
    today: date | None = None,
    default_days: int | None = 7,
) -> Period | None:
    """The period a command's --week / --since / --until / --last flags describe.

    Clashing flags are refused. With none of them: the last `default_days` days ending
    today, or None (everything) when `default_days` is None.
    """
    today = today or date.today()
    given = [name for name, value in (("--week", week), ("--last", last)) if value]
    if len(given) > 1 or (given and (since or until)):
        raise InputError("Use one of --week, --last, or --since/--until, not several.")
    if week:
        period = parse_week(week)
        _check_range(period.end, "--week", week)
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
