"""Commands that look after saved sessions: edit, delete, clients (rename, forget), search."""

from collections.abc import Iterator
from typing import Annotated, Any, Optional

import typer

from alliance_cli.cli.root import (
    AllianceGroup,
    AnswersOption,
    ClientInput,
    ClientOption,
    DateOption,
    DbOption,
    DiscardDraftOption,
    Format,
    LastOption,
    ModalityOption,
    MonthOption,
    ResumeOption,
    SetOption,
    SinceOption,
    StrictOption,
    UntilOption,
    WeekOption,
    _check_limit,
    _code,
    _complete_client,
    _open,
    _print_kept,
    _say,
    _session_ids,
    app,
    format_option,
)
from alliance_cli.core.messages import LOG_IN_USE, count, plural
from alliance_cli.errors import ExitCode

clients_app = typer.Typer(cls=AllianceGroup, invoke_without_command=True)
app.add_typer(clients_app, name="clients")

RECENT_DAYS = 365  # `alliance clients` shows the clients seen in the last year unless --all
CodeArgument = Annotated[str, typer.Argument(metavar="CODE", autocompletion=_complete_client, callback=_code)]


@app.command()
def edit(
    session_id: Annotated[
        int, typer.Argument(metavar="ID", help="Session id, as `alliance list` shows it.", callback=_session_ids)
    ],
    client: ClientInput = None,
    date: DateOption = None,
    modality: ModalityOption = None,
    set_: SetOption = None,
    answers: AnswersOption = None,
    resume: ResumeOption = False,
    discard_draft: DiscardDraftOption = False,
    strict: StrictOption = False,
    db: DbOption = None,
) -> None:
    """Change a saved session: re-answer its questions, or fix its date or client.

    Run it with just the id to go through the questions again, each starting from the
    saved answer (Enter keeps it; Ctrl-C keeps a draft). Or give only the changes:

        alliance edit 42 --set empathy=6 --date 2026-11-19

    Changes are checked exactly as `alliance log` checks answers. The session keeps its id.
    """
    from alliance_cli.app.answering import SessionRequest
    from alliance_cli.app.edit import edit_command
    from alliance_cli.ui.terminal import TerminalConversation

    if resume and discard_draft:
        raise typer.BadParameter("--resume and --discard-draft cannot be used together.")
    request = SessionRequest(
        client=client, day=date, modality=modality, sets=tuple(set_ or ()), answers_file=answers, resume=resume,
        discard_draft=discard_draft, strict=strict,
    )  # fmt: skip
    with _open(db, writes=True) as journal:
        result = edit_command(journal, session_id, request, TerminalConversation())
    if result is None:
        _say(f"Not saved. Your changes are kept as a draft; `alliance edit {session_id} --resume` picks them up.")
        raise typer.Exit(int(ExitCode.REFUSED))
    _say(f"Saved changes to session {session_id}." if result.changed else f"Nothing changed in session {session_id}.")
    if not result.log_cleared:
        _say(LOG_IN_USE)
    _print_kept(str(session_id), f"session {session_id} is saved", "its id")


@app.command()
def delete(
    session_ids: Annotated[
        list[int], typer.Argument(metavar="ID...", help="One or more session ids.", callback=_session_ids)
    ],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask (for scripts).")] = False,
    db: DbOption = None,
) -> None:
    """Delete sessions and all their answers, after showing them and asking.

        alliance delete 41 42

    The deleted text is overwritten in the journal file; backups made earlier still hold it.
    """
    from alliance_cli.app.erase import delete_command
    from alliance_cli.store.journal import journal_roles
    from alliance_cli.ui.terminal import TerminalConversation

    with _open(db, writes=True) as journal:
        result = delete_command(
            journal, session_ids, yes=yes, conversation=TerminalConversation(), roles=journal_roles(journal)
        )
    if result is None:
        _say("Nothing was deleted.")
        raise typer.Exit(int(ExitCode.REFUSED))
    n = result.removed
    _say(f"Deleted {count(n, 'session')}, with {plural(n, 'its')} answers.")
    if not result.log_cleared:
        _say(LOG_IN_USE)


@clients_app.callback()
def clients(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", "-a", help=f"Every client, not only those seen in the last {RECENT_DAYS} days.")
    ] = False,
    fmt: Annotated[Format, format_option(Format.table, Format.json, Format.jsonl, Format.csv)] = Format.table,
    db: DbOption = None,
) -> None:
    """Your client codes at a glance; rename or merge a code, forget a client.

    Run bare for one row per client seen in the last year (--all for every one): sessions,
    first and last date, the recent mean (the principles' ratings over the last three
    sessions), a trend sparkline of each session's mean (0 to 10, oldest left) and open
    ruptures (not or partly repaired, and not repaired in a later session either).

    Keys for json, jsonl and csv: client, sessions, first_date, last_date, recent_mean,
    open_ruptures, session_means (oldest first; space-separated in csv). README: "Data formats".

        alliance clients
        alliance clients rename C-014 C-114
    """
    if ctx.invoked_subcommand is not None:
        return
    from datetime import date, timedelta

    from alliance_cli.store.sessions import client_summaries, count_clients
    from alliance_cli.ui.formats import emit

    since = None if all_ else date.today() - timedelta(days=RECENT_DAYS - 1)
    with _open(db, readonly=True) as journal:
        summaries = client_summaries(journal, seen_since=since)
        hidden = count_clients(journal) - len(summaries)

    def table(width: int) -> Any:
        from alliance_cli.ui.clients import clients_table

        return clients_table(summaries, width)

    def records() -> Iterator[dict[str, Any]]:
        for summary in summaries:
            record = dict(vars(summary))  # not `asdict`: its deep copy of every trend took 0.1 s at 40 years
            if fmt is Format.csv:  # a list of numbers in one cell: space-separated
                record["session_means"] = " ".join("" if m is None else f"{m:g}" for m in summary.session_means)
            yield record

    if fmt is Format.table and not summaries:
        if not hidden:
            _say("No clients yet. Log a session with `alliance log`.")
    else:
        emit(
            fmt,
            view=table,
            records=records(),
            columns=["client", "sessions", "first_date", "last_date", "recent_mean", "open_ruptures", "session_means"],
        )
    if hidden:
        _say(f"{count(hidden, 'client')} not seen in the last {RECENT_DAYS} days; --all shows them.")


