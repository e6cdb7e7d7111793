"""The Typer app and the options commands share; the one error boundary.

Each command module of this package adds the commands of one area to `app` (`main` imports
them all, which registers them); each command is thin:
it parses, calls one plain function of the domain, and renders. Commands import what they
need inside their bodies, so `alliance --help` and `--version` load Typer alone and `list`
never loads questionary or pydantic. stdout carries data (tables, CSV, JSON, a new
session's id); messages go to stderr. `AllianceGroup.invoke` is the only place that turns
errors into exit codes.
"""

import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Optional

import typer
from typer.core import TyperArgument, TyperGroup, TyperOption

# pydantic plugins (observability hooks found through installed packages' entry points) see
# every value validated, and answers are clinical text: alliance runs without them. It also
# spares every command the scan of installed packages that looks for them.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from alliance_cli import __version__
from alliance_cli.core.messages import damaged_text, unexpected
from alliance_cli.errors import AllianceError, ExitCode

if TYPE_CHECKING:
    from rich.console import Console

    from alliance_cli.core.models import PromptSet
    from alliance_cli.store.journal import Journal


class StdoutFailed(Exception):
    """stdout could not take what a command wrote: the reader left (EPIPE), a full disk, a
    closed stdout. Raised by the guard `cli.main` puts on stdout; `cli.main.run` ends the
    command: quietly with 0 when the reader left, else with one line and 1."""

    def __init__(self, code: int, reason: str) -> None:
        super().__init__(code, reason)
        self.errno = code
        self.reason = reason


def stdout_failed_line(exc: BaseException) -> str:
    """Why stdout could not be written, in a few words."""
    import errno

    code = getattr(exc, "errno", None)
    if code == errno.EBADF:
        return "stdout is closed; nothing could be written to it."
    return f"could not write to stdout ({_reason(exc)}); the output is incomplete."


def _print_kept(text: str, kept: str, noun: str) -> None:
    """Print `text` (a saved session's id, a backup's path) once the change it names is made:
    a stdout that cannot take it is said in one line on stderr, and the command still exits
    0, so a script that retries on failure does not make the change twice. `kept` says what
    was done ("session 12 is saved"), `noun` what `text` is ("its id"). A reader that left is
    not a failure: nothing is said."""
    import errno

    try:
        print(text, flush=True)
    except (StdoutFailed, OSError) as exc:
        if getattr(exc, "errno", None) != errno.EPIPE:
            reason = "it is closed" if getattr(exc, "errno", None) == errno.EBADF else _reason(exc)
            _say(f"alliance: {kept}, but {noun} could not be written to stdout ({reason}).")


def _reason(exc: BaseException) -> str:
    return str(getattr(exc, "reason", None) or getattr(exc, "strerror", None) or type(exc).__name__)


