"""alliance search: full-text search over the written answers, in step with every change."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date

import pytest

from alliance_cli.app.sample import generate
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store import migrations
from alliance_cli.store.journal import open_journal
from alliance_cli.store.sessions import fts_query
from conftest import FULL_ANSWERS, set_flags


def log(run, client, day, **texts):
    result = run("log", "-c", client, "-d", day, *set_flags({**FULL_ANSWERS, **texts}))
    assert result.exit_code == 0, result.stderr


def found(run, *args) -> list[tuple]:
    result = run("search", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [(r["session_id"], r["prompt_id"]) for r in json.loads(result.stdout)]


@pytest.fixture
def journal_with_text(run):
    log(run, "C-1", "2026-11-02", went_well="She spoke about her sister for the first time.")
    log(run, "C-2", "2026-11-05", do_differently="I rushed the ending; she withdrew.")
    log(run, "C-1", "2026-11-09", went_well="The café noise bothered us both.", intention="Ask about her sister.")


def test_search_finds_words_newest_first_with_snippet(run, journal_with_text):
    result = run("search", "sister", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert list(rows[0]) == ["session_id", "date", "client", "prompt_id", "prompt", "snippet"]
    assert [(r["session_id"], r["date"], r["client"], r["prompt_id"]) for r in rows] == [
        (3, "2026-11-09", "C-1", "intention"),
        (1, "2026-11-02", "C-1", "went_well"),
    ]
    assert rows[0]["prompt"] == "One thing to do in the next session with this client."
    assert rows[0]["snippet"] == "Ask about her **sister**."


def test_search_table_shows_date_client_prompt_and_snippet(run, journal_with_text):
    result = run("search", "withdrew")
    assert result.exit_code == 0
    assert "2026-11-05" in result.stdout and "C-2" in result.stdout
    assert "What would you do differently?" in result.stdout
    assert "I rushed the ending; she withdrew." in result.stdout


def test_search_ignores_case_and_accents_and_takes_prefixes(run, journal_with_text):
    assert found(run, "CAFE") == [(3, "went_well")]
    assert found(run, "withdr*") == [(2, "do_differently")]
    assert found(run, "sister", "time") == [(1, "went_well")]
    assert found(run, '"her sister"') == [(3, "intention"), (1, "went_well")]
    assert found(run, '"sister her"') == []


def test_search_filters_by_client_and_dates(run, journal_with_text):
    assert found(run, "she", "--client", "C-2") == [(2, "do_differently")]
    assert found(run, "sister", "--since", "2026-11-03") == [(3, "intention")]
    assert found(run, "sister", "--until", "2026-11-03") == [(1, "went_well")]


def test_search_csv_has_fixed_columns(run, journal_with_text):
    result = run("search", "sister", "-f", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["session_id", "date", "client", "prompt_id", "prompt", "snippet"]
    assert len(rows) == 3


@pytest.mark.parametrize(
    "text", ["AND", "sister OR", '"', "NEAR(a b", "*", 'a"b"c"', "col:sister", "^sister", "-", "(", "\x00sister"]
)
def test_odd_search_text_never_crashes(run, journal_with_text, text):
    result = run("search", text, "--format", "json")
    assert result.exit_code in (0, 1), result.stderr
    assert "Traceback" not in result.stderr and "unexpected error" not in result.stderr
    if result.exit_code == 0:
        json.loads(result.stdout)


def test_search_without_words_explains(run, journal_with_text):
    result = run("search", '""')
    assert result.exit_code == 1
    assert result.stderr.strip() == "alliance: Give a word or a phrase to search for, e.g. alliance search withdrew"


def test_search_negative_limit_is_one_plain_line(run, journal_with_text):
    result = run("search", "sister", "--limit", "-1")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "alliance: --limit needs 0 or more (0 shows every result).\n"


def test_fts_query_quotes_everything():
    assert fts_query('she AND "her sister" withdr*') == '"she" "AND" "her sister" "withdr"*'


def test_search_follows_edit_and_delete(run, journal_with_text):
    assert run("edit", "3", "--set", "intention=Check in about the move.").exit_code == 0
    assert found(run, "sister") == [(1, "went_well")]
    assert found(run, "move") == [(3, "intention")]
    assert run("edit", "1", "--set", "went_well=").exit_code == 0
    assert found(run, "sister") == []
    assert run("delete", "3", "--yes").exit_code == 0
    assert found(run, "move") == []
    assert run("clients", "rename", "C-2", "C-9").exit_code == 0
    assert found(run, "withdrew", "--client", "C-9") == [(2, "do_differently")]


def test_search_limit_says_how_many_more(run, journal_with_text):
    log(run, "C-3", "2026-11-10", went_well="Her sister came up again.")
    result = run("search", "sister", "--limit", "1")
    assert result.exit_code == 0
    assert "Showing the newest 1 of 3; --limit 0 shows them all." in result.stderr


def test_older_journal_is_indexed_when_a_writing_command_opens_it(tmp_path, monkeypatch, run, db_path):
    """Search, a reading command, never upgrades the file it reads: it says which command does."""
    monkeypatch.setattr(migrations, "STEPS", migrations.STEPS[:1])
    monkeypatch.setattr(migrations, "NAMES", migrations.NAMES[:1])
    ps = load_prompt_set(bundled_prompts_path())
    with open_journal(db_path, create=True) as journal:
        journal.save_sessions(generate(ps, sessions=30, end=date(2026, 11, 20)))
    monkeypatch.undo()
    with sqlite3.connect(db_path) as conn:
        texts = conn.execute("SELECT COUNT(*) FROM answers WHERE kind = 'text'").fetchone()[0]
        assert "search_text" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    before = db_path.read_bytes()
    refused = run("search", "the", "--limit", "0", "--format", "json")
    assert refused.exit_code == 1
    assert "from an older alliance" in refused.stderr and "`alliance log`" in refused.stderr
    assert db_path.read_bytes() == before
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0  # upgrades as it opens
    result = run("search", "the", "--limit", "0", "--format", "json")
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM search_text").fetchone()[0] == texts > 0
    assert len(json.loads(result.stdout)) > 0


@pytest.mark.parametrize("few", [0, 1 << 30], ids=["sessions walked newest first", "matches sorted"])
def test_a_limited_search_is_the_newest_of_the_full_one(db_path, monkeypatch, few):
    """The limit is applied inside the query before the snippets are made (issue 17): the rows,
    their order, snippets and the total are those of the unlimited search, cut, whichever
    way the newest matches are found (by their number, `FEW_MATCHES`)."""
    from alliance_cli.store import sessions
    from alliance_cli.store.sessions import search_answers

    monkeypatch.setattr(sessions, "FEW_MATCHES", few)
    monkeypatch.setattr(sessions, "PAGE_IDS", 3 if few else 500)  # snippets by id, and in one pass

    ps = load_prompt_set(bundled_prompts_path())
    with open_journal(db_path, create=True) as journal:
        journal.save_sessions(generate(ps, sessions=300, end=date(2026, 11, 20), seed=3))
        for words, filters in [("client", {}), ("the", {"client": "C-0003"}), ("client", {"since": date(2026, 9, 1)})]:
            every = search_answers(journal, words, limit=None, **filters)
            assert every.total == len(every.rows) > 12
            for limit in (1, 5, 12, every.total, every.total + 1):
                cut = search_answers(journal, words, limit=limit, **filters)
                assert cut.rows == every.rows[:limit] and cut.total == every.total


def rich_table_of(rows, marks, width: int) -> str:
    """The search table as Rich's Table drew it before alliance laid it out itself."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from alliance_cli.core.text import visible
    from alliance_cli.ui.clients import highlighted

    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("ID", justify="right", style="bold")
    table.add_column("Date", no_wrap=True)
    table.add_column("Client", no_wrap=True)
    table.add_column("Prompt", ratio=1, overflow="fold")
    table.add_column("Found", ratio=2, overflow="fold")
    for row in rows:
        table.add_row(
            str(row["id"]), visible(row["date"]), visible(row["client"]), visible(row["prompt"]),
            highlighted(row["snippet"], marks),
        )  # fmt: skip
    console = Console(file=io.StringIO(), width=width, highlight=False, markup=False, emoji=False)
    console.print(table)
    return console.file.getvalue()


