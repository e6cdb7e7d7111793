"""The weekly review's numbers, checked against small journals computed by hand."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from alliance_cli.app.log import new_session
from alliance_cli.app.review import load_report
from alliance_cli.core.periods import Period, parse_week
from alliance_cli.core.report import Report, Thresholds
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.journal import open_journal

PS = load_prompt_set(bundled_prompts_path())
PRINCIPLE_IDS = [p.id for p in PS.rating_prompts()]
W47 = parse_week("2026-W47")  # Monday 2026-11-16 to Sunday 2026-11-22


def ratings(*values: int, rupture: bool = False, **extra: Any) -> dict[str, Any]:
    """Five ratings (one value for all, or one per principle), plus any other answers."""
    five = values * 5 if len(values) == 1 else values
    answers: dict[str, Any] = dict(zip(PRINCIPLE_IDS, five, strict=True))
    answers["rupture"] = rupture
    answers.update(extra)
    return answers


def add(db: Path, *sessions: tuple[str, str, dict[str, Any]]) -> None:
    """Write sessions (client, ISO date, answers) through the store, oldest first as given."""
    with open_journal(db, create=True) as journal:
        written = []
        for client, day, answers in sessions:
            session = new_session(PS, client, date.fromisoformat(day), "in person", answers)
            written.append(session)
        journal.save_sessions(written)


def review(db: Path, period: Period = W47, **kwargs: Any) -> Report:
    with open_journal(db, create=True) as journal:
        return load_report(journal, PS, period, **kwargs)


def principle(report: Report, pid: str) -> Any:
    return next(p for p in report.principles if p.id == pid)


def test_means_change_and_counts_follow_the_iso_week(db_path):
    add(
        db_path,
        ("C-3", "2026-11-09", ratings(4)),  # Monday of the week before
        ("C-3", "2026-11-15", ratings(5)),  # Sunday of the week before
        ("C-1", "2026-11-16", ratings(8)),  # Monday: first day of W47
        ("C-2", "2026-11-22", ratings(6, 7, 6, 6, 6)),  # Sunday: still W47
        ("C-1", "2026-11-23", ratings(1)),  # Monday of W48: outside
    )
    report = review(db_path)
    assert (report.sessions, report.clients, report.days, report.previous_sessions) == (2, 2, 2, 2)
    assert (report.period.start, report.period.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert (report.previous_period.start, report.previous_period.end) == (date(2026, 11, 9), date(2026, 11, 15))
    empathy = principle(report, "empathy")
    assert (empathy.mean, empathy.previous_mean, empathy.change, empathy.n, empathy.previous_n) == (7.0, 4.5, 2.5, 2, 2)
    assert principle(report, "respect").mean == 7.5
    assert principle(report, "respect").change == 3.0
    weeks = empathy.weekly
    assert len(weeks) == 12
    assert weeks[0].week_start == date(2026, 8, 31)
    assert [(w.week_start, w.mean, w.n) for w in weeks[-2:]] == [
        (date(2026, 11, 9), 4.5, 2),
        (date(2026, 11, 16), 7.0, 2),
    ]
    assert all(w.mean is None and w.n == 0 for w in weeks[:-2])


def test_week_53_and_the_turn_of_the_year(db_path):
    add(
        db_path,
        ("C-1", "2026-12-27", ratings(5)),  # Sunday of 2026-W52
        ("C-1", "2026-12-28", ratings(6)),  # Monday of 2026-W53
        ("C-2", "2027-01-03", ratings(8)),  # Sunday of 2026-W53, already in the new year
        ("C-2", "2027-01-04", ratings(9)),  # Monday of 2027-W01
    )
    report = review(db_path, parse_week("2026-W53"))
    assert (report.period.start, report.period.end) == (date(2026, 12, 28), date(2027, 1, 3))
    assert (report.sessions, report.previous_sessions) == (2, 1)
    empathy = principle(report, "empathy")
    assert (empathy.mean, empathy.previous_mean, empathy.change) == (7.0, 5.0, 2.0)
    assert [(w.week_start, w.mean) for w in empathy.weekly[-2:]] == [
        (date(2026, 12, 21), 5.0),
        (date(2026, 12, 28), 7.0),
    ]
    following = principle(review(db_path, parse_week("2027-W01")), "empathy")
    assert [(w.week_start, w.mean) for w in following.weekly[-2:]] == [
        (date(2026, 12, 28), 7.0),
        (date(2027, 1, 4), 9.0),
    ]


def test_clients_to_check_in_with(db_path):
    add(
        db_path,
        # Lower in each of the last three sessions, by 1.6 in all: falling, mean not low.
        ("C-FALL", "2026-11-02", ratings(8)),
        ("C-FALL", "2026-11-09", ratings(7)),
        ("C-FALL", "2026-11-17", ratings(7, 6, 6, 6, 7)),
        # A single session, low: flagged for its mean alone.
        ("C-ONE", "2026-11-18", ratings(4)),
        # Up and down: not falling.
        ("C-WAVE", "2026-11-02", ratings(8)),
        ("C-WAVE", "2026-11-09", ratings(7)),
        ("C-WAVE", "2026-11-18", ratings(8, 7, 8, 7, 8)),
        # Falling, but by 0.4 in all: too small to point at.
        ("C-EASE", "2026-11-02", ratings(7)),
        ("C-EASE", "2026-11-09", ratings(7, 7, 7, 7, 6)),
        ("C-EASE", "2026-11-19", ratings(7, 7, 7, 6, 6)),
        # Low, but not seen this period.
        ("C-AWAY", "2026-11-10", ratings(2)),
    )
    flags = review(db_path).flags
    assert [(f.client, f.reasons, f.mean, f.sessions) for f in flags] == [
        ("C-ONE", ["low_mean"], 4.0, 1),
        ("C-FALL", ["falling"], 6.4, 1),
    ]
    assert [s.mean for s in flags[1].recent] == [8.0, 7.0, 6.4]
    assert [s.date for s in flags[0].recent] == [date(2026, 11, 18)]
    stricter = review(db_path, thresholds=Thresholds(low_mean=7.0, falling_min_drop=0.4))
    assert [f.client for f in stricter.flags] == ["C-ONE", "C-FALL", "C-EASE"]
    assert stricter.flags[1].reasons == ["falling", "low_mean"]


def test_unrepaired_ruptures_come_first_including_older_ones(db_path):
    rupture = {"rupture": True, "rupture_kind": "withdrawal"}
    add(
        db_path,
        ("C-OLD", "2026-10-01", ratings(6, **rupture, repaired="no")),  # older, still open
        ("C-OLD", "2026-10-08", ratings(7)),
        ("C-FIX", "2026-10-02", ratings(6, **rupture, repaired="partly")),  # older, revisited later
        ("C-FIX", "2026-10-09", ratings(7, rupture_revisited="yes")),
        ("C-DONE", "2026-10-03", ratings(6, **rupture, repaired="yes")),  # older and repaired: not shown
        ("C-GONE", "2026-06-01", ratings(6, **rupture, repaired="no")),  # beyond the 12 weeks looked back
        ("C-NEW", "2026-11-17", ratings(6, **{**rupture, "rupture_kind": "confrontation"}, repaired="yes")),
        ("C-NOW", "2026-11-18", ratings(5, **rupture, repaired="partly")),
    )
    ruptures = review(db_path).ruptures
    assert [(r.client, r.date.isoformat(), r.open, r.in_period, r.repaired) for r in ruptures] == [
        ("C-OLD", "2026-10-01", True, False, "no"),
        ("C-NOW", "2026-11-18", True, True, "partly"),
        ("C-NEW", "2026-11-17", False, True, "yes"),
    ]
    assert ruptures[2].kind == "confrontation"


def test_intentions_of_the_previous_period_sit_beside_the_next_session(db_path):
    add(
        db_path,
        ("C-1", "2026-11-03", ratings(7, intention="Too early to count.")),
        ("C-1", "2026-11-10", ratings(7, intention="Ask about the sleep diary.")),
        ("C-2", "2026-11-12", ratings(7, intention="Leave more silence.")),
        ("C-1", "2026-11-12", ratings(7)),
        ("C-1", "2026-11-19", ratings(7, intention="Set this week: next week's business.")),
    )
    intentions = review(db_path).intentions
    assert [(i.client, i.text, i.next_session and i.next_session.date) for i in intentions] == [
        ("C-1", "Ask about the sleep diary.", date(2026, 11, 12)),
        ("C-2", "Leave more silence.", None),
    ]


def test_practices_count_positive_answers(db_path):
    add(
        db_path,
        ("C-1", "2026-11-16", ratings(7, open_questions=True, goals_together="together")),
        ("C-2", "2026-11-17", ratings(7, open_questions=True, goals_together="mostly by me")),
        ("C-3", "2026-11-18", ratings(7, open_questions=False)),
        ("C-4", "2026-11-19", ratings(7)),
        ("C-5", "2026-11-02", ratings(7, open_questions=True)),  # outside the period
    )
    practices = {p.prompt_id: p for p in review(db_path).practices}
    assert (practices["open_questions"].positive, practices["open_questions"].answered) == (2, 3)
    assert (practices["goals_together"].positive, practices["goals_together"].answered) == (1, 2)
    assert (practices["boundaries_held"].positive, practices["boundaries_held"].answered) == (0, 0)
    assert practices["open_questions"].sessions == 4
    assert practices["open_questions"].title == "Effective communication"


def test_focus_is_the_principle_that_fell_most_else_the_lowest(db_path):
    add(
        db_path,
        ("C-1", "2026-11-10", ratings(8, 8, 8, 8, 8)),
        ("C-1", "2026-11-17", ratings(8, 7, 8, 8, 5)),
    )
    focus = review(db_path).focus
    assert focus is not None
    assert (focus.id, focus.reason, focus.change) == ("active_listening", "fell_most", -3.0)
    assert focus.tip in PS.area("active_listening").tips  # type: ignore[union-attr]
    calm = review(db_path, thresholds=Thresholds(focus_min_fall=5)).focus
    assert calm is not None
    assert (calm.id, calm.reason, calm.mean) == ("active_listening", "lowest", 5.0)


def test_client_filter_limits_everything(db_path):
    add(
        db_path,
        ("C-1", "2026-11-16", ratings(8)),
        ("C-2", "2026-11-17", ratings(2, rupture=True, rupture_kind="both", repaired="no")),
    )
    report = review(db_path, client="C-1")
    assert (report.client, report.sessions, report.clients) == ("C-1", 1, 1)
    assert principle(report, "empathy").mean == 8.0
    assert report.flags == [] and report.ruptures == []


def test_notes_are_grouped_by_prompt_only_when_asked(db_path):
    add(
        db_path,
        ("C-1", "2026-11-16", ratings(7, went_well="We slowed down.", intention="Ask about work.")),
        ("C-2", "2026-11-17", ratings(9, empathy_moment="The pause after the letter.", went_well="Laughed.")),
    )
    assert review(db_path).notes is None
    notes = review(db_path, notes=True).notes
    assert notes is not None
    assert [(g.prompt_id, [n.text for n in g.notes]) for g in notes] == [
        ("empathy_moment", ["The pause after the letter."]),
        ("went_well", ["We slowed down.", "Laughed."]),
        ("intention", ["Ask about work."]),
    ]


@pytest.mark.parametrize("period", [W47, Period(date(2026, 1, 1), date(2026, 1, 1))])
def test_an_empty_period_has_nulls_not_zeros(db_path, period):
    add(db_path, ("C-1", "2025-06-02", ratings(7)))
    report = review(db_path, period)
    assert report.sessions == 0
    assert all(p.mean is None and p.change is None and p.n == 0 for p in report.principles)
    assert report.focus is None and report.flags == []


def _rows(means: dict[str, tuple[float, float]], client_mean: float | None = None) -> Any:
    """Report rows by hand: each principle's (previous, current) mean over 20 ratings."""
    from alliance_cli.core.report import ReportRows

    rows = ReportRows(period=W47, previous=W47.previous(), client=None, week_starts=[])
    rows.totals = {"sessions": 20, "clients": 1, "days": 5, "previous_sessions": 20}
    for pid, (before, now) in means.items():
        rows.means += [{"prompt_id": pid, "current": 0, "mean": before, "n": 20}]
        rows.means += [{"prompt_id": pid, "current": 1, "mean": now, "n": 20}]
    if client_mean is not None:
        rows.client_means = [{"client": "C-1", "mean": client_mean, "sessions": 20}]
    return rows