class AllianceGroup(TyperGroup):
    """Maps domain errors to one-line messages and exit codes; hides tracebacks. Command
    lines it cannot parse are said in one plain line too (`usage_line`), and its commands'
    help is reflowed (`reflow`) so that paragraphs fill the terminal's width."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for command in (self, *self.commands.values()):
            command.help = reflow(_raw_help(command))

    def make_context(self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any) -> Any:
        from typer._click import exceptions as click

        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            _usage_failed(exc)

    def invoke(self, ctx: Any) -> Any:
        from typer._click import exceptions as click

        try:
            return super().invoke(ctx)
        except AllianceError as exc:
            for line in exc.lines():
                _say(f"alliance: {line}" if not line.startswith("Stopped") else line)
            raise typer.Exit(int(exc.exit_code)) from None
        except click.UsageError as exc:
            sub = getattr(ctx, "invoked_subcommand", None)
            _usage_failed(exc, f"{ctx.command_path} {sub}" if sub else ctx.command_path)
        except Exception as exc:
            if type(exc).__module__.split(".")[0] in ("click", "typer") or os.environ.get("ALLIANCE_DEBUG"):
                raise
            if isinstance(exc, StdoutFailed | BrokenPipeError):
                raise  # `cli.main.run` ends the command, the same way for every command
            # The message could hold answer text: name the type only.
            _say(f"alliance: {unexpected(exc)}")
            raise typer.Exit(int(ExitCode.REFUSED)) from None


def _usage_failed(exc: Any, where: str | None = None) -> Any:
    """A command line that could not be parsed: a bare group prints its help (exit 0), else
    one plain line on stderr (exit 2)."""
    from typer._click import exceptions as click

    if isinstance(exc, click.NoArgsIsHelpError) and exc.ctx is not None:
        if exc.message:  # Typer's Rich help is printed as the error is made; plain help is its message
            print(exc.message)
        raise typer.Exit(0) from None
    _say(usage_line(exc, where))
    raise typer.Exit(int(ExitCode.USAGE)) from None


class _Trimmed(io.TextIOBase):
    """A text stream that passes lines on without KEEP_INDENT's invisible marks and, into a
    pipe or a file, without the spaces at their end."""

    def __init__(self, out: Any, *, trim: bool) -> None:
        super().__init__()
        self.out = out
        self.trim = trim
        self.pending = ""

    def isatty(self) -> bool:  # Rich asks, to decide on colour
        return bool(self.out.isatty())

    def write(self, text: str) -> int:
        *lines, self.pending = (self.pending + text).split("\n")
        for line in lines:
            line = line.replace(KEEP_INDENT, "")
            self.out.write((line.rstrip(" ") if self.trim else line) + "\n")
        return len(text)

    def flush(self) -> None:
        if self.pending:
            self.out.write(self.pending.replace(KEEP_INDENT, ""))
            self.pending = ""
        self.out.flush()


def trim_help() -> None:
    """Typer's help as people copy it: no invisible mark before an example (KEEP_INDENT
    did its work in the layout) and, into a pipe or a file as other output, no trailing
    spaces: Rich pads each line to the width, which only a terminal needs."""
    from typer import rich_utils

    made = rich_utils._get_rich_console
    trim = not sys.stdout.isatty()

    def console(stderr: bool = False) -> Any:
        made_console: Any = made(stderr=stderr)
        made_console.file = _Trimmed(sys.stderr if stderr else sys.stdout, trim=trim and not stderr)
        return made_console

    setattr(rich_utils, "_get_rich_console", console)  # noqa: B010 - Typer's console for help, trimmed


def usage_line(exc: Any, where: str | None = None) -> str:
    """A usage error in alliance's own words: what was wrong, and where to look. `where`:
    the command being run, when the error does not say."""
    from typer._click import exceptions as click

    command = exc.ctx.command_path if exc.ctx is not None else where or "alliance"
    see = f"`{command} -h` lists what it takes."
    if isinstance(exc, click.BadOptionUsage) and "requires" in str(exc.message):
        return f"{command}: {exc.option_name} needs a value. {see}"
    if isinstance(exc, click.NoSuchOption):
        close = f" Did you mean {' or '.join(exc.possibilities[:2])}?" if exc.possibilities else ""
        return f"{command}: there is no option {exc.option_name}.{close} {see}"
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        return f"{command}: {_param_name(exc.param)} is missing. {see}"
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        return f"{command}: {_param_name(exc.param)}: {_bad_value(exc)}"
    message = str(exc.message).rstrip(".")
    return f"{command}: {message}{'' if message.endswith('?') else '.'} {see}"


def _param_name(param: Any) -> str:
    opts = [opt for opt in param.opts if opt.startswith("--")]
    return opts[0] if opts else str(param.metavar or (param.name or "value").upper()).removesuffix("...")


def _bad_value(exc: Any) -> str:
    """Why a value was refused: alliance's own sentence when alliance refused it, its own
    words for the type checks Typer leaves to pydantic, never pydantic's."""
    cause = exc.__cause__
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return str(exc.message).rstrip(".") + "."
    first = errors()[0] if errors() else {}
    value = first.get("input")
    kind = str(first.get("type", ""))
    if kind == "value_error" and first.get("ctx", {}).get("error") is not None:
        return str(first["ctx"]["error"]).rstrip(".") + "."
    if kind.startswith("int"):
        if _param_name(exc.param) == "ID":
            return f"{value!r} is not a session id; ids are whole numbers, as `alliance list` shows them."
        return f"{value!r} is not a whole number."
    if kind.startswith(("float", "decimal")):
        return f"{value!r} is not a number."
    return f"{value!r} is not a value it takes."


