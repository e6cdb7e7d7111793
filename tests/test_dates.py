"""Dates and periods as people say them, against a fixed "today" (Monday 30 November 2026)."""

from __future__ import annotations

from datetime import date

import pytest

from alliance_cli.core.dates import DateProblem, parse_day
from alliance_cli.core.inputs import parse_date, parse_session_date
from alliance_cli.core.periods import Period, parse_last, parse_month, parse_week, resolve_period
from alliance_cli.errors import InputError
from conftest import FULL_ANSWERS, set_flags

TODAY = date(2026, 11, 30)  # a Monday
WEDNESDAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", TODAY),
        ("Yesterday", date(2026, 11, 29)),
        ("3 days ago", date(2026, 11, 27)),
        ("1 day ago", date(2026, 11, 29)),
        ("2 weeks ago", date(2026, 11, 16)),
        ("monday", TODAY),  # the most recent Monday is today
        ("last monday", date(2026, 11, 23)),  # "last": the one before today
        ("friday", date(2026, 11, 27)),
        ("Fri", date(2026, 11, 27)),
        ("sunday", date(2026, 11, 29)),
        ("tuesday", date(2026, 11, 24)),  # never a day in the future
        ("last  Tuesday", date(2026, 11, 24)),
        ("2026-11-2", date(2026, 11, 2)),
        ("2026-1-9", date(2026, 1, 9)),
        ("2026-11-02", date(2026, 11, 2)),
        ("20261102", date(2026, 11, 2)),
    ],
)
def test_days_as_people_say_them(text, day):
    assert parse_day(text, TODAY) == day


def test_weekday_names_never_name_a_day_in_the_future():
    for offset in range(7):
        today = date(2026, 11, 23 + offset)
        for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
            day = parse_day(name, today)
            assert today - day < date(2026, 1, 8) - date(2026, 1, 1)
            assert day <= today and day.strftime("%A").lower() == name
            assert parse_day(f"last {name}", today) < today


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("11/12/2026", "write it as 2026-12-11 or 2026-11-12"),
        ("25/11/2026", "write it as 2026-11-25 (YYYY-MM-DD)"),
        ("11.12.2026", "write it as 2026-12-11 or 2026-11-12"),
        ("2026/11/02", "write it as 2026-11-02"),
        ("11/12/26", "the year and the order of day and month are unclear"),
        ("2026-02-30", "February 2026 has no day 30"),
        ("2026-13-01", "a year has 12 months"),
        ("next tuesday", "use 2026-11-02, today, yesterday"),
        ("mo", "use 2026-11-02"),
    ],
)
def test_unclear_or_impossible_dates_are_refused_with_the_iso_form(text, advice):
    with pytest.raises(DateProblem) as problem:
        parse_day(text, TODAY)
    assert advice in problem.value.advice


def test_a_refused_date_is_one_line_naming_it():
    with pytest.raises(InputError) as refused:
        parse_date("11/12/2026", today=TODAY)
    message = str(refused.value)
    assert "\n" not in message
    assert message == (
        "'11/12/2026' is not a date; the order of day and month is unclear: write it as 2026-12-11 or 2026-11-12 "
        "(YYYY-MM-DD)."
    )


def test_a_date_from_a_file_is_not_repeated():
    with pytest.raises(InputError) as refused:
        parse_date("2026-02-30", today=TODAY, echo=False)
    assert "2026-02-30" not in str(refused.value) and "February" not in str(refused.value)


def test_a_session_in_the_future_is_still_refused():
    with pytest.raises(InputError, match="in the future"):
        parse_session_date("2026-12-1", today=TODAY)
    assert parse_session_date("friday", today=TODAY) == date(2026, 11, 27)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("10d", date(2026, 11, 21)),
        ("10 days", date(2026, 11, 21)),
        ("2w", date(2026, 11, 17)),
        ("1m", date(2026, 10, 31)),  # from the day after the same day a month back
        ("1 month", date(2026, 10, 31)),
        ("3m", date(2026, 8, 31)),
        ("1y", date(2025, 12, 1)),
        ("2 years", date(2024, 12, 1)),
    ],
)
def test_last_a_length_ending_today(text, start):
    assert parse_last(text, today=TODAY) == Period(start, TODAY)


