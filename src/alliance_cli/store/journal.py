"""The journal: one SQLite file, opened ready to use.

Opening checks that the file is an alliance journal before anything is written to it,
and that a -wal file beside it belongs to it (`store.wal`). A command that writes opens it
read-write: pending migrations are applied and it is switched to WAL. A command that only
reads opens it read-only (`readonly`): no migration, no WAL switch, no new file, so a
backup or a copy it is pointed at keeps every byte. Writes take the write lock up front
(BEGIN IMMEDIATE) and wait up to BUSY_TIMEOUT_S for another terminal, so two terminals
logging at once take turns instead of failing. A session and all its answers are one
transaction; a draft is saved after every answer, so an interrupted log loses nothing.

SQLite's errors become one line that names the cause (a full disk, a read-only file,
folder or mount, a truncated or damaged file), worked out from SQLite's error code and the
file system, never from SQLite's message, which can quote a stored answer. Text that is not
valid UTF-8 (a damaged byte) is read with U+FFFD in its place instead of failing.

Plain sqlite3 on the hot paths (opening, logging, listing) keeps every command from paying
for sqlite_utils' import; `migrations` uses sqlite_utils when a schema change is due.
"""

from __future__ import annotations

import functools
import json
import os
import sqlite3
import time
import uuid as uuidlib
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

from alliance_cli.core.answers import from_columns, to_columns
from alliance_cli.core.messages import Hint
from alliance_cli.core.records import Draft, NewSession, SavedSession, StoredSession
from alliance_cli.core.vocabulary import Roles, roles_of_snapshot
from alliance_cli.errors import JournalError
from alliance_cli.store import cipher, migrations, wal

__all__ = ["Draft", "Journal", "NewSession", "SavedSession", "StoredSession", "journal_roles", "open_journal"]

BUSY_TIMEOUT_S = 15.0
LOW_SPACE = 1 << 20  # bytes: an I/O error with less free space than this is blamed on the space

T = TypeVar("T")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def tolerant_text(data: bytes) -> str:
    """Stored text as a str even when it is not valid UTF-8 (a damaged byte becomes U+FFFD)."""
    return data.decode("utf-8", "replace")


def undecodable(exc: BaseException) -> bool:
    """sqlite3's error for stored text that is not UTF-8. Its message quotes the text, so it
    is recognised here and never shown."""
    return (
        isinstance(exc, cipher.OperationalError)
        and error_code(exc) is None
        and str(exc).startswith("Could not decode to UTF-8")
    )


def error_code(exc: BaseException) -> int | None:
    """SQLite's primary result code (SQLITE_FULL, ...) of an error, None for errors sqlite3 makes itself."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


_UNDECODABLE = "alliance_undecodable"


def _undecodable_bytes(data: bytes | None) -> bool:
    try:
        (data or b"").decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def damaged_answers(conn: sqlite3.Connection, where: str = "", params: Sequence[Any] = ()) -> list[tuple[int, str]]:
    """(session id, prompt id) of the answers whose stored text is not valid UTF-8, in order;
    `where` filters the sessions `s`. Every stored text is decoded once, as bytes (about
    75 ms for a ten-year journal); SQLite has no test of its own for valid UTF-8."""
    conn.create_function(_UNDECODABLE, 1, _undecodable_bytes, deterministic=True)
    # Some sessions: their answers, found by session; the whole journal: one scan of the answers.
    answers = "sessions s CROSS JOIN answers a ON" if where else "answers a JOIN sessions s ON"
    sql = (
        f"SELECT a.session_id, CAST(a.prompt_id AS BLOB) FROM {answers} s.id = a.session_id "
        f"{where} {'AND' if where else 'WHERE'} a.value_text IS NOT NULL "
        f"AND {_UNDECODABLE}(CAST(a.value_text AS BLOB)) ORDER BY a.session_id, a.prompt_id"
    )
    return [(int(sid), tolerant_text(pid)) for sid, pid in conn.execute(sql, params)]


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Turn sqlite3 errors into JournalError messages that name the file and the remedy.

    Stored text that is not valid UTF-8 fails the strict (and fast) decoding every query
    starts with; the query is then run again, reading such text tolerantly from then on."""

    @functools.wraps(method)
    def wrapper(self: Journal, *args: Any, **kwargs: Any) -> T:
        try:
            try:
                return method(self, *args, **kwargs)
            except cipher.OperationalError as exc:
                if not undecodable(exc) or self.conn.text_factory is tolerant_text:
                    raise
                self.read_tolerantly()
                return method(self, *args, **kwargs)
        except cipher.Error as exc:
            if self.pending and error_code(exc) == sqlite3.SQLITE_ERROR:  # a table or column still to be made
                raise JournalError(
                    f"The journal {self.path} is from an older alliance and needs an upgrade for this, which a "
                    "command that only reads never makes: `alliance log` makes it as it opens the journal "
                    "(Ctrl-C at the first question then leaves it at that)."
                ) from None
            raise describe_sqlite_error(exc, self.path, reading=self.readonly) from None

    return wrapper


