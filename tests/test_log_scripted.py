"""Logging without questions: flags, an answers file, stdin."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from conftest import FULL_ANSWERS, set_flags


def count_rows(db: Path, table: str) -> int:
    if not db.exists():
        return 0
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_scripted_log_saves_session_and_prints_its_id(run, db_path):
    result = run(
        "log",
        "--client",
        "C-014",
        "--date",
        "2026-11-20",
        *set_flags(FULL_ANSWERS),
        "--set",
        "went_well=We named the pattern, together.",
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "1"
    assert "Saved session 1" in result.stderr
    shown = run("show", "1", "--format", "json")
    data = json.loads(shown.stdout)
    assert data["client"] == "C-014"
    assert data["date"] == "2026-11-20"
    assert data["answers"]["empathy"] == 7
    assert data["answers"]["rupture"] is False
    assert data["answers"]["went_well"] == "We named the pattern, together."
    assert data["session_number"] == 1


def test_journal_folder_and_file_are_private(run, db_path):
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    assert db_path.parent.stat().st_mode & 0o777 == 0o700
    for path in db_path.parent.iterdir():
        assert path.stat().st_mode & 0o077 == 0, path


def test_session_numbers_count_per_client(run):
    for client, day in [("C-1", "2026-11-02"), ("C-2", "2026-11-03"), ("C-1", "2026-11-09"), ("C-1", "2026-11-16")]:
        assert run("log", "-c", client, "-d", day, *set_flags(FULL_ANSWERS)).exit_code == 0
    rows = json.loads(run("list", "--format", "json").stdout)
    assert [(r["client"], r["session_number"]) for r in rows] == [("C-1", 3), ("C-1", 2), ("C-2", 1), ("C-1", 1)]


def test_answers_file_yaml_with_session_fields(run, tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text(
        "client: C-7\ndate: 2026-11-19\nmodality: video\nanswers:\n"
        + "".join(f"  {k}: {v}\n" for k, v in FULL_ANSWERS.items())
        + "  goals_together: together\n"
    )
    result = run("log", "--answers", str(answers))
    assert result.exit_code == 0, result.stderr
    data = json.loads(run("show", "1", "-f", "json").stdout)
    assert (data["client"], data["date"], data["modality"]) == ("C-7", "2026-11-19", "video")
    assert data["answers"]["goals_together"] == "together"


def test_answers_from_stdin_as_json(run):
    doc = json.dumps({"client": "C-8", **{k: int(v) if v.isdigit() else v for k, v in FULL_ANSWERS.items()}})
    result = run("log", "--answers", "-", input=doc)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "1"


def test_bad_input_lists_every_problem_and_writes_nothing(run, db_path):
    result = run(
        "log",
        "-c",
        "C-1",
        "-d",
        "2026-02-30",
        "--set",
        "empathy=11",
        "--set",
        "nonsense=3",
        "--set",
        "rupture=maybe",
        "--set",
        "rupture_kind=withdrawal",
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert "alliance: date: '2026-02-30' is not a date; February 2026 has no day 30." in lines
    assert "alliance: nonsense: not a prompt in this prompt set (see `alliance prompts show`)" in lines
    assert "alliance: empathy: expected a whole number from 0 to 10" in lines
    assert "alliance: rupture: answer yes or no" in lines
    assert "alliance: respect: required, but no answer was given" in lines
    assert "Traceback" not in result.stderr
    assert count_rows(db_path, "sessions") == 0
    assert count_rows(db_path, "answers") == 0


def test_when_condition_refuses_answers_to_prompts_not_asked(run, db_path):
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "--set", "repaired=yes")
    assert result.exit_code == 1
    assert "alliance: repaired: only asked when rupture is yes" in result.stderr
    assert count_rows(db_path, "sessions") == 0


def test_rupture_details_are_kept_when_rupture_is_yes(run):
    answers = {**FULL_ANSWERS, "rupture": "yes", "rupture_kind": "withdrawal", "repaired": "partly"}
    assert run("log", "-c", "C-1", *set_flags(answers)).exit_code == 0
    saved = json.loads(run("show", "1", "-f", "json").stdout)["answers"]
    assert saved["rupture"] is True and saved["rupture_kind"] == "withdrawal" and saved["repaired"] == "partly"


def test_name_like_client_code_is_refused_with_advice(run, db_path):
    result = run("log", "-c", "Maria", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 1
    assert "looks like it could be a name" in result.stderr
    assert "Maria" not in result.stderr  # what was typed may be a name: never repeated
    assert "alliance client-code" in result.stderr
    assert count_rows(db_path, "sessions") == 0


def test_future_date_is_refused(run):
    result = run("log", "-c", "C-1", "-d", "2999-01-01", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 1
    assert "is in the future" in result.stderr


def test_missing_required_without_terminal_lists_what_is_missing(run):
    result = run("log", "-c", "C-1", "--set", "empathy=5", input="")
    assert result.exit_code == 1
    missing = [line for line in result.stderr.splitlines() if "required, but no answer" in line]
    assert [m.split(":")[1].strip() for m in missing] == [
        "respect",
        "genuineness",
        "positive_regard",
        "active_listening",
        "rupture",
    ]


def test_error_messages_never_quote_answer_text(run):
    secret = "Client mentioned her sister Anna"
    result = run("log", "-c", "C-1", "--set", secret, "--set", f"empathy={secret}")
    assert result.exit_code == 1
    assert secret not in result.stderr and "Anna" not in result.stderr


def test_answers_are_shown_exactly_as_typed(run):
    odd = "[/bold] oops, she emailed at [redacted] after [b]the session[/b]"
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "--set", f"went_well={odd}").exit_code == 0
    shown = run("show", "1")
    assert shown.exit_code == 0, shown.stderr
    assert odd in " ".join(shown.stdout.split())
    search = run("search", "oops")
    assert search.exit_code == 0 and "[redacted]" in search.stdout


def test_client_codes_ignore_case(run):
    assert run("log", "-c", "c-014", "-d", "2026-11-02", *set_flags(FULL_ANSWERS)).exit_code == 0
    second = run("log", "-c", "C-014", "-d", "2026-11-09", *set_flags(FULL_ANSWERS))
    assert "session 2 with this client" in second.stderr
    rows = json.loads(run("list", "--client", "c-014", "-f", "json").stdout)
    assert [r["client"] for r in rows] == ["C-014", "C-014"]


def test_answers_file_with_an_impossible_date_or_binary_input(run, tmp_path, db_path):
    answers = tmp_path / "a.yaml"
    answers.write_text("client: C-1\ndate: 2026-02-30\n" + "".join(f"{k}: {v}\n" for k, v in FULL_ANSWERS.items()))
    result = run("log", "--answers", str(answers))
    assert result.exit_code == 1
    assert result.stderr == "alliance: date: '2026-02-30' is not a date; February 2026 has no day 30.\n"
    binary = tmp_path / "b.yaml"
    binary.write_bytes(bytes(range(128, 256)) * 3)
    result = run("log", "--answers", str(binary))
    assert result.exit_code == 1
    assert result.stderr == f"alliance: {binary}: the answers file is not UTF-8 text\n"
    assert count_rows(db_path, "sessions") == 0


def test_draft_options_without_a_terminal(run, db_path):
    from alliance_cli.store.journal import open_journal

    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    with open_journal(db_path) as journal:
        journal.save_draft(None, {"client": "C-2", "answers": {"empathy": 4}, "asked": ["empathy"]})
    resumed = run("log", "--resume", input="")
    assert resumed.exit_code == 1
    assert "needs a terminal" in resumed.stderr
    noted = run("log", "-c", "C-3", *set_flags(FULL_ANSWERS))
    assert noted.exit_code == 0 and "an unfinished log is waiting (C-2, 1 answer" in noted.stderr
    discarded = run("log", "--discard-draft", input="")
    assert (discarded.exit_code, discarded.stderr) == (0, "Discarded the unfinished log.\n")
    with open_journal(db_path) as journal:
        assert journal.latest_draft() is None


def test_discard_draft_without_a_draft_says_so(run):
    result = run("log", "--discard-draft", input="")
    assert (result.exit_code, result.stderr) == (1, "alliance: There is no unfinished log to discard.\n")
