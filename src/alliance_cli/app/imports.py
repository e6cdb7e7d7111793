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
import re
import sys
import tempfile
import uuid as uuidlib
from collections.abc import Callable, Collection, Generator, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from itertools import chain
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from alliance_cli.app.export import LONG_COLUMNS, SESSION_COLUMNS
from alliance_cli.core.answers import EACH_MOMENT, KIND_AS_RECORDED, coerce, validate_answers, written
from alliance_cli.core.inputs import MAX_ID, check_client_code, parse_modality, parse_session_date
from alliance_cli.core.messages import MAX_LISTED, Hint, ProblemList, Stopped, count, ordinal, plural
from alliance_cli.errors import AnswerError, InputError, Interrupted
from alliance_cli.ui.formats import unescape_cell

if TYPE_CHECKING:
    from alliance_cli.core.models import Prompt, PromptSet
    from alliance_cli.core.records import NewSession
    from alliance_cli.store.exchange import ImportOutcome, IncomingSession

REQUIRED_SESSION = ("uuid", "date", "client", "modality")
LONG_REQUIRED = (*REQUIRED_SESSION, "prompt_id", "value")
PROGRESS_EVERY = 2000
_CHUNK = 1 << 16
# The largest row, item or line read, in characters: a session with every text answer at its
# longest is well under it, so memory stays bounded whatever a file holds.
MAX_ITEM = 16 << 20

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


class _LongLine(ValueError):
    pass


def _bounded_lines(text: IO[str]) -> Iterator[str]:
    """The lines of `text`, each at most MAX_ITEM characters (else _LongLine): a CSV row is
    held whole, and a line of a billion commas must not be."""
    read = text.readline
    while line := read(MAX_ITEM + 1):
        if len(line) > MAX_ITEM:
            raise _LongLine
        yield line


def _csv_records(text: IO[str], name: str) -> tuple[list[str], Iterator[list[str]]]:
    reader = csv.reader(_bounded_lines(text), strict=True)
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{name}: {_unreadable(exc, 'CSV')}") from None
    except _LongLine:
        raise ImportFileError(f"{name}, row 1: {_too_large()}") from None
    if not header:
        raise ImportFileError(f"{name}: the file is empty; expected a header row such as `alliance export` writes.")
    return [h.strip() for h in header], _csv_rows(reader, name)


def _csv_rows(reader: Iterator[list[str]], name: str) -> Iterator[list[str]]:
    """The rows after the header (row 2 on), a read error named by its row."""
    number = 1
    try:
        for number, row in enumerate(reader, 2):  # noqa: B007 - `number` names the row of a read error
            yield row
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{name}, row {number + 1}: {_unreadable(exc, 'CSV')}") from None
    except _LongLine:
        raise ImportFileError(f"{name}, row {number + 1}: {_too_large()}") from None


def _csv_as_records(header: list[str], rows: Iterator[list[str]]) -> Iterator[Record]:
    width = len(header)
    for number, row in enumerate(rows, 2):
        if len(row) == width:
            yield Record("row", number, dict(zip(header, row, strict=True)))
        elif row:  # (an empty one is a blank line)
            yield Record("row", number, _Ragged(len(row), width))


@dataclass
class _Ragged:
    cells: int
    expected: int


def _unreadable(exc: Exception, what: str) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return "the file is not UTF-8 text; save it as UTF-8 (in a spreadsheet: CSV UTF-8) and try again."
    return f"not valid {what} ({exc})."


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused when it gives a key twice (json would keep the last one)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return found


# Numbers with a fraction or an exponent stay the text they are in the file, so `7.0` or `1e1`
# reach the answer checks as written, as they do from a CSV cell or `--set` (`answers.coerce`).
_DECODER = json.JSONDecoder(parse_float=str, object_pairs_hook=_object)


def _json_problem(exc: Exception) -> str:
    """Why a JSON item or line was refused, for an error that is not a JSONDecodeError."""
    if isinstance(exc, _DuplicateKey):
        return f"the key '{exc.key}' is given twice." if _nameable(exc.key, None) else "a key is given twice."
    if isinstance(exc, RecursionError):
        return "nested too deeply to be a session."
    return "a number in it has too many digits."  # int() refuses thousands of digits: ValueError


def _jsonl_records(text: IO[str], name: str) -> Iterator[Record]:
    number = 0
    while True:
        number += 1
        try:
            line = text.readline(MAX_ITEM + 1)
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{name}, line {number}: {_unreadable(exc, 'JSON')}") from None
        if not line:
            return
        if len(line) > MAX_ITEM:
            raise ImportFileError(f"{name}, line {number}: {_too_large()}")
        if not line.strip():
            continue
        try:
            value = _DECODER.decode(line)
        except json.JSONDecodeError as exc:
            raise ImportFileError(f"{name}, line {number}: not valid JSON ({exc.msg}, column {exc.colno}).") from None
        except (ValueError, RecursionError) as exc:
            raise ImportFileError(f"{name}, line {number}: {_json_problem(exc)}") from None
        yield Record("line", number, value)


