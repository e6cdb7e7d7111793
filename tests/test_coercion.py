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


def test_formats_and_whole_numbers_arrive_as_typed_without_pydantic(run, subprocess_env):
    """`list`, `clients` and `search` take `--format` and `--limit` without loading pydantic
    (about 90 modules); the values still arrive, and bad ones are still refused in one line."""
    import subprocess
    import sys

    for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
        assert run("log", "-c", "C-1", "-d", day, *set_flags(FULL_ANSWERS)).exit_code == 0
    rows = json.loads(run("list", "--limit", "2", "--format", "json").stdout)
    assert [r["date"] for r in rows] == ["2026-11-04", "2026-11-03"]
    assert run("clients", "-f", "csv").stdout.startswith("client,")
    probe = (
        "import sys\nfrom alliance_cli.cli.main import run\n"
        "code = run(['list', '--limit', '1', '-f', 'csv'])\n"
        "print(code, 'pydantic' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=subprocess_env, capture_output=True, text=True)
    assert done.stdout.count("\n") == 2 and done.stderr.split()[-2:] == ["0", "False"], done.stderr
    refused = run("list", "--limit", "two")
    assert refused.exit_code == 2 and "--limit" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1


def test_the_ids_of_a_delete_arrive_as_whole_numbers_without_pydantic(run, subprocess_env):
    """`delete 41 42` takes its ids as the list of whole numbers Typer's adapter would make,
    without loading pydantic for them (about 60 ms of every delete); an id that is not a
    whole number is still refused by Typer, in one line, and nothing is deleted."""
    import subprocess
    import sys

    ids = []
    for day in ("2026-11-02", "2026-11-03", "2026-11-04"):
        logged = run("log", "-c", "C-1", "-d", day, *set_flags(FULL_ANSWERS))
        assert logged.exit_code == 0, logged.stderr
        ids.append(logged.stdout.strip())
    probe = (
        "import sys\nfrom alliance_cli.cli.main import run\n"
        f"code = run(['delete', '+{ids[0]}', '{ids[2]}', '--yes'])\n"
        "print(code, 'pydantic' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run([sys.executable, "-c", probe], env=subprocess_env, capture_output=True, text=True)
    assert done.stderr.split()[-2:] == ["0", "False"], done.stderr
    assert "Deleted 2 sessions" in done.stderr
    left = json.loads(run("list", "--format", "json").stdout)
    assert [str(r["session_id"]) for r in left] == [ids[1]]
    refused = run("delete", ids[1], "1_0x", "--yes")
    assert refused.exit_code == 2 and "1_0x" in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    assert [str(r["session_id"]) for r in json.loads(run("list", "--format", "json").stdout)] == [ids[1]]
