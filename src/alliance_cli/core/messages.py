"""The words alliance says, where a reviewer can read them together.

Counts with their nouns (`count(3, "session")`), the hints that recur across commands (what
to run next), the words for each way a command ends, and the one line for an error nobody
planned for. A message never quotes the text of an answer: it names the prompt, the
session, the row or the field instead. A value it was given is repeated only when it has
the shape of an id or a number (`quoted`), which a sentence, a name or an answer's words
do not have.
"""

from __future__ import annotations

import errno
import re
from pathlib import Path

from alliance_cli.errors import ExitCode

# What a message may repeat of a value it was given: the shape of an id, a key or a column
# (lower-case letters, digits and _, as prompt ids are), or of a date, a number or a week
# (digits with - + . : / W). Words with a capital, with spaces or other signs are not repeated:
# they could be a name, or an answer's text in a misplaced cell of an import file.
_REPEATABLE = re.compile(r"[a-z][a-z0-9_]{0,39}|[-+]?[0-9][0-9W.:/+-]{0,15}")


def repeatable(value: object) -> bool:
    """Whether a message may repeat `value` (see `_REPEATABLE`)."""
    return _REPEATABLE.fullmatch(str(value)) is not None


def quoted(value: object, otherwise: str) -> str:
    """`'value'` when a message may repeat it, else `otherwise` (its place: "the 3rd column")."""
    return f"'{value}'" if repeatable(value) else otherwise


