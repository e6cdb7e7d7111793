"""The recap `alliance log` shows before a session with a client seen before."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text

from alliance_cli.core.answers import format_value
from alliance_cli.core.messages import count
from alliance_cli.core.text import visible
from alliance_cli.ui.sessions import rating_header

if TYPE_CHECKING:
    from alliance_cli.core.continuity import Continuity

REPAIRED_WORDS = {"no": "not repaired", "partly": "partly repaired", None: "repair not recorded"}


def recap(found: Continuity) -> Group:
    """Last time with the client: date, session number, each principle's rating, what is still open."""
    last = found.last
    assert last is not None
    lines = [
        Text.assemble(
            ("Last time with ", "bold"),
            (visible(found.client), "bold"),
            f": session {last.session_number} on {last.date} ({last.modality})",
        )
    ]
    if last.ratings:  # a prompt set without ratings has none to show
        ratings = (
            f"{rating_header(principle)} {'–' if value is None else format_value(value)}"
            for principle, value in last.ratings.items()
        )
        lines.append(Text("  " + " · ".join(ratings)))
    if last.intention:
        lines.append(Text.assemble("  Your intention: ", (visible(last.intention), "italic")))
    for rupture in found.open_ruptures[-1:]:
        detail = f", {visible(rupture.kind)}" if rupture.kind else ""
        earlier = len(found.open_ruptures) - 1
        more = f", and {count(earlier, 'earlier one')}" if earlier else ""
        lines.append(
            Text(
                f"  Still open: rupture in session {rupture.session_number} ({rupture.date}{detail}), "
                f"{visible(str(REPAIRED_WORDS.get(rupture.repaired, rupture.repaired)))}{more}."
            )
        )
    if not last.intention and not found.open_ruptures:
        lines.append(Text("  Nothing left open.", style="dim"))
    voice = client_voice(found)
    if voice:
        lines.append(Text(voice, style="dim"))
    return Group(*lines)


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
