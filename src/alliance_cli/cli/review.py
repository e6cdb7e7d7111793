"""The weekly self-review: report, and demo (the same review of a sample journal)."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

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
    app,
    format_option,
)
from alliance_cli.core.messages import Hint

if TYPE_CHECKING:
    from alliance_cli.core.report import Report
    from alliance_cli.store.journal import Journal


FormatOption = Annotated[Format, format_option(Format.table, Format.markdown, Format.json)]


def note_unknown_client(journal: "Journal", client: str | None) -> None:
    """One calm line on stderr when --client names a code no session has (a typo, most likely)."""
    from alliance_cli.store.sessions import has_client

    if client is not None and not has_client(journal, client):
        _say(f"No session in this journal has the client code {client}; {Hint.CLIENT_CODES}")


def _show(report: "Report", fmt: Format, *, pager: bool = True) -> None:
    from alliance_cli.ui import review
    from alliance_cli.ui.formats import emit

    if fmt == Format.table:
        review.print_review(report, pager=pager)
        return
    emit(
        fmt,
        view=lambda width: review.report_view(report, width),
        markdown=lambda: review.report_markdown(report),
        document=lambda: report.model_dump(mode="json"),
    )


@app.command()
def report(
    week: WeekOption = None,
    month: MonthOption = None,
    last: LastOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    client: ClientOption = None,
    notes: Annotated[bool, typer.Option("--notes", help="Add the period's written reflections.")] = False,
    redact: Annotated[
        bool,
        typer.Option("--redact", help="Replace what could identify a client in written answers with \\[redacted]."),
    ] = False,
    no_pager: Annotated[
        bool, typer.Option("--no-pager", help="Print the review straight, even when taller than the screen.")
    ] = False,
    fmt: FormatOption = Format.table,
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
    """
    from alliance_cli.app.review import guard_review, load_report
    from alliance_cli.app.watchlist import journal_watchlist
    from alliance_cli.core.periods import resolve_period
    from alliance_cli.core.report import Thresholds
    from alliance_cli.settings.config import load_config, privacy_region
    from alliance_cli.store.review import journal_prompt_set

    period = resolve_period(week=week, month=month, since=since, until=until, last=last)
    assert period is not None
    config = load_config()
    thresholds = Thresholds.model_validate(config.report.thresholds())
    with _open(db, readonly=True) as journal:
        ps = _prompt_set(prompts)[0] if prompts else journal_prompt_set(journal) or _prompt_set(None)[0]
        note_unknown_client(journal, client)
        result = load_report(
            journal, ps, period, client=client, thresholds=thresholds, notes=notes, measure=config.client_measure
        )
        watchlist = journal_watchlist(journal)
    result, found = guard_review(result, watchlist, privacy_region(), redact=redact)
    if found is not None:
        _say(found)
    _show(result, fmt, pager=not no_pager)


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
