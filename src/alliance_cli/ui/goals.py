"""The learning goals as a light table; built from plain values, never the journal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from alliance_cli.ui.columns import Cell, columns_text

if TYPE_CHECKING:
    from alliance_cli.core.records import Goal
    from alliance_cli.ui.lines import StyledLines


def goals_table(goals: Sequence[Goal], width: int = 100) -> StyledLines:
    """One row per goal, the oldest first; the active one's end reads "active"."""
    headers = ["ID", "Set", "Done", "Principle", "Goal"]
    rows: list[list[Cell]] = [
        [
            (str(g.id), "bold"),
            (g.started, ""),
            (g.ended or "active", "" if g.ended else "bold"),
            (g.principle or "–", ""),
            (g.text, ""),
        ]
        for g in goals
    ]
    return columns_text(headers, rows, width, right={0})
