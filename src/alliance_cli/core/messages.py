"""The words alliance says, where a reviewer can read them together.

Counts with their nouns (`count(3, "session")`), the hints that recur across commands (what
to run next), the words for each way a command ends, and the one line for an error nobody
planned for. A message never quotes the text of an answer: it names the prompt, the
session, the row or the field instead.
"""

from __future__ import annotations

from alliance_cli.errors import ExitCode

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


def no_session(session_id: int) -> str:
    return f"No session with id {session_id}; {Hint.LIST_IDS}"


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
    ExitCode.REFUSED: "refused: bad input, or a journal, prompt set or file that cannot be used",
    ExitCode.USAGE: "the command line itself was wrong",
    ExitCode.INTERRUPTED: "stopped with Ctrl-C, Ctrl-D, a closed terminal or SIGTERM",
}


def unexpected(exc: BaseException) -> str:
    """The one line for an error nobody planned for. Its message could hold answer text, so
    only its type is named."""
    return f"unexpected error ({type(exc).__name__}); run again with ALLIANCE_DEBUG=1 to see details."
