"""The recap `alliance log` shows before a session with a client seen before.

It stands just before the log's first question, so the usual recap (a few lines that fit
the terminal) is written as plain lines, styled with the terminal's own codes as Rich would
style them, without loading Rich; a recap with a line too wide for the terminal, or a tab,
is laid out by Rich (`recap`), which wraps and expands them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from alliance_cli.core.answers import format_value
from alliance_cli.core.messages import count
from alliance_cli.core.text import visible
from alliance_cli.ui.headers import rating_header
from alliance_cli.ui.lines import Line, StyledLines, styled, terminal_width

if TYPE_CHECKING:
    from rich.console import Group

    from alliance_cli.core.continuity import Continuity

REPAIRED_WORDS = {"no": "not repaired", "partly": "partly repaired", None: "repair not recorded"}


def recap_lines(found: Continuity) -> list[Line]:
    """Last time with the client: date, session number, each principle's rating, what is still open."""
    last = found.last
    assert last is not None
    lines: list[Line] = [
        [
            ("Last time with ", "bold"),
            (visible(found.client), "bold"),
            (f": session {last.session_number} on {last.date} ({last.modality})", ""),
        ]
    ]
    if last.ratings:  # a prompt set without ratings has none to show
        ratings = (
            f"{rating_header(principle)} {'–' if value is None else format_value(value)}"
            for principle, value in last.ratings.items()
        )
        lines.append([("  " + " · ".join(ratings), "")])
    if last.intention:
        lines.append([("  Your intention: ", ""), (visible(last.intention), "italic")])
    for rupture in found.open_ruptures[-1:]:
        detail = f", {visible(rupture.kind)}" if rupture.kind else ""
        earlier = len(found.open_ruptures) - 1
        more = f", and {count(earlier, 'earlier one')}" if earlier else ""
        lines.append(
            [
                (
                    f"  Still open: rupture in session {rupture.session_number} ({rupture.date}{detail}), "
                    f"{visible(str(REPAIRED_WORDS.get(rupture.repaired, rupture.repaired)))}{more}.",
                    "",
                )
            ]
        )
    if not last.intention and not found.open_ruptures:
        lines.append([("  Nothing left open.", "dim")])
    voice = client_voice(found)
    if voice:
        lines.append([(voice, "dim")])
    return lines


def recap(found: Continuity) -> Group:
    """The recap as Rich renderables."""
    from rich.console import Group
    from rich.text import Text

    return Group(*(Text.assemble(*((text, style) for text, style in line)) for line in recap_lines(found)))


def show_recap(found: Continuity, file: TextIO) -> None:
    """Write the recap on `file` (the terminal): plain lines when each fits its width, else Rich."""
    if not StyledLines(recap_lines(found)).write(file, terminal_width(), styled=styled(file)):
        from rich.console import Console

        Console(file=file, highlight=False, markup=False).print(recap(found))
    file.flush()


def client_voice(found: Continuity) -> str:
    """`  Their last SRS score: 33 of 40 (2026-11-13) · your last read of them: 8 (2026-11-20)`."""
    parts = []
    if found.last_score is not None:
        m = found.measure
        name, top = (f"{m.name} ", f" of {m.high:g}") if m is not None else ("", "")
        parts.append(f"Their last {name}score: {found.last_score.value:g}{top} ({found.last_score.date})")
    if found.last_view is not None:
        parts.append(f"your last read of them: {found.last_view.value:g} ({found.last_view.date})")
    if not parts:
        return ""
    text = " · ".join(parts)
    return "  " + text[:1].upper() + text[1:]
