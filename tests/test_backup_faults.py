"""Faults around `backup`, `restore` and `export -o`: other terminals logging meanwhile,
kill -9 at any moment, planted links, leftovers of interrupted runs, a full or read-only disk.

The rounds of the two randomised tests can be raised for a longer run (the figures in the
notes come from such runs): ALLIANCE_FAULT_ROUNDS=40 pytest -s tests/test_backup_faults.py
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from alliance_cli.app.backup import make_backup
from alliance_cli.app.log import new_session
from alliance_cli.settings import files
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags

pytestmark = pytest.mark.skipif(os.name != "posix", reason="kill -9, flock and mounts are POSIX matters")

ROUNDS = int(os.environ.get("ALLIANCE_FAULT_ROUNDS", "0")) or None
TEMP = re.compile(r"^\..+\.(\d+-[0-9a-f]{12}\.tmp|[0-9a-f]{12}\.tmp|\d+\.part)$")
ANSWERS = {
    "empathy": 7,
    "respect": 8,
    "genuineness": 6,
    "positive_regard": 8,
    "active_listening": 5,
    "rupture": False,
}


def seed(journal: Path, n: int, *, words: int = 60, client: str = "C-1") -> None:
    """`n` sessions with a few hundred characters of text each, through the store."""
    ps = load_prompt_set(bundled_prompts_path())
    answers = dict(ANSWERS, went_well=" ".join(["listening"] * words))
    with open_journal(journal, create=True) as opened:
        opened.save_sessions(new_session(ps, client, date(2026, 11, 2), "video", answers) for _ in range(n))


def uuids(path: Path) -> dict[int, str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return dict(conn.execute("SELECT id, uuid FROM sessions").fetchall())


def intact(path: Path) -> bool:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def temporaries(*folders: Path) -> list[Path]:
    """alliance's hidden temporary names (this version's and earlier ones') in `folders`."""
    return sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir() if TEMP.match(p.name))


def dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def env_for(journal: Path) -> dict[str, str]:
    return dict(os.environ, ALLIANCE_DB=str(journal))


# -- restore while three other terminals log ----------------------------------------------

LOGGER = textwrap.dedent(
    """
    import sys
    from datetime import date
    from pathlib import Path
    from alliance_cli.app.log import new_session
    from alliance_cli.settings.paths import bundled_prompts_path
    from alliance_cli.settings.prompts import load_prompt_set
    from alliance_cli.store.journal import open_journal

    ps = load_prompt_set(bundled_prompts_path())
    answers = {"empathy": 7, "respect": 8, "genuineness": 6, "positive_regard": 8, "active_listening": 5,
               "rupture": False, "went_well": "said and heard"}
    journal, stop = Path(sys.argv[1]), Path(sys.argv[2])
    while not stop.exists():
        with open_journal(journal) as opened:  # as each `alliance log` opens it
            saved = opened.save_session(new_session(ps, sys.argv[3], date(2026, 11, 3), "video", answers))
        print(saved.id, saved.uuid, flush=True)  # acknowledged: `alliance log` prints the id now
    """
)


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