_JSON_SPACE = re.compile(r"[ \t\r\n]*").match
_NEXT_ITEM = re.compile(r"[ \t\r\n]*,[ \t\r\n]*").match


# Many items decoded by one call of the C decoder, when each is on lines of its own (as an export
# writes them): without `_object`, so keys given twice are counted instead (`_colons`).
_BATCH_DECODER = json.JSONDecoder(parse_float=str)
_BATCH_FAILURES = 16  # lines that do not decode as a batch: past this many, each item is decoded on its own
_LOOSE_COLON = re.compile(r'"[ \t\r\n]+:')


def _colons(text: str, keys: int) -> int:
    """How many `"` in `text` have a `:` after them, past spaces or not: at least as many as
    the keys written (a key's closing quote), more when a text holds `\\":` or starts with `:`.
    Every colon counted first (one fast pass): when there are no more than `keys`, that is all."""
    found = text.count(":")
    if found <= keys:
        return found
    return text.count('":') + len(_LOOSE_COLON.findall(text))


def _too_large() -> str:
    return f"longer than {MAX_ITEM >> 20} million characters, which no session is."


def _json_batches(text: IO[str], name: str) -> Iterator[tuple[int, list[Any]]]:
    """The items of one JSON array, a few hundred at a time or one by one (`batch`), each
    batch with its first item's number, so a large file is never held whole.

    An item that does not fit in what was read is tried again with twice as much (so a large
    item is decoded in linear time, not once per chunk), up to MAX_ITEM characters."""
    scan: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]  # raw_decode without its wrapper
    buf, pos, lines_before, eof = "", 0, 0, False
    base = 0  # where `buf` starts in the text (characters): `more` moves it on
    single_until, batches_failed = -1, 0  # `batch`: the items before `single_until` are decoded one by one

    def more() -> bool:
        nonlocal buf, pos, lines_before, eof, base
        if eof:
            return False
        pending = len(buf) - pos  # what an item not decoded yet has: read as much again, up to MAX_ITEM
        try:
            chunk = text.read(min(max(_CHUNK, pending), max(_CHUNK, MAX_ITEM + 1 - pending)))
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"{name}: {_unreadable(exc, 'JSON')}") from None
        if not chunk:
            eof = True
            return False
        lines_before += buf.count("\n", 0, pos)
        base += pos
        buf, pos = buf[pos:] + chunk, 0
        return True

    def skip_space() -> str:
        nonlocal pos
        while True:
            pos = _JSON_SPACE(buf, pos).end()  # type: ignore[union-attr]  # it matches an empty run too
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

    def yield_one() -> tuple[Any, int]:
        """The item at `pos`, decoded on its own, and where it ends."""
        while True:
            try:
                try:
                    value, end = scan(buf, pos)
                except StopIteration as stop:  # as `raw_decode` has it
                    raise json.JSONDecodeError("Expecting value", buf, stop.value) from None
            except json.JSONDecodeError as exc:
                if len(buf) - pos > MAX_ITEM:
                    raise error(pos, f"item {number}: {_too_large()}") from None
                if more():
                    continue
                cut = exc.pos >= len(buf) - 1 or "Unterminated" in exc.msg
                what = "the file ends in the middle of an item; it may be cut short." if cut else exc.msg + "."
                raise error(exc.pos, f"item {number}: not valid JSON: {what}") from None
            except (ValueError, RecursionError) as exc:
                raise error(pos, f"item {number}: {_json_problem(exc)}") from None
            if end == len(buf) and more():
                continue  # a number or word may go on in the next chunk
            if end - pos > MAX_ITEM:
                raise error(pos, f"item {number}: {_too_large()}")
            return value, end

    def batch() -> list[Any] | None:
        """The whole items on the lines read from `pos` on, decoded by one call, or None:
        then the next item is decoded on its own (`yield_one`), as is every item of lines
        that did not decode as a batch, or whose keys could not be counted as unique."""
        nonlocal pos, single_until, batches_failed
        if batches_failed > _BATCH_FAILURES or base + pos < single_until:
            return None
        line_end = buf.rfind("\n", pos)
        if line_end <= pos and len(buf) - pos < _CHUNK and more():  # the rest of a line: read on
            line_end = buf.rfind("\n", pos)
        if line_end <= pos:  # no line ends in what was read: these items are not a line each
            single_until = base + len(buf)
            batches_failed += 1
            return None
        body = buf[pos:line_end].rstrip(" \t\r\n")
        if body.endswith("]"):  # the end of the array: the lines before it
            body = buf[pos : max(pos, buf.rfind("\n", pos, line_end))].rstrip(" \t\r\n")
        body = body[:-1] if body.endswith(",") else body  # the `,` before the next line's item
        if not body or len(body) > MAX_ITEM:
            return None
        try:
            values: list[Any] = _BATCH_DECODER.decode(f"[{body}]")
        except (ValueError, RecursionError):  # each item then says what is wrong with it
            values = []
        # No key given twice (`_object`, which a batch does without): every key is a string
        # followed by `:` after optional spaces, so there are at least as many of those as keys
        # written; as many as the objects hold means none is given twice, and none is nested.
        if not values or set(map(type, values)) != {dict} or _colons(body, keys := sum(map(len, values))) != keys:
            single_until = base + pos + len(body)
            batches_failed += 1
            return None
        pos += len(body)
        return values

    number = 0
    while True:
        values = batch()
        if values is not None:
            yield number + 1, values
            number += len(values)
        else:
            number += 1
            value, pos = yield_one()
            yield number, [value]
        following = _NEXT_ITEM(buf, pos)
        if following is not None and following.end() < len(buf):  # `,` and the next item's start, read
            pos = following.end()
            continue
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


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")


