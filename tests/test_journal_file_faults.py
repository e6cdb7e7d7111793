"""Faults of the journal file, each reproduced for real: a truncated copy, a full disk (a
small tmpfs), a read-only mount, folder and file, a bad byte inside a stored answer, a
-wal file from another journal, an empty file, and a backup read by every reading command.
Each ends with one line naming the cause and the file, and the file as it was.

Mounting (tmpfs, read-only bind mounts) and `chattr` need root; where they are not
permitted the test is skipped with the reason (`pytest -rs` prints it)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from alliance_cli.store import wal
from alliance_cli.store.journal import describe_sqlite_error, open_journal
from conftest import FULL_ANSWERS, set_flags

READING = [
    ("list",),
    ("show", "1"),
    ("report", "--since", "2026-11-01", "--until", "2026-11-30", "--notes"),
    ("export",),
    ("export", "--shape", "wide", "-f", "json"),
    ("search", "steady"),
    ("clients", "--all"),
    ("client-code",),
    ("doctor",),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def log(run, client: str = "C-1", db: Path | None = None, day: str = "2026-11-10", text: str = "steady work") -> str:
    extra = {} if db is None else {"db": db}
    result = run("log", "-c", client, "-d", day, *set_flags(FULL_ANSWERS), "-s", f"went_well={text}", **extra)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip()


def journal_of(run, path: Path, clients: tuple[str, ...] = ("C-1", "C-2", "C-3")) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    for client in clients:
        log(run, client, db=path)
    assert not Path(f"{path}-wal").exists()  # closed: everything is in the file
    return path


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("alliance: ")
    return lines[0]


# -- mounts -----------------------------------------------------------------------------------


def _root_tool(tool: str) -> None:
    if os.name != "posix" or os.geteuid() != 0:
        pytest.skip(f"{tool} needs root; run the tests as root to reproduce this fault for real")
    if shutil.which(tool) is None:
        pytest.skip(f"no `{tool}` command here")


def _sh(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), capture_output=True, text=True, check=False)


@contextmanager
def mounted(target: Path, *options: str) -> Iterator[Path]:
    """`mount OPTIONS target` for the block, or the test skipped with mount's own reason."""
    _root_tool("mount")
    target.mkdir(parents=True, exist_ok=True)
    done = _sh("mount", *options, str(target))
    if done.returncode:
        pytest.skip(f"cannot mount here: {done.stderr.strip() or done.returncode}")
    try:
        yield target
    finally:
        _sh("umount", str(target))


@contextmanager
def read_only_view(folder: Path) -> Iterator[Path]:
    """`folder` bind-mounted read-only onto itself: a read-only mount holding the journal."""
    with mounted(folder, "--bind", str(folder)):
        done = _sh("mount", "-o", "remount,bind,ro", str(folder))
        if done.returncode:
            pytest.skip(f"cannot remount read-only here: {done.stderr.strip()}")
        yield folder


@contextmanager
def immutable(path: Path) -> Iterator[Path]:
    """`chattr +i`: not even root may write the file or create files in the folder."""
    _root_tool("chattr")
    done = _sh("chattr", "+i", str(path))
    if done.returncode:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.strip()}")
    try:
        yield path
    finally:
        _sh("chattr", "-i", str(path))


def fill(folder: Path) -> None:
    """Write into `folder` until its file system has no space left."""
    for name, size in (("filler", 4096), ("filler-tail", 1)):  # blocks, then what is left of the last
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * size)
        except OSError:
            pass
        finally:
            os.close(fd)
    assert shutil.disk_usage(folder).free < 4096


# -- truncated ---------------------------------------------------------------------------------


