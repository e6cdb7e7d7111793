"""Rich renderables for clients and search results; built from plain values, never the journal."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich.text import Text

from alliance_cli.core.text import visible
from alliance_cli.ui.columns import Cell, columns_text
from alliance_cli.ui.sparkline import sparkline

if TYPE_CHECKING:
    from rich.table import Table

    from alliance_cli.core.records import ClientSummary

SPARK_SESSIONS = 12  # the sparkline shows a client's most recent sessions


def clients_table(summaries: Sequence[ClientSummary], width: int = 100) -> Text:
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


def search_table(rows: Sequence[Mapping[str, Any]], marks: tuple[str, str]) -> Table:
    from rich import box  # here: `clients` lays its table out itself and never needs Rich's Table
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("ID", justify="right", style="bold")
    table.add_column("Date", no_wrap=True)
    table.add_column("Client", no_wrap=True)
    table.add_column("Prompt", ratio=1, overflow="fold")
    table.add_column("Found", ratio=2, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]),
            visible(row["date"]),
            visible(row["client"]),
            visible(row["prompt"]),
            highlighted(row["snippet"], marks),
        )
    return table