def _raw_help(command: Any) -> str | None:
    """A command's help as written: its docstring before Python's dedent, which would take
    an example's indent away when the example is the only indented line."""
    import inspect

    raw = getattr(getattr(command, "callback", None), "__doc__", None)
    if raw and command.help and inspect.cleandoc(raw) == command.help:
        return str(raw)
    return command.help  # type: ignore[no-any-return]


KEEP_INDENT = "\u200b"  # a zero-width space: Typer dedents help text again, and would undo an example's indent


def reflow(text: str | None) -> str | None:
    """A docstring as help: each paragraph on one line (the terminal wraps it at its own
    width); an example (a paragraph indented, or starting with `alliance `) kept line by
    line, indented, its indent kept from Typer's own dedent by KEEP_INDENT."""
    if not text:
        return text
    lines = text.expandtabs().split("\n")
    # A docstring's own indent is that of its closing quotes' line; a help= string has none.
    base = len(lines[-1]) if len(lines) > 1 and not lines[-1].strip() else 0
    lines = [lines[0].strip(), *(line[base:] if not line[:base].strip() else line.lstrip() for line in lines[1:])]
    paragraphs = [p.strip("\n") for p in "\n".join(line.rstrip() for line in lines).strip().split("\n\n")]
    return "\n\n".join(_example(p) if _is_example(p) else " ".join(p.split("\n")) for p in paragraphs)


def _is_example(paragraph: str) -> bool:
    return paragraph.removeprefix(KEEP_INDENT).lstrip(" ").startswith("alliance ") or paragraph.startswith(" ")


def _example(paragraph: str) -> str:
    lines = [line.removeprefix(KEEP_INDENT) for line in paragraph.split("\n")]
    margin = min(len(line) - len(line.lstrip(" ")) for line in lines if line.strip())
    return "\n".join(f"{KEEP_INDENT}    {line[margin:]}" for line in lines)


def _metavar_column(self: Any, ctx: Any) -> str | None:
    """What the help shows beside an option: the kind of value it takes (CODE, DATE, FILE),
    nothing for a flag; never a Python type (`<list[str]>`, `<bool>`)."""
    if getattr(self, "is_flag", False) or getattr(self, "count", False):
        return None
    return str(self.metavar or (self.name or "value").upper())


def _no_column(self: Any, ctx: Any) -> str | None:
    return None  # an argument's name (ID, CODE) is shown already


setattr(TyperOption, "display_type_rich", _metavar_column)  # noqa: B010 - Typer's own method, replaced
setattr(TyperArgument, "display_type_rich", _no_column)  # noqa: B010


def _plain_options_without_pydantic() -> None:
    """`cli.coercion` in place; with a Typer whose internals it needs moved, Typer's own."""
    try:
        from alliance_cli.cli import coercion
    except (ImportError, AttributeError):
        return
    coercion.install()


_plain_options_without_pydantic()


