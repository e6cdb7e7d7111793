"""The SQL behind backup, restore and doctor: copies and checks of a journal file.

Copies go through SQLite's online backup API, never a file copy: it reads one consistent
snapshot (in WAL mode other terminals keep writing meanwhile) and includes what is still in
the -wal file. Anything that only looks at a file opens it read-only (`mode=ro`), so a
damaged journal or a backup being checked is never written to.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from alliance_cli.errors import JournalError
from alliance_cli.store import migrations, wal
from alliance_cli.store.journal import (
    BUSY_TIMEOUT_S,
    Journal,
    _connect_readonly,
    damaged_answers,
    describe_sqlite_error,
    error_code,
    out_of_space,
    refuse_empty,
    refuse_foreign_wal,
    tolerant_text,
)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to `path` (it may add the usual -shm beside it)."""
    uri = path.resolve().as_uri() + "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _look_at(path: Path) -> sqlite3.Connection:
    """A read-only connection for looking the file over: also in a read-only folder or on a
    full disk, and reading text that is not valid UTF-8 with U+FFFD (a message about the
    file never quotes a stored answer)."""
    conn = _connect_readonly(path)
    conn.text_factory = tolerant_text
    return conn


def copy_database(source: Path, target: Path) -> None:
    """A consistent copy of `source` into the new file `target`, as one self-contained file
    (`source` may be on a read-only mount or a full disk)."""
    src = _connect_readonly(source)
    try:
        dst = sqlite3.connect(target, isolation_level=None)
        try:
            src.backup(dst)
            # The copy keeps the journal's WAL flag; a backup should be one file on its own.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def integrity_problems(conn: sqlite3.Connection, *, limit: int = 20) -> list[str]:
    """PRAGMA integrity_check's complaints ([] when the file is intact)."""
    rows = [r[0] for r in conn.execute(f"PRAGMA integrity_check({int(limit)})")]
    if rows == ["ok"]:
        return []
    # One line per problem; drop SQLite's "*** in database main ***" headers.
    return [line for row in rows for line in str(row).splitlines() if line.strip() and not line.startswith("***")]


def quick_check_ok(path: Path) -> bool:
    conn = connect_readonly(path)
    try:
        return [r[0] for r in conn.execute("PRAGMA quick_check")] == ["ok"]
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


def schema_state(conn: sqlite3.Connection, path: Path) -> str:
    """'ready' or 'pending' (an older journal); JournalError for a file that is not ours or newer.

    The same checks `store.open_journal` makes before it touches a file, here on a
    read-only connection, so nothing is migrated.
    """
    return Journal(conn, path, readonly=True)._schema_state()


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id", (migrations.MIGRATION_SET,)
        )
    ]


def count_rows(conn: sqlite3.Connection, table: str) -> int:
    assert table in ("sessions", "drafts", "answers")
    return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])


def count_sessions(path: Path) -> int:
    """The sessions in a journal file, read-only."""
    conn = connect_readonly(path)
    try:
        return count_rows(conn, "sessions")
    finally:
        conn.close()


def draft_counts(conn: sqlite3.Connection) -> list[tuple[str, int | None, int]]:
    """Unfinished drafts as (command, session_id, how many): logs first, then edits by session id."""
    return [
        (r[0], r[1], int(r[2]))
        for r in conn.execute(
            "SELECT command, session_id, COUNT(*) FROM drafts GROUP BY command, session_id "
            "ORDER BY command != 'log', command, session_id"
        )
    ]


@dataclass
class Inspection:
    state: str  # 'ready' or 'pending'
    sessions: int
    problems: list[str]


def inspect_file(path: Path, *, full_check: bool = True) -> Inspection:
    """Integrity and schema of a journal file, read-only; JournalError when it is not usable
    (also when a -wal beside it does not belong to it)."""
    refuse_foreign_wal(path)
    refuse_empty(path)
    try:
        conn = _connect_readonly(path)
    except sqlite3.Error as exc:
        raise describe_sqlite_error(exc, path, reading=True) from None
    try:
        state = schema_state(conn, path)
        problems = integrity_problems(conn) if full_check else []
        sessions = count_rows(conn, "sessions") if not problems else 0
        return Inspection(state, sessions, problems)
    except sqlite3.DatabaseError as exc:
        return Inspection("damaged", 0, [str(exc)])
    finally:
        conn.close()


