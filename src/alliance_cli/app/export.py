"""Machine formats: CSV (RFC 4180, UTF-8, header always), JSON and JSON lines.

`write_records` serves small listings (`alliance list`). `export_journal` streams the
journal for `alliance export` in two shapes:

- long: one row per answer, columns `LONG_COLUMNS` in that order;
- wide: one row per session, `SESSION_COLUMNS` then one column per prompt id in
  prompt-set order.

Values are the same in every format: numbers as numbers, yes/no as `yes`/`no`, several
choices joined with `;`, an unanswered prompt empty (CSV) or null (JSON). JSON is one array
with one object per line, written as it streams; JSON lines is one object per line.

Spreadsheet safety (CSV only; JSON is for scripts): an answer cell that a spreadsheet would
run as a formula, one starting with = + - @ tab CR LF or NUL, is prefixed with `'` as OWASP
advises for CSV injection. Numbers are never touched. The other columns cannot start with
those characters (codes, dates, ids and modalities are validated when they are written). So
that the prefix can always be undone, a cell that already starts with apostrophes followed
by one of those characters gets one more; `unescape_cell` removes exactly one, and import
applies it to every answer cell of a CSV file. `--raw` turns escaping off.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from alliance_cli.errors import InputError
from alliance_cli.settings.files import PrivateFile

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet
    from alliance_cli.store.exchange import ExportQuery
    from alliance_cli.store.journal import Journal

SESSION_COLUMNS = ("session_id", "uuid", "date", "client", "session_number", "modality")
ANSWER_COLUMNS = ("prompt_id", "principle", "kind", "value")
LONG_COLUMNS = SESSION_COLUMNS + ANSWER_COLUMNS
FORMATS = ("csv", "json", "jsonl")
SHAPES = ("long", "wide")

RISKY_FIRST = frozenset("=+-@\t\r\n\x00")
_CHECK_FIRST = RISKY_FIRST | {"'"}


def escape_cell(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading `'` (reversibly)."""
    if text[:1] in _CHECK_FIRST and text.lstrip("'")[:1] in RISKY_FIRST:
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """The inverse of `escape_cell`; text that was never escaped comes back unchanged."""
    if text[:1] == "'" and text.lstrip("'")[:1] in RISKY_FIRST:
        return text[1:]
    return text


