"""alliance edit: scripted changes, the interactive re-ask, drafts and interrupts."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from alliance_cli.app.answering import SessionRequest
from alliance_cli.app.edit import edit_command
from alliance_cli.errors import InputError, Interrupted
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, Talk, set_flags

TODAY = date(2026, 11, 20)
RICH = {**FULL_ANSWERS, "goals_together": "together", "felt_safe": "yes", "went_well": "We laughed about the rain."}


def shown(run, session_id: int = 1) -> dict:
    result = run("show", str(session_id), "-f", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def logged(run, answers=FULL_ANSWERS, client="C-1", day="2026-11-02") -> None:
    result = run("log", "-c", client, "-d", day, *set_flags(answers))
    assert result.exit_code == 0, result.stderr


def test_scripted_edit_changes_answers_and_keeps_identity(run):
    logged(run, RICH)
    before = shown(run)
    result = run("edit", "1", "--set", "empathy=4", "--set", "went_well=We named the silence.")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "1"
    assert "Saved changes to session 1." in result.stderr
    after = shown(run)
    assert (after["session_id"], after["uuid"], after["logged_at"]) == (
        before["session_id"],
        before["uuid"],
        before["logged_at"],
    )
    assert before["edited_at"] is None and after["edited_at"]
    assert after["answers"]["empathy"] == 4
    assert after["answers"]["went_well"] == "We named the silence."
    assert after["answers"]["respect"] == before["answers"]["respect"]


def test_edit_moves_a_session_to_another_date_and_client(run):
    logged(run, client="C-1", day="2026-11-02")
    logged(run, client="C-2", day="2026-11-09")
    result = run("edit", "1", "--client", "C-2", "--date", "2026-11-16", "--modality", "video")
    assert result.exit_code == 0, result.stderr
    data = shown(run)
    assert (data["client"], data["date"], data["modality"], data["session_number"]) == ("C-2", "2026-11-16", "video", 2)


def test_edit_from_answers_file(run, tmp_path):
    logged(run)
    changes = tmp_path / "changes.yaml"
    changes.write_text("date: 2026-11-03\nanswers:\n  respect: 3\n  respect_moment: I interrupted her twice.\n")
    result = run("edit", "1", "--answers", str(changes))
    assert result.exit_code == 0, result.stderr
    data = shown(run)
    assert data["date"] == "2026-11-03"
    assert data["answers"]["respect_moment"] == "I interrupted her twice."


def test_edit_with_the_same_values_changes_nothing(run):
    logged(run)
    result = run("edit", "1", "--set", "empathy=7")
    assert result.exit_code == 0
    assert "Nothing changed in session 1." in result.stderr
    assert shown(run)["edited_at"] is None


def test_edit_of_unknown_session_is_refused(run):
    logged(run)
    result = run("edit", "9", "--set", "empathy=5")
    assert result.exit_code == 1
    assert result.stderr.strip() == "alliance: No session with id 9; `alliance list` shows the ids."
    assert result.stdout == ""


def test_bad_edit_lists_every_problem_and_writes_nothing(run):
    logged(run)
    before = shown(run)
    result = run("edit", "1", "-d", "2999-01-01", "-c", "Maria", "--set", "empathy=11", "--set", "nonsense=1")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert any(line.startswith("alliance: date: 2999-01-01 is in the future") for line in lines)
    assert any(line.startswith("alliance: client: That client code looks like it could be a name") for line in lines)
    assert not any("Maria" in line for line in lines)
    assert "alliance: empathy: expected a whole number from 0 to 10" in lines
    assert "alliance: nonsense: not a prompt in this prompt set (see `alliance prompts show`)" in lines
    assert shown(run) == before


def test_answers_that_no_longer_apply_must_be_removed_explicitly(run):
    logged(run, {**FULL_ANSWERS, "rupture": "yes", "rupture_kind": "withdrawal", "repair_tried": "I named it."})
    result = run("edit", "1", "--set", "rupture=no")
    assert result.exit_code == 1
    assert "alliance: rupture_kind: only asked when rupture is yes" in result.stderr
    assert "give it empty: --set rupture_kind=" in result.stderr
    assert shown(run)["answers"]["rupture"] is True
    result = run("edit", "1", "--set", "rupture=no", "--set", "rupture_kind=", "--set", "repair_tried=")
    assert result.exit_code == 0, result.stderr
    answers = shown(run)["answers"]
    assert answers["rupture"] is False and "rupture_kind" not in answers and "repair_tried" not in answers


def test_edit_without_changes_or_terminal_says_what_to_give(run):
    logged(run)
    result = run("edit", "1", input="")
    assert result.exit_code == 1
    assert "Nothing to change: give --set PROMPT_ID=VALUE" in result.stderr


def test_edit_checks_against_the_prompt_set_the_session_was_logged_with(run, tmp_path):
    custom = tmp_path / "mine.yaml"
    custom.write_text(
        "version: 3\n"
        "principles:\n"
        "  - {id: empathy, title: Empathy, description: Feeling with the client., tips: [Slow down.]}\n"
        "prompts:\n"
        "  - {id: empathy, kind: rating, principle: empathy, required: true, text: Empathy?, min: 1, max: 5}\n"
        "  - {id: note, kind: text, text: A note}\n"
    )
    assert run("log", "-c", "C-1", "--prompts", str(custom), "--set", "empathy=4").exit_code == 0
    assert run("edit", "1", "--set", "note=Shorter today.").exit_code == 0
    result = run("edit", "1", "--set", "empathy=9")
    assert result.exit_code == 1
    assert "alliance: empathy: expected a whole number from 1 to 5" in result.stderr


# -- interactive ------------------------------------------------------------------------------

ENTER = "\r"
BACKSPACE = "\x7f"
DOWN = "\x1b[B"
KEEP_SESSION_FIELDS = ENTER * 3  # client, date, modality
# With RICH saved, after the five ratings: eight practices, your read and the client's score
# (both optional), rupture, five reflections and the supervision question.
KEEP_PRACTICES_AND_RUPTURE = ENTER * 11
KEEP_REFLECTIONS = ENTER * 6
SAVE = ENTER


def interactive_edit(db_path: Path, keys: str, **kwargs):
    with open_journal(db_path) as journal, create_pipe_input() as pipe:
        pipe.send_text(keys)
        request = SessionRequest(resume=kwargs.pop("resume", False), today=TODAY, **kwargs)
        return edit_command(journal, 1, request, Talk(pipe, DummyOutput()))


def drafts(db_path: Path) -> list[tuple]:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT command, session_id FROM drafts").fetchall()


def test_interactive_edit_starts_from_the_saved_answers(run, db_path):
    logged(run, RICH)
    keys = (
        KEEP_SESSION_FIELDS
        + BACKSPACE + "3" + ENTER  # empathy
        + ENTER * 4  # the other ratings kept
        + "Lost the thread." + ENTER  # the moment behind the one rating at an end
        + ENTER * 2 + DOWN * 4 + ENTER + ENTER * 8  # goals_together moved to (skip)
        + BACKSPACE * 40 + "Rain again." + ENTER + ENTER * 5  # went_well rewritten
        + SAVE
    )  # fmt: skip
    result = interactive_edit(db_path, keys)
    assert result is not None and result.changed
    answers = shown(run)["answers"]
    assert answers["empathy"] == 3 and answers["empathy_moment"] == "Lost the thread."
    assert answers["respect"] == 8 and answers["felt_safe"] == "yes"
    assert "goals_together" not in answers
    assert answers["went_well"] == "Rain again."
    assert drafts(db_path) == []


def test_enter_through_an_interactive_edit_keeps_the_session_as_it_was(run, db_path):
    logged(run, FULL_ANSWERS)  # the optional choices were left unanswered
    before = shown(run)
    result = interactive_edit(
        db_path, KEEP_SESSION_FIELDS + ENTER * 5 + KEEP_PRACTICES_AND_RUPTURE + KEEP_REFLECTIONS + SAVE
    )
    assert result is not None and not result.changed
    assert shown(run) == before
    assert drafts(db_path) == []


def test_interrupted_edit_keeps_a_draft_and_the_session_unchanged(run, db_path):
    logged(run, RICH)
    before = shown(run)
    with pytest.raises(Interrupted) as stopped:
        interactive_edit(db_path, KEEP_SESSION_FIELDS + BACKSPACE + "6" + ENTER + "\x03")
    assert "alliance edit 1 --resume" in stopped.value.message
    assert shown(run) == before
    assert drafts(db_path) == [("edit", 1)]
    # Resuming carries on at respect, the question that was interrupted.
    keys = BACKSPACE + "2" + ENTER + ENTER * 3 + "Rushed." + ENTER + KEEP_PRACTICES_AND_RUPTURE + KEEP_REFLECTIONS
    result = interactive_edit(db_path, keys + SAVE, resume=True)
    assert result is not None and result.changed
    answers = shown(run)["answers"]
    assert (answers["empathy"], answers["respect"], answers["respect_moment"]) == (6, 2, "Rushed.")
    assert answers["went_well"] == RICH["went_well"]
    assert drafts(db_path) == []


def test_resume_without_a_draft_is_refused(run, db_path):
    logged(run)
    with pytest.raises(InputError, match="There is no unfinished edit of session 1 to resume."):
        interactive_edit(db_path, "", resume=True)
    assert drafts(db_path) == []


def test_edit_runs_the_privacy_guard_on_changed_text(run):
    logged(run)
    risky = "She gave me her number, 555-123-4567."
    warned = run("edit", "1", "--set", f"went_well={risky}")
    assert warned.exit_code == 0
    assert "alliance: warning: went_well: may hold a phone number" in warned.stderr
    assert "555" not in warned.stderr
    refused = run("edit", "1", "--set", "do_differently=Call 555-987-6543 back", "--strict")
    assert refused.exit_code == 1
    assert "do_differently: may hold a phone number" in refused.stderr
    assert "do_differently" not in shown(run)["answers"]
    # Changing something else does not warn again about text already saved.
    assert "warning" not in run("edit", "1", "--set", "empathy=3").stderr


def test_an_edit_draft_older_than_the_saved_session_is_not_resumed(run, db_path):
    logged(run, RICH)
    with pytest.raises(Interrupted):
        interactive_edit(db_path, KEEP_SESSION_FIELDS + BACKSPACE + "6" + ENTER + "\x03")
    changed = run("edit", "1", "--set", "respect=2")  # saved after the draft began
    assert changed.exit_code == 0
    assert "an unfinished edit of session 1 is waiting" in changed.stderr
    with pytest.raises(InputError, match="was changed after this unfinished edit began"):
        interactive_edit(db_path, "", resume=True)
    assert drafts(db_path) == []
    assert shown(run)["answers"]["respect"] == 2  # the later change stands


def test_interactive_edit_does_not_ask_about_text_already_kept(run, db_path):
    risky = "Call 555-123-4567 next week."
    logged(run, {**RICH, "went_well": risky})  # kept with a warning when it was logged
    keys = KEEP_SESSION_FIELDS + ENTER * 5 + KEEP_PRACTICES_AND_RUPTURE + KEEP_REFLECTIONS + SAVE
    result = interactive_edit(db_path, keys)  # no privacy question comes up: Enter all the way
    assert result is not None and not result.changed
    assert shown(run)["answers"]["went_well"] == risky


# -- what an edit replaces leaves no trace --------------------------------------------------

WORD = "Xanthoporphyry"


def journal_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))


@pytest.mark.parametrize("how", ["changed", "removed"])
def test_edit_overwrites_the_replaced_words_in_the_journal_and_its_log(run, db_path, how):
    logged(run, {**RICH, "went_well": f"We spoke of {WORD} at length.", "intention": f"Ask about {WORD}."})
    logged(run, RICH, day="2026-11-09")
    assert WORD.encode() in journal_bytes(db_path)  # the test can see the word when it is there
    change = ["--set", "went_well=We spoke of the weather."] if how == "changed" else ["--set", "went_well="]
    result = run("edit", "1", *change, "--set", "intention=")
    assert result.exit_code == 0, result.stderr
    data = journal_bytes(db_path)
    for word in (WORD, WORD.lower()):
        assert word.encode() not in data, word
    assert run("search", WORD.lower(), "-f", "json").stdout.strip() == "[]"
    backup = run("backup", str(db_path.parent.parent / "after-edit.db"))
    assert backup.exit_code == 0, backup.stderr
    assert WORD.lower().encode() not in Path(backup.stdout.strip()).read_bytes()  # nor do later backups
    assert "went_well" in shown(run)["answers"] if how == "changed" else "went_well" not in shown(run)["answers"]


def test_edit_while_another_terminal_reads_says_the_log_is_cleared_later(run, db_path):
    logged(run, {**RICH, "went_well": f"We spoke of {WORD}."})
    with sqlite3.connect(db_path) as other:  # idle, but open
        other.execute("SELECT COUNT(*) FROM sessions").fetchone()
        other.execute("BEGIN")
        other.execute("SELECT COUNT(*) FROM answers").fetchone()  # a read in progress holds the log
        result = run("edit", "1", "--set", "went_well=We spoke of the weather.")
        other.execute("COMMIT")
    assert result.exit_code == 0, result.stderr
    assert "when it closes, the journal's log file is cleared too" in result.stderr
    result = run("edit", "1", "--set", "empathy=3")  # no text replaced: nothing to clear, nothing said
    assert result.exit_code == 0 and "log file" not in result.stderr


def test_an_edit_that_keeps_the_text_does_not_rewrite_the_index(db_path, run):
    logged(run, RICH)
    with open_journal(db_path) as journal:
        from alliance_cli.store.sessions import update_session

        session = journal.get_session(1)
        assert session is not None
        kinds = {pid: k for pid, k in journal.conn.execute("SELECT prompt_id, kind FROM answers WHERE session_id = 1")}
        same = update_session(
            journal, 1, client="C-1", day=date(2026, 11, 2), modality="video", answers=session.answers, kinds=kinds
        )
        changed = update_session(
            journal,
            1,
            client="C-1",
            day=date(2026, 11, 2),
            modality="video",
            answers={**session.answers, "went_well": "Other words."},
            kinds=kinds,
        )
    assert not same.scrubbed and changed.scrubbed and changed.log_cleared
