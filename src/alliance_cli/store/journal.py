"""The journal: one SQLite file, opened ready to use.

Opening checks that the file is an alliance journal before anything is written to it,
applies pending migrations, and switches to WAL. Writes take the write lock up front
(BEGIN IMMEDIATE) and wait up to BUSY_TIMEOUT_S for another terminal, so two terminals
logging at once take turns instead of failing. A session and all its answers are one
transaction; a draft is saved after every answer, so an interrupted log loses nothing.

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TypeVar

from alliance_cli.core.answers import from_columns, to_columns
from alliance_cli.core.messages import Hint
from alliance_cli.core.records import Draft, NewSession, SavedSession, StoredSession
from alliance_cli.core.vocabulary import Roles, roles_of_snapshot
from alliance_cli.errors import JournalError
from alliance_cli.store import migrations

__all__ = ["Draft", "Journal", "NewSession", "SavedSession", "StoredSession", "journal_roles", "open_journal"]

BUSY_TIMEOUT_S = 15.0

T = TypeVar("T")


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _guarded(method: Callable[..., T]) -> Callable[..., T]:
    """Turn sqlite3 errors into JournalError messages that name the file and the remedy."""

    @functools.wraps(method)
    def wrapper(self: Journal, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise describe_sqlite_error(exc, self.path) from None

    return wrapper


def describe_sqlite_error(exc: sqlite3.Error, path: Path) -> JournalError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return JournalError(
            f"The journal {path} is locked by another program and stayed locked for "
            f"{BUSY_TIMEOUT_S:g} s; close it there and try again."
        )
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return JournalError(f"The journal {path} is damaged ({text}); {Hint.DOCTOR} and restore a backup.")
    if "readonly" in text or "unable to open" in text:
        return JournalError(f"Cannot write the journal {path} ({text}); check the file's permissions.")
    return JournalError(f"The journal {path} could not be used ({text}).")


def open_journal(path: Path, *, create: bool = False) -> Journal:
    """Open the journal at `path`, migrated and ready; create it (0600, folder 0700) if asked."""
    if not path.exists():
        if not create:
            raise JournalError(f"No journal at {path} yet; {Hint.START_LOG}")
        _create_private(path)
    elif path.is_dir():
        raise JournalError(f"{path} is a folder, not a journal file.")
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise describe_sqlite_error(exc, path) from None
    journal = Journal(conn, path)
    try:
        journal._prepare()
    except BaseException:
        conn.close()
        raise
    return journal


def _create_private(path: Path) -> None:
    folder = path.parent
    if not folder.exists():
        try:
            folder.mkdir(mode=0o700, parents=True)
            os.chmod(folder, 0o700)
        except FileExistsError:
            pass  # another terminal created it a moment ago
        except OSError as exc:
            raise JournalError(f"Cannot create the folder {folder} ({exc.strerror}).") from None
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        os.close(fd)
    except FileExistsError:
        pass  # another terminal created it a moment ago
    except OSError as exc:
        raise JournalError(f"Cannot create the journal {path} ({exc.strerror}).") from None


class Journal:
    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.conn.row_factory = sqlite3.Row

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # -- opening ---------------------------------------------------------------------------

    def _prepare(self) -> None:
        state = self._schema_state()
        if state == "ready":
            self._configure()
            return
        self._configure()
        try:
            # Foreign keys off while the schema changes, as SQLite's procedure for rebuilding a
            # table asks (a dropped table must not cascade to its answers); checked after.
            self.conn.execute("PRAGMA foreign_keys = OFF")
            with self.write():
                if self._schema_state() == "pending":
                    migrations.apply(self.conn)
                    if self.conn.execute("PRAGMA foreign_key_check").fetchone() is not None:
                        raise JournalError(f"The journal {self.path} has answers without a session; {Hint.DOCTOR}.")
            self.conn.execute("PRAGMA foreign_keys = ON")
        except sqlite3.Error as exc:
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
        except sqlite3.DatabaseError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise describe_sqlite_error(exc, self.path) from None
            raise JournalError(
                f"{self.path} is not an alliance journal (it is not an SQLite database); left untouched."
            ) from None
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
        except sqlite3.Error as exc:
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
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    raise
            if time.monotonic() > deadline:
                raise sqlite3.OperationalError("database is locked")
            time.sleep(0.01)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One transaction holding the write lock from its start; rolled back on any error."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

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
        """Client codes in use, most recently seen first."""
        return [
            r[0]
            for r in self.conn.execute("SELECT client FROM sessions GROUP BY client ORDER BY MAX(date) DESC, client")
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
    cursor = journal.conn.cursor()
    cursor.row_factory = None
    return cursor.execute(sql, [*(prompt_id for _, prompt_id in ratings), *params, *tail_params]).fetchall()


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
