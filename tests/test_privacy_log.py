"""The privacy guard in `alliance log`: warnings, --strict, and the interactive review."""

from __future__ import annotations

import json
from datetime import date

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from alliance_cli.app.answering import SessionRequest
from alliance_cli.app.log import log_command
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.settings.watchlist import change_watchlist
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, Talk, set_flags

DOWN, ENTER, CLEAR_LINE = "\x1b[B", "\r", "\x15"
RISKY = "She gave me kd@example.com and asked me to call 555-123-4567."


def test_scripted_log_warns_per_answer_and_saves(run):
    result = run(
        "log", "-c", "C-1", *set_flags(FULL_ANSWERS), "-s", f"went_well={RISKY}", "-s", "intention=See 12 Oak Road"
    )
    assert result.exit_code == 0
    assert result.stdout.strip() == "1"
    lines = [line for line in result.stderr.splitlines() if "warning" in line]
    assert lines == [
        "alliance: warning: went_well: may hold an e-mail address and a phone number "
        "(saved anyway; --strict refuses instead)",
        "alliance: warning: intention: may hold a street address (saved anyway; --strict refuses instead)",
    ]
    assert "kd@example.com" not in result.stderr and "555" not in result.stderr


def test_strict_refuses_and_writes_nothing(run, db_path):
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "-s", f"went_well={RISKY}", "--strict")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "alliance: went_well: may hold an e-mail address and a phone number" in result.stderr
    assert "Nothing was saved" in result.stderr
    assert "kd@example.com" not in result.stderr
    with open_journal(db_path) as journal:
        assert journal.list_sessions() == []


def test_strict_lets_a_clean_log_through(run):
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "-s", "went_well=We slowed down.", "--strict")
    assert result.exit_code == 0 and "warning" not in result.stderr


def test_watchlist_words_are_flagged_in_a_log(run):
    change_watchlist(["Marguerite"])
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "-s", "went_well=marguerite laughed", "--strict")
    assert result.exit_code == 1
    assert "went_well: may hold a word from your watch-list" in result.stderr
    assert "marguerite" not in result.stderr.lower()


@pytest.fixture
def ps():
    return load_prompt_set(bundled_prompts_path())


# Keystrokes for the default prompt set, with an answer to "What went well?" in the middle.
BEFORE_WENT_WELL = "7\r8\r6\r8\r5\r" + "\r\r" + ENTER + "\r" + ENTER + "\r" + ENTER * 2 + ENTER * 2 + "n\r"
AFTER_WENT_WELL = "\r" * 5  # feelings, going_on, do_differently, intention, for_supervision skipped


def _interactive(db_path, ps, keys):
    with create_pipe_input() as inp, open_journal(db_path, create=True) as journal:
        inp.send_text(keys)
        request = SessionRequest(client="C-1", day="2026-11-09", modality="video", today=date(2026, 11, 21))
        return log_command(journal, ps, request, Talk(inp, DummyOutput()))


def _went_well(run):
    return json.loads(run("show", "1", "-f", "json").stdout)["answers"].get("went_well")


def test_interactive_review_can_edit_the_answer(run, db_path, ps):
    keys = BEFORE_WENT_WELL + RISKY + "\r" + AFTER_WENT_WELL
    keys += ENTER + CLEAR_LINE + "We agreed on a way to stay in touch.\r" + "y"
    assert _interactive(db_path, ps, keys) is not None
    assert _went_well(run) == "We agreed on a way to stay in touch."


def test_interactive_review_can_redact_the_findings(run, db_path, ps):
    keys = BEFORE_WENT_WELL + RISKY + "\r" + AFTER_WENT_WELL + DOWN + ENTER + "y"
    assert _interactive(db_path, ps, keys) is not None
    assert _went_well(run) == "She gave me [redacted] and asked me to call [redacted]."


def test_interactive_review_can_keep_the_answer(run, db_path, ps):
    keys = BEFORE_WENT_WELL + RISKY + "\r" + AFTER_WENT_WELL + DOWN + DOWN + ENTER + "y"
    assert _interactive(db_path, ps, keys) is not None
    assert _went_well(run) == RISKY
