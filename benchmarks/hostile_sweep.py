"""Every command line with a string or number in it, run with each of a set of hostile values.

    PYTHONPATH=src python benchmarks/hostile_sweep.py

A broader, cruder net than `tests/test_hostile.py` (which states what each case must say):
each run here must only end cleanly, with 0, 1 or 2, no traceback, no "unexpected error",
within 60 s, and leave the journal as it was unless it exits 0. Runs in-process against a
throwaway home and journal; prints the figures and every run that did not end cleanly.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import tempfile
from pathlib import Path

FULL = ["-s", "empathy=7", "-s", "respect=8", "-s", "genuineness=6", "-s", "positive_regard=8"]
FULL += ["-s", "active_listening=5", "-s", "rupture=no"]
VALUES = [
    "\udcff", "a\x00b", "9" * 25, "-9", "", " ", "x" * 100_000, "\x1b[2J", "[b]x[/b]", "٣", "1_0", "--", "-",
    "../../etc/passwd", "/dev/zero", "/proc/self/mem", "/", "=cmd|' /C calc'!A0", "'; DROP TABLE sessions; --",
]  # fmt: skip
COMMANDS = [
    ["show", "{}"], ["edit", "{}"], ["delete", "{}", "--yes"], ["list", "-c", "{}"], ["list", "--since", "{}"],
    ["list", "--until", "{}"], ["list", "-n", "{}"], ["search", "{}"], ["search", "x", "-c", "{}"],
    ["search", "x", "-n", "{}"], ["report", "--week", "{}"], ["report", "--last", "{}"], ["report", "-c", "{}"],
    ["report", "--since", "{}"], ["export", "-c", "{}"], ["export", "--week", "{}"], ["export", "-o", "{}"],
    ["import", "{}"], ["import", "--format", "{}", "-"], ["clients", "rename", "C-014", "{}"],
    ["clients", "rename", "{}", "C-2"], ["clients", "forget", "{}", "--yes"], ["config", "set", "journal", "{}"],
    ["config", "set", "prompts", "{}"], ["config", "set", "default_modality", "{}"],
    ["config", "set", "report.low_mean", "{}"], ["config", "set", "report.falling_sessions", "{}"],
    ["config", "set", "{}", "x"], ["config", "unset", "{}"], ["backup", "{}"], ["backup", "--keep", "{}"],
    ["restore", "{}", "--yes"], ["prompts", "check", "{}"], ["log", "--prompts", "{}", "-c", "C-1"],
    ["log", "--answers", "{}"], ["log", "-c", "{}", *FULL], ["log", "-d", "{}", "-c", "C-1", *FULL],
    ["log", "-m", "{}", "-c", "C-1", *FULL], ["log", "-c", "C-1", *FULL, "-s", "went_well={}"],
    ["log", "-c", "C-1", *FULL, "-s", "{}"], ["log", "-c", "C-1", *FULL, "-s", "empathy={}"],
    ["edit", "1", "-s", "went_well={}"], ["edit", "1", "-d", "{}"], ["edit", "1", "-c", "{}"],
    ["watchlist", "add", "{}"], ["watchlist", "remove", "{}"], ["doctor", "--db", "{}"], ["list", "--db", "{}"],
    ["demo", "-f", "{}"], ["report", "-f", "{}"],
]  # fmt: skip


def main() -> None:
    home = Path(tempfile.mkdtemp(prefix="alliance-sweep-"))
    os.chdir(home)
    db = home / "journal.db"
    os.environ.update(
        HOME=str(home), XDG_DATA_HOME=str(home / "share"), XDG_CONFIG_HOME=str(home / "config"),
        ALLIANCE_DB=str(db), NO_COLOR="1", COLUMNS="100",
    )  # fmt: skip
    from typer.testing import CliRunner

    from alliance_cli.cli.main import app, only_the_command_run

    def run(argv: list[str]) -> tuple[int, str]:
        with only_the_command_run(argv):
            result = CliRunner().invoke(app, argv, input="", catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            return -1, f"raised {type(result.exception).__name__}"
        return result.exit_code, result.stderr + result.stdout

    def dump() -> list[str]:
        with sqlite3.connect(db) as conn:
            return list(conn.iterdump())

    def hang(signum: int, frame: object) -> None:
        raise TimeoutError

    signal.signal(signal.SIGALRM, hang)
    assert run(["log", "-c", "C-014", "-d", "2026-11-02", *FULL])[0] == 0
    figures = {"tried": 0, "refused": 0, "accepted": 0, "unclean": 0, "tracebacks": 0, "hangs": 0}
    for command in COMMANDS:
        for value in VALUES:
            argv = [part.replace("{}", value) for part in command]
            figures["tried"] += 1
            before = dump()
            signal.alarm(60)
            try:
                code, said = run(argv)
            except TimeoutError:
                figures["hangs"] += 1
                print("HANG", argv[:3], repr(value)[:30])
                continue
            finally:
                signal.alarm(0)
                (home / "config" / "alliance" / "config.toml").unlink(missing_ok=True)  # each run from the defaults
            if "Traceback" in said or code == -1:
                figures["tracebacks"] += 1
            clean = code in (0, 1, 2) and "unexpected error" not in said and "Traceback" not in said
            if clean and code != 0 and dump() != before:
                clean = False
                said = "a refusal changed the journal"
            if not clean:
                figures["unclean"] += 1
                print("NOT CLEAN", [part[:30] for part in argv[:4]], repr(value)[:30], code, said[:160])
            else:
                figures["accepted" if code == 0 else "refused"] += 1
    print(", ".join(f"{name}: {n}" for name, n in figures.items()))
    sys.exit(1 if figures["unclean"] or figures["hangs"] else 0)


if __name__ == "__main__":
    main()
