"""Backups of the journal and restoring one.

A backup is a consistent copy made through SQLite's online backup API (another terminal
may keep logging meanwhile). It is written in a private work folder beside its target
(`settings.files.private_workdir`: a fresh name, 0700, never through a link) and given its
name when complete, with a hard link that fails rather than replace anything
(`settings.files.put_new`), so a half-written copy never looks like a backup and two
backups in the same second take the next free name. By default it goes into `backups/`
beside the journal, named after the journal file (`journal-YYYYMMDD-HHMMSSZ.db` for
`journal.db`, UTC, then `-2`, `-3`... within one second), 0600 in a 0700 folder; `--keep N`
removes all but the newest N of those, and never touches any other file. A target given is
read one way only: an existing folder gets a timestamped file inside it, a new name ending
in `.db` becomes that file, and anything else is refused (a mistyped or unmounted folder
must not turn into a file of that name).

Restoring checks the backup first (read-only: integrity, and that it is an alliance
journal this version understands), brings a private copy of it up to date, and then, under
one write lock of the journal, keeps a copy of the journal as it is and replaces its
content with the backup's (`store.maintenance.restore_in_place`): a session another
terminal saved meanwhile is in one or the other, never lost between them. Only a journal
too damaged to be opened is replaced as a file (its stale -wal and -shm go with it, or
SQLite would replay them).

An interrupted backup or restore (kill -9, a power cut) leaves its work folder behind:
every backup and restore first removes those of earlier runs that are no longer in use,
`--keep` counts any still there, and `doctor` names them (`leftovers`).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alliance_cli.core.messages import cannot_write, write_cause
from alliance_cli.errors import InputError, JournalError, NotFoundError, UsageError
from alliance_cli.settings.files import (
    Leftover,
    leftovers,
    new_private_file,
    private_folder,
    private_workdir,
    put_new,
    remove_stale,
)
from alliance_cli.store.journal import open_journal
from alliance_cli.store.maintenance import (
    CannotWrite,
    Inspection,
    NotInPlace,
    bring_up_to_date,
    copy_journal,
    count_sessions,
    inspect_file,
    quick_check_ok,
    restore_in_place,
    swap_in,
)

BACKUPS_FOLDER = "backups"
NOTHING_WRITTEN = "nothing was written"
NOT_CHANGED = "the journal was not changed"


@dataclass
class BackupResult:
    path: Path
    sessions: int
    size: int
    intact: bool
    pruned: list[Path] = field(default_factory=list)
    cleared: list[Path] = field(default_factory=list)  # leftovers of interrupted runs, removed


@dataclass
class RestoreResult:
    sessions: int
    replaced_copy: Path | None
    cleared: list[Path] = field(default_factory=list)


def backups_dir(journal: Path) -> Path:
    return journal.parent / BACKUPS_FOLDER


def _pattern(journal: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(journal.stem)}-(\d{{8}}-\d{{6}})Z(?:-(\d+))?\.db$")


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _private_folder(folder: Path) -> None:
    if folder.exists():
        if not folder.is_dir():
            raise InputError(f"{folder} is a file, not a folder for backups.")
        return
    try:
        private_folder(folder)
    except OSError as exc:
        raise CannotWrite(cannot_write(folder.parent, write_cause(exc), NOTHING_WRITTEN)) from None


# -- temporary copies and what interrupted runs left -------------------------------------


def _owned(journal: Path, *names: str) -> Callable[[str], bool]:
    """Which temporary names are this journal's: its own name (backup and restore work
    folders), and the timestamped names earlier versions staged backups under."""
    stamped = re.compile(rf"^{re.escape(journal.stem)}-\d{{8}}-\d{{6}}Z.*\.db$")
    return lambda base: base == journal.name or base in names or stamped.match(base) is not None


def _folders(journal: Path, *more: Path) -> list[Path]:
    return list(dict.fromkeys([journal.parent, backups_dir(journal), *more]))


def leftovers_of(journal: Path) -> list[Leftover]:
    """Temporary copies of the journal beside it and in backups/ (doctor names the stale ones)."""
    owns = _owned(journal)
    return [item for folder in _folders(journal) for item in leftovers(folder, owns)]


def _sweep(journal: Path, *more: Path, names: tuple[str, ...] = ()) -> list[Path]:
    """Remove the copies interrupted runs left beside the journal, in backups/ and in `more`."""
    owns = _owned(journal, *names)
    return [path for folder in _folders(journal, *more) for path in remove_stale(folder, owns)]


@contextmanager
def _workdir(beside: Path, outcome: str) -> Iterator[Path]:
    """An empty private file named after `beside`, in a private work folder beside it
    (`private_workdir`); the folder and all it holds go when the block ends."""
    with ExitStack() as stack:
        try:
            work = stack.enter_context(private_workdir(beside))
            staged = work / beside.name
            new_private_file(staged)
        except OSError as exc:
            raise CannotWrite(cannot_write(beside.parent, write_cause(exc), outcome)) from None
        yield staged


def _put(staged: Path, target: Path, outcome: str) -> None:
    try:
        put_new(staged, target)
    except FileExistsError:
        raise
    except OSError as exc:
        raise CannotWrite(cannot_write(target.parent, write_cause(exc), outcome)) from None


def _put_free(
    staged: Path, folder: Path, stem: str, stamp: str, tail: str = "", outcome: str = NOTHING_WRITTEN
) -> Path:
    """Name the complete copy `staged` in `folder` with a free timestamped name after every
    name of that second already there: `STEM-STAMPZ{tail}.db`, then `-2`, `-3`...; taken and
    checked in one step, never over a file. Never a lower number freed by `--keep`: the names
    of one second sort in the order the backups were made, and pruning goes by that order."""
    taken = re.compile(rf"^{re.escape(stem)}-{stamp}Z{re.escape(tail)}(?:-(\d+))?\.db$")
    numbers = [int(m.group(1) or 1) for m in (taken.match(e.name) for e in folder.iterdir()) if m]
    n = max(numbers, default=0) + 1
    while True:
        candidate = folder / (f"{stem}-{stamp}Z{tail}.db" if n == 1 else f"{stem}-{stamp}Z{tail}-{n}.db")
        try:
            _put(staged, candidate, outcome)
        except FileExistsError:
            n += 1
            continue
        return candidate


# -- backup -------------------------------------------------------------------------------


def make_backup(
    journal: Path, target: Path | None = None, *, keep: int | None = None, now: datetime | None = None
) -> BackupResult:
    """Back the journal up into `target`: an existing folder, a new `.db` file, or None for backups/ beside it."""
    if keep is not None and keep < 1:
        raise UsageError("--keep needs 1 or more (the newest backup is always kept); nothing was backed up.")
    if not journal.exists():
        raise NotFoundError(f"No journal at {journal} yet; there is nothing to back up.")
    inspect_file(journal, full_check=False)  # refuses a file that is not an alliance journal
    named: Path | None = None
    if target is None or target.is_dir():
        folder = target if target is not None else backups_dir(journal)
        _private_folder(folder)
    else:
        named, folder = target, target.parent
        if named.exists():
            raise InputError(f"{named} already exists; choose another name or a folder.")
        if named.suffix.lower() != ".db":
            raise InputError(
                f"There is no folder {named}; give a folder that exists, or a new file name ending in .db."
            )
        if keep is not None:
            raise InputError("--keep works with a backups folder, not with a file name.")
        if not folder.is_dir():
            raise InputError(f"The folder {folder} does not exist.")
    cleared = _sweep(journal, folder, names=(named.name,) if named is not None else ())
    with _workdir(folder / journal.name, NOTHING_WRITTEN) as staged:
        copy_journal(journal, staged, folder=folder, outcome=NOTHING_WRITTEN)
        if named is None:
            path = _put_free(staged, folder, journal.stem, _stamp(now))
        else:
            path = named
            try:
                _put(staged, path, NOTHING_WRITTEN)
            except FileExistsError:
                raise InputError(f"{path} already exists; choose another name or a folder.") from None
    intact = quick_check_ok(path)
    sessions = count_sessions(path) if intact else 0
    pruned = prune(folder, journal, keep) if keep is not None else []
    return BackupResult(path, sessions, path.stat().st_size, intact, pruned, cleared)


def list_backups(folder: Path, journal: Path) -> list[Path]:
    """The timestamped backups of `journal` in `folder`, oldest first."""
    pattern = _pattern(journal)
    found: list[tuple[str, int, Path]] = []
    if folder.is_dir():
        for entry in folder.iterdir():
            match = pattern.match(entry.name)
            if match and entry.is_file():
                found.append((match.group(1), int(match.group(2) or 1), entry))
    return [p for _, _, p in sorted(found)]


def prune(folder: Path, journal: Path, keep: int) -> list[Path]:
    """Remove all but the newest `keep` timestamped backups; returns what was removed.

    A temporary copy still in the folder (a backup another terminal is making, or one that
    could not be removed) counts as one of the `keep`, so copies never pile up beyond it;
    the newest backup is always kept."""
    if keep < 1:
        raise UsageError("--keep needs 1 or more: the backup just made is always kept.")
    pending = len(leftovers(folder, _owned(journal)))
    backups = list_backups(folder, journal)
    old = backups[: max(len(backups) - max(keep - pending, 1), 0)]
    for path in old:
        path.unlink(missing_ok=True)
    return old


# -- restore ----------------------------------------------------------------------------


def check_backup(backup: Path, journal: Path | None = None) -> Inspection:
    """Read-only checks of a backup; JournalError when it must not be restored.

    Given a folder, the message names the newest backup of `journal` in it, or else the
    shape of one (backups are named after the journal file).
    """
    if not backup.exists():
        raise NotFoundError(f"No backup at {backup}.")
    if not backup.is_file():
        backups = list_backups(backup, journal) if journal is not None else []
        example = backups[-1] if backups else backup / f"{journal.stem if journal is not None else 'journal'}-…Z.db"
        raise InputError(f"{backup} is a folder; give the backup file, e.g. {example}")
    try:
        found = inspect_file(backup)
    except JournalError as exc:
        raise JournalError(f"{exc.message} Nothing was restored.") from None
    if found.problems:
        lines = [f"The backup {backup} is damaged; nothing was restored. SQLite found:", *found.problems[:5]]
        raise JournalError(lines[0], lines)
    return found


def restore_backup(backup: Path, journal: Path, *, now: datetime | None = None) -> RestoreResult:
    """Replace the journal's content with a checked backup; the journal as it was is kept."""
    check_backup(backup, journal)
    if journal.exists() and journal.samefile(backup):
        raise InputError(f"{backup} is the journal itself; give a backup file.")
    if journal.exists():
        from alliance_cli.store.journal import refuse_foreign_wal

        refuse_foreign_wal(journal)  # SQLite would write the restored pages into it
    _private_folder(journal.parent)
    cleared = _sweep(journal)
    replaced: Path | None = None
    with _workdir(journal, NOT_CHANGED) as staged:
        # The restored journal keeps the form of the journal it replaces (encrypted with its
        # key, or plain); a new one takes the backup's.
        like = journal if journal.exists() and journal.stat().st_size > 0 else backup
        copy_journal(backup, staged, folder=journal.parent, outcome=NOT_CHANGED, like=like)
        bring_up_to_date(staged, folder=journal.parent, outcome=NOT_CHANGED)
        if journal.exists():
            replaced = _keep_current(journal, staged, now)
        else:
            try:
                _put(staged, journal, NOT_CHANGED)
            except FileExistsError:  # another terminal started a journal there a moment ago
                replaced = _keep_current(journal, staged, now)
    with open_journal(journal) as opened:
        sessions = opened.count_sessions()
    return RestoreResult(sessions, replaced, cleared)