def test_a_truncated_journal_is_called_truncated_and_left_as_it_is(run, tmp_path):
    journal = journal_of(run, tmp_path / "journal" / "journal.db")
    size = journal.stat().st_size
    cut = tmp_path / "cut" / "journal.db"
    cut.parent.mkdir()
    cut.write_bytes(journal.read_bytes()[:20_000])
    before = digest(cut)
    for args in (("list",), ("show", "1"), ("export",), ("log", "-c", "C-9", *set_flags(FULL_ANSWERS))):
        result = run(*args, db=cut)
        assert result.exit_code == 1, args
        line = one_line(result.stderr)
        assert f"The journal {cut} is truncated: it has 20,000 of the {size:,} bytes its header counts." in line
        assert "alliance restore BACKUP" in line and "not an alliance journal" not in line
    doctor = run("doctor", "-f", "json", db=cut)
    integrity = [f for f in json.loads(doctor.stdout) if f["check"] == "integrity"]
    assert integrity[0]["level"] == "problem" and "truncated: it has 20,000" in integrity[0]["message"]
    assert digest(cut) == before
    assert sorted(p.name for p in cut.parent.iterdir()) == ["journal.db"]


# -- full disk ---------------------------------------------------------------------------------


def test_a_full_disk_is_named_reading_still_works_and_nothing_changes(run, tmp_path):
    source = journal_of(run, tmp_path / "journal" / "journal.db")
    with mounted(tmp_path / "small", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs") as disk:
        journal = disk / "journal.db"
        shutil.copyfile(source, journal)
        before = digest(journal)
        fill(disk)

        logged = run("log", "-c", "C-9", *set_flags(FULL_ANSWERS), db=journal)
        assert logged.exit_code == 1
        assert one_line(logged.stderr) == (
            f"alliance: No space left on the disk holding {journal}; free some space there and try again."
        )
        listed = run("list", "-f", "json", db=journal)
        assert listed.exit_code == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 3
        backed = run("backup", str(disk), db=source)  # the backup's disk is full, not the journal
        assert backed.exit_code == 1
        assert "No space left on the disk holding" in one_line(backed.stderr) and str(disk) in backed.stderr
        assert digest(journal) == before


# -- read-only mount, folder, file --------------------------------------------------------------


def test_a_read_only_mount_is_named_and_can_still_be_read(run, tmp_path):
    folder = tmp_path / "ro"
    journal = journal_of(run, folder / "journal.db")
    before = digest(journal)
    with read_only_view(folder):
        logged = run("log", "-c", "C-9", *set_flags(FULL_ANSWERS), db=journal)
        assert logged.exit_code == 1
        assert one_line(logged.stderr) == (
            f"alliance: Cannot write the journal {journal}: the disk or mount it is on is read-only."
        )
        for args in READING:
            result = run(*args, db=journal)
            assert result.exit_code in (0, 1), args
            assert "Traceback" not in result.stderr and "not an alliance journal" not in result.stderr
        listed = run("list", "-f", "json", db=journal)
        assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 3
        doctor = run("doctor", "-f", "json", db=journal)
        assert any(f["check"] == "integrity" and f["level"] == "ok" for f in json.loads(doctor.stdout))
        copy = run("backup", str(tmp_path), db=journal)  # a journal on a read-only mount can be backed up
        assert copy.exit_code == 0, copy.stderr
    assert digest(journal) == before


def test_a_read_only_folder_is_named(run, tmp_path):
    folder = tmp_path / "locked"
    journal = journal_of(run, folder / "journal.db")
    with immutable(folder):
        logged = run("log", "-c", "C-9", *set_flags(FULL_ANSWERS), db=journal)
        assert logged.exit_code == 1
        assert one_line(logged.stderr) == (
            f"alliance: Cannot write the journal {journal}: its folder {folder} is read-only "
            "(SQLite keeps the journal's -wal and -shm files beside it)."
        )
        listed = run("list", "-f", "json", db=journal)
        assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 3


def test_a_read_only_file_is_named(run, tmp_path):
    journal = journal_of(run, tmp_path / "journal" / "journal.db")
    before = digest(journal)
    with immutable(journal):
        logged = run("log", "-c", "C-9", *set_flags(FULL_ANSWERS), db=journal)
        assert logged.exit_code == 1
        assert one_line(logged.stderr) == f"alliance: Cannot write the journal {journal}: the file is read-only."
        assert run("list", db=journal).exit_code == 0
    assert digest(journal) == before


# -- a bad byte inside an answer ------------------------------------------------------------------


@pytest.fixture
def bad_byte(run, db_path):
    """Three sessions; session 2's answer to went_well has one byte that is not UTF-8."""
    for client in ("C-1", "C-2", "C-3"):
        log(run, client, text="Secret words stay private")
    conn = sqlite3.connect(db_path)
    try:
        spoiled = b"Secret words\xff stay private"
        conn.execute(
            "UPDATE answers SET value_text = CAST(? AS TEXT) WHERE session_id = 2 AND prompt_id = 'went_well'",
            (spoiled,),
        )
        conn.commit()
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"  # SQLite sees nothing wrong
        answers = int(conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0])
    finally:
        conn.close()
    return answers


