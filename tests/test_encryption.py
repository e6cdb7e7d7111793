"""An encrypted journal (SQLCipher): unreadable without the passphrase, used as before with it.

The key comes from the OS keyring (none here: the null backend, as conftest sets), a
passphrase file named by ALLIANCE_PASSPHRASE_FILE, or the terminal."""

from __future__ import annotations

import re
import signal
import sqlite3
import subprocess
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from alliance_cli.app.log import new_session
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store import cipher
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, passphrase_file, set_flags

pytest.importorskip("sqlcipher3")

SECRET = "zebra-quince-marker"
ANSWERS: dict[str, Any] = {
    "empathy": 9,
    "empathy_moment": f"the {SECRET} moment",
    "respect": 8,
    "genuineness": 6,
    "positive_regard": 8,
    "active_listening": 5,
    "rupture": False,
}


def seed(journal: Path, n: int) -> None:
    ps = load_prompt_set(bundled_prompts_path())
    with open_journal(journal, create=True) as opened:
        opened.save_sessions(new_session(ps, "C-1", date(2026, 11, 2), "video", ANSWERS) for _ in range(n))


def every_byte(journal: Path) -> bytes:
    return b"".join(p.read_bytes() for p in journal.parent.iterdir() if p.name.startswith(journal.name) and p.is_file())


def test_encrypted_file_holds_no_answer_text_and_no_sqlite_header(run, db_path, unlocked):
    seed(db_path, 3)
    assert SECRET.encode() in every_byte(db_path)
    result = run("encrypt")
    assert result.exit_code == 0, result.stderr
    assert "Encrypted" in result.stderr
    assert run("log", "-c", "C-2", "-d", "2026-11-03", *set_flags(FULL_ANSWERS)).exit_code == 0
    data = every_byte(db_path)
    assert not data.startswith(b"SQLite format 3")
    assert SECRET.encode() not in data and b"C-2" not in data
    assert cipher.is_encrypted(db_path)
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(db_path).execute("SELECT value_text FROM answers").fetchall()
    # every command reads it as before
    listed = run("list")
    assert listed.exit_code == 0 and "C-2" in listed.stdout
    assert SECRET in run("search", "zebra").stdout
    assert run("report").exit_code == 0
    assert run("clients").exit_code == 0
    doctor = run("doctor")
    assert "encrypted" in doctor.stdout.lower()


def test_wrong_passphrase_is_one_line_exit_1_and_changes_nothing(run, db_path, unlocked, tmp_path, monkeypatch):
    seed(db_path, 2)
    assert run("encrypt").exit_code == 0
    before = {p.name: p.read_bytes() for p in db_path.parent.iterdir()}
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, str(passphrase_file(tmp_path, "wrong horse", "bad")))
    for args in (("list",), ("log", "-c", "C-2", *set_flags(FULL_ANSWERS)), ("backup",), ("delete", "1", "--yes")):
        cipher._keys.clear()
        result = run(*args)
        assert result.exit_code == 1, args
        assert result.stderr.strip().splitlines() == [
            f"alliance: Wrong passphrase for the journal {db_path} (or it is not an alliance journal); "
            "nothing was opened or changed."
        ]
    assert {p.name: p.read_bytes() for p in db_path.parent.iterdir()} == before


def test_no_keyring_and_no_terminal_says_how(run, db_path, unlocked, monkeypatch, alliance_exe, subprocess_env):
    seed(db_path, 1)
    assert run("encrypt").exit_code == 0
    assert cipher.remembered(db_path) is None  # the null keyring: none available, silently
    assert "No key" in run("lock").stderr
    subprocess_env.pop(cipher.PASSPHRASE_ENV, None)
    proc = subprocess.run(
        [*alliance_exe, "list"], capture_output=True, text=True, env=subprocess_env, start_new_session=True
    )
    assert proc.returncode == 1
    assert "ALLIANCE_PASSPHRASE_FILE" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_passphrase_file_readable_by_others_is_refused(run, db_path, unlocked):
    seed(db_path, 1)
    assert run("encrypt").exit_code == 0
    cipher._keys.clear()
    unlocked.chmod(0o640)
    result = run("list")
    assert result.exit_code == 1
    assert "may be read by others" in result.stderr and "chmod 600" in result.stderr


