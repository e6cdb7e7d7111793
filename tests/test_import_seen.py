"""`alliance import` names both rows of a session uuid the file gives twice, however far apart
they are and however the uuids it keeps in batches happen to share their hash bits."""

from __future__ import annotations

import csv
import random
import uuid
from datetime import date

import pytest

from exchange_support import BASIC, bundled, count, fill, run_bytes


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