# SQLite's own words for the result codes a journal meets (by primary code); none holds data.
_SQLITE_WORDS = {
    "SQLITE_BUSY": "database is locked",
    "SQLITE_LOCKED": "database table is locked",
    "SQLITE_CORRUPT": "database disk image is malformed",
    "SQLITE_NOTADB": "file is not a database",
    "SQLITE_READONLY": "attempt to write a readonly database",
    "SQLITE_CANTOPEN": "unable to open database file",
    "SQLITE_PERM": "access permission denied",
    "SQLITE_FULL": "database or disk is full",
    "SQLITE_IOERR": "disk I/O error",
    "SQLITE_NOMEM": "out of memory",
    "SQLITE_TOOBIG": "string or blob too big",
    "SQLITE_CONSTRAINT": "constraint failed",
    "SQLITE_PROTOCOL": "locking protocol",
}


def sqlite_reason(exc: sqlite3.Error) -> str:
    """Why SQLite refused, in words that never quote the journal's content: from the error's
    result code, or a fixed phrase, never its message (a decode error's message quotes the
    stored text; others can carry a piece of a statement or of a search)."""
    name: str | None = getattr(exc, "sqlite_errorname", None)
    if name:
        return _SQLITE_WORDS.get("_".join(name.split("_")[:2]), name)
    if str(exc).startswith("Could not decode to UTF-8"):
        return "a stored text is not valid UTF-8"
    if str(exc) in _SQLITE_WORDS.values():  # raised by alliance itself (`_use_wal`)
        return str(exc)
    return type(exc).__name__


def describe_sqlite_error(exc: sqlite3.Error, path: Path, *, reading: bool = False) -> JournalError:
    """One line naming the cause, from SQLite's error code and the file system; SQLite's
    message is never quoted (it can carry a stored answer's text)."""
    code = error_code(exc)
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return locked(path)
    if undecodable(exc):
        return JournalError(f"Stored text in the journal {path} is not valid UTF-8 (damaged); {Hint.DOCTOR}.")
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return damaged(path, code)
    if code in (sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN) and out_of_space(path):
        return JournalError(f"No space left on the disk holding {path}; free some space there and try again.")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_IOERR):
        if path.exists() and not os.access(path, os.R_OK):
            return JournalError(f"Cannot read the journal {path}: you may not read the file (chmod u+r '{path}').")
        reason = unwritable(path)
        if reason is not None:
            verb = "read" if reading else "write"
            return JournalError(f"Cannot {verb} the journal {path}: {reason}.")
    if code == sqlite3.SQLITE_CANTOPEN:
        return JournalError(f"Cannot open the journal {path}; check that you may read it and its folder.")
    if code == sqlite3.SQLITE_IOERR:
        return JournalError(f"Reading or writing the journal {path} failed (a disk error: {exc.sqlite_errorname}).")
    name = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
    return JournalError(f"The journal {path} could not be used ({name}).")


