"""The SQL behind `alliance export` and `alliance import`.

Export streams: two cursors walk the journal in (date, id) order inside one read
transaction, one over the sessions (with their per-client session numbers, counted over
the whole journal by a window function so a date filter does not restart them) and one
over the answers. The answers come in prompt-set order without a sort: a small temporary
table holds the wanted prompts with their position as its rowid, and the query loops
sessions (date index) x prompts (rowid order) x answer (primary key lookup). Memory stays
flat however large the journal is.

Import writes everything in one `Journal.write_checked_once()` transaction. The sessions
it is given are validated lazily by the caller's generator, which raises at the end when any
row had a problem: the exception rolls the transaction back, so a refused file leaves
nothing behind.
A dry run rolls back on purpose. Sessions are matched by uuid: an identical one is skipped,
a different one is a conflict unless `replace` is set. Into an empty journal the sessions
keep their ids, so a whole export imported into a fresh journal exports byte for byte the
same (ids decide the order of same-day sessions and their numbers).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from alliance_cli.core.answers import from_columns, to_columns
from alliance_cli.core.messages import MAX_LISTED
from alliance_cli.errors import JournalError
from alliance_cli.store import cipher
from alliance_cli.store.journal import (
    Journal,
    NewSession,
    _guarded,
    damaged_answers,
    describe_sqlite_error,
    now_iso,
)

_PROMPTS = "temp.exchange_prompts"
_NUMBERS = "temp.exchange_numbers"


@dataclass(frozen=True)
class ExportQuery:
    """What to export: everything, or sessions of one client and/or a date range, some prompts."""

    client: str | None = None
    since: date | None = None
    until: date | None = None
    prompt_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportPrompt:
    id: str
    principle: str | None


# -- export ----------------------------------------------------------------------------


@_guarded
def export_prompts(journal: Journal, current: Sequence[ExportPrompt]) -> list[ExportPrompt]:
    """The prompts an export has columns (wide) or rows (long) for, in order.

    The current prompt set first, in its order; then prompts that only older prompt sets
    had and the journal holds answers to, by id (their principle from the newest set that
    has them), so no answer is left out of an export.
    """
    known = {p.id for p in current}
    stored = [r[0] for r in journal.conn.execute(_STORED_PROMPTS) if r[0] is not None]
    extra = [pid for pid in stored if pid not in known]
    principles: dict[str, str | None] = {}
    if extra:
        for (snapshot,) in journal.conn.execute("SELECT snapshot FROM prompt_sets ORDER BY id DESC"):
            for prompt in json.loads(snapshot).get("prompts", []):
                principles.setdefault(prompt["id"], prompt.get("principle"))
    return [*current, *(ExportPrompt(pid, principles.get(pid)) for pid in extra)]


# The prompt ids the answers hold, in order: one step down the `answers_prompt` index per id (a
# skip scan), not a pass over every answer as `SELECT DISTINCT` takes, which grows with the journal.
_STORED_PROMPTS = (
    "WITH RECURSIVE ids(id) AS (SELECT min(prompt_id) FROM answers UNION ALL "
    "SELECT (SELECT min(prompt_id) FROM answers WHERE prompt_id > ids.id) FROM ids WHERE ids.id IS NOT NULL) "
    "SELECT id FROM ids"
)


@contextmanager
def _reading(journal: Journal, query: ExportQuery, prompts: Sequence[ExportPrompt]) -> Iterator[Any]:
    """One read transaction (every cursor sees the same journal) with the helper tables filled.

    `exchange_prompts` holds the wanted prompts with their position as rowid;
    `exchange_numbers` each exported session's number with its client, counted over the
    whole journal, so exporting one month still says "session 37" (`_BEFORE`). Both live
    in SQLite's temp store and vanish with the transaction.
    """
    conn = journal.conn
    try:
        conn.execute("BEGIN")
        conn.execute(
            f"CREATE TABLE {_PROMPTS} (ord INTEGER PRIMARY KEY, prompt_id TEXT NOT NULL, principle TEXT, head TEXT)"
        )
        conn.executemany(
            f"INSERT INTO {_PROMPTS} (ord, prompt_id, principle) VALUES (?, ?, ?)",
            [(i, p.id, p.principle) for i, p in enumerate(prompts)],
        )
        conn.execute(f"CREATE TABLE {_NUMBERS} (id INTEGER PRIMARY KEY, session_number INTEGER NOT NULL, head TEXT)")
        where, _, params = _where(query)
        before = _BEFORE if query.since is not None else ""
        conn.execute(
            f"INSERT INTO {_NUMBERS} (id, session_number) SELECT s.id, "
            f"ROW_NUMBER() OVER (PARTITION BY s.client ORDER BY s.date, s.id){before} "
            f"FROM sessions s {where}",
            [query.since.isoformat(), *params] if query.since is not None else params,  # (`_BEFORE` comes first)
        )
        damaged = damaged_answers(conn, where, params)
        if damaged:  # read with U+FFFD for the bad bytes, and say which sessions (the strict decoding is faster)
            journal.read_tolerantly(sid for sid, _ in damaged)
        yield conn
    except cipher.Error as exc:
        raise describe_sqlite_error(exc, journal.path, reading=journal.readonly) from None
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")  # nothing was written to the journal; this drops the helper tables


# A session's number counts its client's sessions up to it. For the sessions an export holds,
# that is their place among the client's sessions it holds, plus, from `--since` on, the
# client's sessions before that day (the sessions after `--until` come later): found in the
# `sessions_client_date` index, so a month's export costs what a month holds, not the years.
_BEFORE = " + (SELECT count(*) FROM sessions b WHERE b.client = s.client AND b.date < ?)"


def _where(query: ExportQuery) -> tuple[str, str, list[Any]]:
    """The WHERE clause on sessions `s`, and the index that walks them in (date, id) order."""
    clauses, params = [], []
    index = "sessions_date"
    if query.client is not None:
        clauses.append("s.client = ?")
        params.append(query.client)
        index = "sessions_client_date"
    if query.since is not None:
        clauses.append("s.date >= ?")
        params.append(query.since.isoformat())
    if query.until is not None:
        clauses.append("s.date <= ?")
        params.append(query.until.isoformat())
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), index, params


# How an answer is exported as CSV text: numbers as numbers, yes/no, several choices joined with ';'.
_TEXT_VALUE = (
    "CASE a.kind WHEN 'yesno' THEN CASE WHEN a.value_num THEN 'yes' ELSE 'no' END "
    "WHEN 'multi' THEN (SELECT group_concat(c, ';') FROM "
    "(SELECT value AS c FROM json_each(a.value_text) ORDER BY key)) "
    "ELSE coalesce(a.value_num, a.value_text) END"
)
# Spreadsheet safety in SQL, as `ui.formats.escape_cell` has it (tests/test_export.py holds the
# two to the same answers): a text whose first character, its leading apostrophes left out, is
# = + - @ tab CR LF or NUL gets one more apostrophe in front. The first byte is compared as a
# blob, since SQLite's text functions stop at a NUL; each of these characters is one byte.
_RISKY_BYTES = "x'3d', x'2b', x'2d', x'40', x'09', x'0d', x'0a', x'00'"


def _risky(text: str) -> str:
    """SQL: whether the text expression `text` would be escaped."""
    return f"CAST(substr(CAST(ltrim({text}, '''') AS BLOB), 1, 1) AS BLOB) IN ({_RISKY_BYTES})"


_FIRST_CHOICE_RISKY = _risky("CAST(json_extract(a.value_text, '$[0]') AS TEXT)")
_ESCAPED_TEXT = f"CASE WHEN {_risky('a.value_text')} THEN '''' || a.value_text ELSE a.value_text END"
# `_TEXT_VALUE` made spreadsheet-safe: numbers and yes/no are never touched; several choices
# are escaped when their first one would be (what the joined text starts with).
_ESCAPED_VALUE = (
    "CASE a.kind WHEN 'yesno' THEN CASE WHEN a.value_num THEN 'yes' ELSE 'no' END "
    f"WHEN 'multi' THEN CASE WHEN {_FIRST_CHOICE_RISKY} "
    "THEN '''' ELSE '' END || (SELECT group_concat(c, ';') FROM "
    "(SELECT value AS c FROM json_each(a.value_text) ORDER BY key)) "
    f"WHEN 'text' THEN {_ESCAPED_TEXT} "
    f"ELSE coalesce(a.value_num, {_ESCAPED_TEXT}) END"
)
# As the typed answer (JSON): the stored column, turned into true/false or a list by `_typed`.
_STORED_VALUE = "coalesce(a.value_num, a.value_text)"
_NOT_AS_STORED = frozenset({"yesno", "multi"})  # stored as 0/1 and as a JSON array


def _typed(kind: str, stored: Any) -> Any:
    """The typed answer from the one column a kind of `_NOT_AS_STORED` uses."""
    return from_columns(kind, stored, stored)


def _answers_sql(query: ExportQuery, columns: str) -> tuple[str, list[Any]]:
    where, index, params = _where(query)
    # CROSS JOIN fixes the loop order: sessions by an index that ends in the rowid, then the
    # prompts by position, then one primary-key lookup per answer. Rows come out in
    # (date, id, prompt position) order with no sort, and the first row comes at once.
    sql = (
        f"SELECT {columns} FROM sessions s INDEXED BY {index} "
        f"CROSS JOIN {_NUMBERS} n ON n.id = s.id "
        f"CROSS JOIN {_PROMPTS} p "
        "CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = p.prompt_id "
        f"{where} ORDER BY s.date, s.id, p.ord"
    )
    return sql, params


Texts = Callable[[Iterable[tuple[int, str, str]]], None]


@contextmanager
def long_rows(
    journal: Journal,
    query: ExportQuery,
    prompts: Sequence[ExportPrompt],
    *,
    typed: bool = False,
    escaped: bool = False,
    texts: Texts | None = None,
) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The rows, one per answer, to iterate inside the `with`: session_id, uuid, date, client,
    session_number, modality, prompt_id, principle, kind, value. The value is CSV text
    (`_TEXT_VALUE`; with `escaped` made spreadsheet-safe), or with `typed` the answer as
    `alliance show` has it (JSON).

    `texts`, given, is handed the written answers among those rows first, as (session id,
    prompt id, text), in the same read transaction: the privacy check reads them in a pass
    of their own, so that no Python code runs between SQLite and the writer for the rows.
    A context manager giving the bare cursor (not a generator) keeps the CSV hot loop in C.
    """
    value = _STORED_VALUE if typed else _ESCAPED_VALUE if escaped else _TEXT_VALUE
    sql, params = _answers_sql(
        query,
        "s.id, s.uuid, s.date, s.client, n.session_number, s.modality, a.prompt_id, p.principle, a.kind, " + value,
    )
    with _reading(journal, query, prompts) as conn:
        if texts is not None:
            texts(_text_answers(conn, query))
        rows = conn.execute(sql, params)
        yield _typed_long(rows) if typed else rows


