"""A personal watch-list of words the privacy guard looks for, kept as salted hashes.

Clinicians add the words they never want in the journal (first names of current clients,
a workplace, a town). The file holds a random salt and the SHA-256 of salt + word, never
the words: someone glancing at it, or at a backup, learns nothing from it. (It is no vault:
anyone with the file and a list of names could test them one by one. It keeps names out of
sight, which is what the journal needs.) Words are compared case-insensitively.

Where: `watchlist.json` in the per-user config folder (`paths.user_config_dir()`), beside the
config file, created 0600 in a 0700 folder. One list per person, whatever journal is used.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from alliance_cli.errors import InputError, NotFoundError
from alliance_cli.settings.files import write_private

FILE_NAME = "watchlist.json"
_LETTERS = re.compile(r"[^\W\d_]+")


def watchlist_path() -> Path:
    from alliance_cli.settings.paths import user_config_dir

    return user_config_dir() / FILE_NAME


def normalise(word: str) -> str:
    return unicodedata.normalize("NFC", word).casefold()


def split_words(entry: str) -> list[str]:
    """The words of an entry as the guard sees text: runs of letters, two or more long."""
    return [w for w in _LETTERS.findall(entry) if len(w) >= 2]


class Watchlist:
    """A salt and a set of hashes; `word in watchlist` tests one word."""

    def __init__(self, salt: str | None = None, hashes: Iterable[str] = ()) -> None:
        self.salt = salt or secrets.token_hex(16)
        self.hashes: set[str] = set(hashes)
        self._seen: dict[str, bool] = {}

    def digest(self, word: str) -> str:
        return hashlib.sha256(bytes.fromhex(self.salt) + normalise(word).encode("utf-8")).hexdigest()

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        key = normalise(word)
        if key not in self._seen:  # a journal repeats its words: hash each one once
            self._seen[key] = self.digest(key) in self.hashes
        return self._seen[key]

    def __len__(self) -> int:
        return len(self.hashes)

    def add(self, entry: str) -> int:
        """Add the words of `entry`; how many were new."""
        new = {self.digest(w) for w in split_words(entry)} - self.hashes
        self.hashes |= new
        self._seen.clear()
        return len(new)

    def remove(self, entry: str) -> int:
        """Remove the words of `entry`; how many were there."""
        gone = {self.digest(w) for w in split_words(entry)} & self.hashes
        self.hashes -= gone
        self._seen.clear()
        return len(gone)


def load_watchlist(path: Path | None = None) -> Watchlist | None:
    """The watch-list, or None when there is none yet."""
    path = path or watchlist_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        salt, hashes = data["salt"], data["hashes"]
        bytes.fromhex(salt)
        if not isinstance(hashes, list) or not all(isinstance(h, str) for h in hashes):
            raise ValueError
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(
            f"The watch-list {path} cannot be read; remove it and add your words again with `alliance watchlist add`."
        ) from None
    return Watchlist(salt, hashes)


def save_watchlist(watchlist: Watchlist, path: Path | None = None) -> Path:
    """Write the watch-list privately (0600 file in a 0700 folder), replacing it atomically."""
    path = path or watchlist_path()
    body = json.dumps({"version": 1, "salt": watchlist.salt, "hashes": sorted(watchlist.hashes)}, indent=1)
    try:
        write_private(path, body + "\n")
    except OSError as exc:
        raise InputError(f"Cannot write the watch-list {path} ({exc.strerror}).") from None
    return path


def change_watchlist(entries: Iterable[str], *, remove: bool = False, path: Path | None = None) -> tuple[int, int, int]:
    """Add (or remove) the words of `entries`; (words changed, words given, words now on the list).

    Removing words of which none is on the list is refused (NotFoundError): the file is left
    as it was. The words are never named in a message.
    """
    entries = list(entries)
    given = len({normalise(w) for e in entries for w in split_words(e)})
    if not given:
        raise InputError("Give at least one word of two or more letters.")
    watchlist = load_watchlist(path) or Watchlist()
    changed = sum(watchlist.remove(e) if remove else watchlist.add(e) for e in entries)
    if remove and not changed:
        which = "That word is not" if given == 1 else f"None of those {given} words is"
        raise NotFoundError(f"{which} on your watch-list; nothing was removed ({len(watchlist)} on it).")
    if changed or not remove:
        save_watchlist(watchlist, path)
    return changed, given, len(watchlist)
