"""The Typer app: parse, call one plain function, render. The one error boundary.

Each module of this package adds the commands of one area to `app`; each command is thin:
it parses, calls one plain function of the domain, and renders. Commands import what they
need inside their bodies, so `alliance --help` and `--version` load Typer alone and `list`
never loads questionary or pydantic. stdout carries data (tables, CSV, JSON, a new
session's id); messages go to stderr. `AllianceGroup.invoke` is the only place that turns
errors into exit codes.
"""

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, Optional

import typer
from typer.core import TyperGroup

# pydantic plugins (observability hooks found through installed packages' entry points) see
# every value validated, and answers are clinical text: alliance runs without them. It also
# spares every command the scan of installed packages that looks for them.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from .. import __version__
from ..errors import AllianceError, ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from ..models import PromptSet
    from ..store import Journal


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
    epilog="Your journal stays on this machine. Start with: alliance log. Settings: alliance config --help",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
prompts_app = typer.Typer(cls=AllianceGroup, help="Look at or check a prompt set.", no_args_is_help=True)
app.add_typer(prompts_app, name="prompts")


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _stdout() -> "Console":
    """Rich on stdout. Markup is off: answers are shown exactly as typed, so a reflection
    holding "[redacted]" or "[/b]" is text, never a style (nor an error)."""
    from rich.console import Console

    return Console(highlight=False, markup=False)


def _complete_client(incomplete: str) -> list[str]:
    from ..paths import resolve_db_path
    from ..store import open_journal

    try:
        with open_journal(resolve_db_path(None)) as journal:
            return [c for c in journal.client_codes() if c.startswith(incomplete.upper())]
    except AllianceError:
        return []


DbOption = Annotated[
    Optional[Path],
    typer.Option(
        "--db",
        envvar="ALLIANCE_DB",
        show_envvar=True,
        dir_okay=False,
        help="Journal file to use (default: `journal` in `alliance config`, else ~/.local/share/alliance/journal.db).",
    ),
]
PromptsOption = Annotated[
    Optional[Path],
    typer.Option(
        "--prompts",
        envvar="ALLIANCE_PROMPTS",
        show_envvar=True,
        dir_okay=False,
        help="Prompt set to use (default: `prompts` in `alliance config`, else the built-in one).",
    ),
]


def _code(value: str | None) -> str | None:
    from ..inputs import normalise_code

    return None if value is None else normalise_code(value)


# A client code to look for (any case); and one to record, checked by inputs.check_client_code.
ClientOption = Annotated[
    Optional[str],
    typer.Option(
        "--client", "-c", help="Client code, e.g. C-014 (any case).", autocompletion=_complete_client, callback=_code
    ),
]
ClientInput = Annotated[
    Optional[str], typer.Option("--client", "-c", help="Client code, e.g. C-014.", autocompletion=_complete_client)
]


# The options `log` and `edit` share: the same answers, checked the same way.
DateOption = Annotated[Optional[str], typer.Option("--date", "-d", help="Session date: YYYY-MM-DD, today, yesterday.")]
ModalityOption = Annotated[
    Optional[str],
    typer.Option(
        "--modality",
        "-m",
        help="in person, video, phone or text (a new log's default: default_modality in `alliance config`, "
        "else the last one used).",
    ),
]
SetOption = Annotated[
    Optional[list[str]],
    typer.Option("--set", "-s", help="An answer: PROMPT_ID=VALUE, repeatable (in edit, PROMPT_ID= removes one)."),
]
AnswersOption = Annotated[
    Optional[Path],
    typer.Option("--answers", help="YAML or JSON file of answers ('-' reads stdin).", allow_dash=True),
]
ResumeOption = Annotated[bool, typer.Option("--resume", help="Resume the unfinished draft without asking.")]
DiscardDraftOption = Annotated[bool, typer.Option("--discard-draft", help="Throw away the unfinished draft first.")]
StrictOption = Annotated[
    bool,
    typer.Option("--strict", help="Refuse to save scripted text that could identify a client (else: a warning)."),
]


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


def _open(db: Path | None, *, create: bool = False) -> "Journal":
    from ..paths import resolve_db_path
    from ..store import open_journal

    return open_journal(resolve_db_path(db), create=create)


def _prompt_set(path: Path | None) -> tuple["PromptSet", Path]:
    from ..paths import resolve_prompts_path
    from ..prompts import load_prompt_set

    where = resolve_prompts_path(path)
    return load_prompt_set(where), where


def _version(value: bool) -> None:
    if value:
        print(f"alliance {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A private reflection journal for clinicians: log each session, review your week."""
    # A settings file with a typo is refused by every command, so that no command quietly
    # runs against another journal than the one meant; `config` (to mend it) and `doctor`
    # (to report it) still run.
    if ctx.invoked_subcommand not in ("config", "doctor"):
        from ..paths import config_path

        if config_path().exists():
            from ..config import load_config

            load_config()


def main() -> NoReturn:
    """The `alliance` command.

    Once the command is done (every transaction committed, every file closed by its own
    `with` block), the process ends without the interpreter's teardown, which spends about
    30 ms freeing objects nobody will use again: a third of a short command's time.
    """
    _keep_only_the_command_run(sys.argv[1:])
    try:
        app(prog_name="alliance")
        code: int | str | None = 0
    except SystemExit as exc:
        code = exc.code
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:  # `alliance export | head`: the reader left, which is fine
        pass
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    os._exit(code or 0)


def _keep_only_the_command_run(args: list[str]) -> None:
    """Typer turns every command's options into click objects on each run, about 12 ms for
    all of alliance's commands; a run needs only the command it names. `alliance --help`,
    a mistyped command and shell completion still see them all."""
    if not args or args[0].startswith("-") or os.environ.get("_ALLIANCE_COMPLETE"):
        return
    commands = [c for c in app.registered_commands if _command_name(c) == args[0]]
    groups = [g for g in app.registered_groups if g.name == args[0]]
    if commands or groups:
        app.registered_commands[:] = commands
        app.registered_groups[:] = groups


def _command_name(info: Any) -> str:
    return info.name or info.callback.__name__.lower().replace("_", "-")


# The commands, one module an area; importing registers them on `app`.
from . import journal as _journal  # noqa: E402,F401,I001
from . import review as _review  # noqa: E402,F401
from . import exchange as _exchange  # noqa: E402,F401
from . import sessions as _sessions  # noqa: E402,F401
from . import care as _care  # noqa: E402,F401
from . import privacy as _privacy  # noqa: E402,F401
