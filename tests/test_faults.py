"""Fault injection, a few rounds of `benchmarks/faults.py`: kill -9 during every writing
command, and eight writers at once, lose no acknowledged session and leave none partial."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def faults():
    spec = importlib.util.spec_from_file_location("faults", REPO / "benchmarks" / "faults.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["faults"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_kill_9_during_every_writing_command_loses_nothing(tmp_path: Path, alliance_exe):
    module = faults()
    figures = module.kill_rounds(len(module.COMMANDS) + 3, seed=20261120, folder=tmp_path, alliance=alliance_exe)
    assert figures.problems == []
    assert figures.ok, figures.line("kill -9")
    assert set(figures.commands) == set(module.COMMANDS)  # every writing command was tried


def test_eight_writers_at_once_keep_every_acknowledged_session(tmp_path: Path, alliance_exe):
    module = faults()
    figures = module.concurrent_writers(8, 2, folder=tmp_path, alliance=alliance_exe)
    assert figures.problems == []
    assert figures.ok and figures.tried == 16, figures.line("8 writers")
