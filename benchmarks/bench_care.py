"""Time edit, clients and search on a ten-year journal, beside the reference app.

    python benchmarks/bench_care.py [/tmp/ten-years.db]

Builds the journal with generate.py when the file does not exist yet. The scripted edit
writes to that journal (it changes one answer of session 100).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from generate import build
from timing import REFERENCE, alliance_cmd, compare

COMMANDS = [
    ("clients", ["clients"]),
    ("clients --all", ["clients", "--all"]),
    ("clients --format json", ["clients", "--format", "json"]),
    ("search listened", ["search", "listened"]),
    ("search withdr* --client", ["search", "withdr*", "--client", "C-0105"]),
    ("edit --set (scripted)", ["edit", "100", "--set", "went_well=Edited in the benchmark."]),
]


def main() -> None:
    path = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/ten-years.db")
    if not path.exists():
        build(path)
    env = dict(os.environ, ALLIANCE_DB=str(path), COLUMNS="100")
    for name, args in COMMANDS:
        ours, theirs = compare(alliance_cmd(*args), REFERENCE, runs=9, env=env)
        print(f"{name:<28} {ours * 1000:7.1f} ms   reference {theirs * 1000:7.1f} ms   ratio {ours / theirs:4.2f}")


if __name__ == "__main__":
    main()