@clients_app.command("rename")
def clients_rename(
    old: CodeArgument,
    new: Annotated[str, typer.Argument(metavar="NEW", help="The new code.")],
    merge: Annotated[bool, typer.Option("--merge", help="NEW is already in use: move OLD's sessions into it.")] = False,
    db: DbOption = None,
) -> None:
    """Give a client a new code, on every session; --merge joins two codes for one client.

    alliance clients rename C-014 C-114
    """
    from alliance_cli.core.inputs import check_client_code
    from alliance_cli.store.sessions import rename_client

    with _open(db, writes=True) as journal:
        result = rename_client(journal, old, check_client_code(new), merge=merge)
    plural = "s" if result.moved != 1 else ""
    if result.merged:
        _say(f"Moved {result.moved} session{plural} from {old} into {result.new}; {result.new} now has {result.total}.")
    else:
        _say(f"Renamed {old} to {result.new} on {result.moved} session{plural}.")


@clients_app.command("forget")
def clients_forget(
    code: CodeArgument,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask (for scripts).")] = False,
    confirm: Annotated[
        Optional[str], typer.Option("--confirm", metavar="CODE", help="The code again, instead of typing it.")
    ] = None,
    db: DbOption = None,
) -> None:
    """Erase every session, answer and draft of one client, for good.

    You are asked to type the code again. The erased text is overwritten in the journal
    file; backups made earlier still hold it.

        alliance clients forget C-014
    """
    from alliance_cli.app.erase import describe_record, forget_command
    from alliance_cli.ui.terminal import TerminalConversation

    with _open(db, writes=True) as journal:
        result = forget_command(journal, code, yes=yes, confirm_code=confirm, conversation=TerminalConversation())
    if result is None:
        _say("The code did not match; nothing was erased.")
        raise typer.Exit(int(ExitCode.REFUSED))
    _say(f"Erased {describe_record(result.record)}.")
    if not result.log_cleared:
        _say(LOG_IN_USE)
    _say("Backups made before now still hold this client; delete them too if they must go.")


@app.command()
def search(
    text: Annotated[list[str], typer.Argument(metavar="TEXT", help='Words to find; "in quotes" for a phrase.')],
    client: ClientOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    week: WeekOption = None,
    month: MonthOption = None,
    last: LastOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="N", help="How many results; 0 for all.")] = 50,
    fmt: Annotated[Format, format_option(Format.table, Format.json, Format.jsonl, Format.csv)] = Format.table,
    db: DbOption = None,
) -> None:
    """Find words in your written reflections, newest first.

    Every word must appear; a word ending in * finds every word it starts (withdr*);
    put words in double quotes to find them together. Case and accents do not matter.

        alliance search withdrew --client C-014 --since 2026-01-01
        alliance search "felt stuck" --last 1m

    Keys for json, jsonl and csv: session_id, date, client, prompt_id, prompt, snippet (the
    matched words marked **like this**). README: "Data formats".
    """
    from alliance_cli.core.inputs import check_text
    from alliance_cli.core.periods import resolve_period
    from alliance_cli.store.sessions import HIGHLIGHT, search_answers
    from alliance_cli.ui.formats import emit

    most = _check_limit(limit, "shows every result")
    words = check_text(" ".join(text), "the words to find")
    period = resolve_period(since=since, until=until, week=week, month=month, last=last, default_days=None)
    with _open(db, readonly=True) as journal:
        hits = search_answers(
            journal,
            words,
            client=client,
            since=period.start if period else None,
            until=period.end if period else None,
            limit=most,
        )
    if fmt is Format.table and not hits.rows:
        _say("Nothing found.")
        return

    def table(width: int) -> Any:
        from alliance_cli.ui.clients import search_table

        return search_table(hits.rows, HIGHLIGHT)

    start, end = HIGHLIGHT
    emit(
        fmt,
        view=table,
        records=(
            {**row, "session_id": row["id"], "snippet": row["snippet"].replace(start, "**").replace(end, "**")}
            for row in hits.rows
        ),
        columns=["session_id", "date", "client", "prompt_id", "prompt", "snippet"],
    )
    if fmt is Format.table and hits.total > len(hits.rows):
        _say(f"Showing the newest {len(hits.rows)} of {hits.total}; --limit 0 shows them all.")
