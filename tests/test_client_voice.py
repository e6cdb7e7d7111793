"""Your read of the client and their own score go everywhere the data goes: the scripted log,
`show`, `list`, `export` (long and wide), `import`, and the recap of the next log."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from io import StringIO

from rich.console import Console

from alliance_cli.store.continuity import continuity
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags
from exchange_support import run_bytes


def log(run, client: str, day: str, **extra: str) -> None:
    result = run("log", "-c", client, "-d", day, *set_flags({**FULL_ANSWERS, **extra}))
    assert result.exit_code == 0, result.stderr


def test_a_scripted_log_takes_both_and_checks_them(run):
    log(run, "C-1", "2026-11-02", client_view="8", client_score="33.5")
    answers = json.loads(run("show", "1", "-f", "json").stdout)["answers"]
    assert (answers["client_view"], answers["client_score"]) == (8, 33.5)
    refused = run("log", "-c", "C-1", *set_flags({**FULL_ANSWERS, "client_view": "11", "client_score": "-1"}))
    assert refused.exit_code == 1
    assert "client_view: expected a whole number from 0 to 10" in refused.stderr
    assert "client_score: expected a number from 0 to 40" in refused.stderr
    shown = run("show", "1").stdout
    assert "Your read of the client" in shown and "33.5" in shown


def test_list_has_your_read_and_their_score_after_the_ratings(run):
    log(run, "C-1", "2026-11-02", client_view="8", client_score="33.5")
    log(run, "C-2", "2026-11-03")
    listed = json.loads(run("list", "-f", "json").stdout)
    assert list(listed[0])[-2:] == ["client_view", "client_score"]
    assert [(r["client"], r["client_view"], r["client_score"]) for r in listed] == [
        ("C-2", None, None),
        ("C-1", 8, 33.5),
    ]
    table = list(csv.reader(io.StringIO(run("list", "-f", "csv").stdout)))
    assert table[0][-2:] == ["client_view", "client_score"] and table[2][-2:] == ["8", "33.5"]
    shown = run("list").stdout
    assert "Read" in shown and "Score" in shown and "33.5" in shown


def test_list_table_leaves_the_two_columns_out_until_one_is_answered(run):
    log(run, "C-1", "2026-11-02")
    assert "Score" not in run("list").stdout
    assert list(json.loads(run("list", "-f", "json").stdout)[0])[-2:] == ["client_view", "client_score"]


def test_export_long_and_wide_carry_both_and_import_brings_them_back(run, db_path, tmp_path):
    log(run, "C-1", "2026-11-02", client_view="8")
    assert run("client-score", "1", "34").exit_code == 0
    code, out, _ = run_bytes("export", db=db_path)
    long = list(csv.reader(io.StringIO(out.decode(), newline="")))
    answers = {r[6]: (r[8], r[9]) for r in long[1:]}
    assert answers["client_view"] == ("rating", "8") and answers["client_score"] == ("number", "34")
    code, out, _ = run_bytes("export", "--shape", "wide", "-f", "json", db=db_path)
    (wide,) = json.loads(out)
    assert (wide["client_view"], wide["client_score"]) == (8, 34)
    exported = tmp_path / "journal.csv"
    exported.write_bytes(run_bytes("export", db=db_path)[1])
    fresh = tmp_path / "fresh.db"
    code, _, err = run_bytes("import", str(exported), db=fresh)
    assert code == 0, err
    with open_journal(fresh) as journal:
        again = journal.get_session(1)
    assert again is not None and (again.answers["client_view"], again.answers["client_score"]) == (8, 34)


def test_import_checks_a_score_against_the_measure(run, db_path, tmp_path):
    log(run, "C-1", "2026-11-02", client_score="39")
    exported = tmp_path / "journal.csv"
    exported.write_bytes(run_bytes("export", db=db_path)[1])
    assert run("config", "set", "client_measure", "Mine 0 to 20, cutoff 15").exit_code == 0
    code, _, err = run_bytes("import", str(exported), db=tmp_path / "fresh.db")
    assert code == 1 and "client_score: expected a number from 0 to 20" in err


def test_the_recap_brings_back_their_last_score_and_your_last_read(run, db_path):
    from alliance_cli.core.measures import SRS
    from alliance_cli.ui.recap import recap

    log(run, "C-014", "2026-11-02", client_view="7", client_score="35")
    log(run, "C-014", "2026-11-09", client_view="8")  # their score did not come this time
    with open_journal(db_path) as journal:
        found = continuity(journal, "C-014", date(2026, 11, 16))
    assert (found.last_score.date, found.last_score.value) == ("2026-11-02", 35)
    assert (found.last_view.date, found.last_view.value) == ("2026-11-09", 8)
    found.measure = SRS
    console = Console(file=StringIO(), width=100, color_system=None)
    console.print(recap(found))
    text = console.file.getvalue()
    assert "Their last SRS score: 35 of 40 (2026-11-02) · your last read of them: 8 (2026-11-09)" in text
    with open_journal(db_path) as journal:
        assert continuity(journal, "C-9", date(2026, 11, 16)).last_score is None
