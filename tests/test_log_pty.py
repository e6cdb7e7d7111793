"""`alliance log` in a real pseudo-terminal, as a clinician runs it."""

from __future__ import annotations

import io
import signal
import sys

import pexpect
import pytest

from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only")
TIMEOUT = 30


def spawn(alliance_exe, subprocess_env, *args):
    # pexpect is no terminal emulator: it never answers prompt_toolkit's cursor-position
    # request, which a real terminal does at once; without this each question waits for it.
    env = dict(subprocess_env, TERM="xterm", COLUMNS="100", LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    return pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "log", *args], env=env, encoding="utf-8", timeout=TIMEOUT,
        dimensions=(40, 100),
    )  # fmt: skip


def answer(child, prompt: str, keys: str) -> None:
    child.expect_exact(prompt)
    child.send(keys)


def start(child, code: str) -> None:
    """Client code, then today and the default modality."""
    answer(child, "Client code", code + "\r")
    answer(child, "Session date:", "\r")
    answer(child, "Modality:", "\r")


def answer_ratings(child) -> None:
    for prompt, value in [("Empathy:", "7"), ("Respect:", "8"), ("Genuineness:", "6"),
                          ("Positive regard:", "8"), ("Active listening:", "5")]:  # fmt: skip
        answer(child, prompt, value + "\r")


def answer_rest(child) -> None:
    for prompt in ["follow through", "open questions", "goals and next steps", "agreed boundaries",
                   "say what was hard", "values, beliefs"]:  # fmt: skip
        answer(child, prompt, "\r")
    answer(child, "Your read of the client", "\r")  # optional, like the client's own score
    answer(child, "The client's own score", "\r")
    answer(child, "strain or rupture", "n\r")
    answer(child, "What went well?", "We stayed with the silence.\r")
    answer(child, "What would you do differently?", "\r")
    answer(child, "One thing to do in the next session", "\r")
    answer(child, "Save this session?", "\r")


def test_log_in_a_terminal_saves_the_session(alliance_exe, subprocess_env, db_path):
    child = spawn(alliance_exe, subprocess_env)
    start(child, "C-014")
    answer_ratings(child)
    answer_rest(child)
    child.expect_exact("Saved session 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with open_journal(db_path) as journal:
        session = journal.get_session(1)
    assert session.client == "C-014"
    assert session.answers["went_well"] == "We stayed with the silence."
    assert session.answers["active_listening"] == 5


def test_ctrl_c_keeps_a_draft_and_the_next_log_offers_it(alliance_exe, subprocess_env, db_path):
    child = spawn(alliance_exe, subprocess_env)
    start(child, "C-014")
    answer(child, "Empathy:", "7\r")
    child.expect_exact("Respect:")
    child.sendcontrol("c")
    child.expect_exact("alliance log --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with open_journal(db_path) as journal:
        assert journal.list_sessions() == []
        assert journal.latest_draft().state["answers"] == {"empathy": 7}

    child = spawn(alliance_exe, subprocess_env)
    answer(child, "You have an unfinished log: C-014, 1 answer", "\r")  # "Resume it"
    for prompt, value in [("Respect:", "8"), ("Genuineness:", "6"), ("Positive regard:", "8"),
                          ("Active listening:", "5")]:  # fmt: skip
        answer(child, prompt, value + "\r")
    answer_rest(child)
    child.expect_exact("Saved session 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with open_journal(db_path) as journal:
        assert journal.get_session(1).answers["empathy"] == 7
        assert journal.latest_draft() is None


def test_closed_terminal_keeps_the_draft(alliance_exe, subprocess_env, db_path):
    child = spawn(alliance_exe, subprocess_env)
    start(child, "C-021")
    answer(child, "Empathy:", "4\r")
    child.expect_exact("Respect:")
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with open_journal(db_path) as journal:
        draft = journal.latest_draft()
    assert draft.state["client"] == "C-021" and draft.state["answers"] == {"empathy": 4}


def test_sigterm_during_an_edit_keeps_its_draft(alliance_exe, subprocess_env, db_path, run):
    assert run("log", "-c", "C-021", *set_flags(FULL_ANSWERS)).exit_code == 0
    env = dict(subprocess_env, TERM="xterm", COLUMNS="100", LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "edit", "1"], env=env, encoding="utf-8", timeout=TIMEOUT,
        dimensions=(40, 100),
    )  # fmt: skip
    start(child, "")  # Enter keeps the saved client, date and modality
    answer(child, "Empathy:", "\x7f3\r")
    child.expect_exact("stands behind your empathy rating")  # a rating at the end asks for its moment
    child.kill(signal.SIGTERM)
    child.expect_exact("alliance edit 1 --resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with open_journal(db_path) as journal:
        draft = journal.latest_draft("edit", 1)
        assert journal.get_session(1).answers["empathy"] == 7
    assert draft.state["answers"]["empathy"] == 3


def test_watchlist_add_in_a_terminal_reads_one_word_a_line_until_an_empty_line(alliance_exe, subprocess_env):
    env = dict(subprocess_env, TERM="xterm")
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "watchlist", "add"], env=env, encoding="utf-8", timeout=TIMEOUT
    )
    seen = child.logfile_read = io.StringIO()
    for word in ("Marguerite", "Okonkwo", "Lisbeth"):
        answer(child, "Word: ", word + "\r")
    answer(child, "Word: ", "\r")
    child.expect_exact("3 words added; 3 on your watch-list.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Marguerite" not in seen.getvalue()  # typed words are not shown