def test_restore_racing_three_loggers_loses_no_acknowledged_session(tmp_path, alliance_exe):
    """Every session whose id a logger printed is in the restored journal or in the kept copy."""
    rounds = ROUNDS or 3
    acknowledged = in_restored = in_kept = lost = 0
    for n in range(rounds):
        folder = tmp_path / f"round{n}"
        journal = folder / "journal.db"
        seed(journal, 30)
        backup = make_backup(journal, folder / "before.db").path
        seed(journal, 5, client="C-2")
        stop = folder / "stop"
        loggers = [
            subprocess.Popen(
                [sys.executable, "-c", LOGGER, str(journal), str(stop), f"C-L{i}"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for i in range(3)
        ]
        try:
            wait_for(lambda j=journal: len(uuids(j)) >= 35 + 30, "the loggers did not get going")
            done = subprocess.run(
                [*alliance_exe, "restore", "--yes", str(backup)],
                env=env_for(journal),
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert done.returncode == 0, done.stderr
            after = len(uuids(journal))
            wait_for(lambda j=journal, a=after: len(uuids(j)) >= a + 15, "the loggers stopped after the restore")
        finally:
            stop.touch()
            outputs = [logger.communicate(timeout=60) for logger in loggers]
        for logger, (_, err) in zip(loggers, outputs, strict=True):
            assert logger.returncode == 0, err
        kept = Path(re.search(r"kept in (.+)\.\n", done.stderr).group(1))  # type: ignore[union-attr]
        assert intact(journal) and intact(kept)
        restored, before = uuids(journal), uuids(kept)
        for out, _ in outputs:
            for line in out.splitlines():
                session_id, uuid = int(line.split()[0]), line.split()[1]
                acknowledged += 1
                if restored.get(session_id) == uuid:
                    in_restored += 1
                elif before.get(session_id) == uuid:
                    in_kept += 1
                else:
                    lost += 1
        assert temporaries(folder, folder / "backups") == []
    print(
        f"\nrestore racing 3 loggers: {rounds} rounds, {acknowledged} acknowledged sessions "
        f"({in_kept} in the kept copy, {in_restored} in the restored journal), {lost} lost"
    )
    assert lost == 0
    assert in_kept > 0 and in_restored > 0  # the race did happen on both sides of the restore


# -- kill -9 at random moments ---------------------------------------------------------


def _timed(command: list[str], env: dict[str, str]) -> float:
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return time.monotonic() - started


def test_kill_9_during_backup_or_restore_leaves_a_whole_journal_and_nothing_behind(tmp_path, alliance_exe, run):
    """Whenever the process dies, the journal is readable and holds the old content or the
    backup's, every backup file is complete, and the next run leaves no temporary copy."""
    rounds = ROUNDS or 12
    rng = random.Random(20261130)
    journal = tmp_path / "journal" / "journal.db"
    backups = journal.parent / "backups"
    seed(journal, 600, words=120)
    old = make_backup(journal, tmp_path / "old.db").path  # the backup restore brings back: 600 sessions
    seed(journal, 200, words=120, client="C-2")
    whole = make_backup(journal, tmp_path / "whole.db").path  # the journal as it is: 800 sessions
    new, current = uuids(old), uuids(whole)
    env = env_for(journal)
    commands = {"backup": [*alliance_exe, "backup"], "restore": [*alliance_exe, "restore", "--yes", str(old)]}
    took = {name: _timed(command, env) for name, command in commands.items()}
    tried = clean = left = switched = 0
    for n in range(rounds):
        name = ("backup", "restore")[n % 2]
        if name == "restore":  # start from the whole journal again
            for suffix in ("", "-wal", "-shm"):
                Path(f"{journal}{suffix}").unlink(missing_ok=True)
            journal.write_bytes(whole.read_bytes())
        before = uuids(journal)
        child = subprocess.Popen(commands[name], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.1) * took[name])
        child.send_signal(signal.SIGKILL)
        child.wait()
        tried += 1
        with open_journal(journal) as opened:  # readable, and ready for work
            assert opened.count_sessions() > 0
        assert intact(journal)
        after = uuids(journal)
        assert after == before or (name == "restore" and after == new), f"round {n}: neither old nor new"
        switched += after != before
        for made in backups.glob("journal-*.db"):
            assert intact(made) and uuids(made) in (current, new), made
        stray = temporaries(journal.parent, backups)
        left += bool(stray)
        if stray:
            named = [f for f in json.loads(run("doctor", "-f", "json", db=journal).stdout) if f["check"] == "leftovers"]
            assert {str(p) for p in stray} == {f["message"].split(" is a hidden copy")[0] for f in named}
        result = run("backup", "--keep", "3", db=journal)
        assert result.exit_code == 0, result.stderr
        for path in stray:
            assert f"Removed {path}, a copy of the journal left by an interrupted" in result.stderr
        assert temporaries(journal.parent, backups) == [], f"round {n}: a temporary copy was left"
        clean += 1
    print(
        f"\nkill -9 during backup/restore: {tried} rounds, {clean} clean, 0 lost; {switched} restores had "
        f"switched to the backup when killed; {left} left a hidden copy, removed by the next run"
    )
    assert clean == tried


# -- two backups in the same second --------------------------------------------------------

SAME_SECOND = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime
    from pathlib import Path
    from alliance_cli.app.backup import make_backup

    go = Path(sys.argv[2])
    while not go.exists():
        time.sleep(0.005)
    print(make_backup(Path(sys.argv[1]), now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC)).path)
    """
)


def test_backups_made_in_the_same_second_each_get_their_own_file(run, db_path, tmp_path):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    go = tmp_path / "go"
    children = [
        subprocess.Popen(
            [sys.executable, "-c", SAME_SECOND, str(db_path), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(6)
    ]
    time.sleep(0.5)
    go.touch()
    made = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        made.append(Path(out.strip()))
    assert len(set(made)) == 6
    assert sorted(p.name for p in made) == sorted(
        ["journal-20261120-090000Z.db", *(f"journal-20261120-090000Z-{n}.db" for n in range(2, 7))]
    )
    assert all(intact(p) and len(uuids(p)) == 1 for p in made)


def test_without_hard_links_the_name_is_claimed_before_the_copy_takes_it(run, db_path, monkeypatch):
    """A filesystem without hard links (FAT on a USB stick): still never an overwrite."""
    import errno

    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    monkeypatch.setattr(files.os, "link", no_links)
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    first, second = make_backup(db_path, now=now).path, make_backup(db_path, now=now).path
    assert (first.name, second.name) == ("journal-20261120-090000Z.db", "journal-20261120-090000Z-2.db")
    assert intact(first) and intact(second)
    assert temporaries(db_path.parent, first.parent) == []


# -- links planted where a temporary file would go ----------------------------------------


@pytest.fixture
def fixed_draws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The random part of temporary names drawn as 000000000000, 010101010101, ... (then random)."""
    real = os.urandom
    draws = iter(bytes([i]) * 6 for i in range(3))

    def draw(n: int) -> bytes:
        return (next(draws, None) or real(n)) if n == 6 else real(n)

    monkeypatch.setattr(files.os, "urandom", draw)
    yield


def test_links_planted_in_a_shared_backup_folder_are_never_followed(run, db_path, tmp_path, fixed_draws):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    shared = tmp_path / "shared"
    shared.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    victim_folder = tmp_path / "victim-folder"
    victim_folder.mkdir()
    pid = os.getpid()
    planted = [
        (shared / f".journal.db.{pid}-{'00' * 6}.tmp", victim_folder),  # this version's work folder
        (shared / f".journal.db.{pid}-{'01' * 6}.tmp", victim),
        (shared / f".journal-20261120-090000Z.db.{pid}.part", victim),  # the name an earlier version used
        (shared / "journal-20261120-090000Z.db", victim),  # the backup's own name
    ]
    for link, target in planted:
        link.symlink_to(target)
    result = make_backup(db_path, shared, now=datetime(2026, 11, 20, 9, 0, tzinfo=UTC))
    assert result.path == shared / "journal-20261120-090000Z-2.db"
    assert not result.path.is_symlink() and intact(result.path)
    assert victim.read_text() == "untouched" and list(victim_folder.iterdir()) == []
    assert all(link.is_symlink() for link, _ in planted)  # not ours: neither followed nor removed


def test_a_link_planted_at_the_export_temporary_name_is_not_followed(run, tmp_path, fixed_draws):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    victim = tmp_path / "victim.txt"
    victim.write_text("untouched")
    (tmp_path / f".out.csv.{os.getpid()}-{'00' * 6}.tmp").symlink_to(victim)
    result = run("export", "-o", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.stderr
    assert victim.read_text() == "untouched"
    assert "C-1" in (tmp_path / "out.csv").read_text()


# -- leftovers of interrupted runs -----------------------------------------------------------


def test_leftovers_are_named_by_doctor_and_removed_by_the_next_backup(run, db_path):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    backups = db_path.parent / "backups"
    backups.mkdir(mode=0o700)
    pid = dead_pid()
    work = backups / f".journal.db.{pid}-{'ab' * 6}.tmp"  # a backup's work folder
    work.mkdir(mode=0o700)
    (work / "journal.db").write_bytes(b"a whole copy")
    beside = db_path.parent / f".journal.db.{pid}-{'cd' * 6}.tmp"  # a restore's
    beside.mkdir(mode=0o700)
    part = backups / f".journal-20261120-095200Z.db.{pid}.part"  # an earlier version's
    part.write_bytes(b"a whole copy")
    part.chmod(0o600)
    others = [backups / f".notes.db.{pid}-{'ef' * 6}.tmp", backups / "mine.tmp"]  # not this journal's
    for other in others:
        other.write_text("keep")
    stale = sorted([work, beside, part])

    found = json.loads(run("doctor", "-f", "json").stdout)
    named = sorted(f["message"] for f in found if f["check"] == "leftovers")
    assert [m.split(" is a hidden copy")[0] for m in named] == [str(p) for p in stale]
    assert all(f["level"] == "warning" for f in found if f["check"] == "leftovers")
    assert f"rm -r '{work}'" in named[stale.index(work)]

    result = run("backup")
    assert result.exit_code == 0, result.stderr
    for path in stale:
        assert not path.exists()
        assert f"Removed {path}, a copy of the journal left by an interrupted backup or restore." in result.stderr
    assert all(other.exists() for other in others)
    assert not any(f["check"] == "leftovers" for f in json.loads(run("doctor", "-f", "json").stdout))


HOLDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from alliance_cli.settings.files import private_workdir

    with private_workdir(Path(sys.argv[1])) as work:
        print(work, flush=True)
        while not Path(sys.argv[2]).exists():
            time.sleep(0.02)
    """
)


def test_a_copy_still_being_made_is_left_alone_and_counts_in_keep(run, db_path, tmp_path):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    backups = db_path.parent / "backups"
    for minute in range(3):
        make_backup(db_path, now=datetime(2026, 11, 20, 9, minute, tzinfo=UTC))
    stop = tmp_path / "stop"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(backups / "journal.db"), str(stop)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        working = Path(holder.stdout.readline().strip())
        result = make_backup(db_path, keep=3, now=datetime(2026, 11, 20, 9, 5, tzinfo=UTC))
        assert working.is_dir()  # another run's copy in progress: never removed
        assert result.cleared == []
        # 3 kept: the copy being made and the newest two backups
        assert sorted(p.name for p in backups.glob("journal-*.db")) == [
            "journal-20261120-090200Z.db",
            "journal-20261120-090500Z.db",
        ]
        assert not any(f["check"] == "leftovers" for f in json.loads(run("doctor", "-f", "json").stdout))
    finally:
        stop.touch()
        holder.wait(timeout=30)
    assert not working.exists()


def test_an_interrupted_export_leaves_nothing_after_the_next(run, tmp_path):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    left = tmp_path / f".out.csv.{dead_pid()}-{'ab' * 6}.tmp"
    left.write_text("a whole export")
    left.chmod(0o600)
    running = tmp_path / f".out.csv.{os.getpid()}-{'cd' * 6}.tmp"  # a live process's: left alone
    running.write_text("being written")
    assert run("export", "-o", str(tmp_path / "out.csv")).exit_code == 0
    assert not left.exists() and running.exists()


def test_which_temporary_names_are_stale(tmp_path):
    dead = dead_pid()
    owns = "x.db".__eq__
    alive_unlocked = tmp_path / f".x.db.{os.getpid()}-{'00' * 6}.tmp"  # as between its creation and its lock
    alive_unlocked.write_text("")
    dead_unlocked = tmp_path / f".x.db.{dead}-{'01' * 6}.tmp"
    dead_unlocked.write_text("")
    with files.private_temp(tmp_path / "x.db") as held:  # locked by this process
        old = tmp_path / f".x.db.1-{'02' * 6}.tmp"  # a live pid (init), but older than STALE_AGE_S
        old.write_text("")
        os.utime(old, (time.time() - files.STALE_AGE_S - 60,) * 2)
        link = tmp_path / f".x.db.{dead}-{'03' * 6}.tmp"
        link.symlink_to(dead_unlocked)
        other = tmp_path / f".y.db.{dead}-{'04' * 6}.tmp"
        other.write_text("")
        found = {item.path.name: item.stale for item in files.leftovers(tmp_path, owns)}
        assert found == {alive_unlocked.name: False, dead_unlocked.name: True, held.name: False, old.name: True}
        assert sorted(files.remove_stale(tmp_path, owns)) == sorted([dead_unlocked, old])
        assert held.exists() and alive_unlocked.exists() and link.is_symlink() and other.exists()


# -- a full or read-only disk ------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[str, str], Path]]:
    """Mount a tmpfs of the given options at tmp_path/NAME (root only, else the test is skipped, saying why)."""
    mounted: list[Path] = []

    def mount(name: str, options: str) -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root; the full-disk and read-only checks did not run")
        where = tmp_path / name
        where.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True)
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
            pytest.skip(f"cannot mount a tmpfs here ({reason}); the full-disk and read-only checks did not run")
        mounted.append(where)
        return where

    yield mount
    for where in reversed(mounted):
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_backup_to_a_full_disk_names_the_disk_not_the_journal(run, db_path, small_disk):
    seed(db_path, 300, words=120)
    disk = small_disk("usb", "size=256k,mode=0700")
    before = uuids(db_path)
    result = run("backup", str(disk))
    assert result.exit_code == 1
    assert result.stderr == f"alliance: No space left on the disk holding {disk}; nothing was written.\n"
    assert result.stdout == ""
    assert list(disk.iterdir()) == []
    assert uuids(db_path) == before and intact(db_path)


def test_backup_to_a_read_only_disk_says_so(run, db_path, small_disk):
    seed(db_path, 3)
    disk = small_disk("usb", "ro,size=1m")
    result = run("backup", str(disk))
    assert result.exit_code == 1
    assert result.stderr == f"alliance: {disk} is on a read-only disk or mount; nothing was written.\n"
    named = run("backup", str(disk / "copy.db"))
    assert named.stderr == f"alliance: {disk} is on a read-only disk or mount; nothing was written.\n"


@pytest.mark.parametrize("size", ["400k", "1500k"])
def test_restore_on_a_full_disk_leaves_the_journal_as_it_was(run, small_disk, tmp_path, size):
    """400k: no room for the staged copy; 1500k: room for it and the kept copy, not for the new content."""
    disk = small_disk("disk", f"size={size},mode=0700")
    journal = disk / "journal.db"
    seed(journal, 20, words=40)
    big = tmp_path / "big.db"
    seed(big, 400, words=80)
    before = uuids(journal)
    result = run("restore", "--yes", str(big), db=journal)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == f"alliance: No space left on the disk holding {disk}; the journal was not changed.\n"
    assert uuids(journal) == before and intact(journal)
    assert temporaries(disk, disk / "backups") == []
    assert list((disk / "backups").glob("*.db")) == []  # no kept copy of a restore that did not happen


def test_restore_on_a_read_only_disk_says_so(run, small_disk, tmp_path):
    disk = small_disk("disk", "size=2m,mode=0700")
    journal = disk / "journal.db"
    seed(journal, 3)
    other = tmp_path / "other.db"
    seed(other, 5)
    done = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot remount the tmpfs read-only ({done.stderr.decode(errors='replace').strip()})")
    result = run("restore", "--yes", str(other), db=journal)
    assert result.exit_code == 1
    assert result.stderr == f"alliance: {disk} is on a read-only disk or mount; the journal was not changed.\n"
    # A WAL journal on a read-only mount, where no -shm can be made, is read as immutable.
    with sqlite3.connect(f"file:{journal}?immutable=1", uri=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == 3


# -- what restoring in place keeps right -----------------------------------------------------


def test_the_restore_knows_every_table_of_the_journal(db_path):
    """A migration that adds a table must say how restore carries it (store.maintenance)."""
    from alliance_cli.store.maintenance import CONTENT_TABLES, DERIVED_TABLES

    seed(db_path, 1)
    with sqlite3.connect(db_path) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert tables == set(CONTENT_TABLES) | DERIVED_TABLES


def test_a_restored_journal_searches_its_own_text_and_never_reuses_an_id(run, db_path):
    run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS), "--set", "went_well=tangerine")
    made = Path(run("backup").stdout.strip())
    for client in ("C-2", "C-3"):
        run("log", "-c", client, "-d", "2026-11-03", *set_flags(FULL_ANSWERS), "--set", "went_well=pomegranate")
    assert run("restore", "--yes", str(made)).exit_code == 0
    assert [r["client"] for r in json.loads(run("search", "tangerine", "-f", "json").stdout)] == ["C-1"]
    assert "Nothing found" in run("search", "pomegranate").stderr + run("search", "pomegranate").stdout
    logged = run("log", "-c", "C-4", "-d", "2026-11-04", *set_flags(FULL_ANSWERS), "--set", "went_well=pomegranate")
    assert logged.stdout.strip() == "4"  # ids 2 and 3 are in the kept copy; they mean those sessions only
    assert [r["client"] for r in json.loads(run("search", "pomegranate", "-f", "json").stdout)] == ["C-4"]
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.execute("INSERT INTO search_text (search_text, rank) VALUES ('integrity-check', 1)")
