"""Rich renderables for clients and search results; built from plain values, never the journal."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from rich.cells import cell_len
from rich.text import Text

from alliance_cli.core.text import visible
from alliance_cli.ui.columns import Cell, columns_text
from alliance_cli.ui.sparkline import sparkline

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions

    from alliance_cli.core.records import ClientSummary
    from alliance_cli.ui.lines import StyledLines

SPARK_SESSIONS = 12  # the sparkline shows a client's most recent sessions


def clients_table(summaries: Sequence[ClientSummary], width: int = 100) -> StyledLines:
    headers = ["Client", "Sessions", "First", "Last", "Recent", "Trend", "Open ruptures"]
    rows: list[list[Cell]] = [
        [
            (s.client, "bold"),
            (str(s.sessions), ""),
            (s.first_date, ""),
            (s.last_date, ""),
            ("–" if s.recent_mean is None else f"{s.recent_mean:.1f}", ""),  # mean of the last three sessions
            (sparkline(s.session_means[-SPARK_SESSIONS:]).ljust(SPARK_SESSIONS), ""),
            (str(s.open_ruptures), "bold" if s.open_ruptures else ""),
        ]
        for s in summaries
    ]
    return columns_text(headers, rows, width, right={1, 4, 6})


def highlighted(snippet: str, marks: tuple[str, str], style: str = "bold reverse") -> Text:
    """A snippet with the matched words styled; `marks` are the characters around each match.
    The answer's own control characters are shown as pictures (`core.text.visible`)."""
    text = Text()
    start, end = marks
    for i, part in enumerate(snippet.split(start)):
        if i == 0:
            text.append(visible(part))
            continue
        hit, _, rest = part.partition(end)
        text.append(visible(hit), style=style)
        text.append(visible(rest))
    return text


class SearchTable:
    """Search results as the table Rich's `Table(box=SIMPLE_HEAD, pad_edge=False)` drew them
    (ID right-aligned, Date and Client kept whole, Prompt and Found wrapped within their
    columns; the same widths, chosen the same way), laid out here once at the console's
    width. Rich's Table measured each of the 50 rows' cells several times: most of a
    search's run after the query."""

    HEADERS = ("ID", "Date", "Client", "Prompt", "Found")
    PADS = ((0, 1), (1, 1), (1, 1), (1, 1), (1, 0))  # (left, right): no padding at the table's edges
    KEEP_WHOLE = (False, True, True, False, False)  # Date and Client never wrap

    def __init__(self, rows: Sequence[Mapping[str, Any]], marks: tuple[str, str]) -> None:
        self.cells = [
            [
                Text(str(row["id"])),
                Text(visible(row["date"])),
                Text(visible(row["client"])),
                Text(visible(row["prompt"])),
                highlighted(row["snippet"], marks),
            ]
            for row in rows
        ]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        from rich.text import Span

        heads = [Text(h, style="bold") for h in self.HEADERS]
        edges = 2 + len(heads) - 1  # the box's edge each side, and one space between columns
        widths = _column_widths([heads, *self.cells], self.PADS, self.KEEP_WHOLE, options.max_width - edges)
        parts: list[str] = []  # the table's text, and its styles as spans over it
        spans: list[Span] = []
        size = 0

        def add(text: str, style: str = "") -> None:
            nonlocal size
            parts.append(text)
            if style and text:
                spans.append(Span(size, size + len(text), style))
            size += len(text)

        def row(cells: list[Text], header: bool) -> None:
            columns = [
                self._cell(console, i, cell, width) for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
            ]
            height = max(len(c) for c in columns)
            for k in range(height):
                add(" ")
                for i, lines in enumerate(columns):
                    left, right = self.PADS[i]
                    # cells sit at the top of their row, headings at the bottom
                    k_here = k - (height - len(lines)) if header else k
                    line = lines[k_here] if 0 <= k_here < len(lines) else None
                    if i:
                        add(" ")  # between two columns
                    if line is None:  # a blank line of the cell, as wide as the column
                        add(" " * widths[i])
                        continue
                    add(" " * left)
                    start = size
                    add(line.plain, str(line.style) if line.style else "")
                    spans.extend(span.move(start) for span in line.spans)
                    if i == 0 and not header:
                        spans.append(Span(start, size, "bold"))
                    add(" " * right)
                add(" \n")

        add(" " * (sum(widths) + edges) + "\n")  # the box's top: blank
        row(heads, True)
        add(" " + "─" * (sum(widths) + len(widths) - 1) + " \n")
        for cells in self.cells:
            row(cells, False)
        add(" " * (sum(widths) + edges))  # the box's bottom: blank
        yield Text("".join(parts), spans=spans, no_wrap=True, overflow="ignore")

    def _cell(self, console: Console, i: int, cell: Text, width: int) -> list[Text | None]:
        """A cell's lines, each as wide as its column inside the padding (None: a blank line)."""
        left, right = self.PADS[i]
        inner = width - left - right
        if inner < 1:  # no room inside the padding: one blank line
            return [None]
        if self.KEEP_WHOLE[i]:
            line = cell.copy()
            line.truncate(inner, overflow="ellipsis", pad=True)
            return [line]
        justify: Literal["left", "right"] = "right" if i == 0 else "left"
        overflow: Literal["ellipsis", "fold"] = "ellipsis" if i == 0 else "fold"
        return [*cell.wrap(console, inner, justify=justify, overflow=overflow)]