NOTE = (
    "Session 2 holds text that is not valid UTF-8 (a damaged byte), read with \ufffd in its place; "
    "`alliance doctor` names each answer."
)


def test_a_bad_byte_is_read_with_a_replacement_and_the_session_named(run, db_path, bad_byte):
    before = digest(db_path)
    shown = run("show", "2")
    assert shown.exit_code == 0, shown.stderr
    assert "Secret words\ufffd stay private" in shown.stdout
    assert shown.stderr.strip() == NOTE
    notes = run("report", "--since", "2026-11-01", "--until", "2026-11-30", "--notes", "-f", "markdown")
    assert notes.exit_code == 0, notes.stderr
    assert "Secret words\ufffd stay private" in notes.stdout and NOTE in notes.stderr
    found = run("search", "secret", "-f", "json")
    assert found.exit_code == 0 and len(json.loads(found.stdout)) == 3
    assert run("show", "1").stderr == ""  # an intact session is read as it always was
    assert digest(db_path) == before


def test_export_finishes_and_says_which_sessions_hold_bad_bytes(run, db_path, tmp_path, bad_byte):
    result = run("export", "-f", "jsonl")
    assert result.exit_code == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == bad_byte
    assert [r["value"] for r in rows if r["prompt_id"] == "went_well" and r["session_id"] == 2] == [
        "Secret words\ufffd stay private"
    ]
    assert result.stderr.strip() == NOTE  # one line, naming the session
    out = tmp_path / "out.csv"
    written = run("export", "-o", str(out))
    assert written.exit_code == 0 and NOTE in written.stderr
    assert out.read_text(encoding="utf-8").count("\n") == bad_byte + 1
    only_one = run("export", "-c", "C-1", "-f", "jsonl")  # sessions outside the export are not named
    assert only_one.exit_code == 0 and only_one.stderr == ""


def test_edit_works_on_a_session_with_a_bad_byte(run, db_path, bad_byte):
    result = run("edit", "2", "--set", "empathy=3")
    assert result.exit_code == 0, result.stderr
    assert "Session 2 holds text that is not valid UTF-8" in result.stderr
    assert "Secret" not in result.stderr
    assert json.loads(run("show", "2", "-f", "json").stdout)["answers"]["empathy"] == 3


def test_doctor_names_the_answers_with_bad_bytes_never_their_text(run, db_path, bad_byte):
    result = run("doctor", "-f", "json")
    assert result.exit_code == 1
    text = [f for f in json.loads(result.stdout) if f["check"] == "text"]
    assert len(text) == 1 and text[0]["level"] == "problem"
    assert "1 answer holds bytes that are not valid UTF-8 (damaged text): session 2 (went_well)." in text[0]["message"]
    assert "Secret" not in result.stdout + result.stderr


def test_a_decode_error_is_described_without_its_text(tmp_path):
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE t (v TEXT)")
    conn.execute("INSERT INTO t VALUES (CAST(? AS TEXT))", (b"private \xff words",))
    with pytest.raises(sqlite3.OperationalError) as caught:
        conn.execute("SELECT v FROM t").fetchall()
    assert "private" in str(caught.value)  # sqlite3's own message quotes the text...
    message = describe_sqlite_error(caught.value, tmp_path / "journal.db").message
    assert "private" not in message and "not valid UTF-8" in message  # ...alliance's never does


# -- a -wal file that does not belong --------------------------------------------------------------


