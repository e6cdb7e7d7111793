"""Exit codes and the domain's exceptions.

The domain raises `AllianceError` subclasses whose messages a clinician can act on; only
`cli.py` prints them (to stderr) and turns them into an exit code. Messages never quote
the text of an answer: a reflection can hold clinical detail, and error output ends up in
terminals, logs and bug reports.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    REFUSED = 1  # bad input, a domain rule, a journal that cannot be used
    USAGE = 2  # the command line itself was wrong (Typer's own code)
    INTERRUPTED = 130  # Ctrl-C, Ctrl-D, SIGHUP, SIGTERM: 128 + SIGINT, as shells expect


class AllianceError(Exception):
    """An error the user can fix; the message is shown as it is, one line per problem."""

    exit_code: ExitCode = ExitCode.REFUSED

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []

    def lines(self) -> list[str]:
        return self.problems if self.problems else [self.message]


class JournalError(AllianceError):
    """The journal file is missing, locked, damaged, newer than this program, or not a journal."""


class PromptSetError(AllianceError):
    """The prompts file cannot be read or does not describe a valid prompt set."""


class AnswerError(AllianceError):
    """Answers given on the command line or in a file do not fit the prompt set."""


class InputError(AllianceError):
    """A value given on the command line is not valid (a date, a client code, an id)."""


class UsageError(InputError):
    """An option's value is out of its range: exit 2 as for Typer's own usage errors, but
    said in one plain line instead of a usage box."""

    exit_code = ExitCode.USAGE


class ConfigError(AllianceError):
    """The settings file cannot be read, or holds an unknown key or a bad value."""


class NotFoundError(AllianceError):
    """A session, client or draft that was asked for does not exist."""


class Interrupted(AllianceError):
    """The user stopped an interactive step; what was typed so far is kept as a draft."""

    exit_code = ExitCode.INTERRUPTED


class PrivacyError(AllianceError):
    """`--strict` found details in an answer that could identify a client; nothing was saved."""