def _nameable(field: str, known: Collection[str] | None) -> bool:
    """Whether a message may name `field`: a JSON key shaped like a name (`known` None), or a
    CSV column alliance knows or one a letter or two off it (a typo: 'uid', 'went_wel'). A
    message never repeats what a cell holds, and a CSV header that is not names may well be
    a row of answers; a JSON key is a key wherever it is."""
    if not _NAME.fullmatch(field):
        return False
    if known is None or field in known:
        return True
    import difflib

    return bool(difflib.get_close_matches(field, known, n=1, cutoff=0.75))


def _column(field: str, number: int, noun: str, known: Collection[str] | None) -> str:
    """`the column 'uid'`, or `the 3rd column` when the column is not `_nameable`."""
    return f"the {noun} '{field}'" if _nameable(field, known) else f"the {ordinal(number)} {noun}"


def known_names(ps: PromptSet) -> frozenset[str]:
    """Every column and key an export writes with this prompt set."""
    return frozenset((*LONG_COLUMNS, *SESSION_COLUMNS, *(p.id for p in ps.prompts)))


def check_columns(columns: list[str], ps: PromptSet, source: str, noun: str = "column") -> str:
    """The shape ('long' or 'wide') the columns (JSON: keys) describe; ImportFileError lists what is wrong.

    A column is named as it is written only when it has the shape of one (`quoted`): a file
    without its header row would otherwise have its first row's answers repeated here."""
    problems = []
    seen: set[str] = set()
    known = known_names(ps) if noun == "column" else None
    for number, column in enumerate(columns, 1):
        if column in seen:
            problems.append(f"{source}: {_column(column, number, noun, known)} appears twice.")
        seen.add(column)
    long = "prompt_id" in seen or "value" in seen
    required = LONG_REQUIRED if long else REQUIRED_SESSION
    for column in required:
        if column not in seen:
            problems.append(f"{source}: the '{column}' {noun} is missing.")
    allowed = set(LONG_COLUMNS) if long else set(SESSION_COLUMNS)
    for number, column in enumerate(columns, 1):
        if column in allowed:
            continue
        named = _column(column, number, noun, known)
        if long:
            problems.append(f"{source}: {named} is not a {noun} of a long export ({', '.join(LONG_COLUMNS)}).")
        elif ps.prompt(column) is None:
            problems.append(f"{source}: {named} is not a prompt in this prompt set ({Hint.PROMPTS}).")
    if problems:
        problems.append(f"Nothing was imported: the {noun}s must be those `alliance export` writes.")
        raise ImportFileError(problems[0], problems)
    return "long" if long else "wide"


