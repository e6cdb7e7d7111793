"""The code's own checks run with the tests: types (`mypy --strict`), lint and format (ruff)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO

BIN = Path(sys.executable).parent


def check(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=REPO, capture_output=True, text=True)


def test_types_check_strictly():
    result = check(str(BIN / "mypy"), "--strict", "src")
    assert result.returncode == 0, result.stdout[-3000:]


def test_ruff_finds_nothing():
    result = check(str(BIN / "ruff"), "check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout[-3000:]


def test_code_is_formatted():
    result = check(str(BIN / "ruff"), "format", "--check", "src", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout[-3000:]