def locked(path: Path) -> JournalError:
    return JournalError(
        f"The journal {path} is locked by another program and stayed locked for "
        f"{BUSY_TIMEOUT_S:g} s; close it there and try again."
    )


def damaged(path: Path, code: int | None = sqlite3.SQLITE_CORRUPT) -> JournalError:
    """A file SQLite cannot read: cut short, damaged, or no SQLite file at all."""
    cut = wal.truncation(path)
    if cut is not None:
        have, expected = cut
        return JournalError(
            f"The journal {path} is truncated: it has {have:,} of the {expected:,} bytes its header counts. "
            f"It was left as it is; {Hint.RESTORE}"
        )
    if code == sqlite3.SQLITE_NOTADB and wal.read_header(path) is None:
        return JournalError(f"{path} is not an alliance journal (it is not an SQLite database); left untouched.")
    return JournalError(f"The journal {path} is damaged (left as it is); {Hint.DOCTOR} and restore a backup.")


def out_of_space(path: Path) -> bool:
    """Whether the disk holding `path` has (next to) no room left for the journal to grow."""
    try:
        found = os.statvfs(path.parent)
    except OSError:
        return False
    return found.f_bavail * found.f_frsize < LOW_SPACE or (found.f_files > 0 and found.f_favail == 0)


def unwritable(path: Path) -> str | None:
    """Why the journal at `path` cannot be written, or None when nothing stops it: a
    read-only mount, file or folder (SQLite keeps its -wal and -shm files beside the journal)."""
    folder = path.parent
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "the disk or mount it is on is read-only"
    except OSError:
        pass
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"its folder {folder} is read-only (SQLite keeps the journal's -wal and -shm files beside it)"
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{path}{suffix}")
        if companion.exists() and not os.access(companion, os.R_OK | os.W_OK):
            return f"{companion} beside it is read-only"
    return None


def open_journal(path: Path, *, create: bool = False, readonly: bool = False) -> Journal:
    """Open the journal at `path`: read-write, migrated and ready, creating it (0600, folder
    0700) if asked; or, with `readonly`, exactly as it is (nothing created, migrated or
    switched, so the file keeps every byte).

    An empty file (0 bytes, nothing in a -wal) is a journal only for a command that may
    create one, which starts a new journal in it and says so (`Journal.notices`); other
    commands refuse it. A -wal file that does not belong to the journal is refused before
    SQLite reads it, by every command: SQLite would replay it onto the journal.
    """
    try:
        exists = path.exists()
    except OSError as exc:
        raise JournalError(f"Cannot look at {path} ({exc.strerror}).") from None
    notices: list[str] = []
    if not exists:
        if not create or readonly:
            raise JournalError(f"No journal at {path} yet; {Hint.START_LOG}")
        _create_private(path)
    elif path.is_dir():
        raise JournalError(f"{path} is a folder, not a journal file.")
    else:
        refuse_foreign_wal(path)
        if _empty(path):
            if not create or readonly:
                raise empty_file(path)
            notices.append(f"{path} was an empty file (0 bytes); started a new journal in it.")
    try:
        conn = _connect_readonly(path) if readonly else _connect(path)
    except cipher.Error as exc:
        raise describe_sqlite_error(exc, path, reading=readonly) from None
    journal = Journal(conn, path, readonly=readonly)
    journal.notices = notices
    try:
        journal._prepare()
    except BaseException:
        conn.close()
        raise
    return journal


def refuse_foreign_wal(path: Path) -> None:
    reason = wal.foreign_wal(path)
    if reason is not None:
        companion = Path(f"{path}-wal")
        raise JournalError(
            f"{companion} does not belong to the journal {path} ({reason}); SQLite would write it into the journal, "
            f"so nothing was opened or changed. Move it aside (mv '{companion}' '{companion}.aside') and try again; "
            "keep the moved file. If another program has the journal open, close it first."
        )


def empty_file(path: Path) -> JournalError:
    return JournalError(
        f"{path} is an empty file (0 bytes), not a journal; it was left as it is. "
        "`alliance log` starts a new journal in it; if it held your journal, "
        "`alliance restore BACKUP` puts a backup in its place."
    )


