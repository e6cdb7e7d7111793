"""The SQL behind backup, restore and doctor: copies and checks of a journal file.

Copies go through SQLite's online backup API, never a file copy: it reads one consistent
snapshot (in WAL mode other terminals keep writing meanwhile) and includes what is still in
the -wal file. Anything that only looks at a file opens it read-only (`mode=ro`), so a
damaged journal or a backup being checked is never written to. Restoring replaces the
journal's content inside one transaction that also covers the copy of what it replaces
(`restore_in_place`).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from alliance_cli.core.messages import cannot_write, write_cause
from alliance_cli.errors import JournalError
from alliance_cli.store import cipher, migrations, wal
from alliance_cli.store.journal import (
    Journal,
    _connect_readonly,
    connect_copy,
    damaged_answers,
    describe_sqlite_error,
    error_code,
    open_journal,
    refuse_empty,
    refuse_foreign_wal,
    sqlite_reason,
    tolerant_text,
)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to `path` (it may add the usual -shm beside it; on a
    read-only folder or mount, or a full disk, it reads without one: `_connect_readonly`)."""
    return _connect_readonly(path)


def _look_at(path: Path) -> sqlite3.Connection:
    """A read-only connection for looking the file over: also in a read-only folder or on a
    full disk, and reading text that is not valid UTF-8 with U+FFFD (a message about the
    file never quotes a stored answer)."""
    conn = _connect_readonly(path)
    conn.text_factory = tolerant_text
    return conn


class CannotWrite(JournalError):
    """A file could not be written (a full disk, a read-only mount...): the message names
    the folder and the cause, never the journal being read."""


def encryption(path: Path) -> dict[str, str] | None:
    """SQLCipher's settings of an encrypted journal (cipher_version, cipher_page_size,
    kdf_iter, cipher_hmac_algorithm, cipher_kdf_algorithm); None for a plain one."""
    if not cipher.is_encrypted(path):
        return None
    conn = _connect_readonly(path)
    try:
        return cipher.settings(conn)
    finally:
        conn.close()


