"""The demo journal tells the truth (issue 14): notes that fit their ratings, ruptures at a
plausible rate with markers that fit their kind, some still open, and a learning goal."""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from alliance_cli.app.demo import DEMO_SESSIONS, demo_sessions, run_demo
from alliance_cli.app.sample import FEELINGS, MOMENTS
from alliance_cli.core.records import NewSession
from alliance_cli.core.ruptures import is_open
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.goals import goals
from alliance_cli.store.journal import open_journal

TODAY = date(2026, 11, 30)
PS = load_prompt_set(bundled_prompts_path())
RATINGS = ["empathy", "respect", "genuineness", "positive_regard", "active_listening"]


@cache
def sessions() -> tuple[NewSession, ...]:
    return tuple(demo_sessions(PS, TODAY))


def ruptures() -> list[NewSession]:
    return [s for s in sessions() if s.answers.get("rupture") is True]


def test_the_demo_is_the_same_every_time():
    again = list(demo_sessions(PS, TODAY))
    assert [(s.client, s.date, s.answers) for s in again] == [(s.client, s.date, s.answers) for s in sessions()]


def test_about_one_session_in_five_has_a_rupture():
    assert 0.15 <= len(ruptures()) / len(sessions()) <= 0.25


def test_the_rupture_rate_holds_whatever_day_the_demo_is_made():
    """`alliance demo` ends its sample today: the caseload's weekdays shift with the day."""
    for shift in range(1, 7):
        made = list(demo_sessions(PS, TODAY + timedelta(days=shift)))
        assert 0.15 <= sum(s.answers.get("rupture") is True for s in made) / len(made) <= 0.25, shift


def test_ruptures_include_confrontations_and_some_still_open():
    kinds = {s.answers["rupture_kind"] for s in ruptures()}
    assert {"withdrawal", "confrontation"} <= kinds
    closed_later = {
        (s.client, s.date) for s in sessions() if s.answers.get("rupture_revisited") == "yes"
    }  # a later "yes" closes every rupture of the client open at that time
    still_open = [
        s
        for s in ruptures()
        if is_open(s.answers.get("repaired"), any(c == s.client and d > s.date for c, d in closed_later))
    ]
    assert "confrontation" in {s.answers["rupture_kind"] for s in still_open}  # the check-in list has one to show


def test_markers_agree_with_the_kind_of_rupture():
    kinds = PS.prompt("rupture_markers").kinds
    withdrawal = {c for c, k in kinds.items() if k == "withdrawal"}
    confrontation = {c for c, k in kinds.items() if k == "confrontation"}
    for session in ruptures():
        markers, kind = set(session.answers["rupture_markers"]), session.answers["rupture_kind"]
        assert markers, session
        if kind == "withdrawal":
            assert markers <= withdrawal
        elif kind == "confrontation":
            assert markers <= confrontation
        else:
            assert markers & withdrawal and markers & confrontation


def test_repairs_are_told_plausibly():
    for session in ruptures():
        strategies, response = session.answers["repair_strategies"], session.answers["repair_response"]
        assert (strategies == ["not yet addressed"]) == (response == "not addressed yet")
        assert (session.answers["repaired"] == "yes") == (response == "re-engaged")
    assert sum("my_part" in s.answers for s in ruptures()) > len(ruptures()) / 2


def test_the_demo_has_a_learning_goal_asked_only_while_it_is_active(tmp_path):
    demo = run_demo(tmp_path / "demo.db", today=TODAY)
    assert demo.made == DEMO_SESSIONS
    with open_journal(demo.path) as journal:
        (goal,) = goals(journal)
    started = date.fromisoformat(goal.started)
    assert goal.ended is None and goal.principle == "active_listening"
    assert TODAY - timedelta(weeks=6) <= started <= TODAY - timedelta(weeks=2)
    answered = [s for s in sessions() if "goal_practised" in s.answers]
    assert {s.date >= started for s in sessions() if "goal_practised" in s.answers} == {True}
    assert len(answered) == sum(s.date >= started for s in sessions())
    assert "no opportunity" in {s.answers["goal_practised"] for s in answered}


def test_a_session_has_at_most_one_moment_note_for_its_most_extreme_rating():
    with_note = 0
    for s in sessions():
        moments = [r for r in RATINGS if f"{r}_moment" in s.answers]
        assert len(moments) <= 1, s
        out = {r: max(4 - s.answers[r], s.answers[r] - 8, 0) for r in RATINGS}
        if moments:
            with_note += 1
            (rating,) = moments
            assert out[rating] > 0 and out[rating] == max(out.values())
            assert all(out[r] < out[rating] for r in RATINGS[: RATINGS.index(rating)])  # ties: the first
    assert 0 < with_note < len(sessions()) / 2


def test_a_moment_note_reads_like_its_rating():
    notes = [
        (s.answers[r], s.answers[f"{r}_moment"]) for s in sessions() for r in RATINGS if f"{r}_moment" in s.answers
    ]
    low = [note for rating, note in notes if rating < 4]
    high = [note for rating, note in notes if rating > 8]
    assert low and high
    assert set(low) <= set(MOMENTS["hard"])
    assert set(high) <= set(MOMENTS["good"])


def test_a_session_with_a_rupture_feels_hard():
    felt = [s.answers["feelings"] for s in ruptures() if "feelings" in s.answers]
    assert felt and set(felt) <= set(FEELINGS["hard"])


def test_some_sessions_are_marked_for_supervision_with_a_question():
    marked = [s for s in sessions() if s.answers.get("for_supervision") is True]
    assert 0 < len(marked) < len(sessions()) / 10
    assert all(s.answers.get("supervision_question") for s in marked)
