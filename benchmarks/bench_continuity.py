"""What continuity and the privacy guard cost on a ten-year journal.

    python benchmarks/bench_continuity.py [JOURNAL.db]    # builds /tmp/alliance-bench-25k.db if needed

Whole processes (alternating with the reference app, medians): a scripted `alliance log`
for a client with history (recap query, follow-up prompts, privacy check), with and
without --strict. In-process medians: `continuity()` for one client, `follow_through()` and
`open_rupture_counts()` over every client, and the privacy check of every free-text answer in the
journal (what `alliance export --redact` would do).
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from generate import build
from timing import alliance_cmd, compare, report_line

from alliance_cli.core.privacy import find_identifiers
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.settings.watchlist import Watchlist
from alliance_cli.store.continuity import continuity, follow_through, open_rupture_counts
from alliance_cli.store.journal import open_journal

END = date(2026, 11, 20)


def median_ms(fn: Callable[[], object], runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/alliance-bench-25k.db")
    if not source.exists():
        build(source, end=END)
    work = Path(tempfile.mkdtemp()) / "journal.db"
    shutil.copy(source, work)
    env = dict(os.environ, ALLIANCE_DB=str(work), XDG_CONFIG_HOME=str(work.parent / "config"))

    with open_journal(work) as journal:
        client = journal.client_codes()[0]
        texts = [r[0] for r in journal.conn.execute("SELECT value_text FROM answers WHERE kind = 'text'")]
        print(f"{work.name}: last client {client}, {len(texts)} texts")
        print(f"continuity(one client)          {median_ms(lambda: continuity(journal, client, END)):7.1f} ms")
        week = (date(2026, 11, 14), END)
        print(f"follow_through(one week)        {median_ms(lambda: follow_through(journal, *week)):7.1f} ms")
        print(f"open_rupture_counts(all)        {median_ms(lambda: open_rupture_counts(journal)):7.1f} ms")
        watchlist = Watchlist()
        for word in ("Marguerite", "Okonkwo", "Rotterdam"):
            watchlist.add(word)
        print(
            f"privacy check, all {len(texts)} texts  "
            f"{median_ms(lambda: [find_identifiers(t, watchlist) for t in texts], runs=3):7.1f} ms"
        )

    ps = load_prompt_set(bundled_prompts_path())
    flags = [f"--set={p.id}=7" for p in ps.rating_prompts()]
    base = ["log", "-c", client, "-d", END.isoformat(), *flags, "--set=rupture=no", "--set=went_well=We slowed down."]
    for name, extra in (("log (scripted, with history)", []), ("log --strict", ["--strict"])):
        ours, theirs = compare(alliance_cmd(*base, *extra), env=env)
        print(report_line(name, ours, theirs, 3.0))


if __name__ == "__main__":
    main()