app = typer.Typer(
    cls=AllianceGroup,
    name="alliance",
    help="A private reflection journal for clinicians: log each session, review your week.\n\n"
    "--db, --prompts and --no-color work before the command too, as after it:\n\n"
    "    alliance --db ~/practice.db report --week last",
    epilog="Your journal stays on this machine. Start with: alliance log. Settings: alliance config --help",
    invoke_without_command=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
prompts_app = typer.Typer(
    cls=AllianceGroup,
    help="Look at or check a prompt set.\n\n    alliance prompts check my-prompts.yaml",
    no_args_is_help=True,
)
app.add_typer(prompts_app, name="prompts")


def _say(message: str) -> None:
    try:
        print(message, file=sys.stderr)
    except OSError:  # stderr is gone (a closed pipe, a full disk): nothing can be said
        pass


def _stdout() -> "Console":
    """Rich on stdout, as `ui.formats` makes it (markup off: answers are shown as typed)."""
    from alliance_cli.ui.formats import stdout_console

    return stdout_console()


def _complete_client(incomplete: str) -> list[str]:
    from alliance_cli.settings.config import resolve_db_path
    from alliance_cli.store.journal import open_journal

    try:
        with open_journal(resolve_db_path(None), readonly=True) as journal:
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
        metavar="FILE",
        help="Journal file to use (default: the `journal` setting, else journal.db in ~/.local/share/alliance).",
    ),
]
PromptsOption = Annotated[
    Optional[Path],
    typer.Option(
        "--prompts",
        envvar="ALLIANCE_PROMPTS",
        show_envvar=True,
        dir_okay=False,
        metavar="FILE",
        help="Prompt set to use (default: `prompts` in `alliance config`, else the built-in one).",
    ),
]


def _code(value: str | None) -> str | None:
    from alliance_cli.core.inputs import check_text, normalise_code

    return None if value is None else normalise_code(check_text(value, "client code"))


def _session_ids(value: Any) -> Any:
    """Session ids (one, or a list) as given; one larger than any SQLite holds is no session's
    and is said so, as for any id not found."""
    from alliance_cli.core.inputs import MAX_ID
    from alliance_cli.core.messages import no_session
    from alliance_cli.errors import NotFoundError

    missing = [no_session(i) for i in (value if isinstance(value, list) else [value]) if i is not None and i > MAX_ID]
    if missing:
        raise NotFoundError(missing[0], missing)
    return value


def _check_limit(limit: int, every: str) -> int | None:
    """--limit as the query takes it (None: every one); out of range, a usage error."""
    from alliance_cli.core.inputs import MAX_ID
    from alliance_cli.errors import UsageError

    if limit < 0:
        raise UsageError(f"--limit needs 0 or more (0 {every}).")
    if limit > MAX_ID:
        raise UsageError(f"--limit {limit} is more than any journal holds; 0 {every}.")
    return limit or None


# A client code to look for (any case); and one to record, checked by inputs.check_client_code.
ClientOption = Annotated[
    Optional[str],
    typer.Option(
        "--client",
        "-c",
        metavar="CODE",
        help="Client code, e.g. C-014 (any case).",
        autocompletion=_complete_client,
        callback=_code,
    ),
]
ClientInput = Annotated[
    Optional[str],
    typer.Option("--client", "-c", metavar="CODE", help="Client code, e.g. C-014.", autocompletion=_complete_client),
]


