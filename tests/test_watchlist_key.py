"""The watch-list's keyed hashes: the list file alone cannot be tested against a word; the
key lives in another folder; lists of the old form are still read, and move word by word."""

from __future__ import annotations

import hashlib
import json
import secrets

from alliance_cli.settings.watchlist import change_watchlist, key_path, load_watchlist, watchlist_path
from conftest import FULL_ANSWERS, set_flags


def old_form_list(*words: str) -> None:
    """A watch-list as alliance wrote it before: version 1, salted SHA-256."""
    salt = secrets.token_hex(16)
    hashes = [hashlib.sha256(bytes.fromhex(salt) + w.casefold().encode()).hexdigest() for w in words]
    watchlist_path().parent.mkdir(parents=True, mode=0o700)
    watchlist_path().write_text(json.dumps({"version": 1, "salt": salt, "hashes": hashes}))


def test_the_list_holds_keyed_hashes_and_the_key_is_kept_apart(run, private_home):
    assert run("watchlist", "add", "Marguerite").exit_code == 0
    data = json.loads(watchlist_path().read_text())
    assert data["version"] == 2 and data["hash"] == "blake2b-keyed" and "legacy" not in data
    key = key_path()
    assert key.parent != watchlist_path().parent  # the data folder, not the config folder
    assert key == private_home / ".local" / "share" / "alliance" / "watchlist.key"
    assert key.stat().st_mode & 0o777 == 0o600 and len(bytes.fromhex(key.read_text().strip())) == 32
    salt = bytes.fromhex(data["salt"])
    # Without the key, no hash of the word is found in the file: not salted SHA-256, not unkeyed BLAKE2b.
    for guess in (
        hashlib.sha256(salt + b"marguerite").hexdigest(),
        hashlib.blake2b(b"marguerite", salt=salt).hexdigest(),
        hashlib.blake2b(b"marguerite", key=secrets.token_bytes(32), salt=salt).hexdigest(),
    ):
        assert guess not in data["hashes"]
    assert "marguerite" in load_watchlist()


def test_a_second_list_uses_the_same_key(run):
    change_watchlist(["Anna"])
    first = key_path().read_text()
    watchlist_path().unlink()
    change_watchlist(["Ben"])
    assert key_path().read_text() == first and "ben" in load_watchlist()


def test_without_its_key_the_list_is_refused_with_the_remedy(run):
    change_watchlist(["Anna"])
    key_path().unlink()
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS))
    assert result.exit_code == 1
    assert f"The key of the watch-list {watchlist_path()} ({key_path()}) is missing" in result.stderr
    assert "add your words again" in result.stderr
    doctor = run("doctor", "-f", "json")
    assert [(f["level"], f["check"]) for f in json.loads(doctor.stdout) if f["check"] == "watchlist"] == [
        ("problem", "watchlist")
    ]


def test_another_key_is_refused_rather_than_silently_finding_nothing(run):
    change_watchlist(["Anna"])
    key_path().write_text(secrets.token_hex(32) + "\n")
    result = run("watchlist", "count")
    assert result.exit_code == 1 and "is not the one it was made with" in result.stderr


def test_an_old_list_is_still_checked_and_moves_word_by_word(run):
    old_form_list("Marguerite", "Okonkwo")
    assert "marguerite" in load_watchlist()
    strict = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "-s", "went_well=Marguerite laughed", "--strict")
    assert strict.exit_code == 1 and "a word from your watch-list" in strict.stderr

    counted = run("watchlist", "count")
    assert counted.stdout == "2\n"
    assert "2 words on your watch-list are kept in the older form (salted SHA-256)" in counted.stderr
    assert "`alliance watchlist add`" in counted.stderr
    doctor = run("doctor", "-f", "json")
    notes = [f for f in json.loads(doctor.stdout) if f["check"] == "watchlist"]
    assert [f["level"] for f in notes] == ["note"] and "2 words" in notes[0]["message"]

    added = run("watchlist", "add", "marguerite", "Lisbeth")
    assert added.exit_code == 0, added.stderr
    assert added.stderr.splitlines()[:2] == [
        "1 word added; 3 on your watch-list.",
        "1 word moved to the new, keyed form.",
    ]
    assert "1 word on your watch-list is kept in the older form" in added.stderr
    data = json.loads(watchlist_path().read_text())
    assert data["version"] == 2 and len(data["hashes"]) == 2 and len(data["legacy"]["hashes"]) == 1
    watchlist = load_watchlist()
    assert all(word in watchlist for word in ("marguerite", "okonkwo", "lisbeth"))

    assert run("watchlist", "add", "Okonkwo").exit_code == 0
    data = json.loads(watchlist_path().read_text())
    assert "legacy" not in data and len(data["hashes"]) == 3
    assert "older form" not in run("watchlist", "count").stderr


