"""The weekly review's numbers, checked against small journals computed by hand."""

from __future__ import annotations

from datetime import date, timedelta
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


def asked(prompt_id: str) -> str:
    """What a prompt asked, as the review titles it: its short label, else its question."""
    prompt = PS.prompt(prompt_id)
    assert prompt is not None
    return getattr(prompt, "label", None) or prompt.text


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


def weekly(client: str, first: str, values: list[Any], **extra: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """One session a week with `client` from the Monday `first`, each rated `values[i]` (a
    number for all five, or a tuple of five)."""
    start = date.fromisoformat(first)
    out = []
    for i, v in enumerate(values):
        five = v if isinstance(v, tuple) else (v,)
        out.append((client, (start + timedelta(weeks=i)).isoformat(), ratings(*five, **extra)))
    return out


def test_baseline_is_your_own_twelve_week_mean_and_the_usual_range_your_weekly_spread(db_path):
    # Weeks 36 to 47 of 2026, one session each: 4, 5, 6, 7, 8, 9, 4, 5, 6, 7, 8, 9.
    add(db_path, ("C-1", "2026-08-24", ratings(1)), *weekly("C-1", "2026-08-31", [4, 5, 6, 7, 8, 9] * 2))
    baseline = review(db_path).baseline
    assert (baseline.mean, baseline.sessions, baseline.start) == (6.5, 12, date(2026, 8, 31))  # week 35 left out
    # 10th and 90th percentiles of the twelve weekly means, linear between them.
    assert (baseline.usual_low, baseline.usual_high) == (4.1, 8.9)


def test_check_ins_follow_the_order_of_their_reasons(db_path):
    rupture = {"rupture": True, "rupture_kind": "withdrawal"}
    add(
        db_path,
        *weekly("C-BASE", "2026-08-31", [8] * 12),  # most of your baseline: about 7.8 with the others
        *weekly("C-BASE2", "2026-08-31", [8] * 11),
        # Seen before at 6, now 5: at least 2 below your baseline.
        *weekly("C-LOW", "2026-10-05", [6, 6, 6, 6]),
        ("C-LOW", "2026-11-17", ratings(5)),
        # A first session at 5: early, and below your baseline.
        ("C-EARLY", "2026-11-18", ratings(5)),
        # Steady at 9 and 10, then 7.6: 1.9 below their own mean, 2.5 of their SDs (taken as 0.7);
        # still within 2 of your baseline.
        *weekly("C-FALL", "2026-09-21", [9, 10, 9, 10, 9, 10, 9, 10]),
        ("C-FALL", "2026-11-19", ratings(8, 8, 7, 8, 7)),
        # A rupture three weeks ago, still open; no session this week.
        ("C-OPEN", "2026-11-02", ratings(8, **rupture, repaired="no")),
        # A confrontation this week, repaired in the session.
        ("C-CONF", "2026-11-20", ratings(8, rupture=True, rupture_kind="confrontation", repaired="yes")),
        # Up and down as usual: nothing stands out.
        *weekly("C-WAVE", "2026-09-28", [8, 7, 8, 7, 8, 7, 8, 7]),
    )
    report = review(db_path)
    assert [(f.client, f.reasons) for f in report.flags] == [
        ("C-OPEN", ["open_rupture"]),
        ("C-CONF", ["confrontation"]),
        ("C-EARLY", ["early_below_baseline"]),
        ("C-LOW", ["below_baseline"]),
        ("C-FALL", ["falling"]),
    ]
    fall = report.flags[-1]
    assert (fall.last, fall.direction, fall.mean, fall.sessions, fall.sessions_so_far) == (7.6, "down", 7.6, 1, 9)
    assert (report.flags[3].last, report.flags[3].direction) == (5.0, "down")
    assert report.flags[0].sessions == 0 and report.flags[0].last == 8.0  # not seen this week, still listed
    # The thresholds are settings: a stricter one lets C-LOW and C-EARLY through.
    relaxed = review(db_path, thresholds=Thresholds(below_baseline=3.5, early_below_baseline=3.5))
    assert [f.client for f in relaxed.flags] == ["C-OPEN", "C-CONF", "C-FALL"]


def test_a_client_who_rates_low_as_usual_is_judged_against_your_baseline_not_a_fixed_five(db_path):
    # A clinician who rates harshly: every session 4. Nobody stands out.
    add(db_path, *weekly("C-1", "2026-09-28", [4] * 8), *weekly("C-2", "2026-09-28", [4] * 8))
    assert review(db_path).flags == []


def test_falling_needs_history_and_a_drop_beyond_the_clients_own_spread():
    from alliance_cli.core.rules import falling

    rule = {"sds": 2.5, "two_sds": 1.6, "history": 5, "min_sd": 0.7}
    steady = [8.0, 7.0, 8.0, 7.0, 8.0]  # mean 7.6, SD 0.55, taken as 0.7
    assert falling([*steady, 5.8], **rule)  # 1.8 below: 2.5 SDs of 0.7 is 1.75
    assert not falling([*steady, 6.0], **rule)  # 1.6 below: within their range
    assert not falling([*steady[:4], 4.0], **rule)  # four earlier sessions: too few to know their range
    noisy = [9.0, 5.0, 9.0, 5.0, 9.0, 5.0]  # mean 7, SD 2.2: a 4 is nothing unusual for them
    assert not falling([*noisy, 4.0], **rule)
    # Two sessions in a row, 1.2 each below the mean (1.6 SDs of 0.7 is 1.12): caught on the second.
    assert not falling([*steady, 6.4], **rule)
    assert falling([*steady, 6.4, 6.4], **rule)


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
        ("C-1", "2026-11-12", ratings(7, intention_followed="no")),
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
    assert practices["open_questions"].title == asked("open_questions")


def _focus_rows(weeks: list[dict[str, int]], per_week: int) -> Any:
    """Report rows by hand for four weeks ending W47: each week `per_week` sessions rating every
    principle 7 except those given (principle: rating)."""
    from datetime import timedelta as td

    from alliance_cli.core.report import ReportRows

    rows = ReportRows(period=W47, previous=W47.previous(), client=None, week_starts=[])
    rows.totals = {"sessions": per_week, "clients": per_week, "days": 5, "previous_sessions": per_week}
    sid = 0
    for i, lower in enumerate(weeks):
        monday = W47.start - td(weeks=len(weeks) - 1 - i)
        for _ in range(per_week):
            sid += 1
            rated = {pid: lower.get(pid, 7) for pid in PRINCIPLE_IDS}
            rows.focus_sessions.append(
                {"session_id": sid, "date": monday.isoformat(), "week": monday.isoformat(), "ratings": rated}
            )
    return rows


def test_focus_is_a_principle_below_the_others_week_after_week():
    from alliance_cli.core.report import build_report

    low = {"active_listening": 6}
    report = build_report(_focus_rows([low, {}, low, low], 15), PS)
    assert report.focus is not None and report.no_focus is None
    assert (report.focus.id, report.focus.reason, report.focus.below, report.focus.weeks_lowest) == (
        "active_listening",
        "below_the_others",
        1.0,  # 6 among 7s: 0.8 below the session's level, the others 0.2 above it
        3,  # not in the second week, when all five were rated alike
    )
    assert report.focus.tip in PS.area("active_listening").tips  # type: ignore[union-attr]


def test_no_clear_focus_without_enough_ratings_or_persistence():
    from alliance_cli.core.report import build_report

    low = {"active_listening": 6}
    # 14 sessions this week: too few ratings to tell a principle from noise.
    report = build_report(_focus_rows([low, low, low, low], 14), PS)
    assert (report.focus, report.no_focus) == (None, "too_few_ratings")
    # Lowest this week and one other of the four: not persistent.
    report = build_report(_focus_rows([{}, low, {}, low], 15), PS)
    assert (report.focus, report.no_focus) == (None, "none_stands_out")
    # Lowest every week, but only a little below the others: within the margin.
    slight = {"active_listening": 6, "empathy": 6}  # each 0.6 below, and the others 0.4 above
    report = build_report(_focus_rows([slight] * 4, 15), PS, thresholds=Thresholds(focus_margin=1.5))
    assert report.no_focus == "none_stands_out"


def test_an_active_learning_goal_is_the_focus():
    from alliance_cli.core.report import build_report

    rows = _focus_rows([{"empathy": 5}] * 4, 15)
    rows.goal = {
        "id": 1, "text": "Summarise before I suggest.", "principle": "active_listening", "started": "2026-10-26",
        "ended": None, "practised": {"yes": 6, "partly": 2, "no opportunity": 1}, "sessions": 12,
        "before_mean": 6.44, "since_mean": 7.06,
    }  # fmt: skip
    report = build_report(rows, PS)
    assert report.focus is not None and (report.focus.id, report.focus.reason) == ("active_listening", "goal")
    goal = report.goal
    assert goal is not None
    assert (goal.weeks_active, goal.practised, goal.partly, goal.no_opportunity) == (4, 6, 2, 1)
    assert (goal.before_mean, goal.since_mean, goal.principle_title) == (6.4, 7.1, "Active listening")
    # An ended goal is shown, and the focus goes back to the ratings.
    rows.goal = {**rows.goal, "ended": "2026-11-18"}
    report = build_report(rows, PS)
    assert report.goal is not None and report.goal.ended == date(2026, 11, 18)
    assert report.focus is not None and report.focus.id == "empathy"


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


def test_means_are_shown_and_judged_with_one_decimal(db_path):
    from alliance_cli.core.report import ReportRows, build_report
    from alliance_cli.ui.review import report_markdown

    rows = ReportRows(period=W47, previous=W47.previous(), client=None, week_starts=[])
    rows.totals = {"sessions": 20, "clients": 1, "days": 5, "previous_sessions": 20}
    rows.means = [
        {"prompt_id": "empathy", "current": 0, "mean": 7.04, "n": 20},
        {"prompt_id": "empathy", "current": 1, "mean": 131 / 20, "n": 20},
    ]
    report = build_report(rows, PS)
    empathy = principle(report, "empathy")
    assert (empathy.mean, empathy.previous_mean, empathy.change) == (6.5, 7.0, -0.5)  # 6.55 rounds to even
    assert "| Empathy | 6.5 | 7.0 | ▼ −0.5 |" in report_markdown(report)


def _set_goal(db: Path, text: str, principle: str | None, started: str, ended: str | None = None) -> None:
    """A learning goal as `alliance goal set` stores it (the table of migration m004)."""
    import sqlite3

    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS goals (id INTEGER PRIMARY KEY, text TEXT NOT NULL, principle TEXT,"
            " started TEXT NOT NULL, ended TEXT)"
        )
        conn.execute(
            "INSERT INTO goals (text, principle, started, ended) VALUES (?, ?, ?, ?)", (text, principle, started, ended)
        )


def test_the_learning_goal_is_followed_in_the_review_and_is_the_focus(db_path):
    low = (7, 7, 7, 7, 5)  # active listening 5 in the four weeks before the goal
    add(
        db_path,
        *weekly("C-1", "2026-09-28", [low] * 4),
        *weekly("C-1", "2026-10-26", [(7, 7, 7, 7, 6), (7, 7, 7, 7, 7), (7, 7, 7, 7, 7), (7, 7, 7, 7, 8)]),
    )
    _set_goal(db_path, "Summarise before I suggest anything.", "active_listening", "2026-10-26")
    report = review(db_path)
    goal = report.goal
    assert goal is not None
    assert (goal.text, goal.started, goal.ended, goal.weeks_active) == (
        "Summarise before I suggest anything.",
        date(2026, 10, 26),
        None,
        4,
    )
    assert (goal.principle_title, goal.before_mean, goal.since_mean, goal.sessions) == ("Active listening", 5.0, 7.0, 4)
    assert report.focus is not None and (report.focus.id, report.focus.reason) == ("active_listening", "goal")
    from alliance_cli.ui.review import goal_lines

    assert "Active listening: 5.0 in the 4 weeks before, 7.0 since (▲ +2.0)." in goal_lines(goal)


def test_a_journal_without_goals_has_none(db_path):
    add(db_path, ("C-1", "2026-11-17", ratings(7)))
    report = review(db_path)
    assert report.goal is None


@pytest.mark.skipif(
    PS.prompt("goal_practised") is None,
    reason="the built-in prompt set has no goal question yet (it comes with the shared prompt-set change)",
)
def test_sessions_practised_count_the_answers_since_the_goal_began(db_path):
    add(
        db_path,
        ("C-1", "2026-10-20", ratings(7, goal_practised="yes")),  # before the goal: not counted
        ("C-1", "2026-11-03", ratings(7, goal_practised="yes")),
        ("C-2", "2026-11-10", ratings(7, goal_practised="partly")),
        ("C-1", "2026-11-17", ratings(7, goal_practised="no opportunity")),
        ("C-2", "2026-11-18", ratings(7, goal_practised="yes")),
        ("C-3", "2026-11-19", ratings(7)),
    )
    _set_goal(db_path, "Name what I notice between us.", None, "2026-11-02")
    goal = review(db_path).goal
    assert goal is not None
    assert (goal.practised, goal.partly, goal.not_practised, goal.no_opportunity, goal.sessions) == (2, 1, 0, 1, 5)
    from alliance_cli.ui.review import goal_lines

    assert "Practised in 2 of 3 sessions that gave the chance (partly in 1); 1 gave no opportunity." in goal_lines(goal)


def _as_validated(part: Any) -> None:
    """A part made without validation holds what validating its own JSON makes of it: the
    same values, of the same types (a date not left as text, a mean not left whole)."""
    text = part.model_dump_json(warnings="error")
    again = type(part).model_validate_json(text)
    assert again == part
    assert again.model_dump_json() == text


def test_every_part_of_a_filled_review_is_what_validation_would_make(tmp_path):
    """The review makes its parts without validation, for speed (`core.report._Model`). Over
    the demo journal (a goal, intentions, notes, ruptures, check-ins, client scores), every
    part of the review of four weeks, one client's and the whole caseload's, is as
    validation would have made it."""
    from alliance_cli.app.demo import run_demo

    demo = run_demo(tmp_path / "demo.db", today=date(2026, 11, 20))
    with open_journal(demo.path) as journal:
        for week in ("2026-W36", "2026-W41", "2026-W45", "2026-W47"):
            report = load_report(journal, PS, parse_week(week), notes=True)
            assert report.sessions and report.flags and report.ruptures and report.calibration
            _as_validated(report)
            client = report.flags[0].client
            _as_validated(load_report(journal, PS, parse_week(week), client=client, notes=True))
    assert report.goal and report.notes and report.intentions and report.follow_through.recorded


def test_the_reviews_json_is_pydantics_own(tmp_path):
    """`--format json` writes the review's data without building pydantic's serializer
    (`core.report.report_data`): the same JSON, key for key and in order, as pydantic's."""
    import json

    from alliance_cli.app.demo import run_demo
    from alliance_cli.core.report import report_data

    demo = run_demo(tmp_path / "demo.db", today=date(2026, 11, 20))
    with open_journal(demo.path) as journal:
        for week in ("2026-W41", "2026-W47"):
            report = load_report(journal, PS, parse_week(week), notes=True)
            assert json.dumps(report_data(report)) == json.dumps(report.model_dump(mode="json"))
