"""The journal file: its schema, atomic writes, and files it must refuse to touch."""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from alliance_cli.app.log import new_session
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store import journal as store
from alliance_cli.store import migrations
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags


@pytest.fixture
def ps():
    return load_prompt_set(bundled_prompts_path())


def columns(db: Path, table: str) -> list[tuple[str, str, int, int]]:
    with sqlite3.connect(db) as conn:
        return [(r[1], r[2], r[3], r[5]) for r in conn.execute(f"PRAGMA table_info({table})")]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_fresh_journal_has_exactly_these_columns(db_path):
    open_journal(db_path, create=True).close()
    assert columns(db_path, "sessions") == [
        ("id", "INTEGER", 0, 1),
        ("uuid", "TEXT", 1, 0),
        ("client", "TEXT", 1, 0),
        ("date", "TEXT", 1, 0),
        ("modality", "TEXT", 1, 0),
        ("logged_at", "TEXT", 1, 0),
        ("edited_at", "TEXT", 0, 0),
        ("prompt_set_id", "INTEGER", 1, 0),
    ]
    assert columns(db_path, "answers") == [
        ("session_id", "INTEGER", 1, 1),
        ("prompt_id", "TEXT", 1, 2),
        ("kind", "TEXT", 1, 0),
        ("value_num", "NUMERIC", 0, 0),
        ("value_text", "TEXT", 0, 0),
    ]
    assert columns(db_path, "prompt_sets") == [
        ("id", "INTEGER", 0, 1),
        ("version", "INTEGER", 1, 0),
        ("digest", "TEXT", 1, 0),
        ("snapshot", "TEXT", 1, 0),
        ("first_used", "TEXT", 1, 0),
    ]
    assert [c[0] for c in columns(db_path, "drafts")] == [
        "id", "command", "session_id", "state", "created_at", "updated_at",
    ]  # fmt: skip
    with sqlite3.connect(db_path) as conn:
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY id")]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert applied == list(migrations.NAMES)
    assert mode == "wal"
    assert {"sessions_date", "sessions_client_date", "answers_prompt"} <= indexes


def test_session_and_answers_are_written_all_or_nothing(db_path, ps):
    session = new_session(ps, "C-1", date(2026, 11, 2), "video", {"empathy": 7, "respect": 8})
    session.kinds = {"empathy": "rating"}  # the second answer cannot be typed: the insert fails midway
    with open_journal(db_path, create=True) as journal:
        with pytest.raises(KeyError):
            journal.save_session(session)
        assert journal.list_sessions() == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 0


def test_old_sessions_keep_the_prompt_set_they_were_answered_with(run, tmp_path):
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "--set", "went_well=ok").exit_code == 0
    changed = tmp_path / "prompts.yaml"
    text = bundled_prompts_path().read_text().replace("text: What went well?", "text: What helped today?")
    changed.write_text(text.replace("version: 1", "version: 2"))
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "--set", "went_well=ok", "--prompts", str(changed))
    assert result.exit_code == 0, result.stderr
    assert "What went well?" in run("show", "1").stdout
    second = run("show", "2").stdout
    assert "What helped today?" in second and "prompt set v2" in second


def test_random_bytes_are_refused_and_left_untouched(run, db_path):
    db_path.parent.mkdir(parents=True)
    db_path.write_bytes(bytes(range(256)) * 64)
    before = digest(db_path)
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 1
    assert (
        result.stderr.strip()
        == f"alliance: {db_path} is not an alliance journal (it is not an SQLite database); left untouched."
    )
    assert digest(db_path) == before
    assert run("list").exit_code == 1


def test_another_programs_database_is_refused_and_left_untouched(run, db_path):
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO notes (body) VALUES ('keep me')")
    before = digest(db_path)
    result = run("list")
    assert result.exit_code == 1
    assert "SQLite database of another program, not an alliance journal" in result.stderr
    assert digest(db_path) == before
    assert not Path(f"{db_path}-wal").exists()