def wal_of(journal: Path) -> bytes:
    """The -wal another terminal's journal has while it is open and has written."""
    other = open_journal(journal)
    try:
        other.conn.execute("PRAGMA wal_autocheckpoint = 0")
        other.save_draft(None, {"client": "C-8"})
        return Path(f"{journal}-wal").read_bytes()
    finally:
        other.close()


def test_a_wal_from_another_journal_is_refused_and_never_written_over(run, tmp_path):
    journal = journal_of(run, tmp_path / "journal" / "journal.db", ("C-1", "C-2"))
    other = journal_of(run, tmp_path / "other" / "journal.db", ("C-7", "C-8", "C-9"))
    companion = Path(f"{journal}-wal")
    companion.write_bytes(wal_of(other))
    before = digest(journal), digest(companion)

    for args in (("list",), ("show", "1"), ("export",), ("log", "-c", "C-3", *set_flags(FULL_ANSWERS)), ("backup",)):
        result = run(*args, db=journal)
        assert result.exit_code == 1, args
        line = one_line(result.stderr)
        assert f"{companion} does not belong to the journal {journal} (it was written for another journal)" in line
        assert f"mv '{companion}' '{companion}.aside'" in line
    doctor = run("doctor", "-f", "json", db=journal)
    assert doctor.exit_code == 1
    assert any(f["level"] == "problem" and "does not belong" in f["message"] for f in json.loads(doctor.stdout))
    assert (digest(journal), digest(companion)) == before

    companion.rename(f"{companion}.aside")  # as the message says
    listed = run("list", "-f", "json", db=journal)
    assert listed.exit_code == 0
    assert sorted(r["client"] for r in json.loads(listed.stdout)) == ["C-1", "C-2"]


def test_a_wal_of_the_journal_itself_is_read(run, tmp_path):
    """A -wal another terminal is writing, or one a crash left, or one a checkpoint has partly
    copied back, belongs to the journal: read, not refused."""
    journal = journal_of(run, tmp_path / "journal" / "journal.db", ("C-1",))
    writer = open_journal(journal)
    try:
        writer.conn.execute("PRAGMA wal_autocheckpoint = 0")
        log(run, "C-2", db=journal)  # while another terminal has it open
        writer.save_draft(None, {"client": "C-3"})
        assert run("list", db=journal).exit_code == 0
        writer.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")  # copied back, the -wal kept
        writer.save_draft(None, {"client": "C-4"})
        crashed = tmp_path / "crashed" / "journal.db"
        crashed.parent.mkdir()
        for suffix in ("", "-wal"):  # the files as a kill -9 would leave them
            shutil.copyfile(f"{journal}{suffix}", f"{crashed}{suffix}")
    finally:
        writer.close()
    assert wal.foreign_wal(crashed) is None
    assert len(json.loads(run("list", "-f", "json", db=crashed).stdout)) == 2
    assert run("doctor", "-f", "json", db=crashed).stdout.count("does not belong") == 0
    log(run, "C-5", db=crashed)
    assert len(json.loads(run("list", "-f", "json", db=crashed).stdout)) == 3


WRITER = """
import sys
from datetime import date
from pathlib import Path
from alliance_cli.app.log import new_session
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.journal import open_journal

ps = load_prompt_set(bundled_prompts_path())
answers = {"empathy": 7, "respect": 8, "genuineness": 6, "positive_regard": 8, "active_listening": 5,
           "rupture": False, "went_well": "x" * 2000}
stop = Path(sys.argv[2])
with open_journal(Path(sys.argv[1])) as journal:
    journal.conn.execute("PRAGMA wal_autocheckpoint = 20")  # checkpoints and fresh WALs all the time
    while not stop.exists():
        journal.save_session(new_session(ps, "C-1", date(2026, 11, 2), "video", answers))
"""


