"""Commands that move data out of the journal and back in: export, import."""

from enum import StrEnum
from pathlib import Path
from typing import Annotated, Optional

import typer

from alliance_cli.cli.root import (
    ClientOption,
    DbOption,
    Format,
    LastOption,
    MonthOption,
    PromptsOption,
    SinceOption,
    UntilOption,
    WeekOption,
    _open,
    _prompt_set,
    _say,
    _warn_if_shared,
    app,
    format_option,
)
from alliance_cli.core.messages import Stopped


class Shape(StrEnum):
    long = "long"
    wide = "wide"


@app.command()
def export(
    fmt: Annotated[Format, format_option(Format.csv, Format.json, Format.jsonl)] = Format.csv,
    shape: Annotated[
        Shape, typer.Option("--shape", metavar="long|wide", help="long: a row per answer; wide: a row per session.")
    ] = Shape.long,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", metavar="FILE", dir_okay=False, help="Write to this file instead of stdout."),
    ] = None,
    since: SinceOption = None,
    until: UntilOption = None,
    week: WeekOption = None,
    month: MonthOption = None,
    last: LastOption = None,
    client: ClientOption = None,
    prompt: Annotated[
        Optional[list[str]],
        typer.Option("--prompt", "-p", metavar="PROMPT_ID", help="Only this prompt id (repeatable)."),
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="No spreadsheet-safety quote before =, +, -, @.")] = False,
    excel: Annotated[
        bool,
        typer.Option(
            "--excel",
            "--bom",
            help="CSV that Excel and LibreOffice open right by default: UTF-8 with a byte-order mark, so accents "
            "and other scripts are not garbled.",
        ),
    ] = False,
    redact: Annotated[
        bool,
        typer.Option("--redact", help="Replace what could identify a client in written answers with \\[redacted]."),
    ] = False,
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Export your journal as CSV or JSON for a spreadsheet or a script.

        alliance export --since 2026-01-01 -o journal.csv
        alliance export --last 1y --excel -o journal.csv

    Long shape columns: session_id, uuid, date, client, session_number, modality,
    prompt_id, principle, kind, value. Wide shape: the session columns, then one column per
    prompt id (README: "Data formats"). Everything unless you give a period or a client. Written answers go through
    the privacy check: what may identify a client is named on stderr, or replaced with
    \\[redacted] with --redact.
    """
    from alliance_cli.app.export import PrivacyCheck, export_journal, output_stream
    from alliance_cli.app.watchlist import journal_watchlist
    from alliance_cli.cli.review import note_unknown_client
    from alliance_cli.core.periods import resolve_period
    from alliance_cli.errors import Interrupted, UsageError
    from alliance_cli.settings.config import privacy_region
    from alliance_cli.store.exchange import ExportQuery
    from alliance_cli.ui.formats import write_bom

    if excel and fmt is not Format.csv:
        raise UsageError(f"--excel writes CSV for a spreadsheet; leave out --format {fmt.value}, or --excel.")
    period = resolve_period(week=week, month=month, since=since, until=until, last=last, default_days=None)
    query = ExportQuery(
        client=client,
        since=period.start if period else None,
        until=period.end if period else None,
        prompt_ids=tuple(prompt or ()),
    )
    ps, _ = _prompt_set(prompts)
    try:
        with _open(db, readonly=True) as journal:
            privacy = PrivacyCheck(journal_watchlist(journal), redact=redact, region=privacy_region())
            note_unknown_client(journal, client)
            with output_stream(output) as out:
                if excel:
                    write_bom(out)
                count = export_journal(
                    journal, ps, out, query=query, fmt=fmt.value, shape=shape.value, raw=raw, privacy=privacy
                )
    except KeyboardInterrupt:
        raise Interrupted(Stopped.NO_FILE if output else Stopped.PLAIN) from None
    if (found := privacy.summary()) is not None:
        _say(found)
    if output is not None and str(output) != "-":
        what = "answer" if shape is Shape.long else "session"
        _say(f"Wrote {count} {what}{'' if count == 1 else 's'} to {output}.")


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A file `alliance export` wrote ('-' reads stdin).", allow_dash=True)],
    fmt: Annotated[Optional[Format], format_option(Format.csv, Format.json, Format.jsonl, detect=True)] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="Where a session differs from the journal's, take the file's version.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file and say what would change.")] = False,
    raw: Annotated[
        bool, typer.Option("--raw", help="The file was exported with --raw: take every leading ' as text.")
    ] = False,
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Import sessions from an export: another machine's journal, or a backup.

        alliance import journal.csv --dry-run

    Every row is checked first; if any row has a problem, nothing is imported. Sessions
    already in the journal are recognised by their uuid and skipped.
    """
    import sys

    from alliance_cli.app.imports import ImportPrivacy, import_file, summary_lines
    from alliance_cli.app.watchlist import watchlist_at
    from alliance_cli.settings.config import privacy_region, resolve_db_path
    from alliance_cli.ui.progress import progress_for

    ps, _ = _prompt_set(prompts)
    journal = resolve_db_path(db)
    privacy = ImportPrivacy(watchlist_at(journal), privacy_region())
    if not dry_run:
        _warn_if_shared(journal)
    size = file.stat().st_size if str(file) != "-" and file.is_file() else None
    with progress_for(size, terminal=sys.stderr.isatty()) as on_progress:
        outcome = import_file(
            journal,
            ps,
            file,
            fmt=None if fmt is None else fmt.value,
            replace=replace,
            dry_run=dry_run,
            raw=raw,
            on_progress=on_progress,
            privacy=privacy,
        )
    for line in summary_lines(outcome, "stdin" if str(file) == "-" else str(file)):
        _say(line)
    if (found := privacy.summary()) is not None:
        _say(found)
