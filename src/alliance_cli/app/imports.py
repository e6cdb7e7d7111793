"""`alliance import`: read what `alliance export` writes and add it to the journal.

The file is read once, as a stream: CSV (long or wide), a JSON array, or JSON lines, the
format detected from the name or the first character, the shape from the columns. Each
session is checked against the prompt set with the rules `alliance log` uses (client
codes, dates, modality, `answers.validate_answers`). Valid sessions go straight into one
write transaction; the first problem stops the writing, the rest of the file is still
checked so every problem is listed at once (row and field, never the answer text), and
the transaction is rolled back: nothing is imported. `--dry-run` rolls back on purpose.

Where a problem is: the file's name, then `row N` for CSV (row 1 is the header, as a
spreadsheet counts), `item N` for a JSON array, `line N` for JSON lines.

What is kept: each session's uuid (how a session is recognised, so importing a file twice
adds nothing), date, client and modality, and its id when the journal was empty. Sessions
are stored with the current prompt set (they were checked against it) and the time of the
import as when they were logged. `session_number`, `principle` and `kind` are worked out
by the journal, so they are read past.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import tempfile
import uuid as uuidlib
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from alliance_cli.app.export import LONG_COLUMNS, SESSION_COLUMNS
from alliance_cli.core.answers import validate_answers
from alliance_cli.core.inputs import check_client_code, parse_modality, parse_session_date
from alliance_cli.core.messages import Hint, Stopped, count, plural
from alliance_cli.errors import AnswerError, InputError, Interrupted
from alliance_cli.ui.formats import unescape_cell

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.records import NewSession
    from alliance_cli.store.exchange import ImportOutcome, IncomingSession

REQUIRED_SESSION = ("uuid", "date", "client", "modality")
LONG_REQUIRED = (*REQUIRED_SESSION, "prompt_id", "value")
MAX_LISTED = 30
PROGRESS_EVERY = 2000
_CHUNK = 1 << 16

Progress = Callable[[int], None]


class ImportFileError(AnswerError):
    """The file to import cannot be read, or holds rows that do not fit the prompt set."""


@dataclass(slots=True)
class Record:
    unit: str  # "row" (CSV, the header is row 1), "item" (JSON array), "line" (JSON lines)
    number: int
    values: Any  # a dict of column -> value when the row or item is well formed

    @property
    def where(self) -> str:
        return f"{self.unit} {self.number}"


# -- reading -----------------------------------------------------------------------------


def detect_format(path: Path, head: bytes) -> str:
    """csv, json or jsonl from the file name, else from the first character."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".json", ".jsonl"):
        return suffix[1:]
    if suffix == ".ndjson":
        return "jsonl"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"["):
        return "json"
    if text.startswith(b"{"):
        return "jsonl"
    return "csv"


def _text(binary: IO[bytes]) -> IO[str]:
    # utf-8-sig: a spreadsheet may have saved the file with a byte-order mark.
    return io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")


def _csv_records(text: IO[str], name: str) -> tuple[list[str], Iterator[Record]]:
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{name}: {_unreadable(exc, 'CSV')}") from None
    if not header:
        raise ImportFileError(f"{name}: the file is empty; expected a header row such as `alliance export` writes.")
    header = [h.strip() for h in header]

    width = len(header)

    def records() -> Iterator[Record]:
        number = 1
        try:
            for number, row in enumerate(reader, 2):  # noqa: B007 - `number` names the row of a read error
                if len(row) == width:
                    yield Record("row", number, dict(zip(header, row, strict=True)))
                elif row:  # (an empty one is a blank line)
                    yield Record("row", number, _Ragged(len(row), width))
        except (csv.Error, UnicodeDecodeError) as exc:
            raise ImportFileError(f"{name}, row {number + 1}: {_unreadable(exc, 'CSV')}") from None

    return header, records()


@dataclass
class _Ragged:
    cells: int
    expected: int