def refuse_empty(path: Path) -> None:
    """A JournalError for an empty file (0 bytes, nothing in a -wal): it is no journal."""
    if _empty(path):
        raise empty_file(path)


def _empty(path: Path) -> bool:
    """A 0-byte file with nothing in a -wal beside it for SQLite to replay."""
    return path.stat().st_size == 0 and not wal.read_wal(Path(f"{path}-wal")).committed


def _connect(path: Path) -> sqlite3.Connection:
    """A read-write connection to the journal at `path`: every connection of the store is made
    here or in `_connect_readonly`; an encrypted journal's is SQLCipher's, keyed (`cipher`)."""
    if cipher.is_encrypted(path):
        key = cipher.key_for(path)
        return cast(sqlite3.Connection, cipher.connect(path, key, timeout=BUSY_TIMEOUT_S))
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)


def _connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that cannot write to `path`. A WAL journal needs its -shm (made beside
    it when missing); where that cannot be made (a read-only folder or mount, a full disk)
    and nothing else can write the journal either, it is read `immutable`: without locks,
    its -wal still read."""
    uri = path.resolve().as_uri() + "?mode=ro"
    key = cipher.key_for(path) if cipher.is_encrypted(path) else None

    def connect(target: str) -> sqlite3.Connection:
        if key is not None:
            return cast(sqlite3.Connection, cipher.connect(target, key, uri=True, timeout=BUSY_TIMEOUT_S))
        return sqlite3.connect(target, uri=True, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)

    conn = connect(uri)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # the first read sets up the -shm
        return conn
    except cipher.Error as exc:
        conn.close()
        blocked = error_code(exc) in (sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_IOERR)
        if not blocked or (unwritable(path) is None and not out_of_space(path)):
            raise
    return connect(uri + "&immutable=1")


def connect_copy(target: Path, like: Path) -> sqlite3.Connection:
    """A connection to `target`, a new file that is to be a copy of the journal `like`: plain
    for a plain journal, encrypted with the same key (and salt) for an encrypted one."""
    if cipher.is_encrypted(like):
        key = cipher.key_for(like)
        cipher.set_key(target, key)  # the copy opens with the same key, asking nothing
        return cast(sqlite3.Connection, cipher.connect(target, key, salt=cipher.salt_of(like)))
    return sqlite3.connect(target, isolation_level=None)


def row_type(conn: sqlite3.Connection) -> Any:
    """The Row class of the connection's driver (sqlite3's, or sqlcipher3's for an encrypted journal)."""
    return sqlite3.Row if isinstance(conn, sqlite3.Connection) else cipher.driver().Row


def _create_private(path: Path) -> None:
    folder = path.parent
    try:
        _private_folders(folder)
    except OSError as exc:
        raise JournalError(f"Cannot create the folder {folder} ({exc.strerror}).") from None
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            if hasattr(os, "fchmod"):
                os.fchmod(fd, 0o600)  # whatever the umask took away
        finally:
            os.close(fd)
    except FileExistsError:
        pass  # another terminal created it a moment ago
    except OSError as exc:
        raise JournalError(f"Cannot create the journal {path} ({exc.strerror}).") from None


def _private_folders(folder: Path) -> None:
    """Create `folder` and each missing parent 0700, whatever the umask; existing folders
    are left as they are. (The twin of `settings.files.private_folder`: store may not
    import settings.)"""
    missing: list[Path] = []
    for level in (folder, *folder.parents):
        if level.is_dir():
            break
        missing.append(level)
    for level in reversed(missing):
        try:
            level.mkdir(mode=0o700)
        except FileExistsError:
            if not level.is_dir():
                raise
            continue  # another terminal created it a moment ago
        os.chmod(level, 0o700)