# -- the long shape as the text of the file, made by SQLite ----------------------------------
#
# Each row comes out of SQLite as the line the file holds, so Python only writes strings: the
# session's part is made once per session (in `exchange_numbers.head`), the prompt's once per
# prompt (`exchange_prompts.head`), and the answer's part per row, for the usual values (text,
# whole numbers, yes/no) in SQL. Anything else (a fraction, several choices, a value of an odd
# type) goes through the caller's `encode`, the Python encoder the other path writes with, so
# both write the same bytes (tests/test_export.py compares them).


def _csv_quoted(text: str, inner: str = "") -> str:
    """SQL: the text expression `text` as a CSV field (RFC 4180, quoted as Python's csv module
    quotes: only when it holds a comma, a double quote, CR or LF); `inner`, given, is what is
    written (the text escaped for a spreadsheet), `text` only decides the quoting."""
    inner = inner or text
    special = " OR ".join(f"instr({text}, {c})" for c in ("','", "'\"'", "char(13)", "char(10)"))
    return f"CASE WHEN {special} THEN '\"' || replace({inner}, '\"', '\"\"') || '\"' ELSE {inner} END"


_CSV_SESSION_HEAD = (
    "s.id || ',' || {uuid} || ',' || {date} || ',' || {client} || ',' || n.session_number || ',' || {modality} || ','"
).format(**{c: _csv_quoted(f"s.{c}") for c in ("uuid", "date", "client", "modality")})
_CSV_PROMPT_HEAD = f"{_csv_quoted('prompt_id')} || ',' || coalesce({_csv_quoted('principle')}, '') || ','"
_JSON_SESSION_HEAD = (
    """'{"session_id": ' || s.id || ', "uuid": ' || json_quote(s.uuid) || ', "date": ' || json_quote(s.date) """
    """|| ', "client": ' || json_quote(s.client) || ', "session_number": ' || n.session_number """
    """|| ', "modality": ' || json_quote(s.modality) || ', '"""
)
_JSON_PROMPT_HEAD = """'"prompt_id": ' || json_quote(prompt_id) || ', "principle": ' || json_quote(principle) || ', '"""
_ENCODE = "alliance_encode"  # the caller's encoder, for the values SQL leaves to it