# The options `log` and `edit` share: the same answers, checked the same way.
DateOption = Annotated[
    Optional[str],
    typer.Option(
        "--date",
        "-d",
        metavar="DATE",
        help="The session's day: 2026-11-02, today, yesterday, friday, last friday, 3 days ago.",
    ),
]
ModalityOption = Annotated[
    Optional[str],
    typer.Option(
        "--modality",
        "-m",
        metavar="MODALITY",
        help="in person, video, phone or text (a new log's default: default_modality in `alliance config`, "
        "else the last one used).",
    ),
]
SetOption = Annotated[
    Optional[list[str]],
    typer.Option(
        "--set", "-s", metavar="PROMPT_ID=VALUE", help="An answer, repeatable (in edit, PROMPT_ID= removes one)."
    ),
]
AnswersOption = Annotated[
    Optional[Path],
    typer.Option("--answers", metavar="FILE", help="YAML or JSON file of answers ('-' reads stdin).", allow_dash=True),
]
# The period a command covers: one of --week, --month, --last, or --since/--until (`core.periods`).
SinceOption = Annotated[
    Optional[str],
    typer.Option("--since", metavar="DATE", help="First day to include: 2026-11-02, monday, 3 days ago ..."),
]
UntilOption = Annotated[Optional[str], typer.Option("--until", metavar="DATE", help="Last day to include.")]
WeekOption = Annotated[
    Optional[str],
    typer.Option("--week", metavar="WEEK", help="One week, Monday to Sunday: 2026-W47, this, last, or a day in it."),
]
MonthOption = Annotated[
    Optional[str], typer.Option("--month", metavar="MONTH", help="One month: 2026-11, this, last, november.")
]
LastOption = Annotated[
    Optional[str],
    typer.Option("--last", metavar="LENGTH", help="A length ending today: 10d, 2w, 1m, 1y."),
]
ResumeOption = Annotated[bool, typer.Option("--resume", help="Resume the unfinished draft without asking.")]
DiscardDraftOption = Annotated[bool, typer.Option("--discard-draft", help="Throw away the unfinished draft first.")]
StrictOption = Annotated[
    bool,
    typer.Option("--strict", help="Refuse to save scripted text that could identify a client (else: a warning)."),
]


class Format(StrEnum):
    """The one vocabulary of `--format/-f`, in every command: `table` for people; `json`,
    `jsonl` and `csv` for scripts; `markdown` and `html` for a document. Each command offers the ones
    that fit (`format_option`); `ui.formats.emit` writes them; README: "Data formats"."""

    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    html = "html"


# What earlier versions called the human format (`report` and `demo`: rich; `doctor`: text):
# still taken, never offered.
OLD_NAMES = {"rich": Format.table, "text": Format.table}
_DATA = frozenset({Format.json, Format.jsonl, Format.csv})


def format_option(*offered: Format, detect: bool = False) -> Any:
    """The `--format/-f` option offering `offered` (the default is the command's own).

    With `detect`, the option may be left out (None: the format is worked out from the
    input); `auto`, which said so before, is still taken."""
    aliases: dict[str, Format | None] = {k: v for k, v in OLD_NAMES.items() if v in offered}
    if detect:
        aliases["auto"] = None

    def parse(value: Any) -> Format | None:
        if isinstance(value, Format) or value is None:
            return value
        word = str(value)
        if word in aliases:
            return aliases[word]
        if word in offered:
            return Format(word)
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(repr(f.value) for f in offered)}.")

    def complete(incomplete: str) -> list[str]:
        return [f.value for f in offered if f.value.startswith(incomplete)]

    return typer.Option(
        "--format",
        "-f",
        parser=parse,
        metavar=f"<{'|'.join(offered)}>",
        autocompletion=complete,
        help=_format_help(offered, detect),
    )


def _format_help(offered: tuple[Format, ...], detect: bool) -> str:
    data = [f.value for f in offered if f in _DATA]
    listed = data[0] if len(data) == 1 else f"{', '.join(data[:-1])} or {data[-1]}"
    if detect:
        return f"The file's format, {listed} (default: worked out from its name or first character)."
    parts = []
    if Format.table in offered:
        parts.append("table for you")
    if Format.markdown in offered and Format.html in offered:
        parts.append("markdown or html (one self-contained page) for a document")
    elif Format.markdown in offered:
        parts.append("markdown for a document")
    if data:
        parts.append(f"{listed} for scripts")
    return "; ".join(parts) + '. Keys: README, "Data formats".'


