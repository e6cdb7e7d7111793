"""`alliance log` in a real pseudo-terminal, as a clinician runs it."""

from __future__ import annotations

import io
import os
import signal
import sys
import time
from pathlib import Path

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


# The practices of the default set, by a few words of each question; all skipped with Enter.
PRACTICES = ["follow through", "open questions", "goals and next steps", "agreed boundaries", "say what was hard",
             "values, beliefs", "explore their own thoughts", "what you were doing and why"]  # fmt: skip


def answer_after_went_well(child) -> None:
    """The reflections after "What went well?", skipped, then not for supervision, then save."""
    for prompt in ["What did you feel", "going on between you", "What would you do differently?",
                   "One thing to do in the next session", "bring this session to supervision"]:  # fmt: skip
        answer(child, prompt, "\r")
    answer(child, "Save this session?", "\r")


def answer_ratings(child) -> None:
    for prompt, value in [("Empathy:", "7"), ("Respect:", "8"), ("Genuineness:", "6"),
                          ("Positive regard:", "8"), ("Active listening:", "5")]:  # fmt: skip
        answer(child, prompt, value + "\r")


def answer_rest(child) -> None:
    for prompt in PRACTICES:
        answer(child, prompt, "\r")
    answer(child, "Your read of the client", "\r")  # optional, like the client's own score
    answer(child, "The client's own score", "\r")
    answer(child, "strain or rupture", "n\r")
    answer(child, "What went well?", "We stayed with the silence.\r")
    answer_after_went_well(child)


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


def test_a_terminal_that_hangs_up_twice_still_keeps_the_draft(alliance_exe, subprocess_env, db_path):
    """A closing terminal can send more than one hang-up: the second must not break into the
    handling of the first (no traceback, no hang, exit 130, the draft kept)."""
    child = spawn(alliance_exe, subprocess_env)
    start(child, "C-022")
    answer(child, "Empathy:", "6\r")
    child.expect_exact("Respect:")
    child.kill(signal.SIGHUP)
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130 and "Traceback" not in (child.before or "")
    with open_journal(db_path) as journal:
        assert journal.latest_draft().state["answers"] == {"empathy": 6}


def test_sigterm_during_an_edit_keeps_its_draft(alliance_exe, subprocess_env, db_path, run):
    assert run("log", "-c", "C-021", *set_flags(FULL_ANSWERS)).exit_code == 0
    env = dict(subprocess_env, TERM="xterm", COLUMNS="100", LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "edit", "1"], env=env, encoding="utf-8", timeout=TIMEOUT,
        dimensions=(40, 100),
    )  # fmt: skip
    start(child, "")  # Enter keeps the saved client, date and modality
    answer(child, "Empathy:", "\x7f3\r")
    child.expect_exact("Respect:")  # the moment behind a rating at the end comes after all five
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


# -- text written in $EDITOR (`:e`) -------------------------------------------------------------

WRITTEN = "Half a thought,\nstill going."


def editor_env(subprocess_env, tmp_path):
    """An $EDITOR that writes WRITTEN, says so in a marker file and keeps running; TMPDIR is
    a folder of the test's own, to show nothing is left there."""
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf \'{WRITTEN}\' > "$1"\necho "$1" > "$MARK"\nexec sleep 60\n')
    editor.chmod(0o700)
    (tmp_path / "tmp").mkdir()
    return dict(subprocess_env, EDITOR=str(editor), MARK=str(tmp_path / "mark"), TMPDIR=str(tmp_path / "tmp"))


def open_the_editor_at_went_well(child, tmp_path) -> str:
    start(child, "C-014")
    answer_ratings(child)
    for prompt in PRACTICES:
        answer(child, prompt, "\r")
    answer(child, "Your read of the client", "\r")
    answer(child, "The client's own score", "\r")
    answer(child, "strain or rupture", "n\r")
    answer(child, "What went well?", ":e\r")
    mark = tmp_path / "mark"
    for _ in range(200):
        if mark.exists() and mark.read_text().strip():
            return mark.read_text().strip()
        time.sleep(0.05)
    raise AssertionError("the editor did not start")


def resume_and_save_the_written_text(env, alliance_exe, db_path):
    """`log --resume` asks "What went well?" again, starting from the text; Enter keeps it."""
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "log", "--resume"], env=dict(env, TERM="xterm", COLUMNS="100",
        LINES="40", PROMPT_TOOLKIT_NO_CPR="1"), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 100),
    )  # fmt: skip
    child.expect_exact("What went well?")
    child.expect_exact("Half a thought,")
    child.send("\r")
    answer_after_went_well(child)
    child.expect_exact("Saved session 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with open_journal(db_path) as journal:
        assert journal.get_session(1).answers["went_well"] == WRITTEN
        assert journal.latest_draft() is None


def nothing_left_behind(db_path, tmp_path):
    assert list((tmp_path / "tmp").iterdir()) == []
    assert not (db_path.parent / f".{db_path.name}-editor").exists()


@pytest.mark.parametrize("stop", ["ctrl-c", "closed terminal"])
def test_text_written_in_the_editor_is_kept_when_the_log_is_stopped(
    stop, alliance_exe, subprocess_env, db_path, tmp_path
):
    env = editor_env(subprocess_env, tmp_path)
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "log"], env=dict(env, TERM="xterm", COLUMNS="100", LINES="40",
        PROMPT_TOOLKIT_NO_CPR="1"), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 100),
    )  # fmt: skip
    written_to = open_the_editor_at_went_well(child, tmp_path)
    assert written_to.startswith(str(db_path.parent / f".{db_path.name}-editor"))  # the journal's private folder
    if stop == "ctrl-c":
        child.sendcontrol("c")
        child.expect_exact("alliance log --resume")
    else:
        os.killpg(child.pid, signal.SIGHUP)  # the terminal's hang-up reaches alliance and the editor
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with open_journal(db_path) as journal:
        draft = journal.latest_draft()
    assert draft.state["answers"]["went_well"] == WRITTEN
    assert "went_well" not in draft.state["asked"]  # asked again on resuming, starting from the text
    nothing_left_behind(db_path, tmp_path)
    resume_and_save_the_written_text(env, alliance_exe, db_path)


