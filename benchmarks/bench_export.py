"""Export and import of the ten-year journal, timed beside the same rows written by bare sqlite3 + csv.

    python benchmarks/bench_export.py                 # builds the journal in a temp folder (~5 s)
    python benchmarks/bench_export.py --db /tmp/ten-years.db --runs 9

Targets (issue 4): `alliance export` as long CSV at least 60% of the throughput of
`reference_export.py` (bare sqlite3 + csv, same bytes); `alliance import` of that file into
an empty journal within 3x of the export's time. Whole processes, alternating medians
(timing.compare). Also the peak memory of exporting one year and ten years: it should be
flat.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from generate import build
from timing import alliance_cmd, compare

HERE = Path(__file__).resolve().parent
REFERENCE = [sys.executable, str(HERE / "reference_export.py")]


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak resident memory of one run of `cmd`, measured in a fresh parent so nothing else counts."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run([sys.executable, "-c", probe, *cmd], capture_output=True, text=True, check=True).stdout
    kb = int(out.strip())
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="Use this journal (built first if it does not exist).")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = args.db or folder / "ten-years.db"
        if not db.exists():
            print(f"building {db} ...", flush=True)
            build(db)
        export = alliance_cmd("export", "--db", str(db))
        reference = [*REFERENCE, str(db)]
        ours = subprocess.run(export, capture_output=True, check=True).stdout
        theirs = subprocess.run(reference, capture_output=True, check=True).stdout
        rows = ours.count(b"\r\n") - 1
        same = "identical" if ours == theirs else "DIFFERENT"
        csv_file = folder / "export.csv"
        csv_file.write_bytes(ours)

        export_s, reference_s = compare(export, reference, runs=args.runs)
        share = reference_s / export_s

        target = folder / "imported.db"
        fresh_import = [
            "sh",
            "-c",
            f'rm -f "{target}" "{target}-wal" "{target}-shm" && exec "$@"',
            "import",
            *alliance_cmd("import", str(csv_file), "--db", str(target)),
        ]
        import_s, export_again_s = compare(fresh_import, export, runs=args.runs)
        back = subprocess.run(alliance_cmd("export", "--db", str(target)), capture_output=True, check=True).stdout
        round_trip = "identical" if back == ours else "DIFFERENT"
        import_ratio = import_s / export_again_s

        year = peak_rss_mb(alliance_cmd("export", "--db", str(db), "--since", "2026-01-01"))
        decade = peak_rss_mb(export)

    print()
    print(f"ten-year journal: {rows:,} answers, long CSV of {len(ours) / 1e6:.1f} MB; reference output {same}")
    print(f"{'':<34}{'median':>10}{'rows/s':>12}")
    print(f"{'alliance export (long CSV)':<34}{export_s:>9.2f}s{rows / export_s:>12,.0f}")
    print(f"{'bare sqlite3 + csv (reference)':<34}{reference_s:>9.2f}s{rows / reference_s:>12,.0f}")
    verdict = "ok" if share >= 0.60 else "MISSED"
    print(f"  export throughput {share:.0%} of the reference (target at least 60%): {verdict}")
    print(f"{'alliance import (empty journal)':<34}{import_s:>9.2f}s{rows / import_s:>12,.0f}")
    print(f"{'alliance export, timed alongside':<34}{export_again_s:>9.2f}s")
    verdict = "ok" if import_ratio <= 3.0 else "MISSED"
    print(f"  import {import_ratio:.2f}x the export time (target within 3x): {verdict}; re-export {round_trip}")
    print(f"peak memory: export of 2026 {year:.0f} MB, of all ten years {decade:.0f} MB")
    print(f"{args.runs} alternating runs each; reproduce with: python benchmarks/bench_export.py --runs {args.runs}")
    print(f"(on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end)")


if __name__ == "__main__":
    main()