def _longest_line(text: Text) -> int:
    lines = text.plain.splitlines()
    return max(cell_len(line) for line in lines) if lines else 0


def _column_widths(
    rows: list[list[Text]], pads: Sequence[tuple[int, int]], keep_whole: Sequence[bool], room: int
) -> list[int]:
    """The widths Rich's Table gives its columns within `room` (Table._calculate_column_widths,
    without `expand`): each column's widest cell; when too wide, the widest columns that may
    wrap give up cells to the next widest, then every column evenly; each then measured again
    at its width (a padded cell measures its longest line plus the padding, within the width)."""
    longest = [max((_longest_line(row[i]) for row in rows), default=0) for i in range(len(pads))]

    def column(i: int, width: int) -> int:
        if width < 1:
            return 0
        pad = sum(pads[i])
        if width - pad < 1:
            return width
        return min(min(longest[i], width) + pad, width)

    widths = [column(i, room) or 1 for i in range(len(pads))]
    if sum(widths) > room:
        widths = _collapse(widths, [not whole for whole in keep_whole], room)
        if sum(widths) > room:
            widths = _reduce(sum(widths) - room, [1] * len(widths), widths, widths)
        widths = [column(i, width) for i, width in enumerate(widths)]
    return widths


def _collapse(widths: list[int], wrapable: list[bool], room: int) -> list[int]:
    """Table._collapse_widths: the widest wrapable columns shrink toward the next widest."""
    total = sum(widths)
    excess = total - room
    if any(wrapable):
        while total and excess > 0:
            widest = max(w for w, can in zip(widths, wrapable, strict=True) if can)
            second = max(w if can and w != widest else 0 for w, can in zip(widths, wrapable, strict=True))
            difference = widest - second
            ratios = [1 if (w == widest and can) else 0 for w, can in zip(widths, wrapable, strict=True)]
            if not any(ratios) or not difference:
                break
            widths = _reduce(excess, ratios, [min(excess, difference)] * len(widths), widths)
            total = sum(widths)
            excess = total - room
    return widths


def _reduce(total: int, ratios: list[int], maximums: list[int], values: list[int]) -> list[int]:
    """rich._ratio.ratio_reduce: take `total` off `values` in proportion to `ratios`."""
    ratios = [r if m else 0 for r, m in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    out = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(maximum, round(ratio * remaining / total_ratio))
            out.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            out.append(value)
    return out


def search_table(rows: Sequence[Mapping[str, Any]], marks: tuple[str, str]) -> SearchTable:
    return SearchTable(rows, marks)