class _Checker:
    """Turns records into validated sessions; problems are collected, not raised, until the end."""

    def __init__(
        self, ps: PromptSet, shape: str, *, name: str, check_keys: bool, unescape: bool, today: date | None = None
    ) -> None:
        from alliance_cli.core.records import NewSession
        from alliance_cli.settings.prompts import prompt_set_snapshot
        from alliance_cli.store.exchange import IncomingSession, SeenUuids
        from alliance_cli.store.journal import now_iso

        self.new_session, self.incoming = NewSession, IncomingSession  # what `session` makes, imported once

        self.ps = ps
        self.unescape = unescape
        self.today = today
        self.snapshot, self.digest = prompt_set_snapshot(ps)
        self.kinds: dict[str, str] = {p.id: p.kind for p in ps.prompts}
        self.logged_at = now_iso()
        self.problems = ProblemList(name)
        self.seen = SeenUuids()  # uuid -> where it first appeared, kept out of Python's memory
        self.prompt_ids = frozenset(self.kinds)
        # Follow-up prompts (`when: {history: ...}`) were asked, or not, by the journal the
        # file came from, from sessions this journal may not have: take them as recorded.
        self.follow_ups = {p.id for p in ps.prompts if p.when is not None and p.when.history is not None}
        # Moments and the rupture kind too: a journal logged before one moment a log holds several,
        # and a kind as it was answered (`core.answers`); both are taken as recorded.
        self.history = frozenset(p.when.history for p in ps.prompts if p.when is not None and p.when.history) | {
            EACH_MOMENT,
            KIND_AS_RECORDED,
        }
        self.shape = shape
        self.check_keys = check_keys
        self.required = LONG_REQUIRED if shape == "long" else REQUIRED_SESSION
        self.allowed = frozenset(LONG_COLUMNS if shape == "long" else (*SESSION_COLUMNS, *self.kinds))
        self.required_keys = frozenset(self.required)
        self.typed = _remembering_coerce()
        self.valid = _quick_validation(ps, self.history)
        # What a client code, date or modality cell was read as, by its text: a file repeats a
        # few hundred of each thousands of times (only what was accepted; a refusal is checked anew).
        self.read: dict[tuple[str, str], Any] = {}

    def well_formed(self, record: Record) -> bool:
        """A CSV row with as many cells as the header; a JSON item that is an object with the right keys."""
        values = record.values
        if values.__class__ is dict:
            if not self.check_keys:
                return True  # CSV: the header was checked once
            if self.allowed.issuperset(values) and self.required_keys.issubset(values):
                return True
            missing = [k for k in self.required if k not in values]
            unknown = [k for k in values if k not in self.allowed]
            for key in missing:
                self.problems.add(record.where, key, "missing.")
            for key in unknown:
                self.problems.add(
                    record.where,
                    key if _nameable(key, None) else "a key",
                    f"not a key of a {self.shape} export, nor a prompt in this prompt set.",
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
        problems = self.problems
        before = problems.count
        session_uuid, repeated = self._uuid(where, fields.get("uuid"))
        if repeated:
            return None  # checked where it first appeared; its answers would only repeat problems
        client = self._field(where, "client", fields.get("client"), check_client_code)
        # What a cell holds is never repeated in a message: it may be answer text in the wrong column.
        day = self._field(where, "date", fields.get("date"), self._date)
        modality = self._field(where, "modality", fields.get("modality"), self._modality)
        id_hint = self._id_hint(where, fields.get("session_id"))
        # (A CSV file's cells are all text: a cell starting with ' is one after a line break.)
        if self.unescape and "\n'" in "\n" + "\n".join(raw.values()) and any(map(_quoted, raw.values())):
            raw = {pid: unescape_cell(v) if isinstance(v, str) else v for pid, v in raw.items()}
        try:
            answers = self.valid(raw)
            if answers is None:  # something is wrong: `validate_answers` says what, as `alliance log` would
                answers = validate_answers(self.ps, raw, history=self.history, typed=self.typed)
        except AnswerError as exc:
            answers = {}
            for line in exc.lines():
                pid, _, message = line.partition(": ")
                if pid in self.follow_ups and message.startswith("required"):
                    continue
                problems.add(rows.get(pid, where), pid, message)
        if problems.count > before:
            return None
        new: NewSession = self.new_session(
            client=client,
            date=day,
            modality=modality,
            answers=answers,
            kinds=self.kinds,  # one mapping for every session of the file, never changed
            prompt_set_version=self.ps.version,
            prompt_set_snapshot=self.snapshot,
            prompt_set_digest=self.digest,
            uuid=session_uuid,
            logged_at=self.logged_at,
        )
        return self.incoming(new, id_hint)

    def _field(self, where: str, name: str, cell: Any, parse: Callable[[str], Any]) -> Any:
        text = _str(cell)
        known = self.read.get((name, text), _UNREAD)
        if known is not _UNREAD:
            return known
        try:
            value = parse(text)
        except InputError as exc:
            self.problems.add(where, name, exc.message)
            return None
        if len(self.read) < _REMEMBERED:
            self.read[name, text] = value
        return value

    def _date(self, text: str) -> date:
        return parse_session_date(text, today=self.today, echo=False)

    @staticmethod
    def _modality(text: str) -> str:
        return parse_modality(text, echo=False)

    def _uuid(self, where: str, raw: Any) -> tuple[str | None, bool]:
        """The uuid in its usual form, and whether the file had it already."""
        text = _str(raw)
        try:
            value = text if _CANONICAL_UUID(text) else str(uuidlib.UUID(text))
        except ValueError:
            what = "missing" if not text else "not a session uuid such as `alliance export` writes"
            self.problems.add(where, "uuid", f"{what}; it is how a session is recognised when it comes back.")
            return None, False
        first = self.seen.first(value, where)
        if first is not None:
            self.problems.add(
                where, "uuid", f"this session is already in the file at {first} (a session's rows must be together)."
            )
            return None, True
        return value, False

    def close(self) -> None:
        self.seen.close()

    def _id_hint(self, where: str, raw: Any) -> int | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        if isinstance(raw, int) and not isinstance(raw, bool):
            value = raw
        else:  # ASCII digits, as `answers.coerce` reads a rating: not 1_0, +7 or ٣
            text = str(raw).strip()
            value = int(text) if text.isascii() and text.isdigit() and len(text) <= 19 else 0
        if 0 < value <= MAX_ID:
            return value
        self.problems.add(where, "session_id", "expected a whole number above 0, or nothing.")
        return None


_UNREAD = object()
# A uuid as `str(uuid.UUID(...))` writes it (and `alliance export`): taken as it is.
_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").fullmatch
_REMEMBERED = 50_000  # cells or answers remembered at most: memory stays flat whatever the file's size
_quoted = methodcaller("startswith", "'")  # a CSV cell that `unescape_cell` may change (all cells are text)


def _remembering_coerce() -> Callable[[Prompt, Any], Any]:
    """`answers.coerce`, remembering what each text typed as for the kinds whose answers a file
    repeats (ratings, numbers, yes/no, one choice): the same value, or the same ValueError, as
    `coerce` gives. Free text and several choices (a list) are typed every time."""
    remembered: dict[tuple[str, str], Any] = {}

    def typed(prompt: Prompt, raw: Any) -> Any:
        if raw.__class__ is not str or prompt.kind in ("text", "multi"):
            return coerce(prompt, raw)
        key = (prompt.id, raw)
        value = remembered.get(key, _UNREAD)
        if value is _UNREAD:
            value = coerce(prompt, raw)  # a ValueError is not remembered: it is raised anew
            if len(remembered) < _REMEMBERED:
                remembered[key] = value
        return value

    return typed


def _quick_validation(ps: PromptSet, history: frozenset[str]) -> Callable[[Mapping[str, Any]], dict[str, Any] | None]:
    """`validate_answers` for the answers it accepts, in one plain loop over the prompt set
    prepared once: the same typed answers, in the same order; None as soon as anything is
    wrong (an unknown id, a value that does not type, a follow-up answered that was not
    asked, a required answer missing), and `validate_answers` then lists the problems.

    Whether a follow-up is asked (`answers.applies`) depends on one earlier answer only: it
    is worked out once per prompt and value (a list, several choices, every time), which
    holds when `EACH_MOMENT` is a fact (as it is for an import; else it is worked out every
    time). A cell is typed once per prompt and value too, up to `_REMEMBERED`. Without
    `KIND_AS_RECORDED` an answer may follow from others (`answers.follows`): then every
    session goes to `validate_answers`."""
    from alliance_cli.core.answers import applies

    if KIND_AS_RECORDED not in history:
        return lambda raw: None
    one_answer = EACH_MOMENT in history  # whether a follow-up depends on one earlier answer alone

    plan = []
    for p in ps.prompts:
        when = p.when
        follows = None if when is None or when.history is not None else (when.prompt or "")
        asked = True if when is None or follows is not None else when.history in history
        remembered: dict[Any, Any] | None = None if p.kind in ("text", "multi") else {}
        plan.append((p.id, p, remembered, follows, asked, p.required, p.kind == "text"))
    known = frozenset(p.id for p in ps.prompts)
    position = {entry[0]: (i, *entry[1:]) for i, entry in enumerate(plan)}
    # Required prompts always asked, checked once the given answers are; a required follow-up
    # that is not answered sends the session through the loop over the whole prompt set.
    required_always = [pid for pid, _, _, follows, asked, required, _ in plan if required and follows is None and asked]
    required_follow_ups = [pid for pid, _, _, follows, _, required, _ in plan if required and follows is not None]
    missing = object()
    decided: dict[tuple[str, type, Any], bool] = {}

    def typed(prompt: Prompt, remembered: dict[Any, Any] | None, text: bool, given: Any) -> Any:
        """The typed answer, None for none, `missing` when it does not type."""
        if given == "":  # (a wide file's empty cell: no answer, as `coerce` has it)
            return None
        if text and given.__class__ is str:  # `coerce` for written answers, past its tests of the kind
            try:
                return written(given)
            except ValueError:
                return missing
        cls = given.__class__
        if remembered is not None and (cls is str or cls is int or cls is bool):
            key = (cls, given) if cls is bool else given  # JSON: 1 and true are not the same answer ("1" is not 1)
            value = remembered.get(key, missing)
            if value is missing:
                try:
                    value = coerce(prompt, given)
                except ValueError:
                    return missing
                if len(remembered) < _REMEMBERED:
                    remembered[key] = value
            return value
        try:
            return coerce(prompt, given)
        except ValueError:
            return missing

    def is_asked(pid: str, prompt: Prompt, follows: str, answers: dict[str, Any]) -> bool:
        earlier = answers.get(follows)
        if earlier.__class__ is list or not one_answer:
            return applies(prompt, answers, history)
        key = (pid, earlier.__class__, earlier)
        known_answer = decided.get(key)
        if known_answer is None:
            known_answer = applies(prompt, answers, history)
            if len(decided) < _REMEMBERED:
                decided[key] = known_answer
        return known_answer

    def valid(raw: Mapping[str, Any]) -> dict[str, Any] | None:
        """The given answers one by one, when they come in the prompt set's order (as an
        export writes them): what the loop over the whole prompt set (`in_order`) gives."""
        if not known.issuperset(raw):
            return None
        answers: dict[str, Any] = {}
        last = -1
        for pid, given in raw.items():
            index, prompt, remembered, follows, asked, _, text = position[pid]
            if index < last:
                return in_order(raw)
            last = index
            if given == "":
                continue
            # What `typed` gives, looked up here first for a value typed before (a rating, a choice)
            cls = given.__class__
            value = missing
            if remembered is not None and (cls is str or cls is int or cls is bool):
                value = remembered.get((cls, given) if cls is bool else given, missing)
            if value is missing:
                value = typed(prompt, remembered, text, given)
            if value is None:
                continue
            if value is missing:
                return None
            if follows is not None:
                asked = is_asked(pid, prompt, follows, answers)
            if not asked:
                return None
            answers[pid] = value
        for pid in required_always:
            if pid not in answers:
                return None
        for pid in required_follow_ups:
            if pid not in answers:
                return in_order(raw)
        return answers

    def in_order(raw: Mapping[str, Any]) -> dict[str, Any] | None:
        answers: dict[str, Any] = {}
        for pid, prompt, remembered, follows, asked, required, text in plan:
            given = raw.get(pid, missing)
            value = None if given is missing else typed(prompt, remembered, text, given)
            if value is missing:
                return None
            if follows is not None:
                asked = is_asked(pid, prompt, follows, answers)
            if not asked:
                if value is not None:
                    return None
                continue
            if value is None:
                if required:
                    return None
                continue
            answers[pid] = value
        return answers

    return valid


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _long_sessions(
    batches: Iterator[tuple[int, list[Any]]], unit: str, checker: _Checker
) -> Iterator[IncomingSession | None]:
    """Group consecutive items of the same uuid into one session each. The items of a batch
    that are all objects with every key of a long export (and only those) are taken as they
    are; any other item is checked on its own first (`well_formed`)."""
    items: list[Any] = []
    numbers: list[int] = []
    current: Any = None
    well_formed = checker.well_formed
    allowed = checker.allowed
    for start, values in batches:
        whole = (
            set(map(type, values)) == {dict}
            and set(map(len, values)) == {len(allowed)}
            and allowed.issuperset(set().union(*values))  # (a set takes a dict's keys with their hashes)
        )
        for number, value in enumerate(values, start):
            if not whole and not well_formed(Record(unit, number, value)):
                continue
            key = value.get("uuid")
            if items and key != current:
                yield _long_group(items, numbers, unit, checker)
                items, numbers = [], []
            current = key
            items.append(value)
            numbers.append(number)
    if items:
        yield _long_group(items, numbers, unit, checker)


_PROMPT_ID, _VALUE = itemgetter("prompt_id"), itemgetter("value")


def _long_group(items: list[Any], numbers: list[int], unit: str, checker: _Checker) -> IncomingSession | None:
    """`_long_session` for items (JSON) as `alliance export` writes them, from whole columns
    at once: the same session fields in each, each prompt once, every id known; any other
    group goes through `_long_session`, which finds and names every problem."""
    first = items[0]
    try:
        if len(first) == len(checker.allowed):  # every key (`_long_sessions`)
            session_of = _SESSION_FIELDS
        else:
            session_of = itemgetter(*(name for name in _LONG_SESSION_FIELDS if name in first))
        pids = list(map(_PROMPT_ID, items))
        if (
            list(map(session_of, items)).count(session_of(first)) == len(items)  # (no hashing: a list is a value too)
            and len(raw := dict(zip(pids, map(_VALUE, items), strict=True))) == len(pids)  # no prompt given twice
            and checker.prompt_ids.issuperset(raw)
        ):
            return checker.session(f"{unit} {numbers[0]}", first, raw, _RowsOf(pids, numbers, unit))
    except (KeyError, TypeError):  # a field missing from a later item, a prompt id that is a list
        pass
    return _long_session([Record(unit, n, value) for n, value in zip(numbers, items, strict=True)], checker)


_LONG_SESSION_FIELDS = ("session_id", "date", "client", "modality")
_SESSION_FIELDS = itemgetter(*_LONG_SESSION_FIELDS)


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
            add(record.where, "prompt_id", f"'{pid}' is answered twice for this session ({rows[pid]}).")  # a known id
            ok = False
        else:  # the cell is not repeated: it may hold anything, answer text included
            add(record.where, "prompt_id", f"the value given is not a prompt in this prompt set ({Hint.PROMPTS}).")
            ok = False
    session = checker.session(group[0].where, first, raw, rows)
    return session if ok else None


def _long_csv_sessions(
    header: list[str], rows: Iterator[list[str]], checker: _Checker
) -> Iterator[IncomingSession | None]:
    """`_long_sessions` for a CSV file, on its rows as lists: a session whose rows are as
    `alliance export` writes them (the same session columns, each prompt once, every id known)
    is put together from whole columns at once; any other goes through `_long_session`, so
    every problem is found and named as it would be there."""
    width = len(header)
    at = {name: i for i, name in enumerate(header)}
    uuid_of, pid_at, value_at = itemgetter(at["uuid"]), at["prompt_id"], at["value"]
    same_at = [at[name] for name in _LONG_SESSION_FIELDS if name in at]
    known = checker.prompt_ids
    group: list[list[str]] = []
    numbers: list[int] = []
    current: Any = None

    def same(column: tuple[str, ...]) -> bool:
        return column.count(column[0]) == len(column)

    def session() -> IncomingSession | None:
        columns = list(zip(*group, strict=True))  # the group's cells, column by column, in one call
        pids = columns[pid_at]
        # (`raw` has as many answers as the group rows when no prompt is given twice)
        if (
            all(map(same, map(columns.__getitem__, same_at)))
            and len(raw := dict(zip(pids, columns[value_at], strict=True))) == len(pids)
            and known.issuperset(raw)
        ):
            where = f"row {numbers[0]}"
            rows = _RowsOf(pids, numbers, "row")
            return checker.session(where, dict(zip(header, group[0], strict=True)), raw, rows)
        records = [Record("row", n, dict(zip(header, r, strict=True))) for n, r in zip(numbers, group, strict=True)]
        return _long_session(records, checker)

    for number, row in enumerate(rows, 2):
        if len(row) != width:
            if row:  # (an empty one is a blank line)
                checker.well_formed(Record("row", number, _Ragged(len(row), width)))
            continue
        key = uuid_of(row)
        if group and key != current:
            yield session()
            group, numbers = [], []
        current = key
        group.append(row)
        numbers.append(number)
    if group:
        yield session()


class _RowsOf(Mapping[str, str]):
    """Where each prompt's answer is (`row N`, `item N`), worked out only for a problem to name."""

    def __init__(self, pids: Sequence[str], numbers: list[int], unit: str) -> None:
        self.pids, self.numbers, self.unit = pids, numbers, unit

    def __getitem__(self, pid: str) -> str:
        try:
            return f"{self.unit} {self.numbers[self.pids.index(pid)]}"
        except ValueError:
            raise KeyError(pid) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.pids)

    def __len__(self) -> int:
        return len(self.pids)


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


