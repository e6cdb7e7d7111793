"""The progress bar of a large import, drawn on stderr; this module never reads the journal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import TYPE_CHECKING

BAR_FROM_BYTES = 1_000_000  # smaller files import in a blink: no bar to flash

if TYPE_CHECKING:
    from rich.console import Console


def progress_for(total: int | None, *, terminal: bool) -> AbstractContextManager[Callable[[int], None] | None]:
    """The bar when stderr is a terminal and the file is large (or of unknown size), else nothing."""
    if terminal and (total is None or total > BAR_FROM_BYTES):
        return import_progress(total)
    return nullcontext(None)


@contextmanager
def import_progress(total: int | None, console: Console | None = None) -> Iterator[Callable[[int], None]]:
    """A transient bar of bytes read out of `total` (a spinner when the size is unknown, e.g. stdin).

    Yields the callback the importer calls with the bytes read so far.
    """
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, TimeRemainingColumn

    console = console or Console(stderr=True)
    columns = [SpinnerColumn(), TextColumn("Checking and importing"), BarColumn(), DownloadColumn()]
    if total:
        columns.append(TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("import", total=total or None)
        yield lambda done: progress.update(task, completed=done)
