"""Long lists laid out by hand as lines of styled pieces (`ui.lines.StyledLines`), for
the renderers that show many rows. Only Rich's measure of a text's columns is imported, and
inside the function: a renderer that only imports this module (the report's JSON and
Markdown paths) does not pay for it.
"""

from __future__ import annotations

from alliance_cli.core.text import visible
from alliance_cli.ui.lines import Line, StyledLines

Cell = tuple[str, str]  # text, Rich style ("" for none)

WRAP_AT_LEAST = 20  # columns a wrapped last column keeps, however narrow the terminal


def columns_text(headers: list[str], rows: list[list[Cell]], width: int, right: set[int] | None = None) -> StyledLines:
    """A light table: columns padded to fit, the last one wrapped under itself.

    Rich's Table measures every cell of every row, about half a millisecond a row: for a
    busy week's intentions, a year of clients or `alliance list --limit 0` (25,000 rows in
    14 s) that is most of the run, so long lists are laid out here, once, at the width.
    Columns are two spaces apart, or one when two would not leave the last column its room
    (the width of a right-aligned last column, which never wraps; up to `WRAP_AT_LEAST`
    columns of one that wraps).

    Every cell is shown through `core.text.visible`: a control character in an answer is a
    picture of itself, never an instruction to the terminal.
    """
    from rich.cells import cell_len

    def cells(text: str) -> int:
        """Columns `text` takes, as Rich measures them (should Rich lay the lines out): a
        printable ASCII character takes one, counted in C without Rich's look at each one."""
        return len(text) if text.isascii() and text.isprintable() else cell_len(text)

    rows = [[(visible(cell), style) for cell, style in row] for row in rows]
    right = right or set()
    last = len(headers) - 1
    sizes = [max([cells(h), *(cells(r[i][0]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    last_size = max([cells(headers[-1]), *(cells(r[-1][0]) for r in rows)])
    needed = last_size if last in right else min(last_size, WRAP_AT_LEAST)
    gap = 2 if sum(sizes) + 2 * len(sizes) + needed <= width else 1
    indent = sum(sizes) + gap * len(sizes)
    room = max(WRAP_AT_LEAST, width - indent)
    space = " " * gap

    def pad(cell: str, i: int) -> str:
        fill = " " * (sizes[i] - cells(cell))
        return (fill + cell if i in right else cell + fill) + space

    last_header = headers[-1]
    if last in right:
        last_header = " " * (last_size - cells(last_header)) + last_header
    lines: list[Line] = [
        [("".join(pad(h, i) for i, h in enumerate(headers[:-1])) + last_header, "bold")],
        [("─" * min(width, indent + last_size), "dim")],
    ]
    for row in rows:
        line = [(pad(cell, i), style) for i, (cell, style) in enumerate(row[:-1])]
        text, style = row[-1]
        if last in right:  # a short number: aligned under its header, never wrapped
            lines.append([*line, (" " * (last_size - cells(text)) + text, style)])
            continue
        for k, part in enumerate(_wrap(text, room)):
            lines.append([*line, (part, style)] if not k else [(" " * indent, ""), (part, style)])
    # No line ends in spaces: a blank last cell leaves its padding off too.
    for line in lines:
        while line and not line[-1][0].rstrip():
            line.pop()
        if line:
            line[-1] = (line[-1][0].rstrip(), line[-1][1])
    return StyledLines(lines, measure=cells)


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
