"""Long lists laid out by hand as one Rich Text, for the renderers that show many rows.

Rich is imported inside the function, so a renderer that only imports this module (the
report's JSON and Markdown paths) does not pay for Rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from alliance_cli.core.text import visible

if TYPE_CHECKING:
    from rich.text import Text

Cell = tuple[str, str]  # text, Rich style ("" for none)


def columns_text(headers: list[str], rows: list[list[Cell]], width: int, right: set[int] | None = None) -> Text:
    """A light table as one Rich Text: columns padded to fit, the last one wrapped under itself.

    Rich's Table measures every cell of every row, about half a millisecond a row: for a
    busy week's intentions, a year of clients or `alliance list --limit 0` (25,000 rows in
    14 s) that is most of the run, so long lists are laid out here, once, at the width.

    Every cell is shown through `core.text.visible`: a control character in an answer is a
    picture of itself, never an instruction to the terminal.
    """
    from rich.cells import cell_len
    from rich.text import Text

    rows = [[(visible(cell), style) for cell, style in row] for row in rows]

    sizes = [max([cell_len(h), *(cell_len(r[i][0]) for r in rows)]) for i, h in enumerate(headers[:-1])]
    indent = sum(sizes) + 2 * len(sizes)
    room = max(20, width - indent)
    text = Text()
    right = right or set()

    def pad(cell: str, i: int) -> str:
        gap = " " * (sizes[i] - cell_len(cell))
        return (gap + cell if i in right else cell + gap) + "  "

    last_header = headers[-1]
    if len(headers) - 1 in right:
        size = max([cell_len(last_header), *(cell_len(r[-1][0]) for r in rows)])
        last_header = " " * (size - cell_len(last_header)) + last_header
    text.append("".join(pad(h, i) for i, h in enumerate(headers[:-1])) + last_header + "\n", "bold")
    text.append(
        "─" * min(width, indent + max([cell_len(headers[-1]), *(cell_len(r[-1][0]) for r in rows)])) + "\n", "dim"
    )
    last = len(headers) - 1
    if last in right:  # a short number: aligned under its header, never wrapped
        size = max([cell_len(headers[-1]), *(cell_len(r[-1][0]) for r in rows)])
        for row in rows:
            for i, (cell, style) in enumerate(row[:-1]):
                text.append(pad(cell, i), style)
            text.append(" " * (size - cell_len(row[-1][0])) + row[-1][0] + "\n", row[-1][1])
        text.rstrip()
        return text
    for row in rows:
        for i, (cell, style) in enumerate(row[:-1]):
            text.append(pad(cell, i), style)
        for k, line in enumerate(_wrap(row[-1][0], room)):
            if k:
                text.append("\n" + " " * indent)
            text.append(line, row[-1][1])
        text.append("\n")
    text.rstrip()
    return text


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]
