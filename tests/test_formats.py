"""One output switch: the same --format names everywhere, one JSON encoding of a value, one id key."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import FULL_ANSWERS, set_flags

OFFERED = {
    ("list",): "<table|json|jsonl|csv>",
    ("search", "x"): "<table|json|jsonl|csv>",
    ("clients",): "<table|json|jsonl|csv>",
    ("doctor",): "<table|json|jsonl|csv>",
    ("show", "1"): "<table|json>",
    ("report",): "<table|markdown|json>",
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


def test_import_takes_auto_as_before(run, tmp_path):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    file = tmp_path / "x.csv"
    file.write_text(run("export").stdout)
    result = run("import", str(file), "--format", "auto", "--dry-run")
    assert result.exit_code == 0, result.stderr
