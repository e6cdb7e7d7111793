"""Commands of an encrypted journal: encrypt, decrypt, passphrase, lock (`store.cipher`)."""

from pathlib import Path

from alliance_cli.cli.root import DbOption, _say, _warn_if_shared, app


def _journal(db: Path | None) -> tuple[Path, bool]:
    """The journal's path, once it opened (unlocked when encrypted), and whether it is encrypted."""
    from alliance_cli.settings.config import resolve_db_path
    from alliance_cli.store import cipher
    from alliance_cli.store.journal import open_journal

    path = resolve_db_path(db)
    open_journal(path, readonly=True).close()  # a journal, readable (unlocked when encrypted)
    return path, cipher.is_encrypted(path)


@app.command()
def encrypt(db: DbOption = None) -> None:
    """Encrypt the journal with a passphrase (SQLCipher: AES-256, PBKDF2-HMAC-SHA512).

        alliance encrypt

    The passphrase is asked twice on the terminal (or read from the file ALLIANCE_PASSPHRASE_FILE
    names). A verified encrypted copy takes the journal's place in one step; the plain file is
    overwritten and removed. A forgotten passphrase cannot be recovered: the journal is lost.
    """
    from alliance_cli.store import cipher

    path, encrypted = _journal(db)
    if encrypted:
        _say(f"The journal {path} is already encrypted; `alliance passphrase` changes its passphrase.")
        return
    from alliance_cli.app.watchlist import move_in, moved_in

    cipher.driver()
    _warn_if_shared(path)
    passphrase = cipher.new_passphrase(path)
    cipher.rewrite(path, passphrase=passphrase, wipe=True)
    _say(f"Encrypted the journal {path}.")
    moved = move_in(path)
    if moved is not None:
        _say(moved_in(moved))


@app.command()
def decrypt(db: DbOption = None) -> None:
    """Turn an encrypted journal back into a plain SQLite file (readable by anyone with the file).

    alliance decrypt
    """
    from alliance_cli.store import cipher

    path, encrypted = _journal(db)
    if not encrypted:
        _say(f"The journal {path} is not encrypted; nothing to do.")
        return
    from alliance_cli.app.watchlist import move_out, put_back
    from alliance_cli.core.messages import count
    from alliance_cli.settings.watchlist import watchlist_path

    moved = move_out(path)  # first: the plain file never holds the list
    try:
        cipher.rewrite(path, passphrase=None, wipe=False)
    except BaseException:
        put_back(path, moved)
        raise
    _say(f"Decrypted the journal {path}; it is a plain file now.")
    if moved is not None and moved.joined:
        _say(f"Its watch-list ({count(moved.words, 'word')}) is kept in {watchlist_path()} again, with its key apart.")
    elif moved is not None:
        _say(
            f"alliance: note: the journal's own watch-list ({count(moved.words, 'word')}) could not be joined to the "
            f"one already in {watchlist_path()} (only keyed hashes are kept); add those words again with "
            "`alliance watchlist add`."
        )


@app.command()
def passphrase(db: DbOption = None) -> None:
    """Change the passphrase of an encrypted journal (asked for the current one first).

    alliance passphrase
    """
    from alliance_cli.store import cipher

    path, encrypted = _journal(db)
    if not encrypted:
        _say(f"The journal {path} is not encrypted; `alliance encrypt` encrypts it.")
        return
    new = cipher.new_passphrase(path)
    cipher.rewrite(path, passphrase=new, wipe=False)
    _say(f"Changed the passphrase of the journal {path}.")


@app.command()
def lock(db: DbOption = None) -> None:
    """Forget the key of an encrypted journal remembered in the OS keyring.

    alliance lock
    """
    from alliance_cli.settings.config import resolve_db_path
    from alliance_cli.store import cipher

    path = resolve_db_path(db)
    if cipher.forget(path):
        _say(f"Forgot the key of the journal {path}; the next command asks for the passphrase.")
    else:
        _say(f"No key of the journal {path} was remembered.")
