"""The Typer app: parse, call one plain function, render. The one error boundary.

Commands import what they need inside their bodies: `alliance --help` and `--version` load
Typer alone, and `list` never loads questionary or pydantic. stdout carries data (tables,
CSV, JSON, a new session's id); messages go to stderr.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer
from typer.core import TyperGroup

from . import __version__
from .errors import AllianceError, ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from .models import PromptSet
    from .store import Journal


class AllianceGroup(TyperGroup):
    """Maps domain errors to one-line messages and exit codes; hides tracebacks."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except AllianceError as exc:
            for line in exc.lines():
                _say(f"alliance: {line}" if not line.startswith("Stopped") else line)
            raise typer.Exit(int(exc.exit_code)) from None
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("click", "typer") or os.environ.get("ALLIANCE_DEBUG"):
                raise
            if isinstance(exc, BrokenPipeError):
                raise typer.Exit(int(ExitCode.REFUSED)) from None
            # The message could hold answer text: name the type only.
            _say(f"alliance: unexpected error ({type(exc).__name__}); run again with ALLIANCE_DEBUG=1 to see details.")
            raise typer.Exit(int(ExitCode.REFUSED)) from None


app = typer.Typer(
    cls=AllianceGroup,
    name="alliance",
    help="A private reflection journal for clinicians: log each session, review your week.",
    epilog="Your journal stays on this machine. Start with: alliance log",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
prompts_app = typer.Typer(cls=AllianceGroup, help="Look at or check a prompt set.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _stdout() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def _complete_client(incomplete: str) -> list[str]:
    from .paths import resolve_db_path
    from .store import open_journal

    try:
        with open_journal(resolve_db_path(None)) as journal:
            return [c for c in journal.client_codes() if c.startswith(incomplete)]
    except AllianceError:
        return []


DbOption = Annotated[
    Optional[Path],
    typer.Option(
        "--db", envvar="ALLIANCE_DB", show_envvar=True, dir_okay=False,
        help="Journal file to use [default: ~/.local/share/alliance/journal.db].",
    ),
]
PromptsOption = Annotated[
    Optional[Path],
    typer.Option("--prompts", envvar="ALLIANCE_PROMPTS", show_envvar=True, dir_okay=False,
                 help="Prompt set to use instead of the built-in one."),
]
ClientOption = Annotated[
    Optional[str], typer.Option("--client", "-c", help="Client code, e.g. C-014.", autocompletion=_complete_client)
]


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


def _open(db: Path | None, *, create: bool = False) -> Journal:
    from .paths import resolve_db_path
    from .store import open_journal

    return open_journal(resolve_db_path(db), create=create)


def _prompt_set(path: Path | None) -> tuple[PromptSet, Path]:
    from .paths import resolve_prompts_path
    from .prompts import load_prompt_set

    where = resolve_prompts_path(path)
    return load_prompt_set(where), where


def _version(value: bool) -> None:
    if value:
        print(f"alliance {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A private reflection journal for clinicians: log each session, review your week."""


@app.command()
def log(
    client: ClientOption = None,
    date: Annotated[Optional[str], typer.Option("--date", "-d", help="Session date: YYYY-MM-DD, today, yesterday.")] = None,
    modality: Annotated[
        Optional[str], typer.Option("--modality", "-m", help="in person, video, phone or text [default: the last one used].")
    ] = None,
    set_: Annotated[
        Optional[list[str]], typer.Option("--set", "-s", help="Answer a prompt: PROMPT_ID=VALUE (repeatable).")
    ] = None,
    answers: Annotated[
        Optional[Path], typer.Option("--answers", help="YAML or JSON file of answers ('-' reads stdin).", allow_dash=True)
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Resume the unfinished log without asking.")] = False,
    discard_draft: Annotated[bool, typer.Option("--discard-draft", help="Throw away the unfinished log first.")] = False,
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Log a session you just had: a few ratings, a line or two of reflection.

    Run it bare to be asked step by step (Ctrl-C keeps a draft you can resume). Give the
    answers as flags or a file to log without questions, e.g.

        alliance log -c C-014 -s empathy=7 -s respect=8 -s genuineness=7
        -s positive_regard=8 -s active_listening=6 -s rupture=no

    The new session's id is printed on stdout.
    """
    from .logflow import log_command

    if resume and discard_draft:
        raise typer.BadParameter("--resume and --discard-draft cannot be used together.")
    ps, _ = _prompt_set(prompts)
    with _open(db, create=True) as journal:
        saved = log_command(
            journal, ps, client=client, day=date, modality=modality, sets=set_ or [], answers_path=answers,
            resume=resume, discard_draft=discard_draft, show_summary=lambda state: _show_summary(ps, state),
        )
    if saved is None:
        _say("Not saved. Your answers are kept as a draft; `alliance log --resume` picks them up.")
        raise typer.Exit(int(ExitCode.REFUSED))
    _say(f"Saved session {saved.id} (session {saved.session_number} with this client).")
    print(saved.id)


def _show_summary(ps: PromptSet, state: Any) -> None:
    from .render import log_summary

    _stdout().print(log_summary(ps, state))


@app.command("list")
def list_(
    client: ClientOption = None,
    since: Annotated[Optional[str], typer.Option(help="First date to include.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Last date to include.")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="How many sessions; 0 for all.")] = 20,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table, or json / csv for scripts.")] = ListFormat.table,
    db: DbOption = None,
) -> None:
    """List recent sessions, newest first, with the five ratings.

    Columns for csv and json: id, date, client, session_number, modality, empathy, respect,
    genuineness, positive_regard, active_listening.

        alliance list --client C-014 --since 2026-11-01
    """
    from .inputs import parse_date

    start = parse_date(since) if since else None
    end = parse_date(until) if until else None
    with _open(db) as journal:
        rows = journal.list_sessions(client=client, since=start, until=end, limit=limit or None)
    if fmt is ListFormat.table:
        from .render import sessions_table

        if not rows:
            _say("No sessions match. Log one with `alliance log`.")
            return
        _stdout().print(sessions_table(rows))
        return
    from .export import write_records
    from .store import PRINCIPLE_IDS

    columns = ["id", "date", "client", "session_number", "modality", *PRINCIPLE_IDS]
    write_records(rows, columns, fmt.value, sys.stdout)


@app.command()
def show(
    session_id: Annotated[int, typer.Argument(metavar="ID", help="Session id, as `alliance list` shows it.")],
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", help="table or json.")] = ListFormat.table,
    db: DbOption = None,
) -> None:
    """Show one saved session with every answer.

        alliance show 42
    """
    from .errors import NotFoundError

    with _open(db) as journal:
        session = journal.get_session(session_id)
    if session is None:
        raise NotFoundError(f"No session with id {session_id}; `alliance list` shows the ids.")
    if fmt is ListFormat.table:
        from .render import session_detail

        _stdout().print(session_detail(session))
        return
    import json
    from dataclasses import asdict

    data = asdict(session)
    data.pop("prompt_set")
    if fmt is ListFormat.csv:
        raise typer.BadParameter("show prints table or json; use `alliance list --format csv` for CSV.")
    print(json.dumps(data, ensure_ascii=False, indent=2))


@app.command("client-code")
def client_code(db: DbOption = None) -> None:
    """Print a fresh random client code, not used in the journal yet.

    Codes keep clients unidentifiable: never use names or initials.
    """
    from .inputs import new_client_code
    from .paths import resolve_db_path

    taken: set[str] = set()
    if resolve_db_path(db).exists():
        with _open(db) as journal:
            taken = set(journal.client_codes())
    print(new_client_code(taken))


@prompts_app.command("show")
def prompts_show(prompts: PromptsOption = None) -> None:
    """Print the prompt set `alliance log` uses, in the order it asks."""
    from .render import prompt_set_view

    ps, where = _prompt_set(prompts)
    _stdout().print(prompt_set_view(ps, str(where)))


@prompts_app.command("check")
def prompts_check(file: Annotated[Path, typer.Argument(help="The prompts file to check.")]) -> None:
    """Check a prompts file: every problem is listed with its line and field.

        alliance prompts check my-prompts.yaml
    """
    from .prompts import load_prompt_set

    ps = load_prompt_set(file)
    _say(f"{file}: OK, version {ps.version}, {len(ps.prompts)} prompts.")


def main() -> NoReturn:
    app(prog_name="alliance")
    sys.exit(0)  # pragma: no cover - app() exits itself