def test_removing_a_word_of_the_old_form(run):
    old_form_list("Anna", "Ben")
    result = run("watchlist", "remove", "anna")
    assert result.exit_code == 0 and "1 word removed; 1 on your watch-list." in result.stderr
    assert "anna" not in load_watchlist() and "ben" in load_watchlist()


def test_an_encrypted_journal_keeps_its_watch_list_inside_and_decrypt_moves_it_out(run, db_path, tmp_path, unlocked):

    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    assert run("watchlist", "add", "Marguerite", "Okonkwo").exit_code == 0
    encrypted = run("encrypt")
    assert encrypted.exit_code == 0, encrypted.stderr
    assert "Your watch-list (2 words) is now kept inside the encrypted journal" in encrypted.stderr
    # no file outside the journal holds a hash or the key: nothing to try names against offline
    assert not watchlist_path().exists() and not key_path().exists()
    assert run("watchlist", "count").stdout == "2\n"
    strict = run("log", "-c", "C-2", *set_flags(FULL_ANSWERS), "-s", "went_well=Marguerite laughed", "--strict")
    assert strict.exit_code == 1 and "a word from your watch-list" in strict.stderr
    assert run("watchlist", "add", "Lisbeth").exit_code == 0
    assert not watchlist_path().exists() and run("watchlist", "count").stdout == "3\n"
    absent = run("watchlist", "remove", "Zedekiah")
    assert absent.exit_code != 0 and "nothing was removed (3 on it)" in absent.stderr
    assert run("watchlist", "count").stdout == "3\n"
    assert b"Lisbeth" not in db_path.read_bytes()
    # a backup holds it, encrypted; a restore keeps the journal's own list
    backup = tmp_path / "copy.db"
    assert run("backup", str(backup)).exit_code == 0
    restored = run("restore", "--yes", str(backup))
    assert restored.exit_code == 0, restored.stderr
    assert run("watchlist", "count").stdout == "3\n"

    decrypted = run("decrypt")
    assert decrypted.exit_code == 0, decrypted.stderr
    assert "Its watch-list (3 words) is kept in" in decrypted.stderr
    watchlist = load_watchlist()
    assert all(word in watchlist for word in ("marguerite", "okonkwo", "lisbeth"))
    import sqlite3

    tables = {r[0] for r in sqlite3.connect(db_path).execute("SELECT name FROM sqlite_master")}
    assert "watchlist" not in tables  # the plain journal holds no list: plain journals as before


def test_a_plain_journal_keeps_no_list_inside(run, db_path):
    import sqlite3

    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    assert run("watchlist", "add", "Anna").exit_code == 0
    assert watchlist_path().exists() and key_path().exists()
    tables = {r[0] for r in sqlite3.connect(db_path).execute("SELECT name FROM sqlite_master")}
    assert "watchlist" not in tables


def test_a_refused_decrypt_keeps_the_watch_list_inside(run, db_path, tmp_path, unlocked):
    from alliance_cli.store import cipher

    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    assert run("watchlist", "add", "Marguerite").exit_code == 0
    assert run("encrypt").exit_code == 0
    other = cipher.connect(db_path, cipher.key_for(db_path))  # another program has the journal open
    try:
        other.execute("SELECT COUNT(*) FROM sessions").fetchone()
        result = run("decrypt")
    finally:
        other.close()
    assert result.exit_code == 1 and "open in another program" in result.stderr
    assert cipher.is_encrypted(db_path) and not watchlist_path().exists() and not key_path().exists()
    assert run("watchlist", "count").stdout == "1\n"