def _csv_answer(escaped: bool) -> str:
    text = f"CASE WHEN {_risky('a.value_text')} THEN '''' || a.value_text ELSE a.value_text END" if escaped else ""
    return (
        f"{_csv_quoted('a.kind')} || ',' || "
        "CASE a.kind WHEN 'yesno' THEN CASE WHEN a.value_num THEN 'yes' ELSE 'no' END "
        f"WHEN 'multi' THEN {_ENCODE}((SELECT group_concat(c, ';') FROM "
        "(SELECT value AS c FROM json_each(a.value_text) ORDER BY key))) "
        "ELSE CASE WHEN a.value_num IS NULL AND typeof(a.value_text) = 'text' "
        f"THEN {_csv_quoted('a.value_text', text)} "
        "WHEN typeof(a.value_num) = 'integer' THEN a.value_num "
        f"ELSE {_ENCODE}(coalesce(a.value_num, a.value_text)) END END || char(13, 10)"
    )


_JSON_ANSWER = (
    """'"kind": ' || json_quote(a.kind) || ', "value": ' || """
    "CASE WHEN a.kind = 'yesno' AND typeof(a.value_num) = 'integer' "
    "THEN CASE WHEN a.value_num THEN 'true' ELSE 'false' END "
    f"WHEN a.kind IN ('yesno', 'multi') THEN {_ENCODE}(coalesce(a.value_num, a.value_text), a.kind) "
    "WHEN a.value_num IS NULL AND typeof(a.value_text) = 'text' THEN json_quote(a.value_text) "
    "WHEN typeof(a.value_num) = 'integer' THEN a.value_num "
    f"ELSE {_ENCODE}(coalesce(a.value_num, a.value_text), a.kind) END || '}}'"
)


