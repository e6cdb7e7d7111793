"""The weekly self-review: report, and demo (the same review of a sample journal)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from alliance_cli.cli.root import (
    DbOption,
    Format,
    LastOption,
    MonthOption,
    PromptsOption,
    SinceOption,
    UntilOption,
    WeekOption,
    _complete_client,
    _open,
    _prompt_set,
    _say,
    app,
    format_option,
)
from alliance_cli.core.messages import Hint

if TYPE_CHECKING:
    from alliance_cli.core.periods import Period
    from alliance_cli.core.report import Report
    from alliance_cli.store.journal import Journal


FormatOption = Annotated[Format, format_option(Format.table, Format.markdown, Format.json)]
ReportFormatOption = Annotated[Optional[Format], format_option(Format.table, Format.markdown, Format.json, Format.html)]


def _codes(values: list[str] | None) -> list[str] | None:
    from alliance_cli.cli.root import _code

    return [c for c in (_code(v) for v in values) if c is not None] if values else None


ClientsOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--client",
        "-c",
        metavar="CODE",
        help="Client code, e.g. C-014 (any case); with --supervision, give it once per case.",
        autocompletion=_complete_client,
        callback=_codes,
    ),
]


def note_unknown_client(journal: "Journal", client: str | None) -> None:
    """One calm line on stderr when --client names a code no session has (a typo, most likely)."""
    if client is None:
        return
    from alliance_cli.store.sessions import has_client  # only then: the report needs nothing else of it

    if not has_client(journal, client):
        _say(f"No session in this journal has the client code {client}; {Hint.CLIENT_CODES}")


def _show(report: "Report", fmt: Format, *, pager: bool = True) -> None:
    from alliance_cli.core.report import report_data
    from alliance_cli.ui import review
    from alliance_cli.ui.formats import emit

    if fmt == Format.table:
        review.print_review(report, pager=pager)
        return
    emit(
        fmt,
        view=lambda width: review.report_view(report, width),
        markdown=lambda: review.report_markdown(report),
        document=lambda: report_data(report),
    )


@app.command()
def report(
    week: WeekOption = None,
    month: MonthOption = None,
    last: LastOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    client: ClientsOption = None,
    notes: Annotated[bool, typer.Option("--notes", help="Add the period's written reflections.")] = False,
    supervision: Annotated[
        bool,
        typer.Option(
            "--supervision", help="A brief for supervision: the sessions you marked (or --client cases), in full."
        ),
    ] = False,
    redact: Annotated[
        bool,
        typer.Option("--redact", help="Replace what could identify a client in written answers with \\[redacted]."),
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Print the review straight, even when taller than the screen.")
    ] = False,
    fmt: ReportFormatOption = None,
    output: Annotated[
        Optional[Path],
        typer.Option("--output", "-o", dir_okay=False, help="Write the markdown or html to this file (0600)."),
    ] = None,
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Review your week beside the week before and your own baseline: principles, a focus, clients to check in with.

    Covers the last 7 days unless told otherwise, and always compares with the equally long
    period just before. Written answers it shows (intentions, and notes with --notes) go
    through the privacy guard: what may identify a client is named on stderr, or replaced
    with \\[redacted] with --redact. On a terminal a review taller than the screen opens in
    the pager (--no-pager prints it straight). Thresholds: `alliance config show`. JSON keys: README, "Data formats".

        alliance report --week last
        alliance report --month 2026-11 --format markdown > supervision.md

    With --supervision, a brief to bring to supervision instead: for each session you marked
    for it in the period (or each --client), the ratings over its last sessions, its
    ruptures in full, your feelings and notes, intentions and whether they were carried out,
    and your questions; Markdown unless --format html.

        alliance report --supervision --last 2w --format html -o brief.html
    """
    from alliance_cli.app.review import guard_review, load_report
    from alliance_cli.app.watchlist import journal_watchlist
    from alliance_cli.core.periods import resolve_period
    from alliance_cli.core.report import Thresholds, report_data
    from alliance_cli.errors import UsageError
    from alliance_cli.settings.config import load_config, privacy_region
    from alliance_cli.store.review import journal_prompt_set

    period = resolve_period(week=week, month=month, since=since, until=until, last=last)
    assert period is not None
    if output is not None and fmt in (None, Format.table):
        raise UsageError("--output writes a document: add --format markdown or --format html.")
    if supervision:
        _supervision(period, client or [], redact, fmt or Format.markdown, output, db, prompts)
        return
    if client is not None and len(client) > 1:
        raise UsageError("The weekly review takes one --client; several are for --supervision.")
    one = client[0] if client else None
    fmt = fmt or Format.table
    config = load_config()
    thresholds = Thresholds.of(config.report.thresholds())
    with _open(db, readonly=True) as journal:
        ps = _prompt_set(prompts)[0] if prompts else journal_prompt_set(journal) or _prompt_set(None)[0]
        note_unknown_client(journal, one)
        result = load_report(
            journal, ps, period, client=one, thresholds=thresholds, notes=notes, measure=config.client_measure
        )
        charts = None
        if fmt == Format.html:
            from alliance_cli.app.brief import load_chart_data

            charts = load_chart_data(journal, ps, period, client=one)
        watchlist = journal_watchlist(journal)
    result, found = guard_review(result, watchlist, privacy_region(), redact=redact)
    if found is not None:
        _say(found)
    if charts is not None:
        from alliance_cli.ui.html import review_html
        from alliance_cli.ui.review import report_markdown

        _write(review_html(result, charts, report_markdown(result)), output)
    elif output is not None:
        from alliance_cli.ui.formats import json_document
        from alliance_cli.ui.review import report_markdown

        _write(
            report_markdown(result) if fmt == Format.markdown else json_document(report_data(result)) + "\n",
            output,
        )
    else:
        _show(result, fmt, pager=not no_pager)