def _wide_csv_sessions(
    header: list[str], rows: Iterator[list[str]], checker: _Checker
) -> Iterator[IncomingSession | None]:
    """`_wide_sessions` for a CSV file, on its rows as lists: each row's session columns and
    answers are taken by position (the header was checked once)."""
    width = len(header)
    fields = [(i, name) for i, name in enumerate(header) if name in SESSION_COLUMNS]
    answers = [(i, name) for i, name in enumerate(header) if name not in SESSION_COLUMNS]
    field_names, answer_names = [name for _, name in fields], [name for _, name in answers]
    field_of, answers_of = _cells([i for i, _ in fields]), _cells([i for i, _ in answers])
    session = checker.session
    for number, row in enumerate(rows, 2):
        if len(row) != width:
            if row:  # (an empty one is a blank line)
                checker.well_formed(Record("row", number, _Ragged(len(row), width)))
            continue
        # An empty cell is no answer, to the checks as to `validate_answers`: it is left out.
        raw = {pid: cell for pid, cell in zip(answer_names, answers_of(row), strict=True) if cell}
        yield session(f"row {number}", dict(zip(field_names, field_of(row), strict=True)), raw, {})


def _cells(positions: list[int]) -> Callable[[list[str]], Any]:
    """The cells at `positions` of a row, as a tuple (itemgetter's, whatever their number)."""
    if len(positions) > 1:
        return itemgetter(*positions)
    return lambda row: tuple(row[i] for i in positions)


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
    try:
        fmt = fmt or detect_format(Path(name), _peek(binary))
    except OSError as exc:
        raise ImportFileError(f"{name}: cannot read the file ({exc.strerror or type(exc).__name__}).") from None
    text = _text(binary)
    try:
        yield from _read_sessions(text, name, ps, fmt, raw, on_progress, _position(binary), today)
    except OSError as exc:  # the file failed while being read (a disk error, a device)
        raise ImportFileError(f"{name}: cannot read the file ({exc.strerror or type(exc).__name__}).") from None
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
        columns, rows = _csv_records(text, name)
        shape = check_columns(columns, ps, name)
        records = _csv_as_records(columns, rows)
    else:
        unit = "item" if fmt == "json" else "line"
        if fmt == "json":
            batches = _json_batches(text, name)
        else:
            batches = ((record.number, [record.values]) for record in _jsonl_records(text, name))
        started = next(batches, None)
        if started is None:
            return
        first = Record(unit, started[0], started[1][0])
        if not isinstance(first.values, dict):
            raise ImportFileError(f"{name}, {first.where}: expected an object with the keys `alliance export` writes.")
        shape = check_columns(list(first.values), ps, f"{name}, {first.where}", "key")
        batches = chain([started], batches)
        records = (Record(unit, n, value) for start, values in batches for n, value in enumerate(values, start))
    checker = _Checker(ps, shape, name=name, check_keys=fmt != "csv", unescape=fmt == "csv" and not raw, today=today)
    if fmt == "csv" and shape == "long":
        grouped = _long_csv_sessions(columns, rows, checker)
    elif fmt == "csv":
        grouped = _wide_csv_sessions(columns, rows, checker)
    elif shape == "long":
        grouped = _long_sessions(batches, unit, checker)
    else:
        grouped = _wide_sessions(records, checker)
    try:
        for seen, session in enumerate(grouped, 1):
            if on_progress is not None and seen % PROGRESS_EVERY == 0:
                on_progress(position())
            if session is not None and not checker.problems:
                yield session
    finally:
        checker.close()
    if checker.problems:
        lines = checker.problems.summary(
            f"Nothing was imported from {name}: fix the rows above and run the import again."
        )
        raise ImportFileError(lines[0], lines)


