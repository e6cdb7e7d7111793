"""The journal as people and tools read it: the views of migration m005, queried with the
`sqlite3` command-line tool (the stdlib module where the tool is not installed), and the
search index where Datasette and sqlite-utils look for it."""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

from conftest import FULL_ANSWERS, set_flags

SQLITE3 = shutil.which("sqlite3")


def query(db: Path, sql: str) -> list[dict[str, str]]:
    """Rows as text, as a person at the sqlite3 prompt sees them."""
    if SQLITE3 is None:
        print("sqlite3 command-line tool not installed: querying with Python's sqlite3 module")
        with sqlite3.connect(db) as conn:
            cursor = conn.execute(sql)
            names = [d[0] for d in cursor.description]
            return [{n: "" if v is None else str(v) for n, v in zip(names, row, strict=True)} for row in cursor]
    out = subprocess.run(
        [SQLITE3, "-readonly", "-csv", "-header", str(db), sql], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    return list(csv.DictReader(io.StringIO(out)))


@pytest.fixture
def journal(run, db_path):
    """C-1: a rupture, partly repaired, revisited next time; an intention carried out. C-2: one session."""
    first = {
        **FULL_ANSWERS,
        "rupture": "yes",
        "rupture_kind": "withdrawal",
        "repaired": "partly",
        "went_well": "Café talk about the move",
        "do_differently": "Slow down",
        "intention": "Ask about the new job",
    }
    second = {**FULL_ANSWERS, "intention_followed": "yes", "rupture_revisited": "yes", "client_view": "8"}
    for client, day, answers in [
        ("C-1", "2026-11-2", first),
        ("C-1", "2026-11-9", second),
        ("C-2", "2026-11-3", FULL_ANSWERS),
    ]:
        result = run("log", "-c", client, "-d", day, *set_flags(answers))
        assert result.exit_code == 0, result.stderr
    return db_path


def test_session_summary_is_one_row_per_session_with_the_ratings_and_the_main_text(journal):
    rows = query(journal, "SELECT * FROM session_summary ORDER BY date, session_id")
    assert [(r["client"], r["date"], r["session_number"]) for r in rows] == [
        ("C-1", "2026-11-02", "1"),
        ("C-2", "2026-11-03", "1"),
        ("C-1", "2026-11-09", "2"),
    ]
    first = rows[0]
    assert {k: first[k] for k in ("empathy", "respect", "genuineness", "positive_regard", "active_listening")} == {
        "empathy": "7", "respect": "8", "genuineness": "6", "positive_regard": "8", "active_listening": "5",
    }  # fmt: skip
    assert first["rupture"] == "yes" and first["went_well"] == "Café talk about the move"
    assert first["do_differently"] == "Slow down" and first["intention"] == "Ask about the new job"
    assert rows[2]["client_view"] == "8" and rows[2]["rupture"] == "no" and rows[2]["went_well"] == ""


def test_ruptures_say_how_each_stood_at_the_next_session(journal):
    rows = query(journal, "SELECT * FROM ruptures")
    assert len(rows) == 1
    row = rows[0]
    assert (row["client"], row["date"], row["kind"], row["repaired"]) == ("C-1", "2026-11-02", "withdrawal", "partly")
    assert (row["next_date"], row["revisited_next_time"], row["still_open"]) == ("2026-11-09", "yes", "no")


def test_intentions_are_followed_up_at_the_next_session(journal):
    rows = query(journal, "SELECT * FROM intentions")
    assert [(r["client"], r["intention"], r["next_date"], r["carried_out"]) for r in rows] == [
        ("C-1", "Ask about the new job", "2026-11-09", "yes")
    ]


def test_answer_values_read_as_people_write_them(journal):
    rows = query(journal, "SELECT prompt_id, value, label FROM answer_values WHERE session_id = 1 ORDER BY prompt_id")
    values = {r["prompt_id"]: r["value"] for r in rows}
    assert values["rupture"] == "yes" and values["empathy"] == "7"
    assert all(r["label"] for r in rows)  # every answer names its question


def test_views_follow_roles_when_a_prompt_set_renames_its_prompts(run, db_path, tmp_path):
    """A prompt set of its own: other ids, the same roles and principles."""
    import yaml

    from alliance_cli.settings.paths import bundled_prompts_path

    data = yaml.safe_load(bundled_prompts_path().read_text(encoding="utf-8"))
    renamed = {"empathy": "warmth", "intention": "next_time", "rupture": "strain"}
    for prompt in data["prompts"]:
        prompt["id"] = renamed.get(prompt["id"], prompt["id"])
        when = prompt.get("when") or {}
        if when.get("prompt") in renamed:
            when["prompt"] = renamed[when["prompt"]]
        if "most_extreme_of" in when:  # the moment questions name the five ratings
            when["most_extreme_of"] = [renamed.get(p, p) for p in when["most_extreme_of"]]
    own = tmp_path / "own.yaml"
    own.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert "warmth" in own.read_text(encoding="utf-8")
    answers = {renamed.get(k, k): v for k, v in FULL_ANSWERS.items()} | {"next_time": "Check the pace"}
    result = run("log", "-c", "C-9", "-d", "2026-11-2", "--prompts", str(own), *set_flags(answers))
    assert result.exit_code == 0, result.stderr
    row = query(db_path, "SELECT empathy, rupture, intention FROM session_summary")[0]
    assert row == {"empathy": "7", "rupture": "no", "intention": "Check the pace"}


def test_datasette_and_sqlite_utils_find_the_search_index(journal):
    from sqlite_utils import Database

    db = Database(journal)
    assert db["search_map"].detect_fts() == "search_text"
    # The query Datasette runs for the search box of the `search_map` table.
    rows = query(
        journal, "SELECT session_id, prompt_id, body FROM search_map WHERE rowid IN "
        "(SELECT rowid FROM search_text WHERE search_text MATCH 'cafe')",
    )  # fmt: skip
    assert rows == [{"session_id": "1", "prompt_id": "went_well", "body": "Café talk about the move"}]


def test_the_index_follows_edits_and_deletes(run, journal):
    assert run("edit", "1", "-s", "went_well=A quiet hour").exit_code == 0
    assert "quiet" in run("search", "quiet", "-f", "csv").stdout
    assert run("search", "cafe", "-f", "csv").stdout.count("\n") == 1  # the header alone
    assert run("delete", "1", "--yes").exit_code == 0
    assert query(journal, "SELECT count(*) AS n FROM search_map WHERE session_id = 1") == [{"n": "0"}]
    assert query(journal, "SELECT count(*) AS n FROM search_text WHERE search_text MATCH 'quiet'") == [{"n": "0"}]
    with sqlite3.connect(journal) as conn:
        conn.execute("INSERT INTO search_text (search_text, rank) VALUES ('integrity-check', 1)")


def test_a_journal_from_before_the_views_is_brought_up_to_date_and_still_searches(run, db_path, tmp_path):
    """A journal at m003, as earlier versions left it: m005 moves its index and adds the views."""
    from sqlite_utils import Database, Migrations

    from alliance_cli.store import migrations as steps

    assert run("log", "-c", "C-5", *set_flags(FULL_ANSWERS), db=tmp_path / "today.db").exit_code == 0
    with sqlite3.connect(tmp_path / "today.db") as today:
        snapshot = today.execute("SELECT snapshot FROM prompt_sets").fetchone()[0]
    db_path.parent.mkdir(parents=True)
    old = Migrations(steps.MIGRATION_SET)
    for step in steps.STEPS[:3]:
        old(name=step.__name__)(step)
    conn = sqlite3.connect(db_path)
    old.apply(Database(conn))
    conn.execute("INSERT INTO prompt_sets VALUES (1, 1, 'd', ?, 'now')", (snapshot,))
    conn.execute("INSERT INTO sessions VALUES (1, 'u-1', 'C-1', '2026-11-02', 'video', 'now', NULL, 1)")
    conn.execute("INSERT INTO answers VALUES (1, 'went_well', 'text', NULL, 'We laughed about the weather')")
    conn.execute("INSERT INTO answers VALUES (1, 'rupture', 'yesno', 0, NULL)")
    for prompt_id in ("empathy", "respect", "genuineness", "positive_regard", "active_listening"):
        conn.execute("INSERT INTO answers VALUES (1, ?, 'rating', 7, NULL)", (prompt_id,))
    conn.commit()
    conn.close()
    assert "**weather**" in run("search", "weather", "-f", "csv").stdout  # read as it is: nothing changes
    changed = run("edit", "1", "-s", "do_differently=Stay with the silence")  # a write brings it up to date
    assert changed.exit_code == 0, changed.stderr
    assert "**weather**" in run("search", "weather", "-f", "csv").stdout
    assert "**silence**" in run("search", "silence", "-f", "csv").stdout
    assert query(db_path, "SELECT count(*) AS n FROM search_map WHERE body IS NOT NULL") == [{"n": "2"}]
    assert query(db_path, "SELECT went_well FROM session_summary") == [{"went_well": "We laughed about the weather"}]
