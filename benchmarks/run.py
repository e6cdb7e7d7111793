"""Every command's speed and memory beside its reference, in one table (issue 17).

    python benchmarks/run.py             # journals of 1, 10 and 40 years, 9 pairs each
    python benchmarks/run.py --quick     # the 1-year journal, a subset, 3 pairs: under a minute
    python benchmarks/run.py --years 10 --runs 15

Journals are built with generate.py (2,500 sessions a year) and kept in the temp folder, so
a second run reuses them. Each row times whole processes in alternating pairs (reference,
alliance, reference, ...): the reference app (a minimal Typer + Rich app) for everyday
commands, the plain sqlite3 + csv script for exports, the matching export for imports (and a
bare script that reads the same file unchecked, reference_import.py), SQLite's integrity
check alone for `doctor` (reference_check.py). The commands whose work is the whole journal
are also timed beside a bare script doing that work: `clients --all` beside the same CSV
written by sqlite3 and csv (reference_clients.py), `backup` beside SQLite's backup API and
a check of the copy (reference_backup.py), `delete` and `clients forget` beside the same
erasure (reference_erase.py: secure delete, the search index rewritten, the log emptied). The
ratio is alliance's median over the reference's; the range is alliance's min-max; memory is
the peak resident size (ru_maxrss) of alliance's child process. For an interactive `log` the
time is until its first question appears in a pseudo-terminal (pexpect), beside the reference
app's whole run; memory is the child's high-water mark then (VmHWM, Linux).
"""

from __future__ import annotations

import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from generate import build
from timing import HERE, REFERENCE, alliance_cmd

REF_APP = [sys.executable, str(HERE / "reference_app.py")]
FLOOR = [sys.executable, str(HERE / "reference_export.py")]
CHECK_FLOOR = [sys.executable, str(HERE / "reference_check.py")]
IMPORT_FLOOR = [sys.executable, str(HERE / "reference_import.py")]
CLIENTS_FLOOR = [sys.executable, str(HERE / "reference_clients.py")]
BACKUP_FLOOR = [sys.executable, str(HERE / "reference_backup.py")]
ERASE_FLOOR = [sys.executable, str(HERE / "reference_erase.py")]
CACHE = Path(tempfile.gettempdir()) / "alliance-bench"
SESSIONS_A_YEAR = 2_500
KNOWN_CLIENT = "C-0036"  # one of the generator's busiest clients: the recap has history to show
# With client and date given, the recap of the last session comes before the first question.
KNOWN_LOG = ["log", "--client", KNOWN_CLIENT, "--date", "2026-11-20"]
# The review of the journals' last week (they end on Friday 2026-11-20): the week of the day
# the benchmark runs would soon be an empty one, and time a review of nothing.
LAST_WEEK = "2026-W47"
LAST_MONTH = "2026-10"  # their last whole month
COMMON, RARE = "client", "strain"  # in about 2,800 and 64 written answers a year
# Each run of an edit changes the answer (the value alternates), as a person's edit does: an
# edit to the value already there changes nothing. A new text also rewrites the search index,
# so that the old words leave the file, as `delete` does.
EDIT_RATING = ["edit", "100", "--set", "empathy={}"], ("6", "7")
EDIT_TEXT = ["edit", "100", "--set", "went_well=Edited in the benchmark, {}."], ("once", "again")
LOG_ARGS = [
    "log", "--client", "C-0014", "--date", "2026-11-20",
    "--set", "empathy=7", "--set", "respect=8", "--set", "genuineness=7", "--set", "positive_regard=8",
    "--set", "active_listening=6", "--set", "rupture=no", "--set", "went_well=Stayed with the silence.",
]  # fmt: skip


@dataclass
class Sample:
    seconds: float
    peak_mb: float


@dataclass
class Runner:
    """A timed run, and (for whole processes) how to measure its peak memory once."""

    run: Callable[[], Sample]
    memory: Callable[[], float] | None = None


CPU = False  # --cpu: the child's CPU time (user + system) instead of the time on the clock