def _position(binary: IO[bytes]) -> Callable[[], int]:
    def position() -> int:
        try:
            return binary.tell()
        except OSError:
            return 0

    return position


class ImportPrivacy:
    """The privacy guard over the written answers of the sessions in a file: counts the answers
    that may identify a client and the kinds found, never the text. The import keeps them as
    they are (the file is the clinician's own); the summary says so."""

    def __init__(self, watchlist: Any = None, region: str | None = None) -> None:
        self.watchlist = watchlist
        self.region = region
        self.answers = 0
        self.sessions = 0
        self.found: dict[str, int] = {}  # how many findings of each kind: never a list as long as the file

    def watch(self, incoming: Iterator[IncomingSession | None]) -> Iterator[IncomingSession | None]:
        from alliance_cli.core.privacy import find_identifiers

        kinds: Any = None
        written: frozenset[str] = frozenset()  # the prompts of kind text in `kinds`
        for item in incoming:
            if item is not None:
                flagged = 0
                if item.session.kinds is not kinds:  # the sessions of one file share their prompt set's
                    kinds = item.session.kinds
                    written = frozenset(pid for pid, kind in kinds.items() if kind == "text")
                answers = item.session.answers
                for pid in written & answers.keys():
                    value = answers[pid]
                    if isinstance(value, str):
                        found = find_identifiers(value, self.watchlist, self.region)
                        if found:
                            flagged += 1
                            for finding in found:
                                self.found[finding.kind] = self.found.get(finding.kind, 0) + 1
                self.answers += flagged
                self.sessions += bool(flagged)
            yield item

    def summary(self) -> str | None:
        """One line for stderr, or None when nothing was found."""
        from alliance_cli.core.privacy import describe_counts

        if not self.answers:
            return None
        return (
            f"Privacy check: {count(self.answers, 'written answer')} in {count(self.sessions, 'session')} of the "
            f"file may hold {describe_counts(self.found)}; `alliance export --redact` replaces such details "
            "with [redacted] in a file you share."
        )


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
    privacy: ImportPrivacy | None = None,
) -> ImportOutcome:
    """Import `source` ('-' for stdin) into the journal at `db_path`, all or nothing.

    A journal that does not exist yet is created, and removed again if the import is
    refused. A dry run of a missing journal runs against a throwaway one. `privacy`, given,
    runs the privacy guard over every written answer read.
    """
    try:
        return _import(db_path, ps, source, fmt, replace, dry_run, raw, on_progress, today, privacy)
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
    privacy: ImportPrivacy | None = None,
) -> ImportOutcome:
    from alliance_cli.app import reading
    from alliance_cli.store.exchange import import_sessions
    from alliance_cli.store.journal import open_journal

    with ExitStack() as stack:
        binary, name, size = stack.enter_context(_source(source))
        sessions: Generator[IncomingSession, None, None] | reading.Reader
        if reading.worth_it(size):  # read and checked in a process of its own while this one writes
            guard, privacy = privacy, None  # the reader runs the privacy guard; its counts come back

            def read() -> Iterator[IncomingSession | None]:
                found = read_sessions(binary, name, ps, fmt=fmt, raw=raw, today=today)
                return found if guard is None else guard.watch(found)

            sessions = reading.read_apart(
                read,
                name=name,
                position=_position(binary),
                error=ImportFileError,
                privacy=guard,
                on_progress=on_progress,
            )
        else:
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
        started = created and not dry_run and _start_encrypted_if_asked(db_path)
        journal = stack.enter_context(open_journal(target, create=True))
        try:
            incoming: Iterator[IncomingSession | None] = chain([first] if first is not None else [], sessions)
            if privacy is not None:
                incoming = privacy.watch(incoming)
            outcome = import_sessions(journal, incoming, replace=replace, dry_run=dry_run)
            outcome.notices = [*journal.notices, *outcome.notices]
            if started:
                from alliance_cli.app.watchlist import move_in, moved_in

                words = move_in(db_path)  # once the import is in: a refused one leaves the list as it was
                if words is not None:
                    outcome.notices.insert(0, moved_in(words))
                outcome.notices.insert(0, f"Started a new, encrypted journal at {db_path} ({ENCRYPT_NEW}).")
            return outcome
        except BaseException:
            if (created or empty) and target == db_path:  # the journal this import made goes with it
                journal.close()
                if started:
                    from alliance_cli.store import cipher

                    cipher.forget(db_path)
                for suffix in ("-wal", "-shm") if empty else ("", "-wal", "-shm"):
                    Path(f"{db_path}{suffix}").unlink(missing_ok=True)
                if empty:
                    os.truncate(db_path, 0)  # the empty file it was
            raise
    raise AssertionError("unreachable")  # pragma: no cover


ENCRYPT_NEW = "encrypt_new in `alliance config`"


def _start_encrypted_if_asked(path: Path) -> bool:
    """With `encrypt_new = true` in the settings, the journal an import creates starts
    encrypted, as the first `alliance log`'s does; whether it did."""
    from alliance_cli.settings.config import load_config
    from alliance_cli.store import cipher

    if not load_config().encrypt_new:
        return False
    cipher.start_encrypted(path)
    return True


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
    if outcome.conflicting:
        n = outcome.conflicting
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
