"""`alliance report` and `alliance demo` as a user runs them: formats, widths, pipes, empty weeks."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from datetime import date, timedelta

import pytest

from alliance_cli.core.periods import iso_week_start
from test_report import add, ratings

ESC = "\x1b"


@pytest.fixture
def busy_week(db_path):
    rupture = {"rupture": True, "rupture_kind": "withdrawal", "repair_tried": "Named it."}
    add(
        db_path,
        ("C-014", "2026-11-09", ratings(8, intention="Open with a check-in on how last session left them.")),
        ("C-002", "2026-11-10", ratings(7, **rupture, repaired="no")),
        ("C-014", "2026-11-16", ratings(8, 7, 7, 8, 6, open_questions=True, went_well="We slowed | down.")),
        ("C-002", "2026-11-17", ratings(5, open_questions=False)),
        ("C-014", "2026-11-18", ratings(6, 6, 6, 7, 5, **rupture, repaired="yes")),
        ("C-0777-LONG-CODE", "2026-11-19", ratings(4, goals_together="together")),
    )
    return db_path


def test_json_has_the_documented_structure(run, busy_week):
    result = run("report", "--week", "2026-W47", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert list(data) == [
        "period",
        "previous_period",
        "client",
        "sessions",
        "clients",
        "days",
        "previous_sessions",
        "principles",
        "focus",
        "flags",
        "ruptures",
        "intentions",
        "follow_through",
        "practices",
        "notes",
        "thresholds",
        "calibration",
    ]
    # C-014's intention of 11-09 came up at their next session (11-16) and was not answered.
    assert data["follow_through"] == {
        "came_up": 1, "recorded": 0, "carried_out": 0, "partly": 0, "not_carried_out": 0, "rate": None,
    }  # fmt: skip
    assert data["period"] == {"start": "2026-11-16", "end": "2026-11-22", "days": 7}
    assert data["previous_period"]["start"] == "2026-11-09"
    assert (data["sessions"], data["clients"], data["notes"]) == (4, 3, None)
    empathy = data["principles"][0]
    assert list(empathy) == ["id", "title", "mean", "previous_mean", "change", "n", "previous_n", "weekly"]
    assert (empathy["id"], empathy["mean"], empathy["previous_mean"], empathy["change"]) == (
        "empathy",
        5.75,
        7.5,
        -1.75,
    )
    assert empathy["weekly"][-1] == {"week_start": "2026-11-16", "mean": 5.75, "n": 4}
    assert empathy["weekly"][0] == {"week_start": "2026-08-31", "mean": None, "n": 0}
    assert [r["open"] for r in data["ruptures"]] == [True, False]
    assert data["intentions"][0]["next_session"]["date"] == "2026-11-16"
    assert data["flags"][0]["client"] == "C-0777-LONG-CODE"


@pytest.mark.parametrize("width", [80, 160])
def test_rich_report_fits_the_terminal_width(run, busy_week, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = run("report", "--week", "2026-W47", "--notes")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for heading in (
        "Weekly review: 2026-11-16 to 2026-11-22",
        "Principles",
        "Focus for next week",
        "Clients to check in with",
        "Ruptures and repairs",
        "Intentions from the previous period",
        "Practices",
        "Notes",
    ):
        assert heading in out
    assert "Unconditional positive regard" in out
    assert "▼ −1.75" in out
    assert "no, still open" in out
    assert "Effective communication             1 of 2 sessions answered positively (50%); 2" in out
    assert "left it unanswered" in out
    assert "We slowed | down." in out
    assert max(len(line) for line in out.splitlines()) <= width
    assert ESC not in out
    side_by_side = any(
        "Clients to check in with" in line and "Ruptures and repairs" in line for line in out.splitlines()
    )
    assert side_by_side == (width >= 120)


@pytest.mark.parametrize("width", [80, 160])
def test_markdown_report_for_supervision(run, busy_week, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = run("report", "--week", "2026-W47", "--format", "markdown", "--notes")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Weekly review: 2026-11-16 to 2026-11-22 (week 47 of 2026)\n")
    assert "| Principle | This period | Before | Change | Last 12 weeks | Ratings |" in md
    assert "| Empathy | 5.75 | 7.50 | ▼ −1.75 |" in md
    assert "## Ruptures and repairs" in md
    assert "We slowed \\| down." in md  # a pipe in free text cannot break the table
    assert "| Effective communication | 1 of 2 sessions answered positively (50%); 2 left it unanswered |" in md
    assert ESC not in md


def test_piped_output_has_no_escape_codes(busy_week, alliance_exe, subprocess_env):
    env = {k: v for k, v in subprocess_env.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    proc = subprocess.run(
        [*alliance_exe, "report", "--week", "2026-W47"], env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert "Principles" in proc.stdout
    assert ESC not in proc.stdout


def test_no_color_keeps_colour_out_of_a_terminal(busy_week, alliance_exe, subprocess_env):
    env = dict(subprocess_env, FORCE_COLOR="1")
    env.pop("NO_COLOR", None)
    coloured = subprocess.run([*alliance_exe, "report", "--week", "2026-W47"], env=env, capture_output=True, text=True)
    assert "\x1b[33m" in coloured.stdout  # a fall shows in yellow on a terminal
    env["NO_COLOR"] = "1"
    plain = subprocess.run([*alliance_exe, "report", "--week", "2026-W47"], env=env, capture_output=True, text=True)
    assert plain.returncode == 0, plain.stderr
    assert "\x1b[33m" not in plain.stdout and "\x1b[32m" not in plain.stdout and "\x1b[36m" not in plain.stdout


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_an_empty_period_says_so_calmly(run, busy_week, fmt):
    result = run("report", "--week", "2026-W30", "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        data = json.loads(result.stdout)
        assert data["sessions"] == 0
        assert data["principles"][0]["mean"] is None
    else:
        assert "No sessions logged from 2026-07-20 to 2026-07-26" in result.stdout
        assert "alliance log" in result.stdout


def test_default_period_is_the_last_seven_days(run, db_path):
    today = date.today()
    add(db_path, ("C-1", (today - timedelta(days=6)).isoformat(), ratings(7)))
    add(db_path, ("C-1", (today - timedelta(days=7)).isoformat(), ratings(5)))
    data = json.loads(run("report", "-f", "json").stdout)
    assert data["period"] == {"start": (today - timedelta(days=6)).isoformat(), "end": today.isoformat(), "days": 7}
    assert (data["sessions"], data["previous_sessions"]) == (1, 1)
    assert data["principles"][0]["weekly"][-1]["week_start"] == iso_week_start(today).isoformat()


def test_until_alone_starts_at_the_first_session(run, busy_week):
    data = json.loads(run("report", "--until", "2026-11-22", "-f", "json").stdout)
    assert data["period"]["start"] == "2026-11-09"
    assert data["sessions"] == 6


def test_last_and_client_filters(run, busy_week):
    data = json.loads(
        run("report", "--since", "2026-11-09", "--until", "2026-11-22", "-c", "C-014", "-f", "json").stdout
    )
    assert (data["client"], data["sessions"], data["clients"]) == ("C-014", 3, 1)
    assert data["previous_period"] == {"start": "2026-10-26", "end": "2026-11-08", "days": 14}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--week", "2026-W60"], "2026 has no week 60."),
        (
            ["--week", "2026-W47", "--last", "4w"],
            "Use one of --week, --month, --last, or --since/--until, not several.",
        ),
        (["--since", "soon"], "'soon' is not a date"),
        (["--last", "0d"], "is not a length of time"),
        (["--last", "9999999999d"], "'9999999999d' is longer than a hundred years"),
        (["--last", "100000w"], "'100000w' is longer than a hundred years"),
        (["--since", "0001-01-02", "--until", "0001-01-03"], "--until 0001-01-03 is too far back"),
        (["--until", "9999-12-31"], "--until 9999-12-31 is too far ahead"),
        (["--since", "0001-01-01", "--until", "9999-12-31"], "--until 9999-12-31 is too far ahead"),
        (["--week", "0001-W01"], "--week 0001-W01 is too far back"),
    ],
)
def test_bad_periods_are_refused(run, busy_week, args, message):
    result = run("report", *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "args",
    [
        ["--last", "5217w"],
        ["--since", "1900-01-01", "--until", "1900-01-07"],
        ["--since", "1500-01-01", "--until", "2026-11-22"],
        ["--since", "2026-11-16", "--until", "2199-12-31"],
        ["--until", "2199-12-31"],
        ["--week", "1900-W01"],
    ],
)
def test_periods_at_the_edges_of_the_calendar_are_reviewed(run, busy_week, args):
    result = run("report", *args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["period"]["days"] >= 7


def test_export_refuses_a_date_too_far_ahead_and_writes_nothing(run, busy_week):
    result = run("export", "--until", "9999-12-31")
    assert result.exit_code == 1
    assert "--until 9999-12-31 is too far ahead" in result.stderr
    assert result.stdout == ""


def test_demo_fills_a_separate_journal_and_shows_its_review(run, db_path, tmp_path):
    demo_db = tmp_path / "sample" / "demo.db"
    first = run("demo", "--db", str(demo_db), "--format", "json")
    assert first.exit_code == 0, first.stderr
    assert "invented sessions" in first.stderr
    data = json.loads(first.stdout)
    assert data["sessions"] > 20
    assert len(data["principles"]) == 5
    assert not db_path.exists()  # the real journal was never created
    with sqlite3.connect(demo_db) as conn:
        count = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    again = run("demo", "--db", str(demo_db))
    assert again.exit_code == 0
    assert "Weekly review" in again.stdout
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == count


def test_demo_defaults_beside_the_journal_and_refuses_the_journal_itself(run, db_path, private_home):
    refused = run("demo", "--db", str(db_path))
    assert refused.exit_code == 1
    assert "is your journal" in refused.stderr
    assert not db_path.exists()
    result = run("demo", "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert (private_home / ".local" / "share" / "alliance" / "demo.db").exists()
    assert not db_path.exists()
    assert os.stat(private_home / ".local" / "share" / "alliance" / "demo.db").st_mode & 0o077 == 0


def test_a_client_without_sessions_in_the_period_is_named_calmly(run, busy_week):
    result = run("report", "--week", "2026-W47", "--client", "C-999")
    assert result.exit_code == 0
    assert "No sessions with C-999 logged from 2026-11-16 to 2026-11-22." in result.stdout


def test_a_since_at_the_start_of_the_calendar_is_not_an_error(run, busy_week):
    data = json.loads(run("report", "--since", "0001-01-01", "--until", "2026-11-22", "-f", "json").stdout)
    assert data["period"]["start"] == "2026-11-09"
    assert data["sessions"] == 6


def test_thresholds_come_from_the_settings_file(run, busy_week, tmp_path, monkeypatch):
    def flagged() -> list[tuple[str, list[str]]]:
        data = json.loads(run("report", "--week", "2026-W47", "-f", "json").stdout)
        return [(f["client"], f["reasons"]) for f in data["flags"]]

    assert flagged() == [("C-0777-LONG-CODE", ["low_mean"]), ("C-014", ["falling"])]
    settings = tmp_path / "config.toml"
    settings.write_text("[report]\nlow_mean = 5.5\nfalling_sessions = 4\n")
    monkeypatch.setenv("ALLIANCE_CONFIG", str(settings))
    assert flagged() == [("C-0777-LONG-CODE", ["low_mean"]), ("C-002", ["low_mean"])]


def test_a_client_code_without_sessions_is_named_on_stderr(run, busy_week):
    unknown = run("report", "--week", "2026-W47", "--client", "C-NOPE1", "-f", "json")
    assert unknown.exit_code == 0
    assert json.loads(unknown.stdout)["sessions"] == 0
    assert unknown.stderr == (
        "No session in this journal has the client code C-NOPE1; `alliance clients` lists the codes in use.\n"
    )
    known = run("report", "--week", "2026-W40", "--client", "C-014", "-f", "json")
    assert known.exit_code == 0
    assert known.stderr == ""
    export = run("export", "--client", "C-NOPE1")
    assert export.exit_code == 0
    assert export.stdout.splitlines() == [
        "session_id,uuid,date,client,session_number,modality,prompt_id,principle,kind,value"
    ]
    assert "no session in this journal has the client code c-nope1" in export.stderr.lower()
    assert run("export", "--client", "C-014").stderr == ""