def _unreadable(exc: Exception, what: str) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "the file is not UTF-8 text; save it as UTF-8 (in a spreadsheet: CSV UTF-8) and try again."
    return f"not valid {what} ({exc})."


def _jsonl_records(text: IO[str], name: str) -> Iterator[Record]:
    number = 0
    while True:
        number += 1
        try:
            line = text.readline()
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{name}, line {number}: {_unreadable(exc, 'JSON')}") from None
        if not line:
            return
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{name}, line {number}: not valid JSON ({exc.msg}, column {exc.colno}).") from None
        yield Record("line", number, value)


def _json_records(text: IO[str], name: str) -> Iterator[Record]:
    """The items of one JSON array, decoded one at a time so a large file is never held whole."""
    decoder = json.JSONDecoder()
    buf, pos, lines_before, eof = "", 0, 0, False

    def more() -> bool:
        nonlocal buf, pos, lines_before, eof
        if eof:
            return False
        try:
            chunk = text.read(_CHUNK)
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{name}: {_unreadable(exc, 'JSON')}") from None
        if not chunk:
            eof = True
            return False
        lines_before += buf.count("\n", 0, pos)
        buf, pos = buf[pos:] + chunk, 0
        return True

    def skip_space() -> str:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            if pos < len(buf) or not more():
                return buf[pos : pos + 1]

    def error(at: int, what: str) -> ImportFileError:
        line = lines_before + buf.count("\n", 0, at) + 1
        column = at - (buf.rfind("\n", 0, at) + 1) + 1
        return ImportFileError(f"{name}: line {line}, column {column}: {what}")

    if skip_space() != "[":
        raise error(pos, "expected a JSON array `[...]` such as `alliance export --format json` writes.")
    pos += 1
    if skip_space() == "]":
        pos += 1
        if skip_space():
            raise error(pos, "unexpected text after the end of the array.")
        return
    number = 0
    while True:
        number += 1
        while True:
            try:
                value, end = decoder.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                if more():
                    continue
                cut = exc.pos >= len(buf) - 1 or "Unterminated" in exc.msg
                what = "the file ends in the middle of an item; it may be cut short." if cut else exc.msg + "."
                raise error(exc.pos, f"item {number}: not valid JSON: {what}") from None
            if end == len(buf) and more():
                continue  # a number or word may go on in the next chunk
            break
        pos = end
        yield Record("item", number, value)
        separator = skip_space()
        if separator == ",":
            pos += 1
            skip_space()
            continue
        if separator == "]":
            pos += 1
            if skip_space():
                raise error(pos, "unexpected text after the end of the array.")
            return
        if not separator:
            raise error(pos, f"item {number}: the file ends before the array is closed with `]`; it may be cut short.")
        raise error(pos, f"item {number}: expected `,` or `]` after the item.")


# -- checking ----------------------------------------------------------------------------


