"""The one output switch: what a command found, written in the `--format` asked for.

`emit` is the only place that decides between the formats; a command hands it what it
has (a table for people, records, a document, a Markdown text) and `emit` writes the one
asked for to stdout. The names, for every command (`cli.root.Format`):

- `table`: for people. A Rich renderable laid out at the terminal's width (Rich is
  imported then and only then), or plain lines (`doctor`).
- `json`, `jsonl`, `csv`: for scripts, with one encoding of a value everywhere (the keys
  of each command are listed once, in the README's "Data formats"):
  - JSON: numbers are numbers, a yes/no answer is `true`/`false`, several choices are an
    array, dates are `YYYY-MM-DD`, nothing is `null`; a session's id is `session_id`. A
    list of records is one array with one object per line (`json`) or one object per line
    (`jsonl`); a single document (`show`, `report`) is one indented object.
  - CSV: RFC 4180, UTF-8, a header row always; a yes/no answer is `yes`/`no`, several
    choices are joined with `;`, nothing is an empty cell (`csv_cell`).
- `markdown`: a document (the review).

For a spreadsheet (`export --excel`): the same CSV, after a UTF-8 byte-order mark
(`write_bom`), which is what makes Excel and LibreOffice read it as UTF-8 by default.

Spreadsheet safety (CSV only; JSON is for scripts): every CSV alliance writes goes through
`escape_cell` here. A text cell that a spreadsheet would run as a formula, one starting with
= + - @ tab CR LF or NUL, is prefixed with `'` as OWASP advises for CSV injection; numbers
are never touched. The listings (`list`, `search`, `clients`, `doctor`: `write_records`)
escape every text cell; the export escapes its answer cells (`write_rows(escape=...)`), the
only ones that can start with such a character (codes, dates, ids and modalities are
validated when they are written). So that the prefix can always be undone, a cell that
already starts with apostrophes followed by one of those characters gets one more;
`unescape_cell` removes exactly one, and import applies it to every answer cell of a CSV
file. `alliance export --raw` turns escaping off.

Nothing here imports Rich at the top, so `list --format json` never loads it.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from operator import itemgetter
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

DATA_FORMATS = frozenset({"json", "jsonl", "csv"})

RISKY_FIRST = frozenset("=+-@\t\r\n\x00")
RISKY_START = RISKY_FIRST | {"'"}  # a cell starting with one of these may need `escape_cell`

_json_line = json.JSONEncoder(ensure_ascii=False).encode


def escape_cell(text: str) -> str:
    """Text a spreadsheet would run as a formula, made inert with a leading `'` (reversibly)."""
    if text[:1] in RISKY_START and text.lstrip("'")[:1] in RISKY_FIRST:
        return "'" + text
    return text


def unescape_cell(text: str) -> str:
    """The inverse of `escape_cell`; text that was never escaped comes back unchanged."""
    if text[:1] == "'" and text.lstrip("'")[:1] in RISKY_FIRST:
        return text[1:]
    return text


def json_document(value: Any) -> str:
    """One JSON document, indented, as `show` and `report` write it (no newline at the end)."""
    return json.dumps(value, ensure_ascii=False, indent=2)


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: yes/no for a yes/no answer, several choices joined with `;`,
    an empty cell for nothing; numbers and text as they are."""
    if value is None:
        return ""
    if value is True or value is False:
        return "yes" if value else "no"
    if isinstance(value, list):
        return ";".join(str(csv_cell(v)) for v in value)
    return value


def write_records(records: Iterable[Mapping[str, Any]], columns: Sequence[str], fmt: str, out: IO[str]) -> int:
    """A listing (list, search, clients, doctor): each record as its `columns`, in that
    order; a missing key is nothing. In CSV every text cell is made spreadsheet-safe (a
    snippet of an answer, a prompt's text). Returns how many were written."""
    rows: Iterable[Sequence[Any]] = (tuple(rec.get(c) for c in columns) for rec in records)
    escape: Collection[int] = ()
    if fmt == "csv":
        rows = (tuple(csv_cell(v) for v in row) for row in rows)
        escape = range(len(columns))
    return write_rows(rows, columns, fmt, out, escape=escape)


def write_rows(
    rows: Iterable[Sequence[Any]], columns: Sequence[str], fmt: str, out: IO[str], *, escape: Collection[int] = ()
) -> int:
    """Stream tuples in `columns` order; `escape` lists the CSV cells to make spreadsheet-safe.

    CSV cells are written as they come (the export's SQL has made them text already). Returns
    the count."""
    if fmt == "csv":
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(columns)
        # writerows over C iterators keeps the per-row loop in C as far as it can go; the rows
        # are counted by zipping them with a counter (which stops one short of the rows' end).
        taken = itertools.count()
        counted = map(itemgetter(0), zip(rows, taken, strict=False))
        if len(escape) == 1:  # the long shape: one answer cell
            writer.writerows(_escaped_cell(counted, next(iter(escape))))
        elif escape:
            writer.writerows(
                [escape_cell(v) if v.__class__ is str and i in escape else v for i, v in enumerate(row)]
                for row in counted
            )
        else:
            writer.writerows(counted)
        return next(taken)
    count = 0
    encode = _json_line
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