class Journal:
    def __init__(self, conn: sqlite3.Connection, path: Path, *, readonly: bool = False) -> None:
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.pending = False  # an older journal read as it is: schema steps not applied
        self.notices: list[str] = []  # what opening did that the user should hear of
        self.damaged_text = False  # some stored text was not valid UTF-8 (read with U+FFFD)
        self.damaged_sessions: set[int] = set()  # the sessions whose answers were, where known
        self.conn.row_factory = row_type(conn)
        # While it is open, nothing in this process opens the file again (`cipher.connected`);
        # a journal dropped without `close` gives its note back as it goes (its connection
        # closes with it, and the file's inode number may then be reused).
        held = cipher.connected(path, not isinstance(conn, sqlite3.Connection))
        self._release = weakref.finalize(self, cipher.released, held)

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()
        self._release()  # once: a second close, or the finalizer after it, does nothing

    def read_tolerantly(self, sessions: Iterable[int] | None = None) -> None:
        """From now on, read stored text that is not valid UTF-8 with U+FFFD in its place;
        `sessions` hold such answers (by default, found now: before a write could replace them)."""
        self.conn.text_factory = tolerant_text
        self.damaged_text = True
        if sessions is None:
            try:
                sessions = [sid for sid, _ in damaged_answers(self.conn)]
            except cipher.Error:
                sessions = []  # the damage is elsewhere (not in an answer): said without sessions
        self.damaged_sessions.update(sessions)

    # -- opening ---------------------------------------------------------------------------

    def _prepare(self) -> None:
        state = self._schema_state()
        if self.readonly:
            self.pending = state == "pending"
            return
        if state == "ready":
            self._configure()
            return
        self._configure()
        try:
            # Foreign keys checked once, after the schema changes, as SQLite's procedure for
            # rebuilding a table asks: a dropped table must not cascade to its answers.
            with self.write_checked_once():
                if self._schema_state() == "pending":
                    migrations.apply(self.conn)
        except cipher.Error as exc:
            raise describe_sqlite_error(exc, self.path) from None

    def _schema_state(self) -> str:
        """'ready', 'pending' (new or older journal), or raise for a file that is not ours."""
        try:
            tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            applied: list[str] = []
            if "_sqlite_migrations" in tables:
                applied = [
                    r[0]
                    for r in self.conn.execute(
                        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
                        (migrations.MIGRATION_SET,),
                    )
                ]
        except cipher.Error as exc:
            raise describe_sqlite_error(exc, self.path, reading=self.readonly) from None
        if tables and not applied:
            raise JournalError(
                f"{self.path} is an SQLite database of another program, not an alliance journal; left untouched."
            )
        unknown = [name for name in applied if name not in migrations.NAMES]
        if unknown:
            raise JournalError(
                f"The journal {self.path} was written by a newer version of alliance; "
                "upgrade alliance to use it (the file was not changed)."
            )
        return "ready" if len(applied) == len(migrations.NAMES) else "pending"

    def _configure(self) -> None:
        try:
            self.conn.execute("PRAGMA foreign_keys = ON")
            # Deleted content is overwritten with zeros, not left in free pages of the file.
            self.conn.execute("PRAGMA secure_delete = ON")
            self._use_wal()
            self.conn.execute("PRAGMA synchronous = FULL")
        except cipher.Error as exc:
            raise describe_sqlite_error(exc, self.path) from None

    def _use_wal(self) -> None:
        """Switch a new journal to WAL. The switch needs the file to itself and SQLite does
        not wait for that on its own, so a second terminal opening the same new journal at
        the same moment retries here instead of failing."""
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] == "wal":
                    return
            except cipher.OperationalError as exc:
                if error_code(exc) not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                    raise
            if time.monotonic() > deadline:
                raise locked(self.path)
            time.sleep(0.01)

    def _mark(self) -> None:
        """Write the journal's id and the next commit count into its header (page 1), inside
        the write transaction: the WAL then shows which journal each commit belongs to
        (`store.wal`). A journal without an id gets one."""
        app_id, seq = self.conn.execute("SELECT * FROM pragma_application_id, pragma_user_version").fetchone()
        if app_id >> 24 != wal.ID_MARK:
            self.conn.execute(f"PRAGMA application_id = {wal.ID_MARK << 24 | int.from_bytes(os.urandom(3), 'big')}")
        self.conn.execute(f"PRAGMA user_version = {(int(seq) + 1) & 0x7FFFFFFF}")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction holding the write lock from its start; rolled back on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self._mark()
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def write_checked_once(self) -> Iterator[sqlite3.Connection]:
        """`write`, with every foreign key checked once before the commit instead of at each
        row written (SQLite turns the checks on and off only outside a transaction).

        For a migration, and for an import's million rows: with no key to check at each row,
        and statements that keep the rows before one that fails (`INSERT OR FAIL`, whose
        transaction is then rolled back whole), SQLite keeps no copy of the pages each
        statement changes to undo it alone. A session's answers are deleted by the writer
        itself meanwhile, not by the cascade."""
        self.conn.execute("PRAGMA foreign_keys = OFF")
        try:
            with self.write() as conn:
                yield conn
                if conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                    raise JournalError(f"The journal {self.path} has answers without a session; {Hint.DOCTOR}.")
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    # -- sessions --------------------------------------------------------------------------

    @_guarded
    def save_session(self, session: NewSession, *, draft_id: int | None = None) -> SavedSession:
        """Write a session and all its answers at once (and drop the draft it came from)."""
        with self.write() as conn:
            session_id, session_uuid = self._insert_session(session)
            if draft_id is not None:
                conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
            number = conn.execute("SELECT session_number FROM session_view WHERE id = ?", (session_id,)).fetchone()[0]
        return SavedSession(session_id, session_uuid, int(number))

    @_guarded
    def save_sessions(self, sessions: Iterable[NewSession]) -> int:
        """Write many sessions in one transaction (imports, the benchmark's generator)."""
        count = 0
        with self.write():
            for session in sessions:
                self._insert_session(session)
                count += 1
        return count

    def _insert_session(self, session: NewSession) -> tuple[int, str]:
        session_uuid = session.uuid or str(uuidlib.uuid4())
        set_id = self._prompt_set_id(session)
        cur = self.conn.execute(
            "INSERT INTO sessions (uuid, client, date, modality, logged_at, prompt_set_id) VALUES (?, ?, ?, ?, ?, ?)",
            (
                session_uuid,
                session.client,
                session.date.isoformat(),
                session.modality,
                session.logged_at or now_iso(),
                set_id,
            ),
        )
        session_id = int(cur.lastrowid or 0)
        self.conn.executemany(
            "INSERT INTO answers (session_id, prompt_id, kind, value_num, value_text) VALUES (?, ?, ?, ?, ?)",
            [
                (session_id, pid, session.kinds[pid], *to_columns(session.kinds[pid], value))
                for pid, value in session.answers.items()
                if value is not None
            ],
        )
        return session_id, session_uuid

    def _prompt_set_id(self, session: NewSession) -> int:
        row = self.conn.execute("SELECT id FROM prompt_sets WHERE digest = ?", (session.prompt_set_digest,)).fetchone()
        if row:
            return int(row[0])
        cur = self.conn.execute(
            "INSERT INTO prompt_sets (version, digest, snapshot, first_used) VALUES (?, ?, ?, ?)",
            (session.prompt_set_version, session.prompt_set_digest, session.prompt_set_snapshot, now_iso()),
        )
        return int(cur.lastrowid or 0)

    @_guarded
    def get_session(self, session_id: int) -> StoredSession | None:
        row = self.conn.execute(
            "SELECT s.*, p.version AS ps_version, p.snapshot FROM session_view s "
            "JOIN prompt_sets p ON p.id = s.prompt_set_id WHERE s.id = ?",
            (session_id,),
        ).fetchone()
        if row is None:
            return None
        answers = {
            a["prompt_id"]: from_columns(a["kind"], a["value_num"], a["value_text"])
            for a in self.conn.execute("SELECT * FROM answers WHERE session_id = ?", (session_id,))
        }
        snapshot = json.loads(row["snapshot"])
        order = [p["id"] for p in snapshot.get("prompts", [])]
        ordered = {pid: answers[pid] for pid in order if pid in answers}
        ordered.update({k: v for k, v in answers.items() if k not in ordered})
        return StoredSession(
            id=row["id"],
            uuid=row["uuid"],
            client=row["client"],
            date=row["date"],
            modality=row["modality"],
            session_number=row["session_number"],
            logged_at=row["logged_at"],
            edited_at=row["edited_at"],
            prompt_set_version=row["ps_version"],
            prompt_set=snapshot,
            answers=ordered,
        )

    @_guarded
    def list_sessions(
        self,
        *,
        client: str | None = None,
        since: date | None = None,
        until: date | None = None,
        limit: int | None = 20,
        roles: Roles | None = None,
    ) -> list[dict[str, Any]]:
        """Recent sessions, newest first, with each principle's rating as a column named after
        the principle (the rating prompts of `roles`; by default the journal's, `journal_roles`),
        then your read of the client and their score (`client_view`, `client_score`) when the
        prompt set has those prompts."""
        where, params = _filters(client, since, until)
        tail, tail_params = "ORDER BY s.date DESC, s.id DESC", []
        if limit is not None:
            tail += " LIMIT ?"
            tail_params.append(limit)
        roles = roles or journal_roles(self)
        return rated_sessions(self, (*roles.ratings, *roles.client_columns), where, params, tail, tail_params)

    @_guarded
    def client_codes(self) -> list[str]:
        """Client codes in use, most recently seen first. Read before the first question of a
        log (its completion): the codes hop through the (client, date) index, one seek each,
        rather than every session being read (half the time at 10 and 40 years)."""
        return [
            r[0]
            for r in self.conn.execute(
                "WITH RECURSIVE c(client) AS (SELECT MIN(client) FROM sessions UNION ALL "
                "SELECT (SELECT MIN(client) FROM sessions WHERE client > c.client) FROM c WHERE c.client IS NOT NULL) "
                "SELECT client FROM c WHERE client IS NOT NULL "
                "ORDER BY (SELECT MAX(date) FROM sessions s WHERE s.client = c.client) DESC, client"
            )
        ]

    @_guarded
    def last_modality(self) -> str | None:
        row = self.conn.execute("SELECT modality FROM sessions ORDER BY id DESC LIMIT 1").fetchone()
        return row[0] if row else None

    # -- drafts ----------------------------------------------------------------------------

    @_guarded
    def save_draft(
        self, draft_id: int | None, state: dict[str, Any], *, command: str = "log", session_id: int | None = None
    ) -> int:
        """Create or update a draft; called after every answer, so it is small and quick."""
        body = json.dumps(state, default=str)
        stamp = now_iso()
        with self.write() as conn:
            if draft_id is not None:
                cur = conn.execute("UPDATE drafts SET state = ?, updated_at = ? WHERE id = ?", (body, stamp, draft_id))
                if cur.rowcount:
                    return draft_id
            cur = conn.execute(
                "INSERT INTO drafts (command, session_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                (command, session_id, body, stamp, stamp),
            )
            return int(cur.lastrowid or 0)

    @_guarded
    def latest_draft(self, command: str = "log", session_id: int | None = None) -> Draft | None:
        row = self.conn.execute(
            "SELECT * FROM drafts WHERE command = ? AND session_id IS ? ORDER BY updated_at DESC, id DESC LIMIT 1",
            (command, session_id),
        ).fetchone()
        if row is None:
            return None
        return Draft(
            row["id"], row["command"], row["session_id"], json.loads(row["state"]), row["created_at"], row["updated_at"]
        )

    @_guarded
    def drafts(self) -> list[Draft]:
        """Every draft, oldest first (a journal holds a handful)."""
        return [
            Draft(r["id"], r["command"], r["session_id"], json.loads(r["state"]), r["created_at"], r["updated_at"])
            for r in self.conn.execute("SELECT * FROM drafts ORDER BY id")
        ]

    @_guarded
    def has_sessions(self) -> bool:
        """Whether any session is saved: one index seek, however long the journal."""
        return bool(self.conn.execute("SELECT EXISTS (SELECT 1 FROM sessions)").fetchone()[0])

    @_guarded
    def count_sessions(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    @_guarded
    def delete_draft(self, draft_id: int) -> None:
        with self.write() as conn:
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))