def run_process(cmd: Sequence[str], env: dict[str, str]) -> Sample:
    """One whole run of `cmd`, timed (or its CPU time); its memory comes separately (peak_mb)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(list(cmd), env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        if proc.returncode != 0:
            errors.seek(0)
            said = errors.read().decode(errors="replace")[-500:]
            raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {said}")
    return Sample(usage.ru_utime + usage.ru_stime if CPU else elapsed, 0.0)


def cpu_seconds(pid: int) -> float | None:
    """The CPU time process `pid` has had so far (Linux: /proc/PID/schedstat, in ns)."""
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return None


PROBE = (
    "import os, subprocess, sys\n"
    "quiet = subprocess.DEVNULL\n"
    "p = subprocess.Popen(sys.argv[1:], stdin=quiet, stdout=quiet, stderr=quiet)\n"
    "print(os.wait4(p.pid, 0)[2].ru_maxrss)"
)


def peak_mb(cmd: Sequence[str], env: dict[str, str]) -> float:
    """The child's ru_maxrss, from a fresh small parent: Linux counts the forking parent's own
    high-water mark in a child's ru_maxrss, so it cannot be this (large) process."""
    out = subprocess.run([sys.executable, "-c", PROBE, *cmd], env=env, capture_output=True, text=True, check=True)
    kb = int(out.stdout.strip())
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def until_first_question(cmd: Sequence[str], env: dict[str, str], question: str) -> Sample:
    """Seconds until `question` is on the pty's screen; the child is killed then (no draft)."""
    import pexpect  # the test extra

    pty_env = dict(env, TERM="xterm", COLUMNS="100", LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    started = time.perf_counter()
    child = pexpect.spawn(cmd[0], list(cmd[1:]), env=pty_env, encoding="utf-8", timeout=30, dimensions=(40, 100))
    child.expect_exact(question)
    elapsed = time.perf_counter() - started
    if CPU:
        elapsed = cpu_seconds(child.pid) or elapsed
    peak = 0.0
    try:
        for line in Path(f"/proc/{child.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    child.kill(9)
    child.close(force=True)
    return Sample(elapsed, peak)


@dataclass
class Row:
    name: str
    ours: list[Sample]
    theirs: list[Sample]
    ours_mb: float = 0.0
    theirs_mb: float = 0.0

    def line(self) -> str:
        ours = [s.seconds for s in self.ours]
        theirs = [s.seconds for s in self.theirs]
        med, ref = statistics.median(ours), statistics.median(theirs)
        # Each round's own ratio, its two runs side by side: what a machine whose speed drifts
        # over minutes (other jobs) blurs least.
        paired = statistics.median(o / t for o, t in zip(ours, theirs, strict=True))
        peak = self.ours_mb or max(s.peak_mb for s in self.ours)
        ref_peak = self.theirs_mb or max(s.peak_mb for s in self.theirs)
        return (
            f"| {self.name} | {med * 1000:.0f} | {min(ours) * 1000:.0f}–{max(ours) * 1000:.0f} "
            f"| {ref * 1000:.0f} | **{med / ref:.2f}×** | {paired:.2f}× | {peak:.0f} | {ref_peak:.0f} |"
        )


def pairs(name: str, ours: Runner, theirs: Runner, runs: int, reset: Callable[[], None] | None = None) -> Row:
    """`runs` alternating pairs after one warm-up pair; `reset` runs (untimed) before each of ours."""
    got = Row(name, [], [])
    for i in range(runs + 1):
        ref = theirs.run()
        if reset:
            reset()
        mine = ours.run()
        if i:  # the first pair warms the caches
            got.theirs.append(ref)
            got.ours.append(mine)
    if theirs.memory:
        got.theirs_mb = theirs.memory()
    if ours.memory:
        if reset:
            reset()
        got.ours_mb = ours.memory()
    return got


def journal(years: int) -> Path:
    """The cached journal of `years` years, built on first use."""
    CACHE.mkdir(exist_ok=True)
    CACHE.chmod(0o700)  # private, as a journal's folder is (else `doctor` finds it open to others)
    path = CACHE / f"journal-{years}y.db"
    if not path.exists():
        print(f"building {path} ({years * SESSIONS_A_YEAR} sessions) ...", file=sys.stderr, flush=True)
        partial = path.with_suffix(".building")
        build(partial, sessions=years * SESSIONS_A_YEAR)
        partial.rename(path)
    up_to_date(path)
    return path


def up_to_date(path: Path) -> None:
    """Give a cached journal built by an older alliance this one's migrations (as any writing
    command would), so that every row reads the schema a user's journal has; then its
    write-ahead log is checkpointed and gone, as after any command that ends."""
    from alliance_cli.store.journal import open_journal

    with open_journal(path):
        pass


def process_runner(
    cmd: Sequence[str] | Callable[[], Sequence[str]],
    env: dict[str, str],
    before: Callable[[], None] | None = None,
) -> Runner:
    """Whole runs of `cmd` (or of the next command `cmd()` gives, a new one each run), with
    `before()` done untimed before each."""

    def made() -> Sequence[str]:
        if before is not None:
            before()
        return cmd() if callable(cmd) else cmd

    return Runner(lambda: run_process(made(), env), lambda: peak_mb(made(), env))


def rows_for(years: int, runs: int, quick: bool, work: Path, only: str = "", skip: str = "") -> list[Row]:
    db = journal(years)
    # The prompt cache (settings.prompts) in the run's own folder: warm after the first run of
    # each row, as a user's is, and nothing written to the home folder.
    env = dict(os.environ, ALLIANCE_DB=str(db), NO_COLOR="1", XDG_CACHE_HOME=str(work / "cache"))
    env.pop("ALLIANCE_PROMPTS", None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an install has its bytecode compiled

    def proc(cmd: Sequence[str] | Callable[[], Sequence[str]], e: dict[str, str] = env) -> Runner:
        return process_runner(cmd, e)

    tag = f"{years}y"
    out: list[Row] = []

    def add(name: str, ours: Runner, theirs: Runner, reset: Callable[[], None] | None = None) -> None:
        if only not in name or (skip and skip in name):
            return
        row = pairs(f"{name} ({tag})", ours, theirs, runs, reset)
        print(row.line(), file=sys.stderr, flush=True)
        out.append(row)

    startup = [("--version", ["--version"], [*REF_APP, "--version"]), ("--help", ["--help"], [*REF_APP, "--help"])]
    if not quick or years == 1:
        startup.append(("log --help", ["log", "--help"], [*REF_APP, "table", "--help"]))
    everyday = [
        ("list", ["list"]),
        ("report", ["report", "--week", LAST_WEEK]),
        ("report json", ["report", "--week", LAST_WEEK, "--format", "json"]),
        ("search common word", ["search", COMMON]),
        ("search rare word", ["search", RARE]),
        ("clients", ["clients"]),
        ("clients --all", ["clients", "--all"]),
        ("report html", ["report", "--week", LAST_WEEK, "--format", "html"]),
        # a month for a supervisor or a script: what a month holds, whatever the years before it
        ("export, one month", ["export", "--month", LAST_MONTH, "-o", os.devnull]),
    ]
    if quick:
        everyday = [everyday[0], everyday[1], everyday[3], everyday[5]]
    if years == 1 or not quick:
        for name, args, ref in startup:
            add(name, proc(alliance_cmd(*args)), proc(ref))
    for name, args in everyday:
        add(name, proc(alliance_cmd(*args)), proc(REFERENCE))

    # Scripted and interactive log write to a copy, so the cached journal stays as built.
    log_db = work / f"log-{tag}.db"
    shutil.copy(db, log_db)
    log_env = dict(env, ALLIANCE_DB=str(log_db))
    # One finished log first, untimed: a journal built by an older alliance is migrated and
    # its write-ahead log checkpointed, as after any command that ends. The interactive rows
    # are killed at their first question, so a migration of the copy would otherwise stay in
    # the WAL, and every later run would time the check of that WAL, not the question.
    run_process(alliance_cmd(*LOG_ARGS), log_env)
    add("log (scripted)", proc(alliance_cmd(*LOG_ARGS), log_env), proc(REFERENCE, log_env))
    for what, (args, values) in (("a rating", EDIT_RATING), ("a text", EDIT_TEXT)):
        turns = itertools.cycle(values)

        def edit(args: list[str] = args, turns: Iterator[str] = turns) -> list[str]:
            value = next(turns)
            return alliance_cmd(*(a.format(value) for a in args))

        add(f"edit (scripted), {what}", proc(edit, log_env), proc(REFERENCE, log_env))
    add(
        "log: first question, new client",
        Runner(lambda: until_first_question(alliance_cmd("log"), log_env, "Client code")),
        proc(REFERENCE),
    )
    add(
        "log: first question, known client (recap)",
        Runner(lambda: until_first_question(alliance_cmd(*KNOWN_LOG), log_env, "Modality:")),
        proc(REFERENCE),
    )

    if not quick:
        whole_journal_rows(db, tag, work, env, runs, only, add)

    exports = [("long", ["export"], "csv"), ("wide", ["export", "--shape", "wide"], "csv")]
    exports.append(("json", ["export", "--format", "json"], "json"))
    if quick:
        exports = exports[:1]
    if not quick:  # the whole file checked: beside SQLite's own check of it, bare
        add("doctor vs floor", proc(alliance_cmd("doctor")), proc([*CHECK_FLOOR, str(db)]))
    floor = [*FLOOR, str(db)]
    for shape, args, _ext in exports:
        export = alliance_cmd(*args)
        add(f"export {shape} vs floor", proc(export), proc(floor))
    for shape, args, ext in exports:
        export = alliance_cmd(*args)
        name = f"import {shape} vs its export"
        if only not in name or (skip and skip in name):
            continue
        made = work / f"export-{tag}-{shape}.{ext}"
        subprocess.run([*export, "-o", str(made)], env=env, check=True, stdout=subprocess.DEVNULL)
        target = work / f"imported-{tag}.db"
        imp_env = dict(env, ALLIANCE_DB=str(target))

        def fresh(target: Path = target) -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)

        importing = proc(alliance_cmd("import", str(made)), imp_env)
        add(f"import {shape} vs its export", importing, proc(export), fresh)
        # and beside a bare script reading the same file into the same schema, unchecked
        plain = proc([*IMPORT_FLOOR, str(made), str(work / f"plain-{tag}.db"), str(db)])

        def both_fresh(target: Path = target, plain: Path = work / f"plain-{tag}.db") -> None:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
                Path(f"{plain}{suffix}").unlink(missing_ok=True)

        both_fresh()
        add(f"import {shape} vs floor", importing, plain, both_fresh)
    return out


def whole_journal_rows(
    db: Path,
    tag: str,
    work: Path,
    env: dict[str, str],
    runs: int,
    only: str,
    add: Callable[[str, Runner, Runner], None],
) -> None:
    """The commands whose work is the whole journal, each beside a bare script doing that
    work; `add(name, ours, theirs)` times a row (as in `rows_for`)."""

    floor = process_runner([*CLIENTS_FLOOR, str(db)], env)
    add("clients --all, csv vs floor", process_runner(alliance_cmd("clients", "--all", "--format", "csv"), env), floor)
    add("clients --all, table vs floor", process_runner(alliance_cmd("clients", "--all"), env), floor)

    ours_copy, their_copy = work / f"backup-{tag}.db", work / f"floor-backup-{tag}.db"
    add(
        "backup vs floor",
        process_runner(alliance_cmd("backup", str(ours_copy)), env, lambda: ours_copy.unlink(missing_ok=True)),
        process_runner([*BACKUP_FLOOR, str(db), str(their_copy)], env, lambda: their_copy.unlink(missing_ok=True)),
    )
    ours_copy.unlink(missing_ok=True)
    their_copy.unlink(missing_ok=True)

    # Erasures on one copy, taking turns: each run, alliance's or the floor's, erases the next
    # session (or client) of one list, so every run has work of the same size to do.
    if any(only in name for name in ("delete vs floor", "clients forget vs floor")):
        copy = work / f"erase-{tag}.db"
        shutil.copy(db, copy)
        erase_env = dict(env, ALLIANCE_DB=str(copy))
        sessions = iter(range(1000, 10**9))
        add(
            "delete vs floor",
            process_runner(lambda: alliance_cmd("delete", str(next(sessions)), "--yes"), erase_env),
            process_runner(lambda: [*ERASE_FLOOR, str(copy), "session", str(next(sessions))], erase_env),
        )
        clients = iter(middle_clients(copy, 2 * runs + 8))
        add(
            "clients forget vs floor",
            process_runner(lambda: alliance_cmd("clients", "forget", next(clients), "--yes"), erase_env),
            process_runner(lambda: [*ERASE_FLOOR, str(copy), "client", next(clients)], erase_env),
        )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{copy}{suffix}").unlink(missing_ok=True)


def middle_clients(path: Path, n: int) -> list[str]:
    """`n` client codes of the journal with about the median count of sessions, in pairs of
    like counts: the runs taking turns erase clients of the same size."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        codes = [
            c for c, _ in conn.execute("SELECT client, COUNT(*) AS k FROM sessions GROUP BY client ORDER BY k, client")
        ]
    finally:
        conn.close()
    start = max(len(codes) // 2 - n // 2, 0)
    return codes[start : start + n]


HEADER = (
    "| command (journal) | alliance ms, median | range | reference ms | ratio | ratio of pairs "
    "| alliance MB | reference MB |\n"
    "|---|---|---|---|---|---|---|---|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="The 1-year journal, a subset, 3 pairs.")
    parser.add_argument("--years", type=int, nargs="*", help="Journal sizes in years (default 1 10 40).")
    parser.add_argument("--only", default="", help="Only the rows whose name holds this, e.g. search.")
    parser.add_argument(
        "--cpu", action="store_true", help="CPU time of each run instead of its time on the clock (a busy machine)."
    )
    parser.add_argument("--skip", default="", help="Leave out the rows whose name holds this, e.g. import.")
    parser.add_argument("--runs", type=int, help="Alternating pairs per row (default 9; 3 with --quick).")
    args = parser.parse_args()
    global CPU
    CPU = args.cpu
    years = args.years or ([1] if args.quick else [1, 10, 40])
    runs = args.runs or (3 if args.quick else 9)
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for y in years:
            rows += rows_for(y, runs, args.quick, Path(tmp), args.only, args.skip)
    print(
        f"\n{runs} alternating pairs a row after a warm-up{', CPU time' if CPU else ''}; {sys.executable}; "
        f"{time.perf_counter() - started:.0f} s\n"
    )
    print(HEADER)
    for row in rows:
        print(row.line())


if __name__ == "__main__":
    main()
