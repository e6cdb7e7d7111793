"""alliance delete, alliance clients (summary, rename, forget)."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from prompt_toolkit.output.plain_text import PlainTextOutput

from alliance_cli.app.erase import delete_command, forget_command
from alliance_cli.store.journal import open_journal
from alliance_cli.store.sessions import forget_client
from conftest import FULL_ANSWERS, Talk, set_flags

SECRET = "Quillfeather mentioned the allotment on Rosebay Lane"


def log(run, client, day, **answers):
    result = run("log", "-c", client, "-d", day, *set_flags({**FULL_ANSWERS, **answers}))
    assert result.exit_code == 0, result.stderr


def rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def found(run, *words: str) -> list[int]:
    return [r["session_id"] for r in json.loads(run("search", *words, "-f", "json").stdout)]


def ids(run) -> list[int]:
    return sorted(r["session_id"] for r in json.loads(run("list", "-n", "0", "-f", "json").stdout))


# -- delete -----------------------------------------------------------------------------------


def test_delete_with_yes_removes_sessions_and_their_answers(run, db_path):
    log(run, "C-1", "2026-11-02", went_well="Good.")
    log(run, "C-1", "2026-11-09")
    log(run, "C-2", "2026-11-10")
    result = run("delete", "1", "3", "--yes")
    assert result.exit_code == 0, result.stderr
    assert "Deleted 2 sessions, with their answers." in result.stderr
    assert "2026-11-02" in result.stderr and "2026-11-10" in result.stderr  # shown before going
    assert result.stdout == ""
    assert ids(run) == [2]
    assert rows(db_path, "SELECT DISTINCT session_id FROM answers") == [(2,)]
    assert rows(db_path, "SELECT COUNT(*) FROM search_map") == [(0,)]


def test_delete_of_unknown_id_deletes_nothing(run):
    log(run, "C-1", "2026-11-02")
    result = run("delete", "1", "7", "8", "--yes")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "alliance: No session with id 7; `alliance list` shows the ids.",
        "alliance: No session with id 8; `alliance list` shows the ids.",
        "alliance: Nothing was deleted.",
    ]
    assert ids(run) == [1]


def test_delete_without_terminal_or_yes_is_refused(run):
    log(run, "C-1", "2026-11-02")
    result = run("delete", "1", input="y\n")
    assert result.exit_code == 1
    assert "needs --yes when alliance is not run in a terminal; nothing was deleted" in result.stderr
    assert ids(run) == [1]


@pytest.mark.parametrize(("answer", "left"), [("y", []), ("n", [1])])
def test_delete_asks_first(run, db_path, answer, left):
    log(run, "C-1", "2026-11-02")
    with open_journal(db_path) as journal, create_pipe_input() as pipe:
        pipe.send_text(answer)
        talk = Talk(pipe, DummyOutput())
        removed = delete_command(journal, [1], yes=False, conversation=talk)
        shown = talk.shown
    assert (removed.removed if removed else None) == (1 if answer == "y" else None)
    assert [r["id"] for r in shown[0]] == [1]
    assert ids(run) == left


@pytest.mark.parametrize(
    ("which", "question"),
    [
        ([1], "Delete this session and every answer in it? This cannot be undone."),
        ([1, 2], "Delete these 2 sessions and every answer in them? This cannot be undone."),
    ],
)
def test_delete_question_speaks_of_one_session_or_several(run, db_path, which, question):
    log(run, "C-1", "2026-11-02")
    log(run, "C-1", "2026-11-09")
    screen = io.StringIO()
    with open_journal(db_path) as journal, create_pipe_input() as pipe:
        pipe.send_text("n")
        delete_command(journal, which, yes=False, conversation=Talk(pipe, PlainTextOutput(screen)))
    assert question in screen.getvalue()
    assert ids(run) == [1, 2]


@pytest.mark.parametrize("other_terminal", [False, True])
def test_delete_leaves_no_readable_text_in_the_journal_or_its_log(run, db_path, other_terminal):
    log(run, "C-1", "2026-11-02", went_well="Ordinary session.")
    log(run, "C-2", "2026-11-03", went_well=SECRET, intention=SECRET)
    log(run, "C-1", "2026-11-09", went_well="Another ordinary one.")
    assert SECRET.encode() in raw_bytes(db_path)  # the test can see the text when it is there
    with contextlib.ExitStack() as stack:
        if other_terminal:  # idle, but open: closing the delete's connection does not clear the log
            other = stack.enter_context(contextlib.closing(sqlite3.connect(db_path)))
            other.execute("SELECT COUNT(*) FROM sessions").fetchone()
        result = run("delete", "2", "--yes")
        assert result.exit_code == 0, result.stderr
        data = raw_bytes(db_path)
    for word in (SECRET, "Quillfeather", "quillfeather", "Rosebay", "rosebay", "allotment"):
        assert word.encode() not in data, word
    assert ids(run) == [1, 3]
    assert found(run, "ordinary") == [3, 1]


def test_delete_drops_an_unfinished_edit_of_the_session(run, db_path):
    log(run, "C-1", "2026-11-02")
    with open_journal(db_path) as journal:
        journal.save_draft(None, {"client": "C-1", "answers": {}}, command="edit", session_id=1)
    assert run("delete", "1", "--yes").exit_code == 0
    assert rows(db_path, "SELECT COUNT(*) FROM drafts") == [(0,)]


# -- clients ----------------------------------------------------------------------------------


@pytest.fixture
def three_clients(run):
    log(run, "C-1", "2026-10-05", empathy="2", empathy_moment="Distracted.")
    for day in ("2026-10-12", "2026-10-19", "2026-10-26"):
        log(run, "C-1", day)
    log(run, "C-2", "2026-11-02", rupture="yes", rupture_kind="withdrawal", repaired="partly")
    log(run, "C-2", "2026-11-09", rupture="yes", rupture_kind="confrontation", repaired="yes")
    log(run, "C-2", "2026-11-10", rupture="yes", rupture_kind="both")
    log(run, "C-3", "2026-11-04")


def test_clients_summary_as_json(run, three_clients):
    result = run("clients", "--all", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert [d["client"] for d in data] == ["C-2", "C-3", "C-1"]  # most recently seen first
    c1 = data[2]
    assert list(c1) == [
        "client", "sessions", "first_date", "last_date", "recent_mean", "open_ruptures", "session_means"
    ]  # fmt: skip
    # FULL_ANSWERS rate 7, 8, 6, 8, 5 (mean 6.8); the first session has empathy 2 (mean 5.8).
    assert (c1["sessions"], c1["first_date"], c1["last_date"]) == (4, "2026-10-05", "2026-10-26")
    assert c1["session_means"] == [5.8, 6.8, 6.8, 6.8]
    assert c1["recent_mean"] == 6.8  # only the last three sessions
    # Partly repaired is open, and so is one with no repair answer (as in the recap and the report).
    assert data[0]["open_ruptures"] == 2
    assert data[2]["open_ruptures"] == 0


def test_clients_table_has_a_sparkline(run, three_clients):
    result = run("clients", "--all")
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if "C-1" in line)
    assert "2026-10-05" in line and "2026-10-26" in line and "6.8" in line
    assert "▅▆▆▆" in line


def open_ruptures(run) -> dict[str, int]:
    return {c["client"]: c["open_ruptures"] for c in json.loads(run("clients", "--all", "-f", "json").stdout)}


def test_clients_counts_a_rupture_repaired_in_a_later_session_as_closed(run):
    log(run, "C-1", "2025-11-02", rupture="yes", repaired="no")
    log(run, "C-1", "2025-11-03", rupture="yes", repaired="partly")
    log(run, "C-2", "2025-11-03", rupture="yes", repaired="no")
    log(run, "C-1", "2025-11-09", rupture_revisited="partly")
    assert open_ruptures(run) == {"C-1": 2, "C-2": 1}  # revisited, not repaired: still open
    log(run, "C-1", "2025-11-16", rupture_revisited="yes")
    assert open_ruptures(run) == {"C-1": 0, "C-2": 1}
    # The same answer the log gives: nothing is open for C-1 any more.
    refused = run("log", "-c", "C-1", "-d", "2025-11-23", *set_flags(FULL_ANSWERS), "-s", "rupture_revisited=yes")
    assert refused.exit_code == 1
    log(run, "C-1", "2025-11-30", rupture="yes", repaired="partly")  # a new one, after the repair
    assert open_ruptures(run) == {"C-1": 1, "C-2": 1}


def test_clients_csv(run, three_clients):
    data = list(csv.reader(io.StringIO(run("clients", "--all", "-f", "csv").stdout)))
    assert data[0] == ["client", "sessions", "first_date", "last_date", "recent_mean", "open_ruptures", "session_means"]
    assert data[3] == ["C-1", "4", "2026-10-05", "2026-10-26", "6.8", "0", "5.8 6.8 6.8 6.8"]


def test_clients_in_an_empty_journal(run):
    log(run, "C-1", "2026-11-02")
    assert run("delete", "1", "--yes").exit_code == 0
    result = run("clients")
    assert result.exit_code == 0 and result.stdout == ""
    assert "No clients yet" in result.stderr


def test_clients_shows_the_last_year_unless_all(run):
    today = date.today()
    log(run, "C-1", (today - timedelta(days=400)).isoformat())
    log(run, "C-2", (today - timedelta(days=30)).isoformat())
    result = run("clients", "-f", "json")
    assert [c["client"] for c in json.loads(result.stdout)] == ["C-2"]
    assert "1 client not seen in the last 365 days; --all shows them." in result.stderr
    assert [c["client"] for c in json.loads(run("clients", "--all", "-f", "json").stdout)] == ["C-2", "C-1"]


def test_rename_moves_every_session_and_unfinished_log(run, db_path, three_clients):
    with open_journal(db_path) as journal:
        journal.save_draft(None, {"client": "C-3", "answers": {"empathy": 5}})
    result = run("clients", "rename", "C-3", "C-7")
    assert result.exit_code == 0, result.stderr
    assert "Renamed C-3 to C-7 on 1 session." in result.stderr
    assert rows(db_path, "SELECT DISTINCT client FROM sessions ORDER BY client") == [("C-1",), ("C-2",), ("C-7",)]
    assert rows(db_path, "SELECT json_extract(state, '$.client') FROM drafts") == [("C-7",)]


def test_rename_onto_an_existing_code_needs_merge(run, db_path, three_clients):
    result = run("clients", "rename", "C-3", "C-1")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "alliance: C-1 already has 4 sessions; add --merge to move C-3's 1 session into C-1 (nothing was changed)."
    )
    assert rows(db_path, "SELECT COUNT(*) FROM sessions WHERE client = 'C-3'") == [(1,)]
    result = run("clients", "rename", "C-3", "C-1", "--merge")
    assert result.exit_code == 0, result.stderr
    assert "Moved 1 session from C-3 into C-1; C-1 now has 5." in result.stderr
    numbers = [(r["date"], r["session_number"]) for r in json.loads(run("list", "-c", "C-1", "-f", "json").stdout)]
    assert numbers[0] == ("2026-11-04", 5)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("C-9", "C-10"), "alliance: No sessions for client C-9; `alliance clients` lists the codes in use."),
        (("C-1", "Maria"), "alliance: That client code looks like it could be a name"),
        (("C-1", "C-1"), "alliance: C-1 and C-1 are the same code; nothing to rename."),
    ],
)
def test_rename_bad_inputs(run, db_path, three_clients, args, message):
    before = rows(db_path, "SELECT id, client FROM sessions ORDER BY id")
    result = run("clients", "rename", *args)
    assert result.exit_code == 1
    assert result.stderr.startswith(message)
    assert rows(db_path, "SELECT id, client FROM sessions ORDER BY id") == before


# -- forget -----------------------------------------------------------------------------------


def raw_bytes(db: Path) -> bytes:
    return b"".join(p.read_bytes() for p in db.parent.iterdir() if p.name.startswith(db.name))


def test_forget_erases_the_client_and_leaves_no_readable_text(run, db_path, three_clients):
    log(run, "C-4", "2026-11-11", went_well=SECRET, intention=SECRET)
    with open_journal(db_path) as journal:
        journal.save_draft(None, {"client": "C-4", "answers": {"went_well": SECRET}})
        journal.save_draft(None, {"client": "C-1", "answers": {}})
    assert SECRET.encode() in raw_bytes(db_path)  # the test can see the text when it is there
    result = run("clients", "forget", "C-4", "--confirm", "C-4")
    assert result.exit_code == 0, result.stderr
    assert "Erased C-4: 1 session (2026-11-11), 8 answers, 1 unfinished draft." in result.stderr
    assert "Backups made before now still hold this client" in result.stderr
    data = raw_bytes(db_path)
    for word in (SECRET, "Quillfeather", "quillfeather", "Rosebay", "rosebay", "allotment"):
        assert word.encode() not in data, word
    assert rows(db_path, "SELECT COUNT(*) FROM sessions WHERE client = 'C-4'") == [(0,)]
    assert rows(db_path, "SELECT json_extract(state, '$.client') FROM drafts") == [("C-1",)]
    assert [c["client"] for c in json.loads(run("clients", "-a", "-f", "json").stdout)] == ["C-2", "C-3", "C-1"]
    assert json.loads(run("search", "allotment", "-f", "json").stdout) == []


def test_forget_without_confirmation_is_refused(run, db_path, three_clients):
    result = run("clients", "forget", "C-1", input="C-1\n")
    assert result.exit_code == 1
    assert "needs --yes or --confirm CODE when alliance is not run in a terminal; nothing was erased" in result.stderr
    result = run("clients", "forget", "C-1", "--confirm", "C-2")
    assert result.exit_code == 1
    assert result.stderr.strip() == "alliance: --confirm does not match C-1; nothing was erased."
    assert rows(db_path, "SELECT COUNT(*) FROM sessions WHERE client = 'C-1'") == [(4,)]


def test_forget_takes_the_code_in_any_case(run, db_path, three_clients):
    result = run("clients", "forget", "c-3", "--confirm", "c-3")
    assert result.exit_code == 0, result.stderr
    assert "Erased C-3: 1 session (2026-11-04)" in result.stderr
    assert rows(db_path, "SELECT COUNT(*) FROM sessions WHERE client = 'C-3'") == [(0,)]


def test_forget_unknown_client(run, three_clients):
    result = run("clients", "forget", "C-9", "--yes")
    assert result.exit_code == 1
    assert result.stderr.strip() == "alliance: No sessions for client C-9; `alliance clients` lists the codes in use."


@pytest.mark.parametrize(("typed", "erased"), [("C-3", True), ("c-3", True), ("C-33", False)])
def test_forget_asks_for_the_code_again(run, db_path, three_clients, typed, erased):
    with open_journal(db_path) as journal, create_pipe_input() as pipe:
        pipe.send_text(typed + "\r")
        talk = Talk(pipe, DummyOutput())
        result = forget_command(journal, "C-3", yes=False, confirm_code=None, conversation=talk)
        told = talk.said
    assert told == ["This erases for good C-3: 1 session (2026-11-04), 6 answers, 0 unfinished drafts."]
    assert (result is not None) is erased
    assert rows(db_path, "SELECT COUNT(*) FROM sessions WHERE client = 'C-3'") == [(0 if erased else 1,)]


def test_forget_overwrites_even_where_sqlite_keeps_deleted_bytes_by_default(run, db_path, three_clients):
    # Some SQLite builds zero deleted content by default, others do not: start from "do not".
    log(run, "C-4", "2026-11-11", went_well=SECRET)
    with open_journal(db_path) as journal:
        journal.conn.execute("PRAGMA secure_delete = OFF")
        forget_client(journal, "C-4")
    assert b"Rosebay" not in raw_bytes(db_path) and b"rosebay" not in raw_bytes(db_path)
