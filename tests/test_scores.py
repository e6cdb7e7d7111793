"""The client's own scores entered after the session: `client-score` and `import-scores`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import yaml

from alliance_cli.settings.paths import bundled_prompts_path
from conftest import FULL_ANSWERS, set_flags


def log(run, client: str, day: str, **extra: str) -> int:
    result = run("log", "-c", client, "-d", day, *set_flags({**FULL_ANSWERS, **extra}))
    assert result.exit_code == 0, result.stderr
    return int(result.stdout)


def shown(run, session_id: int) -> dict:
    return json.loads(run("show", str(session_id), "-f", "json").stdout)


def scores(db: Path) -> dict[int, float]:
    with sqlite3.connect(db) as conn:
        return dict(conn.execute("SELECT session_id, value_num FROM answers WHERE prompt_id = 'client_score'"))


# -- client-score ------------------------------------------------------------------------------


def test_client_score_adds_the_total_to_a_session_and_says_so(run, db_path):
    log(run, "C-014", "2026-11-20", client_view="8")
    result = run("client-score", "1", "33.5")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == "Saved the client's SRS score 33.5 for session 1 (C-014, 2026-11-20).\n"
    session = shown(run, 1)
    assert (session["answers"]["client_view"], session["answers"]["client_score"]) == (8, 33.5)
    assert session["edited_at"] is not None
    again = run("client-score", "1", "31")
    assert "Saved the client's SRS score 31 for session 1 (C-014, 2026-11-20), in place of 33.5." in again.stderr
    same = run("client-score", "1", "31")
    assert same.exit_code == 0 and "was already 31; nothing changed" in same.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["1", "41"], "score: expected a number from 0 to 40 (the SRS total)"),
        (["1", "high"], "score: expected a number"),
        (["9", "30"], "No session with id 9"),
    ],
)
def test_client_score_refuses_a_score_off_the_measure_or_an_unknown_session(run, db_path, args, message):
    log(run, "C-014", "2026-11-20")
    result = run("client-score", *args)
    assert result.exit_code == 1 and message in result.stderr
    assert scores(db_path) == {}


def test_client_score_takes_the_measure_from_the_settings(run, db_path):
    log(run, "C-014", "2026-11-20")
    assert run("config", "set", "client_measure", "Session scale 0 to 100, cutoff 70").exit_code == 0
    assert "expected a number from 0 to 100" in run("client-score", "1", "101").stderr
    result = run("client-score", "1", "64")
    assert result.exit_code == 0 and "Saved the client's Session scale score 64" in result.stderr
    assert scores(db_path) == {1: 64}
    # The log checks the score on the same measure.
    refused = run("log", "-c", "C-2", "-d", "2026-11-20", *set_flags({**FULL_ANSWERS, "client_score": "120"}))
    assert refused.exit_code == 1 and "client_score: expected a number from 0 to 100" in refused.stderr


def test_a_session_logged_before_the_score_prompt_existed_takes_a_score_and_still_edits(run, db_path, tmp_path):
    old = yaml.safe_load(bundled_prompts_path().read_text())
    old["prompts"] = [p for p in old["prompts"] if p["id"] not in ("client_view", "client_score")]
    older = tmp_path / "older.yaml"
    older.write_text(yaml.safe_dump(old, sort_keys=False))
    assert run("log", "-c", "C-3", "-d", "2026-11-02", "--prompts", str(older), *set_flags(FULL_ANSWERS)).exit_code == 0
    assert run("client-score", "1", "35").exit_code == 0
    edited = run("edit", "1", "--set", "empathy=9", "--set", "empathy_moment=When they laughed.")
    assert edited.exit_code == 0, edited.stderr
    assert shown(run, 1)["answers"]["client_score"] == 35 and shown(run, 1)["answers"]["empathy"] == 9
    removed = run("edit", "1", "--set", "client_score=")  # the session's prompt set knows the score now
    assert removed.exit_code == 0, removed.stderr
    assert "client_score" not in shown(run, 1)["answers"]


def test_client_score_needs_a_prompt_set_with_a_score_prompt(run, db_path, tmp_path):
    log(run, "C-014", "2026-11-20")
    data = yaml.safe_load(bundled_prompts_path().read_text())
    data["prompts"] = [p for p in data["prompts"] if p["id"] != "client_score"]
    mine = tmp_path / "mine.yaml"
    mine.write_text(yaml.safe_dump(data, sort_keys=False))
    result = run("client-score", "1", "30", "--prompts", str(mine))
    assert result.exit_code == 1 and "no prompt for the client's own score (role: client_score)" in result.stderr


# -- import-scores -----------------------------------------------------------------------------


def write_csv(tmp_path: Path, text: str, name: str = "scores.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    return path


def caseload(run) -> None:
    log(run, "C-1", "2026-11-02")  # 1
    log(run, "C-1", "2026-11-09")  # 2
    log(run, "C-2", "2026-11-03")  # 3
    log(run, "C-2", "2026-11-10")  # 4
    log(run, "C-2", "2026-11-10")  # 5: a second session that day


def test_import_scores_matches_client_and_date_and_writes_them_all(run, db_path, tmp_path):
    caseload(run)
    file = write_csv(
        tmp_path,
        "\ufeffClient,Date,Score,Form\n"  # a spreadsheet's byte-order mark, headers in any case, a column too many
        "c-1,2026-11-02,34,paper\n"
        "C-1,2026-11-09,35.5,app\n"
        "C-2,2026-11-03,,app\n",  # no score that day: passed over
    )
    result = run("import-scores", str(file))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"Added 2 client scores (SRS) from {file}.",
        "1 row without a score was passed over.",
    ]
    assert scores(db_path) == {1: 34, 2: 35.5}
    again = run("import-scores", str(file))
    assert "Added 0 client scores (SRS)" in again.stderr and "2 scores were already in the journal" in again.stderr


def test_import_scores_lists_every_bad_row_and_writes_nothing(run, db_path, tmp_path):
    caseload(run)
    assert run("client-score", "3", "30").exit_code == 0
    file = write_csv(
        tmp_path,
        "client,date,score\n"
        "C-1,2026-11-02,34\n"  # row 2: fine, but not written: all or nothing
        "C-9,2026-11-02,34\n"  # 3: no such session
        "C-2,2026-11-10,33\n"  # 4: two sessions that day
        "C-1,2026-11-09,44\n"  # 5: out of the SRS's range
        "C-1,20/11/2026,30\n"  # 6: not a date
        "Maria Lopez,2026-11-02,30\n"  # 7: a name, not a code
        "C-1,2026-11-02,36\n"  # 8: the same session as row 2, another score
        "C-2,2026-11-03,32\n"  # 9: has 30 already
        "C-1,2026-11-09\n",  # 10: a cell short
    )
    result = run("import-scores", str(file))
    assert result.exit_code == 1
    name = str(file)
    assert result.stderr.splitlines() == [
        f"alliance: {name}, row 3: client, date: no session with C-9 on 2026-11-02",
        f"alliance: {name}, row 4: client, date: 2 sessions with C-2 on 2026-11-10 (4 and 5); "
        "give each its score with `alliance client-score ID VALUE`",
        f"alliance: {name}, row 5: score: expected a number from 0 to 40 (the SRS total)",
        f"alliance: {name}, row 6: date: expected a date as YYYY-MM-DD",
        f"alliance: {name}, row 7: client: That client code looks like a personal name; use a pseudonymous "
        "code such as C-014 (`alliance client-code` suggests a fresh one)",
        f"alliance: {name}, row 8: score: row 2 gives the same session another score",
        f"alliance: {name}, row 9: score: session 3 already has the score 30; --replace puts the file's in its place",
        f"alliance: {name}, row 10: row: has 2 cells; the header has 3",
        "alliance: Nothing was imported: correct these rows (or take them out) and run it again.",
    ]
    assert "Maria" not in result.stderr  # what the file holds in place of a code is never repeated
    assert scores(db_path) == {3: 30}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions WHERE edited_at IS NOT NULL").fetchone()[0] == 1


def test_import_scores_replaces_only_when_asked_and_a_dry_run_changes_nothing(run, db_path, tmp_path):
    caseload(run)
    assert run("client-score", "3", "30").exit_code == 0
    file = write_csv(tmp_path, "client,date,score\nC-2,2026-11-03,32\nC-1,2026-11-02,37\n")
    dry = run("import-scores", str(file), "--replace", "--dry-run")
    assert dry.exit_code == 0
    assert dry.stderr.splitlines() == [
        f"Would add 1 client score (SRS) from {file}.",
        "Would replace 1 score with the file's.",
        "Dry run: nothing was changed.",
    ]
    assert scores(db_path) == {3: 30}
    assert run("import-scores", str(file), "--replace").exit_code == 0
    assert scores(db_path) == {1: 37, 3: 32}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("client,day,score\nC-1,2026-11-02,30\n", "the 'date' column is missing"),
        ("client,date,score,score\n", "the 'score' column appears twice"),
        ("", "the file is empty"),
    ],
)
def test_import_scores_needs_the_three_columns(run, db_path, tmp_path, text, message):
    caseload(run)
    result = run("import-scores", str(write_csv(tmp_path, text)))
    assert result.exit_code == 1 and message in result.stderr
    assert scores(db_path) == {}


def test_import_scores_reads_stdin(run, db_path):
    caseload(run)
    result = run("import-scores", "-", input="client,date,score\nC-1,2026-11-09,29\n")
    assert result.exit_code == 0, result.stderr
    assert "Added 1 client score (SRS) from stdin." in result.stderr
    assert scores(db_path) == {2: 29}
