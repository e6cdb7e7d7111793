"""`alliance goal set/list/done`: one learning goal at a time, checked like any written answer."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any


def test_set_list_done(run: Callable[..., Any]) -> None:
    done = run("goal", "set", "Summarise before moving on", "--principle", "active-listening", "--date", "2026-11-02")
    assert done.exit_code == 0, done.stderr
    assert done.stdout == ""  # stdout carries data only
    assert "Learning goal 1 set from 2026-11-02 (on active_listening)" in done.stderr

    table = run("goal", "list")
    assert table.exit_code == 0
    assert "Summarise before moving on" in table.stdout and "active" in table.stdout

    rows = json.loads(run("goal", "list", "--format", "json").stdout)
    assert rows == [
        {"id": 1, "text": "Summarise before moving on", "principle": "active_listening", "started": "2026-11-02",
         "ended": None}
    ]  # fmt: skip

    finished = run("goal", "done", "--date", "2026-11-30")
    assert finished.exit_code == 0
    assert "done on 2026-11-30" in finished.stderr
    assert run("goal", "set", "Ask what I missed", "--date", "2026-11-30").exit_code == 0

    parsed = list(csv.DictReader(io.StringIO(run("goal", "list", "--format", "csv").stdout)))
    assert [(r["id"], r["ended"], r["principle"]) for r in parsed] == [("1", "2026-11-30", "active_listening"),
                                                                      ("2", "", "")]  # fmt: skip


def test_one_active_goal_at_a_time(run: Callable[..., Any]) -> None:
    assert run("goal", "set", "Slow down at feelings").exit_code == 0
    second = run("goal", "set", "Another one")
    assert second.exit_code == 1
    assert second.stderr.strip().splitlines() == [
        "alliance: Goal 1 is still active: finish it first with `alliance goal done` (one goal at a time)."
    ]
    assert len(json.loads(run("goal", "list", "-f", "json").stdout)) == 1


def test_done_without_an_active_goal(run: Callable[..., Any]) -> None:
    assert run("goal", "set", "Slow down at feelings").exit_code == 0
    assert run("goal", "done").exit_code == 0
    result = run("goal", "done")
    assert result.exit_code == 1
    assert "No learning goal is active" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_principle_names_the_choices(run: Callable[..., Any]) -> None:
    result = run("goal", "set", "Listen more", "--principle", "listening")
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert "'listening' is not a principle or practice" in line and "active_listening" in line
    assert "\n" not in line
    assert run("goal", "list", "-f", "json").stdout.strip() == "[]"


def test_a_practice_is_a_principle_too(run: Callable[..., Any]) -> None:
    assert run("goal", "set", "Say why I suggest what I suggest", "-p", "transparency").exit_code == 0


def test_empty_goal_and_bad_date_are_refused(run: Callable[..., Any]) -> None:
    empty = run("goal", "set", "   ")
    assert empty.exit_code == 1 and "The goal is empty" in empty.stderr
    bad = run("goal", "set", "Listen", "--date", "someday")
    assert bad.exit_code == 1 and "'someday' is not a date" in bad.stderr


def test_goal_text_goes_through_the_privacy_guard(run: Callable[..., Any]) -> None:
    refused = run("goal", "set", "Call back on 0412 345 678 to check in", "--strict")
    assert refused.exit_code == 1
    assert "goal: may hold a phone number" in refused.stderr
    assert "0412" not in refused.stderr  # the text itself is never repeated
    assert run("goal", "list", "-f", "json").stdout.strip() == "[]"

    warned = run("goal", "set", "Call back on 0412 345 678 to check in")
    assert warned.exit_code == 0
    assert "alliance: warning: goal: may hold a phone number (saved anyway; --strict refuses instead)" in warned.stderr
    assert "0412" not in warned.stderr


def test_no_goals_yet(run: Callable[..., Any]) -> None:
    assert run("log", "--client", "C-1", *sum((["--set", f"{k}={v}"] for k, v in {
        "empathy": 7, "respect": 8, "genuineness": 6, "positive_regard": 8, "active_listening": 5, "rupture": "no"
    }.items()), [])).exit_code == 0  # fmt: skip
    result = run("goal", "list")
    assert result.exit_code == 0 and result.stdout == ""
    assert "No learning goals yet" in result.stderr