class _Problems:
    """One line per problem, each naming the file, the row (or item, or line) and the field."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self.count = 0

    def add(self, where: str, field: str, message: str) -> None:
        self.count += 1
        if len(self.lines) < MAX_LISTED:
            where = f"{self.name}, {where}"
            self.lines.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")

    def __bool__(self) -> bool:
        return self.count > 0


def check_columns(columns: list[str], ps: PromptSet, source: str, noun: str = "column") -> str:
    """The shape ('long' or 'wide') the columns (JSON: keys) describe; ImportFileError lists what is wrong."""
    problems = []
    seen: set[str] = set()
    for column in columns:
        if column in seen:
            problems.append(f"{source}: the {noun} '{column}' appears twice.")
        seen.add(column)
    long = "prompt_id" in seen or "value" in seen
    required = LONG_REQUIRED if long else REQUIRED_SESSION
    for column in required:
        if column not in seen:
            problems.append(f"{source}: the '{column}' {noun} is missing.")
    allowed = set(LONG_COLUMNS) if long else set(SESSION_COLUMNS)
    for column in columns:
        if column in allowed:
            continue
        if long:
            problems.append(f"{source}: '{column}' is not a {noun} of a long export ({', '.join(LONG_COLUMNS)}).")
        elif ps.prompt(column) is None:
            problems.append(f"{source}: the {noun} '{column}' is not a prompt in this prompt set ({Hint.PROMPTS}).")
    if problems:
        problems.append(f"Nothing was imported: the {noun}s must be those `alliance export` writes.")
        raise ImportFileError(problems[0], problems)
    return "long" if long else "wide"


class _Checker:
    """Turns records into validated sessions; problems are collected, not raised, until the end."""

    def __init__(
        self, ps: PromptSet, shape: str, *, name: str, check_keys: bool, unescape: bool, today: date | None = None
    ) -> None:
        from alliance_cli.settings.prompts import prompt_set_snapshot
        from alliance_cli.store.journal import now_iso

        self.ps = ps
        self.unescape = unescape
        self.today = today
        self.snapshot, self.digest = prompt_set_snapshot(ps)
        self.kinds = {p.id: p.kind for p in ps.prompts}
        self.logged_at = now_iso()
        self.problems = _Problems(name)
        self.seen: dict[str, str] = {}  # uuid -> where it first appeared
        self.prompt_ids = frozenset(self.kinds)
        # Follow-up prompts (`when: {history: ...}`) were asked, or not, by the journal the
        # file came from, from sessions this journal may not have: take them as recorded.
        self.follow_ups = {p.id for p in ps.prompts if p.when is not None and p.when.history is not None}
        self.history = frozenset(p.when.history for p in ps.prompts if p.when is not None and p.when.history)
        self.shape = shape
        self.check_keys = check_keys
        self.required = LONG_REQUIRED if shape == "long" else REQUIRED_SESSION
        self.allowed = frozenset(LONG_COLUMNS if shape == "long" else (*SESSION_COLUMNS, *self.kinds))

    def well_formed(self, record: Record) -> bool:
        """A CSV row with as many cells as the header; a JSON item that is an object with the right keys."""
        values = record.values
        if values.__class__ is dict:
            if not self.check_keys:
                return True  # CSV: the header was checked once
            missing = [k for k in self.required if k not in values]
            unknown = [k for k in values if k not in self.allowed]
            for key in missing:
                self.problems.add(record.where, key, "missing.")
            for key in unknown:
                self.problems.add(
                    record.where, key, f"not a key of a {self.shape} export, nor a prompt in this prompt set."
                )
            return not missing and not unknown
        if isinstance(values, _Ragged):
            self.problems.add(record.where, "", f"has {values.cells} cells but the header has {values.expected}.")
        else:
            self.problems.add(record.where, "", "expected an object with the keys `alliance export` writes.")
        return False

    def session(
        self, where: str, fields: Mapping[str, Any], raw: dict[str, Any], rows: Mapping[str, str]
    ) -> IncomingSession | None:
        """One session's fields and raw answers (prompt id -> value, rows: prompt id -> where)."""
        from alliance_cli.core.records import NewSession
        from alliance_cli.store.exchange import IncomingSession

        problems = self.problems
        before = problems.count
        session_uuid, repeated = self._uuid(where, fields.get("uuid"))
        if repeated:
            return None  # checked where it first appeared; its answers would only repeat problems
        client = self._field(where, "client", lambda: check_client_code(_str(fields.get("client"))))
        day = self._field(where, "date", lambda: parse_session_date(_str(fields.get("date")), today=self.today))
        modality = self._field(where, "modality", lambda: parse_modality(_str(fields.get("modality"))))
        id_hint = self._id_hint(where, fields.get("session_id"))
        if self.unescape:
            raw = {pid: unescape_cell(v) if isinstance(v, str) else v for pid, v in raw.items()}
        try:
            answers = validate_answers(self.ps, raw, history=self.history)
        except AnswerError as exc:
            answers = {}
            for line in exc.lines():
                pid, _, message = line.partition(": ")
                if pid in self.follow_ups and message.startswith("required"):
                    continue
                problems.add(rows.get(pid, where), pid, message)
        if problems.count > before:
            return None
        new: NewSession = NewSession(
            client=client,
            date=day,
            modality=modality,
            answers=answers,
            kinds=dict(self.kinds),
            prompt_set_version=self.ps.version,
            prompt_set_snapshot=self.snapshot,
            prompt_set_digest=self.digest,
            uuid=session_uuid,
            logged_at=self.logged_at,
        )
        return IncomingSession(new, id_hint)

    def _field(self, where: str, name: str, parse: Callable[[], Any]) -> Any:
        try:
            return parse()
        except InputError as exc:
            self.problems.add(where, name, exc.message)
            return None

    def _uuid(self, where: str, raw: Any) -> tuple[str | None, bool]:
        """The uuid in its usual form, and whether the file had it already."""
        text = _str(raw)
        try:
            value = str(uuidlib.UUID(text))
        except ValueError:
            what = "missing" if not text else "not a session uuid such as `alliance export` writes"
            self.problems.add(where, "uuid", f"{what}; it is how a session is recognised when it comes back.")
            return None, False
        first = self.seen.get(value)
        if first is not None:
            self.problems.add(
                where, "uuid", f"this session is already in the file at {first} (a session's rows must be together)."
            )
            return None, True
        self.seen[value] = where
        return value, False

    def _id_hint(self, where: str, raw: Any) -> int | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if not isinstance(raw, bool):
            try:
                value = int(str(raw).strip())
            except ValueError:
                value = 0
            if value > 0:
                return value
        self.problems.add(where, "session_id", "expected a whole number above 0, or nothing.")
        return None


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _long_sessions(records: Iterator[Record], checker: _Checker) -> Iterator[IncomingSession | None]:
    """Group consecutive rows of the same uuid into one session each."""
    group: list[Record] = []
    current: Any = None
    well_formed = checker.well_formed
    for record in records:
        if not well_formed(record):
            continue
        key = record.values.get("uuid")
        if group and key != current:
            yield _long_session(group, checker)
            group = []
        current = key
        group.append(record)
    if group:
        yield _long_session(group, checker)


