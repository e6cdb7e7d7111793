"""The `alliance` command: start-up, the commands, the exit.

Two start-up tricks live here and nowhere else, and in-process tests run both through
`run(argv)`:

- only the command named on the command line is turned into click objects
  (`only_the_command_run`): Typer builds every command's options on each run, about
  12 ms for all of alliance's commands, and a run needs one;
- once the command is done, `main` ends the process with `os._exit`, skipping the
  interpreter's teardown (about 30 ms of freeing objects nobody will use again).

And one guard: `main` puts stdout behind `guard_stdout`, so that a stdout that cannot take
what is written (the reader left, a full disk, a closed stdout) ends the command the same
way in every command (`StdoutFailed`, handled in `run`).
"""

import errno
import io
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from alliance_cli.cli.root import StdoutFailed, _say, app, stdout_failed_line, trim_help

# Importing them registers the commands, in this order: the order `alliance --help` lists them.
# isort: off
from alliance_cli.cli import journal
from alliance_cli.cli import review
from alliance_cli.cli import goals
from alliance_cli.cli import scores
from alliance_cli.cli import exchange
from alliance_cli.cli import sessions
from alliance_cli.cli import upkeep
from alliance_cli.cli import watchlist
from alliance_cli.cli import encryption
# isort: on

COMMAND_MODULES = (journal, review, goals, scores, exchange, sessions, upkeep, watchlist, encryption)


def _runs_bare(group: Any) -> bool:
    """Whether a sub-app runs its own callback when named without a subcommand."""
    typer_app = getattr(group, "typer_instance", None)
    return typer_app is not None and typer_app.info.invoke_without_command is True


def run(argv: list[str]) -> int:
    """Run one command line as `alliance` would and return its exit code, output flushed:
    everything `main` does but end the process."""
    argv = colour_flag_first(argv)
    name = _command_in(argv)
    # A group named alone prints its help, unless it runs a command of its own (`clients`):
    # that one must not pay for Typer's help machinery (Rich's Markdown, its tables: 50 ms).
    bare_group = (
        name is not None
        and argv[-1] == name
        and any(g.name == name and not _runs_bare(g) for g in app.registered_groups)
    )
    if not argv or "-h" in argv or "--help" in argv or bare_group:  # help is printed
        trim_help()
    with only_the_command_run(argv):
        try:
            app(args=argv, prog_name="alliance")
            code: int | str | None = 0
        except SystemExit as exc:
            code = exc.code
        except (StdoutFailed, BrokenPipeError) as exc:
            code = _stdout_failed(exc)
    try:
        sys.stdout.flush()
    except (StdoutFailed, OSError) as exc:  # what the command wrote last could not be written
        code = code or _stdout_failed(exc)
    try:
        sys.stderr.flush()
    except OSError:  # messages that cannot be written cannot be said either
        pass
    if isinstance(code, str):
        print(code, file=sys.stderr)
        code = 1
    return code or 0


def main() -> NoReturn:
    """The `alliance` command: `run`, then end without the interpreter's teardown (every
    transaction is committed and every file closed by its own `with` block by then)."""
    guard_stdout()
    try:
        code = run(sys.argv[1:])
    except KeyboardInterrupt:  # stopped between the command's own handling and the exit
        code = 130
    os._exit(code)


def _stdout_failed(exc: BaseException) -> int:
    """The exit code when stdout could not take the output: 0, quietly, when the reader left
    (`alliance export | head`: it had what it wanted); else 1, said in one line."""
    if isinstance(exc, BrokenPipeError) or getattr(exc, "errno", None) == errno.EPIPE:
        return 0
    _say(f"alliance: {stdout_failed_line(exc)}")
    return 1


class _GuardedStdout(io.FileIO):
    """File descriptor 1, whose write errors become `StdoutFailed` (not an OSError, so that
    neither click nor Rich turns a closed reader into an exit code of its own). After the
    first failure every write is dropped, so what is still buffered cannot fail again.
    `closed_at_start`: stdout was closed when alliance started (`>&-`); fd 1 is then
    /dev/null, held so that no file alliance opens becomes its stdout, and a write fails
    as it would have."""

    def __init__(self, *, closed_at_start: bool = False) -> None:
        super().__init__(1, "w", closefd=False)
        self.failed: StdoutFailed | None = StdoutFailed(errno.EBADF, "stdout is closed") if closed_at_start else None
        self.dropping = False

    def write(self, data: Any) -> int:
        if self.dropping:
            return len(data)
        if self.failed is not None:  # closed at start: the first write fails
            self.dropping = True
            raise self.failed
        try:
            return super().write(data)
        except OSError as exc:
            self.dropping = True
            self.failed = StdoutFailed(exc.errno or 0, exc.strerror or type(exc).__name__)
            raise self.failed from None


def guard_stdout() -> None:
    """Put stdout behind `_GuardedStdout`, keeping its encoding and buffering; a closed
    stdin, stdout or stderr is first reopened on /dev/null (an empty stdin, a stdout that
    says it is closed, messages that go nowhere) so that no file alliance opens takes its
    number."""
    streams = (sys.stdin, sys.stdout, sys.stderr)
    for fd, stream in enumerate(streams):
        if stream is None:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    if sys.stdin is None:
        sys.stdin = open(0, encoding="utf-8", closefd=False)  # noqa: SIM115 - the process's own stdin
    if sys.stderr is None:
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
    old = sys.stdout
    raw = _GuardedStdout(closed_at_start=old is None)
    if old is None:
        sys.stdout = io.TextIOWrapper(io.BufferedWriter(raw), encoding="utf-8")
        return
    buffered = isinstance(getattr(old, "buffer", None), io.BufferedWriter)
    binary: Any = io.BufferedWriter(raw) if buffered else raw
    sys.stdout = io.TextIOWrapper(
        binary,
        encoding=old.encoding,
        errors=old.errors,
        line_buffering=bool(old.line_buffering),
        write_through=getattr(old, "write_through", False),
    )


@contextmanager
def only_the_command_run(args: list[str]) -> Iterator[None]:
    """While inside, `app` holds only the command (or group) that `args` names; all of them
    again after. `alliance --help`, a mistyped command and shell completion see them all."""
    saved = app.registered_commands[:], app.registered_groups[:]
    name = _command_in(args)
    if name is not None and not os.environ.get("_ALLIANCE_COMPLETE"):
        commands = [c for c in app.registered_commands if _command_name(c) == name]
        groups = [g for g in app.registered_groups if g.name == name]
        if commands or groups:
            app.registered_commands[:] = commands
            app.registered_groups[:] = groups
    try:
        yield
    finally:
        app.registered_commands[:], app.registered_groups[:] = saved


GLOBAL_VALUED = ("--db", "--prompts")  # the options `alliance` itself takes before a command, with a value
GLOBAL_FLAGS = ("--no-color",)


def _command_in(args: list[str]) -> str | None:
    """The command `args` names, after the options given before it (`--db x list`)."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg in GLOBAL_VALUED:
            index += 2
        elif arg in GLOBAL_FLAGS or arg.startswith(tuple(f"{o}=" for o in GLOBAL_VALUED)):
            index += 1
        else:
            return None if arg.startswith("-") else arg
    return None


def colour_flag_first(args: list[str]) -> list[str]:
    """`--no-color` anywhere before a `--` is `alliance`'s own option, moved in front of the
    command, so that every command takes it where it is typed."""
    end = args.index("--") if "--" in args else len(args)
    if "--no-color" not in args[:end]:
        return args
    return ["--no-color", *[a for a in args[:end] if a != "--no-color"], *args[end:]]


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.lower().replace("_", "-"))