def write_failure(exc: sqlite3.Error) -> str | None:
    """The cause, as `core.messages.write_cause` names it, when SQLite could not write a file;
    None when the trouble is in a database itself (damaged, locked...)."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code == sqlite3.SQLITE_FULL:
        return "full"
    if code == sqlite3.SQLITE_READONLY:
        return "readonly"
    if code in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return str(exc)
    return None


def _cannot_write(folder: Path, cause: str, outcome: str) -> CannotWrite:
    return CannotWrite(cannot_write(folder, cause, outcome))


def copy_journal(source: Path, staged: Path, *, folder: Path, outcome: str, like: Path | None = None) -> None:
    """A consistent copy of the journal `source` into the empty private file `staged`, as one
    file on its own (rollback mode, no -wal). `staged` lies in a private work folder
    (`settings.files.private_workdir`), so the -journal SQLite keeps while writing is
    private too. A write that fails is `CannotWrite` naming `folder` (where the copy goes) and
    `outcome`; trouble reading `source` is a JournalError about it. The copy is encrypted
    with the key of `like` (by default `source`) when that is encrypted, else plain."""
    form = like or source
    source_key = cipher.key_for(source) if cipher.is_encrypted(source) else None
    key = cipher.key_for(form) if cipher.is_encrypted(form) else None
    if source_key != key or (key is not None and cipher.salt_of(source) != cipher.salt_of(form)):
        # decrypted, encrypted or keyed anew on the way: SQLCipher's export, not the backup API
        try:
            cipher.export(source, staged, key=key, salt=cipher.salt_of(form) if key else b"", source_key=source_key)
        except cipher.Error as exc:
            raise describe_sqlite_error(exc, source) from None
        if key is not None:
            cipher.set_key(staged, key)
        return
    try:
        src = connect_readonly(source)
    except cipher.Error as exc:
        raise describe_sqlite_error(exc, source) from None
    try:
        dst = connect_copy(staged, form)
        try:
            src.backup(dst)
            # The copy keeps the journal's WAL flag; a backup should be one file on its own.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    except cipher.Error as exc:
        cause = write_failure(exc)
        if cause is None:
            raise describe_sqlite_error(exc, source) from None
        raise _cannot_write(folder, cause, outcome) from None
    except OSError as exc:
        raise _cannot_write(folder, write_cause(exc), outcome) from None
    finally:
        src.close()


def bring_up_to_date(staged: Path, *, folder: Path, outcome: str) -> None:
    """Apply pending migrations to a private staged copy (and switch it to WAL), as opening it does."""
    try:
        open_journal(staged).close()
    except JournalError as exc:
        cause = _sqlite_cause(exc)
        failure = write_failure(cause) if cause is not None else None
        if failure is None:
            raise
        raise _cannot_write(folder, failure, outcome) from None


def _sqlite_cause(exc: BaseException) -> sqlite3.Error | None:
    """The SQLite error a JournalError was raised while handling (`raise ... from None` keeps it as the context)."""
    context = exc.__context__
    return context if isinstance(context, sqlite3.Error) else None


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
    except cipher.DatabaseError:
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
    except cipher.Error as exc:
        raise describe_sqlite_error(exc, path, reading=True) from None
    try:
        state = schema_state(conn, path)
        problems = integrity_problems(conn) if full_check else []
        sessions = count_rows(conn, "sessions") if not problems else 0
        return Inspection(state, sessions, problems)
    except cipher.DatabaseError as exc:
        return Inspection("damaged", 0, [sqlite_reason(exc)])
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


# -- restoring a backup under one write lock ---------------------------------------------

# The tables holding what was written, in the order their rows can be inserted (foreign keys).
CONTENT_TABLES = ("prompt_sets", "sessions", "answers", "drafts", "goals")
# Tables that follow the content: the schema record (the same in both once the staged copy
# is up to date), AUTOINCREMENT's counter, and the search index, FTS5's shadow tables included.
DERIVED_TABLES = frozenset(
    {"_sqlite_migrations", "sqlite_sequence", "search_map", "search_text"}
    | {f"search_text_{shadow}" for shadow in ("data", "idx", "docsize", "config")}  # its text: search_map (m005)
)
# The search index built from the answers, as migration m005 builds it: the text in
# `search_map`, the FTS5 index over it (external content).
_INDEX_ANSWERS = (
    "INSERT INTO main.search_map (session_id, prompt_id, body) "
    "SELECT session_id, prompt_id, value_text FROM main.answers WHERE kind = 'text' AND value_text IS NOT NULL",
    "INSERT INTO main.search_text (search_text) VALUES ('rebuild')",
)


class NotInPlace(Exception):
    """The journal cannot be restored in place: it is too damaged to open or to read, or it
    is not an alliance journal this version can open. Nothing was changed."""


def restore_in_place(
    journal: Path, staged: Path, kept: Path, put_kept: Callable[[], Path], *, backups: Path, outcome: str
) -> Path:
    """Replace the journal's content with that of `staged` (a private copy already brought up
    to date), keeping the journal as it was; what `put_kept` named the kept copy.

    It all happens under one write lock of the journal:

    1. the journal is opened (migrated, as any command opens it) and `staged` attached;
    2. BEGIN IMMEDIATE takes the write lock: from here no other terminal can commit;
    3. the journal as it is goes to `kept` (the backup API, on a second, read-only
       connection: its snapshot is the last commit, and none can follow it) and `put_kept`
       gives the copy its name in `backups`;
    4. every content table's rows are replaced with the staged copy's, the search index is
       built again from the answers, and COMMIT.

    A session another terminal saved is in the kept copy (committed before 2) or in the
    restored journal (committed after 4, once the lock is free); there is no moment in
    between. Should anything fail before COMMIT (or COMMIT find no room), the transaction
    rolls back and the kept copy is removed again: the journal was not changed. NotInPlace when the journal cannot
    be restored this way (the caller replaces the file instead).
    """
    try:
        opened = open_journal(journal)
    except JournalError:
        exam = examine(journal)
        if exam.failure in ("unopenable", "damaged", "schema"):
            raise NotInPlace from None
        raise
    conn = opened.conn
    placed: Path | None = None
    not_committed = True  # certainly: the kept copy goes again if this stays true
    try:
        conn.execute("ATTACH DATABASE ? AS restored", (str(staged),))
        conn.execute("BEGIN IMMEDIATE")
        try:
            _copy_locked(journal, kept)
        except cipher.Error as exc:
            cause = write_failure(exc)
            if cause is not None:
                raise _cannot_write(backups, cause, outcome) from None
            raise
        except OSError as exc:
            raise _cannot_write(backups, write_cause(exc), outcome) from None
        placed = put_kept()
        _replace_content(conn)
        not_committed = False
        try:
            conn.execute("COMMIT")
        except cipher.Error as exc:
            # No room for the commit record: it never happened. After another failure (an
            # I/O error syncing the WAL) a later recovery might still find it, so the copy stays.
            not_committed = write_failure(exc) == "full"
            raise
        return placed
    except cipher.Error as exc:
        if _damaged(exc):
            raise NotInPlace from None
        cause = write_failure(exc)
        if cause is not None:
            raise _cannot_write(journal.parent, cause, outcome) from None
        raise describe_sqlite_error(exc, journal) from None
    finally:
        if conn.in_transaction:
            with suppress(sqlite3.Error):
                conn.execute("ROLLBACK")
        if placed is not None and not_committed:
            placed.unlink(missing_ok=True)
        opened.close()


def _copy_locked(journal: Path, kept: Path) -> None:
    src = connect_readonly(journal)
    try:
        dst = connect_copy(kept, journal)
        try:
            src.backup(dst)  # all pages in one step: one snapshot
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        src.close()


def _replace_content(conn: sqlite3.Connection) -> None:
    """Inside the open transaction: the content tables take the rows of `restored`, and the
    search index is built again from the answers. The triggers that keep the index in step
    row by row are set aside meanwhile (a rebuild in bulk takes half the time, all of it
    under the lock) and put back as they were before COMMIT; other terminals never see the
    journal without them."""
    tables = {r[0] for r in conn.execute("SELECT name FROM restored.sqlite_master WHERE type = 'table'")}
    unknown = tables - set(CONTENT_TABLES) - DERIVED_TABLES - {cipher.WATCHLIST_TABLE}  # the journal keeps its own
    if unknown:  # pragma: no cover - a migration added a table and restore was not told
        raise JournalError(f"restore does not know the table(s) {', '.join(sorted(unknown))}; nothing was changed.")
    triggers = conn.execute("SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER main."{name}"')
    conn.execute("INSERT INTO main.search_text (search_text) VALUES ('delete-all')")
    for table in ("search_map", *reversed(CONTENT_TABLES)):
        conn.execute(f"DELETE FROM main.{table}")  # overwritten with zeros: secure_delete is on
    for table in CONTENT_TABLES:
        columns = ", ".join(f'"{row[1]}"' for row in conn.execute(f"PRAGMA restored.table_info({table})"))
        conn.execute(f"INSERT INTO main.{table} ({columns}) SELECT {columns} FROM restored.{table}")
    for statement in _INDEX_ANSWERS:
        conn.execute(statement)
    for _, sql in triggers:
        conn.execute(sql)
    # A session id is never given twice: the counter goes on from the higher of the two.
    row = conn.execute("SELECT seq FROM restored.sqlite_sequence WHERE name = 'sessions'").fetchone()
    if row is not None:
        cur = conn.execute("UPDATE main.sqlite_sequence SET seq = MAX(seq, ?) WHERE name = 'sessions'", (row[0],))
        if cur.rowcount == 0:
            conn.execute("INSERT INTO main.sqlite_sequence (name, seq) VALUES ('sessions', ?)", (row[0],))


def _damaged(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


def swap_in(staged: Path, journal: Path, *, outcome: str) -> None:
    """Put `staged` in place of a journal too damaged to be restored in place, as a file: its
    -wal and -shm go first (a copy of the -wal was kept), or SQLite would replay them."""
    try:
        for suffix in ("-wal", "-shm"):
            Path(f"{journal}{suffix}").unlink(missing_ok=True)
        os.replace(staged, journal)
    except OSError as exc:
        raise _cannot_write(journal.parent, write_cause(exc), outcome) from None


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
    except cipher.Error as exc:
        return _failed(exc, journal)
    try:
        try:
            problems = integrity_problems(conn)
        except cipher.Error as exc:
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
    except cipher.Error as exc:
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
