"""The files behind `:e` (an answer written in $EDITOR): private, and never lost.

The file lives in the journal's own private folder, `.JOURNAL-editor` beside the journal
(0700; the file 0600), never in a shared temporary folder. Its name says which prompt it
answers, which process wrote it and a random token, `went_well.4242.3fa9c01d.txt`; before
it is created the draft records that name, so the text can always find its way back:

- the editor returns, or the log is stopped (Ctrl-C, a closed terminal, SIGTERM): the
  interview reads the file, keeps its text in the draft, and removes the file;
- alliance itself is killed (kill -9, a crash): the file stays in that private folder, and
  the next `alliance log` or `alliance edit` puts its text into the draft that named it
  (a new unfinished log if that draft is gone), then removes it, with what the editor left
  beside it (a swap file). `alliance doctor` names such a file without touching it.

A file whose process still runs belongs to a log in progress in another terminal and is
left alone.

An encrypted journal's answers must not sit on its disk in plain text, yet an editor reads
a plain file. So for an encrypted journal the folder is in the login session's private
runtime folder ($XDG_RUNTIME_DIR, a tmpfs in memory that the system empties at logout)
when there is one, named after the journal (`alliance/JOURNAL-HASH-editor`); without one,
beside the journal as for a plain journal (README: "An encrypted journal" says what that
leaves on disk).
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_cli.core.messages import editor_text_kept
from alliance_cli.errors import InputError

if TYPE_CHECKING:
    from alliance_cli.app.answering import KeptDraft
    from alliance_cli.app.conversation import Conversation
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.records import Draft
    from alliance_cli.store.journal import Journal

EDITOR_FILE_KEY = "editor_file"  # in a draft: the name of the file `:e` is writing
_NAME = re.compile(r"(?P<prompt>[a-z][a-z0-9_]*)\.(?P<pid>\d+)\.(?P<token>[0-9a-f]{8})\.txt")
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
_STALE_AFTER_S = 12 * 3600  # where a process cannot be asked whether it runs (Windows)


def editor_folder(journal: Path) -> Path:
    """The private folder for `:e` files of the journal at `journal`: in memory for an
    encrypted journal when the session has a private runtime folder, else beside it."""
    if _encrypted(journal):
        from alliance_cli.store.cipher import runtime_folder

        runtime = runtime_folder()
        if runtime is not None:
            digest = hashlib.sha256(str(journal.absolute()).encode("utf-8")).hexdigest()[:16]
            return runtime / "alliance" / f"{journal.name}-{digest}-editor"
    return beside(journal)


def beside(journal: Path) -> Path:
    return journal.parent / f".{journal.name}-editor"


def _encrypted(journal: Path) -> bool:
    from alliance_cli.store import cipher

    return cipher.is_encrypted(journal)


class EditorFiles:
    """The `:e` files of one conversation (a log or an edit), for the interview to write in.

    Called with the state and a prompt id, it records the file's name in the draft (so the
    draft exists and names it), creates the file empty and private, and yields its path.
    The interview keeps the text in the draft and removes the file; when the block ends,
    what the editor left beside it goes too. A file still there (the draft could not be
    written) stays for the next run to pick up.
    """

    def __init__(self, journal: Journal, draft: KeptDraft) -> None:
        self._journal = journal
        self._draft = draft

    @contextmanager
    def __call__(self, state: LogState, prompt_id: str) -> Iterator[Path]:
        folder = editor_folder(self._journal.path)
        token = os.urandom(4).hex()
        path = folder / f"{prompt_id}.{os.getpid()}.{token}.txt"
        self._draft.note(EDITOR_FILE_KEY, path.name)
        self._draft.keep(state)
        _create(path)
        try:
            yield path
        finally:
            _remove_leftovers(folder, token, keep=path)
            _sweep(self._journal.path)


def _create(path: Path) -> None:
    """`path` new, empty and 0600, in its private folder (made 0700 when missing)."""
    from alliance_cli.settings.files import private_folder

    for attempt in range(3):
        try:
            private_folder(path.parent)
            fd = os.open(path, _FLAGS, 0o600)
            break
        except FileNotFoundError:  # another terminal removed the empty folder a moment ago
            if attempt == 2:
                raise InputError(f"Cannot create a file for the editor in {path.parent}.") from None
        except OSError as exc:
            raise InputError(f"Cannot create a file for the editor in {path.parent} ({exc.strerror}).") from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class EditorFile:
    """A file `:e` left behind: its path, the prompt it answers, the process that wrote it."""

    path: Path
    prompt_id: str
    pid: int
    token: str


def orphaned(journal: Path) -> list[EditorFile]:
    """The `:e` files of `journal` whose process is gone (nothing is changed): in its editor
    folder, and beside it (written before it was encrypted, or without a runtime folder)."""
    found = []
    for folder in dict.fromkeys((editor_folder(journal), beside(journal))):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            m = _NAME.fullmatch(name)
            if m is None:
                continue
            file = EditorFile(folder / name, m["prompt"], int(m["pid"]), m["token"])
            if not _running(file):
                found.append(file)
    return found


def kept_editor_text(journal: Journal, conversation: Conversation) -> None:
    """At the start of `log` and `edit`: text an interrupted run left in the editor goes into
    its draft, and the person is told where it is."""
    for command, session_id in sorted(set(rescue_editor_files(journal)), key=str):
        conversation.say(f"alliance: note: {editor_text_kept(command, session_id)}")


def rescue_editor_files(journal: Journal) -> list[tuple[str, int | None]]:
    """Put the text of every orphaned `:e` file into the draft that named it (a new unfinished
    log when that draft is gone), then remove the file and what the editor left beside it.
    The drafts whose text changed, as (command, session id)."""
    files = orphaned(journal.path)
    changed: list[tuple[str, int | None]] = []
    if files:
        drafts = journal.drafts()
        for file in files:
            try:
                text = file.path.read_bytes().decode("utf-8", errors="replace").strip()
            except OSError:
                continue  # unreadable now: left for `doctor` to name and a later run to try
            if text:
                changed += _into_draft(journal, drafts, file, text)
            _remove_leftovers(file.path.parent, file.token)  # the file itself, then what the editor left
    _sweep(journal.path)
    return changed


def _into_draft(journal: Journal, drafts: list[Draft], file: EditorFile, text: str) -> list[tuple[str, int | None]]:
    """Put `text` into the draft naming `file` (or a new unfinished log); that draft, if its
    text changed."""
    owner = next((d for d in drafts if d.state.get(EDITOR_FILE_KEY) == file.path.name), None)
    if owner is None:
        journal.save_draft(None, {"answers": {file.prompt_id: text}, "asked": []}, command="log")
        return [("log", None)]
    state = dict(owner.state)
    answers = dict(state.get("answers") or {})
    state.pop(EDITOR_FILE_KEY, None)
    same = answers.get(file.prompt_id) == text
    if not same:
        answers[file.prompt_id] = text
        state["answers"] = answers
        # Asked again on resuming, starting from this text.
        state["asked"] = [pid for pid in state.get("asked") or [] if pid != file.prompt_id]
    journal.save_draft(owner.id, state, command=owner.command, session_id=owner.session_id)
    owner.state = state
    return [] if same else [(owner.command, owner.session_id)]


def _running(file: EditorFile) -> bool:
    """Whether the process that wrote `file` may still be writing it."""
    if file.pid == os.getpid():
        return True
    if os.name != "posix":
        try:
            return time.time() - file.path.stat().st_mtime < _STALE_AFTER_S
        except OSError:
            return False
    try:
        os.kill(file.pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, run by someone else
    return True


def _remove_leftovers(folder: Path, token: str, keep: Path | None = None) -> None:
    """Remove what an editor left beside a file (`.x.txt.swp`, `x.txt~`, `#x.txt#`): every
    entry whose name holds the file's random token, but `keep`."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if token in name and (keep is None or name != keep.name):
            try:
                (folder / name).unlink()
            except OSError:
                pass  # gone already, or not a file: left alone


def _sweep(journal: Path) -> None:
    """Remove the editor folders once they are empty."""
    for folder in dict.fromkeys((editor_folder(journal), beside(journal))):
        try:
            folder.rmdir()
        except OSError:
            pass  # not there, or still holding a file in use