@contextmanager
def long_lines(
    journal: Journal,
    query: ExportQuery,
    prompts: Sequence[ExportPrompt],
    encode: Callable[[Any], str],
    *,
    fmt: str = "csv",
    escaped: bool = False,
    texts: Texts | None = None,
) -> Iterator[Iterator[str]]:
    """The long shape's rows as the lines of the file, to iterate inside the `with`: a CSV line
    ending in CRLF (`escaped`: the value made spreadsheet-safe), or a JSON object without a
    line end (`fmt` json or jsonl). `encode(value)` writes a value SQL leaves to Python: a CSV
    field, or (JSON) the typed answer. `texts` as for `long_rows`."""
    typed = fmt != "csv"

    def encoded(value: Any, kind: str | None = None) -> str:
        return encode(_typed(kind, value) if kind in _NOT_AS_STORED else value)

    if typed:
        session_head, prompt_head, answer = _JSON_SESSION_HEAD, _JSON_PROMPT_HEAD, _JSON_ANSWER
    else:
        session_head, prompt_head, answer = _CSV_SESSION_HEAD, _CSV_PROMPT_HEAD, _csv_answer(escaped)
    sql, params = _answers_sql(query, f"n.head || p.head || {answer}")
    with _reading(journal, query, prompts) as conn:
        conn.create_function(_ENCODE, -1, encoded)
        conn.execute(f"UPDATE {_PROMPTS} SET head = {prompt_head}")
        conn.execute(f"UPDATE {_NUMBERS} AS n SET head = {session_head} FROM sessions s WHERE s.id = n.id")
        if texts is not None:
            texts(_text_answers(conn, query))
        yield map(itemgetter(0), conn.execute(sql, params))


def _text_answers(conn: Any, query: ExportQuery) -> Iterator[tuple[int, str, str]]:
    """(session id, prompt id, text) of the written answers an export holds, in no set order:
    one scan of the answers table for the whole journal, else the answers of the sessions
    the filters keep."""
    where, index, params = _where(query)
    # The whole journal: one scan of the answers; some sessions: their answers, found by session.
    answers = f"sessions s INDEXED BY {index} CROSS JOIN answers a ON a.session_id = s.id" if where else "answers a"
    rows: Iterator[tuple[int, str, str]] = conn.execute(
        f"SELECT a.session_id, a.prompt_id, a.value_text FROM {answers} {where or 'WHERE 1'} AND a.kind = 'text' "
        f"AND a.value_text IS NOT NULL AND a.prompt_id IN (SELECT prompt_id FROM {_PROMPTS})",
        params,
    )
    return rows


