"""The one way alliance writes a private file: complete or not at all, readable by you alone.

Every file alliance writes outside the journal (the settings file, the watch-list, an
export's `-o FILE`) is first written to a temporary file beside its target, then renamed
over it:

- the temporary name is `.NAME.PID-RANDOM.tmp`, never a fixed one, so two runs never share
  it and nobody can plant a file or a link there in advance;
- it is created with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600: it is always a new file,
  never one reached through a symbolic link, and never readable by others;
- text is flushed and fsync'ed before `os.replace` puts it in place, so a crash leaves
  the old file or the new one, never half of either;
- on any failure (Ctrl-C included) the temporary file is removed and the target is left
  as it was.

A writer that makes more than one file (SQLite, behind backup and restore: its -journal,
-wal and -shm follow the file's name) works in a private folder instead
(`private_workdir`, `.NAME.PID-RANDOM.tmp`, 0700, made by mkdir, which never follows a
link): nobody else can create anything in it, so no name in it can be planted.

A temporary file or folder is held with an advisory lock (flock) for as long as its
writer runs; the kernel lets go of it when the process ends, however it ends. A kill -9
leaves the temporary copy behind; the next run that writes beside it removes it
(`remove_stale`: only alliance's own names, owned by you, whose lock is free and whose
process is gone or which are older than STALE_AGE_S), and `doctor` names it meanwhile.

Errors come out as `OSError`; callers say what could not be written in their own words.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: the process id and the age decide
    fcntl = None  # type: ignore[assignment]

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW
_ATTEMPTS = 100
STALE_AGE_S = 3600.0  # a temporary name whose process id may have been reused is left this long

# alliance's own temporary names: `.NAME.PID-RANDOM.tmp`, and those of earlier versions
# (`.NAME.RANDOM.tmp`, `.NAME.PID.part`), each with the name of the file it was for; a
# temporary database copy killed mid-write also leaves SQLite's `-journal` beside it.
_TEMP_NAMES = (
    re.compile(r"^\.(?P<base>.+)\.(?P<pid>\d+)-[0-9a-f]{12}\.tmp(?:-journal)?$"),
    re.compile(r"^\.(?P<base>.+)\.[0-9a-f]{12}\.tmp$"),
    re.compile(r"^\.(?P<base>.+)\.(?P<pid>\d+)\.part$"),
)


def _temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}-{os.urandom(6).hex()}.tmp")


def _hold(fd: int) -> None:
    """Mark a temporary file or folder as in use for as long as this process runs."""
    if fcntl is not None:
        with suppress(OSError):  # a filesystem without locks: the process id and the age decide
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new, empty, private file beside `target` under an unpredictable name: (fd, path).
    The fd holds the file's lock (`_hold`) until it is closed."""
    for _ in range(_ATTEMPTS):
        temp = _temp_name(target)
        try:
            fd = os.open(temp, _FLAGS, PRIVATE_FILE)
        except FileExistsError:
            continue
        try:
            _hold(fd)
            os.fchmod(fd, PRIVATE_FILE)  # whatever the umask
        except BaseException:
            os.close(fd)
            temp.unlink(missing_ok=True)
            raise
        return fd, temp
    raise FileExistsError(f"no free temporary name beside {target}")  # pragma: no cover - 2^48 names


def new_private_file(path: Path) -> None:
    """Create the empty private (0600) file `path`: never an existing file, never through a link."""
    fd = os.open(path, _FLAGS, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    finally:
        os.close(fd)


@contextmanager
def private_workdir(target: Path) -> Iterator[Path]:
    """A new private (0700) folder beside `target`, `.NAME.PID-RANDOM.tmp`, for a writer that
    makes several files (SQLite and its -journal, -wal, -shm): mkdir makes it or fails, and
    never follows a link; nobody else can create anything inside. It is removed with all it
    holds when the block ends; the caller puts what it made in place first (`put_new`)."""
    for _ in range(_ATTEMPTS):
        work = _temp_name(target)
        try:
            os.mkdir(work, PRIVATE_FOLDER)
        except FileExistsError:
            continue
        break
    else:  # pragma: no cover - 2^48 names
        raise FileExistsError(f"no free temporary name beside {target}")
    fd: int | None = None
    try:
        try:
            fd = os.open(work, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW)
        except OSError:  # pragma: no cover - a system that cannot open a folder (Windows)
            fd = None
        if fd is not None:
            os.fchmod(fd, PRIVATE_FOLDER)  # whatever the umask
            _hold(fd)
        else:  # pragma: no cover
            os.chmod(work, PRIVATE_FOLDER)
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if fd is not None:
            os.close(fd)


@contextmanager
def private_temp(target: Path) -> Iterator[Path]:
    """An empty private (0600) file beside `target`, created as `_create_temp` says, for a
    writer that needs a path rather than a stream. Whatever is still at that path when the
    block ends is removed; the caller moves it into place first."""
    fd, temp = _create_temp(target)
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)
        os.close(fd)


# Errors of link() that mean "this filesystem has no hard links" (FAT on a USB stick, some FUSE mounts).
_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS, errno.EXDEV, errno.EINVAL}