_LONG_SESSION_FIELDS = ("session_id", "date", "client", "modality")


def _long_session(group: list[Record], checker: _Checker) -> IncomingSession | None:
    first = group[0].values
    same = tuple(first.get(name) for name in _LONG_SESSION_FIELDS)
    fields = itemgetter(*_LONG_SESSION_FIELDS) if "session_id" in first else itemgetter(*_LONG_SESSION_FIELDS[1:])
    same_present = fields(first)
    known = checker.prompt_ids
    add = checker.problems.add
    raw: dict[str, Any] = {}
    rows: dict[str, str] = {}
    ok = True
    for record in group:
        values = record.values
        if values is not first and _fields(fields, values) != same_present:
            for name, value in zip(_LONG_SESSION_FIELDS, same, strict=True):
                if values.get(name) != value:
                    add(record.where, name, f"differs from the same session's first row ({group[0].where}).")
            ok = False
        pid = _str(values["prompt_id"])
        if pid in known and pid not in raw:
            raw[pid] = values["value"]
            rows[pid] = record.where
        elif not pid:
            add(record.where, "prompt_id", "missing.")
            ok = False
        elif pid in raw:
            add(record.where, "prompt_id", f"'{pid}' is answered twice for this session ({rows[pid]}).")
            ok = False
        else:
            add(record.where, "prompt_id", f"'{pid}' is not a prompt in this prompt set ({Hint.PROMPTS}).")
            ok = False
    session = checker.session(group[0].where, first, raw, rows)
    return session if ok else None


def _fields(fields: itemgetter[Any], values: dict[str, Any]) -> Any:
    try:
        return fields(values)
    except KeyError:
        return None


