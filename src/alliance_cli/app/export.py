"""`alliance export`: the journal streamed as CSV, JSON or JSON lines (`ui.formats` writes them).

Two shapes:

- long: one row per answer, columns `LONG_COLUMNS` in that order;
- wide: one row per session, `SESSION_COLUMNS` then one column per prompt id in
  prompt-set order.

Values are encoded as everywhere else (`ui.formats`): in CSV numbers as numbers, yes/no as
`yes`/`no`, several choices joined with `;`, an unanswered prompt empty; in JSON the typed
answer (a number, `true`/`false`, a string, an array of choices, or `null`). JSON is one
array with one object per line, written as it streams; JSON lines is one object per line.
CSV answer cells are made spreadsheet-safe (`ui.formats.escape_cell`) unless `raw`; the
other columns cannot start with a formula character (codes, dates, ids and modalities are
validated when they are written).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from alliance_cli.core.messages import count
from alliance_cli.errors import InputError
from alliance_cli.settings.files import PrivateFile
from alliance_cli.ui.formats import RISKY_START, csv_field, escape_cell, json_text, write_lines, write_rows

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet
    from alliance_cli.store.exchange import ExportQuery
    from alliance_cli.store.journal import Journal

SESSION_COLUMNS = ("session_id", "uuid", "date", "client", "session_number", "modality")
ANSWER_COLUMNS = ("prompt_id", "principle", "kind", "value")
LONG_COLUMNS = SESSION_COLUMNS + ANSWER_COLUMNS


class PrivacyCheck:
    """The privacy guard over an export's free-text cells: counts what may identify a client
    (by session and prompt, never the text) and, with `redact`, replaces it with [redacted]."""

    def __init__(self, watchlist: Any = None, *, redact: bool = False, region: str | None = None) -> None:
        self.watchlist = watchlist
        self.redact = redact
        self.region = region  # the clinician's country, for phone and ID numbers (`privacy.region`)
        self.flagged: dict[int, set[str]] = {}  # session id -> prompt ids

    def long_rows(self, rows: Iterable[Sequence[Any]], *, escape: bool = False) -> Iterator[Sequence[Any]]:
        """Long shape: the value cell of rows whose kind is text; with `escape`, the value
        cell made spreadsheet-safe too (`ui.formats.escape_cell`), in the same pass. The hot
        path: 470,000 rows for ten years, so the common case is two comparisons."""
        kind_at, value_at, prompt_at = (
            LONG_COLUMNS.index("kind"),
            len(LONG_COLUMNS) - 1,
            LONG_COLUMNS.index("prompt_id"),
        )
        risky = RISKY_START if escape else frozenset()
        for row in rows:
            if row[kind_at] == "text":
                row = self._checked(row, (value_at,), lambda i, row=row: row[prompt_at])
            value = row[value_at]
            if value.__class__ is str and value[:1] in risky:
                row = (*row[:value_at], escape_cell(value), *row[value_at + 1 :])
            yield row

    def check_texts(self, texts: Iterable[tuple[int, str, str]]) -> None:
        """Count the written answers, given as (session id, prompt id, text), that may identify a
        client: the long shape's check when nothing is redacted, in a pass of its own."""
        from alliance_cli.core.privacy import find_identifiers

        watchlist, region, flag = self.watchlist, self.region, self.flagged.setdefault
        for session_id, prompt_id, text in texts:
            if find_identifiers(text, watchlist, region):
                flag(session_id, set()).add(prompt_id)

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
            if value.__class__ is not str or not find_identifiers(value, self.watchlist, self.region):
                continue
            self.flagged.setdefault(row[0], set()).add(prompt_of(i))
            if self.redact:
                changed = changed or list(row)
                changed[i] = redact(value, self.watchlist, self.region)
        return row if changed is None else tuple(changed)

    def summary(self) -> str | None:
        """One line for stderr: how many answers in which sessions; never what was found."""
        if not self.flagged:
            return None
        answers = sum(len(p) for p in self.flagged.values())
        ids = sorted(self.flagged)
        where = ("session " if len(ids) == 1 else "sessions ") + ", ".join(str(i) for i in ids[:10])
        where += ", ..." if len(ids) > 10 else ""
        what = count(answers, "answer")
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
    from alliance_cli.store.exchange import ExportPrompt, export_prompts, long_lines, long_rows, wide_rows

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
    typed = fmt != "csv"  # JSON has types for yes/no and lists; CSV has text
    if shape == "long" and not (privacy is not None and privacy.redact):
        # The common case: SQLite writes each row's line (escaped and quoted as `write_rows`
        # would), the privacy check reads the written answers in a pass of its own, and
        # Python only hands the lines on.
        texts = privacy.check_texts if privacy is not None else None
        escaped = fmt == "csv" and not raw
        encode = json_text if typed else _csv_encoder(escaped)
        with long_lines(journal, query, prompts, encode, fmt=fmt, escaped=escaped, texts=texts) as lines:
            return write_lines(lines, LONG_COLUMNS, fmt, out)
    if shape == "long":
        stream = long_rows(journal, query, prompts, typed=typed)
        columns: tuple[str, ...] = LONG_COLUMNS
        answer_cells: Collection[int] = (len(LONG_COLUMNS) - 1,)
    else:
        stream = wide_rows(journal, query, prompts, typed=typed)
        columns = SESSION_COLUMNS + tuple(p.id for p in prompts)
        answer_cells = frozenset(range(len(SESSION_COLUMNS), len(columns)))
    escape = answer_cells if fmt == "csv" and not raw else ()
    with stream as found:
        rows: Iterator[Sequence[Any]] = found
        if privacy is not None and shape == "long":
            rows = privacy.long_rows(rows, escape=bool(escape))  # one pass: checked and escaped
            escape = ()
        elif privacy is not None:
            rows = privacy.wide_rows(rows, columns, {p.id for p in ps.prompts if p.kind == "text"})
        return write_rows(rows, columns, fmt, out, escape=escape)


def _csv_encoder(escaped: bool) -> Callable[[Any], str]:
    """A value as the CSV field `write_rows` writes for it (made spreadsheet-safe if `escaped`)."""
    if not escaped:
        return csv_field
    return lambda value: csv_field(escape_cell(value) if value.__class__ is str else value)


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
