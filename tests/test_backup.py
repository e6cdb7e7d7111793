"""`alliance backup` and `alliance restore`."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from alliance_cli.app.backup import make_backup
from alliance_cli.store.maintenance import set_page_size
from conftest import FULL_ANSWERS, Talk, set_flags


def log(run, client: str = "C-1", day: str = "2026-11-02") -> None:
    result = run("log", "-c", client, "-d", day, *set_flags(FULL_ANSWERS))
    assert result.exit_code == 0, result.stderr


def sessions_in(path: Path) -> int:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def flip_bytes(path: Path, start: int, length: int = 200) -> None:
    data = bytearray(path.read_bytes())
    for i in range(start, start + length):
        data[i] ^= 0xFF
    path.write_bytes(bytes(data))


def test_backup_goes_to_a_private_timestamped_file_beside_the_journal(run, db_path):
    log(run)
    log(run, "C-2")
    result = run("backup")
    assert result.exit_code == 0, result.stderr
    made = Path(result.stdout.strip())
    assert made.parent == db_path.parent / "backups"
    assert made.name.startswith("journal-") and made.name.endswith("Z.db")
    assert made.stat().st_mode & 0o777 == 0o600
    assert made.parent.stat().st_mode & 0o777 == 0o700
    assert "Backed up 2 sessions" in result.stderr
    with sqlite3.connect(made) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file on its own
    assert sessions_in(made) == 2
    assert sorted(p.name for p in made.parent.iterdir()) == [made.name]  # no -wal, no leftovers


def test_backup_into_a_folder_or_a_new_file_name(run, tmp_path):
    log(run)
    folder = tmp_path / "usb"
    folder.mkdir()
    into_folder = Path(run("backup", str(folder)).stdout.strip())
    assert into_folder.parent == folder and sessions_in(into_folder) == 1
    named = tmp_path / "before-supervision.db"
    assert Path(run("backup", str(named)).stdout.strip()) == named
    assert sessions_in(named) == 1


def test_backup_to_a_folder_that_does_not_exist_is_refused(run, tmp_path):
    log(run)
    result = run("backup", str(tmp_path / "usb"))
    assert result.exit_code == 1
    assert result.stderr == (
        f"alliance: There is no folder {tmp_path / 'usb'}; give a folder that exists, "
        "or a new file name ending in .db.\n"
    )
    assert result.stdout == ""
    assert not (tmp_path / "usb").exists()
    assert not list(tmp_path.glob(".usb*"))


def test_backups_in_a_folder_are_named_after_the_journal_file(run, tmp_path):
    lock = tmp_path / "lock.db"
    assert run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS), db=lock).exit_code == 0
    made = Path(run("backup", db=lock).stdout.strip())
    assert made.parent == tmp_path / "backups"
    assert made.name.startswith("lock-") and made.name.endswith("Z.db")


def test_backup_never_overwrites_a_file(run, tmp_path):
    log(run)
    existing = tmp_path / "keep.db"
    existing.write_text("mine")
    result = run("backup", str(existing))
    assert result.exit_code == 1
    assert "already exists" in result.stderr
    assert existing.read_text() == "mine"


def test_keep_prunes_only_older_timestamped_backups(run, db_path):
    log(run)
    folder = db_path.parent / "backups"
    for minute in range(3):
        make_backup(db_path, now=datetime(2026, 11, 20, 9, minute, tzinfo=UTC))
    other = folder / "my-own-copy.db"
    other.write_text("not ours to remove")
    before = folder / "journal-20261120-090000Z-before-restore.db"
    before.write_text("kept by restore")
    result = make_backup(db_path, keep=2, now=datetime(2026, 11, 20, 9, 5, tzinfo=UTC))
    assert [p.name for p in result.pruned] == ["journal-20261120-090000Z.db", "journal-20261120-090100Z.db"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "journal-20261120-090000Z-before-restore.db",
        "journal-20261120-090200Z.db",
        "journal-20261120-090500Z.db",
        "my-own-copy.db",
    ]


def test_two_backups_in_the_same_second_both_kept(run, db_path):
    log(run)
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    first = make_backup(db_path, now=now).path
    second = make_backup(db_path, keep=2, now=now).path
    assert first != second and first.exists() and second.exists()


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["backup", "--keep", "0"], 2, "alliance: --keep needs 1 or more (the newest backup is always kept)"),
        (["backup", "--keep", "-3"], 2, "alliance: --keep needs 1 or more"),
        (["backup", "named.db", "--keep", "3"], 1, "--keep works with a backups folder"),
    ],
)
def test_backup_bad_options_are_refused(run, tmp_path, monkeypatch, args, code, message):
    log(run)
    monkeypatch.chdir(tmp_path)
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Input should be" not in result.stderr and "Usage:" not in result.stderr  # a plain line, no box
    assert not (tmp_path / "named.db").exists()
    assert not (tmp_path / "journal" / "backups").exists()


def test_backup_without_a_journal_says_so(run, db_path):
    result = run("backup")
    assert result.exit_code == 1
    assert "nothing to back up" in result.stderr
    assert not db_path.parent.exists()


def test_backup_refuses_a_file_that_is_not_a_journal(run, tmp_path):
    other = tmp_path / "notes.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x)")
    result = run("backup", db=other)
    assert result.exit_code == 1
    assert "not an alliance journal" in result.stderr
    assert not (tmp_path / "backups").exists()


WRITER = textwrap.dedent(
    """
    import sys, uuid
    from datetime import date
    from pathlib import Path
    from alliance_cli.app.log import new_session
    from alliance_cli.settings.paths import bundled_prompts_path
    from alliance_cli.settings.prompts import load_prompt_set
    from alliance_cli.store.journal import open_journal

    ps = load_prompt_set(bundled_prompts_path())
    answers = {"empathy": 7, "respect": 8, "genuineness": 6, "positive_regard": 8, "active_listening": 5,
               "rupture": False, "went_well": "x" * 400}
    stop = Path(sys.argv[2])
    with open_journal(Path(sys.argv[1]), create=True) as journal:
        while not stop.exists():
            journal.save_session(new_session(ps, "C-1", date(2026, 11, 2), "video", answers))
    """
)


def test_backup_while_another_process_writes_is_consistent_and_complete(run, db_path, tmp_path):
    log(run)
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(stop)], stderr=subprocess.PIPE)
    try:
        reader = sqlite3.connect(db_path, timeout=15)
        deadline = time.monotonic() + 60
        while reader.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] < 200:
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
            assert time.monotonic() < deadline, "the writer did not get going"
            time.sleep(0.05)
        committed = {r[0] for r in reader.execute("SELECT uuid FROM sessions")}
        result = run("backup")
        while (after := reader.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]) <= len(committed):
            assert time.monotonic() < deadline, "the writer stopped during the backup"
            time.sleep(0.05)
        reader.close()
    finally:
        stop.touch()
        writer.wait(timeout=30)
    assert writer.returncode == 0
    assert result.exit_code == 0, result.stderr
    assert after > len(committed)  # the writer kept going during the backup
    made = Path(result.stdout.strip())
    with sqlite3.connect(made) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        held = {r[0] for r in conn.execute("SELECT uuid FROM sessions")}
        orphans = conn.execute("SELECT COUNT(*) FROM answers WHERE session_id NOT IN (SELECT id FROM sessions)")
        assert orphans.fetchone()[0] == 0
    assert committed <= held


# -- restore ----------------------------------------------------------------------------


def test_restore_brings_back_the_backup_and_keeps_the_replaced_journal(run, db_path):
    log(run, "C-1")
    log(run, "C-2")
    made = Path(run("backup").stdout.strip())
    log(run, "C-3")
    result = run("restore", "--yes", str(made))
    assert result.exit_code == 0, result.stderr
    assert "now holds 2 sessions" in result.stderr
    assert [r["client"] for r in json.loads(run("list", "-f", "json").stdout)] == ["C-2", "C-1"]
    kept = [p for p in (db_path.parent / "backups").iterdir() if p.name.endswith("-before-restore.db")]
    assert len(kept) == 1 and str(kept[0]) in result.stderr
    assert sessions_in(kept[0]) == 3
    assert kept[0].stat().st_mode & 0o777 == 0o600
    assert db_path.stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    log(run, "C-4")  # the restored journal is ready for work


def _restore_answering(keys: str, made: Path, db_path: Path) -> tuple[object, list[str]]:
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    from alliance_cli.app.erase import restore_command

    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        talk = Talk(pipe, DummyOutput())
        result = restore_command(made, db_path, yes=False, conversation=talk)
    return result, talk.said


def test_restore_asks_first_and_no_leaves_the_journal_alone(run, db_path):
    log(run)
    made = Path(run("backup").stdout.strip())
    log(run, "C-2")
    before = digest(db_path)
    result, told = _restore_answering("n", made, db_path)
    assert result is None
    assert told == [f"{made} is intact and holds 1 session."]
    assert digest(db_path) == before
    assert not any(p.name.endswith("before-restore.db") for p in made.parent.iterdir())
    result, _ = _restore_answering("y", made, db_path)
    assert result is not None and result.sessions == 1
    assert sessions_in(db_path) == 1


def test_restore_stopped_at_the_question_changes_nothing_and_exits_130(run, db_path):
    from alliance_cli.errors import Interrupted

    log(run)
    made = Path(run("backup").stdout.strip())
    log(run, "C-2")
    before = digest(db_path)
    with pytest.raises(Interrupted) as stopped:
        _restore_answering("\x03", made, db_path)  # Ctrl-C
    assert stopped.value.exit_code == 130
    assert stopped.value.lines() == ["Stopped; nothing was changed."]
    assert digest(db_path) == before


def test_restore_without_a_terminal_needs_yes(run, db_path):
    log(run)
    made = Path(run("backup").stdout.strip())
    log(run, "C-2")
    before = digest(db_path)
    result = run("restore", str(made), input="y\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "alliance: Restoring needs --yes when alliance is not run in a terminal; nothing was changed.\n"
    )
    assert digest(db_path) == before


def test_restore_reaches_a_terminal_that_has_the_journal_open(run, db_path):
    log(run)
    made = Path(run("backup").stdout.strip())
    log(run, "C-2")
    log(run, "C-3")
    other = sqlite3.connect(db_path)  # another terminal, journal open in WAL mode
    assert other.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 3
    assert run("restore", "-y", str(made)).exit_code == 0
    assert other.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 1
    other.close()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_when_there_is_no_journal_yet(run, db_path, tmp_path):
    log(run)
    made = tmp_path / "copy.db"
    run("backup", str(made))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    result = run("restore", "-y", str(made))
    assert result.exit_code == 0, result.stderr
    assert "kept in" not in result.stderr
    assert sessions_in(db_path) == 1


def test_restore_a_backup_with_another_page_size(run, db_path, tmp_path):
    log(run)
    made = tmp_path / "copy.db"
    run("backup", str(made))
    set_page_size(made, 8192)
    log(run, "C-2")
    assert run("restore", "-y", str(made)).exit_code == 0
    assert sessions_in(db_path) == 1


def test_restore_replaces_a_journal_too_damaged_to_open(run, db_path, tmp_path):
    log(run)
    made = tmp_path / "copy.db"
    run("backup", str(made))
    flip_bytes(db_path, 0, 100)  # the header: SQLite no longer sees a database
    damaged = db_path.read_bytes()
    result = run("restore", "-y", str(made))
    assert result.exit_code == 0, result.stderr
    assert sessions_in(db_path) == 1
    kept = next((db_path.parent / "backups").glob("*-before-restore.db"))
    assert kept.read_bytes() == damaged  # the damaged file is kept as it was


@pytest.mark.parametrize("kind", ["text", "other-program", "damaged", "missing", "newer"])
def test_restore_refuses_a_backup_that_is_not_a_usable_journal(run, db_path, tmp_path, kind):
    log(run)
    log(run, "C-2")
    bad = tmp_path / "bad.db"
    if kind == "text":
        bad.write_text("These are not the sessions you are looking for.\n" * 200)
        message = "not an alliance journal"
    elif kind == "other-program":
        with sqlite3.connect(bad) as conn:
            conn.execute("CREATE TABLE notes (x)")
        message = "another program"
    elif kind == "damaged":
        run("backup", str(bad))
        flip_bytes(bad, 4096 + 8)
        message = "is damaged"
    elif kind == "newer":
        run("backup", str(bad))
        with sqlite3.connect(bad) as conn:
            conn.execute("INSERT INTO _sqlite_migrations (migration_set, name) VALUES ('alliance', 'm999_future')")
        message = "newer version of alliance"
    else:
        message = "No backup at"
    backup_before = bad.read_bytes() if bad.exists() else None
    journal_before = digest(db_path)
    result = run("restore", "-y", str(bad))
    assert result.exit_code == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(db_path) == journal_before
    assert not (db_path.parent / "backups").exists()
    if backup_before is not None:
        assert bad.read_bytes() == backup_before  # checking never alters the backup


def test_restore_of_a_folder_names_a_backup_of_this_journal(run, tmp_path):
    journal = tmp_path / "mine" / "j.db"
    assert run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS), db=journal).exit_code == 0
    run("backup", db=journal)
    newest = Path(run("backup", db=journal).stdout.strip())
    folder = journal.parent / "backups"
    result = run("restore", "-y", str(folder), db=journal)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"alliance: {folder} is a folder; give the backup file, e.g. {newest}"
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("restore", "-y", str(empty), db=journal)
    assert result.stderr.strip() == f"alliance: {empty} is a folder; give the backup file, e.g. {empty}/j-…Z.db"
    assert sessions_in(journal) == 1


def test_restore_refuses_the_journal_itself(run, db_path):
    log(run)
    result = run("restore", "-y", str(db_path))
    assert result.exit_code == 1
    assert "the journal itself" in result.stderr
    assert sessions_in(db_path) == 1