@pytest.mark.parametrize("width", [30, 40, 60, 80, 120, 200])
def test_the_results_table_looks_as_rich_drew_it_and_fits_the_width(run, db_path, width):
    from rich.console import Console

    from alliance_cli.store.sessions import HIGHLIGHT, search_answers
    from alliance_cli.ui.clients import search_table

    log(run, "C-1", "2026-11-02", went_well="She spoke about her sister for the first time.")
    log(run, "C-0777-LONG-CODE", "2026-11-05", do_differently="I rushed the ending; she withdrew from her sister. " * 6)
    log(run, "C-2", "2026-11-09", went_well="Supercalifragilisticexpialidocious-sister-moment, then quiet.")
    with open_journal(db_path) as journal:
        rows = search_answers(journal, "sister").rows
    assert len(rows) == 3
    console = Console(file=io.StringIO(), width=width, highlight=False, markup=False)
    console.print(search_table(rows, HIGHLIGHT))
    drawn = console.file.getvalue()
    assert drawn == rich_table_of(rows, HIGHLIGHT, width)
    assert max(len(line) for line in drawn.splitlines()) <= width
    if width >= 80:  # wide enough for whole words: every answer reads in full down its column
        start = drawn.splitlines()[1].index("Found")
        found_text = " ".join(line[start:].strip() for line in drawn.splitlines()[3:] if line[start:].strip())
        assert "She spoke about her sister for the first time." in found_text
