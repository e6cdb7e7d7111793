"""The queries behind `clients` and `search`, in-process: CPU milliseconds, the least of 7.

    PYTHONPATH=src python benchmarks/queries.py 1 10 40

Reads the journals run.py builds (`alliance-bench/journal-{N}y.db` in the temp folder,
built on first use). Point PYTHONPATH at another checkout's src to compare two versions on
the same journals; CPU time, not the clock, so a busy machine blurs it less.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import date, timedelta

from run import COMMON, RARE, journal

from alliance_cli.store.journal import open_journal
from alliance_cli.store.sessions import client_summaries, search_answers

LAST_DAY = date(2026, 11, 20)  # the generator's last session: `clients` shows the year before it


def least_ms(work: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return min(times) * 1000


def main() -> None:
    for years in [int(a) for a in sys.argv[1:]] or [1, 10]:
        with open_journal(journal(years), readonly=True) as j:
            since = LAST_DAY - timedelta(days=364)
            for name, work in (
                ("clients (the last year's)", lambda j=j, since=since: client_summaries(j, seen_since=since)),
                (f"search {COMMON}", lambda j=j: search_answers(j, COMMON)),
                (f"search {RARE}", lambda j=j: search_answers(j, RARE)),
            ):
                print(f"| {name} ({years}y) | {least_ms(work):.1f} |", flush=True)


if __name__ == "__main__":
    main()
