"""Commands for the privacy guard's watch-list: add, remove, count.

The words themselves are never printed or stored: the file holds keyed hashes (the key in
another file; an encrypted journal keeps both inside itself), and the commands only say how
many words changed.
"""

import sys
from typing import Annotated, Optional

import typer

from alliance_cli.cli.root import AllianceGroup, DbOption, _say, app
from alliance_cli.core.messages import Stopped, count

watchlist_app = typer.Typer(
    cls=AllianceGroup,
    help="Words the privacy guard warns about (first names of clients, places), kept as keyed hashes.\n\n"
    "    alliance watchlist add",
    no_args_is_help=True,
)
app.add_typer(watchlist_app, name="watchlist")

WordsArgument = Annotated[
    Optional[list[str]],
    typer.Argument(
        help="Words; leave out to type them instead, one a line (an empty line ends), which keeps them out of "
        "shell history."
    ),
]


def _words(words: list[str] | None) -> list[str]:
    """The words given, else typed one a line (not shown) until an empty line or Ctrl-D, else stdin's lines."""
    if words:
        return words
    if not sys.stdin.isatty():
        return [line.strip() for line in sys.stdin if line.strip()]
    import getpass

    from alliance_cli.errors import Interrupted

    _say("Type one word a line; they are not shown. An empty line (or Ctrl-D) finishes.")
    typed: list[str] = []
    while True:
        try:
            line = getpass.getpass("Word: ", stream=sys.stderr).strip()
        except EOFError:
            break
        except KeyboardInterrupt:
            raise Interrupted(Stopped.WATCHLIST) from None
        if not line:
            break
        typed.append(line)
    return typed


def _count(n: int, verb: str, total: int) -> None:
    _say(f"{count(n, 'word')} {verb}; {total} on your watch-list.")


def _old_form(moved: int, left: int) -> None:
    """Once per command: words still kept in the older, quickly guessed form, and how to move them."""
    if moved:
        _say(f"{count(moved, 'word')} moved to the new, keyed form.")
    if left:
        _say(
            f"alliance: note: {count(left, 'word')} on your watch-list {'is' if left == 1 else 'are'} kept in the "
            "older form (salted SHA-256), which a list of names can be tried against quickly; add "
            f"{'it' if left == 1 else 'them'} again (`alliance watchlist add`) to move {'it' if left == 1 else 'them'} "
            "to the keyed form (README: the privacy guard)."
        )


@watchlist_app.command("add")
def watchlist_add(words: WordsArgument = None, db: DbOption = None) -> None:
    """Add words to look for in every reflection, e.g. the first names of current clients.

    alliance watchlist add      (then type one word a line, an empty line to finish)
    """
    from alliance_cli.app.watchlist import change_words
    from alliance_cli.settings.config import resolve_db_path

    done = change_words(resolve_db_path(db), _words(words))
    _count(done.changed, "added", done.total)
    _old_form(done.moved, done.old_form)


@watchlist_app.command("remove")
def watchlist_remove(words: WordsArgument = None, db: DbOption = None) -> None:
    """Take words off the watch-list.

    alliance watchlist remove
    """
    from alliance_cli.app.watchlist import change_words
    from alliance_cli.settings.config import resolve_db_path

    done = change_words(resolve_db_path(db), _words(words), remove=True)
    missing = done.given - done.changed
    if missing:
        _say(f"{count(done.changed, 'word')} removed ({missing} not on the list); {done.total} on your watch-list.")
    else:
        _count(done.changed, "removed", done.total)
    _old_form(0, done.old_form)


@watchlist_app.command("count")
def watchlist_count(db: DbOption = None) -> None:
    """Print how many words are on the watch-list (the words themselves are not kept).

    alliance watchlist count
    """
    from alliance_cli.app.watchlist import watchlist_at
    from alliance_cli.settings.config import resolve_db_path

    watchlist = watchlist_at(resolve_db_path(db))
    print(len(watchlist) if watchlist else 0)
    if watchlist is not None:
        _old_form(0, len(watchlist.legacy))
