"""The files behind `:e`: in the journal's private folder, their text always reaching a draft."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_cli.app.editing import EDITOR_FILE_KEY, editor_folder, orphaned, rescue_editor_files
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags
from test_log_interactive import CLIENT_VIEW_AND_SCORE, ENTER, START, converse, stored

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process ids are probed the POSIX way")


def gone_pid() -> int:
    """The id of a process that has ended."""
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def leave(db_path: Path, prompt_id: str, text: str, pid: int, token: str = "0badc0de") -> Path:
    """An `:e` file as a killed alliance leaves it."""
    folder = editor_folder(db_path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"{prompt_id}.{pid}.{token}.txt"
    path.write_text(text)
    return path


def test_an_orphan_goes_into_the_edit_draft_that_named_it(run, db_path):
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    path = leave(db_path, "went_well", "Written before the crash.\n", gone_pid())
    swap = path.with_name(f".{path.name}.swp")  # what an editor left beside it
    swap.write_text("x")
    with open_journal(db_path) as journal:
        journal.save_draft(
            None,
            {"client": "C-1", "answers": {"went_well": "older"}, "asked": [":client", "went_well"],
             EDITOR_FILE_KEY: path.name},
            command="edit", session_id=1,
        )  # fmt: skip
    result = run("edit", "1", "-s", "empathy=3")  # any run of edit (or log) picks it up first
    assert result.exit_code == 0, result.stderr
    assert (
        "alliance: note: text written in your editor before alliance stopped is kept in an unfinished edit of "
        "session 1; `alliance edit 1 --resume` picks it up." in result.stderr
    )
    assert not editor_folder(db_path).exists()
    with open_journal(db_path) as journal:
        state = journal.latest_draft("edit", 1).state
    assert state["answers"]["went_well"] == "Written before the crash."
    assert state["asked"] == [":client"] and EDITOR_FILE_KEY not in state


def test_an_orphan_whose_draft_is_gone_becomes_an_unfinished_log(db_path):
    leave(db_path, "went_well", "Never lost.", gone_pid())
    with open_journal(db_path, create=True) as journal:
        assert rescue_editor_files(journal) == [("log", None)]
        draft = journal.latest_draft()
    assert draft.state == {"answers": {"went_well": "Never lost."}, "asked": []}
    assert not editor_folder(db_path).exists()


def test_a_file_of_a_log_still_running_is_left_alone(db_path, run):
    with subprocess.Popen(["sleep", "30"]) as alive:
        try:
            path = leave(db_path, "went_well", "Still typing.", alive.pid)
            with open_journal(db_path, create=True) as journal:
                assert rescue_editor_files(journal) == []
                assert journal.latest_draft() is None
            assert path.exists() and orphaned(db_path) == []
            assert "Text written in your editor" not in run("doctor").stdout
        finally:
            alive.kill()


def test_an_empty_orphan_is_removed_without_a_draft(db_path):
    leave(db_path, "went_well", "  \n", gone_pid())
    with open_journal(db_path, create=True) as journal:
        assert rescue_editor_files(journal) == []
        assert journal.latest_draft() is None
    assert not editor_folder(db_path).exists()


def test_a_failing_editor_gives_nothing_and_leaves_no_file(db_path, tmp_path, monkeypatch):
    editor = tmp_path / "fail.sh"
    editor.write_text('#!/bin/sh\nprintf "Abandoned." > "$1"\nexit 3\n')
    editor.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(editor))
    ps = load_prompt_set(bundled_prompts_path())
    keys = START + ENTER * 8 + CLIENT_VIEW_AND_SCORE + "n\r" + ":e\r" + "\x7f\x7fTyped.\r" + ENTER * 6
    saved, _ = converse(db_path, ps, keys)
    assert stored(db_path, saved.id).answers["went_well"] == "Typed."
    assert not editor_folder(db_path).exists()


def test_an_answer_written_in_the_editor_leaves_no_file_or_folder(db_path, tmp_path, monkeypatch):
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "Private." > "$1"\necho "$1" > {tmp_path / "mark"}\n')
    editor.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "nowhere"))  # never used
    saved, _ = converse(
        db_path,
        load_prompt_set(bundled_prompts_path()),
        START + ENTER * 8 + CLIENT_VIEW_AND_SCORE + "n\r:e\r" + ENTER * 6,
    )
    assert stored(db_path, saved.id).answers["went_well"] == "Private."
    assert Path((tmp_path / "mark").read_text().strip()).parent == editor_folder(db_path)
    assert not editor_folder(db_path).exists()
    assert set(os.listdir(db_path.parent)) <= {"journal.db", "journal.db-wal", "journal.db-shm"}


def test_an_encrypted_journal_s_editor_file_lives_in_the_session_s_runtime_folder(
    db_path, tmp_path, monkeypatch, run, unlocked
):

    runtime = tmp_path / "run-user"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    assert run("encrypt").exit_code == 0
    editor = tmp_path / "editor.sh"
    editor.write_text(f'#!/bin/sh\nprintf "Private." > "$1"\necho "$1" > {tmp_path / "mark"}\n')
    editor.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(editor))
    saved, _ = converse(
        db_path,
        load_prompt_set(bundled_prompts_path()),
        START + ENTER * 8 + CLIENT_VIEW_AND_SCORE + "n\r:e\r" + ENTER * 6,
    )
    written_to = Path((tmp_path / "mark").read_text().strip())
    assert written_to.parent == editor_folder(db_path) and runtime in written_to.parents  # in memory, not on disk
    assert not written_to.exists() and not written_to.parent.exists()  # removed when the editor returned
    assert set(os.listdir(db_path.parent)) <= {"journal.db", "journal.db-wal", "journal.db-shm"}
    # a file a killed run left there is found there, and goes into a draft
    leave(db_path, "went_well", "Written before the crash.", gone_pid())
    assert [f.path.parent for f in orphaned(db_path)] == [editor_folder(db_path)]
    with open_journal(db_path) as journal:
        assert rescue_editor_files(journal) == [("log", None)]
    assert not editor_folder(db_path).exists()
    # without a private runtime folder, the folder beside the journal, as for a plain journal
    runtime.chmod(0o755)
    assert editor_folder(db_path) == db_path.parent / f".{db_path.name}-editor"
