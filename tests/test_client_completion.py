"""The client question completes the journal's codes, read at the first key typed rather
than before the question is drawn (`app.log.ClientCodes`), in a real pseudo-terminal."""

from __future__ import annotations

import sys
import time

import pexpect
import pytest

from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX-only")


def test_tab_completes_a_code_of_the_journal(alliance_exe, subprocess_env, db_path, run):
    for code in ("C-014", "C-027"):
        assert run("log", "-c", code, *set_flags(FULL_ANSWERS)).exit_code == 0
    env = dict(subprocess_env, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "log"], env=env, encoding="utf-8", timeout=30, dimensions=(40, 100)
    )
    try:
        child.expect_exact("Tab completes")  # the hint says there are codes to complete
        child.send("c-02")
        time.sleep(0.5)  # pacing, as a person types: the completion is computed between keys
        child.send("\t")
        time.sleep(0.3)
        child.send("\r")
        child.expect_exact("Session date:")  # the client's answer is kept as a draft by now
    finally:
        child.kill(9)
        child.close(force=True)
    with open_journal(db_path) as journal:
        draft = journal.latest_draft()
    assert draft is not None and draft.state["client"] == "C-027"


def test_a_first_log_offers_a_new_code_instead(alliance_exe, subprocess_env, db_path):
    env = dict(subprocess_env, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "log"], env=env, encoding="utf-8", timeout=30, dimensions=(40, 100)
    )
    try:
        child.expect_exact("Client code (+ makes a random code)")
        child.send("+\r")
        child.expect_exact("New client code: C-")
    finally:
        child.kill(9)
        child.close(force=True)
