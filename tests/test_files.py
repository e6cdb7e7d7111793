"""The one private-file writer: atomic, 0600, fresh temporary names, no links followed, no leftovers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from alliance_cli.settings import files
from alliance_cli.settings.files import PrivateFile, private_temp, write_private


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_write_private_makes_a_private_file_in_a_private_folder(tmp_path):
    target = tmp_path / "new" / "settings.toml"
    write_private(target, "a = 1\n")
    assert target.read_text() == "a = 1\n"
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.parent.stat().st_mode & 0o777 == 0o700
    assert leftovers(target.parent) == []


def test_replacing_a_readable_file_leaves_it_private(tmp_path):
    target = tmp_path / "watchlist.json"
    target.write_text("old")
    target.chmod(0o644)
    write_private(target, "new")
    assert target.read_text() == "new"
    assert target.stat().st_mode & 0o777 == 0o600


def test_temporary_names_are_fresh_each_time(tmp_path, monkeypatch):
    names: list[str] = []
    real = files._create_temp

    def spy(target: Path) -> tuple[int, Path]:
        fd, temp = real(target)
        names.append(temp.name)
        return fd, temp

    monkeypatch.setattr(files, "_create_temp", spy)
    for _ in range(3):
        write_private(tmp_path / "config.toml", "x")
    assert len(set(names)) == 3
    assert all(n.startswith(".config.toml.") and n.endswith(".tmp") for n in names)


def test_a_link_planted_at_the_temporary_name_is_not_followed(tmp_path, monkeypatch):
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    draws = iter([b"\x00" * 6, b"\x01" * 6])
    monkeypatch.setattr(files.os, "urandom", lambda n: next(draws))
    target = tmp_path / "watchlist.json"
    (tmp_path / f".watchlist.json.{os.getpid()}-{'00' * 6}.tmp").symlink_to(victim)
    write_private(target, "written")
    assert victim.read_text() == "untouched"
    assert target.read_text() == "written" and not target.is_symlink()


def test_the_old_fixed_temporary_name_is_harmless(tmp_path):
    """A link at `watchlist.json.tmp` (the name an earlier version used) is neither followed nor removed."""
    victim = tmp_path / "victim"
    victim.write_text("untouched")
    (tmp_path / "watchlist.json.tmp").symlink_to(victim)
    write_private(tmp_path / "watchlist.json", "{}")
    assert victim.read_text() == "untouched"
    assert (tmp_path / "watchlist.json").read_text() == "{}"


def test_an_error_while_writing_leaves_the_old_file_and_no_temporary_one(tmp_path):
    target = tmp_path / "export.csv"
    target.write_text("previous")
    with pytest.raises(KeyboardInterrupt), PrivateFile(target) as out:
        out.write("half of it")
        raise KeyboardInterrupt
    assert target.read_text() == "previous"
    assert leftovers(tmp_path) == []


def test_a_failed_rename_removes_the_temporary_file(tmp_path):
    target = tmp_path / "folder-in-the-way"
    (target / "inside").mkdir(parents=True)
    private = PrivateFile(target)
    private.stream.write("text")
    with pytest.raises(OSError):
        private.commit()
    assert leftovers(tmp_path) == []


def test_private_temp_is_an_empty_private_file_removed_at_the_end(tmp_path):
    with private_temp(tmp_path / "journal.db") as temp:
        assert temp.parent == tmp_path and temp.read_bytes() == b""
        assert temp.stat().st_mode & 0o777 == 0o600
    assert not temp.exists()


def test_the_file_is_private_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        write_private(tmp_path / "x", "y")
    finally:
        os.umask(old)
    assert (tmp_path / "x").stat().st_mode & 0o777 == 0o600