def _keep_current(journal: Path, staged: Path, now: datetime | None) -> Path:
    """Put `staged` in the journal's place, keeping the journal as it was in backups/ (under
    one write lock, `restore_in_place`); the kept copy's path."""
    folder = backups_dir(journal)
    _private_folder(folder)
    with _workdir(folder / journal.name, NOT_CHANGED) as kept:
        try:
            return restore_in_place(
                journal,
                staged,
                kept,
                lambda: _put_free(kept, folder, journal.stem, _stamp(now), "-before-restore", NOT_CHANGED),
                backups=folder,
                outcome=NOT_CHANGED,
            )
        except NotInPlace:
            pass
    copy = _keep_damaged(journal, now)
    swap_in(staged, journal, outcome=NOT_CHANGED)
    return copy


def _keep_damaged(journal: Path, now: datetime | None) -> Path:
    """Keep a journal that cannot be restored in place: through SQLite if it still reads
    one, else its bytes as they are, with the -wal under the matching name."""
    folder = backups_dir(journal)
    with _workdir(folder / journal.name, NOT_CHANGED) as kept:
        wal = Path(f"{journal}-wal")
        raw = False
        try:
            copy_journal(journal, kept, folder=folder, outcome=NOT_CHANGED)
        except CannotWrite:
            raise
        except JournalError:
            raw = True
            try:
                shutil.copyfile(journal, kept)
                if wal.exists():
                    new_private_file(Path(f"{kept}-wal"))
                    shutil.copyfile(wal, f"{kept}-wal")
            except OSError as exc:
                raise CannotWrite(cannot_write(folder, write_cause(exc), NOT_CHANGED)) from None
        target = _put_free(kept, folder, journal.stem, _stamp(now), "-before-restore", NOT_CHANGED)
        if raw and wal.exists():
            _put(Path(f"{kept}-wal"), Path(f"{target}-wal"), NOT_CHANGED)
    return target
