"""Rich renderables built from plain values; this module never reads the journal.

Text that came from outside the program (answers, client codes, a prompt set's words) is
shown through `core.text.visible`, so a control character in it is seen, never obeyed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from alliance_cli.core.answers import format_value
from alliance_cli.core.text import visible
from alliance_cli.ui.columns import Cell, columns_text
from alliance_cli.ui.headers import CLIENT_HEADERS, rating_header

if TYPE_CHECKING:
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.records import StoredSession
    from alliance_cli.ui.lines import StyledLines


def sessions_table(
    rows: Sequence[Mapping[str, Any]], principles: Sequence[str], width: int = 100, extra: Sequence[str] = ()
) -> StyledLines:
    """Sessions as `rated_sessions` gives them, with one rating column per principle (then the
    `extra` columns: your read, their score)."""
    principles = [*principles, *extra]
    headers = [
        "ID",
        "Date",
        "Client",
        "#",
        "Modality",
        *(CLIENT_HEADERS.get(p) or rating_header(p) for p in principles),
    ]
    cells: list[list[Cell]] = [
        [
            (str(row["id"]), "bold"),
            (row["date"], ""),
            (row["client"], ""),
            (str(row["session_number"]), ""),
            (row["modality"], ""),
            *((_rating(row.get(principle)), "") for principle in principles),
        ]
        for row in rows
    ]
    return columns_text(headers, cells, width, right={0, 3, *range(5, 5 + len(principles))})


def _rating(value: Any) -> str:
    return "–" if value is None else format_value(value)


def _texts(snapshot: Mapping[str, Any]) -> dict[str, str]:
    return {p["id"]: p["text"] for p in snapshot.get("prompts", [])}


def answers_table(answers: Mapping[str, Any], texts: Mapping[str, str]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_header=False, pad_edge=False, expand=False)
    table.add_column("Prompt", style="bold", ratio=2)
    table.add_column("Answer", ratio=3, overflow="fold")
    for pid, value in answers.items():
        table.add_row(visible(texts.get(pid, pid)), visible(format_value(value)))
    return table


def session_detail(session: StoredSession) -> Group:
    head = Text.assemble(
        (f"Session {session.id}", "bold"),
        visible(f" · {session.date} · {session.client}"),
        visible(f" (session {session.session_number}) · {session.modality}"),
    )
    meta = Text(
        f"logged {_when(session.logged_at)}"
        + (f", edited {_when(session.edited_at)}" if session.edited_at else "")
        + f" · prompt set v{session.prompt_set_version}\nuuid {session.uuid}",
        style="dim",
    )
    return Group(head, meta, answers_table(session.answers, _texts(session.prompt_set)))


def _when(stamp: str) -> str:
    """A stored UTC time stamp in the local time zone, to the minute."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


def log_summary(ps: PromptSet, state: LogState) -> Group:
    texts = {p.id: p.label or p.text for p in ps.prompts}  # short titles, where the prompt set gives them
    ordered = {p.id: state.answers[p.id] for p in ps.prompts if p.id in state.answers}  # as asked
    head = Text.assemble(("Summary", "bold"), visible(f" · {state.client} · {state.date} · {state.modality}"))
    return Group(head, answers_table(ordered, texts))


def prompt_set_view(ps: PromptSet, source: str) -> Group:
    parts: list[Any] = [
        Text.assemble((visible(ps.title or "Prompt set"), "bold"), visible(f" · version {ps.version} · {source}"))
    ]
    areas = Table(box=box.SIMPLE_HEAD, pad_edge=False, title="Principles and practices", title_justify="left")
    areas.add_column("ID", style="bold")
    areas.add_column("Title")
    areas.add_column("Tips", justify="right")
    for area in (*ps.principles, *ps.practices):
        areas.add_row(area.id, visible(area.title), str(len(area.tips)))
    parts.append(areas)
    table = Table(
        box=box.SIMPLE_HEAD, pad_edge=False, title="Prompts, in the order they are asked", title_justify="left"
    )
    table.add_column("ID", style="bold", no_wrap=True)
    table.add_column("Kind")
    table.add_column("Question", overflow="fold")
    table.add_column("Asked when", overflow="fold")
    for p in ps.prompts:
        kind = p.kind + ("*" if p.required else "")
        if p.kind == "rating" or (p.kind == "number" and p.min is not None and p.max is not None):
            kind += f" {p.min:g}–{p.max:g}"
        question = p.text + (f"\n[{' / '.join(p.choices)}]" if p.choices else "")
        asked = p.when.describe() if p.when else "always"
        markers = ps.kind_source(p.id)
        if markers is not None:
            asked += f", and no marker chosen in {markers.id} tells it (it follows from them)"
        table.add_row(p.id, kind, visible(question), visible(asked))
    parts.append(table)
    parts.append(Text("* required", style="dim"))
    return Group(*parts)
