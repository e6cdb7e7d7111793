"""`alliance report` and `alliance demo` as a user runs them: formats, widths, pipes, empty weeks."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from alliance_cli.core.periods import iso_week_start
from test_report import PS, add, asked, ratings

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
        "baseline",
        "principles",
        "goal",
        "focus",
        "no_focus",
        "flags",
        "ruptures",
        "older_open_ruptures",
        "rupture_weekly",
        "strategies",
        "intentions",
        "intentions_set",
        "follow_through",
        "follow_through_weekly",
        "practices",
        "notes",
        "thresholds",
        "calibration",
    ]
    # C-014's intention of 11-09 came up at their next session (11-16) and was not answered.
    assert data["follow_through"] == {
        "came_up": 1, "recorded": 0, "carried_out": 0, "partly": 0, "not_carried_out": 0, "rate": None,
    }  # fmt: skip
    assert (data["intentions"], data["intentions_set"]) == ([], 1)  # not answered: counted, not listed
    assert data["period"] == {"start": "2026-11-16", "end": "2026-11-22", "days": 7}
    assert data["previous_period"]["start"] == "2026-11-09"
    assert (data["sessions"], data["clients"], data["notes"]) == (4, 3, None)
    # Session means 8, 7, 7.2, 5, 6 and 4: your baseline is 6.2.
    assert data["baseline"]["mean"] == 6.2 and data["baseline"]["sessions"] == 6
    empathy = data["principles"][0]
    assert list(empathy) == ["id", "title", "mean", "previous_mean", "change", "n", "previous_n", "weekly"]
    assert (empathy["id"], empathy["mean"], empathy["previous_mean"], empathy["change"]) == (
        "empathy",
        5.8,
        7.5,
        -1.7,
    )
    assert empathy["weekly"][-1] == {"week_start": "2026-11-16", "mean": 5.8, "n": 4}
    assert empathy["weekly"][0] == {"week_start": "2026-08-31", "mean": None, "n": 0}
    assert [r["open"] for r in data["ruptures"]] == [True, False]
    assert data["ruptures"][0]["markers"] == [] and data["ruptures"][0]["response"] is None
    assert [(f["client"], f["reasons"], f["last"]) for f in data["flags"]] == [
        ("C-002", ["open_rupture"], 5.0),
        ("C-0777-LONG-CODE", ["early_below_baseline"], 4.0),
    ]
    assert (data["focus"], data["no_focus"]) == (None, "too_few_ratings")
    assert data["thresholds"]["below_baseline"] == 2.2 and data["thresholds"]["focus_min_ratings"] == 15
    assert data["rupture_weekly"][-1] == {"week_start": "2026-11-16", "count": 1, "total": 4, "rate": 0.25}


def _aligned(out: str, header: str, columns: list[str]) -> None:
    """Below `header`'s line, every row of the table ends each right-aligned column where its heading ends."""
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.lstrip().startswith(header))
    ends = [lines[top].index(c) + len(c) for c in columns]
    rows = []
    for line in lines[top + 2 :]:
        if not line.strip():
            break
        rows.append(line)
    figures = [line for line in rows if re.search(r"\d\.\d", line)]  # a row's first line, not a wrapped one
    assert figures, out
    for line in figures:
        for end in ends:
            assert line[end - 1].isdigit() and (end == len(line) or line[end] == " "), (line, end)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_rich_report_fits_the_terminal_width(run, busy_week, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = run("report", "--week", "2026-W47", "--notes")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for heading in (
        "Weekly review: 2026-11-16 to 2026-11-22",
        "These are your own ratings",
        "Principles",
        "Focus for next week",
        "No clear focus this week",
        "Clients to check in with",
        "Ruptures and repairs",
        "Intentions from the previous period",
        "Practices",
        "Notes",
    ):
        assert heading in out
    flat = " ".join(out.split())  # a cell may wrap at 60 columns
    assert "Unconditional positive regard" in flat or width < 80  # at 60 the title wraps in its cell
    assert "Unconditional" in out and "positive regard" in out
    assert "▼ −1.7" in out
    assert "no, still open" in flat
    assert "1 of 2 (50%)" in out and "unanswered" in out  # within its cell, wrapped when narrow
    assert "We slowed | down." in flat
    assert max(len(line) for line in out.splitlines()) <= width
    assert ESC not in out
    _aligned(out, "Principle ", ["Now", "Before", "Ratings"])
    _aligned(out, "Client  ", ["Last"])


@pytest.mark.parametrize("width", [80, 160])
def test_markdown_report_for_supervision(run, busy_week, monkeypatch, width):
    monkeypatch.setenv("COLUMNS", str(width))
    result = run("report", "--week", "2026-W47", "--format", "markdown", "--notes")
    assert result.exit_code == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Weekly review: 2026-11-16 to 2026-11-22 (week 47 of 2026)\n")
    assert "| Principle | This period | Before | Change | Last 12 weeks | Ratings |" in md
    assert "| Empathy | 5.8 | 7.5 | ▼ −1.7 |" in md
    assert "## Ruptures and repairs" in md
    assert "We slowed \\| down." in md  # a pipe in free text cannot break the table
    assert f"| {asked('open_questions')} | 1 of 2 (50%); 2 left it unanswered |" in md
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
    def review() -> dict:
        return json.loads(run("report", "--week", "2026-W47", "-f", "json").stdout)

    assert [f["client"] for f in review()["flags"]] == ["C-002", "C-0777-LONG-CODE"]
    settings = tmp_path / "config.toml"
    settings.write_text("[report]\nearly_below_baseline = 3\nbelow_baseline = 3\nfocus_min_ratings = 4\n")
    monkeypatch.setenv("ALLIANCE_CONFIG", str(settings))
    data = review()
    assert [f["client"] for f in data["flags"]] == ["C-002"]
    assert (data["thresholds"]["early_below_baseline"], data["thresholds"]["focus_min_ratings"]) == (3.0, 4)
    assert data["no_focus"] == "none_stands_out"  # enough ratings now, but one week cannot show persistence


def test_at_most_five_clients_are_shown_then_the_rest_are_counted(run, db_path, monkeypatch):
    rupture = {"rupture": True, "rupture_kind": "withdrawal", "repaired": "no"}
    add(db_path, *[(f"C-{i:02d}", "2026-11-17", ratings(7, **rupture)) for i in range(8)])
    monkeypatch.setenv("COLUMNS", "80")
    out = run("report", "--week", "2026-W47").stdout
    assert "and 3 more: `alliance clients`" in out
    assert "C-04" in out and "C-05" not in out.split("Ruptures and repairs")[0]
    assert "7.0" in out.split("Clients to check in with")[1].split("and 3 more")[0]  # the last value


def test_a_week_without_ruptures_is_not_called_good_news(run, db_path, monkeypatch):
    add(db_path, ("C-1", "2026-11-17", ratings(7)))
    out = " ".join(run("report", "--week", "2026-W47").stdout.split())
    assert "0 ruptures recorded this period" in out
    assert "Quiet withdrawal" in out and "easiest kind of rupture to miss" in out
    assert "none left open" not in out


def test_open_ruptures_older_than_the_window_are_counted(run, db_path):
    rupture = {"rupture": True, "rupture_kind": "withdrawal", "repaired": "no"}
    add(
        db_path,
        ("C-OLD", "2026-03-02", ratings(7, **rupture)),  # long ago, never repaired
        ("C-OLD", "2026-03-09", ratings(7, **rupture, rupture_revisited="yes")),  # the first closed, this one not
        ("C-GONE", "2026-04-06", ratings(7, **{**rupture, "repaired": "yes"})),  # repaired: not counted
        ("C-GONE", "2026-11-16", ratings(7)),
        ("C-AWAY", "2026-03-02", ratings(7, **rupture)),  # open, but not seen this period
        ("C-AWAY", "2026-10-05", ratings(7)),
        ("C-OLD", "2026-11-18", ratings(7)),  # seen this week, without coming back to it
        ("C-1", "2026-11-17", ratings(7)),
    )
    data = json.loads(run("report", "--week", "2026-W47", "-f", "json").stdout)
    assert data["older_open_ruptures"] == 1 and data["ruptures"] == []
    assert [(f["client"], f["reasons"], f["last"]) for f in data["flags"]] == [("C-OLD", ["open_rupture"], 7.0)]
    out = " ".join(run("report", "--week", "2026-W47").stdout.split())
    assert "and 1 older still open" in out


def test_intentions_are_listed_only_when_they_still_need_a_thought(run, db_path):
    add(
        db_path,
        ("C-1", "2026-11-10", ratings(7, intention="Ask about the sleep diary.")),
        ("C-1", "2026-11-17", ratings(7, intention_followed="yes")),
        ("C-2", "2026-11-10", ratings(7, intention="Leave more silence.")),
        ("C-2", "2026-11-17", ratings(7, intention_followed="partly")),
        ("C-3", "2026-11-11", ratings(7, intention="Name the tension.")),  # no session since
    )
    data = json.loads(run("report", "--week", "2026-W47", "-f", "json").stdout)
    assert [i["text"] for i in data["intentions"]] == ["Leave more silence.", "Name the tension."]
    assert data["intentions_set"] == 3
    assert data["follow_through"]["rate"] == 0.5
    assert data["follow_through_weekly"][-1]["rate"] == 0.5
    out = " ".join(run("report", "--week", "2026-W47").stdout.split())
    assert "Ask about the sleep diary." not in out
    assert "Carried out, 12 weeks:" in out


def test_notes_show_the_rating_beside_each_moment(run, db_path):
    add(db_path, ("C-1", "2026-11-17", ratings(9, 6, 6, 6, 6, empathy_moment="The pause after the letter.")))
    data = json.loads(run("report", "--week", "2026-W47", "--notes", "-f", "json").stdout)
    (group,) = [g for g in data["notes"] if g["prompt_id"] == "empathy_moment"]
    assert (group["rating_title"], group["notes"][0]["rating"]) == ("Empathy", 9)
    md = run("report", "--week", "2026-W47", "--notes", "-f", "markdown").stdout
    assert "- 2026-11-17 · C-1 (Empathy 9): The pause after the letter." in md


def test_a_journal_logged_before_the_rupture_detail_is_reviewed_as_it_was(run, db_path, monkeypatch):
    """Sessions logged with the prompt set of before issue 14 (no markers, strategies or
    response; no goal table needed): the review reads them as they were, nothing rewritten."""
    old = str(Path(__file__).parent / "data" / "prompts-before-issue-14.yaml")
    sessions = [
        ("C-1", "2026-11-10", ["rupture=yes", "rupture_kind=confrontation", "repaired=no"]),
        ("C-1", "2026-11-17", ["rupture=no", "rupture_revisited=partly"]),
        ("C-2", "2026-11-18", ["rupture=yes", "rupture_kind=withdrawal", "repaired=yes", "open_questions=yes"]),
    ]
    for client, day, answers in sessions:
        five = [f"{p}=7" for p in ("empathy", "respect", "genuineness", "positive_regard", "active_listening")]
        sets = [arg for pair in [*five, *answers] for arg in ("--set", pair)]
        result = run("log", "-c", client, "-d", day, "--prompts", old, *sets)
        assert result.exit_code == 0, result.stderr
    before = sqlite3.connect(db_path).execute("SELECT COUNT(*), SUM(length(value_text)) FROM answers").fetchone()
    data = json.loads(run("report", "--week", "2026-W47", "-f", "json").stdout)
    assert [(r["client"], r["kind"], r["open"], r["markers"], r["strategies"]) for r in data["ruptures"]] == [
        ("C-1", "confrontation", True, [], []),
        ("C-2", "withdrawal", False, [], []),
    ]
    assert [(f["client"], f["reasons"]) for f in data["flags"]] == [("C-1", ["open_rupture", "confrontation"])]
    assert data["goal"] is None and data["strategies"] == []
    monkeypatch.setenv("COLUMNS", "60")
    out = run("report", "--week", "2026-W47").stdout
    assert "confrontation" in out and "no, still open" in " ".join(out.split())
    assert max(len(line) for line in out.splitlines()) <= 60
    after = sqlite3.connect(db_path).execute("SELECT COUNT(*), SUM(length(value_text)) FROM answers").fetchone()
    assert after == before  # reviewing never rewrites what is stored


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


@pytest.mark.skipif(os.name != "posix", reason="pseudo-terminals are POSIX-only")
@pytest.mark.parametrize("no_pager", [False, True])
def test_a_review_taller_than_the_terminal_goes_through_the_pager(
    busy_week, alliance_exe, subprocess_env, tmp_path, no_pager
):
    import pexpect

    paged = tmp_path / "paged.txt"
    env = dict(subprocess_env, TERM="xterm", PAGER=f"cat > {paged}", COLUMNS="100", LINES="15")
    args = [*alliance_exe[1:], "report", "--week", "2026-W47", *(["--no-pager"] if no_pager else [])]
    child = pexpect.spawn(alliance_exe[0], args, env=env, encoding="utf-8", timeout=30, dimensions=(15, 100))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0, child.before
    if no_pager:
        assert not paged.exists()
        assert "Weekly review: 2026-11-16 to 2026-11-22" in child.before
    else:
        assert "Weekly review: 2026-11-16 to 2026-11-22" in paged.read_text()
        assert "Weekly review" not in child.before  # all of it went to the pager


NEEDS_DETAIL = pytest.mark.skipif(
    PS.prompt("rupture_markers") is None,
    reason="the built-in prompt set has no rupture markers yet (they come with the shared prompt-set change)",
)


@NEEDS_DETAIL
def test_each_rupture_shows_its_markers_strategies_and_response(run, db_path, monkeypatch):
    rupture = {"rupture": True, "rupture_kind": "withdrawal"}
    add(
        db_path,
        ("C-1", "2026-11-17", ratings(7, **rupture, repaired="partly",
            rupture_markers=["went quiet or gave minimal answers", "agreed too readily"],
            repair_strategies=["invited talk about what happened between us", "acknowledged my part"],
            repair_response="re-engaged")),
        ("C-2", "2026-11-18", ratings(7, rupture=True, rupture_kind="confrontation", repaired="no",
            rupture_markers=["rejected a suggestion"], repair_strategies=["explained the rationale"],
            repair_response="stayed distant or upset")),
        ("C-3", "2026-11-19", ratings(7, **rupture, repaired="yes",
            repair_strategies=["invited talk about what happened between us"], repair_response="re-engaged")),
    )  # fmt: skip
    data = json.loads(run("report", "--week", "2026-W47", "-f", "json").stdout)
    by = {r["client"]: r for r in data["ruptures"]}
    assert by["C-1"]["markers"] == ["went quiet or gave minimal answers", "agreed too readily"]
    assert by["C-2"]["strategies"] == ["explained the rationale"]
    assert by["C-2"]["response"] == "stayed distant or upset"
    assert data["strategies"] == [
        {"strategy": "invited talk about what happened between us", "tried": 2, "re_engaged": 2},
        {"strategy": "acknowledged my part", "tried": 1, "re_engaged": 1},
        {"strategy": "explained the rationale", "tried": 1, "re_engaged": 0},
    ]
    md = run("report", "--week", "2026-W47", "-f", "markdown").stdout
    assert "| withdrawal: went quiet or gave minimal answers; agreed too readily |" in md
    monkeypatch.setenv("COLUMNS", "60")
    out = run("report", "--week", "2026-W47").stdout
    assert max(len(line) for line in out.splitlines()) <= 60
    out = " ".join(md.split())
    assert "→ stayed distant or upset" in out
    assert "invited talk about what happened between us 2 of 2" in out


@pytest.mark.skipif(
    getattr(PS.prompt("felt_safe"), "neutral", None) is None,
    reason="the built-in prompt set has no neutral answers yet (they come with the shared prompt-set change)",
)
def test_neutral_answers_are_left_out_of_a_practice(run, db_path):
    add(
        db_path,
        ("C-1", "2026-11-16", ratings(7, goals_together="together", felt_safe="yes")),
        ("C-2", "2026-11-17", ratings(7, goals_together="did not come up", felt_safe="not sure")),
        ("C-3", "2026-11-18", ratings(7, goals_together="mostly by me", felt_safe="no")),
    )
    data = json.loads(run("report", "--week", "2026-W47", "-f", "json").stdout)
    by = {p["prompt_id"]: p for p in data["practices"]}
    counts = {k: (v["positive"], v["answered"], v["neutral"]) for k, v in by.items()}
    assert counts["goals_together"] == (1, 2, 1)  # "did not come up" counts neither way
    assert counts["felt_safe"] == (1, 2, 1)  # nor does "not sure"
    assert by["goals_together"]["title"] == asked("goals_together")  # what was asked, in short
    md = run("report", "--week", "2026-W47", "-f", "markdown").stdout
    assert f"| {asked('felt_safe')} | 1 of 2 (50%); 1 neutral (did not come up, not sure) |" in md
