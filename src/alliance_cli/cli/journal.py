"""Commands for the journal itself: log, list, show, client-code, prompts."""

from pathlib import Path
from typing import Annotated, Any

import typer

from alliance_cli.cli.root import (
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
    PromptsOption,
    ResumeOption,
    SetOption,
    SinceOption,
    StrictOption,
    UntilOption,
    WeekOption,
    _check_limit,
    _open,
    _print_kept,
    _prompt_set,
    _say,
    _session_ids,
    _stdout,
    app,
    format_option,
    prompts_app,
)
from alliance_cli.core.messages import Hint, no_session
from alliance_cli.errors import ExitCode


@app.command()
def log(
    client: ClientInput = None,
    date: DateOption = None,
    modality: ModalityOption = None,
    set_: SetOption = None,
    answers: AnswersOption = None,
    resume: ResumeOption = False,
    discard_draft: DiscardDraftOption = False,
    strict: StrictOption = False,
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Log a session you just had: a few ratings, a line or two of reflection.

    Run it bare to be asked step by step (Ctrl-C keeps a draft you can resume). Give the
    answers as flags or a file to log without questions, e.g.

        alliance log -c C-014 -s empathy=7 -s respect=8 -s genuineness=7 \\
            -s positive_regard=8 -s active_listening=6 -s rupture=no

    With a client seen before, the log starts with a recap of the last session and asks
    whether last time's intention was carried out (-s intention_followed=yes|partly|no) and
    whether a rupture still open was repaired (-s rupture_revisited=yes|partly|no). Free
    text is checked for details that could identify a client before it is saved.

    The new session's id is printed on stdout.
    """
    from alliance_cli.app.answering import SessionRequest
    from alliance_cli.app.log import DISCARDED, log_command
    from alliance_cli.ui.terminal import TerminalConversation

    if resume and discard_draft:
        raise typer.BadParameter("--resume and --discard-draft cannot be used together.")
    request = SessionRequest(
        client=client, day=date, modality=modality, sets=tuple(set_ or ()), answers_file=answers, resume=resume,
        discard_draft=discard_draft, strict=strict,
    )  # fmt: skip
    # A set validated before is read now (a damaged prompts file is said before any question)
    # and its models built when the questions reach it: the first question does not wait.
    ps, _ = _prompt_set(prompts, deferred=True)
    with _open(db, create=True, writes=True) as journal:
        saved = log_command(journal, ps, request, TerminalConversation())
    if saved == DISCARDED:
        _say("Discarded the unfinished log.")
        return
    if saved is None:
        _say("Not saved. Your answers are kept as a draft; `alliance log --resume` picks them up.")
        raise typer.Exit(int(ExitCode.REFUSED))
    assert not isinstance(saved, str)
    _say(f"Saved session {saved.id} (session {saved.session_number} with this client).")
    _print_kept(str(saved.id), f"session {saved.id} is saved", "its id")


@app.command("list")
def list_(
    client: ClientOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    week: WeekOption = None,
    month: MonthOption = None,
    last: LastOption = None,
    limit: Annotated[int, typer.Option("--limit", "-n", metavar="N", help="How many sessions; 0 for all.")] = 20,
    fmt: Annotated[Format, format_option(Format.table, Format.json, Format.jsonl, Format.csv)] = Format.table,
    db: DbOption = None,
) -> None:
    """List recent sessions, newest first, with the rating of each principle.

    Keys for json, jsonl and csv: session_id, date, client, session_number, modality, then
    one per principle of the prompt set: empathy, respect, genuineness, positive_regard,
    active_listening, then your read of the client and their own score: client_view,
    client_score (README: "Data formats").

        alliance list --client C-014 --since 2026-11-01
        alliance list --week last
    """
    from alliance_cli.core.periods import resolve_period
    from alliance_cli.ui.formats import emit

    most = _check_limit(limit, "lists every session")
    period = resolve_period(since=since, until=until, week=week, month=month, last=last, default_days=None)
    start, end = (period.start, period.end) if period else (None, None)
    from alliance_cli.store.journal import journal_roles

    with _open(db, readonly=True) as journal:
        roles = journal_roles(journal)  # the rating of each principle, as the review reads them
        rows = journal.list_sessions(client=client, since=start, until=end, limit=most, roles=roles)
    if fmt is Format.table and not rows:
        _say(f"No sessions match. {Hint.LOG_ONE}")
        return

    def table(width: int) -> Any:
        from alliance_cli.ui.sessions import sessions_table

        # Your read and their score only once some session has one, so a journal without them keeps its table.
        shown = [name for name, _ in roles.client_columns if any(row.get(name) is not None for row in rows)]
        return sessions_table(rows, roles.principles, width, extra=shown)

    emit(
        fmt,
        view=table,
        records=({**row, "session_id": row["id"]} for row in rows),
        columns=[
            "session_id", "date", "client", "session_number", "modality", *roles.principles,
            *(name for name, _ in roles.client_columns),
        ],
    )  # fmt: skip


@app.command()
def show(
    session_id: Annotated[
        int, typer.Argument(metavar="ID", help="Session id, as `alliance list` shows it.", callback=_session_ids)
    ],
    fmt: Annotated[Format, format_option(Format.table, Format.json)] = Format.table,
    db: DbOption = None,
) -> None:
    """Show one saved session with every answer.

        alliance show 42

    JSON keys: session_id, uuid, client, date, modality, session_number, logged_at,
    edited_at, prompt_set_version, answers (README: "Data formats").
    """
    from alliance_cli.errors import NotFoundError
    from alliance_cli.ui.formats import emit

    with _open(db, readonly=True) as journal:
        session = journal.get_session(session_id)
    if session is None:
        raise NotFoundError(no_session(session_id))

    def detail(width: int) -> Any:
        from alliance_cli.ui.sessions import session_detail

        return session_detail(session)

    def document() -> dict[str, Any]:
        from dataclasses import asdict

        fields = asdict(session)
        del fields["id"], fields["prompt_set"]
        return {"session_id": session.id, **fields}

    emit(fmt, view=detail, document=document)


@app.command("client-code")
def client_code(db: DbOption = None) -> None:
    """Print a fresh random client code, not used in the journal yet.

    Codes keep clients unidentifiable: never use names or initials.

        alliance client-code
    """
    from alliance_cli.core.inputs import new_client_code
    from alliance_cli.settings.config import resolve_db_path

    taken: set[str] = set()
    if resolve_db_path(db).exists():
        with _open(db, readonly=True) as journal:
            taken = set(journal.client_codes())
    print(new_client_code(taken))


@prompts_app.command("show")
def prompts_show(prompts: PromptsOption = None) -> None:
    """Print the prompt set `alliance log` uses, in the order it asks.

    alliance prompts show --prompts my-prompts.yaml
    """
    from alliance_cli.ui.formats import show
    from alliance_cli.ui.sessions import prompt_set_view

    ps, where = _prompt_set(prompts)
    show(_stdout(), prompt_set_view(ps, str(where)))


@prompts_app.command("check")
def prompts_check(file: Annotated[Path, typer.Argument(help="The prompts file to check.")]) -> None:
    """Check a prompts file: every problem is listed with its line and field.

    alliance prompts check my-prompts.yaml
    """
    from alliance_cli.settings.prompts import load_prompt_set

    ps = load_prompt_set(file)
    _say(f"{file}: OK, version {ps.version}, {len(ps.prompts)} prompts.")
