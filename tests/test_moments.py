"""One moment question a log, for the rating furthest outside 4 to 8 (ties: the first of the
five); sessions logged before the rule keep every moment they hold."""

from __future__ import annotations

import json

import pytest

from alliance_cli.core.answers import applies
from conftest import FULL_ANSWERS, set_flags
from test_log_interactive import REST, converse, ps, stored

__all__ = ["ps"]  # the prompt-set fixture, shared with test_log_interactive
MOMENTS = [
    "empathy_moment",
    "respect_moment",
    "genuineness_moment",
    "positive_regard_moment",
    "active_listening_moment",
]


def asked(ps, **ratings: int) -> list[str]:
    answers = {**{k: int(v) for k, v in FULL_ANSWERS.items() if k != "rupture"}, **ratings}
    return [m for m in MOMENTS if applies(ps.prompt(m), answers)]


@pytest.mark.parametrize(
    ("ratings", "moment"),
    [
        ({}, []),  # 7, 8, 6, 8, 5: all within 4 to 8
        ({"respect": 10}, ["respect_moment"]),
        ({"empathy": 2, "respect": 10}, ["empathy_moment"]),  # both 2 outside: the first
        ({"empathy": 3, "respect": 0}, ["respect_moment"]),  # 0 is further out than 3
        ({"genuineness": 9, "active_listening": 1}, ["active_listening_moment"]),
        (
            {"empathy": 0, "respect": 0, "genuineness": 0, "positive_regard": 0, "active_listening": 0},
            ["empathy_moment"],
        ),
    ],
)
def test_at_most_one_moment_for_the_most_extreme_rating(ps, ratings, moment):
    assert asked(ps, **ratings) == moment


def test_the_log_asks_one_moment_after_the_five_ratings(db_path, ps):
    keys = "C-014\r\r\r" + "10\r0\r6\r9\r5\r" + "When the plan fell apart.\r" + REST
    saved, _ = converse(db_path, ps, keys)
    answers = stored(db_path, saved.id).answers
    assert answers["respect"] == 0 and answers["respect_moment"] == "When the plan fell apart."
    assert [m for m in MOMENTS if m in answers] == ["respect_moment"]
    assert answers["went_well"] == "We paused together."  # nothing else asked in between


def test_going_back_to_make_another_rating_the_most_extreme_drops_the_first_moment(db_path, ps):
    # empathy 10 asks its moment; at the next question < goes back to it, cleared, < again to
    # active listening: 0 is further out than 10, so its moment is asked and empathy's dropped.
    keys = "C-014\r\r\r" + "10\r6\r6\r6\r6\r" + "Named the fear.\r" + "<" + "\x7f" * 15 + "<" + "\x7f0\r"
    saved, summaries = converse(db_path, ps, keys + "Lost them.\r" + REST)
    answers = stored(db_path, saved.id).answers
    assert answers["active_listening"] == 0 and answers["active_listening_moment"] == "Lost them."
    assert [m for m in MOMENTS if m in answers] == ["active_listening_moment"]
    assert "empathy_moment" not in summaries[-1].answers  # the summary before saving shows it gone


def test_scripted_log_accepts_exactly_the_moment_that_applies(run):
    ratings = {**FULL_ANSWERS, "empathy": "9", "respect": "1"}
    right = run("log", "-c", "C-1", *set_flags({**ratings, "respect_moment": "I pushed the homework."}))
    assert right.exit_code == 0, right.stderr
    wrong = run("log", "-c", "C-1", *set_flags({**ratings, "empathy_moment": "We laughed."}))
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith(
        "alliance: empathy_moment: only asked when empathy is below 4 or above 8, the furthest out of empathy, respect,"
    )
    assert wrong.stderr.rstrip().endswith("(ties: the first listed): here that is respect_moment")
    assert len(wrong.stderr.splitlines()) == 1 and "We laughed" not in wrong.stderr