def write_records(records: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str, out: IO[str]) -> None:
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        for rec in records:
            writer.writerow(["" if rec.get(c) is None else rec.get(c) for c in columns])
    elif fmt == "json":
        json.dump([{c: rec.get(c) for c in columns} for rec in records], out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt == "jsonl":
        for rec in records:
            out.write(json.dumps({c: rec.get(c) for c in columns}, ensure_ascii=False) + "\n")
    else:  # pragma: no cover - the CLI's choices prevent it
        raise ValueError(fmt)


def write_rows(
    rows: Iterable[Sequence[Any]], columns: Sequence[str], fmt: str, out: IO[str], *, escape: Collection[int] = ()
) -> int:
    """Stream tuples in `columns` order; `escape` lists the CSV cells to make spreadsheet-safe. Returns the count."""
    counter = _Counter(rows)
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        # writerows over generators keeps the per-row loop in C as far as it can go.
        if len(escape) == 1:  # the long shape: one answer cell, the hot path
            writer.writerows(_escaped_cell(counter, next(iter(escape))))
        elif escape:
            writer.writerows(
                [escape_cell(v) if v.__class__ is str and i in escape else v for i, v in enumerate(row)]
                for row in counter
            )
        else:
            writer.writerows(counter)
        return counter.count
    count = 0
    encode = json.JSONEncoder(ensure_ascii=False).encode
    if fmt == "json":
        separator = "[\n"
        for row in rows:
            out.write(separator)
            out.write(encode(dict(zip(columns, row, strict=True))))
            separator = ",\n"
            count += 1
        out.write("\n]\n" if count else "[]\n")
    elif fmt == "jsonl":
        for row in rows:
            out.write(encode(dict(zip(columns, row, strict=True))))
            out.write("\n")
            count += 1
    else:  # pragma: no cover - the CLI's choices prevent it
        raise ValueError(fmt)
    return count


class _Counter:
    """Counts the rows as they pass."""

    def __init__(self, rows: Iterable[Sequence[Any]]) -> None:
        self.count = 0
        self._rows = iter(rows)

    def __iter__(self) -> Iterator[Sequence[Any]]:
        for row in self._rows:
            self.count += 1
            yield row


def _escaped_cell(rows: Iterable[Sequence[Any]], i: int) -> Iterator[Sequence[Any]]:
    check = _CHECK_FIRST
    for row in rows:
        value = row[i]
        if value.__class__ is str and value[:1] in check:
            yield (*row[:i], escape_cell(value), *row[i + 1 :])
        else:
            yield row


class PrivacyCheck:
    """The privacy guard over an export's free-text cells: counts what may identify a client
    (by session and prompt, never the text) and, with `redact`, replaces it with [redacted]."""

    def __init__(self, watchlist: Any = None, *, redact: bool = False) -> None:
        self.watchlist = watchlist
        self.redact = redact
        self.flagged: dict[int, set[str]] = {}  # session id -> prompt ids

    def long_rows(self, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """Long shape: the value cell of rows whose kind is text (the hot path: 400,000 rows
        for ten years, so the common case is one comparison)."""
        kind_at, value_at, prompt_at = (
            LONG_COLUMNS.index("kind"),
            len(LONG_COLUMNS) - 1,
            LONG_COLUMNS.index("prompt_id"),
        )
        for row in rows:
            if row[kind_at] != "text":
                yield row
                continue
            yield self._checked(row, (value_at,), lambda i, row=row: row[prompt_at])

    def wide_rows(
        self, rows: Iterable[Sequence[Any]], columns: Sequence[str], text_ids: set[str]
    ) -> Iterator[Sequence[Any]]:
        """Wide shape: the columns of free-text prompts."""
        cells = tuple(i for i, name in enumerate(columns) if i >= len(SESSION_COLUMNS) and name in text_ids)
        for row in rows:
            yield self._checked(row, cells, lambda i: columns[i])

    def _checked(self, row: Sequence[Any], cells: Sequence[int], prompt_of: Any) -> Sequence[Any]:
        from alliance_cli.core.privacy import find_identifiers, redact

        changed = None
        for i in cells:
            value = row[i]
            if value.__class__ is not str or not find_identifiers(value, self.watchlist):
                continue
            self.flagged.setdefault(row[0], set()).add(prompt_of(i))
            if self.redact:
                changed = changed or list(row)
                changed[i] = redact(value, self.watchlist)
        return row if changed is None else tuple(changed)

    def summary(self) -> str | None:
        """One line for stderr: how many answers in which sessions; never what was found."""
        if not self.flagged:
            return None
        answers = sum(len(p) for p in self.flagged.values())
        ids = sorted(self.flagged)
        where = ("session " if len(ids) == 1 else "sessions ") + ", ".join(str(i) for i in ids[:10])
        where += ", ..." if len(ids) > 10 else ""
        what = f"{answers} answer{'s' if answers != 1 else ''}"
        if self.redact:
            return f"Privacy check: replaced what could identify a client with [redacted] in {what} ({where})."
        return (
            f"Privacy check: {what} ({where}) may hold details that could identify a client; "
            "`alliance show ID` to look, `--redact` to export them as [redacted]."
        )


def export_journal(
    journal: Journal,
    ps: PromptSet,
    out: IO[str],
    *,
    query: ExportQuery,
    fmt: str = "csv",
    shape: str = "long",
    raw: bool = False,
    privacy: PrivacyCheck | None = None,
) -> int:
    """Write the journal's answers (long) or sessions (wide) to `out`; return the rows written."""
    from alliance_cli.store.exchange import ExportPrompt, export_prompts, long_rows, wide_rows

    prompts = export_prompts(journal, [ExportPrompt(p.id, p.principle) for p in ps.prompts])
    if query.prompt_ids:
        known = {p.id for p in prompts}
        unknown = [pid for pid in query.prompt_ids if pid not in known]
        if unknown:
            raise InputError(
                f"--prompt {', '.join(unknown)}: not a prompt in this prompt set or this journal "
                "(`alliance prompts show` lists them)."
            )
        prompts = [p for p in prompts if p.id in set(query.prompt_ids)]
    if shape == "long":
        stream = long_rows(journal, query, prompts)
        columns: tuple[str, ...] = LONG_COLUMNS
        answer_cells: Collection[int] = (len(LONG_COLUMNS) - 1,)
    else:
        stream = wide_rows(journal, query, prompts)
        columns = SESSION_COLUMNS + tuple(p.id for p in prompts)
        answer_cells = frozenset(range(len(SESSION_COLUMNS), len(columns)))
    escape = answer_cells if fmt == "csv" and not raw else ()
    with stream as rows:
        if privacy is not None and shape == "long":
            rows = privacy.long_rows(rows)
        elif privacy is not None:
            rows = privacy.wide_rows(rows, columns, {p.id for p in ps.prompts if p.kind == "text"})
        return write_rows(rows, columns, fmt, out, escape=escape)


@contextmanager
def output_stream(path: Path | None) -> Iterator[IO[str]]:
    """UTF-8 text to stdout, or to `path` all at once (`settings.files.PrivateFile`: a private
    temp file beside it, renamed into place when complete), so a crash or an error never
    leaves half a file."""
    if path is None or str(path) == "-":
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        if buffer is None:  # pragma: no cover - a stdout without bytes underneath
            yield sys.stdout
            return
        stream = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
        try:
            yield stream
        finally:
            stream.flush()
            stream.detach()
        return
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name for the export.")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"The folder {folder} does not exist; create it or choose another place.")
    try:
        private = PrivateFile(path)
    except OSError as exc:
        raise InputError(f"Cannot write in {folder} ({exc.strerror}).") from None
    with private as out:  # an error or Ctrl-C in the block: the temp file goes, `path` stays as it was
        yield out
        try:
            private.commit()
        except OSError as exc:
            raise InputError(f"Cannot write {path} ({exc.strerror}).") from None