@contextmanager
def _open(
    db: Path | None, *, create: bool = False, readonly: bool = False, writes: bool = False
) -> Iterator["Journal"]:
    """The journal for one command, closed after it. A command that only reads opens it
    `readonly`: the file keeps every byte; one that `writes` first warns when others can
    write in its folder. What opening did (a new journal started in an empty file) is said
    first; stored text read with U+FFFD for bad bytes is said after."""
    from alliance_cli.settings.config import resolve_db_path
    from alliance_cli.store.journal import open_journal

    path = resolve_db_path(db)
    if create and not readonly and not path.exists():
        _start_encrypted_if_asked(path)
    with open_journal(path, create=create, readonly=readonly) as journal:
        if writes:
            _warn_if_shared(journal.path)
        for line in journal.notices:
            _say(line)
        yield journal
    if journal.damaged_text:
        _say(damaged_text(sorted(journal.damaged_sessions), wrote=not readonly))


def _start_encrypted_if_asked(path: Path) -> None:
    """With `encrypt_new = true` in the settings, a new journal starts encrypted: the
    passphrase is asked (or read from ALLIANCE_PASSPHRASE_FILE) before anything is created,
    then the new, empty journal is encrypted as `alliance encrypt` does."""
    from alliance_cli.settings.config import load_config
    from alliance_cli.store import cipher

    if not load_config().encrypt_new:
        return
    cipher.start_encrypted(path)
    _say(f"Started a new, encrypted journal at {path} (encrypt_new in `alliance config`).")
    from alliance_cli.app.watchlist import move_in, moved_in

    words = move_in(path)
    if words is not None:
        _say(moved_in(words))


def _warn_if_shared(journal: Path) -> None:
    """One warning, on stderr, from a command that writes to the journal, when other users
    can write in its folder: they could replace the journal or plant a file beside it
    (`alliance doctor` reports the same)."""
    from alliance_cli.core.messages import shared_folder
    from alliance_cli.settings.files import open_to_others

    folder = journal.absolute().parent
    if open_to_others(folder):
        _say(f"alliance: warning: {shared_folder(folder)}")


def _prompt_set(path: Path | None, *, deferred: bool = False) -> tuple["PromptSet", Path]:
    """The prompt set to use, its client-score prompt on the measure of `client_measure`
    (`deferred`: its models built when first used, see `settings.prompts.load_prompt_set`)."""
    from alliance_cli.settings.config import client_measure, resolve_prompts_path
    from alliance_cli.settings.prompts import load_prompt_set

    where = resolve_prompts_path(path)
    return load_prompt_set(where, client_measure(), deferred=deferred), where


def _version(value: bool) -> None:
    if value:
        print(f"alliance {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    db: Annotated[
        Optional[Path],
        typer.Option(
            "--db",
            metavar="FILE",
            dir_okay=False,
            help="Journal file for the command (as ALLIANCE_DB; after the command too).",
        ),
    ] = None,
    prompts: Annotated[
        Optional[Path],
        typer.Option(
            "--prompts", metavar="FILE", dir_okay=False, help="Prompt set for the command (as ALLIANCE_PROMPTS)."
        ),
    ] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="No colours (as NO_COLOR=1).")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """A private reflection journal for clinicians: log each session, review your week."""
    # --db, --prompts and --no-color before the command reach it as the environment it
    # reads them from: the command's own flag, after it, still wins.
    for name, value in (("ALLIANCE_DB", db), ("ALLIANCE_PROMPTS", prompts), ("NO_COLOR", "1" if no_color else None)):
        if value is not None:
            os.environ[name] = str(value)
    if ctx.invoked_subcommand is None:  # bare `alliance`: the help, and no error
        trim_help()
        text = ctx.get_help()  # Typer's Rich help prints itself; plain help is returned
        if text:
            print(text)
        raise typer.Exit(0)
    # A settings file with a typo is refused by every command, so that no command quietly
    # runs against another journal than the one meant; `config` (to mend it) and `doctor`
    # (to report it) still run.
    if ctx.invoked_subcommand not in ("config", "doctor"):
        from alliance_cli.settings.paths import config_path

        if config_path().exists():
            from alliance_cli.settings.config import load_config

            load_config()
