"""The watch-list of the journal in use: inside an encrypted journal, else the two files.

A plain journal uses the list in the per-user files (`settings.watchlist`), as always. An
encrypted journal keeps its list inside itself, where only the passphrase reaches it; until
it has one (a journal made encrypted before any word was added, or an interrupted
`alliance encrypt`), the files' list is used, and the next change moves it in.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_cli.settings.watchlist import (
    Change,
    Watchlist,
    apply_change,
    change_watchlist,
    files_exist,
    from_inside,
    inside_document,
    load_watchlist,
    remove_files,
    save_watchlist,
)

if TYPE_CHECKING:
    from alliance_cli.store.journal import Journal


def _encrypted(path: Path) -> bool:
    from alliance_cli.store import cipher

    return path.is_file() and cipher.is_encrypted(path)


def journal_watchlist(journal: Journal) -> Watchlist | None:
    """The watch-list for the open `journal`."""
    if not _encrypted(journal.path):
        return load_watchlist()
    from alliance_cli.store import cipher

    document = cipher.inside_watchlist(journal.conn)
    return from_inside(document) if document is not None else load_watchlist()


def watchlist_at(db_path: Path) -> Watchlist | None:
    """The watch-list for the journal at `db_path` (opened to read it when it is encrypted)."""
    if not _encrypted(db_path):
        return load_watchlist()
    from alliance_cli.store.journal import open_journal

    with open_journal(db_path, readonly=True) as journal:
        return journal_watchlist(journal)


def change_words(db_path: Path, entries: Iterable[str], *, remove: bool = False) -> Change:
    """Add (or remove) words on the watch-list of the journal at `db_path`; an encrypted
    journal's list is changed inside it (the files' list moved in first, when it has none)."""
    if not _encrypted(db_path):
        return change_watchlist(entries, remove=remove)
    from alliance_cli.store import cipher
    from alliance_cli.store.journal import open_journal

    entries = list(entries)
    outcome: list[tuple[Change, bool]] = []

    def change(document: str | None) -> str:
        watchlist = from_inside(document) if document is not None else load_watchlist()
        outside = document is None and watchlist is not None
        if watchlist is None:
            watchlist = Watchlist()  # a new list, its key kept with it inside the journal
        outcome.append((apply_change(watchlist, entries, remove=remove), outside))
        return inside_document(watchlist)

    with open_journal(db_path) as journal:
        cipher.change_watchlist(journal.conn, change)
    done, outside = outcome[-1]
    if outside:
        remove_files()
    return done


def move_in(db_path: Path) -> int | None:
    """After `alliance encrypt`: the files' watch-list moved inside the journal, the files
    removed; how many words it holds (None when there was no list)."""
    from alliance_cli.store import cipher
    from alliance_cli.store.journal import open_journal

    watchlist = load_watchlist()
    if watchlist is None:
        return None
    with open_journal(db_path) as journal:
        if cipher.inside_watchlist(journal.conn) is None:
            cipher.keep_watchlist(journal.conn, inside_document(watchlist))
        else:
            return None  # the journal has its own list already: the files stay for plain journals
    remove_files()
    return len(watchlist)


def moved_in(words: int) -> str:
    """What `move_in` did, in words."""
    from alliance_cli.core.messages import count

    return (
        f"Your watch-list ({count(words, 'word')}) is now kept inside the encrypted journal, out of reach without "
        "the passphrase; its two files were removed."
    )


class MovedOut:
    """What `move_out` did: the words written to the files, or kept out because the files
    already hold another list."""

    def __init__(self, words: int, joined: bool, document: str) -> None:
        self.words = words
        self.joined = joined
        self.document = document


def move_out(db_path: Path) -> MovedOut | None:
    """Before `alliance decrypt`: the journal's own watch-list written to the files (unless a
    list is there already) and taken out of the journal, so the plain file never holds it."""
    from alliance_cli.store import cipher
    from alliance_cli.store.journal import open_journal

    with open_journal(db_path) as journal:
        document = cipher.inside_watchlist(journal.conn)
        if document is None:
            return None
        watchlist = from_inside(document)
        joined = not files_exist()
        if joined:
            remove_files()  # a key left without its list would not match this one
            save_watchlist(watchlist)
        cipher.keep_watchlist(journal.conn, None)
    return MovedOut(len(watchlist), joined, document)


def put_back(db_path: Path, moved: MovedOut | None) -> None:
    """Undo `move_out` when decrypting failed: the list inside the journal again, its files gone."""
    from alliance_cli.store import cipher
    from alliance_cli.store.journal import open_journal

    if moved is None:
        return
    with open_journal(db_path) as journal:
        cipher.keep_watchlist(journal.conn, moved.document)
    if moved.joined:
        remove_files()


def inside_count(db_path: Path) -> int | None:
    """How many words the watch-list kept inside the encrypted journal holds; None without one."""
    from alliance_cli.store import cipher
    from alliance_cli.store.journal import open_journal

    with open_journal(db_path, readonly=True) as journal:
        document = cipher.inside_watchlist(journal.conn)
    return None if document is None else len(from_inside(document))