def _write(text: str, output: Path | None) -> None:
    """A document to stdout, or to `output` whole, private (0600)."""
    import sys

    if output is None:
        sys.stdout.write(text)
        return
    from alliance_cli.errors import InputError
    from alliance_cli.settings.files import write_private

    if output.is_dir():
        raise InputError(f"{output} is a folder; give a file name.")
    try:
        write_private(output, text)
    except OSError as exc:
        raise InputError(f"Cannot write {output} ({exc.strerror}).") from None
    _say(f"Wrote {output}.")


def _supervision(
    period: "Period",
    clients: list[str],
    redact: bool,
    fmt: Format,
    output: Path | None,
    db: Path | None,
    prompts: Path | None,
) -> None:
    from alliance_cli.app.brief import guard_brief, load_brief
    from alliance_cli.app.watchlist import journal_watchlist
    from alliance_cli.errors import UsageError
    from alliance_cli.settings.config import load_config, privacy_region
    from alliance_cli.store.review import journal_prompt_set

    if fmt not in (Format.markdown, Format.html):
        raise UsageError("--supervision writes markdown (the default) or html.")
    config = load_config()
    with _open(db, readonly=True) as journal:
        ps = _prompt_set(prompts)[0] if prompts else journal_prompt_set(journal) or _prompt_set(None)[0]
        brief = load_brief(journal, ps, period, clients=clients, measure=config.client_measure)
        watchlist = journal_watchlist(journal)
    brief, found = guard_brief(brief, watchlist, privacy_region(), redact=redact)
    if found is not None:
        _say(found)
    if redact:
        from dataclasses import replace

        brief = replace(brief, redacted=True)
    if fmt == Format.html:
        from alliance_cli.ui.html import brief_html

        _write(brief_html(brief), output)
    else:
        from alliance_cli.ui.brief import brief_markdown

        _write(brief_markdown(brief), output)


@app.command()
def demo(
    fmt: FormatOption = Format.table,
    db: Annotated[
        Optional[Path],
        typer.Option(
            "--db",
            metavar="FILE",
            dir_okay=False,
            help="Sample journal to use (default: demo.db in ~/.local/share/alliance).",
        ),
    ] = None,
) -> None:
    """See what the weekly review looks like, on a sample journal of invented sessions.

    The first time, fills a separate file with about four months of made-up sessions; then
    shows its review of the last week. Your own journal is never opened.

        alliance demo --format markdown
    """
    from alliance_cli.app.demo import run_demo

    result = run_demo(db)
    if result.made:
        _say(f"Filled a sample journal with {result.made} invented sessions.")
    _say(f"This is a sample ({result.path}); `alliance report` reviews your own journal.")
    _show(result.report, fmt)
