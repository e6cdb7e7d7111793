"""The one conversation a flow holds with the person running it, and how a stop ends it.

A flow (log, edit, delete, forget, restore) is given one `Conversation` and talks only to
it: to ask (the interview, a yes/no question, a typed code, whether to resume a draft, the
privacy review), to say a line on stderr, to show a recap, a summary or sessions. The
terminal's implementation is `alliance_cli.ui.terminal.TerminalConversation`; it satisfies
this protocol by its shape, since ui never imports app. Scripted runs get the same object
with `interactive` false: they only `say`, and never ask.

Stopping: Ctrl-C or Ctrl-D raise KeyboardInterrupt or EOFError inside a question; a closed
terminal (SIGHUP) or SIGTERM are turned into KeyboardInterrupt by `signals_as_interrupts`.
Each flow turns them into `Interrupted` (exit 130) with a message saying what was kept.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from alliance_cli.core.messages import Stopped
from alliance_cli.errors import Interrupted

if TYPE_CHECKING:
    from alliance_cli.core.continuity import Continuity
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.models import PromptSet

T = TypeVar("T")

# Where `:e` writes an answer: for a state and a prompt id, a block yielding a new private
# file the draft names (`app.editing.EditorFiles`).
ScratchFile = Callable[["LogState", str], AbstractContextManager[Path]]


class Conversation(Protocol):
    """What a flow may ask and tell; every question raises KeyboardInterrupt or EOFError when
    the person stops it."""

    @property
    def interactive(self) -> bool:
        """Whether someone is there to answer questions (stdin is a terminal)."""
        ...

    def say(self, line: str) -> None:
        """A line for the person, on stderr: a note, a warning, what is about to happen."""
        ...

    def interrupt(self) -> bool:
        """End the question on screen, if one is, as Ctrl-C would (KeyboardInterrupt from
        the ask); False when no question is being asked."""
        ...

    def show_recap(self, found: Continuity) -> None:
        """The last session with the client, before the new one is logged."""
        ...

    def show_summary(self, ps: PromptSet, state: LogState) -> None:
        """The answers about to be saved, before the last question."""
        ...

    def show_sessions(self, rows: Sequence[Mapping[str, Any]], principles: Sequence[str]) -> None:
        """Sessions about to be deleted, with the rating of each of these principles."""
        ...

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
        scratch: ScratchFile,
    ) -> LogState:
        """Ask what `state` does not hold yet; `on_change` after every answer, `history` once
        client and date are known (it returns the facts follow-up prompts depend on);
        `scratch` gives the file an answer written in the editor (`:e`) goes through."""
        ...

    def ask_edit(
        self,
        ps: PromptSet,
        state: LogState,
        *,
        clients: Sequence[str],
        today: date,
        on_change: Callable[[LogState], None],
        history: Callable[[LogState], frozenset[str]],
        scratch: ScratchFile,
    ) -> LogState:
        """Ask a saved session again, each question starting from its saved answer."""
        ...

    def review_findings(
        self,
        ps: PromptSet,
        state: LogState,
        *,
        check: Callable[[str, Any], str | None],
        redact: Callable[[str], str],
        on_change: Callable[[LogState], None],
        scratch: ScratchFile,
    ) -> LogState:
        """Edit, redact or keep each answer `check` flags (it names what it found)."""
        ...

    def confirm(self, question: str, *, default: bool) -> bool: ...

    def ask_finish(self, question: str, *, discard: bool) -> Literal["save", "change", "draft", "discard"]:
        """At the end of a log or an edit: save, change an answer, keep a draft, or (with
        `discard`) throw it away."""
        ...

    def ask_change(self, ps: PromptSet, state: LogState) -> bool:
        """Which answer to change: it is taken out of what `state` asked, so the interview asks
        it again; False when none was picked."""
        ...

    def ask_resume(
        self, description: str, *, edit: bool = False, meanwhile: Callable[[], None] | None = None
    ) -> Literal["resume", "new", "discard"]:
        """What to do with the unfinished log (or, with `edit`, edit) `description` tells of;
        `meanwhile` is started once the question is on screen (work the answer will need,
        done while the person reads)."""
        ...

    def ask_typed(self, question: str) -> str:
        """Text typed again, such as a client code before it is erased."""
        ...


def interruptible(ask: Callable[[], T]) -> T:
    """Ask before anything is changed: Ctrl-C or Ctrl-D stop the command (exit 130)."""
    try:
        return ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(Stopped.NOTHING_CHANGED) from None


def agreed(conversation: Conversation, question: str) -> bool:
    """A yes/no question before something is erased or replaced, No by default."""
    return interruptible(lambda: conversation.confirm(question, default=False))


@contextmanager
def signals_as_interrupts(conversation: Conversation | None = None) -> Iterator[None]:
    """A closed terminal (SIGHUP) or SIGTERM stops a conversation the way Ctrl-C does.

    A question on screen is asked to end with KeyboardInterrupt (`conversation.interrupt`),
    as Ctrl-C ends it, rather than having the interrupt raised into whatever the question's
    event loop runs at that moment (a background task there would report it as an error and
    wait for Enter on a terminal that is gone). Between questions it is raised directly."""
    wanted = [s for s in ("SIGHUP", "SIGTERM") if hasattr(signal, s)]

    def stop(signum: int, frame: FrameType | None) -> None:
        # One is enough: a second hang-up (a closing terminal sends more) must not break
        # into the handling of the first, which keeps the draft and says so.
        for name in wanted:
            signal.signal(getattr(signal, name), signal.SIG_IGN)
        if conversation is not None and conversation.interrupt():
            return
        raise KeyboardInterrupt

    previous = {name: signal.signal(getattr(signal, name), stop) for name in wanted}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