def test_a_wal_being_written_and_checkpointed_is_never_taken_for_a_foreign_one(run, db_path, tmp_path):
    import subprocess
    import sys
    import time

    log(run)
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), str(stop)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not Path(f"{db_path}-wal").exists() or Path(f"{db_path}-wal").stat().st_size < 100_000:
            assert writer.poll() is None, writer.stderr.read() if writer.stderr else ""
            assert time.monotonic() < deadline, "the writer did not get going"
            time.sleep(0.02)
        reasons = [wal.foreign_wal(db_path) for _ in range(300)]
        listed = [run("list", "-n", "1").exit_code for _ in range(10)]
    finally:
        stop.touch()
        writer.wait(timeout=30)
    assert writer.returncode == 0
    assert reasons == [None] * 300
    assert listed == [0] * 10


def _frames_sqlite_replays(db: Path, wal_bytes: bytes, tmp_path: Path) -> int:
    """How many frames SQLite's own recovery takes from `wal_bytes`, on a copy of `db`."""
    copy = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}.db"
    shutil.copyfile(db, copy)
    Path(f"{copy}-wal").write_bytes(wal_bytes)
    conn = sqlite3.connect(copy, isolation_level=None)
    try:
        return int(conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1])
    finally:
        conn.close()


def _read_wal(wal_bytes: bytes, tmp_path: Path) -> wal.WalSummary:
    path = tmp_path / "read.db-wal"
    path.write_bytes(wal_bytes)
    return wal.read_wal(path)


def test_the_wal_is_read_as_far_as_sqlite_would_replay_it(tmp_path):
    """Committed frames, then a large transaction a crash cut off (a killed import), then
    frames left from before the WAL started afresh: what the check reads as committed is what
    SQLite's recovery replays, also with a damaged frame in the middle."""
    db = tmp_path / "journal.db"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("PRAGMA cache_size = 10")  # the open transaction spills its pages into the WAL
    conn.execute("CREATE TABLE t (x)")
    for i in range(3):
        conn.execute("INSERT INTO t VALUES (?)", ("kept " * 300 + str(i),))
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO t VALUES (?)", [("cut off " * 200,)] * 400)
    crashed = Path(f"{db}-wal").read_bytes()  # as a kill -9 leaves it, mid-transaction
    conn.execute("ROLLBACK")
    conn.close()

    page = 4096 + 24
    frames = (len(crashed) - 32) // page
    summary = _read_wal(crashed, tmp_path)
    assert frames > 100 and 0 < summary.committed < 10
    assert summary.committed == _frames_sqlite_replays(db, crashed, tmp_path)

    damaged = bytearray(crashed)
    damaged[32 + 2 * page + 500] ^= 0xFF  # inside the third frame's page
    assert _read_wal(bytes(damaged), tmp_path).committed == _frames_sqlite_replays(db, bytes(damaged), tmp_path)
    assert _read_wal(bytes(damaged), tmp_path).committed < summary.committed

    stale = bytearray(crashed)
    stale[32 + page + 8 : 32 + page + 16] = b"\x00" * 8  # the second frame's salts from an older WAL
    assert _read_wal(bytes(stale), tmp_path).committed == _frames_sqlite_replays(db, bytes(stale), tmp_path)


def test_a_wal_with_another_page_size_is_refused(run, tmp_path):
    journal = journal_of(run, tmp_path / "journal" / "journal.db", ("C-1",))
    small = tmp_path / "small.db"
    conn = sqlite3.connect(small, isolation_level=None)
    conn.execute("PRAGMA page_size = 1024")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("CREATE TABLE t (x)")
    Path(f"{journal}-wal").write_bytes(Path(f"{small}-wal").read_bytes())
    conn.close()
    assert wal.foreign_wal(journal) == "its pages are 1024 bytes, the journal's 4096"
    assert run("list", db=journal).exit_code == 1


def test_restore_marks_what_it_writes_as_the_journals(run, db_path, tmp_path):
    """restore writes another file's pages into the journal's WAL; they must not look foreign."""
    other = journal_of(run, tmp_path / "other" / "journal.db", ("C-7",))
    log(run, "C-1")
    holder = open_journal(db_path)  # a terminal keeps the journal open: the restored pages stay in the -wal
    try:
        assert run("restore", "-y", str(other)).exit_code == 0
        assert Path(f"{db_path}-wal").stat().st_size > 0
        assert wal.foreign_wal(db_path) is None
    finally:
        holder.close()
    assert [r["client"] for r in json.loads(run("list", "-f", "json").stdout)] == ["C-7"]


