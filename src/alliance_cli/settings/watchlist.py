"""A personal watch-list of words the privacy guard looks for, kept as keyed hashes.

Clinicians add the words they never want in the journal (first names of current clients,
a workplace, a town). The list file never holds the words: it holds, for each word, a
keyed BLAKE2b hash of it, under a random 256-bit key kept in a second file, elsewhere:

- `watchlist.json` in the per-user config folder (`paths.user_config_dir()`): the salt, a
  fingerprint of the key, the hashes;
- `watchlist.key` in the per-user data folder (`paths.user_data_dir()`, beside the default
  journal): the key. Both 0600 in 0700 folders.

Why a key kept apart, and not a slow key derivation: the guard checks every distinct word
of what is written (a log, and every text of the journal when exporting), so whatever it
computes per word, someone holding the same files computes per guess. A check that stays
quick for a log's hundred words lets a guesser try a list of 100,000 names in about a
thousand times that, seconds to minutes, however slow the function; a key derived once per
run from a salt in the file is derived once by the guesser too. So the cost of guessing is
put where it can be: without the key, the list file alone (a copied `~/.config`, a dotfiles
repository, a settings backup) cannot be tested against any word at all. Someone with both
files (your whole home folder) can test names quickly, as they could run alliance itself;
full-disk encryption is what protects against that. `benchmarks/watchlist_cost.py` measures
both sides.

An encrypted journal keeps its watch-list inside itself instead (`inside_document`: the same
document with its key, in a table SQLCipher encrypts): no file outside the journal holds a
hash, so nothing can be tried against names without the passphrase. `alliance encrypt` moves
the list in (its two files removed), `alliance decrypt` moves it back out; `app.watchlist`
picks the list of the journal in use.

Lists written before (version 1: a salt and the SHA-256 of salt + word) are still read and
checked; their words cannot be moved to the new form without being typed again, so each
word added again moves (`alliance watchlist add`), and `watchlist` commands and `doctor`
say how many are left. Words are compared case-insensitively.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from alliance_cli.errors import InputError, NotFoundError
from alliance_cli.settings.files import private_folder, private_temp, write_private

FILE_NAME = "watchlist.json"
KEY_NAME = "watchlist.key"
VERSION = 2
_LETTERS = re.compile(r"[^\W\d_]+")
_KEY_BYTES = 32


def watchlist_path() -> Path:
    from alliance_cli.settings.paths import user_config_dir

    return user_config_dir() / FILE_NAME


def key_path() -> Path:
    """Where the key lives: the data folder, not the config folder the list is in."""
    from alliance_cli.settings.paths import user_data_dir

    return user_data_dir() / KEY_NAME


def normalise(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def split_words(entry: str) -> list[str]:
    """The words of an entry as the guard sees text: runs of letters, two or more long."""
    return [w for w in _LETTERS.findall(entry) if len(w) >= 2]


def fingerprint(key: bytes) -> str:
    """Which key a list was made with (a keyed hash of a fixed text: says nothing of the key)."""
    return hashlib.blake2b(b"alliance watch-list key", key=key, digest_size=8).hexdigest()


class Watchlist:
    """A key, a salt and a set of hashes (and the words of a version 1 list, kept as the
    SHA-256 of `legacy_salt` + word until added again); `word in watchlist` tests one word."""

    def __init__(
        self,
        key: bytes | None = None,
        salt: str | None = None,
        hashes: Iterable[str] = (),
        *,
        legacy_salt: str | None = None,
        legacy: Iterable[str] = (),
    ) -> None:
        self.key = key or os.urandom(_KEY_BYTES)  # what secrets.token_bytes returns
        self.salt = salt or os.urandom(16).hex()
        self.hashes: set[str] = set(hashes)
        self.legacy_salt = legacy_salt
        self.legacy: set[str] = set(legacy)
        self.moved = 0  # words of the old form added again, so moved to the new one
        self._salt = bytes.fromhex(self.salt)
        self._seen: dict[str, bool] = {}

    def digest(self, word: str) -> str:
        return hashlib.blake2b(normalise(word).encode("utf-8"), key=self.key, salt=self._salt).hexdigest()

    def _legacy_digest(self, word: str) -> str | None:
        if self.legacy_salt is None or not self.legacy:
            return None
        return hashlib.sha256(bytes.fromhex(self.legacy_salt) + normalise(word).encode("utf-8")).hexdigest()

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        key = normalise(word)
        if key not in self._seen:  # a journal repeats its words: hash each one once
            self._seen[key] = self.digest(key) in self.hashes or self._legacy_digest(key) in self.legacy
        return self._seen[key]

    def __len__(self) -> int:
        return len(self.hashes) + len(self.legacy)

    def add(self, entry: str) -> int:
        """Add the words of `entry`; how many were new. A word of the old form added again
        moves to the new one (counted in `moved`, not as new)."""
        new = 0
        for word in {normalise(w) for w in split_words(entry)}:
            digest, old = self.digest(word), self._legacy_digest(word)
            if old in self.legacy:
                self.legacy.discard(old)
                self.moved += 1
            elif digest not in self.hashes:
                new += 1
            self.hashes.add(digest)
        self._seen.clear()
        return new

    def remove(self, entry: str) -> int:
        """Remove the words of `entry`; how many were there."""
        gone = 0
        for word in {normalise(w) for w in split_words(entry)}:
            digest, old = self.digest(word), self._legacy_digest(word)
            if digest in self.hashes or old in self.legacy:
                gone += 1
            self.hashes.discard(digest)
            self.legacy.discard(old)
        self._seen.clear()
        return gone


def _unreadable(path: Path) -> InputError:
    return InputError(
        f"The watch-list {path} cannot be read; remove it and add your words again with `alliance watchlist add`."
    )


def load_watchlist(path: Path | None = None, key_file: Path | None = None) -> Watchlist | None:
    """The watch-list, or None when there is none yet."""
    path = path or watchlist_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        salt, hashes = data["salt"], data["hashes"]
        bytes.fromhex(salt)
        if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
            raise ValueError
        version = data.get("version", 1)
        if version == 1:
            return Watchlist(_read_key(key_file), legacy_salt=salt, legacy=hashes)
        if version != VERSION:
            raise InputError(f"The watch-list {path} was written by a newer alliance; upgrade alliance to use it.")
        legacy = data.get("legacy") or {"salt": None, "hashes": []}
        legacy_salt, old = legacy["salt"], legacy["hashes"]
        if legacy_salt is not None:
            bytes.fromhex(legacy_salt)
        if not isinstance(old, list) or not all(isinstance(h, str) for h in old):
            raise ValueError
        made_with = str(data["key"])
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise _unreadable(path) from None
    key = _read_key(key_file)
    if key is None or fingerprint(key) != made_with:
        where = key_file or key_path()
        why = "is missing" if key is None else "is not the one it was made with"
        raise InputError(
            f"The key of the watch-list {path} ({where}) {why}, so its words cannot be looked for: copy that file "
            "from where the list was made, or remove the list and add your words again (`alliance watchlist add`)."
        )
    return Watchlist(key, salt, hashes, legacy_salt=legacy_salt, legacy=old)


def _read_key(key_file: Path | None = None) -> bytes | None:
    """The key in `key_file` (default: `key_path()`), or None when there is none."""
    where = key_file or key_path()
    try:
        text = where.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        raise InputError(f"The watch-list's key {where} cannot be read.") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != _KEY_BYTES:
        raise InputError(
            f"The watch-list's key {where} is damaged; remove it and your watch-list, then add your words again."
        )
    return key


def _make_key(key: bytes, key_file: Path | None = None) -> bytes:
    """Put `key` in the key file unless there is one already; the key the file holds."""
    where = key_file or key_path()
    existing = _read_key(where)
    if existing is not None:
        return existing
    private_folder(where.parent)
    with private_temp(where) as temp:
        with open(temp, "w", encoding="ascii") as out:
            out.write(key.hex() + "\n")
            out.flush()
            os.fsync(out.fileno())
        try:
            os.link(temp, where)  # never over a key another terminal made a moment ago
        except FileExistsError:
            pass
        except OSError:  # a filesystem without hard links
            os.replace(temp, where)
    return _read_key(where) or key


def save_watchlist(watchlist: Watchlist, path: Path | None = None, key_file: Path | None = None) -> Path:
    """Write the watch-list privately (0600 file in a 0700 folder), replacing it atomically;
    its key first, when the key file is not there yet."""
    path = path or watchlist_path()
    where = key_file or key_path()
    try:
        on_disk = _make_key(watchlist.key, where)
    except OSError as exc:
        raise InputError(f"Cannot write the watch-list's key {where} ({exc.strerror}).") from None
    if on_disk != watchlist.key:
        raise InputError(f"The watch-list's key {where} is not the one this list was made with; nothing was saved.")
    try:
        write_private(path, json.dumps(_document(watchlist), indent=1) + "\n")
    except OSError as exc:
        raise InputError(f"Cannot write the watch-list {path} ({exc.strerror}).") from None
    return path


def _document(watchlist: Watchlist) -> dict[str, object]:
    document: dict[str, object] = {
        "version": VERSION,
        "hash": "blake2b-keyed",
        "key": fingerprint(watchlist.key),
        "salt": watchlist.salt,
        "hashes": sorted(watchlist.hashes),
    }
    if watchlist.legacy:
        document["legacy"] = {"hash": "sha256", "salt": watchlist.legacy_salt, "hashes": sorted(watchlist.legacy)}
    return document


def inside_document(watchlist: Watchlist) -> str:
    """The watch-list as an encrypted journal keeps it inside itself: the list file's document
    with the key beside it (the journal's encryption keeps both from a guesser)."""
    return json.dumps({**_document(watchlist), "secret": watchlist.key.hex()})


def from_inside(text: str) -> Watchlist:
    """The watch-list kept inside an encrypted journal (`inside_document`)."""
    try:
        data = json.loads(text)
        if data.get("version") != VERSION:
            raise InputError("The watch-list kept in the journal was written by a newer alliance; upgrade alliance.")
        key = bytes.fromhex(data["secret"])
        legacy = data.get("legacy") or {"salt": None, "hashes": []}
        if fingerprint(key) != data["key"] or not all(isinstance(h, str) for h in [*data["hashes"], *legacy["hashes"]]):
            raise ValueError
        bytes.fromhex(data["salt"])
        return Watchlist(key, data["salt"], data["hashes"], legacy_salt=legacy["salt"], legacy=legacy["hashes"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise InputError(
            "The watch-list kept in the journal cannot be read; add your words again with `alliance watchlist add`."
        ) from None


def remove_files(path: Path | None = None, key_file: Path | None = None) -> None:
    """Remove the list file and its key (once the list is kept inside an encrypted journal)."""
    for file in (path or watchlist_path(), key_file or key_path()):
        file.unlink(missing_ok=True)


def files_exist(path: Path | None = None) -> bool:
    return (path or watchlist_path()).exists()


class Change(NamedTuple):
    """What `change_watchlist` did."""

    changed: int  # words added (or removed)
    given: int  # distinct words given
    total: int  # words on the list now
    moved: int  # words of the old form given again, moved to the new one
    old_form: int  # words still in the old form


def change_watchlist(entries: Iterable[str], *, remove: bool = False, path: Path | None = None) -> Change:
    """Add (or remove) the words of `entries`.

    Removing words of which none is on the list is refused (NotFoundError): the file is left
    as it was. The words are never named in a message.
    """
    entries = list(entries)
    watchlist = load_watchlist(path)
    if watchlist is None or not watchlist.hashes:  # a new list, or one of the old form only
        _given(entries)
        try:
            key = _make_key(os.urandom(_KEY_BYTES))  # made before any word is hashed with it
        except OSError as exc:
            raise InputError(f"Cannot write the watch-list's key {key_path()} ({exc.strerror}).") from None
        if watchlist is None:
            watchlist = Watchlist(key)
        else:
            watchlist.key = key
    done = apply_change(watchlist, entries, remove=remove)
    save_watchlist(watchlist, path)
    return done


def _given(entries: list[str]) -> int:
    given = len({normalise(w) for e in entries for w in split_words(e)})
    if not given:
        raise InputError("Give at least one word of two or more letters.")
    return given


def apply_change(watchlist: Watchlist, entries: Iterable[str], *, remove: bool = False) -> Change:
    """Add (or remove) the words of `entries` to `watchlist`, in memory (the caller keeps it)."""
    entries = list(entries)
    given = _given(entries)
    changed = sum(watchlist.remove(e) if remove else watchlist.add(e) for e in entries)
    if remove and not changed:
        which = "That word is not" if given == 1 else f"None of those {given} words is"
        raise NotFoundError(f"{which} on your watch-list; nothing was removed ({len(watchlist)} on it).")
    return Change(changed, given, len(watchlist), watchlist.moved, len(watchlist.legacy))