def _wide_sessions(records: Iterator[Record], checker: _Checker) -> Iterator[IncomingSession | None]:
    well_formed = checker.well_formed
    for record in records:
        if well_formed(record):
            raw = {k: v for k, v in record.values.items() if k not in SESSION_COLUMNS}
            yield checker.session(record.where, record.values, raw, {})


# -- the import --------------------------------------------------------------------------


@contextmanager
def _source(path: Path) -> Iterator[tuple[IO[bytes], str, int | None]]:
    if str(path) == "-":
        yield sys.stdin.buffer, "stdin", None
        return
    try:
        binary = open(path, "rb")  # noqa: SIM115 - closed by the with below
    except FileNotFoundError:
        raise ImportFileError(f"{path}: file not found.") from None
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot read the file ({exc.strerror}).") from None
    with binary:
        size = path.stat().st_size
        yield binary, str(path), size


def _peek(binary: IO[bytes]) -> bytes:
    """The first bytes, left unread (a pipe can peek; a file or BytesIO can seek back)."""
    peek = getattr(binary, "peek", None)
    if peek is not None:
        return bytes(peek(64)[:64])
    if binary.seekable():
        start = binary.tell()
        head = binary.read(64)
        binary.seek(start)
        return head
    return b""


def read_sessions(
    binary: IO[bytes],
    name: str,
    ps: PromptSet,
    *,
    fmt: str | None = None,
    raw: bool = False,
    on_progress: Progress | None = None,
    today: date | None = None,
) -> Generator[IncomingSession, None, None]:
    """Validated sessions from an open file, yielded only while no row has a problem.

    At the end, if any row had a problem, ImportFileError lists them (the caller's
    transaction then rolls back). Column problems are raised before the first session.
    """
    fmt = fmt or detect_format(Path(name), _peek(binary))
    text = _text(binary)
    try:
        yield from _read_sessions(text, name, ps, fmt, raw, on_progress, _position(binary), today)
    finally:
        text.detach()  # type: ignore[attr-defined]  # a TextIOWrapper: leave the caller's stream open (stdin above all)


def _read_sessions(
    text: IO[str],
    name: str,
    ps: PromptSet,
    fmt: str,
    raw: bool,
    on_progress: Progress | None,
    position: Callable[[], int],
    today: date | None,
) -> Iterator[IncomingSession]:
    if fmt == "csv":
        columns, records = _csv_records(text, name)
        shape = check_columns(columns, ps, name)
    else:
        items = _json_records(text, name) if fmt == "json" else _jsonl_records(text, name)
        first = next(items, None)
        if first is None:
            return
        if not isinstance(first.values, dict):
            raise ImportFileError(f"{name}, {first.where}: expected an object with the keys `alliance export` writes.")
        shape = check_columns(list(first.values), ps, f"{name}, {first.where}", "key")
        records = chain([first], items)
    checker = _Checker(ps, shape, name=name, check_keys=fmt != "csv", unescape=fmt == "csv" and not raw, today=today)
    grouped = _long_sessions(records, checker) if shape == "long" else _wide_sessions(records, checker)
    for seen, session in enumerate(grouped, 1):
        if on_progress is not None and seen % PROGRESS_EVERY == 0:
            on_progress(position())
        if session is not None and not checker.problems:
            yield session
    if checker.problems:
        lines = list(checker.problems.lines)
        hidden = checker.problems.count - len(lines)
        if hidden:
            lines.append(f"… and {count(hidden, 'more problem')}.")
        lines.append(f"Nothing was imported from {name}: fix the rows above and run the import again.")
        raise ImportFileError(lines[0], lines)


def _position(binary: IO[bytes]) -> Callable[[], int]:
    def position() -> int:
        try:
            return binary.tell()
        except OSError:
            return 0

    return position