# -- an empty file -----------------------------------------------------------------------------------


def test_an_empty_file_is_refused_by_reading_and_editing_commands_and_left_empty(run, db_path):
    db_path.parent.mkdir()
    db_path.touch()
    message = (
        f"alliance: {db_path} is an empty file (0 bytes), not a journal; it was left as it is. "
        "`alliance log` starts a new journal in it; if it held your journal, "
        "`alliance restore BACKUP` puts a backup in its place."
    )
    for args in (*READING[:-1], ("edit", "1", "--set", "empathy=3"), ("delete", "1", "--yes"), ("backup",)):
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.stderr.strip() == message, args
    doctor = run("doctor", "-f", "json")
    assert any(f["level"] == "problem" and "empty (0 bytes)" in f["message"] for f in json.loads(doctor.stdout))
    assert db_path.stat().st_size == 0
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["journal.db"]


def test_log_starts_a_new_journal_in_an_empty_file_and_says_so(run, db_path):
    db_path.parent.mkdir()
    db_path.touch()
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[0] == f"{db_path} was an empty file (0 bytes); started a new journal in it."
    assert len(json.loads(run("list", "-f", "json").stdout)) == 1
    second = run("log", "-c", "C-2", *set_flags(FULL_ANSWERS))
    assert "empty file" not in second.stderr


# -- reading commands leave the file as it was ----------------------------------------------------------


def test_reading_commands_never_change_a_backup(run, db_path):
    for client in ("C-1", "C-2", "C-3"):
        log(run, client)
    backup = Path(run("backup").stdout.strip())
    before = digest(backup)
    folder = sorted(p.name for p in backup.parent.iterdir())
    for args in READING:
        result = run(*args, db=backup)
        assert result.exit_code in (0, 1), (args, result.stderr)  # doctor: 1 for the test folder's permissions
        assert result.stdout, args
    assert digest(backup) == before
    assert sorted(p.name for p in backup.parent.iterdir()) == folder  # no -wal, -shm or -journal
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # not switched to WAL


def test_reading_commands_leave_an_older_journal_unmigrated(run, db_path, monkeypatch):
    from alliance_cli.store import migrations

    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:2])
    monkeypatch.setattr(migrations, "NAMES", migrations.NAMES[:2])
    log(run, "C-1")
    monkeypatch.undo()
    before = digest(db_path)
    for args in READING:
        result = run(*args)
        assert result.exit_code in (0, 1), (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert run("list").exit_code == 0  # read as it is
    assert digest(db_path) == before
    doctor = json.loads(run("doctor", "-f", "json").stdout)
    assert any(f["check"] == "schema" and f["level"] == "note" for f in doctor)
    log(run, "C-2")  # a writing command upgrades it
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0] == len(migrations.NAMES)


def test_import_into_an_empty_file_says_so_and_a_dry_run_or_a_refusal_leaves_it_empty(run, db_path, tmp_path):
    source = journal_of(run, tmp_path / "source" / "journal.db", ("C-1", "C-2"))
    exported = tmp_path / "export.csv"
    assert run("export", "-o", str(exported), db=source).exit_code == 0
    db_path.parent.mkdir()
    db_path.touch()
    dry = run("import", str(exported), "--dry-run")
    assert dry.exit_code == 0, dry.stderr
    assert "empty file" not in dry.stderr and db_path.stat().st_size == 0
    broken = tmp_path / "broken.csv"
    broken.write_text(exported.read_text(encoding="utf-8").replace("2026-11-10", "2026-02-30", 1), encoding="utf-8")
    assert run("import", str(broken)).exit_code == 1
    assert db_path.stat().st_size == 0
    assert sorted(p.name for p in db_path.parent.iterdir()) == ["journal.db"]
    done = run("import", str(exported))
    assert done.exit_code == 0, done.stderr
    assert done.stderr.splitlines()[0] == f"{db_path} was an empty file (0 bytes); started a new journal in it."
    assert len(json.loads(run("list", "-f", "json").stdout)) == 2