def test_a_remembered_key_is_used_and_lock_forgets_it(run, db_path, unlocked, monkeypatch):
    ring: dict[tuple[str, str], str] = {}

    class Ring:
        @staticmethod
        def get_password(service: str, user: str) -> str | None:
            return ring.get((service, user))

        @staticmethod
        def set_password(service: str, user: str, value: str) -> None:
            ring[(service, user)] = value

        @staticmethod
        def delete_password(service: str, user: str) -> None:
            del ring[(service, user)]

    monkeypatch.setattr(cipher, "_keyring", lambda: Ring)
    seed(db_path, 1)
    assert run("encrypt").exit_code == 0
    stored = ring[(cipher.KEYRING_SERVICE, str(db_path.resolve()))]
    assert len(stored) == 64 and "correct horse" not in stored  # the derived key, not the passphrase
    cipher._keys.clear()
    monkeypatch.delenv(cipher.PASSPHRASE_ENV)
    assert run("list").exit_code == 0  # no passphrase needed
    assert "Forgot" in run("lock").stderr
    assert not ring
    result = run("list")
    assert result.exit_code == 1


def test_encrypt_then_decrypt_gives_a_byte_identical_export(run, db_path, unlocked):
    seed(db_path, 5)
    plain = run("export", "-f", "json").stdout
    assert run("encrypt").exit_code == 0
    assert run("export", "-f", "json").stdout == plain
    assert run("decrypt").exit_code == 0
    assert db_path.read_bytes().startswith(b"SQLite format 3\x00")
    assert run("export", "-f", "json").stdout == plain


def test_passphrase_change_needs_the_new_one(run, db_path, unlocked, tmp_path, monkeypatch):
    seed(db_path, 2)
    assert run("encrypt").exit_code == 0
    new = passphrase_file(tmp_path, "battery staple", "new")
    cipher._keys.clear()
    # the current passphrase unlocks, the new one (same file mechanism) is read after it
    monkeypatch.setattr(cipher, "new_passphrase", lambda path: "battery staple")
    assert run("passphrase").exit_code == 0
    cipher._keys.clear()
    assert run("list").exit_code == 1  # the old passphrase no longer opens it
    monkeypatch.setenv(cipher.PASSPHRASE_ENV, str(new))
    cipher._keys.clear()
    assert "C-1" in run("list").stdout


def test_backup_of_an_encrypted_journal_is_encrypted_and_restores(run, db_path, unlocked, tmp_path):
    seed(db_path, 2)
    assert run("encrypt").exit_code == 0
    target = tmp_path / "copy.db"
    assert run("backup", str(target)).exit_code == 0
    assert SECRET.encode() not in target.read_bytes() and cipher.is_encrypted(target)
    assert run("delete", "1", "--yes").exit_code == 0
    assert run("restore", "--yes", str(target)).exit_code == 0
    assert cipher.is_encrypted(db_path)
    assert run("show", "1").exit_code == 0


def opens(journal: Path, passphrases: list[str]) -> int:
    """The number of sessions in the journal, plain or opened with one of `passphrases`."""
    if not cipher.is_encrypted(journal):
        with sqlite3.connect(f"file:{journal}?mode=ro", uri=True) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            return int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
    for passphrase in passphrases:
        key = cipher.derive(passphrase, cipher.salt_of(journal))
        if cipher.key_works(journal, key):
            conn = cipher.connect(journal, key)
            try:
                assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                return int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])
            finally:
                conn.close()
    raise AssertionError("the journal opens with none of the passphrases")


@pytest.mark.parametrize("command", ["encrypt", "passphrase", "decrypt"])
def test_kill_9_at_any_moment_leaves_one_readable_journal(command, db_path, tmp_path, alliance_exe, subprocess_env):
    seed(db_path, 400)
    old = passphrase_file(tmp_path, "old words", "old")
    new = passphrase_file(tmp_path, "new words", "new")
    env = dict(subprocess_env, **{cipher.PASSPHRASE_ENV: str(old)})
    if command in ("passphrase", "decrypt"):
        assert subprocess.run([*alliance_exe, "encrypt"], env=env, capture_output=True).returncode == 0
        # the current passphrase from the file, the new one asked: the file is read for both here
        env[cipher.PASSPHRASE_ENV] = str(old)
    for delay in (0.05, 0.15, 0.25, 0.35, 0.45, 0.6, 0.8):
        proc = subprocess.Popen([*alliance_exe, command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert opens(db_path, ["old words", "new words"]) == 400, delay
        for leftover in db_path.parent.glob(f".{db_path.name}.*"):
            # the killed run's own temporary name (with SQLite's -journal when killed mid-copy)
            assert re.fullmatch(rf"\.{db_path.name}\.{proc.pid}-[0-9a-f]{{12}}\.tmp(-journal)?", leftover.name)
            leftover.unlink()
    del new


def test_restore_asks_for_a_backup_with_another_passphrase(run, db_path, unlocked, tmp_path, monkeypatch):
    seed(db_path, 2)
    assert run("encrypt").exit_code == 0
    target = tmp_path / "copy.db"
    assert run("backup", str(target)).exit_code == 0
    monkeypatch.setattr(cipher, "new_passphrase", lambda path: "battery staple")
    assert run("passphrase").exit_code == 0
    assert run("delete", "1", "--yes").exit_code == 0
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return "correct horse"

    monkeypatch.delenv(cipher.PASSPHRASE_ENV)
    monkeypatch.setattr(cipher, "ask", ask)
    cipher._keys.clear()  # a new command: only the journal's key is at hand
    cipher.set_key(db_path, cipher.derive("battery staple", cipher.salt_of(db_path)))
    result = run("restore", "--yes", str(target))
    assert result.exit_code == 0, result.stderr
    assert asked == [f"Passphrase for the journal {target}: "]
    cipher._keys.clear()
    monkeypatch.setattr(cipher, "ask", lambda prompt: "battery staple")
    assert run("show", "1").exit_code == 0  # the journal keeps its own passphrase


def test_completion_is_silent_without_a_key(run, db_path, unlocked, monkeypatch):
    from alliance_cli.cli.root import _complete_client

    seed(db_path, 1)
    assert run("encrypt").exit_code == 0
    cipher._keys.clear()
    monkeypatch.delenv(cipher.PASSPHRASE_ENV)
    monkeypatch.setenv("ALLIANCE_DB", str(db_path))
    monkeypatch.setenv("_ALLIANCE_COMPLETE", "bash_complete")
    monkeypatch.setattr(cipher, "ask", lambda prompt: pytest.fail("completion asked for a passphrase"))
    assert _complete_client("") == []


def test_a_new_journal_starts_encrypted_when_the_settings_say_so(run, db_path, unlocked):
    from alliance_cli.settings.watchlist import watchlist_path

    assert run("config", "set", "encrypt_new", "true").exit_code == 0
    assert "encrypt_new = true" in run("config", "show").stdout
    assert run("watchlist", "add", "Marguerite").exit_code == 0
    result = run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 0, result.stderr
    assert "encrypted journal" in result.stderr
    assert "Your watch-list (1 word) is now kept inside the encrypted journal" in result.stderr
    assert not watchlist_path().exists() and run("watchlist", "count").stdout == "1\n"
    assert cipher.is_encrypted(db_path)
    assert not every_byte(db_path).startswith(b"SQLite format 3")
    cipher._keys.clear()
    assert "C-1" in run("list").stdout


def test_an_import_into_a_new_journal_starts_it_encrypted_when_the_settings_say_so(run, db_path, unlocked, tmp_path):
    seed(db_path, 3)
    exported = tmp_path / "out.csv"
    exported.write_text(run("export", "-f", "csv").stdout)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    assert run("config", "set", "encrypt_new", "true").exit_code == 0
    assert run("watchlist", "add", "Marguerite").exit_code == 0
    result = run("import", str(exported))
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines()[:2] == [
        f"Started a new, encrypted journal at {db_path} (encrypt_new in `alliance config`).",
        "Your watch-list (1 word) is now kept inside the encrypted journal, out of reach without the passphrase; "
        "its two files were removed.",
    ]
    assert cipher.is_encrypted(db_path) and SECRET.encode() not in every_byte(db_path)
    cipher._keys.clear()
    assert run("list", "-f", "json").stdout.count('"session_id"') == 3
    # a dry run starts nothing; a refused import takes its new journal with it
    other = tmp_path / "other" / "journal.db"
    assert run("import", str(exported), "--dry-run", db=other).exit_code == 0 and not other.exists()
    broken = tmp_path / "broken.csv"
    broken.write_text(exported.read_text().replace("2026-11-02", "2026-13-02"))
    assert run("import", str(broken), db=other).exit_code == 1 and not other.exists()


def test_encrypt_new_takes_true_or_false_only(run):
    result = run("config", "set", "encrypt_new", "maybe")
    assert result.exit_code == 1 and "must be true or false" in result.stderr


def test_the_passphrase_is_asked_on_the_terminal_and_never_echoed(run, db_path, unlocked, alliance_exe, subprocess_env):
    import pexpect

    seed(db_path, 1)
    assert run("encrypt").exit_code == 0
    env = {k: v for k, v in subprocess_env.items() if k != cipher.PASSPHRASE_ENV}
    env.update(TERM="xterm", COLUMNS="100", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")

    def attempt(passphrase: str) -> tuple[int, str]:
        child = pexpect.spawn(alliance_exe[0], [*alliance_exe[1:], "list"], env=env, encoding="utf-8", timeout=30)
        child.expect("Passphrase for the journal")
        child.sendline(passphrase)
        child.expect(pexpect.EOF)
        child.close()
        return child.exitstatus, child.before

    status, shown = attempt("correct horse")
    assert status == 0 and "C-1" in shown and "correct horse" not in shown
    status, shown = attempt("wrong horse")
    assert status == 1 and "Wrong passphrase" in shown and "wrong horse" not in shown


def test_encrypt_refuses_while_another_program_has_the_journal_open(run, db_path, unlocked):
    seed(db_path, 1)
    other = sqlite3.connect(db_path)
    try:
        other.execute("SELECT COUNT(*) FROM sessions").fetchone()
        before = db_path.read_bytes()
        result = run("encrypt")
        assert result.exit_code == 1
        assert "open in another program" in result.stderr and "Nothing was changed" in result.stderr
        assert db_path.read_bytes() == before and not cipher.is_encrypted(db_path)
    finally:
        other.close()
    assert run("encrypt").exit_code == 0


def test_the_writing_commands_work_on_an_encrypted_journal(run, db_path, unlocked, tmp_path):
    seed(db_path, 3)
    exported = tmp_path / "out.csv"
    exported.write_text(run("export", "-f", "csv").stdout)
    assert run("encrypt").exit_code == 0
    assert run("edit", "1", "--set", "respect=6", "--date", "2026-11-01").exit_code == 0
    assert run("clients", "rename", "C-1", "C-9").exit_code == 0
    assert run("delete", "2", "--yes").exit_code == 0
    result = run("import", str(exported))
    assert result.exit_code == 0, result.stderr
    listed = run("list", "-f", "json").stdout
    assert "C-9" in listed and "C-1" in listed  # session 2 came back from the export, with its old code
    assert cipher.is_encrypted(db_path) and SECRET.encode() not in every_byte(db_path)


def test_without_sqlcipher_an_encrypted_journal_names_the_install_command(run, db_path, unlocked, monkeypatch):
    import sys

    seed(db_path, 1)
    assert run("encrypt").exit_code == 0
    cipher._keys.clear()
    monkeypatch.setattr(cipher, "_driver", None)
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)  # an install without the extra
    result = run("list")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "alliance: This journal is encrypted, and reading it needs SQLCipher, which is not installed: "
        "pip install 'alliance-cli[encryption]'"
    )


def test_doctor_without_the_key_lists_what_it_can_and_names_what_needs_the_passphrase(
    run, db_path, unlocked, alliance_exe, subprocess_env, tmp_path
):
    import json

    seed(db_path, 2)
    assert run("encrypt").exit_code == 0
    db_path.chmod(0o644)  # a finding that needs no key
    env = {k: v for k, v in subprocess_env.items() if k != cipher.PASSPHRASE_ENV}
    proc = subprocess.run(
        [*alliance_exe, "doctor", "-f", "json"], capture_output=True, text=True, env=env, start_new_session=True
    )
    assert proc.returncode == 1, proc.stderr  # for the file mode, not for the missing key
    findings = json.loads(proc.stdout)
    checks = {f["check"] for f in findings}
    assert {"config", "permissions", "journal", "encryption", "location", "prompts"} <= checks
    assert "integrity" not in checks and "schema" not in checks
    mode = [f for f in findings if f["check"] == "permissions"]
    assert mode[0]["level"] == "problem" and "chmod 600" in mode[0]["message"]
    how, needs = [f for f in findings if f["check"] == "encryption"]
    assert how["level"] == "ok" and "SQLCipher 4" in how["message"] and "256,000 iterations" in how["message"]
    assert needs["level"] == "note" and "the integrity check" in needs["message"]
    assert "were not checked" in needs["message"]
    db_path.chmod(0o600)
    proc = subprocess.run([*alliance_exe, "doctor"], capture_output=True, text=True, env=env, start_new_session=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # a note: nothing found wrong
    assert proc.stderr.strip() == "All that could be looked at without the passphrase is well."
    # a wrong passphrase is a problem, the other findings still listed
    env[cipher.PASSPHRASE_ENV] = str(passphrase_file(tmp_path, "wrong horse", "bad"))
    proc = subprocess.run([*alliance_exe, "doctor", "-f", "json"], capture_output=True, text=True, env=env)
    findings = json.loads(proc.stdout)
    assert proc.returncode == 1 and "location" in {f["check"] for f in findings}
    assert [f["message"] for f in findings if f["level"] == "problem"][0].startswith("Wrong passphrase")
    # with the key, the watch-list kept inside is counted
    assert run("watchlist", "add", "Anna").exit_code == 0
    doctor = run("doctor", "-f", "json")
    assert any(
        f["message"] == "1 word on your watch-list, kept inside the encrypted journal."
        for f in json.loads(doctor.stdout)
    )


def test_the_keyring_backend_is_found_once_per_login_session(tmp_path, monkeypatch):
    import keyring

    runtime = tmp_path / "run-user"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))  # no keyring settings file
    note = runtime / "alliance" / cipher.BACKEND_NOTE
    first = cipher._keyring()  # keyring asks every backend it knows
    noted = note.read_text().strip()
    assert noted == (cipher.NO_BACKEND if first is None else f"{type(first).__module__}.{type(first).__qualname__}")
    assert note.stat().st_mode & 0o777 == 0o600
    detect = keyring.get_keyring
    monkeypatch.setattr(keyring, "get_keyring", lambda: pytest.fail("asked every backend again"))
    again = cipher._keyring()
    assert type(again) is type(first)
    # a note that no longer loads is dropped, and the backend found afresh
    note.write_text("keyring.backends.gone.Keyring\n")
    monkeypatch.setattr(keyring, "get_keyring", detect)
    assert type(cipher._keyring()) is type(first) and note.read_text().strip() == noted
    # a backend named for the process is keyring's to load: nothing noted or read
    note.unlink()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    assert cipher._keyring() is None and not note.exists()


