"""Backups of the journal and restoring one.

A backup is a consistent copy made through SQLite's online backup API (another terminal
may keep logging meanwhile), written under a temporary name and renamed when complete, so
a half-written copy never looks like a backup. By default it goes into `backups/` beside
the journal, named after the journal file (`journal-YYYYMMDD-HHMMSSZ.db` for `journal.db`,
UTC), 0600 in a 0700 folder; `--keep N` removes all but the newest N of those, and never
touches any other file. A target given is read one way only: an existing folder gets a
timestamped file inside it, a new name ending in `.db` becomes that file, and anything else
is refused (a mistyped or unmounted folder must not turn into a file of that name).

Restoring checks the backup first (read-only: integrity, and that it is an alliance
journal this version understands), keeps a copy of the journal it replaces, and then
writes the backup's content into the journal through the backup API, so the journal's
-wal and -shm files stay SQLite's business. Only a journal too damaged to be opened is
replaced as a file (its stale -wal and -shm go with it, or SQLite would replay them).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from alliance_cli.errors import InputError, JournalError, NotFoundError, UsageError
from alliance_cli.settings.files import private_temp
from alliance_cli.store.maintenance import (
    Inspection,
    count_sessions,
    inspect_file,
    quick_check_ok,
    staged_copy,
    write_into,
)

BACKUPS_FOLDER = "backups"


@dataclass
class BackupResult:
    path: Path
    sessions: int
    size: int
    intact: bool
    pruned: list[Path] = field(default_factory=list)


@dataclass
class RestoreResult:
    sessions: int
    replaced_copy: Path | None


def backups_dir(journal: Path) -> Path:
    return journal.parent / BACKUPS_FOLDER


def _pattern(journal: Path) -> re.Pattern[str]:
    return re.compile(rf"^{re.escape(journal.stem)}-(\d{{8}}-\d{{6}})Z(?:-(\d+))?\.db$")


def _stamp(now: datetime | None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%d-%H%M%S")


def _free_name(folder: Path, stem: str, stamp: str, tail: str = "") -> Path:
    candidate = folder / f"{stem}-{stamp}Z{tail}.db"
    n = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{stamp}Z{tail}-{n}.db"
        n += 1
    return candidate


def _private_folder(folder: Path) -> None:
    if folder.exists():
        if not folder.is_dir():
            raise InputError(f"{folder} is a file, not a folder for backups.")
        return
    try:
        folder.mkdir(mode=0o700, parents=True)
        os.chmod(folder, 0o700)
    except OSError as exc:
        raise JournalError(f"Cannot create the folder {folder} ({exc.strerror}).") from None


@contextmanager
def _staged(source: Path, beside: Path, *, writing: str, guarded: Path) -> Iterator[Path]:
    """A complete private copy of `source` in a fresh temporary file beside `beside`
    (`settings.files.private_temp`), removed at the end unless the caller moved it."""
    with ExitStack() as stack:
        try:
            temp = stack.enter_context(private_temp(beside))
        except OSError as exc:
            raise JournalError(f"Cannot write {writing} ({exc.strerror}).") from None
        yield stack.enter_context(staged_copy(source, temp, writing=writing, guarded=guarded))


def _private_copy(source: Path, target: Path) -> None:
    """Copy `source` (a journal) into the new file `target`, 0600, complete or not at all."""
    with _staged(source, target, writing=f"the backup {target}", guarded=source) as tmp:
        if target.exists():
            raise InputError(f"{target} already exists; choose another name.")
        os.replace(tmp, target)


def make_backup(
    journal: Path, target: Path | None = None, *, keep: int | None = None, now: datetime | None = None
) -> BackupResult:
    """Back the journal up into `target`: an existing folder, a new `.db` file, or None for backups/ beside it."""
    if keep is not None and keep < 1:
        raise UsageError("--keep needs 1 or more (the newest backup is always kept); nothing was backed up.")
    if not journal.exists():
        raise NotFoundError(f"No journal at {journal} yet; there is nothing to back up.")
    inspect_file(journal, full_check=False)  # refuses a file that is not an alliance journal
    if target is None or target.is_dir():
        folder = target if target is not None else backups_dir(journal)
        _private_folder(folder)
        path = _free_name(folder, journal.stem, _stamp(now))
    else:
        path = target
        if path.exists():
            raise InputError(f"{path} already exists; choose another name or a folder.")
        if path.suffix.lower() != ".db":
            raise InputError(f"There is no folder {path}; give a folder that exists, or a new file name ending in .db.")
        if keep is not None:
            raise InputError("--keep works with a backups folder, not with a file name.")
        if not path.parent.is_dir():
            raise InputError(f"The folder {path.parent} does not exist.")
    _private_copy(journal, path)
    intact = quick_check_ok(path)
    sessions = count_sessions(path) if intact else 0
    pruned = prune(path.parent, journal, keep) if keep is not None else []
    return BackupResult(path, sessions, path.stat().st_size, intact, pruned)


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
    """Remove all but the newest `keep` timestamped backups; returns what was removed."""
    if keep < 1:
        raise UsageError("--keep needs 1 or more: the backup just made is always kept.")
    old = list_backups(folder, journal)[:-keep]
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
    replaced = _keep_current(journal, now) if journal.exists() else None
    _private_folder(journal.parent)
    with _staged(backup, journal, writing=f"the journal {journal}", guarded=journal) as staged:
        if not journal.exists():
            os.replace(staged, journal)
        else:
            write_into(staged, journal)
    from alliance_cli.store.journal import open_journal

    with open_journal(journal) as opened:  # migrates an older backup, switches to WAL
        sessions = opened.count_sessions()
    return RestoreResult(sessions, replaced)


def _keep_current(journal: Path, now: datetime | None) -> Path:
    """Keep the journal about to be replaced in backups/, as one file (or a raw copy if damaged)."""
    folder = backups_dir(journal)
    _private_folder(folder)
    target = _free_name(folder, journal.stem, _stamp(now), "-before-restore")
    try:
        _private_copy(journal, target)
    except JournalError:
        # Too damaged for SQLite to read: copy the bytes, with the -wal under the matching name.
        for suffix in ("", "-wal"):
            source = Path(f"{journal}{suffix}")
            if source.exists():
                copied = Path(f"{target}{suffix}")
                with private_temp(copied) as temp:
                    shutil.copyfile(source, temp)
                    os.replace(temp, copied)
    return target
