"""`alliance doctor`: findings, exit codes, and never a write to a damaged journal."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest

from alliance_cli.app.doctor import check_location, mount_type, sync_folder
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags


def log(run, client: str = "C-1") -> None:
    result = run("log", "-c", client, "-d", "2026-11-02", *set_flags(FULL_ANSWERS), "-s", "went_well=" + "w" * 300)
    assert result.exit_code == 0, result.stderr


def findings(result) -> list[dict[str, str]]:
    return json.loads(result.stdout)


def failing(result) -> list[tuple[str, str]]:
    return [(f["level"], f["check"]) for f in findings(result) if f["level"] in ("warning", "problem")]


def test_a_healthy_journal_passes(run, db_path):
    for client in ("C-1", "C-2", "C-3"):
        log(run, client)
    result = run("doctor")
    assert result.exit_code == 0, result.stdout
    assert "All is well." in result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[1] for line in lines] == [
        "config",
        "permissions",
        "journal",
        "integrity",
        "encryption",
        "schema",
        "drafts",
        "location",
        "prompts",
    ]
    assert all(line.startswith("ok ") for line in lines)


def test_json_keys_are_level_check_message(run):
    log(run)
    data = findings(run("doctor", "--format", "json"))
    assert all(list(f) == ["level", "check", "message"] for f in data)


def copy_of_journal(run, db_path: Path, tmp_path: Path) -> Path:
    for client in ("C-1", "C-2", "C-3", "C-4"):
        log(run, client)
    copy = tmp_path / "copy" / "journal.db"
    copy.parent.mkdir(mode=0o700)
    with open_journal(db_path) as journal:
        journal.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(db_path, copy)
    os.chmod(copy, 0o600)
    return copy


@pytest.mark.parametrize(("offset", "expect"), [(4096 + 8, "damaged"), (0, "not a database")])
def test_a_corrupted_copy_gives_a_finding_never_a_traceback_and_stays_unchanged(run, db_path, tmp_path, offset, expect):
    copy = copy_of_journal(run, db_path, tmp_path)
    data = bytearray(copy.read_bytes())
    for i in range(offset, offset + 100):
        data[i] ^= 0xFF
    copy.write_bytes(bytes(data))
    before = hashlib.sha256(copy.read_bytes()).hexdigest()

    result = run("doctor", "-f", "json", db=copy)
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr + result.stdout
    integrity = [f for f in findings(result) if f["check"] == "integrity"]
    assert integrity and integrity[0]["level"] == "problem"
    assert expect in integrity[0]["message"] and "alliance restore" in integrity[0]["message"]
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before
    assert "need" in result.stderr


def test_loose_permissions_are_findings_with_the_fix(run, db_path):
    log(run)
    os.chmod(db_path, 0o644)
    os.chmod(db_path.parent, 0o755)
    result = run("doctor")
    assert result.exit_code == 1
    assert f"chmod 600 '{db_path}'" in result.stdout
    assert f"chmod 700 '{db_path.parent}'" in result.stdout
    assert "2 findings need your attention." in result.stderr


def test_a_readable_backup_is_a_finding(run, db_path):
    log(run)
    made = Path(run("backup").stdout.strip())
    os.chmod(made, 0o640)
    result = run("doctor", "-f", "json")
    assert failing(result) == [("problem", "permissions")]
    assert str(made) in result.stdout


def test_an_unfinished_log_is_a_note_not_a_failure(run, db_path):
    log(run)
    with open_journal(db_path) as journal:
        journal.save_draft(None, {"client": "C-1", "answers": {"empathy": 7}})
    result = run("doctor", "-f", "json")
    assert result.exit_code == 0
    drafts = [f for f in findings(result) if f["check"] == "drafts"]
    assert drafts[0]["level"] == "note" and "alliance log --resume" in drafts[0]["message"]


def test_drafts_are_named_by_kind_with_the_command_that_picks_each_up(run, db_path):
    log(run)
    log(run)
    with open_journal(db_path) as journal:
        journal.save_draft(None, {"client": "C-1", "answers": {"empathy": 7}})
        journal.save_draft(None, {"client": "C-2", "answers": {}})
        journal.save_draft(None, {"client": "C-1", "answers": {}}, command="edit", session_id=2)
    result = run("doctor", "-f", "json")
    assert result.exit_code == 0
    assert [f["message"] for f in findings(result) if f["check"] == "drafts"] == [
        "2 unfinished logs kept as drafts; `alliance log --resume` picks them up one at a time, newest first; "
        "`alliance log --discard-draft` lets the newest go.",
        "1 unfinished edit of session 2 kept as a draft; `alliance edit 2 --resume` picks it up, "
        "`alliance edit 2 --discard-draft` lets it go.",
    ]
    assert all(f["level"] == "note" for f in findings(result) if f["check"] == "drafts")


def test_no_journal_yet_is_a_warning(run, db_path):
    result = run("doctor", "-f", "json")
    assert result.exit_code == 1
    assert failing(result) == [("warning", "journal")]
    assert not db_path.exists()


def test_an_invalid_prompts_file_is_listed(run, tmp_path):
    log(run)
    bad = tmp_path / "prompts.yaml"
    bad.write_text("version: one\nprinciples: []\nprompts: []\n")
    result = run("doctor", "--prompts", str(bad), "-f", "json")
    assert result.exit_code == 1
    problems = [f["message"] for f in findings(result) if f["check"] == "prompts"]
    assert problems and all(str(bad) in m for m in problems)


def test_a_broken_settings_file_is_a_finding_and_the_rest_still_runs(run, private_home):
    log(run)
    settings = private_home / ".config" / "alliance" / "config.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text("colour = 'blue'\n")
    result = run("doctor", "-f", "json")
    assert result.exit_code == 1
    assert failing(result) == [("problem", "config")]
    assert any(f["check"] == "integrity" and f["level"] == "ok" for f in findings(result))


MOUNTS = """\
/dev/vda / ext4 rw,relatime 0 0
server:/export /home/me/net nfs4 rw 0 0
//nas/share /mnt/my\\040share cifs rw 0 0
me@host:/srv /home/me/remote fuse.sshfs rw 0 0
/dev/sdb1 /media/usb fuseblk rw 0 0
"""


@pytest.mark.parametrize(
    ("path", "fstype"),
    [
        ("/home/me/notes", "ext4"),
        ("/home/me/net/journal", "nfs4"),
        ("/home/me/network", "ext4"),
        ("/mnt/my share/j", "cifs"),
        ("/home/me/remote", "fuse.sshfs"),
    ],
)
def test_mount_type_finds_the_longest_matching_mount(path, fstype):
    assert mount_type(Path(path), MOUNTS) == fstype


@pytest.mark.parametrize(
    ("folder", "warned"),
    [("/home/me/net", "network filesystem (nfs4)"), ("/home/me/remote", "sshfs"), ("/media/usb", None)],
)
def test_network_filesystems_are_warned_about(folder, warned):
    found = check_location(Path(folder) / "journal.db", MOUNTS)
    if warned is None:
        assert [f.level for f in found] == ["ok"]
    else:
        assert found[0].level == "warning" and warned in found[0].message


@pytest.mark.parametrize(
    ("path", "service"),
    [
        ("/home/me/Dropbox/alliance/journal.db", "Dropbox"),
        ("/Users/me/Library/Mobile Documents/com~apple~CloudDocs/journal.db", "Mobile Documents"),
        ("/Users/me/Library/CloudStorage/GoogleDrive-me@example.org/My Drive/j.db", "CloudStorage"),
        ("C:/Users/me/OneDrive - Clinic/journal.db", "OneDrive - Clinic"),
        ("/home/me/Nextcloud/journal.db", "Nextcloud"),
        ("/home/me/.local/share/alliance/journal.db", None),
    ],
)
def test_cloud_sync_folders_are_recognised_by_path(path, service):
    assert sync_folder(Path(path)) == service


def test_a_journal_in_a_sync_folder_is_a_warning(run, tmp_path):
    journal = tmp_path / "Dropbox" / "journal.db"
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), db=journal)
    assert result.exit_code == 0
    result = run("doctor", "-f", "json", db=journal)
    assert result.exit_code == 1
    assert ("warning", "location") in failing(result)
