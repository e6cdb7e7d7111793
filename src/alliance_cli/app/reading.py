"""A large import's reading in a process of its own, beside its writing (Linux).

An import's time is about half reading (decoding the file, checking every cell against the
prompt set, the privacy guard) and half writing (SQLite), and one Python process does one at
a time. For a large file, the import forks: the child reads and checks, and hands the parent
the checked sessions through a pipe, a hundred at a time; the parent writes them in its
one transaction while the child reads on. Nothing is written to disk on the way (the pipe
holds answers only in memory), and all of the import still stands or falls together:

- the child finds a problem: it sends the error (the same lines as a one-process import) and
  the parent raises it inside its transaction, which rolls back;
- Ctrl-C reaches both: the child leaves without a word, the parent rolls back and says so;
- the child dies (kill -9): the parent finds the pipe closed before the end, refuses the
  import in one line and rolls back;
- the parent stops for any reason: it kills the child and waits for it, so none is left.

Only on Linux, where a fork is cheap and safe for a process without threads, and only for a
regular file of at least `MIN_SIZE` bytes; anything else is read in the parent as before.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import signal
import sys
from collections.abc import Callable, Generator, Iterator
from typing import IO, Any

from alliance_cli.errors import AllianceError, AnswerError, InputError, JournalError

MIN_SIZE = 512 << 10  # bytes: a smaller file is read in one process (a fork and a pipe would save nothing)
BATCH = 100  # sessions a message (about 100 KB)
_BUFFER = 1 << 16
_PIPE = 1 << 20  # bytes the pipe holds (Linux's limit for a user, /proc/sys/fs/pipe-max-size)


def worth_it(size: int | None) -> bool:
    """Whether a file of `size` bytes (None: not a regular file, stdin) is read apart."""
    return size is not None and size >= MIN_SIZE and sys.platform == "linux" and hasattr(os, "fork")


# What the child may send (pickled tuples):
_PROTO = "p"  # ("p", fields every session shares): once, before the first sessions
_SESSIONS = "s"  # ("s", [(id_hint, uuid, client, date, modality, answers), ...], position in the file)
_END = "e"  # ("e", the privacy guard's counts or None): the whole file was read, with no problem
_REFUSED = "x"  # ("x", class name, message, problem lines): the import is refused, as in one process
# The errors a reader raises, rebuilt by name in the parent (any other is named by its class only).
_ERRORS: dict[str, type[AllianceError]] = {cls.__name__: cls for cls in (AnswerError, InputError, JournalError)}


def read_apart(
    read: Callable[[], Iterator[Any]],
    *,
    name: str,
    position: Callable[[], int],
    error: type[AllianceError],
    privacy: Any = None,
    on_progress: Callable[[int], None] | None = None,
) -> Reader:
    """The sessions `read()` yields in a forked child (IncomingSession, None for a session
    with a problem), as the parent's iterator of IncomingSession. `privacy`, given, is the
    ImportPrivacy whose `watch` `read` applies in the child: its counts come back at the end.
    Close the iterator to end the child (an exhausted one has ended it)."""
    r, w = os.pipe()
    try:  # room for a few batches in the pipe itself, so the reader reads on while the writer writes
        fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, _PIPE)
    except OSError:
        pass  # the system's limit is lower: the default size, 64 KB
    pid = os.fork()
    if pid == 0:  # the child: never returns, never raises into the parent's code
        code = 1
        try:
            # Ctrl-C, a closed terminal or SIGTERM ends it at once (the parent rolls back);
            # no KeyboardInterrupt can reach the code after this branch.
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            os.close(r)
            code = _child(read, os.fdopen(w, "wb", buffering=_BUFFER), name, position, privacy)
        finally:
            os._exit(code)  # no cleanup of the parent's state: its journal, its output, its temporary files
    os.close(w)
    return Reader(pid, os.fdopen(r, "rb", buffering=_BUFFER), name, privacy, on_progress, error)


def _child(
    read: Callable[[], Iterator[Any]], out: IO[bytes], name: str, position: Callable[[], int], privacy: Any
) -> int:
    """Read, check and send; the exit code."""
    try:

        def dump(message: tuple[Any, ...]) -> None:  # a pickler of its own each: none keeps what it sent
            pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)

        rows: list[tuple[Any, ...]] = []
        shared = None
        for item in read():
            if item is None:
                continue
            s = item.session
            if shared is None:
                shared = (s.kinds, s.prompt_set_version, s.prompt_set_snapshot, s.prompt_set_digest, s.logged_at)
                dump((_PROTO, shared))
            rows.append((item.id_hint, s.uuid, s.client, s.date, s.modality, s.answers))
            if len(rows) >= BATCH:
                dump((_SESSIONS, rows, position()))
                rows = []
        if rows:
            dump((_SESSIONS, rows, position()))
        found = None if privacy is None else (privacy.answers, privacy.sessions, privacy.found)
        dump((_END, found))
        out.flush()
        return 0
    except BrokenPipeError:
        return 1  # the parent has stopped: nobody to tell
    except AllianceError as exc:
        return _send(out, (_REFUSED, type(exc).__name__, exc.message, exc.problems))
    except Exception as exc:  # named by its class only: an unexpected error's message may quote a cell
        return _send(out, (_REFUSED, "", f"{name}: the import's reading failed ({type(exc).__name__}).", []))


def _send(out: IO[bytes], message: tuple[Any, ...]) -> int:
    try:
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()
    except OSError:
        pass
    return 1


class Reader(Iterator[Any]):
    """The parent's side: the child's sessions as IncomingSession, its refusal raised as it was."""

    def __init__(
        self,
        pid: int,
        inp: IO[bytes],
        name: str,
        privacy: Any,
        on_progress: Callable[[int], None] | None,
        error: type[AllianceError],
    ) -> None:
        self.pid, self.inp, self.name, self.error = pid, inp, name, error
        self.sessions = self._sessions(privacy, on_progress)

    def __next__(self) -> Any:
        return next(self.sessions)

    def close(self) -> None:
        self.sessions.close()
        self.inp.close()
        _reap(self.pid)

    def _sessions(self, privacy: Any, on_progress: Callable[[int], None] | None) -> Generator[Any, None, None]:
        from alliance_cli.core.records import NewSession
        from alliance_cli.store.exchange import IncomingSession

        inp = self.inp
        kinds = version = snapshot = digest = logged_at = None
        while True:
            try:
                message = pickle.load(inp)
            except (EOFError, pickle.UnpicklingError):
                if _interrupted(self.pid):  # Ctrl-C reached the child first
                    raise KeyboardInterrupt from None
                raise self.error(
                    f"{self.name}: the import's reading stopped before the end of the file; nothing was imported."
                ) from None
            kind = message[0]
            if kind == _SESSIONS:
                for hint, uuid, client, day, modality, answers in message[1]:
                    session = NewSession(
                        client=client,
                        date=day,
                        modality=modality,
                        answers=answers,
                        kinds=kinds,  # type: ignore[arg-type]  # one mapping for every session, as the reader has it
                        prompt_set_version=version,  # type: ignore[arg-type]
                        prompt_set_snapshot=snapshot,  # type: ignore[arg-type]
                        prompt_set_digest=digest,  # type: ignore[arg-type]
                        uuid=uuid,
                        logged_at=logged_at,
                    )
                    yield IncomingSession(session, hint)
                if on_progress is not None:
                    on_progress(message[2])
            elif kind == _PROTO:
                kinds, version, snapshot, digest, logged_at = message[1]
            elif kind == _END:
                if privacy is not None and message[1] is not None:
                    privacy.answers, privacy.sessions, privacy.found = message[1]
                _wait(self.pid)  # it has sent its last word and is ending
                return
            else:
                _, cls, text, problems = message
                raise _ERRORS.get(cls, self.error)(text, problems)


def _wait(pid: int) -> int | None:
    """The child's status once it has ended (None: already waited for)."""
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None


def _interrupted(pid: int) -> bool:
    """Whether the child ended by Ctrl-C (waiting for it to end)."""
    status = _wait(pid)
    return status is not None and os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGINT


def _reap(pid: int) -> None:
    """Wait for the child; kill it first when it has not ended (the parent stopped early)."""
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass
