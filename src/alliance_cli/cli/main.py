"""The `alliance` command: start-up, the commands, the exit.

Two start-up tricks live here and nowhere else, and in-process tests run both through
`run(argv)`:

- only the command named on the command line is turned into click objects
  (`only_the_command_run`): Typer builds every command's options on each run, about
  12 ms for all of alliance's commands, and a run needs one;
- once the command is done, `main` ends the process with `os._exit`, skipping the
  interpreter's teardown (about 30 ms of freeing objects nobody will use again).
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

from alliance_cli.cli import exchange, journal, review, scores, sessions, upkeep, watchlist
from alliance_cli.cli.root import app

# Importing them registers the commands.
COMMAND_MODULES = (journal, review, exchange, scores, sessions, upkeep, watchlist)


def run(argv: list[str]) -> int:
    """Run one command line as `alliance` would and return its exit code, output flushed:
    everything `main` does but end the process."""
    with only_the_command_run(argv):
        try:
            app(args=argv, prog_name="alliance")
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
    return code or 0


def main() -> NoReturn:
    """The `alliance` command: `run`, then end without the interpreter's teardown (every
    transaction is committed and every file closed by its own `with` block by then)."""
    os._exit(run(sys.argv[1:]))


@contextmanager
def only_the_command_run(args: list[str]) -> Iterator[None]:
    """While inside, `app` holds only the command (or group) that `args` names; all of them
    again after. `alliance --help`, a mistyped command and shell completion see them all."""
    saved = app.registered_commands[:], app.registered_groups[:]
    if args and not args[0].startswith("-") and not os.environ.get("_ALLIANCE_COMPLETE"):
        commands = [c for c in app.registered_commands if _command_name(c) == args[0]]
        groups = [g for g in app.registered_groups if g.name == args[0]]
        if commands or groups:
            app.registered_commands[:] = commands
            app.registered_groups[:] = groups
    try:
        yield
    finally:
        app.registered_commands[:], app.registered_groups[:] = saved


def _command_name(info: Any) -> str:
    return str(info.name or info.callback.__name__.lower().replace("_", "-"))