def _typed_long(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    for row in rows:
        kind = row[8]
        yield (*row[:9], _typed(kind, row[9])) if kind in _NOT_AS_STORED else row


@contextmanager
def wide_rows(
    journal: Journal, query: ExportQuery, prompts: Sequence[ExportPrompt], *, typed: bool = False
) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The rows, one per session, to iterate inside the `with`: the six session columns,
    then one value per prompt (None when unanswered): CSV text, or with `typed` the typed answer."""
    where, index, params = _where(query)
    value = f"{_STORED_VALUE}, a.kind" if typed else _TEXT_VALUE
    sql, answer_params = _answers_sql(query, f"a.session_id, p.ord, {value}")
    width = len(prompts)
    with _reading(journal, query, prompts) as conn:
        sessions = conn.execute(
            f"SELECT s.id, s.uuid, s.date, s.client, n.session_number, s.modality FROM sessions s INDEXED BY {index} "
            f"CROSS JOIN {_NUMBERS} n ON n.id = s.id {where} ORDER BY s.date, s.id",
            params,
        )
        answers = conn.execute(sql, answer_params)

        def rows() -> Iterator[tuple[Any, ...]]:
            answer = next(answers, None)
            for head in sessions:  # both cursors walk the sessions in the same order
                cells: list[Any] = [None] * width
                while answer is not None and answer[0] == head[0]:
                    value = answer[2]
                    if typed and answer[3] in _NOT_AS_STORED:
                        value = _typed(answer[3], value)
                    cells[answer[1]] = value
                    answer = next(answers, None)
                yield (*head, *cells)

        yield rows()


# -- import ----------------------------------------------------------------------------


class SeenUuids:
    """The session uuids of a file read so far, each with where it first appeared (`row 12`),
    so that a uuid given twice is refused with both places named, whatever the file's size.

    They are kept by SQLite in a private temporary database of their own (an empty file
    name: on disk, removed as soon as it is opened, past a cache of at most 2 MB) rather than
    in a Python set, so an import's memory stays flat however many sessions a file holds.
    It holds uuids and row numbers, never an answer, and it is not the journal: a refused
    import has nothing to undo in it (the journal's first session is read before the
    journal is opened, so its own transaction cannot hold this).

    A uuid goes in with others, `_SEEN_BATCH` at a time by statements of many rows
    (`_insert_many`), rather than by a statement of its own: a fixed table of bits (one per
    hash value of a uuid, 1 MB) tells a uuid never given before without asking SQLite, and
    only a uuid whose bit is already set (given before, or sharing its bit with one that
    was) is looked up, the waiting ones written first."""

    def __init__(self) -> None:
        self.conn = sqlite3.connect("", isolation_level=None)
        self.conn.execute("PRAGMA cache_size = -2048")
        self.conn.execute("PRAGMA journal_mode = OFF")  # a scratch table: nothing to roll back
        self.conn.execute("CREATE TABLE seen (uuid TEXT PRIMARY KEY, at TEXT NOT NULL) WITHOUT ROWID")
        self.conn.execute("BEGIN")
        self._add = "INSERT INTO seen (uuid, at) VALUES (?, ?) ON CONFLICT DO NOTHING"
        self.bits = bytearray(_SEEN_BITS >> 3)
        self.waiting: dict[str, str] = {}  # uuid -> where, not yet in `seen` (none of them is)

    def first(self, uuid: str, where: str) -> str | None:
        """None the first time `uuid` is given (kept with `where`), else where it was first."""
        h = hash(uuid) & (_SEEN_BITS - 1)
        byte, bit = h >> 3, 1 << (h & 7)
        waiting = self.waiting
        if not self.bits[byte] & bit:  # never given before
            self.bits[byte] |= bit
            waiting[uuid] = where
            if len(waiting) >= _SEEN_BATCH:
                self._write()
            return None
        if uuid in waiting:
            return waiting[uuid]
        try:
            self._write()
            if self.conn.execute(self._add, (uuid, where)).rowcount == 1:
                return None
            row = self.conn.execute("SELECT at FROM seen WHERE uuid = ?", (uuid,)).fetchone()
        except sqlite3.Error as exc:
            raise _no_room(exc) from None
        return str(row[0])

    def _write(self) -> None:
        if self.waiting:
            try:
                # None of them is in `seen` (their bits were not set), nor twice in `waiting`.
                _insert_many(self.conn, "seen (uuid, at)", [v for item in self.waiting.items() for v in item])
            except sqlite3.Error as exc:
                raise _no_room(exc) from None
            self.waiting.clear()

    def close(self) -> None:
        self.conn.close()


_SEEN_BITS = 1 << 23  # SeenUuids' table of bits, one per hash value (a power of two)
_SEEN_BATCH = 1000  # uuids SeenUuids writes at once


def _no_room(exc: sqlite3.Error) -> JournalError:
    """The temporary folder is full or cannot be written."""
    return JournalError(
        f"Cannot keep the file's session ids in a temporary file ({exc}); free some space in the "
        "temporary folder, or set TMPDIR to a folder with room, and run the import again. Nothing was imported."
    )


@dataclass
class IncomingSession:
    """A validated session from a file; `id_hint` is its id in the journal it came from."""

    session: NewSession
    id_hint: int | None = None


@dataclass
class Conflict:
    session_id: int
    uuid: str
    date: str
    client: str


@dataclass
class ImportOutcome:
    added: int = 0
    answers_added: int = 0
    unchanged: int = 0
    replaced: int = 0
    conflicts: list[Conflict] = field(default_factory=list)  # the first MAX_LISTED, to name
    conflicting: int = 0  # how many sessions in all: a file of any size keeps only the few it names
    dry_run: bool = False
    notices: list[str] = field(default_factory=list)  # what opening the journal did (`Journal.notices`)


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


@_guarded
def import_sessions(
    journal: Journal, incoming: Iterable[IncomingSession], *, replace: bool = False, dry_run: bool = False
) -> ImportOutcome:
    """Write the sessions in one transaction; any exception from `incoming` rolls it all back."""
    outcome = ImportOutcome(dry_run=dry_run)
    try:
        with journal.write_checked_once() as conn:
            # Into an empty journal every session is new (the caller refuses a uuid twice in
            # one file), so there is nothing to look up, and the sessions keep their ids.
            empty = conn.execute("SELECT NOT EXISTS (SELECT 1 FROM sessions)").fetchone()[0] == 1
            answers = _Answers(conn, empty=empty)  # written in batches: memory stays flat
            set_ids: dict[str, int] = {}
            for item in incoming:
                s = item.session
                if s.prompt_set_digest not in set_ids:
                    set_ids[s.prompt_set_digest] = journal._prompt_set_id(s)
                set_id = set_ids[s.prompt_set_digest]
                row = None
                if not empty:
                    row = conn.execute(
                        "SELECT id, client, date, modality FROM sessions WHERE uuid = ?", (s.uuid,)
                    ).fetchone()
                if row is None:
                    outcome.answers_added += _insert(conn, item, set_id, answers, keep_id=empty)
                    outcome.added += 1
                elif _same(conn, row, s):
                    outcome.unchanged += 1
                elif replace:
                    _replace(conn, row["id"], s, set_id, answers)
                    outcome.replaced += 1
                else:
                    outcome.conflicting += 1
                    if len(outcome.conflicts) < MAX_LISTED:
                        outcome.conflicts.append(Conflict(row["id"], str(s.uuid), row["date"], row["client"]))
            answers.close()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return outcome


_BATCH = 5000
_ON_INSERT = re.compile(r"\bINSERT\s+ON\b", re.IGNORECASE).search
# The search index's insert trigger as this code knows it (store/migrations.py); written
# answers are indexed in two statements instead when the journal has exactly this one.
_INDEX_TRIGGER = "answers_search_insert"
_INDEX_TRIGGER_SQL = (
    "CREATE TRIGGER answers_search_insert AFTER INSERT ON answers "
    "WHEN new.kind = 'text' AND new.value_text IS NOT NULL "
    "BEGIN "
    "INSERT INTO search_map (session_id, prompt_id, body) VALUES (new.session_id, new.prompt_id, new.value_text); "
    "INSERT INTO search_text (rowid, body) "
    "SELECT id, body FROM search_map WHERE session_id = new.session_id AND prompt_id = new.prompt_id; "
    "END"
)


class _Answers:
    """The answers of an import, written straight into `answers` in batches (`_insert_many`).

    The search index's trigger, run once per written answer, costs about as much again as
    the insert; when it is the one `_INDEX_TRIGGER_SQL` spells out, it is dropped for the
    import, each batch's written answers go into `search_map` by `_insert_many` (the same
    rows, ids and order as the trigger gives) and into the full-text index in one statement at
    the end, then the trigger is put back: all inside the import's transaction, so a refused or
    interrupted import rolls all of it back. Any other trigger fires as usual.

    Into an empty journal, every answer and session it will hold comes from the file: the
    indexes of `answers` and `sessions` that only speed up reading (not a unique one) are
    dropped first and made again at the end, each in one sort, which costs less than keeping
    them up to date row by row."""

    def __init__(self, conn: Any, *, empty: bool = False) -> None:
        self.conn = conn
        self.indexes: list[str] = []
        if empty:
            found = conn.execute(
                "SELECT m.name, m.sql FROM sqlite_master m "
                "JOIN (SELECT name, [unique] FROM pragma_index_list('answers') "
                "UNION ALL SELECT name, [unique] FROM pragma_index_list('sessions')) i ON i.name = m.name "
                "WHERE m.type = 'index' AND m.sql IS NOT NULL AND i.[unique] = 0"
            ).fetchall()
            for name, sql in found:
                conn.execute(f'DROP INDEX "{name}"')
                self.indexes.append(sql)
        found = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_INDEX_TRIGGER,))
        trigger = (found.fetchone() or [None])[0]
        self.trigger: str | None = None
        # search_map's largest id before this import first wrote to it: the rows after it are this
        # import's (taken when first writing, as `--replace` may have deleted the rows with the largest ids).
        self.indexed_up_to: int | None = None
        if trigger is not None and " ".join(trigger.split()) == _INDEX_TRIGGER_SQL:
            self.trigger = trigger
            conn.execute(f"DROP TRIGGER {_INDEX_TRIGGER}")
        # Whether no trigger is left to fire on an insert into `answers`: then the order of the
        # rows is nobody's concern, and numbers and texts go in by statements of their own.
        self.only_trigger = self.trigger is not None and not any(
            _ON_INSERT(sql or "")
            for (sql,) in conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'answers'")
        )
        # Sessions with their ids as the file gives them (into an empty journal), written by
        # `_insert_many` before their answers, and which ids are taken, as bits: an id the file gives
        # twice, or one past _QUEUED_IDS, goes in on its own (`_insert`), as does a session without one.
        self.sessions: list[Any] = []  # their columns one after another (_SESSIONS), as all of these
        self.ids = bytearray(_QUEUED_IDS >> 3) if empty else bytearray()
        self.rows: list[tuple[Any, ...]] = []  # (session_id, prompt_id, kind, value_num, value_text), in order
        self.numbers: list[Any] = []  # session_id, prompt_id, kind, value_num, ...: `only_trigger`
        self.texts: list[Any] = []  # session_id, prompt_id, kind, value_text, ...: `only_trigger`
        self.written: list[Any] = []  # session_id, prompt_id, text, ...: for the search index
        self.kinds: Mapping[str, str] | None = None
        self.column: dict[str, int] = {}  # prompt id -> _NUMBER, _TEXT or _OTHER (to_columns decides)

    def add(self, session_id: int, s: NewSession) -> int:
        """Queue one session's answers; how many."""
        kinds = s.kinds
        if kinds is not self.kinds:  # the sessions of one file share their prompt set's mapping
            self.kinds = kinds
            self.column = {pid: _COLUMN.get(kind, _TEXT) for pid, kind in kinds.items()}
        if not self.only_trigger:
            before = len(self.rows)
            self.rows.extend(
                (session_id, pid, kinds[pid], *to_columns(kinds[pid], v))
                for pid, v in s.answers.items()
                if v is not None
            )
            added = len(self.rows) - before
            if self.trigger is not None:
                for r in self.rows[before:]:
                    if r[2] == "text" and r[4] is not None:
                        self.written += (session_id, r[1], r[4])
        else:
            added = self._split(session_id, s.answers, kinds)
        if len(self.numbers) + len(self.texts) + 4 * len(self.rows) >= 4 * _BATCH:
            self.flush()
        return added

    def _split(self, session_id: int, answers: Mapping[str, Any], kinds: Mapping[str, str]) -> int:
        """Queue the answers as numbers and texts, as `to_columns` has them; how many."""
        column, numbers, texts, written = self.column, self.numbers, self.texts, self.written
        added = 0
        for pid, value in answers.items():
            if value is None:
                continue
            added += 1
            where = column[pid]
            if where == _NUMBER:
                numbers += (session_id, pid, kinds[pid], value)
            elif where == _TEXT:
                kind = kinds[pid]
                text = str(value)
                texts += (session_id, pid, kind, text)
                if kind == "text":
                    written += (session_id, pid, text)
            else:
                kind = kinds[pid]
                num, text = to_columns(kind, value)
                if text is None:
                    numbers += (session_id, pid, kind, num)
                else:
                    texts += (session_id, pid, kind, text)
        return added

    def queue_session(self, session_id: int, row: tuple[Any, ...]) -> bool:
        """Queue a session that keeps its id, if no session has that id yet: whether it was."""
        byte, bit = session_id >> 3, 1 << (session_id & 7)
        if session_id >= len(self.ids) << 3 or self.ids[byte] & bit:
            return False
        self.ids[byte] |= bit
        self.sessions += row
        return True

    def taken(self, session_id: int) -> None:
        """A session went in on its own with this id."""
        if session_id < len(self.ids) << 3:
            self.ids[session_id >> 3] |= 1 << (session_id & 7)

    def flush_sessions(self) -> None:
        if self.sessions:
            _insert_many(self.conn, _SESSIONS, self.sessions)

    def flush(self, *, last: bool = False) -> None:
        """Write what is queued: the sessions all, the answers and search rows (until `last`)
        by whole statements of `_ROWS` rows, the few left over waiting for the next batch,
        so that every statement but the last ones is the same, prepared once."""
        conn = self.conn
        self.flush_sessions()  # all of them: their answers need them
        if self.rows:
            conn.executemany(
                "INSERT INTO answers (session_id, prompt_id, kind, value_num, value_text) VALUES (?, ?, ?, ?, ?)",
                self.rows,
            )
            self.rows.clear()
        # A NULL is not bound by these two: it costs Python's sqlite3 a look for an adapter each time.
        if self.numbers:
            _insert_many(conn, "answers (session_id, prompt_id, kind, value_num)", self.numbers, rest=last)
        if self.texts:
            _insert_many(conn, "answers (session_id, prompt_id, kind, value_text)", self.texts, rest=last)
        if len(self.written) >= (1 if last else 3 * _ROWS):
            if self.indexed_up_to is None:
                self.indexed_up_to = conn.execute("SELECT coalesce(max(id), 0) FROM search_map").fetchone()[0]
            _insert_many(conn, "search_map (session_id, prompt_id, body)", self.written, rest=last)

    def close(self) -> None:
        self.flush(last=True)
        if self.trigger is not None:
            if self.indexed_up_to is not None:  # search_map's ids are its rowid: new rows have larger ones
                self.conn.execute(
                    "INSERT INTO search_text (rowid, body) SELECT id, body FROM search_map WHERE id > ?",
                    (self.indexed_up_to,),
                )
            self.conn.execute(self.trigger)
        for sql in self.indexes:
            self.conn.execute(sql)