def test_journal_from_a_newer_version_is_refused_unchanged(run, db_path):
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('alliance', 'm999_future', 'x')"
        )
        conn.commit()
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = digest(db_path)
    result = run("log", "-c", "C-2", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 1
    assert "written by a newer version of alliance" in result.stderr
    assert digest(db_path) == before


def test_missing_journal_says_how_to_start_one(run, db_path):
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"alliance: No journal at {db_path} yet; start one with `alliance log`."
    assert not db_path.exists()


def test_damaged_journal_gives_a_clear_message(run, db_path):
    for n in range(3):
        assert run("log", "-c", f"C-{n}", *set_flags(FULL_ANSWERS)).exit_code == 0
    data = bytearray(db_path.read_bytes())
    page = 4096
    data[page * 2 : page * 6] = b"\xff" * (page * 4)  # wreck pages in the middle of the file
    db_path.write_bytes(bytes(data))
    result = run("list")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("alliance: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_locked_journal_waits_then_says_so(run, db_path, monkeypatch):
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    monkeypatch.setattr(store, "BUSY_TIMEOUT_S", 0.3)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = run("log", "-c", "C-2", *set_flags(FULL_ANSWERS))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1
    assert "is locked by another program" in result.stderr
    assert len(run("list", "-f", "json").stdout.split('"session_id"')) == 2  # still exactly one session


def test_path_that_is_a_folder_is_refused(run, tmp_path):
    result = run("list", db=tmp_path)
    assert result.exit_code == 2
    assert "is a directory" in result.stderr


def test_deleted_session_ids_are_never_given_again(run):
    for n in range(3):
        assert run("log", "-c", f"C-{n}", *set_flags(FULL_ANSWERS)).exit_code == 0
    assert run("delete", "3", "--yes").exit_code == 0
    assert run("log", "-c", "C-9", *set_flags(FULL_ANSWERS)).stdout.strip() == "4"
    assert run("show", "3").exit_code == 1


def test_a_journal_from_before_autoincrement_keeps_its_answers(db_path, ps):
    """m003 rebuilds `sessions`; answers (and their search index) must all stay."""
    from alliance_cli.store import migrations as m

    db_path.parent.mkdir(parents=True)
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    m.STEPS, saved = m.STEPS[:2], m.STEPS
    try:
        m.apply(conn)
    finally:
        m.STEPS = saved
    conn.execute("COMMIT")
    conn.execute("INSERT INTO prompt_sets (id, version, digest, snapshot, first_used) VALUES (1, 1, 'd', '{}', 'x')")
    for sid in (1, 2, 5):
        conn.execute(
            "INSERT INTO sessions (id, uuid, client, date, modality, logged_at, prompt_set_id) "
            "VALUES (?, ?, 'C-1', '2026-11-02', 'video', 'x', 1)",
            (sid, f"u{sid}"),
        )
        conn.execute("INSERT INTO answers VALUES (?, 'went_well', 'text', NULL, 'quiet trust')", (sid,))
    conn.close()
    with open_journal(db_path) as journal:
        assert [s["id"] for s in journal.list_sessions()] == [5, 2, 1]
        assert journal.get_session(5).answers == {"went_well": "quiet trust"}
        count = journal.conn.execute("SELECT COUNT(*) FROM search_text WHERE search_text MATCH 'trust'").fetchone()[0]
        assert count == 3
        saved_id = journal.save_session(new_session(ps, "C-2", date(2026, 11, 3), "video", {"empathy": 5})).id
    assert saved_id == 6


def test_wal_and_shm_files_are_private_too(db_path):
    journal = open_journal(db_path, create=True)
    try:
        journal.save_draft(None, {"client": "C-1"})  # a write: SQLite now has -wal and -shm open
        companions = [Path(f"{db_path}{suffix}") for suffix in ("-wal", "-shm")]
        assert all(path.exists() for path in companions)
        for path in [db_path, *companions]:
            assert path.stat().st_mode & 0o777 == 0o600, path
    finally:
        journal.close()
