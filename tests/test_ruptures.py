"""One rule for an open rupture (`core.ruptures`), the same in the recap, `clients` and the
review; the review of a period judges as of the period's end."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from alliance_cli.app.log import new_session
from alliance_cli.app.review import load_report
from alliance_cli.core.periods import Period
from alliance_cli.core.ruptures import is_open, repairs
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.continuity import continuity, open_rupture_counts
from alliance_cli.store.journal import open_journal

PS = load_prompt_set(bundled_prompts_path())
RATINGS = {p.id: 7 for p in PS.rating_prompts()}


@pytest.mark.parametrize(
    ("repaired", "later", "expected"),
    [
        ("yes", [], False),
        ("partly", [], True),
        ("no", [], True),
        (None, [], True),  # the repair question left unanswered
        ("no", ["no", "partly"], True),  # came back to it, not fully repaired
        ("partly", ["partly", "yes"], False),
        (None, ["yes"], False),
        ("yes", ["no"], False),
    ],
)
def test_the_rule(repaired: Any, later: list[Any], expected: bool):
    assert is_open(repaired, any(repairs(answer) for answer in later)) is expected
    assert repairs("yes") and not repairs("partly") and not repairs(None) and not repairs(True)


def add(db: Path, *sessions: tuple[str, str, dict[str, Any]]) -> None:
    """Sessions (client, ISO date, answers) written in the order given: ids follow that order,
    so a later entry on the same day is a later session that day."""
    with open_journal(db, create=True) as journal:
        journal.save_sessions(
            new_session(PS, client, date.fromisoformat(day), "in person", {**RATINGS, "rupture": False, **answers})
            for client, day, answers in sessions
        )


def views(db: Path, day: str, client: str = "C-1") -> tuple[int, int]:
    """Open ruptures of `client` as of the end of `day`: (the recap of a new session that day,
    after every session saved for it; the review of a period ending that day)."""
    end = date.fromisoformat(day)
    with open_journal(db) as journal:
        recap = len(continuity(journal, client, end).open_ruptures)
        report = load_report(journal, PS, Period(date(2026, 11, 2), end), client=client)
    return recap, sum(r.open for r in report.ruptures)


def clients_now(db: Path) -> dict[str, int]:
    with open_journal(db) as journal:
        return open_rupture_counts(journal)


RUPTURE = {"rupture": True, "rupture_kind": "withdrawal"}


def test_a_repair_after_the_period_end_does_not_count_for_that_period(db_path):
    add(
        db_path,
        ("C-1", "2026-11-02", {**RUPTURE, "repaired": "no"}),
        ("C-1", "2026-11-10", {"rupture_revisited": "yes"}),
    )
    assert views(db_path, "2026-11-08") == (1, 1)  # the week of the rupture: still open at its end
    assert views(db_path, "2026-11-09") == (1, 1)
    assert views(db_path, "2026-11-10") == (0, 0)  # the day of the repair counts
    assert clients_now(db_path) == {}
    with open_journal(db_path) as journal:
        week = load_report(journal, PS, Period(date(2026, 11, 2), date(2026, 11, 8)))
    [rupture] = week.ruptures
    assert (rupture.open, rupture.revisited, rupture.in_period) == (True, False, True)
    with open_journal(db_path) as journal:  # the week after: repaired, and not in it, so not listed
        assert load_report(journal, PS, Period(date(2026, 11, 9), date(2026, 11, 15))).ruptures == []


def test_a_later_session_the_same_day_closes_it_an_earlier_one_does_not(db_path):
    add(
        db_path,
        ("C-1", "2026-11-02", {"rupture_revisited": "yes"}),  # saved before the rupture: does not count
        ("C-1", "2026-11-02", {**RUPTURE, "repaired": "partly"}),
        ("C-2", "2026-11-02", {**RUPTURE, "repaired": "no"}),
        ("C-2", "2026-11-02", {"rupture_revisited": "yes"}),  # the same day, saved after: closes it
    )
    assert views(db_path, "2026-11-02") == (1, 1)
    assert views(db_path, "2026-11-02", client="C-2") == (0, 0)
    assert clients_now(db_path) == {"C-1": 1}
    with open_journal(db_path) as journal:
        # Editing the session that repaired it looks back from before it: still open then.
        assert continuity(journal, "C-2", date(2026, 11, 2), before_id=4).facts == {"open_rupture"}
        assert continuity(journal, "C-2", date(2026, 11, 2)).open_ruptures == []


def test_revisited_partly_keeps_it_open(db_path):
    add(
        db_path,
        ("C-1", "2026-11-02", {**RUPTURE, "repaired": "no"}),
        ("C-1", "2026-11-09", {"rupture_revisited": "partly"}),
        ("C-1", "2026-11-16", {"rupture_revisited": "no"}),
    )
    assert views(db_path, "2026-11-22") == (1, 1)
    assert clients_now(db_path) == {"C-1": 1}


def test_an_unanswered_repair_is_open_until_revisited(db_path):
    add(
        db_path,
        ("C-1", "2026-11-02", RUPTURE),  # "Was it repaired?" skipped
        ("C-1", "2026-11-05", {**RUPTURE, "repaired": "yes"}),  # repaired in its own session: never open
        ("C-1", "2026-11-12", {"rupture_revisited": "yes"}),
    )
    assert views(db_path, "2026-11-11") == (1, 1)
    with open_journal(db_path) as journal:
        [rupture] = continuity(journal, "C-1", date(2026, 11, 11)).open_ruptures
        assert (rupture.date, rupture.repaired) == ("2026-11-02", None)
    assert views(db_path, "2026-11-12") == (0, 0)
    assert clients_now(db_path) == {}


def test_a_yes_closes_every_rupture_open_then_but_not_a_later_one(db_path):
    add(
        db_path,
        ("C-1", "2026-11-02", {**RUPTURE, "repaired": "no"}),
        ("C-1", "2026-11-04", {**RUPTURE, "repaired": "partly"}),
        ("C-1", "2026-11-09", {"rupture_revisited": "yes"}),
        ("C-1", "2026-11-11", {**RUPTURE, "repaired": "no"}),
    )
    assert views(db_path, "2026-11-08") == (2, 2)
    assert views(db_path, "2026-11-10") == (0, 0)
    assert views(db_path, "2026-11-15") == (1, 1)
    assert clients_now(db_path) == {"C-1": 1}