def test_sessions_logged_with_several_moments_keep_them(run, tmp_path):
    """An export from before the rule holds two moments in one session: it imports, reads and
    takes a scripted edit with both kept."""
    first = {**FULL_ANSWERS, "empathy": "2", "respect": "10", "empathy_moment": "Lost the thread."}
    logged = run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(first))
    assert logged.exit_code == 0, logged.stderr
    records = json.loads(run("export", "--format", "json").stdout)
    moment = next(r for r in records if r["prompt_id"] == "empathy_moment")
    records.append({**moment, "prompt_id": "respect_moment", "principle": "respect", "value": "Her choice, fully."})
    old = tmp_path / "old.json"
    old.write_text(json.dumps(records), encoding="utf-8")

    target = tmp_path / "other" / "journal.db"
    imported = run("import", str(old), db=target)
    assert imported.exit_code == 0, imported.stderr
    edited = run("edit", "1", "--set", "went_well=A calmer hour.", db=target)
    assert edited.exit_code == 0, edited.stderr
    answers = json.loads(run("show", "1", "-f", "json", db=target).stdout)["answers"]
    assert answers["empathy_moment"] == "Lost the thread." and answers["respect_moment"] == "Her choice, fully."
    assert answers["went_well"] == "A calmer hour."
    exported = json.loads(run("export", "--format", "json", db=target).stdout)
    assert {r["prompt_id"] for r in exported} >= {"empathy_moment", "respect_moment"}


@pytest.mark.parametrize(
    ("when", "problem"),
    [
        ("{prompt: b, equals: 3, most_extreme_of: [a, b]}", "'most_extreme_of' goes with 'not_between'"),
        ("{prompt: b, not_between: [2, 4], most_extreme_of: [a]}", "list 'b' too, the prompt tested"),
        ("{prompt: b, not_between: [2, 4], most_extreme_of: [a, b, m]}", "'m' comes later"),
        ("{prompt: b, not_between: [2, 4], most_extreme_of: [a, b, zz]}", "'zz' is not a prompt in this set"),
    ],
)
def test_prompts_check_explains_a_wrong_most_extreme_of(run, tmp_path, when, problem):
    path = tmp_path / "prompts.yaml"
    path.write_text(
        "version: 1\nprinciples:\n  - {id: a, title: A, description: d, tips: [t]}\n"
        "  - {id: b, title: B, description: d, tips: [t]}\nprompts:\n"
        "  - {id: a, kind: rating, text: A?, principle: a, min: 0, max: 6}\n"
        "  - {id: b, kind: rating, text: B?, principle: b, min: 0, max: 6}\n"
        f"  - {{id: m, kind: text, text: Which moment?, when: {when}}}\n",
        encoding="utf-8",
    )
    result = run("prompts", "check", str(path))
    assert result.exit_code == 1
    assert problem in result.stderr


def test_an_interactive_edit_of_a_session_with_several_moments_asks_and_keeps_them(run, db_path, tmp_path):
    from test_edit import KEEP_PRACTICES_AND_RUPTURE, KEEP_REFLECTIONS, KEEP_SESSION_FIELDS, SAVE, interactive_edit

    source = tmp_path / "source" / "journal.db"
    first = {**FULL_ANSWERS, "empathy": "2", "respect": "10", "empathy_moment": "Lost the thread."}
    assert run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(first), db=source).exit_code == 0
    records = json.loads(run("export", "--format", "json", db=source).stdout)
    moment = next(r for r in records if r["prompt_id"] == "empathy_moment")
    records.append({**moment, "prompt_id": "respect_moment", "principle": "respect", "value": "Her choice, fully."})
    old = tmp_path / "old.json"
    old.write_text(json.dumps(records), encoding="utf-8")
    assert run("import", str(old)).exit_code == 0

    # Enter keeps every answer: the five ratings, then both moments, each from its saved text.
    keys = KEEP_SESSION_FIELDS + "\r" * 5 + "\r" * 2 + KEEP_PRACTICES_AND_RUPTURE + KEEP_REFLECTIONS + SAVE
    interactive_edit(db_path, keys)
    answers = json.loads(run("show", "1", "-f", "json").stdout)["answers"]
    assert answers["empathy_moment"] == "Lost the thread." and answers["respect_moment"] == "Her choice, fully."