_NUMBERED = ("id", "date", "client", "session_number", "modality")


@_guarded
def rated_sessions(
    journal: Journal,
    ratings: Sequence[tuple[str, str]],
    where: str,
    params: Sequence[Any],
    tail: str = "",
    tail_params: Sequence[Any] = (),
) -> list[dict[str, Any]]:
    """Sessions `s` as `list` and `delete` show them: id, date, client, session_number,
    modality, and each principle's rating under the principle's id (None when not answered)."""
    keys = (*_NUMBERED, *(principle for principle, _ in ratings))
    return [
        dict(zip(keys, row, strict=True))
        for row in rating_rows(journal, ratings, where, params, tail, tail_params, numbered=True)
    ]


@_guarded
def rating_rows(
    journal: Journal,
    ratings: Sequence[tuple[str, str]],
    where: str,
    params: Sequence[Any],
    tail: str = "",
    tail_params: Sequence[Any] = (),
    *,
    numbered: bool = False,
) -> list[tuple[Any, ...]]:
    """The one ratings query: for each session `s` (filtered by `where`, ordered and limited by
    `tail`), a tuple of id, date, client (then session_number and modality when `numbered`),
    then its answer to the rating prompt of each (principle, prompt id) of `ratings`, in
    order. The prompt ids go to SQLite as parameters. `list`, `delete` and `clients` read
    their ratings here; plain tuples keep 25,000 rows quick."""
    columns = "".join(
        f", (SELECT value_num FROM answers a WHERE a.session_id = s.id AND a.prompt_id = ?) AS r{i}"
        for i in range(len(ratings))
    )
    base = _NUMBERED if numbered else _NUMBERED[:3]
    source = "session_view" if numbered else "sessions"  # session_number costs a count per row
    sql = f"SELECT {', '.join(f's.{c}' for c in base)}{columns} FROM {source} s {where} {tail}"
    return tuples(journal).execute(sql, [*(prompt_id for _, prompt_id in ratings), *params, *tail_params]).fetchall()