def test_the_change_shown_and_the_focus_rule_use_the_same_figures():
    from alliance_cli.core.report import build_report
    from alliance_cli.ui.review import focus_text, report_markdown

    steady = {"respect": (6.0, 6.0), "genuineness": (6.2, 6.2), "positive_regard": (6.4, 6.4)}
    # Empathy: 7.0 before, 131/20 = 6.55 now; a fall of 0.45, short of the 0.5 that makes it the focus.
    report = build_report(_rows({"empathy": (7.0, 131 / 20), "active_listening": (5.0, 5.0), **steady}), PS)
    empathy = principle(report, "empathy")
    assert (empathy.mean, empathy.previous_mean, empathy.change) == (6.55, 7.0, -0.45)
    assert "| Empathy | 6.55 | 7.00 | ▼ −0.45 |" in report_markdown(report)
    assert report.focus is not None and (report.focus.id, report.focus.reason) == ("active_listening", "lowest")
    assert focus_text(report) == "Active listening: it is your lowest-rated principle this period (5.00)."
    # 6.996 and 6.504 are shown as 7.00 and 6.50: the fall shown is 0.50, and it is the focus.
    report = build_report(_rows({"empathy": (6.996, 6.504), "active_listening": (5.0, 5.0), **steady}), PS)
    assert "| Empathy | 6.50 | 7.00 | ▼ −0.50 |" in report_markdown(report)
    assert report.focus is not None and (report.focus.id, report.focus.reason) == ("empathy", "fell_most")
    assert focus_text(report) == "Empathy: it moved the most this period (▼ −0.50, now 6.50)."


def test_a_client_is_below_the_low_mean_as_the_mean_is_shown():
    from alliance_cli.core.report import build_report

    assert build_report(_rows({}, client_mean=4.996), PS).flags == []  # shown as 5.00: not below 5
    flags = build_report(_rows({}, client_mean=4.994), PS).flags
    assert [(f.client, f.reasons, f.mean) for f in flags] == [("C-1", ["low_mean"], 4.99)]
