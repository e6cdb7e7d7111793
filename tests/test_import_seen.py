"""`alliance import` as it writes in batches: both rows of a session uuid the file gives twice
are named, however far apart they are and however the uuids happen to share their hash bits;
a file larger than a batch comes in whole, its search index as the per-answer trigger makes it."""

from __future__ import annotations

import csv
import json
import random
import sqlite3
import uuid
from datetime import date

import pytest

from exchange_support import BASIC, bulk_and_per_answer, bundled, count, fill, run_bytes


@pytest.fixture(scope="module")
def one_session(tmp_path_factory):
    """The header and row of a one-session wide CSV export, its session id column left out."""
    db = tmp_path_factory.mktemp("one") / "journal.db"
    fill(db, bundled(), [("C-1", date(2026, 3, 2), "video", BASIC)])
    code, out, _ = run_bytes("export", "--shape", "wide", db=db)
    assert code == 0
    header, row = list(csv.reader(out.decode().splitlines()))
    return header[1:], row[1:]


@pytest.fixture
def wide_file(one_session):
    header, row = one_session
    at = header.index("uuid")

    def write(path, uuids):
        with path.open("w", newline="") as f:
            out = csv.writer(f)
            out.writerow(header)
            out.writerows([*row[:at], u, *row[at + 1 :]] for u in uuids)
        return path

    return write


def uuids(n, seed=5):
    rng = random.Random(seed)
    return [str(uuid.UUID(int=rng.getrandbits(128))) for _ in range(n)]


@pytest.fixture(params=["usual", "eight bits for all"])
def bits(request, monkeypatch):
    from alliance_cli.store import exchange

    if request.param != "usual":  # soon every uuid looks as if it may have been given before
        monkeypatch.setattr(exchange, "_SEEN_BITS", 8)
    return request.param


def test_a_uuid_given_twice_is_named_at_both_rows_near_and_far(tmp_path, db_path, bits, wide_file):
    many = uuids(2600)  # more than two batches of uuids kept at once
    given = [*many[:3], many[1], *many[3:2500], many[0], *many[2500:], many[2400]]
    code, out, err = run_bytes("import", str(wide_file(tmp_path / "twice.csv", given)), db=db_path)
    assert code == 1
    assert out == b""
    assert "row 5: uuid: this session is already in the file at row 3 " in err
    assert "row 2503: uuid: this session is already in the file at row 2 " in err
    assert "row 2604: uuid: this session is already in the file at row 2403 " in err
    assert err.count("already in the file") == 3
    assert "Traceback" not in err
    assert not db_path.exists()


def test_a_file_of_distinct_uuids_comes_in_whole(tmp_path, db_path, bits, wide_file):
    many = uuids(2345, seed=8)
    code, _, err = run_bytes("import", str(wide_file(tmp_path / "once.csv", many)), db=db_path)
    assert code == 0, err
    assert count(db_path) == 2345


@pytest.fixture(scope="module")
def big_export(tmp_path_factory):
    """A journal of 700 sessions with written answers (more than one batch of an import's
    rows, and of the search index's), and its long CSV export."""
    folder = tmp_path_factory.mktemp("big")
    db = folder / "journal.db"
    words = ["paused", "laughed", "named it", "slowed down", "checked in"]
    fill(
        db,
        bundled(),
        [
            (
                f"C-{i % 9}",
                date(2025, 1 + i % 12, 1 + i % 28),
                "video",
                {**BASIC, "went_well": f"We {words[i % 5]} ({i})", "do_differently": f"Ask sooner, {i}"},
            )
            for i in range(700)
        ],
    )
    file = folder / "export.csv"
    assert run_bytes("export", "-o", str(file), db=db)[0] == 0
    return file


def search_rows(db):
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, session_id, prompt_id, body FROM search_map ORDER BY id").fetchall()
        conn.execute("INSERT INTO search_text (search_text, rank) VALUES ('integrity-check', 1)")
        found = conn.execute("SELECT rowid FROM search_text WHERE search_text MATCH 'laughed' ORDER BY rowid")
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return rows, found.fetchall()


def test_a_large_import_and_its_replacement_index_as_the_per_answer_trigger_would(big_export, tmp_path):
    """Answers and search rows are written by whole statements, the few left over waiting for
    the next batch: an import of many sessions, and a `--replace` of many of them, end with the
    same answers and search index as the per-answer trigger gives, and export as they came."""

    bulk, per_answer = bulk_and_per_answer(tmp_path)
    for db in (bulk, per_answer):
        assert run_bytes("import", str(big_export), db=db)[0] == 0
    assert search_rows(bulk) == search_rows(per_answer)
    assert len(search_rows(bulk)[0]) == 1400
    code, out, _ = run_bytes("export", db=bulk)
    assert code == 0
    assert out == big_export.read_bytes()

    reworded = tmp_path / "reworded.csv"  # what went well, reworded in every session
    reworded.write_bytes(big_export.read_bytes().replace(b"(", b"(again "))
    for db in (bulk, per_answer):
        code, _, err = run_bytes("import", str(reworded), "--replace", db=db)
        assert code == 0, err
    assert search_rows(bulk) == search_rows(per_answer)
    code, out, _ = run_bytes("search", "again", "--format", "json", db=bulk)
    assert code == 0
    assert json.loads(out)  # and every reworded reflection is found, none of the old words left
    with sqlite3.connect(bulk) as conn:
        found = conn.execute("SELECT count(*) FROM search_text WHERE search_text MATCH 'again'").fetchone()
        assert found == (700,)
        assert conn.execute(
            "SELECT count(*) FROM search_map WHERE body NOT LIKE '%again%' AND body LIKE '%(%'"
        ).fetchone() == (0,)
