"""How fast is `alliance report` on a ten-year journal?

    python benchmarks/bench_report.py              # builds the journal once, then times
    python benchmarks/bench_report.py --rebuild    # rebuild the cached journal first
    python benchmarks/bench_report.py --cpu        # CPU time instead of the clock (a busy machine)

Two kinds of numbers, each against its target:
- the whole `alliance report` process, beside the reference Typer + Rich app
  (medians of alternating runs; target within 1.3x; the HTML review and the HTML
  supervision brief, with their SVG charts, within 1.5x);
- the report's own SQL (`store_report.fetch_report_rows`) in-process, median of many runs
  (target under 20 ms); the time to the finished model (SQL + `build_report`) is shown too.

alliance's own modules are byte-compiled first, as installing the wheel does: with
PYTHONDONTWRITEBYTECODE set (as on the shared dev machine) an editable install would
otherwise recompile every module on every run, about 30 ms that no user pays.

The journal (25,000 sessions, written through alliance's own store by generate.py) is
cached in the temp folder, since building it takes a few seconds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import build  # noqa: E402
from timing import REFERENCE, alliance_cmd, compare, report_line  # noqa: E402

CACHE = Path(tempfile.gettempdir()) / "alliance-bench" / "ten-years.db"
WEEK = "2026-W47"  # the journal's last week: it ends on Friday 2026-11-20
SQL_TARGET_MS = 20.0


def journal(rebuild: bool) -> Path:
    if rebuild or not CACHE.exists():
        CACHE.parent.mkdir(parents=True, exist_ok=True)
        print(f"Building {CACHE} ...", flush=True)
        seconds = build(CACHE)
        print(f"  written in {seconds:.1f} s", flush=True)
    return CACHE


def compile_package() -> None:
    import compileall

    import alliance_cli

    compileall.compile_dir(str(Path(alliance_cli.__file__).parent), quiet=1)


def time_sql(path: Path, runs: int) -> tuple[float, float]:
    """Median milliseconds of (the report's SQL, SQL + the pydantic model), in-process."""
    from alliance_cli.app.review import review_ids
    from alliance_cli.core.periods import parse_week
    from alliance_cli.core.report import Thresholds, build_report, practice_prompts
    from alliance_cli.core.vocabulary import roles_of
    from alliance_cli.store.journal import open_journal
    from alliance_cli.store.review import fetch_report_rows, journal_prompt_set

    period = parse_week(WEEK)
    with open_journal(path) as j:
        ps = journal_prompt_set(j)
        assert ps is not None
        kwargs = {
            "roles": roles_of(ps),
            "practice_ids": [p.id for p in practice_prompts(ps)],
            "ids": review_ids(ps, Thresholds()),
        }
        fetch_report_rows(j, period, **kwargs)  # warm the page cache
        sql, whole = [], []
        for _ in range(runs):
            started = time.perf_counter()
            rows = fetch_report_rows(j, period, **kwargs)
            middle = time.perf_counter()
            build_report(rows, ps, thresholds=Thresholds())
            ended = time.perf_counter()
            sql.append(middle - started)
            whole.append(ended - started)
    return statistics.median(sql) * 1000, statistics.median(whole) * 1000


def cpu_seconds(cmd: list[str], env: dict[str, str]) -> float:
    """The CPU time (user + system) of one whole run of `cmd`."""
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return usage.ru_utime + usage.ru_stime


def compare_cpu(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median CPU seconds of (cmd, the reference), alternating, after one warm-up each: on a
    machine other work shares, CPU time moves far less than the time on the clock."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cpu_seconds(REFERENCE, env)
    cpu_seconds(cmd, env)
    ours, theirs = [], []
    for _ in range(runs):
        theirs.append(cpu_seconds(REFERENCE, env))
        ours.append(cpu_seconds(cmd, env))
    return statistics.median(ours), statistics.median(theirs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rebuild", action="store_true", help="rebuild the cached ten-year journal")
    parser.add_argument("--runs", type=int, default=15, help="whole-process runs per side")
    parser.add_argument("--sql-runs", type=int, default=200, help="in-process runs of the SQL")
    parser.add_argument("--cpu", action="store_true", help="CPU time of each run instead of its time on the clock")
    args = parser.parse_args()
    path = journal(args.rebuild)
    compile_package()

    cmd = alliance_cmd("report", "--db", str(path), "--week", WEEK)
    print(f"$ {' '.join(cmd)}")

    def timed(line: list[str]) -> tuple[float, float]:
        return compare_cpu(line, args.runs) if args.cpu else compare(line, runs=args.runs)

    if args.cpu:
        print("CPU time (user + system) of each run, medians")
    print(report_line("alliance report (rich)", *timed(cmd), 1.3))
    print(report_line("alliance report --format json", *timed([*cmd, "--format", "json"]), 1.3))
    print(report_line("alliance report --format html", *timed([*cmd, "--format", "html"]), 1.5))
    brief = [*cmd, "--supervision", "--format", "html", "--client", "C-0001"]
    print(report_line("report --supervision, html", *timed(brief), 1.5))

    sql_ms, model_ms = time_sql(path, args.sql_runs)
    verdict = "ok" if sql_ms < SQL_TARGET_MS else "OVER"
    print(f"{'report SQL, in-process':<28} {sql_ms:7.1f} ms   (target < {SQL_TARGET_MS:.0f} ms) {verdict}")
    print(f"{'SQL + report model':<28} {model_ms:7.1f} ms")
    print(f"Reproduce: python benchmarks/bench_report.py  (journal cached at {path})")


if __name__ == "__main__":
    main()