def csv_field(value: Any) -> str:
    """One value as csv.writer writes it as a field of a row (quoted only when it must be)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow((value, None))  # a lone empty field would be ""
    return buffer.getvalue()[:-1]


def json_text(value: Any) -> str:
    """One value as JSON, as every JSON line alliance writes has it."""
    return _json_line(value)


def write_lines(lines: Iterable[str], columns: Sequence[str], fmt: str, out: IO[str]) -> int:
    """Stream rows already encoded (`export`: made by SQLite, see `store.exchange.long_lines`):
    CSV lines with their CRLF, after the header; JSON objects, as the items of one array
    (`json`, one a line) or one a line (`jsonl`). The same bytes `write_rows` writes for the
    same rows. Returns the count."""
    taken = itertools.count()
    counted = map(itemgetter(0), zip(lines, taken, strict=False))  # counted as in `write_rows`
    if fmt == "csv":
        csv.writer(out, lineterminator="\r\n").writerow(columns)
        out.writelines(counted)
    elif fmt == "json":
        first = next(counted, None)
        if first is None:
            out.write("[]\n")
            return 0
        out.write("[\n")
        out.write(first)
        out.writelines(map(",\n".__add__, counted))
        out.write("\n]\n")
    elif fmt == "jsonl":
        out.writelines(map(str.__add__, counted, itertools.repeat("\n")))
    else:  # pragma: no cover - the CLI's choices prevent it
        raise ValueError(fmt)
    return next(taken)


def _escaped_cell(rows: Iterable[Sequence[Any]], i: int) -> Iterator[Sequence[Any]]:
    check = RISKY_START
    for row in rows:
        value = row[i]
        if value.__class__ is str and value[:1] in check:
            yield (*row[:i], escape_cell(value), *row[i + 1 :])
        else:
            yield row


def write_bom(out: IO[str]) -> None:
    """The byte-order mark a CSV for a spreadsheet starts with (`export --excel`): Excel and
    LibreOffice read the file as UTF-8 by default then, instead of garbling é, — or 中. The
    rows end in CRLF already (RFC 4180), as both expect."""
    out.write("\ufeff")


def stdout_console() -> Console:
    """Rich on stdout. Markup is off: answers are shown exactly as typed, so a reflection
    holding "[redacted]" or "[/b]" is text, never a style (nor an error)."""
    from rich.console import Console

    return Console(highlight=False, markup=False)


def show(console: Console, renderable: Any) -> None:
    """Print a Rich renderable: on a terminal as Rich lays it out; into a pipe or a file
    without the spaces Rich pads each line with, so that no line ends in spaces. Lines laid
    out already (`StyledLines`) that fit are written as they are, as Rich would write them."""
    from alliance_cli.ui.lines import StyledLines

    # (Not on an old Windows console, which Rich styles by calls, not by codes in the text.)
    if (
        isinstance(renderable, StyledLines)
        and not console.legacy_windows
        and (console.is_terminal or console.color_system is None)
    ):
        styled = console.color_system is not None
        if renderable.write(console.file, console.width, styled=styled, strip=not console.is_terminal):
            return
    if console.is_terminal:
        console.print(renderable)
        return
    with console.capture() as captured:
        console.print(renderable)
    console.file.write("\n".join(line.rstrip() for line in captured.get().split("\n")))


def emit(
    fmt: str,
    *,
    view: Callable[[int], Any] | None = None,
    plain: Callable[[], str] | None = None,
    records: Iterable[Mapping[str, Any]] | None = None,
    columns: Sequence[str] = (),
    document: Callable[[], Any] | None = None,
    markdown: Callable[[], str] | None = None,
    out: IO[str] | None = None,
) -> None:
    """Write a command's result to stdout (or `out`) in the format `fmt`.

    `table` shows `view(width)` through Rich, or the `plain` text; `json`, `jsonl` and
    `csv` write `records` as `columns`, or `json` the one `document`; `markdown` writes the
    `markdown` text. A command offers only the formats it has something for."""
    stream = sys.stdout if out is None else out
    if fmt == "table" and plain is not None:
        stream.write(plain())
    elif fmt == "table" and view is not None:
        console = stdout_console()
        show(console, view(console.width))
    elif fmt in DATA_FORMATS and records is not None:
        write_records(records, columns, fmt, stream)
    elif fmt == "json" and document is not None:
        stream.write(json_document(document()) + "\n")
    elif fmt == "markdown" and markdown is not None:
        stream.write(markdown())
    else:  # pragma: no cover - each command offers only the formats it can write
        raise ValueError(f"nothing to write as {fmt}")
