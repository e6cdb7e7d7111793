"""Timing whole processes: the median of several runs, taken in turn with a reference.

Runs alternate (reference, candidate, reference, ...) so that a busy moment on the machine
hits both sides alike. Used by every bench_*.py script here.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
REFERENCE = [sys.executable, str(HERE / "reference_app.py"), "table"]


def alliance_cmd(*args: str) -> list[str]:
    exe = Path(sys.executable).with_name("alliance")
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "alliance_cli", *args]


def run_once(cmd: Sequence[str], env: dict[str, str] | None = None, stdin: bytes | None = None) -> float:
    started = time.perf_counter()
    proc = subprocess.run(
        list(cmd), env=env, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed


def compare(
    cmd: Sequence[str],
    reference: Sequence[str] = REFERENCE,
    *,
    runs: int = 9,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
    warmup: int = 1,
) -> tuple[float, float]:
    """Median seconds of (cmd, reference), `runs` runs each, alternating."""
    env = dict(env or os.environ)
    # A user's install has compiled bytecode (pip writes it); a checkout run with
    # PYTHONDONTWRITEBYTECODE would recompile alliance's own modules on every start.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for _ in range(warmup):
        run_once(reference, env)
        run_once(cmd, env, stdin)
    ours, theirs = [], []
    for _ in range(runs):
        theirs.append(run_once(reference, env))
        ours.append(run_once(cmd, env, stdin))
    return statistics.median(ours), statistics.median(theirs)


def report_line(name: str, ours: float, theirs: float, target: float) -> str:
    ratio = ours / theirs
    verdict = "ok" if ratio <= target else "OVER"
    return (
        f"{name:<28} {ours * 1000:7.1f} ms   reference {theirs * 1000:7.1f} ms   "
        f"ratio {ratio:4.2f} (target {target:.1f}x) {verdict}"
    )
