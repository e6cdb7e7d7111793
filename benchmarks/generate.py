"""Write a synthetic journal through alliance's own store.

    python benchmarks/generate.py /tmp/ten-years.db            # 25,000 sessions, ten years
    python benchmarks/generate.py /tmp/small.db --sessions 500

The same generator fills `alliance demo`'s sample journal.
"""

from __future__ import annotations

import argparse
import sqlite3
import time
from datetime import date
from pathlib import Path

from alliance_cli.app.sample import generate
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.journal import open_journal


def build(path: Path, sessions: int = 25_000, end: date = date(2026, 11, 20), seed: int = 1) -> float:
    """Create the journal at `path` (replacing it); return the seconds it took."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    started = time.perf_counter()
    ps = load_prompt_set(bundled_prompts_path())
    with open_journal(path, create=True) as journal:
        journal.save_sessions(generate(ps, sessions=sessions, end=end, seed=seed))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", type=Path)
    parser.add_argument("--sessions", type=int, default=25_000)
    parser.add_argument("--end", type=date.fromisoformat, default=date(2026, 11, 20))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    seconds = build(args.path, args.sessions, args.end, args.seed)
    with sqlite3.connect(args.path) as conn:
        n_sessions = conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
        n_answers = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        first, last = conn.execute("SELECT MIN(date), MAX(date) FROM sessions").fetchone()
    print(f"{args.path}: {n_sessions} sessions, {n_answers} answers, {first} to {last}, written in {seconds:.1f} s")


if __name__ == "__main__":
    main()
