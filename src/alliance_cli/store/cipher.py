"""An encrypted journal: SQLCipher 4 (AES-256 pages, an HMAC per page, PBKDF2-HMAC-SHA512).

A plain journal starts with SQLite's header; an encrypted one with the 16 random bytes of
its salt, and nothing in it reads without the key. The key is the one SQLCipher derives from
the passphrase (PBKDF2-HMAC-SHA512, 256,000 iterations, the salt): derived here once and
given to SQLCipher raw, so only the first unlock pays for the derivation (about 160 ms) and
the derived key, never the passphrase, is what the OS keyring remembers.

Where the key comes from, in order: the OS keyring (when it remembers one for this journal's
path and a keyring is available: none is silently none); the file named by
ALLIANCE_PASSPHRASE_FILE (for scripts: refused when its group or others may read it; the
passphrase itself is never taken from the environment or the command line); the terminal
(/dev/tty, not echoed). A wrong passphrase is one line and nothing is written.

sqlcipher3 is imported only when an encrypted journal is met. Its errors are not sqlite3's:
the store catches `Error` (and its kin) from here, tuples of both.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import stat
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from alliance_cli.errors import JournalError

SQLITE_HEADER = b"SQLite format 3\x00"
SALT_BYTES = 16
KDF_ITERATIONS = 256_000
KEY_BYTES = 32
PAGE_SIZE = 4096  # SQLCipher 4's default, which alliance keeps
CIPHER = "AES-256-CBC, HMAC-SHA512 per page"
KDF = f"PBKDF2-HMAC-SHA512, {KDF_ITERATIONS:,} iterations"
PASSPHRASE_ENV = "ALLIANCE_PASSPHRASE_FILE"
KEYRING_SERVICE = "alliance-cli"
INSTALL = "pip install 'alliance-cli[encryption]'"

# The exceptions the store catches: sqlite3's, and sqlcipher3's once it is loaded (`driver`).
# Read as `cipher.Error` at the moment of the `except`, so loading later still counts.
Error: tuple[type[sqlite3.Error], ...] = (sqlite3.Error,)
DatabaseError: tuple[type[sqlite3.Error], ...] = (sqlite3.DatabaseError,)
OperationalError: tuple[type[sqlite3.Error], ...] = (sqlite3.OperationalError,)
IntegrityError: tuple[type[sqlite3.Error], ...] = (sqlite3.IntegrityError,)

_driver: Any = None
_keys: dict[str, bytes] = {}  # this process's unlocked keys, by resolved path


def driver() -> Any:
    """sqlcipher3's DB-API module; a JournalError with the install command where it is missing."""
    global _driver, Error, DatabaseError, OperationalError, IntegrityError
    if _driver is None:
        try:
            from sqlcipher3 import dbapi2
        except ImportError:
            raise JournalError(
                f"This journal is encrypted, and reading it needs SQLCipher, which is not installed: {INSTALL}"
            ) from None
        _driver = dbapi2
        Error = (sqlite3.Error, dbapi2.Error)
        DatabaseError = (sqlite3.DatabaseError, dbapi2.DatabaseError)
        OperationalError = (sqlite3.OperationalError, dbapi2.OperationalError)
        IntegrityError = (sqlite3.IntegrityError, dbapi2.IntegrityError)
    return _driver


def available() -> bool:
    try:
        driver()
    except JournalError:
        return False
    return True


# The files this process has an SQLite connection to, by (device, inode), with whether each is
# encrypted and how many connections hold it. A POSIX lock belongs to the process, and closing
# *any* descriptor of a file drops every lock the process holds on it: opening a journal SQLite
# has open, to read its header, would let another terminal write through this one's transaction
# and lose a session (SQLite's "How To Corrupt An SQLite Database File", 2.2). So a file open
# here is never opened again to be looked at. An entry lasts only while a connection holds the
# file (an inode number is reused once its file is gone), so a file swapped in by encrypt or
# decrypt is looked at afresh.
_CONNECTED: dict[tuple[int, int], tuple[bool, int]] = {}
FileKey = tuple[int, int]


