"""A large import read and checked in a process of its own while the first one writes
(`app.reading`): the same journal and the same refusals as in one process, and nothing
imported and no process left behind when either of them is stopped."""

from __future__ import annotations

import csv
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path

import pytest

from alliance_cli.app import reading
from alliance_cli.app.export import export_journal, output_stream
from alliance_cli.app.imports import import_file
from alliance_cli.store.exchange import ExportQuery
from alliance_cli.store.journal import open_journal
from exchange_support import bundled
from test_exchange_roundtrip import COMBOS, TRICKY_SESSIONS, round_trip

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="an import is read in a process of its own on Linux only (os.fork)"
)

TODAY = date(2026, 11, 20)


@pytest.fixture
def apart(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every file read apart, whatever its size; the readers forked, by process id."""
    forked: list[int] = []
    fork = os.fork

    def counting_fork() -> int:
        pid = fork()
        if pid:
            forked.append(pid)
        return pid

    monkeypatch.setattr(reading, "MIN_SIZE", 0)
    monkeypatch.setattr(os, "fork", counting_fork)
    return forked


@pytest.mark.parametrize("combo", COMBOS, ids=["-".join(str(x) for x in c) for c in COMBOS])
def test_a_file_read_apart_round_trips_byte_for_byte(tmp_path, apart, combo):
    round_trip(tmp_path, [*TRICKY_SESSIONS, ("C-3", date(2026, 3, 3), "video", {"empathy": 1})], [2], combo)
    assert len(apart) == 2  # the import, and the same file again (nothing new)


def sample_export(folder: Path, sessions: int, fmt: str = "csv", shape: str = "long") -> Path:
    """A generated journal (follow-up prompts, ruptures, several choices), exported."""
    from alliance_cli.app.sample import generate

    ps = bundled()
    source = folder / "sample.db"
    with open_journal(source, create=True) as journal:
        journal.save_sessions(generate(ps, sessions=sessions, end=TODAY))
    target = folder / f"sample-{shape}.{fmt}"
    with open_journal(source) as journal, output_stream(target) as out:
        export_journal(journal, ps, out, query=ExportQuery(), fmt=fmt, shape=shape)
    return target


def exported(db: Path) -> bytes:
    out = io.StringIO()
    with open_journal(db) as journal:
        export_journal(journal, bundled(), out, query=ExportQuery(), fmt="json")
    return out.getvalue().encode()


@pytest.mark.parametrize(("fmt", "shape"), [("csv", "long"), ("csv", "wide"), ("json", "long")])
def test_many_batches_read_apart_give_the_journal_one_process_gives(tmp_path, monkeypatch, fmt, shape):
    # 1,300 sessions: the reader's sessions come in 13 messages of 100.
    source = sample_export(tmp_path, 1300, fmt, shape)
    one = import_file(tmp_path / "one.db", bundled(), source, today=TODAY)
    forked: list[int] = []
    fork = os.fork
    monkeypatch.setattr(reading, "MIN_SIZE", 0)
    monkeypatch.setattr(os, "fork", lambda: forked.append(1) or fork())
    two = import_file(tmp_path / "two.db", bundled(), source, today=TODAY)
    assert forked == [1]
    assert (two.added, two.answers_added) == (one.added, one.answers_added) == (1300, one.answers_added)
    assert exported(tmp_path / "two.db") == exported(tmp_path / "one.db")


def test_a_problem_late_in_the_file_refuses_all_of_it_with_the_same_lines(tmp_path, run, monkeypatch):
    source = sample_export(tmp_path, 1300)
    lines = source.read_bytes().split(b"\r\n")
    # A rating near the end, past the first thousand sessions (which the writer has written by then)
    at = next(i for i in range(len(lines) - 40, 0, -1) if b",rating," in lines[i])
    cells = next(csv.reader([lines[at].decode()]))
    cells[9] = "eleven"  # the value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[at] = out.getvalue().encode()
    source.write_bytes(b"\r\n".join(lines))
    db = tmp_path / "journal.db"
    in_one = run("import", str(source), db=db)
    assert in_one.exit_code == 1 and not db.exists()
    monkeypatch.setattr(reading, "MIN_SIZE", 0)
    apart = run("import", str(source), db=db)
    assert (apart.exit_code, apart.stdout, apart.stderr) == (in_one.exit_code, in_one.stdout, in_one.stderr)
    assert f"row {at + 1}" in apart.stderr
    assert "Nothing was imported" in apart.stderr
    assert not db.exists()


def test_the_privacy_guard_counts_what_the_reader_found(tmp_path, run, monkeypatch):
    from exchange_support import BASIC, fill

    source_db = tmp_path / "source.db"
    fill(
        source_db,
        bundled(),
        [
            ("C-1", date(2026, 11, 2), "video", {**BASIC, "went_well": "She wrote to ann.lee@example.com after."}),
            ("C-2", date(2026, 11, 3), "video", {**BASIC, "went_well": "Quiet, steady work."}),
        ],
    )
    source = tmp_path / "in.csv"
    with open_journal(source_db) as journal, output_stream(source) as out:
        export_journal(journal, bundled(), out, query=ExportQuery())
    in_one = run("import", str(source), db=tmp_path / "one.db")
    monkeypatch.setattr(reading, "MIN_SIZE", 0)
    apart = run("import", str(source), db=tmp_path / "two.db")
    assert apart.exit_code == in_one.exit_code == 0
    assert apart.stderr.replace("two.db", "one.db") == in_one.stderr
    assert "Privacy check: 1 written answer in 1 session" in apart.stderr
    assert "ann.lee" not in apart.stderr


# -- stopping either process: real processes, a file above the size read apart ------------


@pytest.fixture(scope="module")
def large_file(tmp_path_factory) -> Path:
    """A long CSV export of 16 MB, well above reading.MIN_SIZE and long enough to read (about
    1.5 s) for its reader to be stopped in the middle: a sample journal's sessions, repeated
    with new uuids and ids."""
    folder = tmp_path_factory.mktemp("large")
    rows = list(csv.reader(io.StringIO(sample_export(folder, 200).read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    ids = {row[1]: int(row[0]) for row in body}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    copy = 0
    while out.tell() < max(16 << 20, 2 * reading.MIN_SIZE):
        fresh = {old: str(uuid.uuid4()) for old in ids}
        for row in body:
            writer.writerow([str(ids[row[1]] + copy * 1000), fresh[row[1]], *row[2:]])
        copy += 1
    target = folder / "large.csv"
    target.write_text(out.getvalue(), encoding="utf-8", newline="")
    return target


def reader_of(proc: subprocess.Popen[bytes]) -> int:
    """The pid of the import's reader, once it has forked."""
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = children.read_text().split() if children.exists() else []
        if found:
            return int(found[0])
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.005)
    raise AssertionError("the import never started its reader")