def test_the_keyring_is_read_without_loading_network_code_which_still_loads_when_used(subprocess_env):
    import sys

    script = """
import sys
from alliance_cli.store import cipher
cipher._keyring()
loaded = [m for m in ("urllib.request", "http.client", "ssl", "importlib_metadata") if m in sys.modules]
print([m for m in loaded if "__file__" in vars(sys.modules[m])])  # a stand-in has no file
import configparser, urllib.request
from urllib.request import Request
print(configparser.ConfigParser.__name__, urllib.request.Request is Request, "http.client" in sys.modules)
"""
    env = dict(subprocess_env, PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["[]", "ConfigParser True True"]


@pytest.mark.parametrize("stop", ["ctrl-c", "closed terminal", "kill -9"])
def test_an_encrypted_journal_s_editor_text_stays_off_its_disk_however_the_log_ends(
    stop, run, db_path, unlocked, alliance_exe, subprocess_env, tmp_path, monkeypatch
):
    import os

    import pexpect

    from alliance_cli.app.editing import editor_folder
    from test_log_pty import WRITTEN, editor_env, open_the_editor_at_went_well

    seed(db_path, 1)
    assert run("encrypt").exit_code == 0
    runtime = tmp_path / "run-user"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    env = dict(editor_env(subprocess_env, tmp_path), XDG_RUNTIME_DIR=str(runtime))
    env[cipher.PASSPHRASE_ENV] = str(unlocked)
    term = dict(env, TERM="xterm", COLUMNS="100", LINES="40", PROMPT_TOOLKIT_NO_CPR="1")
    child = pexpect.spawn(
        alliance_exe[0], [*alliance_exe[1:], "log"], env=term, encoding="utf-8", timeout=30, dimensions=(40, 100)
    )
    written_to = Path(open_the_editor_at_went_well(child, tmp_path))
    assert runtime in written_to.parents  # in the session's runtime folder (memory), not beside the journal
    if stop == "ctrl-c":
        child.sendcontrol("c")
        child.expect_exact("alliance log --resume")
    elif stop == "closed terminal":
        os.killpg(child.pid, signal.SIGHUP)
    else:
        os.killpg(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert set(os.listdir(db_path.parent)) <= {"journal.db", "journal.db-wal", "journal.db-shm"}
    assert list((tmp_path / "tmp").iterdir()) == []
    if stop == "kill -9":
        assert written_to.read_text() == WRITTEN  # left where only this login session reaches it
        cipher._keys.clear()
        assert run("log", "-c", "C-2", *set_flags(FULL_ANSWERS)).exit_code == 0  # any log picks it up
    assert not written_to.exists() and not editor_folder(db_path).exists()
    with open_journal(db_path) as journal:
        assert WRITTEN in {d.state["answers"].get("went_well") for d in journal.drafts()}  # in the encrypted draft
    assert WRITTEN.encode() not in every_byte(db_path)


def test_a_journal_let_go_without_closing_leaves_no_stale_note(db_path):
    """What this process notes about a file it holds open (`cipher.connected`) goes with the
    journal that noted it, closed or simply dropped: its inode number is free again once the
    connection is gone, and a new file there (a decrypted journal) must be looked at afresh.
    A note left behind made a plain journal look encrypted: "opens with none of the
    passphrases" in the kill -9 test above, once in a loaded run."""
    import gc

    import sqlcipher3

    from alliance_cli.store.journal import Journal

    seed(db_path, 1)
    held = Journal(sqlcipher3.dbapi2.connect(str(db_path)), db_path)  # a cipher connection: noted as encrypted
    assert cipher.is_encrypted(db_path)  # what the note says while the journal is held
    del held
    gc.collect()
    assert not cipher.is_encrypted(db_path)  # the file itself: plain