def connected(path: Path, encrypted: bool) -> FileKey | None:
    """Note that this process is about to hold a connection to the file at `path`; give the
    key back to `released` when the connection closes."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    key = (info.st_dev, info.st_ino)
    _, holders = _CONNECTED.get(key, (encrypted, 0))
    _CONNECTED[key] = (encrypted, holders + 1)
    return key


def released(key: FileKey | None) -> None:
    """A connection noted by `connected` is closed."""
    if key is None or key not in _CONNECTED:
        return
    encrypted, holders = _CONNECTED[key]
    if holders <= 1:
        del _CONNECTED[key]
    else:
        _CONNECTED[key] = (encrypted, holders - 1)


def is_encrypted(path: Path) -> bool:
    """Whether the file at `path` looks like an SQLCipher journal: no SQLite header, whole
    pages, a salt that is neither zero bytes nor text, and a first page of random-looking
    bytes throughout. (A plain journal whose header was damaged still has the zero bytes of
    its first page's free space: it is no cipher. Truly random bytes pass, and then no
    passphrase opens them.)"""
    try:
        info = os.stat(path)
        known = _CONNECTED.get((info.st_dev, info.st_ino))
        if known is not None:
            return known[0]
        size = info.st_size
        if size < 1024 or size % 512:
            return False
        with open(path, "rb") as handle:
            page = handle.read(1024)
    except OSError:
        return False
    head = page[:SALT_BYTES]
    if len(page) < 1024 or head == SQLITE_HEADER or size % 512:
        return False
    text = all(32 <= b < 127 or b in (9, 10, 13) for b in head)
    # AES output repeats no 16-byte block; a pattern, a text or free space does.
    distinct = len({page[i : i + 16] for i in range(0, 1024, 16)}) == 64
    return head != bytes(SALT_BYTES) and not text and distinct and page[100:].count(0) < 32


def salt_of(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(SALT_BYTES)


def derive(passphrase: str, salt: bytes) -> bytes:
    """SQLCipher 4's key for `passphrase` and the file's `salt`."""
    return hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, KEY_BYTES)


def raw_key_pragma(key: bytes, salt: bytes = b"") -> str:
    return f"PRAGMA key = \"x'{key.hex()}{salt.hex()}'\""


def connect(target: str | Path, key: bytes, *, uri: bool = False, timeout: float = 5.0, salt: bytes = b"") -> Any:
    """An SQLCipher connection to `target`, keyed (the key is checked at the first read); a
    new file gets `salt` as its first bytes (a random one without)."""
    dbapi2 = driver()
    conn = dbapi2.connect(str(target), uri=uri, timeout=timeout, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA cipher_log_level = NONE")  # SQLCipher's own errors never reach stderr
    conn.execute(raw_key_pragma(key, salt))
    return conn


def key_works(path: Path, key: bytes) -> bool:
    conn = connect(path.resolve().as_uri() + "?mode=ro", key, uri=True)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return True
    except Error:
        return False
    finally:
        conn.close()


# -- the keyring: remembered derived keys, by the journal's path ----------------------------


# Modules `keyring` imports but uses only for what alliance never asks of it (jaraco.context's
# tarball download: urllib.request, http.client, ssl, email; the entry points of plugins when no
# backend is named; the config file of a backend alliance does not use):
# about half of keyring's import time, paid by every command on an encrypted journal. Each is
# imported for real at the first use of one of its names.
_DEFERRED = ("urllib.request", "importlib_metadata", "more_itertools", "configparser")


def _defer(name: str) -> None:
    """Put a stand-in for the module `name` in sys.modules that imports the real one (and
    steps aside for it) at the first use of one of its names."""
    import importlib
    import sys
    import types

    if name in sys.modules:
        return
    parent, _, child = name.rpartition(".")
    try:
        if parent:
            importlib.import_module(parent)
    except ImportError:
        return
    stand_in = types.ModuleType(name)

    def load(attr: str) -> Any:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
        real = importlib.import_module(name)
        if parent:
            setattr(sys.modules[parent], child, real)
        return getattr(real, attr)

    stand_in.__getattr__ = load  # type: ignore[method-assign]
    sys.modules[name] = stand_in
    if parent:
        setattr(sys.modules[parent], child, stand_in)


def _keyring() -> Any:
    """The keyring backend to use when a usable one is there; None, silently, otherwise.

    Which backend that is (keyring finds out by importing every backend it knows and asking
    each, the OS's over D-Bus: a good part of a second on some systems) is worked out once
    per login session and noted in the session's runtime folder (`BACKEND_NOTE`); later
    commands import that backend alone. A backend named by PYTHON_KEYRING_BACKEND or
    keyring's own settings file is keyring's to load, as always."""
    if os.environ.get("ALLIANCE_NO_KEYRING"):
        return None
    try:
        for name in _DEFERRED:
            _defer(name)
        noted = _noted_backend()
        if noted is not None:
            return noted or None
        import keyring
        from keyring.backends import chainer, fail

        backend = keyring.get_keyring()
        usable = not isinstance(backend, fail.Keyring) and getattr(backend, "priority", 1) > 0
        if not isinstance(backend, chainer.ChainerBackend):  # a chain asks every backend again anyway
            _note_backend(f"{type(backend).__module__}.{type(backend).__qualname__}" if usable else NO_BACKEND)
        return backend if usable else None
    except Exception:
        return None


BACKEND_NOTE = "keyring-backend"  # in runtime_folder()/alliance: the backend this session uses
NO_BACKEND = "none"


def runtime_folder() -> Path | None:
    """$XDG_RUNTIME_DIR when it is a folder of this user's, private (0700): the login
    session's, in memory (tmpfs) on systemd systems, emptied at logout."""
    named = os.environ.get("XDG_RUNTIME_DIR")
    if not named or not os.path.isabs(named) or not hasattr(os, "getuid"):
        return None
    try:
        info = os.stat(named)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
        return None
    return Path(named)


def _backend_note() -> Path | None:
    if os.environ.get("PYTHON_KEYRING_BACKEND"):
        return None  # named for this process: keyring loads it alone
    runtime = runtime_folder()
    return None if runtime is None else runtime / "alliance" / BACKEND_NOTE


def _noted_backend() -> Any:
    """The backend noted for this session: an instance, False for "none usable", None when
    nothing is noted (or the note no longer loads: it is dropped)."""
    import importlib

    note = _backend_note()
    if note is None:
        return None
    try:
        name = note.read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None
    if name == NO_BACKEND:
        return False
    module, _, cls = name.rpartition(".")
    try:
        if not module.startswith("keyring."):
            raise ImportError(name)  # only keyring's own backends are noted
        return getattr(importlib.import_module(module), cls)()
    except Exception:
        _forget_backend()
        return None


def _note_backend(name: str) -> None:
    note = _backend_note()
    if note is None or not (name == NO_BACKEND or name.startswith("keyring.")):
        return
    with suppress(OSError):
        note.parent.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(name + "\n")


def _forget_backend() -> None:
    note = _backend_note()
    if note is not None:
        with suppress(OSError):
            note.unlink()


def remembered(path: Path) -> bytes | None:
    ring = _keyring()
    if ring is None:
        return None
    try:
        value = ring.get_password(KEYRING_SERVICE, str(path.resolve()))
        return bytes.fromhex(value) if value else None
    except Exception:
        _forget_backend()  # the noted backend failed: the next command finds one afresh
        return None


def remember(path: Path, key: bytes) -> bool:
    ring = _keyring()
    if ring is None:
        return False
    try:
        ring.set_password(KEYRING_SERVICE, str(path.resolve()), key.hex())
        return True
    except Exception:
        return False


def forget(path: Path) -> bool:
    """Forget the key remembered for the journal at `path`; whether one was."""
    _keys.pop(str(path.resolve()), None)
    ring = _keyring()
    if ring is None:
        return False
    try:
        if ring.get_password(KEYRING_SERVICE, str(path.resolve())) is None:
            return False
        ring.delete_password(KEYRING_SERVICE, str(path.resolve()))
        return True
    except Exception:
        return False


# -- passphrases ------------------------------------------------------------------------------


class NoPassphrase(JournalError):
    """No key at hand and no terminal to ask on (shell completion stays silent on it)."""


def passphrase_from_file() -> str | None:
    """The passphrase in the file ALLIANCE_PASSPHRASE_FILE names; None when it names none."""
    named = os.environ.get(PASSPHRASE_ENV)
    if not named:
        return None
    path = Path(named).expanduser()
    try:
        mode = path.stat().st_mode
        if stat.S_IMODE(mode) & 0o077:
            raise JournalError(
                f"The passphrase file {path} ({PASSPHRASE_ENV}) may be read by others, so it was not used; "
                f"make it yours alone: chmod 600 '{path}'."
            )
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise JournalError(f"Cannot read the passphrase file {path} ({PASSPHRASE_ENV}): {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise JournalError(f"The passphrase file {path} ({PASSPHRASE_ENV}) is not UTF-8 text.") from None
    passphrase = text.rstrip("\r\n")
    if not passphrase:
        raise JournalError(f"The passphrase file {path} ({PASSPHRASE_ENV}) is empty.")
    return passphrase


def ask(prompt: str) -> str:
    """A passphrase typed on the terminal (/dev/tty), not echoed; `NoPassphrase` without one."""
    import getpass

    try:
        fd = os.open("/dev/tty", os.O_RDWR | os.O_NOCTTY)
    except OSError:
        raise NoPassphrase("no terminal") from None
    os.close(fd)
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise JournalError("No passphrase given; nothing was opened or changed.") from None


def no_passphrase(path: Path) -> NoPassphrase:
    return NoPassphrase(
        f"{path} is encrypted (or is not an alliance journal: it is no plain SQLite file), and no passphrase is "
        f"at hand: run alliance in a terminal, or name a passphrase file in {PASSPHRASE_ENV}. Left untouched."
    )


def wrong(path: Path) -> JournalError:
    return JournalError(
        f"Wrong passphrase for the journal {path} (or it is not an alliance journal); nothing was opened or changed."
    )


def key_for(path: Path, *, interactive: bool | None = None, what: str = "journal") -> bytes:
    """The key of the encrypted file at `path`: remembered in this process or the keyring,
    else from the passphrase file, else asked on the terminal (remembered in the keyring
    when it works). A JournalError for a wrong passphrase; `NoPassphrase` when none is at
    hand and asking is not allowed."""
    driver()
    if interactive is None:  # shell completion asks nothing: no key remembered, no codes offered
        interactive = not os.environ.get("_ALLIANCE_COMPLETE")
    name = str(path.resolve())
    if name in _keys:
        return _keys[name]
    key = remembered(path)
    if key is not None and key_works(path, key):
        _keys[name] = key
        return key
    passphrase = passphrase_from_file()
    if passphrase is None:
        if not interactive:
            raise no_passphrase(path)
        try:
            passphrase = ask(f"Passphrase for the {what} {path}: ")
        except NoPassphrase:
            raise no_passphrase(path) from None
    key = derive(passphrase, salt_of(path))
    if not key_works(path, key):
        raise wrong(path)
    _keys[name] = key
    remember(path, key)
    return key


def known_key(path: Path) -> bytes | None:
    """The key of `path` this process has unlocked already (nothing asked, no keyring read)."""
    return _keys.get(str(path.resolve()))


def library_version() -> str:
    """The SQLCipher library's version (no journal, no key needed)."""
    conn = driver().connect(":memory:")
    try:
        row = conn.execute("PRAGMA cipher_version").fetchone()
        return str(row[0]) if row else "?"
    finally:
        conn.close()


def set_key(path: Path, key: bytes) -> None:
    """Know `key` for `path` in this process (after encrypting or changing the passphrase)."""
    _keys[str(path.resolve())] = key


def settings(conn: Any) -> dict[str, str]:
    """SQLCipher's settings of an open keyed connection, for doctor."""
    out: dict[str, str] = {}
    for pragma in ("cipher_version", "cipher_page_size", "kdf_iter", "cipher_hmac_algorithm", "cipher_kdf_algorithm"):
        try:
            row = conn.execute(f"PRAGMA {pragma}").fetchone()
        except Error:
            continue
        if row is not None:
            out[pragma] = str(row[0])
    return out


def new_key(passphrase: str) -> tuple[bytes, bytes]:
    """A fresh salt and the key `passphrase` derives with it, for a new encrypted file."""
    salt = os.urandom(SALT_BYTES)
    return derive(passphrase, salt), salt


def export(
    source: Path, target: Path, *, key: bytes | None, salt: bytes = b"", source_key: bytes | None = None
) -> None:
    """Copy the journal `source` (encrypted with `source_key`, or plain) into the new file
    `target`, encrypted with `key` (plain when None), by `sqlcipher_export`; then verify the
    copy: it opens with its key, passes SQLite's integrity check and holds as many sessions
    and answers. Nothing is written to `source`."""
    src_uri = source.resolve().as_uri() + "?mode=ro"
    if source_key is None:
        dbapi2 = driver()
        conn = dbapi2.connect(src_uri, uri=True, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA cipher_log_level = NONE")
    else:
        conn = connect(src_uri, source_key, uri=True)
    try:
        versions = [conn.execute(f"PRAGMA {p}").fetchone()[0] for p in ("user_version", "application_id")]
        counts = _counts(conn)
        attach_key = f"x'{key.hex()}{salt.hex()}'" if key is not None else ""  # the salt is the file's first bytes
        conn.execute("ATTACH DATABASE ? AS target KEY ?", (str(target), attach_key))
        conn.execute("BEGIN")  # one snapshot of the source, whoever writes to it meanwhile
        conn.execute("SELECT sqlcipher_export('target')")
        conn.execute(f"PRAGMA target.user_version = {int(versions[0])}")
        conn.execute(f"PRAGMA target.application_id = {int(versions[1])}")
        conn.execute("COMMIT")
        conn.execute("DETACH DATABASE target")
    finally:
        conn.close()
    check = connect(target, key) if key is not None else sqlite3.connect(target, isolation_level=None)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok" or _counts(check) != counts:
            raise JournalError(f"The copy of the journal {source} did not check out; the journal was left as it is.")
    finally:
        check.close()
    with open(target, "rb+") as handle:
        os.fsync(handle.fileno())


def _counts(conn: Any) -> tuple[int, ...]:
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return tuple(conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in sorted(tables) if "'" not in t)


def new_passphrase(path: Path) -> str:
    """A new passphrase: from the passphrase file, or typed twice on the terminal."""
    passphrase = passphrase_from_file()
    if passphrase is not None:
        return passphrase
    try:
        first = ask(f"New passphrase for the journal {path}: ")
    except NoPassphrase:
        raise NoPassphrase(
            f"No terminal to ask for the new passphrase on; name a passphrase file in {PASSPHRASE_ENV}. "
            "Nothing was changed."
        ) from None
    if not first:
        raise JournalError("An empty passphrase protects nothing; nothing was changed.")
    if ask("The same passphrase again: ") != first:
        raise JournalError("The two passphrases differ; nothing was changed.")
    return first


def _quiesce(path: Path) -> None:
    """Fold the journal's -wal into it and leave rollback mode, so no -wal of the old file stays
    beside the new one (refused, by SQLite's lock, while another terminal has it open)."""
    key = key_for(path) if is_encrypted(path) else None
    conn = connect(path, key, timeout=15.0) if key is not None else sqlite3.connect(path, timeout=15.0)
    try:
        mode = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except Error:
        mode = None
    finally:
        conn.close()
    if str(mode).lower() != "delete":  # SQLite keeps WAL while another connection has the journal open
        raise JournalError(
            f"The journal {path} is open in another program (another terminal running alliance?); close it and "
            "try again. Nothing was changed."
        )


def _swap(path: Path, staged: Path, *, wipe: bool) -> None:
    """Put `staged` in the place of `path` in one rename; the old file, when `wipe`, is
    overwritten with zeros and removed (through a link kept for that, so `path` is always one
    whole journal)."""
    old = temporary(path)
    os.link(path, old)
    try:
        os.replace(staged, path)
        fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if wipe:
            size = old.stat().st_size
            with open(old, "r+b") as handle:
                left = size
                while left > 0:
                    step = min(left, 1 << 20)
                    handle.write(bytes(step))
                    left -= step
                handle.flush()
                os.fsync(handle.fileno())
    finally:
        old.unlink(missing_ok=True)


def temporary(path: Path) -> Path:
    """A hidden name beside `path` for a copy being made, in the form alliance's other
    temporaries take (`.NAME.PID-RANDOM.tmp`): `alliance doctor` names one an interrupted run
    left, and the next `alliance backup` removes it."""
    return path.with_name(f".{path.name}.{os.getpid()}-{os.urandom(6).hex()}.tmp")


def rewrite(path: Path, *, passphrase: str | None, wipe: bool) -> None:
    """The journal at `path` encrypted with `passphrase` (or made plain when None): a verified copy
    beside it, swapped in atomically. A kill at any moment leaves one whole journal at `path`
    (perhaps a leftover `temporary` copy beside it)."""
    source_key = key_for(path) if is_encrypted(path) else None
    key, salt = new_key(passphrase) if passphrase is not None else (None, b"")
    _quiesce(path)
    staged = temporary(path)
    fd = os.open(staged, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    try:
        with suppress(OSError, ImportError):
            import fcntl  # POSIX; elsewhere the process id alone says the copy is in use

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # in use while this process runs
        export(path, staged, key=key, salt=salt, source_key=source_key)
        _swap(path, staged, wipe=wipe)
    finally:
        os.close(fd)
        staged.unlink(missing_ok=True)
    if key is not None:
        set_key(path, key)
        remember(path, key)
    else:
        forget(path)


def start_encrypted(path: Path) -> None:
    """A new, empty journal at `path`, encrypted (`encrypt_new`): SQLCipher checked for and the
    passphrase asked (or read from the passphrase file) before anything is made, then the new
    journal encrypted as `alliance encrypt` does."""
    from alliance_cli.store.journal import open_journal

    driver()  # the install command, before anything is asked or made
    passphrase = new_passphrase(path)
    open_journal(path, create=True).close()
    rewrite(path, passphrase=passphrase, wipe=True)


# -- the watch-list of an encrypted journal, kept inside it -----------------------------------

WATCHLIST_TABLE = "watchlist"


def inside_watchlist(conn: Any) -> str | None:
    """The watch-list document kept inside the journal of `conn` (`settings.watchlist`), or None."""
    try:
        row = conn.execute(f"SELECT document FROM {WATCHLIST_TABLE} WHERE id = 1").fetchone()
    except Error:  # no such table: none kept inside
        return None
    return None if row is None else str(row[0])


def keep_watchlist(conn: Any, document: str | None) -> None:
    """Keep `document` as the watch-list inside the journal of `conn`; None takes it out (the
    table dropped: secure_delete overwrites its pages)."""
    change_watchlist(conn, lambda _: document)


def change_watchlist(conn: Any, change: Callable[[str | None], str | None]) -> None:
    """Replace the watch-list document inside the journal of `conn` with `change(document)`,
    read and written in one write transaction (two terminals changing it at once: one waits);
    None takes it out (the table dropped: secure_delete overwrites its pages)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        document = change(inside_watchlist(conn))
        if document is None:
            conn.execute(f"DROP TABLE IF EXISTS {WATCHLIST_TABLE}")
        else:
            conn.execute(
                f"CREATE TABLE IF NOT EXISTS {WATCHLIST_TABLE} "
                "(id INTEGER PRIMARY KEY CHECK (id = 1), document TEXT NOT NULL)"
            )
            conn.execute(f"INSERT OR REPLACE INTO {WATCHLIST_TABLE} (id, document) VALUES (1, ?)", (document,))
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