def import_file(
    db_path: Path,
    ps: PromptSet,
    source: Path,
    *,
    fmt: str | None = None,
    replace: bool = False,
    dry_run: bool = False,
    raw: bool = False,
    on_progress: Progress | None = None,
    today: date | None = None,
) -> ImportOutcome:
    """Import `source` ('-' for stdin) into the journal at `db_path`, all or nothing.

    A journal that does not exist yet is created, and removed again if the import is
    refused. A dry run of a missing journal runs against a throwaway one.
    """
    try:
        return _import(db_path, ps, source, fmt, replace, dry_run, raw, on_progress, today)
    except KeyboardInterrupt:
        raise Interrupted(Stopped.NOTHING_IMPORTED) from None


def _import(
    db_path: Path,
    ps: PromptSet,
    source: Path,
    fmt: str | None,
    replace: bool,
    dry_run: bool,
    raw: bool,
    on_progress: Progress | None,
    today: date | None,
) -> ImportOutcome:
    from alliance_cli.store.exchange import import_sessions
    from alliance_cli.store.journal import open_journal

    with ExitStack() as stack:
        binary, name, _ = stack.enter_context(_source(source))
        sessions = read_sessions(binary, name, ps, fmt=fmt, raw=raw, on_progress=on_progress, today=today)
        # Closed before the file it reads (the stack unwinds in reverse), also when the journal
        # cannot be opened: left to the garbage collector, it would detach a closed file.
        stack.callback(sessions.close)
        first = next(sessions, None)  # column problems are raised here, before any journal is touched
        created = not db_path.exists()
        empty = not created and db_path.is_file() and db_path.stat().st_size == 0
        target = db_path
        if dry_run and (created or empty):
            target = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "journal.db"
        journal = stack.enter_context(open_journal(target, create=True))
        try:
            incoming = chain([first] if first is not None else [], sessions)
            outcome = import_sessions(journal, incoming, replace=replace, dry_run=dry_run)
            outcome.notices = [*journal.notices, *outcome.notices]
            return outcome
        except BaseException:
            if (created or empty) and target == db_path:  # the journal this import made goes with it
                journal.close()
                for suffix in ("-wal", "-shm") if empty else ("", "-wal", "-shm"):
                    Path(f"{db_path}{suffix}").unlink(missing_ok=True)
                if empty:
                    os.truncate(db_path, 0)  # the empty file it was
            raise
    raise AssertionError("unreachable")  # pragma: no cover


def summary_lines(outcome: ImportOutcome, source: str) -> list[str]:
    """What happened, in words, for stderr."""
    would = outcome.dry_run
    lines = list(outcome.notices)
    added = outcome.added
    verb = "Would add" if would else "Added"
    text = f"{verb} {count(added, 'session')} from {source}"
    if outcome.answers_added:
        text += f" ({count(outcome.answers_added, 'answer')})"
    lines.append(text + ".")
    if outcome.unchanged:
        n = outcome.unchanged
        lines.append(f"{count(n, 'session')} {plural(n, 'was')} already in the journal, unchanged.")
    if outcome.replaced:
        n = outcome.replaced
        lines.append(f"{'Would replace' if would else 'Replaced'} {count(n, 'session')} with the file's version.")
    if outcome.conflicts:
        n = len(outcome.conflicts)
        left = "would be" if would else ("was" if n == 1 else "were")
        if n == 1:
            lines.append(f"1 session in the file differs from the journal's and {left} left as it is:")
        else:
            lines.append(f"{n} sessions in the file differ from the journal's and {left} left as they are:")
        for c in outcome.conflicts[:MAX_LISTED]:
            lines.append(f"  session {c.session_id} · {c.client} · {c.date} · {c.uuid}")
        if n > MAX_LISTED:
            lines.append(f"  … and {n - MAX_LISTED} more.")
        lines.append("To take the file's version of these, run the import again with --replace.")
    if would:
        lines.append("Dry run: nothing was changed.")
    return lines
