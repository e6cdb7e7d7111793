"""`alliance import`: what it keeps, what it skips, and refusing bad files whole."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import sys
from datetime import date
from io import StringIO

import pytest
from rich.console import Console

from exchange_support import BASIC, bulk_and_per_answer, bundled, count, fill, run_bytes, validated

LONG_HEADER = "session_id,uuid,date,client,session_number,modality,prompt_id,principle,kind,value"


@pytest.fixture
def source(tmp_path):
    """A journal with three sessions, and its long CSV export."""
    db = tmp_path / "source" / "journal.db"
    fill(
        db,
        bundled(),
        [
            ("C-1", date(2026, 11, 2), "in person", {**BASIC, "went_well": '=We, "named" it\nthen 😀'}),
            ("C-2", date(2026, 11, 3), "video", BASIC),
            ("C-1", date(2026, 11, 9), "phone", {**BASIC, "rupture": True, "repaired": "partly"}),
        ],
        delete=[],
    )
    out = tmp_path / "export.csv"
    assert run_bytes("export", "-o", str(out), db=db)[0] == 0
    return db, out


def sessions(db):
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT id, uuid, client, date, modality FROM sessions ORDER BY id").fetchall()


def test_import_into_a_fresh_journal_keeps_ids_uuids_and_fields(source, db_path):
    db, file = source
    code, out, err = run_bytes("import", str(file), db=db_path)
    assert code == 0, err
    assert out == b""
    assert "Added 3 sessions" in err and "(20 answers)" in err
    assert sessions(db_path) == sessions(db)
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert run_bytes("export", db=db_path)[1] == file.read_bytes()


def test_sessions_whose_ids_clash_or_are_large_or_missing_come_in_whole(source, db_path):
    """Into an empty journal sessions keep the file's ids; one the file gives twice gets a new
    id, as do sessions without one, and every session keeps its own answers."""
    db, file = source

    def answers_by_uuid(path):
        with sqlite3.connect(path) as conn:
            rows = conn.execute(
                "SELECT s.uuid, a.prompt_id, a.kind, a.value_num, a.value_text FROM answers a "
                "JOIN sessions s ON s.id = a.session_id ORDER BY 1, 2"
            )
            return rows.fetchall()

    first, second, third = sessions(db)
    large = 2**40

    def clash(table):
        for row in table[1:]:
            row[0] = {first[1]: "7", second[1]: "7", third[1]: str(large)}[row[1]]

    edit(file, clash)
    code, _, err = run_bytes("import", str(file), db=db_path)
    assert code == 0, err
    ids = {uuid: sid for sid, uuid, *_ in sessions(db_path)}
    assert ids[first[1]] == 7 and ids[third[1]] == large
    assert ids[second[1]] not in (7, large)
    assert answers_by_uuid(db_path) == answers_by_uuid(db)

    def no_ids(table):
        for row in table[1:]:
            row[0] = ""

    edit(file, no_ids)
    other = db_path.parent / "other.db"
    assert run_bytes("import", str(file), db=other)[0] == 0
    assert sorted(uuid for _, uuid, *_ in sessions(other)) == sorted(s[1] for s in (first, second, third))
    assert answers_by_uuid(other) == answers_by_uuid(db)


def test_importing_the_same_file_twice_adds_nothing(source, db_path):
    _, file = source
    assert run_bytes("import", str(file), db=db_path)[0] == 0
    code, _, err = run_bytes("import", str(file), db=db_path)
    assert code == 0
    assert "Added 0 sessions" in err and "3 sessions were already in the journal" in err
    assert count(db_path) == 3 and count(db_path, "answers") == 20


def test_into_a_journal_with_sessions_new_ones_get_new_ids(source, db_path):
    _, file = source
    fill(db_path, bundled(), [("C-9", date(2026, 10, 1), "video", BASIC)])
    code, _, err = run_bytes("import", str(file), db=db_path)
    assert code == 0, err
    assert [row[0] for row in sessions(db_path)] == [1, 2, 3, 4]
    assert count(db_path, "answers") == 26


def edit(file, change):
    table = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
    change(table)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    file.write_text(buffer.getvalue(), encoding="utf-8", newline="")


def test_a_session_that_differs_is_a_conflict_left_alone_unless_replace(source, db_path):
    _, file = source
    assert run_bytes("import", str(file), db=db_path)[0] == 0

    def lower_empathy(table):
        row = next(r for r in table[1:] if r[6] == "empathy" and r[2] == "2026-11-03")
        row[9] = "3"

    edit(file, lower_empathy)
    code, _, err = run_bytes("import", str(file), db=db_path)
    assert code == 0
    assert "1 session in the file differs from the journal's and was left as it is" in err
    assert "session 2 · C-2 · 2026-11-03" in err
    assert "--replace" in err
    with sqlite3.connect(db_path) as conn:
        query = "SELECT value_num FROM answers WHERE session_id = 2 AND prompt_id = 'empathy'"
        assert conn.execute(query).fetchone()[0] == 7
        code, _, err = run_bytes("import", str(file), "--replace", db=db_path)
        assert code == 0 and "Replaced 1 session" in err
        assert conn.execute(query).fetchone()[0] == 3
        assert conn.execute("SELECT edited_at IS NOT NULL FROM sessions WHERE id = 2").fetchone()[0] == 1
    assert count(db_path) == 3


def test_dry_run_reports_and_changes_nothing(source, db_path):
    _, file = source
    code, _, err = run_bytes("import", str(file), "--dry-run", db=db_path)
    assert code == 0
    assert "Would add 3 sessions" in err and "Dry run: nothing was changed." in err
    assert not db_path.exists()
    fill(db_path, bundled(), [])
    assert run_bytes("import", str(file), "--dry-run", db=db_path)[0] == 0
    assert count(db_path) == 0


def test_stdin_and_every_export_format_are_read(source, tmp_path):
    db, _ = source
    for fmt in ("csv", "json", "jsonl"):
        for shape in ("long", "wide"):
            exported = run_bytes("export", "-f", fmt, "--shape", shape, db=db)[1]
            target = tmp_path / f"{fmt}-{shape}.db"
            code, _, err = run_bytes("import", "-", db=target, input=exported)
            assert code == 0, (fmt, shape, err)
            assert run_bytes("export", "-f", fmt, "--shape", shape, db=target)[1] == exported, (fmt, shape)


def test_format_is_detected_without_an_extension_or_given(source, tmp_path, db_path):
    db, _ = source
    file = tmp_path / "backup"
    file.write_bytes(run_bytes("export", "-f", "json", db=db)[1])
    assert run_bytes("import", str(file), db=db_path)[0] == 0
    assert count(db_path) == 3
    other = tmp_path / "other.db"
    code, _, err = run_bytes("import", str(file), "--format", "csv", db=other)
    assert code == 1 and "column" in err


def test_spreadsheet_quote_is_undone_on_import_unless_raw(tmp_path, db_path):
    src = tmp_path / "src.db"
    fill(src, bundled(), [("C-1", date(2026, 11, 2), "video", {**BASIC, "went_well": "'=x"})])
    escaped = run_bytes("export", db=src)[1]
    assert b"''=x" in escaped
    assert run_bytes("import", "-", db=db_path, input=escaped)[0] == 0
    raw = run_bytes("export", "--raw", db=src)[1]
    other = tmp_path / "raw.db"
    assert run_bytes("import", "-", "--raw", db=other, input=raw)[0] == 0
    for target in (db_path, other):
        with sqlite3.connect(target) as conn:
            text = conn.execute("SELECT value_text FROM answers WHERE prompt_id = 'went_well'").fetchone()[0]
        assert text == "'=x"


def test_a_file_saved_by_a_spreadsheet_with_a_byte_order_mark_is_read(source, db_path):
    _, file = source
    file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    code, _, err = run_bytes("import", str(file), db=db_path)
    assert code == 0, err
    assert count(db_path) == 3


def test_no_progress_bar_when_stderr_is_not_a_terminal(source, db_path):
    _, file = source
    _, _, err = run_bytes("import", str(file), db=db_path)
    assert err.splitlines() == ["Added 3 sessions from " + str(file) + " (20 answers)."]


def test_progress_bar_draws_on_a_terminal():
    from alliance_cli.ui.progress import import_progress

    buffer = StringIO()
    console = Console(file=buffer, force_terminal=True, width=80, color_system=None)
    with import_progress(1000, console=console) as update:
        update(500)
    assert "Checking and importing" in buffer.getvalue()


# -- bad files: a clear message with the row, exit 1, nothing written --------------------


def refused(args, db_path, *expected):
    code, out, err = run_bytes("import", *args, db=db_path)
    assert code == 1, err
    assert out == b""
    for text in expected:
        assert text in err, err
    assert "Traceback" not in err
    return err


def test_wrong_columns_are_refused_before_anything_is_written(source, db_path):
    _, file = source
    edit(file, lambda t: t[0].__setitem__(1, "uid"))
    refused([str(file)], db_path, "the 'uuid' column is missing", "'uid' is not a column", "Nothing was imported")
    assert not db_path.exists()


def test_wide_file_with_a_column_that_is_not_a_prompt_is_refused(source, db_path, tmp_path):
    db, _ = source
    wide = run_bytes("export", "--shape", "wide", db=db)[1].decode()
    file = tmp_path / "wide.csv"
    file.write_text(wide.replace(",went_well,", ",went_wel,", 1), newline="")
    refused([str(file)], db_path, "the column 'went_wel' is not a prompt")
    assert not db_path.exists()


def test_impossible_date_unknown_prompt_and_out_of_range_rating_are_listed_with_their_rows(source, db_path):
    _, file = source

    def spoil(table):
        for row in table[1:]:
            if row[1] == table[1][1]:  # every row of the first session (rows 2 to 8)
                row[2] = "2026-02-30"
        table[10][6] = "empathyy"  # row 11
        table[16][9] = "99"  # row 17

    edit(file, spoil)
    table = list(csv.reader(io.StringIO(file.read_text(), newline="")))
    assert table[16][6] in ("empathy", "respect", "genuineness", "positive_regard", "active_listening")
    err = refused(
        [str(file)],
        db_path,
        "row 2: date: the value given is not a date",
        "row 11: prompt_id: the value given is not a prompt in this prompt set",
        f"row 17: {table[16][6]}: expected a whole number from 0 to 10",
        "Nothing was imported from",
    )
    assert not db_path.exists()
    # What a cell holds is never echoed: not the value, nor a misplaced date or prompt id (the
    # file's own path, whose temporary folder may hold "99", is left out of the look).
    said = err.replace(str(file), "FILE").replace(str(db_path), "JOURNAL")
    assert not any(cell in said for cell in ("99", "2026-02-30", "empathyy"))


def test_answer_text_never_appears_in_a_message(tmp_path, db_path):
    file = tmp_path / "bad.csv"
    file.write_text(
        LONG_HEADER + "\r\n"
        "1,8b53e1b4-28d3-4bf6-9227-759b4060b731,2026-11-02,C-1,1,video,empathy,empathy,rating,my client Jane\r\n",
        newline="",
    )
    err = refused([str(file)], db_path, "row 2: empathy: expected a whole number from 0 to 10")
    assert "Jane" not in err


def test_a_problem_late_in_the_file_rolls_back_the_whole_import(source, db_path):
    _, file = source
    fill(db_path, bundled(), [("C-9", date(2026, 10, 1), "video", BASIC)])
    before = (count(db_path), count(db_path, "answers"), count(db_path, "prompt_sets"))
    edit(file, lambda t: [row.__setitem__(3, "Jane Doe") for row in t[1:] if row[1] == t[-1][1]])
    refused([str(file)], db_path, "client: That client code looks like a personal name")
    assert (count(db_path), count(db_path, "answers"), count(db_path, "prompt_sets")) == before


def test_a_refused_import_into_a_new_journal_leaves_no_journal(source, db_path):
    _, file = source
    edit(file, lambda t: [row.__setitem__(5, "carrier pigeon") for row in t[1:] if row[1] == t[-1][1]])
    err = refused([str(file)], db_path, "modality: the value given is not a modality")
    assert "carrier pigeon" not in err
    assert not db_path.exists()
    assert list(db_path.parent.glob("journal.db*")) == []


def test_truncated_json_is_refused_with_where_it_stops(source, db_path, tmp_path):
    db, _ = source
    text = run_bytes("export", "-f", "json", db=db)[1]
    file = tmp_path / "cut.json"
    file.write_bytes(text[: len(text) // 2])
    refused([str(file)], db_path, "cut.json: line ", "may be cut short")
    assert not db_path.exists()
    file.write_bytes(text.rstrip()[:-1])  # the closing bracket is missing
    refused([str(file)], db_path, "the array is closed", "may be cut short")
    assert not db_path.exists()


def test_a_json_key_given_twice_on_any_line_of_an_export_is_refused(source, db_path, tmp_path):
    """An export's items, a line each, are read many at a time; a key given twice is still
    found on whichever line it is, where reading the item alone would keep the last one."""
    db, _ = source
    lines = run_bytes("export", "-f", "json", db=db)[1].decode().split("\n")
    assert lines[0] == "[" and lines[12].startswith('{"session_id"') and lines[12].endswith("},")
    file = tmp_path / "twice.json"
    for at, key in ((12, "client"), (20, "value")):  # the middle of the file, and its last item
        changed = list(lines)
        item = json.loads(changed[at].rstrip(","))
        changed[at] = changed[at].replace("}", f", {json.dumps(key)}: {json.dumps(item[key])}}}", 1)
        file.write_text("\n".join(changed))
        refused([str(file)], db_path, f"item {at}: the key '{key}' is given twice.")
        assert not db_path.exists()


def test_wrong_keys_in_the_middle_of_a_json_export_are_named_by_item(source, db_path, tmp_path):
    db, _ = source
    items = json.loads(run_bytes("export", "-f", "json", db=db)[1])
    items[5]["colour"] = "blue"
    del items[5]["client"]
    del items[9]["principle"]  # a key an export writes, but not one an import needs
    file = tmp_path / "keys.json"
    file.write_text("[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]\n")
    err = refused([str(file)], db_path, "item 6: client: missing.", "item 6: colour: not a key")
    assert "item 10" not in err
    assert not db_path.exists()


def test_written_answers_that_look_like_json_keys_come_back_as_written(tmp_path, db_path):
    db = tmp_path / "source" / "journal.db"
    went_well = 'They said "stop": we did. Then "go" : we went, "\\": a backslash, and {"a": 1}'
    fill(db, bundled(), [("C-1", date(2026, 11, 2), "video", {**BASIC, "went_well": went_well})], delete=[])
    exported = run_bytes("export", "-f", "json", db=db)[1]
    assert run_bytes("import", "-", db=db_path, input=exported)[0] == 0
    assert run_bytes("export", "-f", "json", db=db_path)[1] == exported
    assert went_well in {row[0] for row in sqlite3.connect(db_path).execute("SELECT value_text FROM answers")}


def test_bad_jsonl_line_and_wrong_keys_are_refused(source, db_path, tmp_path):
    db, _ = source
    lines = run_bytes("export", "-f", "jsonl", db=db)[1].decode().splitlines()
    file = tmp_path / "bad.jsonl"
    file.write_text("\n".join([*lines[:3], lines[3][:-5], *lines[4:]]) + "\n")
    refused([str(file)], db_path, "line 4: not valid JSON")
    item = json.loads(lines[5])
    item["colour"] = "blue"
    del item["client"]
    file.write_text("\n".join([*lines[:5], json.dumps(item), *lines[6:]]) + "\n")
    refused([str(file)], db_path, "line 6: client: missing.", "line 6: colour: not a key")
    assert not db_path.exists()


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_every_problem_line_names_the_file(source, db_path, tmp_path, fmt):
    db, _ = source
    items = json.loads(run_bytes("export", "-f", "json", "--shape", "wide", db=db)[1])
    items[0]["date"] = "2026-02-30"
    items[1]["client"] = "Jane Doe"
    del items[2]["modality"]
    file = tmp_path / f"bad.{fmt}"
    if fmt == "json":
        file.write_text(json.dumps(items))
    elif fmt == "jsonl":
        file.write_text("".join(json.dumps(item) + "\n" for item in items) + "[1]\n")
    else:
        file.write_text(run_bytes("export", "--shape", "wide", db=db)[1].decode().replace("2026-11-02", "2026-02-30"))
    err = refused([str(file)], db_path, f"{file}, ")
    lines = err.splitlines()
    assert len(lines) >= 2
    assert all(
        line.startswith(f"alliance: {file}") or line.startswith("alliance: Nothing was imported from") for line in lines
    ), err
    assert not db_path.exists()


def test_rows_with_the_wrong_number_of_cells_and_scattered_sessions_are_refused(source, db_path):
    _, file = source

    def spoil(table):
        table[3] = table[3][:-2]
        table.append(table[1][:])  # the first session comes back after the others

    edit(file, spoil)
    refused(
        [str(file)],
        db_path,
        "row 4: has 8 cells but the header has 10",
        "row 22: uuid: this session is already in the file at row 2",
    )


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("length", [(16 << 20) + 1, 17 << 20])  # one character too many, and many more
def test_a_row_too_long_to_be_a_session_is_named_by_its_row_whatever_the_line_ends(source, db_path, ending, length):
    _, file = source
    lines = file.read_text(encoding="utf-8").splitlines()
    lines.insert(5, "1" + "," * (length - 1 - len(ending)))  # row 6, its line end included: commas
    file.write_text(ending.join(lines) + ending, encoding="utf-8", newline="")
    refused([str(file)], db_path, "row 6: longer than 16 million characters")
    assert not db_path.exists()


def test_not_utf8_empty_and_missing_files_are_refused(tmp_path, db_path):
    file = tmp_path / "latin1.csv"
    file.write_bytes((LONG_HEADER + "\r\n1,x,2026-11-02,C-1,1,video,went_well,,text,caf\xe9\r\n").encode("latin-1"))
    refused([str(file)], db_path, "not UTF-8")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    refused([str(empty)], db_path, "the file is empty")
    refused([str(tmp_path / "nowhere.csv")], db_path, "file not found")
    assert not db_path.exists()


def test_imported_reflections_are_found_by_search_and_replaced_ones_are_reindexed(source, db_path):
    _, file = source
    assert run_bytes("import", str(file), db=db_path)[0] == 0
    code, out, _ = run_bytes("search", "named", "--format", "json", db=db_path)
    assert code == 0
    assert [hit["date"] for hit in json.loads(out)] == ["2026-11-02"]

    def reword(table):
        row = next(r for r in table[1:] if r[6] == "went_well")
        row[9] = "We paused, then laughed."

    edit(file, reword)
    assert run_bytes("import", str(file), "--replace", db=db_path)[0] == 0
    assert json.loads(run_bytes("search", "named", "--format", "json", db=db_path)[1]) == []
    assert len(json.loads(run_bytes("search", "laughed", "--format", "json", db=db_path)[1])) == 1


def test_a_journal_that_cannot_be_opened_is_refused_in_one_line(source, tmp_path, alliance_exe):
    import os
    import subprocess

    _, file = source
    not_a_journal = tmp_path / "random.db"
    not_a_journal.write_bytes(os.urandom(4096))
    before = not_a_journal.read_bytes()
    env = {**os.environ, "ALLIANCE_DB": str(not_a_journal)}
    done = subprocess.run(
        [*alliance_exe, "import", str(file)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        start_new_session=True,
    )
    assert done.returncode == 1
    # Random bytes look just like an encrypted journal (SQLCipher's file is random bytes): with
    # no passphrase at hand, both are named in the one line.
    [line] = done.stderr.splitlines()
    assert line.startswith(f"alliance: {not_a_journal} is encrypted (or is not an alliance journal")
    assert line.endswith("Left untouched.")
    assert not_a_journal.read_bytes() == before


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_session_ids_that_cannot_be_kept_on_disk_are_said_in_one_line(tmp_path, db_path, alliance_exe):
    """The file's session uuids are kept in a private temporary file once past a small cache;
    when that file cannot grow (here: a limit on the size of any file the process writes, as a
    full disk would refuse it), the import stops with one line saying so, and nothing is written."""
    import os
    import random
    import resource
    import subprocess
    import uuid

    with sqlite3.connect("") as conn:
        options = {row[0] for row in conn.execute("PRAGMA compile_options")}
    if "TEMP_STORE=3" in options:
        pytest.skip("this SQLite keeps temporary databases in memory: there is no file to fill")
    rng = random.Random(3)
    file = tmp_path / "many.csv"  # 60,000 sessions, each refused (a 30 February): no answer is read
    rows = (f"{uuid.UUID(int=rng.getrandbits(128))},2026-02-30,C-1,video\n" for _ in range(60_000))
    file.write_text("uuid,date,client,modality\n" + "".join(rows))

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1 << 19, 1 << 19))

    done = subprocess.run(
        [*alliance_exe, "import", str(file)],
        capture_output=True,
        text=True,
        env={**os.environ, "ALLIANCE_DB": str(db_path)},
        timeout=120,
        preexec_fn=small_files,  # only sets a limit, in the child
    )
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("alliance: Cannot keep the file's session ids in a temporary file (")
    assert line.endswith("Nothing was imported.")
    assert "Traceback" not in done.stderr
    assert not db_path.exists()


def test_the_bulk_search_index_holds_what_the_per_answer_trigger_would(source, tmp_path):
    """Import indexes written answers in two statements when the journal's trigger is the known
    one; a journal whose trigger differs (here only by a comment) gets the trigger's own work.
    Both end with the same index rows, and search finds the same answers in both."""

    _, file = source
    bulk, per_answer = bulk_and_per_answer(tmp_path)
    for db in (bulk, per_answer):
        assert run_bytes("import", str(file), db=db)[0] == 0

    def index(db):
        with sqlite3.connect(db) as conn:
            rows = conn.execute("SELECT id, session_id, prompt_id, body FROM search_map ORDER BY id").fetchall()
            found = conn.execute("SELECT rowid FROM search_text WHERE search_text MATCH 'named' ORDER BY rowid")
            conn.execute("INSERT INTO search_text (search_text, rank) VALUES ('integrity-check', 1)")
            return rows, found.fetchall()

    assert index(bulk) == index(per_answer)
    assert index(bulk)[0] and index(bulk)[1]
    with sqlite3.connect(bulk) as conn:  # the trigger is back for the next `log`
        found = conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'answers_search_insert'")
        assert found.fetchone() == (1,)


def test_many_conflicts_are_counted_and_the_first_ones_named(tmp_path, db_path):
    """More sessions differ than a message lists: each is counted, the first ones named, the rest summed up."""
    from alliance_cli.core.messages import MAX_LISTED

    many = MAX_LISTED + 5
    source = tmp_path / "many.db"
    fill(source, bundled(), [(f"C-{i}", date(2026, 1, 1 + i % 28), "video", BASIC) for i in range(many)])
    file = tmp_path / "many.csv"
    assert run_bytes("export", "-o", str(file), db=source)[0] == 0
    assert run_bytes("import", str(file), db=db_path)[0] == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE sessions SET modality = 'phone'")
    code, _, err = run_bytes("import", str(file), db=db_path)
    assert code == 0
    assert f"{many} sessions in the file differ from the journal's and were left as they are:" in err
    assert err.count(" · C-") == MAX_LISTED
    assert "… and 5 more." in err


def test_a_journal_an_import_starts_has_every_index_and_trigger_a_new_journal_has(source, tmp_path):
    """Into an empty journal, import drops the answers' lookup index and the search trigger
    while it writes, and makes them again: the journal ends with the same schema as one
    `alliance` starts itself, intact; a refused import into it leaves it as it was."""
    from alliance_cli.store.journal import open_journal

    _, file = source
    fresh, imported = tmp_path / "fresh.db", tmp_path / "imported.db"
    with open_journal(fresh, create=True):
        pass
    with open_journal(imported, create=True):
        pass

    def schema(db):
        with sqlite3.connect(db) as conn:
            found = conn.execute("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')")
            return sorted(found.fetchall(), key=str), conn.execute("PRAGMA integrity_check").fetchone()

    before = schema(imported)
    bad = tmp_path / "bad.csv"
    bad.write_text(file.read_text().replace("2026-11-02", "2026-02-30"))
    assert run_bytes("import", str(bad), db=imported)[0] != 0
    assert schema(imported) == before
    assert run_bytes("import", str(file), db=imported)[0] == 0
    assert schema(imported) == schema(fresh) == before
    assert schema(imported)[1] == ("ok",)


def test_the_quick_validation_agrees_with_validate_answers_in_any_order():
    """The quick check goes through the answers as given when they come in the prompt set's
    order, and through the whole prompt set when they do not (a file edited by hand): on
    answer sets shuffled or not, it gives what `validate_answers` gives, or nothing."""
    import random

    from alliance_cli.app.imports import _quick_validation
    from alliance_cli.core.answers import EACH_MOMENT, KIND_AS_RECORDED

    ps = bundled()
    history = frozenset({EACH_MOMENT, KIND_AS_RECORDED, "open_rupture", "intention_set"})
    quick = _quick_validation(ps, history)
    rng = random.Random(29)
    fits = {"rating": [str(n) for n in range(11)], "yesno": ["yes", "no"], "number": ["3", "4.5"]}
    accepted = {False: 0, True: 0}
    for case in range(4000):
        raw = {}
        for p in ps.prompts:
            if p.required or rng.random() < 0.4:
                raw[p.id] = rng.choice(fits.get(p.kind) or p.choices or ["A reflection.", "", "  "])
        if rng.random() < 0.1:
            raw[rng.choice(ps.prompts).id] = "not a fitting answer"
        shuffled = case % 2 == 1
        if shuffled:
            items = list(raw.items())
            rng.shuffle(items)
            raw = dict(items)
        expected = validated(ps, raw, history)
        got = quick(raw)
        if got is not None:
            accepted[shuffled] += 1
            assert list(got.items()) == list((expected or {}).items())
    assert accepted[False] > 100 and accepted[True] > 100


@pytest.mark.parametrize("facts", ["import", "none"])
def test_the_quick_validation_agrees_with_validate_answers(facts):
    """Import validates a session in one plain loop and hands anything wrong to
    `validate_answers`: on thousands of answer sets, right and wrong, in the shipped prompt set,
    it gives the same answers in the same order, or nothing where `validate_answers` refuses."""
    import random

    from alliance_cli.app.imports import _quick_validation
    from alliance_cli.core.answers import EACH_MOMENT, KIND_AS_RECORDED

    ps = bundled()
    history = frozenset({EACH_MOMENT, KIND_AS_RECORDED}) if facts == "import" else frozenset()
    quick = _quick_validation(ps, history)
    rng = random.Random(17)
    choices = {"rating": ["0", "3", "5", "8", "10", "11", "x", ""], "yesno": ["yes", "no", "maybe", ""]}
    agreed = accepted = 0
    valid = {"rating": [str(n) for n in range(11)], "yesno": ["yes", "no"]}
    for case in range(3000):
        raw = {}
        wrong = case % 2  # half the sets may hold anything; the other half only what fits
        for p in ps.prompts:
            if rng.random() < (0.25 if wrong else 0.0 if p.required else 0.5):
                continue
            if wrong:
                pool = choices.get(p.kind) or [*(p.choices or []), "not a choice", "", "A reflection."]
            else:
                pool = valid.get(p.kind) or p.choices or ["A reflection."]
            raw[p.id] = rng.choice(pool)
        expected = validated(ps, raw, history)
        got = quick(raw)
        if got is not None:
            accepted += 1
            assert list(got.items()) == list((expected or {}).items())
        agreed += got == expected or got is None
    assert agreed == 3000
    if facts == "import":
        assert accepted > 0  # the quick loop does the work for an import


def test_the_quick_validation_agrees_with_validate_answers_on_json_values():
    """A JSON file gives numbers, true/false, null, lists and objects where a CSV file gives
    text: the quick check remembers what each typed as (1 and true apart, "1" and 1 apart) and
    gives what `validate_answers` gives, the first time a value is seen and every time after."""
    import random

    from alliance_cli.app.imports import _quick_validation
    from alliance_cli.core.answers import EACH_MOMENT, KIND_AS_RECORDED

    ps = bundled()
    history = frozenset({EACH_MOMENT, KIND_AS_RECORDED})
    quick = _quick_validation(ps, history)
    rng = random.Random(41)
    pool = [0, 1, 5, 10, 11, -1, True, False, None, "1", "yes", "no", "true", [1], {"a": 1}, [], "4.5", 4]
    accepted = 0
    for _ in range(3000):
        raw = {}
        for p in ps.prompts:
            if p.required or (p.when is None and rng.random() < 0.5):
                fits = {"rating": list(range(11)), "yesno": [True, False], "number": [3, 12, "4.5"]}.get(p.kind)
                if p.kind == "multi":
                    fits = [[choice] for choice in p.choices or []]
                fits = fits or p.choices or ["A reflection."]
                raw[p.id] = rng.choice(fits if rng.random() < 0.95 else pool)
        expected = validated(ps, raw, history)
        for _ in range(2):  # the second time from what was remembered
            got = quick(raw)
            if got is not None:
                assert list(got.items()) == list((expected or {}).items())
        accepted += got is not None
    assert accepted > 100


def test_dates_in_a_file_are_read_as_alliance_log_reads_them(tmp_path, db_path):
    """A date as an export writes it is taken as it is; one that is not a day, is in the future or
    before 1900 is refused with the reason `alliance log` gives, and never repeated."""
    ratings = ("empathy", "respect", "genuineness", "positive_regard", "active_listening")

    def rows(number, day):
        uuid = f"8b53e1b4-28d3-4bf6-9227-{number:012d}"
        cells = [(pid, "rating", "7") for pid in ratings] + [("rupture", "yesno", "no")]
        return [
            f"{number},{uuid},{day},C-{number},{number},video,{pid},{pid},{kind},{value}" for pid, kind, value in cells
        ]

    def write(days):
        file = tmp_path / "dates.csv"
        lines = [LONG_HEADER] + [row for number, day in enumerate(days, 1) for row in rows(number, day)]
        file.write_text("\r\n".join(lines) + "\r\n", newline="")
        return file

    good = ["2024-02-29", "2026-11-2", "1900-01-01", " 2026-01-05 ", date.today().isoformat()]
    code, _, err = run_bytes("import", str(write(good)), db=db_path)
    assert code == 0, err
    with sqlite3.connect(db_path) as conn:
        kept = [d for (d,) in conn.execute("SELECT date FROM sessions ORDER BY id")]
    assert kept == ["2024-02-29", "2026-11-02", "1900-01-01", "2026-01-05", date.today().isoformat()]

    bad = ["2026-02-29", "2999-01-01", "1899-12-31", "0000-01-01", "2026-13-01", "2026-11-02"]
    err = refused(
        [str(write(bad))],
        tmp_path / "other.db",
        "row 2: date: the value given is not a date; ",
        "row 8: date: The date is in the future",
        "row 14: date: The date is too far back",
        "row 20: date: the value given is not a date",
        "row 26: date: the value given is not a date",
    )
    assert "row 32" not in err
    assert not any(day in err for day in bad[:5])


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_prompt_given_twice_or_a_field_that_changes_within_a_session_is_named_by_row(source, db_path, tmp_path, fmt):
    """A long file's session is its run of rows with one uuid: a prompt answered twice in it,
    or a date, client or modality that changes part way, is named by its row (JSON: item) and
    the row it repeats or differs from; a session field that is a list in every item is
    refused as the field it is. Nothing is imported."""
    db, _ = source
    if fmt == "csv":
        table = list(csv.reader(io.StringIO(run_bytes("export", db=db)[1].decode(), newline="")))
        items = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
        unit, offset = "row", 2
    else:
        items = json.loads(run_bytes("export", "-f", "json", db=db)[1])
        unit, offset = "item", 1
    uuids = list(dict.fromkeys(item["uuid"] for item in items))
    at = {uuid: [i for i, item in enumerate(items) if item["uuid"] == uuid] for uuid in uuids}
    first, second, third = (at[uuid] for uuid in uuids)
    items[first[2]]["prompt_id"] = items[first[1]]["prompt_id"]
    items[third[-1]]["client"] = "C-77"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerows([table[0], *([item[name] for name in table[0]] for item in items)])
        file = tmp_path / "long.csv"
        file.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    else:
        items[second[0]]["modality"] = items[second[1]]["modality"] = ["video"]
        for i in second[2:]:
            items[i]["modality"] = ["video"]
        file = tmp_path / "long.json"
        file.write_text("[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]\n", encoding="utf-8")
    pid = items[first[1]]["prompt_id"]
    expected = [
        f"{unit} {first[2] + offset}: prompt_id: '{pid}' is answered twice for this session",
        f"this session ({unit} {first[1] + offset})",
        f"{unit} {third[-1] + offset}: client: differs from the same session's first row ({unit} {third[0] + offset})",
    ]
    if fmt == "json":
        expected.append(f"{unit} {second[0] + offset}: modality: the value given is not a modality")
    refused([str(file)], db_path, *expected, "Nothing was imported from")
    assert not db_path.exists()


def test_a_session_deleted_after_an_import_takes_its_answers_with_it(source, db_path):
    """The import checks the journal's links once at its end rather than at every row; the
    same journal, open after it, still deletes a session's answers with the session."""
    from alliance_cli.app.imports import read_sessions
    from alliance_cli.store.exchange import import_sessions
    from alliance_cli.store.journal import open_journal
    from alliance_cli.store.sessions import delete_sessions

    _, file = source
    fill(db_path, bundled(), [("C-9", date(2026, 10, 1), "video", BASIC)])
    with open_journal(db_path) as journal, file.open("rb") as binary:
        outcome = import_sessions(journal, read_sessions(binary, file.name, bundled()))
        assert outcome.added == 3
        last, its = journal.conn.execute(
            "SELECT session_id, COUNT(*) FROM answers WHERE session_id = (SELECT max(id) FROM sessions)"
        ).fetchone()
        assert its > 0
        before = count(db_path, "answers")
        delete_sessions(journal, [last])
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM answers WHERE session_id = ?", (last,)).fetchone() == (0,)
    assert count(db_path, "answers") == before - its


def test_an_import_into_a_journal_with_answers_without_a_session_is_refused_whole(source, db_path):
    """Answers whose session is gone (another program wrote them with SQLite's foreign keys
    off) are found by the import's check of the whole journal, which then keeps nothing."""
    _, file = source
    fill(db_path, bundled(), [("C-9", date(2026, 10, 1), "video", BASIC)])
    with sqlite3.connect(db_path) as conn:  # foreign keys are off in a plain connection
        conn.execute("INSERT INTO answers (session_id, prompt_id, kind, value_num) VALUES (99, 'empathy', 'rating', 5)")
    before = (count(db_path), count(db_path, "answers"))
    err = refused([str(file)], db_path, "has answers without a session", "alliance doctor")
    assert len(err.strip().splitlines()) == 1
    assert (count(db_path), count(db_path, "answers")) == before
