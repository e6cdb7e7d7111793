"""How a conversation with the person running a command ends when they stop it.

Ctrl-C or Ctrl-D raise KeyboardInterrupt or EOFError inside a question; a closed terminal
(SIGHUP) or SIGTERM are turned into KeyboardInterrupt by `signals_as_interrupts`. Each flow
turns them into `Interrupted` (exit 130) with a message saying what was kept.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from alliance_cli.errors import Interrupted

T = TypeVar("T")


def interruptible(ask: Callable[[], T]) -> T:
    """Ask before anything is changed: Ctrl-C or Ctrl-D stop the command (exit 130)."""
    try:
        return ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted("Stopped; nothing was changed.") from None


@contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """A closed terminal (SIGHUP) or SIGTERM stops a conversation the way Ctrl-C does."""

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    wanted = [s for s in ("SIGHUP", "SIGTERM") if hasattr(signal, s)]
    previous = {name: signal.signal(getattr(signal, name), stop) for name in wanted}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