# Which column `to_columns` puts a kind's answer in: a rating or a number stays a number, a kind not
# listed (text, one choice) stays text, and yes/no and several choices go through `to_columns` itself.
_NUMBER, _TEXT, _OTHER = 0, 1, 2
_QUEUED_IDS = 1 << 24  # session ids below this are kept track of as bits (2 MB) by an import into an empty journal
_COLUMN = {"rating": _NUMBER, "number": _NUMBER, "yesno": _OTHER, "multi": _OTHER}


_SESSIONS = "sessions (id, uuid, client, date, modality, logged_at, prompt_set_id)"
_SESSION_SQL = f"INSERT INTO {_SESSIONS} VALUES (?, ?, ?, ?, ?, ?, ?)"
_ROWS = 100  # rows a statement of `_insert_many`


def _insert_many(conn: Any, table: str, values: list[Any], *, rest: bool = True) -> None:
    """INSERT INTO `table` (its columns named) the rows whose values follow one another in
    `values`, _ROWS rows a statement: binding them costs less than one row a statement
    (`executemany`), which SQLite then runs as many times. The written rows leave `values`;
    the last ones, fewer than _ROWS, are written only with `rest`.

    OR FAIL: a statement that fails keeps the rows before the failing one instead of undoing
    them, so SQLite need not copy the pages each statement changes (in a transaction whose
    foreign keys are checked once, `Journal.write_checked_once`). Every caller's transaction
    is rolled back whole on any error."""
    width = table.count(",") + 1
    step = _ROWS * width
    whole = len(values) - len(values) % step
    row = "(" + ", ".join("?" * width) + ")"
    if whole:
        sql = f"INSERT OR FAIL INTO {table} VALUES " + ", ".join([row] * _ROWS)
        for start in range(0, whole, step):
            conn.execute(sql, values[start : start + step])
    if not rest:
        del values[:whole]
        return
    if whole < len(values):
        left = ", ".join([row] * ((len(values) - whole) // width))
        conn.execute(f"INSERT OR FAIL INTO {table} VALUES {left}", values[whole:])
    values.clear()


def _insert(conn: Any, item: IncomingSession, set_id: int, answers: _Answers, *, keep_id: bool) -> int:
    """Add the session and its answers; how many answers."""
    s = item.session
    hint = item.id_hint if keep_id else None
    row = [hint, s.uuid, s.client, s.date.isoformat(), s.modality, s.logged_at or now_iso(), set_id]
    if hint is not None and answers.queue_session(hint, tuple(row)):
        return answers.add(hint, s)
    answers.flush_sessions()  # the sessions queued go in first: a new id comes after theirs
    try:
        cur = conn.execute(_SESSION_SQL, row)
    except cipher.IntegrityError:
        if row[0] is None:
            raise
        row[0] = None  # the file holds the same id twice: this one gets a new id
        cur = conn.execute(_SESSION_SQL, row)
    session_id = int(cur.lastrowid or 0)
    answers.taken(session_id)
    return answers.add(session_id, s)


def _same(conn: Any, row: Any, s: NewSession) -> bool:
    if (row["client"], row["date"], row["modality"]) != (s.client, s.date.isoformat(), s.modality):
        return False
    stored = {
        pid: from_columns(kind, num, text)
        for pid, kind, num, text in conn.execute(
            "SELECT prompt_id, kind, value_num, value_text FROM answers WHERE session_id = ?", (row["id"],)
        )
    }
    return stored == {pid: v for pid, v in s.answers.items() if v is not None}


def _replace(conn: Any, session_id: int, s: NewSession, set_id: int, answers: _Answers) -> None:
    conn.execute(
        "UPDATE sessions SET client = ?, date = ?, modality = ?, edited_at = ?, prompt_set_id = ? WHERE id = ?",
        (s.client, s.date.isoformat(), s.modality, now_iso(), set_id, session_id),
    )
    conn.execute("DELETE FROM answers WHERE session_id = ?", (session_id,))
    answers.add(session_id, s)