def test_text_written_in_the_editor_survives_kill_9_and_the_next_log_takes_it(
    alliance_exe, subprocess_env, db_path, tmp_path, run
):
    env = editor_env(subprocess_env, tmp_path)
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "log"], env=dict(env, TERM="xterm", COLUMNS="100", LINES="40",
        PROMPT_TOOLKIT_NO_CPR="1"), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 100),
    )  # fmt: skip
    written_to = Path(open_the_editor_at_went_well(child, tmp_path))
    os.killpg(child.pid, signal.SIGKILL)  # alliance and the editor, with no chance to clean up
    child.expect(pexpect.EOF)
    child.close()
    assert written_to.read_text() == WRITTEN and written_to.stat().st_mode & 0o777 == 0o600
    assert written_to.parent.stat().st_mode & 0o777 == 0o700
    assert list((tmp_path / "tmp").iterdir()) == []

    doctor = run("doctor")
    assert f"Text written in your editor by a log or edit that was stopped is kept in {written_to}" in doctor.stdout
    assert written_to.exists()  # doctor only reads

    resume_and_save_the_written_text(env, alliance_exe, db_path)
    nothing_left_behind(db_path, tmp_path)


# -- the log as a form, on the small prompt set of tests/data/form_prompts.yaml ------------------

FORM = Path(__file__).parent / "data" / "form_prompts.yaml"


def form_env(subprocess_env):
    return dict(
        subprocess_env, ALLIANCE_PROMPTS=str(FORM), TERM="xterm", COLUMNS="100", LINES="40", PROMPT_TOOLKIT_NO_CPR="1"
    )


def spawn_form(alliance_exe, subprocess_env):
    return pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "log"], env=form_env(subprocess_env), encoding="utf-8", timeout=TIMEOUT,
        dimensions=(40, 100),
    )  # fmt: skip


def through_the_form(child) -> None:
    """The small form's questions after the start, answered plainly (only the rating typed)."""
    answer(child, "Empathy:", "7\r")
    for prompt, keys in [("say what was hard?", "\r"), ("open questions", "\r"), ("strain or rupture", "n\r"),
                         ("What went well?", "\r")]:  # fmt: skip
        answer(child, prompt, keys)


def test_the_form_shows_headings_goes_back_and_changes_an_answer_at_the_end(alliance_exe, subprocess_env, db_path):
    child = spawn_form(alliance_exe, subprocess_env)
    child.expect_exact("Your journal is at")
    start(child, "C-014")
    child.expect_exact("Ratings")
    child.expect_exact("1 of 5")
    answer(child, "Empathy:", "7\r")
    child.expect_exact("Practices")
    child.expect_exact("2 of 5")
    answer(child, "say what was hard?", "<")  # back to empathy, which starts from 7
    child.expect_exact("Ratings")
    answer(child, "Empathy:", "\x7f9\r")
    answer(child, "say what was hard?", "y\r")
    answer(child, "open questions", "\r")
    child.expect_exact("Rupture and repair")
    answer(child, "strain or rupture", "n\r")
    child.expect_exact("Reflection")
    answer(child, "What went well?", "Steady.\r")
    child.expect_exact("Went well")  # the summary's short label
    answer(child, "Save this session?", "c\r")  # change an answer
    answer(child, "Which answer do you want to change?", "Went\r")
    answer(child, "What went well?", "\x7f" * 7 + "Calm.\r")
    answer(child, "Save this session?", "\r")
    child.expect_exact("Saved session 1")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    with open_journal(db_path) as journal:
        answers = journal.get_session(1).answers
    assert answers == {"empathy": 9, "felt_safe": "yes", "rupture": False, "went_well": "Calm."}


@pytest.mark.parametrize(("key", "said", "code"), [("k", "kept as a draft", 1), ("d", "Discarded", 0)])
def test_the_end_of_the_form_keeps_a_draft_or_discards_it(alliance_exe, subprocess_env, db_path, key, said, code):
    child = spawn_form(alliance_exe, subprocess_env)
    start(child, "C-014")
    through_the_form(child)
    answer(child, "Save this session?", key + "\r")
    child.expect_exact(said)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code
    with open_journal(db_path) as journal:
        assert journal.list_sessions() == []
        draft = journal.latest_draft()
    assert (draft is not None) == (key == "k")


def test_the_session_id_is_all_that_command_substitution_captures(alliance_exe, subprocess_env, db_path):
    """`id=$(alliance log)`: the questions, the recap and the summary are on the terminal,
    stdout carries only the new session's id."""
    import shlex

    script = f'id=$({shlex.join(alliance_exe)} log); echo "ID=[$id]"'
    child = pexpect.spawn(
        "sh", ["-c", script], env=form_env(subprocess_env), encoding="utf-8", timeout=TIMEOUT, dimensions=(40, 100)
    )
    start(child, "C-014")
    through_the_form(child)
    child.expect_exact("Summary")  # shown on the terminal, not captured
    answer(child, "Save this session?", "\r")
    child.expect_exact("ID=[1]")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