def copy_into_live(source: Path, journal: Path) -> None:
    """Overwrite the journal's content with `source` through the backup API.

    SQLite takes the journal's write lock and rewrites it page by page inside its own
    WAL/-shm bookkeeping, so a terminal that has the journal open sees the restored content
    on its next read; no file is swapped under it. `source` must have the journal's page size.
    """
    src = connect_readonly(source)
    try:
        dst = sqlite3.connect(journal, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def follow_on(staged: Path, journal: Path) -> None:
    """Give the staged copy the journal's id and its next commit count (`store.wal`), so
    that the pages written into the journal's WAL are seen to belong to it."""
    conn = connect_readonly(journal)
    try:
        app_id, seq = conn.execute("SELECT * FROM pragma_application_id, pragma_user_version").fetchone()
    finally:
        conn.close()
    conn = sqlite3.connect(staged, isolation_level=None)
    try:
        if int(app_id) >> 24 == wal.ID_MARK:
            conn.execute(f"PRAGMA application_id = {int(app_id)}")
        conn.execute(f"PRAGMA user_version = {(int(seq) + 1) & 0x7FFFFFFF}")
    finally:
        conn.close()


def page_size(path: Path) -> int:
    conn = connect_readonly(path)
    try:
        return int(conn.execute("PRAGMA page_size").fetchone()[0])
    finally:
        conn.close()


def set_page_size(path: Path, size: int) -> None:
    """Rebuild a private, rollback-mode copy with another page size (VACUUM applies it)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA page_size = {int(size)}")
        conn.execute("VACUUM")
    finally:
        conn.close()


def guard(path: Path, exc: sqlite3.Error) -> JournalError:
    return describe_sqlite_error(exc, path)


@contextmanager
def staged_copy(source: Path, staged: Path, *, writing: str, guarded: Path) -> Iterator[Path]:
    """A complete private (0600) copy of `source` at `staged`, for the caller to put in place.

    `staged` is an empty private file the caller created (`settings.files.private_temp`:
    a fresh name, never a link). It goes afterwards whatever happens; SQLite's and the
    file system's errors come out as messages about `guarded` and the file being written
    (`writing`)."""
    try:
        copy_database(source, staged)
        os.chmod(staged, 0o600)
        yield staged
    except sqlite3.Error as exc:
        raise _copy_failed(exc, staged, writing, guarded, reading=guarded == source) from None
    except OSError as exc:
        raise JournalError(f"Cannot write {writing} ({exc.strerror}).") from None
    finally:
        staged.unlink(missing_ok=True)
        Path(f"{staged}-journal").unlink(missing_ok=True)


def _copy_failed(exc: sqlite3.Error, staged: Path, writing: str, guarded: Path, *, reading: bool) -> JournalError:
    """Blame the place being written (full, read-only) when it is the cause, else `guarded`."""
    if error_code(exc) in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY):
        folder = staged.parent
        if out_of_space(staged):
            return JournalError(f"No space left on the disk holding {folder} for {writing}; free some space there.")
        try:
            read_only = bool(os.statvfs(folder).f_flag & os.ST_RDONLY) or not os.access(folder, os.W_OK)
        except OSError:
            read_only = False
        if read_only:
            return JournalError(f"Cannot write {writing}: {folder} is read-only.")
    return describe_sqlite_error(exc, guarded, reading=reading)


def write_into(staged: Path, journal: Path) -> None:
    """Put the staged copy's content into the journal (see `copy_into_live`); a journal too
    damaged to be written through SQLite is swapped as a file, its -wal and -shm dropped (a
    copy of them was kept), which SQLite would otherwise replay."""
    try:
        size = page_size(journal)
        if page_size(staged) != size:
            set_page_size(staged, size)  # the backup API cannot change a WAL journal's page size
        follow_on(staged, journal)
        copy_into_live(staged, journal)
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise
        for suffix in ("-wal", "-shm"):
            Path(f"{journal}{suffix}").unlink(missing_ok=True)
        os.replace(staged, journal)


@dataclass
class Examination:
    """What doctor learns about a journal file on a read-only connection. `failure` says
    why the look stopped early: 'foreign-wal' (a -wal that does not belong to it), 'empty'
    (0 bytes), 'unopenable', 'locked', 'damaged' or 'schema' (with `detail`)."""

    failure: str | None = None
    detail: str = ""
    problems: list[str] = field(default_factory=list)  # integrity_check's complaints
    state: str = ""  # 'ready' or 'pending'
    applied: int = 0
    known: int = len(migrations.NAMES)
    drafts: list[tuple[str, int | None, int]] = field(default_factory=list)
    damaged_text: list[tuple[int, str]] = field(default_factory=list)  # (session id, prompt id)


def examine(journal: Path) -> Examination:
    """Integrity, schema, drafts and undecodable text of the journal file, read-only (a
    -wal that does not belong to it is not even read); never raises for a bad file."""
    reason = wal.foreign_wal(journal)
    if reason is not None:
        return Examination("foreign-wal", reason)
    if journal.stat().st_size == 0 and not wal.read_wal(Path(f"{journal}-wal")).committed:
        return Examination("empty")
    cut = wal.truncation(journal)
    if cut is not None:
        return Examination("damaged", f"truncated: it has {cut[0]:,} of the {cut[1]:,} bytes its header counts")
    try:
        conn = _look_at(journal)
    except sqlite3.Error as exc:
        return _failed(exc, journal)
    try:
        try:
            problems = integrity_problems(conn)
        except sqlite3.Error as exc:
            return _failed(exc, journal)
        if problems:
            return Examination("damaged", problems=problems)
        try:
            state = schema_state(conn, journal)
        except JournalError as exc:
            return Examination("schema", exc.message)
        applied = len(applied_migrations(conn))
        if not applied:
            return Examination(state=state)
        return Examination(state=state, applied=applied, drafts=draft_counts(conn), damaged_text=damaged_answers(conn))
    except sqlite3.Error as exc:
        return _failed(exc, journal)
    finally:
        conn.close()


def _failed(exc: sqlite3.Error, journal: Path) -> Examination:
    code = error_code(exc)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return Examination("locked")
    if code == sqlite3.SQLITE_NOTADB:
        return Examination("damaged", "not a database: SQLite does not recognise its header")
    if code == sqlite3.SQLITE_CORRUPT:
        return Examination("damaged", "SQLite finds it malformed")
    return Examination("unopenable", describe_sqlite_error(exc, journal, reading=True).message)
