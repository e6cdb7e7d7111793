"""While a learning goal is active, the log asks once whether you practised it: end to end,
by keystrokes and by `--set`; with no goal active on the session's day it is neither asked
nor accepted."""

from __future__ import annotations

import json
from datetime import date

from alliance_cli.store.goals import add_goal, end_goal
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags
from test_log_interactive import DOWN, ENTER, REST, START, converse, ps, stored

__all__ = ["ps"]  # the prompt-set fixture, shared with test_log_interactive


def _goal(db, started: date, ended: date | None = None) -> None:
    with open_journal(db, create=True) as journal:
        add_goal(journal, "Summarise before moving on", "active_listening", started)
        if ended is not None:
            end_goal(journal, ended)


def test_the_log_asks_once_while_a_goal_is_active(db_path, ps):
    _goal(db_path, date(2026, 11, 2))
    # the goal question opens the practices: DOWN from "(skip)" wraps to "yes", DOWN twice to "partly"
    saved, summaries = converse(db_path, ps, START + DOWN + ENTER + REST)
    assert stored(db_path, saved.id).answers["goal_practised"] == "yes"
    assert list(summaries[-1].answers).count("goal_practised") == 1

    saved, _ = converse(db_path, ps, START + DOWN * 2 + ENTER + REST)
    assert stored(db_path, saved.id).answers["goal_practised"] == "partly"

    saved, _ = converse(db_path, ps, START + ENTER + REST)  # Enter skips it, like any optional question
    assert "goal_practised" not in stored(db_path, saved.id).answers


def test_the_log_does_not_ask_once_the_goal_is_done(db_path, ps):
    _goal(db_path, date(2026, 11, 2), ended=date(2026, 11, 14))
    saved, _ = converse(db_path, ps, START + REST)  # the same keys as a journal with no goal
    answers = stored(db_path, saved.id).answers
    assert "goal_practised" not in answers
    assert answers["went_well"] == "We paused together."


def test_scripted_answer_while_a_goal_is_active(run):
    assert run("goal", "set", "Summarise before moving on", "-p", "active_listening", "-d", "2026-11-02").exit_code == 0
    saved = run(
        "log", "-c", "C-1", "-d", "2026-11-20", *set_flags({**FULL_ANSWERS, "goal_practised": "no opportunity"})
    )
    assert saved.exit_code == 0, saved.stderr
    session = json.loads(run("show", saved.stdout.strip(), "-f", "json").stdout)
    assert session["answers"]["goal_practised"] == "no opportunity"

    wrong = run("log", "-c", "C-1", "-d", "2026-11-20", *set_flags({**FULL_ANSWERS, "goal_practised": "maybe"}))
    assert wrong.exit_code == 1 and "goal_practised" in wrong.stderr


def test_scripted_answer_refused_without_an_active_goal(run):
    flags = set_flags({**FULL_ANSWERS, "goal_practised": "yes"})
    assert run("log", "-c", "C-1", "-d", "2026-11-20", *set_flags(FULL_ANSWERS)).exit_code == 0  # the journal exists
    none = run("log", "-c", "C-1", "-d", "2026-11-20", *flags)
    assert none.exit_code == 1
    assert none.stderr.strip() == (
        "alliance: goal_practised: only asked when a learning goal is active (`alliance goal set`)"
    )

    assert run("goal", "set", "Summarise before moving on", "-d", "2026-11-10").exit_code == 0
    before = run("log", "-c", "C-1", "-d", "2026-11-09", *flags)  # a session before the goal was set
    assert before.exit_code == 1 and "only asked when a learning goal is active" in before.stderr
    assert run("log", "-c", "C-1", "-d", "2026-11-10", *flags).exit_code == 0

    assert run("goal", "done", "-d", "2026-11-20").exit_code == 0
    assert run("log", "-c", "C-1", "-d", "2026-11-20", *flags).exit_code == 0  # still active on its last day
    after = run("log", "-c", "C-1", "-d", "2026-11-21", *flags)
    assert after.exit_code == 1 and "only asked when a learning goal is active" in after.stderr
