"""The one way alliance writes a private file: complete or not at all, readable by you alone.

Every file alliance writes outside the journal (the settings file, the watch-list, an
export's `-o FILE`, the staged copies behind backup and restore) is first written to a
temporary file beside its target, then renamed over it:

- the temporary name is `.NAME.RANDOM.tmp`, never a fixed one, so two runs never share it
  and nobody can plant a file or a link there in advance;
- it is created with O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600: it is always a new file,
  never one reached through a symbolic link, and never readable by others;
- text is flushed and fsync'ed before `os.replace` puts it in place, so a crash leaves
  the old file or the new one, never half of either;
- on any failure (Ctrl-C included) the temporary file is removed and the target is left
  as it was.

Errors come out as `OSError`; callers say what could not be written in their own words.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_ATTEMPTS = 100


def _create_temp(target: Path) -> tuple[int, Path]:
    """A new, empty, private file beside `target` under an unpredictable name: (fd, path)."""
    for _ in range(_ATTEMPTS):
        temp = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(temp, _FLAGS, PRIVATE_FILE)
        except FileExistsError:
            continue
        try:
            os.fchmod(fd, PRIVATE_FILE)  # whatever the umask
        except BaseException:
            os.close(fd)
            temp.unlink(missing_ok=True)
            raise
        return fd, temp
    raise FileExistsError(f"no free temporary name beside {target}")  # pragma: no cover - 2^48 names


@contextmanager
def private_temp(target: Path) -> Iterator[Path]:
    """An empty private (0600) file beside `target`, created as `_create_temp` says, for a
    writer that needs a path rather than a stream (SQLite's backup API). Whatever is still
    at that path when the block ends is removed; the caller moves it into place first."""
    fd, temp = _create_temp(target)
    os.close(fd)
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)


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
