"""Output already laid out as lines, each a few pieces of text with a style.

When every line fits the width and holds no tab, the lines are written to the stream as
they are, styled with the terminal's own codes as Rich styles them (`write`); otherwise
Rich lays them out (`StyledLines.__rich_console__`), wrapping a line too wide and expanding
tabs. Rich is imported only then: the recap before the log's first question does without it,
and a long list (`alliance list --limit 0`, `clients --all`) is written in one pass instead
of Rich splitting, measuring and styling thousands of lines.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions
    from rich.text import Text

Piece = tuple[str, str]  # text, style ("" for none)
Line = list[Piece]

# The terminal's codes for the styles written here (Select Graphic Rendition), as Rich writes them.
SGR = {"bold": "1", "italic": "3", "dim": "2"}


class StyledLines:
    """Lines of styled pieces: written as they are where they fit (`write`), else by Rich."""

    def __init__(self, lines: Sequence[Line], *, measure: Callable[[str], int] | None = None) -> None:
        self.lines = lines
        self.measure = measure or cells  # columns a line takes: the measure it was laid out by

    def text(self) -> Text:
        from rich.text import Text

        text = Text()
        for i, line in enumerate(self.lines):
            if i:
                text.append("\n")
            for piece, style in line:
                text.append(piece, style or None)
        return text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        yield self.text()

    def write(self, file: IO[str], width: int, *, styled: bool, strip: bool = False) -> bool:
        """Write the lines on `file`, styled with SGR codes when `styled`, each without its
        trailing spaces when `strip`, and whether they were: not when a line is wider than
        `width` columns or holds a tab, a line break or a style SGR does not have."""
        out = []
        for line in self.lines:
            plain = "".join(text for text, _ in line)
            if "\t" in plain or "\n" in plain or self.measure(plain) > width:
                return False
            if styled and any(style for _, style in line):
                if any(style and style not in SGR for _, style in line):
                    return False
                plain = "".join(f"\x1b[{SGR[style]}m{text}\x1b[0m" if style and text else text for text, style in line)
            out.append(plain.rstrip() if strip else plain)
        out.append("")
        file.write("\n".join(out))
        return True


def cells(text: str) -> int:
    """Columns `text` takes on the terminal (more than any terminal has when unknown)."""
    if text.isascii():
        return len(text)
    from wcwidth import wcswidth

    found: int = wcswidth(text)
    return found if found >= 0 else 1 << 30


def terminal_width() -> int:
    """The terminal's width, found as Rich finds it: COLUMNS, else the first standard stream
    that is a terminal, else 80."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except OSError:
            continue
    return 80


def styled(file: IO[str]) -> bool:
    """Whether Rich would style text on `file`: a terminal (or FORCE_COLOR), not a dumb one."""
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return file.isatty()
    except (OSError, ValueError):
        return False