# Nouns whose plural is not the noun + "s".
_IRREGULAR = {"was": "were", "is": "are", "its": "their", "this": "these", "needs": "need", "it": "them"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """`word` as it reads after the number `n`: session, sessions; `many` for an odd plural."""
    if n == 1:
        return word
    return many or _IRREGULAR.get(word) or word + ("es" if word.endswith(("s", "sh", "ch", "x")) else "s")


def count(n: int, word: str, many: str | None = None) -> str:
    """`n` with its noun: "1 session", "3 sessions", "0 answers"."""
    return f"{n} {plural(n, word, many)}"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


class Hint:
    """What to run next, said the same way wherever it is said."""

    LIST_IDS = "`alliance list` shows the ids."
    CLIENT_CODES = "`alliance clients` lists the codes in use."
    START_LOG = "start one with `alliance log`."
    LOG_ONE = "Log one with `alliance log`."
    DOCTOR = "run `alliance doctor`"
    RESTORE = "`alliance restore BACKUP` puts a backup in its place (the damaged file is kept)."
    CLIENT_CODE = "use a pseudonymous code such as C-014 (`alliance client-code` suggests a fresh one)"
    PROMPTS = "see `alliance prompts show`"
    CLIENT_SCORE = "`alliance client-score ID VALUE`"  # a client's score for one session, added later


# After an erasure or an edit that replaced text, when the write-ahead log could not be emptied.
LOG_IN_USE = "alliance is open in another terminal; when it closes, the journal's log file is cleared too."


def shared_folder(folder: object) -> str:
    """A journal's folder that other users can write in, and the fix."""
    return (
        f"other users can write in {folder}, the journal's folder: they could replace the journal or plant a "
        f"file beside it; fix: chmod 700 '{folder}' (or keep the journal in a folder of your own)."
    )


def editor_text_kept(command: str, session_id: int | None) -> str:
    """Text left in the editor by a stopped log or edit, put back into its draft."""
    if command == "edit" and session_id is not None:
        where, again = f"an unfinished edit of session {session_id}", f"alliance edit {session_id} --resume"
    else:
        where, again = "an unfinished log", "alliance log --resume"
    return f"text written in your editor before alliance stopped is kept in {where}; `{again}` picks it up."


def no_session(session_id: int) -> str:
    return f"No session with id {session_id}; {Hint.LIST_IDS}"


# Why a file could not be written, by errno: the words `cannot_write` uses.
_CAUSES = {
    errno.ENOSPC: "full",
    errno.EDQUOT: "quota",
    errno.EROFS: "readonly",
    errno.EACCES: "denied",
    errno.EPERM: "denied",
}


def write_cause(exc: OSError) -> str:
    """'full', 'quota', 'readonly', 'denied', or the system's own words for another failure."""
    return _CAUSES.get(exc.errno or 0) or exc.strerror or type(exc).__name__


def cannot_write(folder: Path, cause: str, outcome: str) -> str:
    """One line for a file that could not be written in `folder`, naming the real cause
    (`write_cause`) and what became of the command (`outcome`, e.g. "nothing was written")."""
    if cause == "full":
        return f"No space left on the disk holding {folder}; {outcome}."
    if cause == "quota":
        return f"Your disk quota is used up on the disk holding {folder}; {outcome}."
    if cause == "readonly":
        return f"{folder} is on a read-only disk or mount; {outcome}."
    if cause == "denied":
        return f"You may not write in {folder} (permission denied); {outcome}."
    return f"Cannot write in {folder} ({cause}); {outcome}."


def leftover_removed(path: Path) -> str:
    return f"Removed {path}, a copy of the journal left by an interrupted backup or restore."


class Stopped:
    """What an interrupted command says it kept or left alone (exit 130)."""

    PLAIN = "Stopped."
    NOTHING_CHANGED = "Stopped; nothing was changed."
    NOTHING_IMPORTED = "Stopped; nothing was imported."
    NO_FILE = "Stopped; no file was written."
    WATCHLIST = "Stopped; your watch-list was not changed."
    LOG_BEFORE_ANSWER = "Stopped before the first answer; nothing was kept."
    LOG_DRAFT = "Stopped. Your answers so far are kept as a draft; `alliance log --resume` picks up where you left off."
    EDIT_BEFORE_ANSWER = "Stopped before the first answer; the session was not changed."

    @staticmethod
    def edit_draft(session_id: int) -> str:
        return (
            "Stopped. The session was not changed; your answers so far are kept as a draft: "
            f"`alliance edit {session_id} --resume` picks up where you left off."
        )


# What each exit code means, as the README's table says it.
EXIT_WORDS: dict[ExitCode, str] = {
    ExitCode.OK: "done",
    ExitCode.REFUSED: "refused: bad input, a missing, locked or damaged journal, a broken prompts file",
    ExitCode.USAGE: "the command line itself was wrong",
    ExitCode.INTERRUPTED: "stopped with Ctrl-C, Ctrl-D, a closed terminal or SIGTERM",
}


def damaged_text(sessions: list[int], *, wrote: bool = False) -> str:
    """Said after a command that read stored text with bytes that are not valid UTF-8;
    `wrote`: the command could have saved such an answer again (then with the U+FFFD)."""
    after = "an answer saved again keeps the \ufffd" if wrote else "`alliance doctor` names each answer"
    if not sessions:
        return f"Some stored text is not valid UTF-8 (a damaged byte) and was read with \ufffd in its place; {after}."
    n = len(sessions)
    shown = ", ".join(str(i) for i in sessions[:10]) + (", ..." if n > 10 else "")
    return (
        f"{plural(n, 'Session')} {shown} {plural(n, 'holds', 'hold')} text that is not valid UTF-8 "
        f"(a damaged byte), read with \ufffd in its place; {after}."
    )


def unexpected(exc: BaseException) -> str:
    """The one line for an error nobody planned for. Its message could hold answer text, so
    only its type is named; unless its cause is plain and holds none: a file the system
    refused (the path and the system's reason), or a name or value that is not UTF-8."""
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}."
    if isinstance(exc, UnicodeEncodeError) and "surrogates" in exc.reason:
        return "a file name or value given is not valid UTF-8 text; check the terminal's encoding."
    return f"unexpected error ({type(exc).__name__}); run again with ALLIANCE_DEBUG=1 to see details."


MAX_LISTED = 30  # a file's problems listed one a line; the rest are counted


class ProblemList:
    """The problems found in a file being read (an import, a file of scores), one line each
    naming the file, the place (row, item, line) and the field; the first `MAX_LISTED` are
    kept and the rest counted, so a file wrong throughout still gives a readable answer."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.lines: list[str] = []
        self.count = 0

    def add(self, where: str, field: str, message: str) -> None:
        self.count += 1
        if len(self.lines) < MAX_LISTED:
            self.lines.append(
                f"{self.name}, {where}: {field}: {message}" if field else f"{self.name}, {where}: {message}"
            )

    def __bool__(self) -> bool:
        return self.count > 0

    def summary(self, closing: str) -> list[str]:
        """The lines kept, how many more there were, then `closing` (what happened, what to do)."""
        hidden = self.count - len(self.lines)
        return [*self.lines, *([f"… and {count(hidden, 'more problem')}."] if hidden else []), closing]
