"""An encrypted journal against the same plain journal, in one paired run.

    python benchmarks/bench_encryption.py             # a ten-year journal (25,000 sessions), 9 runs
    python benchmarks/bench_encryption.py --runs 15 --sessions 5000

Targets (issue 11): with the key remembered (a keyring: `file_keyring.FileKeyring` here,
where no OS keyring runs), `report`, `list` and a scripted `log` on the encrypted journal
within 1.15x of the same commands on the plain one; `alliance encrypt` of a ten-year
journal in under 10 s. Each line gives the medians (the target's measure) and the fastest run
of each side: on a machine busy with other work, the medians carry its noise (a log's fsync
waits behind other writers), the fastest runs less of it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import HERE, alliance_cmd, run_once

LOG_ARGS = [
    "log", "--client", "C-014", "--date", "2026-11-20",
    "--set", "empathy=7", "--set", "respect=8", "--set", "genuineness=7", "--set", "positive_regard=8",
    "--set", "active_listening=6", "--set", "rupture=no", "--set", "went_well=Stayed with the silence.",
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--sessions", type=int, default=25_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plain, encrypted = folder / "plain.db", folder / "encrypted.db"
        passphrase = folder / "passphrase"
        passphrase.write_text("correct horse battery staple\n")
        passphrase.chmod(0o600)
        env = dict(
            os.environ,
            NO_COLOR="1",
            PYTHON_KEYRING_BACKEND="file_keyring.FileKeyring",
            FILE_KEYRING=str(folder / "ring.json"),
            PYTHONPATH=os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), str(HERE)) if p),
        )
        env.pop("ALLIANCE_PROMPTS", None)
        from generate import build

        built = build(plain, sessions=args.sessions)
        print(f"built a journal of {args.sessions:,} sessions in {built:.1f} s ({plain.stat().st_size >> 20} MB)")
        shutil.copyfile(plain, encrypted)
        started = time.perf_counter()
        done = subprocess.run(
            alliance_cmd("encrypt", "--db", str(encrypted)),
            env=dict(env, ALLIANCE_PASSPHRASE_FILE=str(passphrase)),
            capture_output=True,
            text=True,
            check=False,
        )
        took = time.perf_counter() - started
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        print(f"{'alliance encrypt':<28} {took:7.2f} s    target < 10 s {'ok' if took < 10 else 'OVER'}")
        # From here the key is remembered: no passphrase file, no terminal needed.
        cases = [("report", ["report"]), ("list", ["list"]), ("log (scripted)", LOG_ARGS)]
        print(f"medians of {args.runs} runs each, encrypted and plain in turn ({sys.executable})")
        for name, argv in cases:
            ours, theirs = paired(
                alliance_cmd(*argv, "--db", str(encrypted)), alliance_cmd(*argv, "--db", str(plain)), args.runs, env
            )
            ratio = statistics.median(ours) / statistics.median(theirs)
            print(
                f"{'alliance ' + name:<28} encrypted {statistics.median(ours) * 1000:7.1f} ms   "
                f"plain {statistics.median(theirs) * 1000:7.1f} ms   ratio {ratio:4.2f} (target 1.15x) "
                f"{'ok' if ratio <= 1.15 else 'OVER'}   "
                f"fastest {min(ours) * 1000:.1f} / {min(theirs) * 1000:.1f} ms = {min(ours) / min(theirs):4.2f}"
            )


def paired(ours: list[str], theirs: list[str], runs: int, env: dict[str, str]) -> tuple[list[float], list[float]]:
    """Seconds of `runs` runs of each command, taken in turn (after one of each to warm up);
    the fastest of each side says what the commands cost when nothing else on the machine
    is in the way (the medians, what they cost as it is)."""
    env = dict(env)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run_once(theirs, env)
    run_once(ours, env)
    a: list[float] = []
    b: list[float] = []
    for _ in range(runs):
        b.append(run_once(theirs, env))
        a.append(run_once(ours, env))
    return a, b


if __name__ == "__main__":
    main()
