"""The house's rules, checked: the layers point one way, start-up stays light."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FULL_ANSWERS, REPO, set_flags

LINT = [str(Path(sys.executable).with_name("lint-imports"))]


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {"PYTHONPATH": str(tree / "src"), "PATH": "/usr/bin:/bin", "HOME": str(tree)}
    return subprocess.run([*LINT, "--no-cache"], cwd=tree, capture_output=True, text=True, env=env)


def test_the_layer_contracts_hold():
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "planted"),
    [
        ("core/answers.py", "from alliance_cli.store.journal import Journal"),  # core reaching up
        ("store/sessions.py", "from alliance_cli.ui.clients import clients_table"),  # sibling to sibling
        ("ui/review.py", "import sqlite3"),  # SQL outside store
    ],
)
def test_a_wrong_direction_import_breaks_the_build(tmp_path: Path, module: str, planted: str):
    """Even an import only for type checkers counts."""
    shutil.copytree(REPO / "src", tmp_path / "src")
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    target = tmp_path / "src" / "alliance_cli" / module
    target.write_text(
        target.read_text() + f"\n\nfrom typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    {planted}\n"
    )
    result = lint(tmp_path)
    assert result.returncode != 0 and "BROKEN" in result.stdout


def loaded_modules(alliance_exe: list[str], env: dict[str, str], *args: str) -> set[str]:
    """The modules a real `alliance ARGS` run has imported when its command is done."""
    probe = (
        "import sys, atexit, json, os\n"
        "from alliance_cli.cli import main as m\n"
        f"code = m.run({list(args)!r})\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    return set(json.loads(result.stderr.strip().splitlines()[-1]))


HEAVY = ("questionary", "prompt_toolkit", "pydantic", "yaml", "sqlite_utils", "rich")


def test_short_commands_load_only_what_they_use(alliance_exe, subprocess_env, run):
    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    version = loaded_modules(alliance_exe, subprocess_env, "--version")
    assert not {m for m in version if m.split(".")[0] in HEAVY}, "--version loads a heavy module"
    listed = loaded_modules(alliance_exe, subprocess_env, "list", "--format", "json")
    # (Typer's own adapters bring pydantic in for every command but --version and --help.)
    assert not {m.split(".")[0] for m in listed} & {"questionary", "prompt_toolkit", "yaml", "sqlite_utils", "rich"}
    report = loaded_modules(alliance_exe, subprocess_env, "report", "--format", "json")
    tops = {m.split(".")[0] for m in report}
    assert "pydantic" in tops  # the review's model
    assert not tops & {"questionary", "prompt_toolkit", "yaml", "sqlite_utils"}


def test_main_runs_the_command_and_ends_with_its_code(monkeypatch, run, capsys, db_path):
    """`main` itself, in-process: the exit code reaches os._exit, and every command is back after."""
    from alliance_cli.cli import main as entry

    run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    ended: list[int] = []

    def fake_exit(code: int) -> None:
        ended.append(code)
        raise SystemExit(code)

    monkeypatch.setattr(entry.os, "_exit", fake_exit)
    monkeypatch.setenv("ALLIANCE_DB", str(db_path))
    monkeypatch.setattr(sys, "argv", ["alliance", "show", "99"])
    with pytest.raises(SystemExit):
        entry.main()
    assert ended == [1] and "99" in capsys.readouterr().err
    assert len(entry.app.registered_commands) > 10
