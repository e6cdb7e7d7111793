"""Start-up of everyday commands, timed as whole processes beside the reference app.

    python benchmarks/bench_cli.py            # 9 runs each, medians
    python benchmarks/bench_cli.py --runs 15

Targets (issue 2): --help and --version within 1.2x of the reference app's own --help and
--version; `list` and a scripted `log` within 1.3x of the reference's table command.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from timing import HERE, REFERENCE, alliance_cmd, compare, report_line

REF_APP = [sys.executable, str(HERE / "reference_app.py")]
LOG_ARGS = [
    "log", "--client", "C-014", "--date", "2026-11-20",
    "--set", "empathy=7", "--set", "respect=8", "--set", "genuineness=7", "--set", "positive_regard=8",
    "--set", "active_listening=6", "--set", "rupture=no", "--set", "went_well=Stayed with the silence.",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, ALLIANCE_DB=str(Path(tmp) / "journal.db"), NO_COLOR="1")
        env.pop("ALLIANCE_PROMPTS", None)
        # A journal of a few months, so `list` has rows to show.
        from generate import build

        build(Path(env["ALLIANCE_DB"]), sessions=600)
        cases = [
            ("alliance --help", alliance_cmd("--help"), [*REF_APP, "--help"], 1.2),
            ("alliance --version", alliance_cmd("--version"), [*REF_APP, "--version"], 1.2),
            ("alliance list", alliance_cmd("list"), REFERENCE, 1.3),
            ("alliance log (scripted)", alliance_cmd(*LOG_ARGS), REFERENCE, 1.3),
        ]
        print(f"medians of {args.runs} runs each, taken in turn with the reference ({sys.executable})")
        for name, cmd, ref, target in cases:
            ours, theirs = compare(cmd, ref, runs=args.runs, env=env)
            print(report_line(name, ours, theirs, target))


if __name__ == "__main__":
    main()
