"""Fault injection: kill -9 at random points of every writing command, and writers at once.

    python benchmarks/faults.py [--rounds 200] [--writers 8] [--logs 50] [--seed N]

Kill rounds, on a temporary journal: each round runs one writing command as a separate
`alliance` process (a scripted log, a scripted edit, delete, import of a small file and of
one large enough to be read in a second process, backup, restore, clients rename, clients
forget, watchlist add; in turn, then at random) and sends it SIGKILL after a random delay
between a tenth of its usual run time and a little over all of it (some rounds finish
first). After each round:

- the journal opens (`alliance list` ends with 0, within 30 s) and passes
  `PRAGMA integrity_check`;
- every session whose id was acknowledged (printed on stdout, or "Saved session N" on
  stderr) before the kill is present, unless a delete or forget asked for it to go;
- no session is partial (every session holds all its answers), an edited answer holds
  its old value or its new one, an import is all there or not at all (and no process is
  left reading its file), every finished backup is an intact journal, and the watch-list
  still loads.

Writers at once: WRITERS threads each run LOGS scripted `alliance log` processes one after
another, all on the same journal; every id printed must be in the journal at the end.

Prints "tried / clean / lost / tracebacks / hangs" for each, and the commands that
failed a check. The same functions run in `tests/test_faults.py` with a few rounds.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

FULL = {
    "empathy": "7",
    "respect": "8",
    "genuineness": "6",
    "positive_regard": "8",
    "active_listening": "5",
    "rupture": "no",
}
ANSWERS_PER_SESSION = len(FULL)
COMMANDS = ("log", "edit", "delete", "import", "import large", "backup", "restore", "rename", "forget", "watchlist")
PROBE_TIMEOUT_S = 30.0
RUN_TIMEOUT_S = 60.0
TROUBLE = ("Traceback", "unexpected error")


def alliance_command() -> list[str]:
    exe = Path(sys.executable).with_name("alliance")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "alliance_cli"]


def set_flags(answers: dict[str, str]) -> list[str]:
    return [flag for key, value in answers.items() for flag in ("--set", f"{key}={value}")]


@dataclass
class Figures:
    """What a run found; `problems` says which command failed which check (never answer text)."""

    tried: int = 0
    clean: int = 0
    lost: int = 0  # acknowledged sessions missing
    partial: int = 0  # sessions without all their answers, half edits, half imports
    damaged: int = 0  # the journal did not open, or failed integrity_check
    tracebacks: int = 0
    hangs: int = 0
    problems: list[str] = field(default_factory=list)
    commands: Counter[str] = field(default_factory=Counter)
    killed: int = 0  # rounds killed before the command ended
    killed_writing: int = 0  # of those, killed after it had changed a file of the journal (or a backup)
    leftovers: list[str] = field(default_factory=list)  # hidden temporary files left at the end (not counted)

    def line(self, name: str) -> str:
        return (
            f"{name}: tried {self.tried} / clean {self.clean} / lost {self.lost} / tracebacks {self.tracebacks} / "
            f"hangs {self.hangs}   (partial {self.partial}, damaged {self.damaged})"
        )

    @property
    def ok(self) -> bool:
        return self.clean == self.tried and not (
            self.lost or self.partial or self.damaged or self.tracebacks or self.hangs
        )


@dataclass
class Outcome:
    code: int | None  # None: killed, or hung
    stdout: str
    stderr: str
    hung: bool = False


class Lab:
    """A temporary home with a journal, and the alliance processes run against it."""

    def __init__(self, folder: Path, alliance: list[str], seed: int) -> None:
        self.folder = folder
        self.alliance = alliance
        self.rng = random.Random(seed)
        self.db = folder / "journal" / "journal.db"
        self.source = folder / "source" / "journal.db"
        home = folder / "home"
        home.mkdir(parents=True, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "XDG_"))}
        self.env.update(
            HOME=str(home),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_CONFIG_HOME=str(home / ".config"),
            ALLIANCE_DB=str(self.db),
            NO_COLOR="1",
        )
        self.env.pop("PYTHONDONTWRITEBYTECODE", None)
        self.acked: set[int] = set()
        self.durations: dict[str, list[float]] = {}
        self.serial = 0

    # -- processes ------------------------------------------------------------------------

    def run(self, *args: str, db: Path | None = None, timeout: float = RUN_TIMEOUT_S) -> Outcome:
        env = self.env if db is None else dict(self.env, ALLIANCE_DB=str(db))
        try:
            done = subprocess.run(
                [*self.alliance, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            return Outcome(None, _text(exc.stdout), _text(exc.stderr), hung=True)
        return Outcome(done.returncode, done.stdout, done.stderr)

    def killed_at_random(self, command: str, args: list[str]) -> tuple[Outcome, bool]:
        """Run `args` and SIGKILL it: every other round after a random delay (a tenth of its usual
        time to a little past it), else a random few milliseconds after its first write to a
        file (the journal, a backup, the watch-list), where a kill can do harm.
        (What it printed, whether it was killed.)"""
        times = sorted(self.durations.get(command) or [0.3])
        usual = times[len(times) // 2]
        at_write = self.rng.random() < 0.5
        delay = usual * self.rng.uniform(0.1, 1.1)
        before = self.files()
        started = time.monotonic()
        proc = subprocess.Popen(
            [*self.alliance, *args], env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        if at_write:
            while proc.poll() is None and self.files() == before and time.monotonic() - started < RUN_TIMEOUT_S:
                time.sleep(0.0002)
            delay = self.rng.uniform(0.0, 0.004)
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
        try:
            out, err = proc.communicate(timeout=RUN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
            return Outcome(None, out, err, hung=True), True
        killed = proc.returncode == -signal.SIGKILL
        if not killed:
            self.durations.setdefault(command, []).append(time.monotonic() - started)
        return Outcome(None if killed else proc.returncode, out, err), killed

    # -- the journal, read directly -------------------------------------------------------

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        if not self.db.exists():
            return []
        conn = sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def files(self) -> tuple[object, ...]:
        """A cheap fingerprint of what a writing command changes: the journal and its -wal
        (size, time), and the names in the journal's folder, its backups and the settings
        folder (a temporary copy, a backup, the watch-list)."""
        found: list[object] = []
        for path in (self.db, Path(f"{self.db}-wal")):
            try:
                info = path.stat()
                found.append((info.st_size, info.st_mtime_ns))
            except OSError:
                found.append(None)
        for folder in (self.db.parent, self.db.parent / "backups", self.folder / "home" / ".config" / "alliance"):
            try:
                found.append(frozenset(os.listdir(folder)))
            except OSError:
                found.append(None)
        return tuple(found)

    def session_ids(self) -> list[int]:
        return [int(r[0]) for r in self.query("SELECT id FROM sessions ORDER BY id")]  # type: ignore[call-overload]

    def clients(self) -> dict[str, list[int]]:
        found: dict[str, list[int]] = {}
        for client, session_id in self.query("SELECT client, id FROM sessions ORDER BY id"):
            found.setdefault(str(client), []).append(int(session_id))  # type: ignore[call-overload]
        return found

    def new_code(self) -> str:
        self.serial += 1
        return f"C-{self.serial:03d}"

    # -- what each command needs ----------------------------------------------------------

    def log_once(self) -> None:
        """A session logged without a kill (the journal is never left empty)."""
        done = self.run("log", "-c", self.new_code(), *set_flags(FULL))
        self.acked.update(acknowledged(done))

    def import_file(self) -> tuple[Path, set[str]]:
        """A fresh export of two new sessions from another journal, and their uuids."""
        code = self.new_code()
        for _ in range(2):
            self.run("log", "-c", code, *set_flags(FULL), db=self.source)
        target = self.folder / f"import-{code}.csv"
        self.run("export", "--client", code, "-o", str(target), db=self.source)
        with target.open(encoding="utf-8", newline="") as handle:
            uuids = {row["uuid"] for row in csv.DictReader(handle)}
        return target, uuids

    def large_import_file(self) -> tuple[Path, set[str]]:
        """An export of two new sessions, their rows repeated with fresh uuids until the file is
        twice the size an import reads in a second process (`app.reading`), and their uuids."""
        from alliance_cli.app.reading import MIN_SIZE

        small, _ = self.import_file()
        with small.open(encoding="utf-8", newline="") as handle:
            header, *body = list(csv.reader(handle))
        target = self.folder / f"large-{small.stem}.csv"
        uuids: set[str] = set()
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(header)
            while handle.tell() < 2 * MIN_SIZE:
                fresh = {old: str(uuid.uuid4()) for old in {row[1] for row in body}}
                uuids.update(fresh.values())
                writer.writerows([row[0], fresh[row[1]], *row[2:]] for row in body)
        return target, uuids

    def readers_left(self, path: Path) -> int:
        """Processes still running an import of `path` a few seconds after it ended (Linux): a
        reader forked by an import that was killed must end on its own."""
        deadline = time.monotonic() + 5
        while True:
            found = 0
            for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
                try:
                    found += str(path).encode() in cmdline.read_bytes()
                except OSError:
                    continue
            if not found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)


def _text(data: str | bytes | None) -> str:
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def acknowledged(outcome: Outcome) -> set[int]:
    """The session ids the reader saw: printed on stdout, or named "Saved session N" on stderr."""
    ids = {int(line) for line in outcome.stdout.split() if line.isdigit()}
    ids |= {int(n) for n in re.findall(r"Saved session (\d+)", outcome.stderr)}
    return ids


def kill_rounds(
    rounds: int, *, seed: int = 1, folder: Path | None = None, alliance: list[str] | None = None
) -> Figures:
    """`rounds` kill -9 rounds, every command in turn first, then at random."""
    folder = folder or Path(tempfile.mkdtemp(prefix="alliance-faults-"))
    lab = Lab(folder, alliance or alliance_command(), seed)
    figures = Figures()
    for _ in range(4):
        lab.log_once()
    lab.run("watchlist", "add", "Marguerite")
    for n in range(rounds):
        command = COMMANDS[n] if n < len(COMMANDS) else lab.rng.choice(COMMANDS)
        one_round(lab, command, figures)
    kinds = Counter(
        path.suffix or path.name
        for folder in (lab.db.parent, lab.db.parent / "backups")
        if folder.is_dir()
        for path in folder.iterdir()
        if path.name.startswith(".") and path.is_file()
    )
    figures.leftovers = [f"{n} hidden {kind} file{'s' if n > 1 else ''}" for kind, n in sorted(kinds.items())]
    return figures


def one_round(lab: Lab, command: str, figures: Figures) -> None:
    """Run `command` killed at a random point, then check everything; count what failed."""
    if len(lab.acked) < 4:
        lab.log_once()
    before = len(figures.problems)
    expect: dict[str, object] = {}
    if command == "log":
        args = ["log", "-c", lab.new_code(), *set_flags(FULL)]
    elif command == "edit":
        session = lab.rng.choice(sorted(lab.acked))
        old = lab.query("SELECT value_num FROM answers WHERE session_id = ? AND prompt_id = 'empathy'", (session,))
        new = lab.rng.choice([v for v in range(11) if not old or v != old[0][0]])
        expect["edit"] = (session, {old[0][0] if old else None, new})
        args = ["edit", str(session), "-s", f"empathy={new}"]
    elif command == "delete":
        session = lab.rng.choice(sorted(lab.acked))
        lab.acked.discard(session)  # may go or stay
        args = ["delete", str(session), "--yes"]
    elif command in ("import", "import large"):
        path, uuids = lab.import_file() if command == "import" else lab.large_import_file()
        expect["import"] = uuids
        expect["file"] = path
        args = ["import", str(path)]
    elif command == "backup":
        args = ["backup"]
    elif command == "restore":
        made = lab.run("backup")
        if made.code != 0:
            figures.problems.append(f"restore: the backup before it failed ({_first(made.stderr)})")
            return
        args = ["restore", made.stdout.strip(), "--yes"]
    elif command in ("rename", "forget"):
        clients = lab.clients()
        small = [c for c, ids in clients.items() if len(ids) <= 3] or list(clients)
        code = lab.rng.choice(sorted(small))
        if command == "rename":
            args = ["clients", "rename", code, lab.new_code()]
        else:
            lab.acked -= set(clients[code])  # may go or stay
            args = ["clients", "forget", code, "--yes"]
    else:
        lab.serial += 1
        args = ["watchlist", "add", f"Word{'abcdefghij'[lab.serial % 10]}{lab.serial}x"]

    files = lab.files()
    outcome, killed = lab.killed_at_random(command, args)
    figures.tried += 1
    figures.commands[command] += 1
    figures.killed += killed
    figures.killed_writing += killed and lab.files() != files
    if outcome.hung:
        figures.hangs += 1
        figures.problems.append(f"{command}: did not end within {RUN_TIMEOUT_S:g} s")
    if any(t in outcome.stderr for t in TROUBLE):
        figures.tracebacks += 1
        figures.problems.append(f"{command}: {_first(outcome.stderr, TROUBLE)}")
    if not killed and outcome.code not in (0, None):
        figures.problems.append(f"{command}: ended with {outcome.code} without a kill ({_first(outcome.stderr)})")
    if command == "log":
        lab.acked |= acknowledged(outcome)
    check(lab, command, figures, expect)
    if len(figures.problems) == before:
        figures.clean += 1


def check(lab: Lab, command: str, figures: Figures, expect: dict[str, object]) -> None:
    """After a round: the journal opens, is intact, holds every acknowledged session whole."""
    probe = lab.run("list", "-f", "json", "-n", "0", timeout=PROBE_TIMEOUT_S)
    if probe.hung:
        figures.hangs += 1
        figures.problems.append(f"{command}: `alliance list` afterwards did not end within {PROBE_TIMEOUT_S:g} s")
        return
    if any(t in probe.stderr for t in TROUBLE):
        figures.tracebacks += 1
        figures.problems.append(f"{command}: `alliance list` afterwards: {_first(probe.stderr, TROUBLE)}")
    if probe.code != 0:
        figures.damaged += 1
        figures.problems.append(f"{command}: the journal does not open afterwards ({_first(probe.stderr)})")
        return
    verdict = lab.query("PRAGMA integrity_check")
    if [tuple(r) for r in verdict] != [("ok",)]:
        figures.damaged += 1
        figures.problems.append(f"{command}: integrity_check says {verdict[:1]}")
        return
    present = set(lab.session_ids())
    missing = lab.acked - present
    if missing:
        figures.lost += len(missing)
        figures.problems.append(f"{command}: acknowledged sessions missing: {sorted(missing)}")
    short = lab.query(
        "SELECT s.id, COUNT(a.session_id) FROM sessions s LEFT JOIN answers a ON a.session_id = s.id "
        "GROUP BY s.id HAVING COUNT(a.session_id) < ?",
        (ANSWERS_PER_SESSION,),
    )
    if short:
        figures.partial += len(short)
        figures.problems.append(f"{command}: sessions without all their answers: {[r[0] for r in short]}")
    if "edit" in expect:
        session, allowed = expect["edit"]  # type: ignore[misc]
        value = lab.query("SELECT value_num FROM answers WHERE session_id = ? AND prompt_id = 'empathy'", (session,))
        if session in present and (not value or value[0][0] not in allowed):
            figures.partial += 1
            figures.problems.append(f"edit: session {session} holds neither the old nor the new answer")
    if "import" in expect:
        uuids: set[str] = expect["import"]  # type: ignore[assignment]
        marks = ",".join("?" * len(uuids))
        there = lab.query(f"SELECT COUNT(*) FROM sessions WHERE uuid IN ({marks})", tuple(uuids))[0][0]
        if there not in (0, len(uuids)):
            figures.partial += 1
            figures.problems.append(f"{command}: {there} of {len(uuids)} sessions of one file arrived")
        if sys.platform == "linux" and (left := lab.readers_left(expect["file"])):  # type: ignore[arg-type]
            figures.problems.append(f"{command}: {left} process(es) still reading the file after it ended")
    backups = lab.db.parent / "backups"
    for made in sorted(backups.glob("*.db")) if backups.is_dir() else []:
        conn = sqlite3.connect(f"file:{made}?mode=ro", uri=True)
        try:
            fine = conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        except sqlite3.DatabaseError:
            fine = False
        finally:
            conn.close()
        if not fine:
            figures.damaged += 1
            figures.problems.append(f"{command}: the backup {made.name} is not an intact journal")
    if command == "watchlist":
        counted = lab.run("watchlist", "count", timeout=PROBE_TIMEOUT_S)
        if counted.code != 0:
            figures.damaged += 1
            figures.problems.append(f"watchlist: the watch-list does not load afterwards ({_first(counted.stderr)})")


def _first(text: str, among: tuple[str, ...] = ()) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines:
        if any(t in line for t in among):
            return line.strip()[:200]
    return lines[-1].strip()[:200] if lines else "no message"


def concurrent_writers(
    writers: int, logs_each: int, *, folder: Path | None = None, alliance: list[str] | None = None
) -> Figures:
    """`writers` threads, each running `logs_each` scripted `alliance log` processes in turn, all
    on one journal; every id printed must be in the journal at the end."""
    folder = folder or Path(tempfile.mkdtemp(prefix="alliance-writers-"))
    lab = Lab(folder, alliance or alliance_command(), 0)
    figures = Figures()
    lock = threading.Lock()

    def writer(n: int) -> None:
        for _ in range(logs_each):
            done = lab.run("log", "-c", f"C-{n + 1:03d}", *set_flags(FULL))
            with lock:
                figures.tried += 1
                figures.commands["log"] += 1
                if done.hung:
                    figures.hangs += 1
                    figures.problems.append(f"writer {n}: a log did not end within {RUN_TIMEOUT_S:g} s")
                elif any(t in done.stderr for t in TROUBLE):
                    figures.tracebacks += 1
                    figures.problems.append(f"writer {n}: {_first(done.stderr, TROUBLE)}")
                elif done.code != 0:
                    figures.problems.append(f"writer {n}: a log ended with {done.code} ({_first(done.stderr)})")
                else:
                    figures.clean += 1
                lab.acked |= acknowledged(done)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    present = set(lab.session_ids())
    missing = lab.acked - present
    if missing:
        figures.lost += len(missing)
        figures.problems.append(f"writers: acknowledged sessions missing: {sorted(missing)}")
    if len(present) != figures.clean:
        figures.problems.append(f"writers: {figures.clean} logs saved, {len(present)} sessions in the journal")
    numbers = lab.query("SELECT client, COUNT(*), COUNT(DISTINCT session_number) FROM session_view GROUP BY client")
    if any(r[1] != r[2] for r in numbers):
        figures.problems.append("writers: two sessions of one client share a session number")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200, help="kill -9 rounds")
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--logs", type=int, default=50, help="logs per writer")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    print(f"seed {args.seed}")
    started = time.monotonic()
    kills = kill_rounds(args.rounds, seed=args.seed)
    print(kills.line("kill -9 during writing commands"))
    print(f"  {kills.killed} killed mid-run ({kills.killed_writing} after they had begun writing), "
          f"{kills.tried - kills.killed} finished first; per command: "
          + ", ".join(f"{c} {n}" for c, n in sorted(kills.commands.items())))  # fmt: skip
    for problem in kills.problems:
        print(f"  {problem}")
    if kills.leftovers:
        print(f"  (left behind by killed runs: {', '.join(kills.leftovers)})")
    writers = concurrent_writers(args.writers, args.logs)
    print(writers.line(f"{args.writers} writers x {args.logs} logs"))
    for problem in writers.problems:
        print(f"  {problem}")
    print(f"({time.monotonic() - started:.0f} s)")
    raise SystemExit(0 if kills.ok and writers.ok else 1)


if __name__ == "__main__":
    main()
