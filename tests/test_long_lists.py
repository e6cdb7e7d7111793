"""Long lists (`list`, `clients`, `goals`) are laid out once as styled lines and written as
they are when they fit: what reaches the screen or the pipe is what Rich writes for the same
lines, and an 80-column terminal shows each session on one line."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from alliance_cli.core.records import ClientSummary, Goal
from alliance_cli.ui.clients import clients_table
from alliance_cli.ui.formats import show
from alliance_cli.ui.goals import goals_table
from alliance_cli.ui.lines import StyledLines
from alliance_cli.ui.sessions import sessions_table
from conftest import FULL_ANSWERS, set_flags

RATINGS = ["Emp", "Resp", "Gen", "UPR", "Listen"]  # their headings in `list`
PRINCIPLES = ["empathy", "respect", "genuineness", "positive_regard", "active_listening"]


def _tables(width: int) -> dict[str, StyledLines]:
    sessions = [
        {"id": 12, "date": "2026-11-20", "client": "C-014", "session_number": 7, "modality": "in person"}
        | dict(zip(PRINCIPLES, [7, 8, None, 9, 6], strict=True))
        | {"client_view": 8, "client_score": 33.5},
        {"id": 9, "date": "2026-11-02", "client": "Ré-2", "session_number": 1, "modality": "video"}
        | dict.fromkeys(PRINCIPLES, 10),
    ]
    clients = [
        ClientSummary("C-014", 41, "2025-01-03", "2026-11-20", 7.67, [6.0, 7.5, None, 8.0], 2),
        ClientSummary("Ré-2", 1, "2026-11-02", "2026-11-02", None, [None], 0),
    ]
    goals = [
        Goal(1, "Reflect feelings back before I reach for a question.", "empathy", "2026-09-01", "2026-10-01"),
        Goal(2, "名前 — say their own words back, 🙂 even when it feels slow.", None, "2026-10-02", None),
    ]
    return {
        "sessions": sessions_table(sessions, PRINCIPLES, width, extra=["client_view", "client_score"]),
        "clients": clients_table(clients, width),
        "goals": goals_table(goals, width),
    }


def _rich(lines: StyledLines, console: Console) -> str:
    """What Rich writes for the same lines (`show` of a Text takes Rich's own way)."""
    show(console, lines.text())
    return console.file.getvalue()  # type: ignore[attr-defined]


def _consoles(width: int) -> dict[str, Console]:
    return {
        "pipe": Console(file=io.StringIO(), width=width, highlight=False, markup=False),
        "terminal": Console(
            file=io.StringIO(), width=width, force_terminal=True, color_system="standard", highlight=False, markup=False
        ),
    }


@pytest.mark.parametrize("width", [30, 60, 80, 120])
@pytest.mark.parametrize("where", ["pipe", "terminal"])
def test_what_is_written_is_what_rich_writes(width, where):
    for name, lines in _tables(width).items():
        ours, theirs = _consoles(width)[where], _consoles(width)[where]
        show(ours, lines)
        assert ours.file.getvalue() == _rich(lines, theirs), (name, width, where)  # type: ignore[attr-defined]


def test_lines_that_fit_are_written_without_rich_and_styled_only_on_a_terminal():
    for name, lines in _tables(120).items():
        piped, terminal = io.StringIO(), io.StringIO()
        assert lines.write(piped, 120, styled=False, strip=True), name
        assert lines.write(terminal, 120, styled=True), name
        assert "\x1b[" not in piped.getvalue()
        assert "\x1b[1m" in terminal.getvalue() and "\x1b[2m─" in terminal.getvalue()  # the bold heading, the dim rule
        assert all(not line.endswith(" ") for line in piped.getvalue().splitlines())


def test_a_line_too_wide_or_a_tab_is_left_to_rich():
    too_wide = _tables(30)["sessions"]
    assert not too_wide.write(io.StringIO(), 30, styled=False)
    tab = StyledLines([[("C-1", "bold"), ("\tbefore the break", "")]])
    written = io.StringIO()
    assert not tab.write(written, 80, styled=False) and written.getvalue() == ""
    console = Console(file=io.StringIO(), width=80, highlight=False, markup=False)
    show(console, tab)
    assert console.file.getvalue() == "C-1     before the break\n"  # type: ignore[attr-defined]  # Rich expands the tab


def _log(run, client: str, day: str, **extra: str) -> None:
    result = run("log", "-c", client, "-d", day, *set_flags({**FULL_ANSWERS, **extra}))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize("columns", [80, 72])
def test_list_fits_a_narrow_terminal_with_your_read_and_their_score(run, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", str(columns))
    for day in range(1, 13):  # ids up to 12: with two spaces between columns the table is 80 wide
        _log(run, "C-10014", f"2026-11-{day:02d}", client_view="8", client_score="33.5")
    lines = run("list").stdout.splitlines()
    assert lines[0].split() == ["ID", "Date", "Client", "#", "Modality", *RATINGS, "Read", "Score"]
    assert len(lines) == 2 + 12  # the heading, the rule, then one line per session
    assert all(len(line) <= columns for line in lines)
    assert all(line.split()[-2:] == ["8", "33.5"] for line in lines[2:])
    assert ("ID  Date" in lines[0]) == (columns == 80)  # one space between columns only where two do not fit


def test_list_keeps_two_spaces_between_columns_where_there_is_room(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")
    _log(run, "C-1", "2026-11-02", client_view="8", client_score="33.5")
    heading = run("list").stdout.splitlines()[0]
    assert "ID  Date" in heading and "Read  Score" in heading
