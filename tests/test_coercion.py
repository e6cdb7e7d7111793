"""Options coerced without Typer's pydantic adapters (`cli.coercion`) are taken and refused
exactly as before: the values reach the command as typed, a bad path is named in one line."""

from __future__ import annotations

import json

from conftest import FULL_ANSWERS, set_flags


def test_a_journal_path_that_is_a_folder_is_refused_in_one_line(run, tmp_path):
    result = run("list", "--db", str(tmp_path))
    assert result.exit_code == 2
    assert "is a directory" in result.stderr and str(tmp_path.name) in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_repeated_answers_and_strings_arrive_as_typed(run):
    answers = dict(FULL_ANSWERS, went_well="Stayed with the silence = a good thing")
    logged = run("log", "-c", "c-014", "--date", "2026-11-02", "-m", "video", *set_flags(answers))
    assert logged.exit_code == 0, logged.stderr
    shown = json.loads(run("show", logged.stdout.strip(), "--format", "json").stdout)
    assert (shown["client"], shown["date"], shown["modality"]) == ("C-014", "2026-11-02", "video")
    assert shown["answers"]["went_well"] == "Stayed with the silence = a good thing"
    assert shown["answers"]["empathy"] == int(FULL_ANSWERS["empathy"])


def test_an_answers_file_read_from_stdin_with_a_dash(run):
    answers = json.dumps({"client": "C-2", "date": "2026-11-03", "answers": FULL_ANSWERS})
    logged = run("log", "--answers", "-", input=answers)
    assert logged.exit_code == 0, logged.stderr
    assert json.loads(run("show", logged.stdout.strip(), "--format", "json").stdout)["client"] == "C-2"


def test_other_kinds_of_option_are_still_checked_by_typer(run):
    refused = run("list", "--format", "yaml")
    assert refused.exit_code == 2 and "--format" in refused.stderr
    assert run("list", "--limit", "x").exit_code == 2
