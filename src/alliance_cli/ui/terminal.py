"""The conversation every command holds with the person at the terminal.

`TerminalConversation` is what the flows in `alliance_cli.app` talk to (it has the shape of
`alliance_cli.app.conversation.Conversation`): questions through questionary, lines on
stderr; questions, summaries and recaps on the terminal (stderr, or stdout when only it is
one), so `id=$(alliance log)` asks on the screen and captures only the new session's id.
Importing this module is cheap: questionary and rich load only when something is asked or
shown, so a scripted `alliance log` never loads them. Tests drive the questions with
prompt_toolkit's pipe input given as `input`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, TextIO

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from pathlib import Path

    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output
    from rich.console import Console

    from alliance_cli.core.continuity import Continuity
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.models import PromptSet
    from alliance_cli.ui.interview import Interview


class TerminalConversation:
    """Questions on `input`/`output` (None: the terminal); `interactive` says whether anyone
    is there to answer them (None: whether stdin is a terminal)."""

    def __init__(
        self, *, interactive: bool | None = None, input: Input | None = None, output: Output | None = None
    ) -> None:
        self.interactive = sys.stdin.isatty() if interactive is None else interactive
        self._input = input
        self._output = output
        self._interview: Interview | None = None

    # -- telling -----------------------------------------------------------------------------

    def say(self, line: str) -> None:
        """A line for the person, on stderr (stdout is for what scripts read)."""
        print(line, file=sys.stderr)

    def interrupt(self) -> bool:
        """End the prompt_toolkit question running now with KeyboardInterrupt, as Ctrl-C does."""
        if "prompt_toolkit" not in sys.modules:
            return False  # nothing has been asked yet
        from prompt_toolkit.application import get_app_or_none

        running = get_app_or_none()
        if running is None or not running.is_running or running.future is None or running.future.done():
            return False
        running.exit(exception=KeyboardInterrupt, style="class:aborting")
        return True

    def show_recap(self, found: Continuity) -> None:
        from alliance_cli.ui.recap import show_recap

        show_recap(found, _terminal())

    def show_summary(self, ps: PromptSet, state: LogState) -> None:
        from alliance_cli.ui.sessions import log_summary

        _screen().print(log_summary(ps, state))

    def show_sessions(self, rows: Sequence[Mapping[str, Any]], principles: Sequence[str]) -> None:
        from rich.console import Console

        from alliance_cli.ui.sessions import sessions_table

        console = Console(stderr=True, highlight=False, markup=False)
        console.print(sessions_table(rows, principles, console.width))

    # -- asking ------------------------------------------------------------------------------

    def ask_log(
        self,
        ps: PromptSet,
        state: LogState,
        *,
        clients: Sequence[str],
        default_modality: str | None,
        today: date,
        on_change: Callable[[LogState], None],
        history: Callable[[LogState], frozenset[str]],
        scratch: Callable[[LogState, str], AbstractContextManager[Path]],
    ) -> LogState:
        return self._questions().ask_log(
            ps, state, clients=clients, default_modality=default_modality, today=today, on_change=on_change,
            history=history, scratch=scratch,
        )  # fmt: skip

    def ask_edit(
        self,
        ps: PromptSet,
        state: LogState,
        *,
        clients: Sequence[str],
        today: date,
        on_change: Callable[[LogState], None],
        history: Callable[[LogState], frozenset[str]],
        scratch: Callable[[LogState, str], AbstractContextManager[Path]],
    ) -> LogState:
        return self._questions().ask_edit(
            ps, state, clients=clients, today=today, on_change=on_change, history=history, scratch=scratch
        )

    def review_findings(
        self,
        ps: PromptSet,
        state: LogState,
        *,
        check: Callable[[str, Any], str | None],
        redact: Callable[[str], str],
        on_change: Callable[[LogState], None],
        scratch: Callable[[LogState, str], AbstractContextManager[Path]],
    ) -> LogState:
        return self._questions().review_findings(
            ps, state, check=check, redact=redact, on_change=on_change, scratch=scratch
        )

    def confirm(self, question: str, *, default: bool) -> bool:
        return self._questions().confirm(question, default=default)

    def ask_finish(self, question: str, *, discard: bool) -> Literal["save", "change", "draft", "discard"]:
        return self._questions().ask_finish(question, discard=discard)

    def ask_change(self, ps: PromptSet, state: LogState) -> bool:
        return self._questions().ask_change(ps, state)

    def ask_resume(
        self, description: str, *, edit: bool = False, meanwhile: Callable[[], None] | None = None
    ) -> Literal["resume", "new", "discard"]:
        return self._questions().ask_resume(description, edit=edit, meanwhile=meanwhile)

    def ask_typed(self, question: str) -> str:
        return self._questions().ask_typed(question)

    def _questions(self) -> Interview:
        if self._interview is None:
            from alliance_cli.ui.interview import Interview

            output = self._output
            if output is None:
                from prompt_toolkit.output import create_output

                output = create_output(stdout=_terminal())
            self._interview = Interview(input=self._input, output=output)
        return self._interview


def _terminal() -> TextIO:
    """Where the person reads questions and answers: stderr, or stdout when only stdout is a
    terminal (`alliance log 2>errors.txt`); stdout stays for data when it is not one."""
    if not sys.stderr.isatty() and sys.stdout.isatty():
        return sys.stdout
    return sys.stderr


def _screen() -> Console:
    """Rich on the terminal, markup off: answers are shown exactly as typed."""
    from rich.console import Console

    return Console(file=_terminal(), highlight=False, markup=False)
