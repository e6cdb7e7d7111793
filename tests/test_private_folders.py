"""Under any umask, alliance creates its folders 0700 and its files 0600, missing parents too,
and says so when the journal sits in a folder other users can write in."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_cli.settings.files import private_folder
from conftest import FULL_ANSWERS, set_flags

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def under_umask_000(alliance_exe: list[str], env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`alliance ARGS` in a fresh process whose umask is 000."""
    return subprocess.run(
        ["sh", "-c", 'umask 000 && exec "$@"', "sh", *alliance_exe, *args],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_fresh_home_under_umask_000_gets_private_folders_and_files(alliance_exe, tmp_path):
    home = tmp_path / "fresh-home"
    home.mkdir(mode=0o755)
    os.chmod(home, 0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "ALLIANCE_"))}
    env["HOME"] = str(home)
    logged = under_umask_000(alliance_exe, env, "log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    assert logged.returncode == 0, logged.stderr
    added = under_umask_000(alliance_exe, env, "watchlist", "add", "Marguerite")
    assert added.returncode == 0, added.stderr
    backed = under_umask_000(alliance_exe, env, "backup")
    assert backed.returncode == 0, backed.stderr
    exported = under_umask_000(alliance_exe, env, "export", "-o", str(home / "journal.csv"))
    assert exported.returncode == 0, exported.stderr

    data = home / ".local" / "share" / "alliance"
    config = home / ".config" / "alliance"
    for folder in (home / ".local", home / ".local" / "share", data, data / "backups", home / ".config", config):
        assert mode(folder) == 0o700, f"{folder} is {mode(folder):04o}"
    files = [data / "journal.db", data / "watchlist.key", config / "watchlist.json", home / "journal.csv"]
    files += list((data / "backups").iterdir())
    files += [p for p in data.iterdir() if p.name.startswith("journal.db-")]  # -wal, -shm while they exist
    for file in files:
        assert mode(file) == 0o600, f"{file} is {mode(file):04o}"
    assert mode(home) == 0o755  # a folder that was there is left as it was
    assert "warning" not in logged.stderr + backed.stderr


def test_private_folder_makes_each_missing_level_0700_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        private_folder(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    assert [mode(tmp_path / p) for p in ("a", "a/b", "a/b/c")] == [0o700] * 3


def test_the_journal_folder_is_made_0700_with_its_parents_whatever_the_umask(tmp_path):
    from alliance_cli.store.journal import open_journal

    old = os.umask(0o000)
    try:
        open_journal(tmp_path / "x" / "y" / "journal.db", create=True).close()
    finally:
        os.umask(old)
    assert [mode(tmp_path / p) for p in ("x", "x/y")] == [0o700] * 2
    assert mode(tmp_path / "x" / "y" / "journal.db") == 0o600


def test_writing_commands_warn_once_when_others_can_write_in_the_journal_folder(run, db_path):
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    os.chmod(db_path.parent, 0o777)
    try:
        logged = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
        assert logged.exit_code == 0
        warnings = [line for line in logged.stderr.splitlines() if "other users can write in" in line]
        assert warnings == [
            f"alliance: warning: other users can write in {db_path.parent}, the journal's folder: they could "
            f"replace the journal or plant a file beside it; fix: chmod 700 '{db_path.parent}' (or keep the "
            "journal in a folder of your own)."
        ]
        for args in (("edit", "1", "-s", "empathy=3"), ("backup",), ("clients", "rename", "C-1", "C-2")):
            result = run(*args)
            assert result.exit_code == 0, result.stderr
            assert result.stderr.count("other users can write in") == 1, args
        assert "other users can write" not in run("list").stderr  # reading commands say nothing
        doctor = run("doctor")
        assert doctor.exit_code == 1
        assert f"Other users can write in {db_path.parent}" in doctor.stdout
    finally:
        os.chmod(db_path.parent, 0o700)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX modes")
def test_a_private_journal_folder_draws_no_warning(run):
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 0 and "warning" not in result.stderr