def gone(pid: int) -> bool:
    deadline = time.monotonic() + 10
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return not Path(f"/proc/{pid}").exists()


def start(alliance_exe, large_file, db, **kwargs) -> subprocess.Popen[bytes]:
    env = dict(os.environ, ALLIANCE_DB=str(db))
    return subprocess.Popen(
        [*alliance_exe, "import", str(large_file)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        **kwargs,
    )


def test_a_large_file_is_imported_whole(tmp_path, alliance_exe, large_file):
    db = tmp_path / "journal.db"
    proc = start(alliance_exe, large_file, db)
    reader = reader_of(proc)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    sessions = len({row[1] for row in csv.reader(io.StringIO(large_file.read_text(encoding="utf-8")))}) - 1
    assert f"Added {sessions} sessions" in err.decode()
    assert gone(reader)


def test_the_reader_killed_leaves_nothing_imported(tmp_path, alliance_exe, large_file):
    db = tmp_path / "journal.db"
    proc = start(alliance_exe, large_file, db)
    os.kill(reader_of(proc), signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert err.decode().strip().splitlines() == [
        f"alliance: {large_file}: the import's reading stopped before the end of the file; nothing was imported."
    ]
    assert not db.exists() and not Path(f"{db}-wal").exists()


def test_ctrl_c_stops_both_and_imports_nothing(tmp_path, alliance_exe, large_file):
    db = tmp_path / "journal.db"
    proc = start(alliance_exe, large_file, db, start_new_session=True)
    reader = reader_of(proc)
    os.killpg(proc.pid, signal.SIGINT)  # as the terminal sends it: to the whole foreground group
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Stopped; nothing was imported." in err.decode()
    assert "Traceback" not in err.decode()
    assert gone(reader)
    assert not db.exists()


def test_the_writer_killed_takes_its_reader_with_it(tmp_path, alliance_exe, large_file):
    db = tmp_path / "journal.db"
    proc = start(alliance_exe, large_file, db)
    reader = reader_of(proc)
    proc.kill()
    proc.communicate(timeout=60)
    assert gone(reader)  # its next batch finds the pipe closed
    if db.exists():  # what a kill -9 leaves: at most the new journal, without the import
        with open_journal(db) as journal:
            assert journal.conn.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0