def tuples(journal: Journal) -> sqlite3.Cursor:
    """A cursor whose rows are plain tuples, not the journal's named rows: quicker for the
    many rows of a list (`rating_rows`, `clients`)."""
    cursor = journal.conn.cursor()
    cursor.row_factory = None
    return cursor


@_guarded
def latest_snapshot(journal: Journal) -> str | None:
    """The prompt set (JSON) the latest saved session was logged with; None in an empty journal."""
    row = journal.conn.execute(
        "SELECT p.snapshot FROM sessions s JOIN prompt_sets p ON p.id = s.prompt_set_id ORDER BY s.id DESC LIMIT 1"
    ).fetchone()
    return None if row is None else str(row[0])


def journal_roles(journal: Journal) -> Roles:
    """The roles of the prompt set the latest session was logged with (none in an empty
    journal), read from its JSON without pydantic: what `list`, `clients` and the recap go
    by when no prompt set is given, the same set the review goes by."""
    text = latest_snapshot(journal)
    try:
        return roles_of_snapshot(json.loads(text) if text else None)
    except (ValueError, TypeError, AttributeError):
        raise JournalError(f"A stored prompt set is damaged; {Hint.DOCTOR}.") from None


def _filters(client: str | None, since: date | None, until: date | None, alias: str = "s") -> tuple[str, list[Any]]:
    clauses, params = [], []
    if client is not None:
        clauses.append(f"{alias}.client = ?")
        params.append(client)
    if since is not None:
        clauses.append(f"{alias}.date >= ?")
        params.append(since.isoformat())
    if until is not None:
        clauses.append(f"{alias}.date <= ?")
        params.append(until.isoformat())
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
