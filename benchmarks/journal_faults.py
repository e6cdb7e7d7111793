"""Faults of the journal file against every command, as whole processes: the figures.

    sudo python benchmarks/journal_faults.py          # root: tmpfs, read-only mounts, chattr

Not a timing script. For each fault (a truncated copy, a full disk, a read-only mount,
folder and file, a bad byte in an answer, a -wal from another journal, an empty file, a
backup being read) and each command, it runs alliance on a fresh copy and sorts the
outcome: clean (done, or refused with one line naming the cause), wrong message,
unexpected error, traceback, hang (over 60 s), or the file changed by a command that
failed or only reads. Faults that need root are left out, with the reason, elsewhere.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

EXE = [str(Path(sys.executable).with_name("alliance"))]
if not Path(EXE[0]).exists():
    EXE = [sys.executable, "-m", "alliance_cli"]
ANSWERS = ["-s", "empathy=7", "-s", "respect=8", "-s", "genuineness=6", "-s", "positive_regard=8"]
ANSWERS += ["-s", "active_listening=5", "-s", "rupture=no"]
READING = {
    "list": ["list"],
    "show": ["show", "2"],
    "report --notes": ["report", "--since", "2026-01-01", "--until", "2026-12-31", "--notes"],
    "export": ["export"],
    "search": ["search", "steady"],
    "clients": ["clients", "--all"],
    "client-code": ["client-code"],
    "doctor": ["doctor"],
}
WRITING = {
    "log": ["log", "-c", "C-9", "-d", "2026-11-20", *ANSWERS],
    "edit": ["edit", "2", "-s", "empathy=3"],
    "delete": ["delete", "3", "--yes"],
}
COPYING = {"backup": ["backup"]}  # reads the journal, writes beside it (backups/)


def run(db: Path, args: list[str], home: Path) -> tuple[int | None, str, str]:
    env = dict(os.environ, ALLIANCE_DB=str(db), HOME=str(home), XDG_DATA_HOME=str(home / "data"))
    env.update(XDG_CONFIG_HOME=str(home / "config"), NO_COLOR="1")
    env.pop("ALLIANCE_DEBUG", None)
    try:
        done = subprocess.run([*EXE, *args], env=env, capture_output=True, text=True, timeout=60, check=False)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return done.returncode, done.stdout, done.stderr


def state(db: Path) -> str:
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        path = Path(f"{db}{suffix}")
        digest.update(path.read_bytes() if path.exists() and path.stat().st_size else b"-")
    return digest.hexdigest()


def sh(*args: str) -> int:
    return subprocess.run(list(args), capture_output=True, check=False).returncode


@contextmanager
def mounted(target: Path, *options: str) -> Iterator[None]:
    target.mkdir(exist_ok=True)
    if sh("mount", *options, str(target)):
        raise OSError(f"mount {' '.join(options)} failed")
    try:
        yield
    finally:
        sh("umount", str(target))


@contextmanager
def chattr(path: Path) -> Iterator[None]:
    if sh("chattr", "+i", str(path)):
        raise OSError("chattr +i failed")
    try:
        yield
    finally:
        sh("chattr", "-i", str(path))


def fill(folder: Path) -> None:
    for name, size in (("filler", 4096), ("filler-tail", 1)):
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            while True:
                os.write(fd, b"\0" * size)
        except OSError:
            pass
        finally:
            os.close(fd)


# A fault: (set up a journal from the healthy `source` in `work`, inside `stack`) -> the path,
# and the words a refusal must hold; None: the command must succeed.
Fault = Callable[[Path, Path, ExitStack], Path]


def truncated(source: Path, work: Path, stack: ExitStack) -> Path:
    db = work / "journal.db"
    db.write_bytes(source.read_bytes()[:20_000])
    return db


def full_disk(source: Path, work: Path, stack: ExitStack) -> Path:
    disk = work / "disk"
    stack.enter_context(mounted(disk, "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs"))
    shutil.copyfile(source, disk / "journal.db")
    fill(disk)
    return disk / "journal.db"


def read_only_mount(source: Path, work: Path, stack: ExitStack) -> Path:
    folder = work / "ro"
    folder.mkdir()
    shutil.copyfile(source, folder / "journal.db")
    stack.enter_context(mounted(folder, "--bind", str(folder)))
    if sh("mount", "-o", "remount,bind,ro", str(folder)):
        raise OSError("remount read-only failed")
    return folder / "journal.db"


def read_only_folder(source: Path, work: Path, stack: ExitStack) -> Path:
    folder = work / "locked"
    folder.mkdir()
    shutil.copyfile(source, folder / "journal.db")
    stack.enter_context(chattr(folder))
    return folder / "journal.db"


def read_only_file(source: Path, work: Path, stack: ExitStack) -> Path:
    db = work / "journal.db"
    shutil.copyfile(source, db)
    stack.enter_context(chattr(db))
    return db


def bad_byte(source: Path, work: Path, stack: ExitStack) -> Path:
    db = work / "journal.db"
    shutil.copyfile(source, db)
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE answers SET value_text = CAST(? AS TEXT) WHERE session_id = 2 AND prompt_id = 'went_well'",
        (b"Secret words\xff stay private",),
    )
    conn.commit()
    conn.close()
    return db


def foreign_wal(source: Path, work: Path, stack: ExitStack) -> Path:
    db = work / "journal.db"
    shutil.copyfile(source, db)
    other = work / "other.db"
    shutil.copyfile(source, other)
    run(other, WRITING["log"], work / "home")  # another journal, with a mark of its own...
    conn = sqlite3.connect(other, isolation_level=None)
    conn.execute("PRAGMA application_id = 1094795586")  # ...another id
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("PRAGMA user_version = 77")
    conn.execute("UPDATE sessions SET modality = 'video'")
    conn.execute("COMMIT")
    shutil.copyfile(f"{other}-wal", f"{db}-wal")
    conn.close()
    return db


def empty(source: Path, work: Path, stack: ExitStack) -> Path:
    db = work / "journal.db"
    db.touch()
    return db


def backup_read(source: Path, work: Path, stack: ExitStack) -> Path:
    home = work / "home"
    code, out, err = run(source, ["backup", str(work)], home)
    if code != 0 or not out.strip():
        raise OSError(f"backup failed: {err.strip()}")
    return Path(out.strip())


FAULTS: list[tuple[str, Fault, str | None, bool]] = [
    # name, set-up, the words of a refusal (None: must succeed), needs root
    ("truncated copy", truncated, "is truncated", False),
    ("full disk", full_disk, "No space left", True),
    ("read-only mount", read_only_mount, "read-only", True),
    ("read-only folder", read_only_folder, "read-only", True),
    ("read-only file", read_only_file, "read-only", True),
    ("bad byte in an answer", bad_byte, None, False),
    ("-wal of another journal", foreign_wal, "does not belong", False),
    ("empty file", empty, "empty file", False),
    ("a backup, read", backup_read, None, False),
]


def judge(fault: str, command: str, reading: bool, expect: str | None, outcome: tuple[int | None, str, str]) -> str:
    code, out, err = outcome
    if code is None:
        return "hang"
    if "Traceback" in err:
        return "traceback"
    if "unexpected error" in err:
        return "unexpected error"
    if "Secret" in err:
        return "wrong message"  # answer text in a message
    unusable = fault in ("truncated copy", "-wal of another journal", "empty file")
    refusal_expected = expect is not None and (not reading or unusable)
    if command == "log" and fault == "empty file":
        refusal_expected = False
    lines = err.strip().splitlines()
    last = lines[-1] if lines else ""  # delete shows the sessions first
    if command == "doctor":
        return "clean" if not refusal_expected or expect.split()[0] in out + err else "wrong message"
    if command == "backup" and not unusable:  # a copy: a read-only or full place beside it is its own refusal
        return "clean" if code == 0 or (code == 1 and last.startswith("alliance: ")) else "wrong message"
    if refusal_expected:
        ok = code == 1 and last.startswith("alliance: ") and expect.lower() in last.lower()
        return "clean" if ok else "wrong message"
    if code == 0:
        return "clean"
    return "clean" if code == 1 and last.startswith("alliance: ") else "wrong message"  # its own reasons


def main() -> None:
    root = os.name == "posix" and os.geteuid() == 0
    tally: Counter[str] = Counter()
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        source = base / "source.db"
        for n, client in enumerate(("C-1", "C-2", "C-3"), start=1):
            args = ["log", "-c", client, "-d", f"2026-11-1{n}", *ANSWERS, "-s", "went_well=steady work"]
            assert run(source, args, base / "home")[0] == 0
        for name, setup, expect, needs_root in FAULTS:
            if needs_root and not root:
                print(f"left out: {name} (needs root for mount/chattr)")
                continue
            for command, args in {**READING, **WRITING, **COPYING}.items():
                reading = command in READING
                work = Path(tempfile.mkdtemp(dir=base))
                with ExitStack() as stack:
                    try:
                        db = setup(source, work, stack)
                    except OSError as exc:
                        print(f"left out: {name} ({exc})")
                        break
                    before = state(db)
                    outcome = run(db, args, work / "home")
                    verdict = judge(name, command, reading, expect, outcome)
                    changed = state(db) != before
                    if changed and (reading or outcome[0] != 0):
                        verdict = "changed the file"
                tally["tried"] += 1
                tally[verdict] += 1
                if verdict != "clean":
                    problems.append(f"{name} / {command}: {verdict}: {outcome[2].strip()[:160]}")
    order = ["tried", "clean", "wrong message", "unexpected error", "traceback", "hang", "changed the file"]
    print(", ".join(f"{tally[k]} {k}" for k in order))
    for line in problems:
        print("  " + line)


if __name__ == "__main__":
    main()