def test_a_month_back_from_a_long_month_ends_on_the_shorter_months_last_day():
    assert parse_last("1m", today=date(2026, 3, 31)).start == date(2026, 3, 1)  # 28 February, plus a day
    assert parse_last("1m", today=date(2024, 3, 30)).start == date(2024, 3, 1)  # leap year: 29 February


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("last", date(2026, 11, 23)),
        ("this", TODAY),
        ("2026-W47", date(2026, 11, 16)),
        ("2026-11-18", date(2026, 11, 16)),  # the week a day is in
        ("friday", date(2026, 11, 23)),
    ],
)
def test_week_names(text, start):
    week = parse_week(text, today=TODAY)
    assert week.start == start and week.days == 7 and week.start.weekday() == 0


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2026-11", Period(date(2026, 11, 1), date(2026, 11, 30))),
        ("2026-2", Period(date(2026, 2, 1), date(2026, 2, 28))),
        ("last", Period(date(2026, 10, 1), date(2026, 10, 31))),
        ("this", Period(date(2026, 11, 1), date(2026, 11, 30))),
        ("december", Period(date(2025, 12, 1), date(2025, 12, 31))),  # the most recent December
        ("Nov", Period(date(2026, 11, 1), date(2026, 11, 30))),
        ("2026-2-14", Period(date(2026, 2, 1), date(2026, 2, 28))),  # the month a day is in
        ("yesterday", Period(date(2026, 11, 1), date(2026, 11, 30))),
    ],
)
def test_month_names(text, period):
    assert parse_month(text, today=TODAY) == period


def test_last_month_in_january_is_december_of_the_year_before():
    assert parse_month("last", today=date(2027, 1, 15)) == Period(date(2026, 12, 1), date(2026, 12, 31))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"month": "2026-13"}, "a year has 12 months"),
        ({"month": "11/2026"}, "use 2026-11, this, last"),
        ({"month": "2026-11-31"}, "is not a month"),
        ({"week": "soon"}, "is not a week"),
        ({"last": "1q"}, "such as 30d, 4w, 1m or 1y"),
        ({"last": "1201m"}, "longer than a hundred years"),
        ({"month": "2026-11", "week": "last"}, "Use one of --week, --month, --last"),
        ({"month": "0001-01"}, "--month 0001-01 is too far back"),
    ],
)
def test_bad_periods_are_one_line(kwargs, message):
    with pytest.raises(InputError) as refused:
        resolve_period(today=TODAY, **kwargs)
    assert message in str(refused.value) and "\n" not in str(refused.value)


def test_list_and_search_take_periods(run):
    today = date.today()
    for day in ("today", "yesterday", "8 days ago"):
        assert (
            run("log", "-c", "C-1", "-d", day, "-s", "went_well=A quiet hour.", *set_flags(FULL_ANSWERS)).exit_code == 0
        )
    listed = run("list", "--last", "2d", "-f", "csv").stdout.splitlines()
    assert len(listed) == 3  # the header and two sessions
    assert str(today) in listed[1]
    found = run("search", "quiet", "--last", "1w", "-f", "jsonl").stdout.splitlines()
    assert len(found) == 2
    this_month = run("list", "--month", "this", "-f", "jsonl").stdout.splitlines()
    assert all(f'"{today:%Y-%m}' in line for line in this_month)
    assert len(run("list", "--week", "this", "-f", "jsonl").stdout.splitlines()) == 1 + (today.weekday() >= 1)


def test_the_session_date_takes_a_weekday(run):
    assert run("log", "-c", "C-1", "-d", "last friday", *set_flags(FULL_ANSWERS)).exit_code == 0
    row = run("list", "-f", "csv").stdout.splitlines()[1]
    friday = parse_day("last friday", date.today())
    assert f",{friday.isoformat()}," in row


def test_an_ambiguous_date_on_the_command_line_is_refused(run):
    result = run("log", "-c", "C-1", "-d", "11/12/2026", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 1 and result.stdout == ""
    assert "write it as 2026-12-11 or 2026-11-12" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