def put_new(staged: Path, target: Path) -> None:
    """Give the complete file `staged` the name `target` if no file has that name yet, else
    FileExistsError: never an overwrite, and two writers choosing the same name at the same
    moment cannot both have it (a hard link is made or fails as one step). Where the
    filesystem has no hard links, the name is claimed with O_EXCL and the file renamed onto
    the claim. The rename is made durable (the folder is fsync'ed)."""
    try:
        os.link(staged, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        new_private_file(target)
        try:
            os.replace(staged, target)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
    _sync_folder(target.parent)


# -- what an interrupted run left behind -------------------------------------------------


@dataclass(frozen=True)
class Leftover:
    """One of alliance's temporary files or folders; `stale` when its writer is gone."""

    path: Path
    stale: bool


def leftovers(folder: Path, owns: Callable[[str], bool]) -> list[Leftover]:
    """alliance's temporary files and folders in `folder` made for a file whose name `owns`
    accepts, owned by you. Links and anything else are never counted (nor followed)."""
    found: list[Leftover] = []
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return found
    for entry in entries:
        for pattern in _TEMP_NAMES:
            match = pattern.match(entry.name)
            if match:
                break
        else:
            continue
        if not owns(match.group("base")):
            continue
        try:
            info = entry.lstat()
        except OSError:
            continue
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            continue
        if hasattr(os, "geteuid") and info.st_uid != os.geteuid():
            continue
        pid = match.groupdict().get("pid")
        found.append(Leftover(entry, _abandoned(entry, int(pid) if pid else None, info.st_mtime)))
    return found


def remove_stale(folder: Path, owns: Callable[[str], bool]) -> list[Path]:
    """Remove what `leftovers` finds stale in `folder`; the paths removed. Never raises."""
    removed: list[Path] = []
    for item in leftovers(folder, owns):
        if not item.stale:
            continue
        try:
            if item.path.is_dir() and not item.path.is_symlink():
                shutil.rmtree(item.path)
            else:
                item.path.unlink()
        except OSError:
            continue
        removed.append(item.path)
    return removed


def _abandoned(path: Path, pid: int | None, mtime: float) -> bool:
    """Nobody holds the lock, and the process is gone (or the name is older than STALE_AGE_S:
    its process id may belong to another program by now, or it came from another machine)."""
    if _in_use(path):
        return False
    if pid is not None and not _alive(pid):
        return True
    return time.time() - mtime > STALE_AGE_S


def _in_use(path: Path) -> bool:
    if fcntl is None:  # pragma: no cover - Windows
        return False
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | _NOFOLLOW)
    except OSError:
        return True  # cannot tell: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False  # a filesystem without locks: the process id and the age decide
    finally:
        os.close(fd)
    return False


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":  # pragma: no cover - there os.kill would not just ask
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True


class PrivateFile:
    """Text for `path`, written through a private temporary file beside it.

    As a context manager the file is put in place when the block ends without an error and
    thrown away when it raises; `commit()` puts it in place earlier, so a caller can tell
    a failed rename from a failed write. The folder must exist (`private_folder`).

        with PrivateFile(path) as out:
            out.write(text)
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        remove_stale(path.parent, path.name.__eq__)  # what an interrupted earlier run left
        fd, self.temp = _create_temp(path)
        try:
            self.stream: IO[str] = open(fd, "w", encoding="utf-8", newline="")  # noqa: SIM115 - closed by commit/discard
        except BaseException:
            os.close(fd)
            self.temp.unlink(missing_ok=True)
            raise
        self._done = False

    def commit(self) -> None:
        """Flush, fsync and rename into place (once)."""
        if self._done:
            return
        try:
            self.stream.flush()
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise
        self._done = True
        _sync_folder(self.path.parent)

    def discard(self) -> None:
        """Close and remove the temporary file; the target is left as it was."""
        self._done = True
        try:
            self.stream.close()
        except OSError:
            pass
        finally:
            self.temp.unlink(missing_ok=True)

    def __enter__(self) -> IO[str]:
        return self.stream

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()


def private_folder(folder: Path) -> None:
    """Create `folder` and each missing parent, every one 0700 whatever the umask (so a
    missing `~/.config` is not made 0777 under `umask 000`); folders that exist are left as
    they are. `store.journal` makes the journal's folder the same way."""
    missing: list[Path] = []
    for level in (folder, *folder.parents):
        if level.is_dir():
            break
        missing.append(level)
    for level in reversed(missing):
        try:
            level.mkdir(mode=PRIVATE_FOLDER)  # the umask can only take bits away from 0700
        except FileExistsError:
            if not level.is_dir():
                raise
            continue  # another process made it a moment ago: its mode is its own
        os.chmod(level, PRIVATE_FOLDER)


def open_to_others(folder: Path) -> bool:
    """Whether other users may create, replace or remove files in `folder` (group- or
    world-writable), where someone else could swap the journal or plant a file beside it."""
    if os.name != "posix":
        return False
    try:
        return bool(folder.stat().st_mode & 0o022)
    except OSError:
        return False


def write_private(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, the file 0600 (a missing folder is created 0700)."""
    private_folder(path.parent)
    with PrivateFile(path) as out:
        out.write(text)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; where a folder cannot be opened (Windows), skip it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
