"""`alliance doctor`: a list of findings about the journal, its folder, settings and prompts.

Every check reads, none writes: the journal is opened read-only (`mode=ro`), so a damaged
file is looked at, never repaired or migrated behind the user's back. A check that cannot
run (the file is not a database, the settings file is broken) becomes a finding, never a
traceback, and the checks after it still run where they can.

Levels: `ok` and `note` (an unfinished log or edit, a schema step still to apply) leave the journal
healthy; `warning` (a risky place for the file) and `problem` make `doctor` exit 1.

An encrypted journal whose key is not at hand (no terminal to ask on, no passphrase file, none
remembered) is still looked at from outside: its files' modes, folders, place, settings,
prompts, and how it is encrypted as far as that shows without the key; one note says which
checks need the passphrase. A wrong passphrase is a problem, the other checks still listed.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from alliance_cli.core.messages import Hint, count, plural
from alliance_cli.errors import AllianceError, ConfigError

FAILING = ("warning", "problem")

# Filesystem types where SQLite's locking (and WAL's shared memory) cannot be trusted.
NETWORK_FS = {
    "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph", "glusterfs",
    "lustre", "gpfs", "davfs", "sshfs", "fuse.sshfs", "fuse.rclone", "fuse.s3fs", "fuse.gcsfuse",
    "fuse.davfs2", "fuse.onedriver", "fuse.google-drive-ocamlfuse", "fuse.glusterfs", "fuse.cephfs",
}  # fmt: skip
LOCAL_FUSE = {"fuseblk", "fuse.gvfsd-fuse", "fuse.portal", "fuse.lxcfs"}

# Folder names that sync clients create; matched against each part of the path, lowercased.
SYNC_PREFIXES = ("dropbox", "onedrive", "google drive", "googledrive", "nextcloud", "owncloud", "pcloud", "icloud")
SYNC_NAMES = {"my drive", "mobile documents", "cloudstorage", "box", "box sync", "mega", "megasync", "seafile", "sync"}


@dataclass(frozen=True)
class Finding:
    level: str  # ok, note, warning, problem
    check: str  # config, journal, integrity, encryption, schema, drafts, text, permissions, leftovers, location,
    # prompts, watchlist
    message: str


def healthy(findings: list[Finding]) -> bool:
    return not any(f.level in FAILING for f in findings)


def unchecked(findings: list[Finding]) -> bool:
    """Whether the checks that need an encrypted journal's passphrase were left out."""
    return any(f.check == "encryption" and f.level == "note" for f in findings)


def run_checks(db_flag: Path | None, prompts_flag: Path | None, *, mounts: str | None = None) -> list[Finding]:
    findings: list[Finding] = []
    findings += check_config()
    journal = _journal_path(db_flag)
    # Permissions first: opening a WAL journal read-only can add a -shm beside it.
    findings += check_permissions(journal)
    findings += check_leftovers(journal)
    findings += check_journal(journal)
    findings += check_editor_files(journal)
    findings += check_location(journal, mounts)
    findings += check_prompts(prompts_flag)
    findings += check_watchlist(journal)
    return findings


def _journal_path(flag: Path | None) -> Path:
    from alliance_cli.settings.config import resolve_db_path
    from alliance_cli.settings.paths import DB_ENV, default_db_path

    try:
        return resolve_db_path(flag)
    except ConfigError:  # already a finding; look where the journal is without the file
        env = os.environ.get(DB_ENV)
        return Path(env).expanduser() if env else default_db_path()


def check_config() -> list[Finding]:
    from alliance_cli.settings.config import load_config
    from alliance_cli.settings.paths import config_path

    path = config_path()
    try:
        load_config(path)
    except ConfigError as exc:
        return [Finding("problem", "config", line) for line in exc.lines()]
    if not path.exists():
        return [Finding("ok", "config", f"No settings file ({path}); the defaults apply.")]
    return [Finding("ok", "config", f"{path} is valid.")]


def check_journal(journal: Path) -> list[Finding]:
    """Integrity, schema and drafts, on a read-only connection."""
    from alliance_cli.store.maintenance import examine

    if not journal.exists():
        return [Finding("warning", "journal", f"No journal at {journal} yet; `alliance log` starts one there.")]
    if not journal.is_file():
        return [Finding("problem", "journal", f"{journal} is not a file.")]
    findings = [Finding("ok", "journal", f"The journal is {journal}.")]
    locked = _without_key(journal)
    if locked is not None:
        return [*findings, *locked]
    exam = examine(journal)
    if exam.failure == "foreign-wal":
        wal = f"{journal}-wal"
        message = (
            f"{wal} does not belong to the journal ({exam.detail}); SQLite would write it into the journal. "
            f"Nothing was read or changed. Move it aside (mv '{wal}' '{wal}.aside'), keep the moved file, "
            "and run `alliance doctor` again; if another program has the journal open, close it first."
        )
        return [*findings, Finding("problem", "journal", message)]
    if exam.failure == "empty":
        message = (
            f"The journal file is empty (0 bytes). `alliance log` starts a new journal in it; if it held your "
            f"journal, {Hint.RESTORE}"
        )
        return [*findings, Finding("problem", "journal", message)]
    if exam.failure == "unopenable":
        return [*findings, Finding("problem", "journal", exam.detail)]
    if exam.failure == "locked":
        return [*findings, Finding("problem", "integrity", "The journal stayed locked by another program.")]
    if exam.failure == "damaged":
        detail = exam.detail or f"{len(exam.problems)} problem(s), the first: {exam.problems[0]}"
        return [*findings, _damaged(journal, detail)]
    findings.append(Finding("ok", "integrity", "The journal file is intact (SQLite integrity check)."))
    findings.append(encryption_finding(journal))
    if exam.failure == "schema":
        return [*findings, Finding("problem", "schema", exam.detail)]
    if exam.state == "ready":
        findings.append(Finding("ok", "schema", f"Up to date ({exam.applied} of {exam.known} schema steps applied)."))
    else:
        findings.append(
            Finding(
                "note",
                "schema",
                f"{exam.known - exam.applied} schema step(s) will be applied when the journal is next opened.",
            )
        )
    findings += draft_findings(exam.drafts)
    if exam.damaged_text:
        findings.append(damaged_text_finding(exam.damaged_text))
    return findings


NEEDS_KEY = "the integrity check, the schema, unfinished logs and the watch-list kept inside the journal"


def _without_key(journal: Path) -> list[Finding] | None:
    """For an encrypted journal that cannot be unlocked now, what can be said without its key
    (None when it is plain, or unlocked: the usual checks then run)."""
    from alliance_cli.errors import JournalError
    from alliance_cli.store import cipher

    if not cipher.is_encrypted(journal):
        return None
    try:
        cipher.key_for(journal)
        return None
    except cipher.NoPassphrase:
        return [
            outside_encryption_finding(journal),
            Finding(
                "note",
                "encryption",
                f"No passphrase at hand (no terminal, no {cipher.PASSPHRASE_ENV}, no key remembered), so {NEEDS_KEY} "
                "were not checked; run `alliance doctor` in a terminal to check them too.",
            ),
        ]
    except JournalError as exc:  # a wrong passphrase, SQLCipher missing
        return [
            outside_encryption_finding(journal),
            Finding("problem", "encryption", f"{exc.message} So {NEEDS_KEY} were not checked."),
        ]


def outside_encryption_finding(journal: Path) -> Finding:
    """How an encrypted journal is encrypted, as far as that shows without its key: SQLCipher
    keeps its settings inside the encrypted pages, so they are alliance's own, which it gives
    SQLCipher for every journal it encrypts."""
    from alliance_cli.store import cipher

    try:
        size = journal.stat().st_size
    except OSError:
        size = 0
    pages = size // cipher.PAGE_SIZE
    installed = (
        f"SQLCipher {cipher.library_version()} is installed"
        if cipher.available()
        else f"SQLCipher is not installed ({cipher.INSTALL})"
    )
    return Finding(
        "ok",
        "encryption",
        f"Encrypted: {count(pages, 'page')} of {cipher.PAGE_SIZE:,} bytes without an SQLite header, which read as "
        f"noise without the key. As alliance encrypts: SQLCipher 4, {cipher.CIPHER}; key derived from the "
        f"passphrase by {cipher.KDF}. {installed}.",
    )


def encryption_finding(journal: Path) -> Finding:
    """Whether the journal is encrypted, and how."""
    from alliance_cli.store.maintenance import encryption

    found = encryption(journal)
    if found is None:
        return Finding(
            "ok",
            "encryption",
            "Not encrypted: anyone with a copy of the file can read it; `alliance encrypt` encrypts it.",
        )
    return Finding(
        "ok",
        "encryption",
        f"Encrypted with SQLCipher {found.get('cipher_version', '?')}: AES-256 pages of "
        f"{found.get('cipher_page_size', '?')} bytes, each with an {found.get('cipher_hmac_algorithm', '?')}; "
        f"key derived from the passphrase by {found.get('cipher_kdf_algorithm', '?')}, "
        f"{int(found.get('kdf_iter', '0') or 0):,} iterations.",
    )


def damaged_text_finding(answers: list[tuple[int, str]]) -> Finding:
    """The answers whose stored text is not valid UTF-8, by session and prompt (never the text)."""
    shown = ", ".join(f"session {sid} ({pid})" for sid, pid in answers[:10]) + (", ..." if len(answers) > 10 else "")
    n = len(answers)
    return Finding(
        "problem",
        "text",
        f"{count(n, 'answer')} {plural(n, 'holds', 'hold')} bytes that are not valid UTF-8 (damaged text): {shown}. "
        "alliance shows and exports them with \ufffd in their place; retype them with `alliance edit ID`, "
        "or restore a backup that has them whole.",
    )


def draft_findings(counts: list[tuple[str, int | None, int]]) -> list[Finding]:
    """One note per kind of draft, with the command that picks it up: `alliance log --resume`
    for unfinished logs (it offers the newest first), `alliance edit ID --resume` for an
    unfinished edit of session ID."""
    if not counts:
        return [Finding("ok", "drafts", "No unfinished logs or edits.")]
    findings = []
    for command, session_id, n in counts:
        if command == "edit" and session_id is not None:
            what = f"{plural(n, 'unfinished edit')} of session {session_id}"
            again = f"alliance edit {session_id}"
        elif command == "log":
            what = plural(n, "unfinished log")
            again = "alliance log"
        else:  # a draft kind this version does not know (a newer alliance wrote it)
            findings.append(Finding("note", "drafts", f"{count(n, 'unfinished draft')} of `alliance {command}`."))
            continue
        if n == 1:
            message = f"1 {what} kept as a draft; `{again} --resume` picks it up, `{again} --discard-draft` lets it go."
        else:
            message = (
                f"{n} {what} kept as drafts; `{again} --resume` picks them up one at a time, newest first; "
                f"`{again} --discard-draft` lets the newest go."
            )
        findings.append(Finding("note", "drafts", message))
    return findings


def check_editor_files(journal: Path) -> list[Finding]:
    """Text left in the editor by a log or edit that was killed (`app.editing`): named, not moved."""
    from alliance_cli.app.editing import orphaned

    return [
        Finding(
            "note",
            "drafts",
            f"Text written in your editor by a log or edit that was stopped is kept in {file.path}; "
            "`alliance log` (or `alliance edit`) puts it into its draft and removes the file.",
        )
        for file in orphaned(journal)
    ]


def _damaged(journal: Path, detail: str) -> Finding:
    return Finding(
        "problem",
        "integrity",
        f"The journal file is damaged ({detail}). It was not changed; {Hint.RESTORE}",
    )


def check_permissions(journal: Path) -> list[Finding]:
    """The journal, its -wal/-shm, its folder and the backups: readable by their owner alone."""
    if os.name != "posix":
        return []
    from alliance_cli.app.backup import backups_dir
    from alliance_cli.app.editing import editor_folder
    from alliance_cli.core.messages import shared_folder
    from alliance_cli.settings.files import open_to_others

    findings: list[Finding] = []
    folders = [journal.parent, backups_dir(journal), editor_folder(journal)]
    files = [Path(f"{journal}{s}") for s in ("", "-wal", "-shm")]
    for folder in folders[1:]:
        if folder.is_dir():
            files += sorted(p for p in folder.iterdir() if p.is_file())
    checks = [(f, "The folder {p} can be opened", "700") for f in folders]
    checks += [(f, "{p} can be read", "600") for f in files]
    for path, what, fix in checks:
        mode = _mode(path)
        if path == journal.parent and open_to_others(path):
            said = shared_folder(path)
            findings.append(Finding("problem", "permissions", said[0].upper() + said[1:]))
        elif mode is not None and mode & 0o077:
            message = f"{what.format(p=path)} by other users ({mode:04o}); fix: chmod {fix} '{path}'"
            findings.append(Finding("problem", "permissions", message))
    if not findings and journal.exists():
        findings.append(Finding("ok", "permissions", "The journal, its folder and backups are private to you."))
    return findings


def check_leftovers(journal: Path) -> list[Finding]:
    """Hidden copies of the journal that an interrupted backup or restore left beside it or
    in backups/ (none while the run that made them is still going)."""
    from alliance_cli.app.backup import leftovers_of

    return [
        Finding(
            "warning",
            "leftovers",
            f"{item.path} is a hidden copy of the journal left by an interrupted backup or restore; "
            f"the next `alliance backup` removes it, or delete it yourself: rm -r '{item.path}'",
        )
        for item in leftovers_of(journal)
        if item.stale
    ]


def _mode(path: Path) -> int | None:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        return None


def check_location(journal: Path, mounts: str | None = None) -> list[Finding]:
    """Warn about network filesystems and sync folders: WAL-mode SQLite is unsafe there."""
    where = _existing_parent(journal)
    findings: list[Finding] = []
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:
            mounts = ""
    fstype = mount_type(where, mounts) if mounts else None
    if fstype is not None:
        if fstype in NETWORK_FS or fstype.split(".")[0] in NETWORK_FS:
            findings.append(
                Finding(
                    "warning",
                    "location",
                    f"The journal is on a network filesystem ({fstype}). SQLite's locking is not reliable there "
                    "and the journal can be damaged; keep it on a local disk and back it up there.",
                )
            )
        elif fstype.startswith("fuse") and fstype not in LOCAL_FUSE:
            findings.append(
                Finding(
                    "warning",
                    "location",
                    f"The journal is on a FUSE filesystem ({fstype}). If it is a network or sync mount, "
                    "SQLite's locking is not reliable there; a local disk is safer.",
                )
            )
    service = sync_folder(where)
    if service is not None:
        findings.append(
            Finding(
                "warning",
                "location",
                f"The journal is inside a cloud-sync folder ('{service}'). Syncing an open journal can damage it "
                "or keep conflicting copies, and sends it off this machine; keep it outside and sync backups instead.",
            )
        )
    if not findings:
        findings.append(Finding("ok", "location", "The journal is on a local disk, outside sync folders."))
    return findings


def _existing_parent(path: Path) -> Path:
    """`path` with symlinks resolved as far as it exists (the journal may not exist yet)."""
    path = path.expanduser().absolute()
    for candidate in (path, *path.parents):
        if candidate.exists():
            return candidate.resolve() / path.relative_to(candidate)
    return path


def mount_type(path: Path, mounts: str) -> str | None:
    """The filesystem type of the mount holding `path`, from /proc/mounts text."""
    best: tuple[int, str] | None = None
    text = str(path)
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape(parts[1])
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) >= best[0]):
            best = (len(point), parts[2])
    return best[1] if best else None


def _unescape(field: str) -> str:
    """/proc/mounts writes space, tab, newline and backslash as octal escapes (\\040...)."""
    for code in ("040", "011", "012", "134"):
        field = field.replace("\\" + code, chr(int(code, 8)))
    return field


def sync_folder(path: Path) -> str | None:
    """The sync folder's name if a part of `path` looks like one (Dropbox, OneDrive - Org, ...)."""
    for part in path.parts:
        low = part.lower()
        if low in SYNC_NAMES or low.startswith(SYNC_PREFIXES):
            return part
    return None


def check_watchlist(journal: Path | None = None) -> list[Finding]:
    """The watch-list, when there is one: readable with its key, private, and how many of its
    words are still in the older, quickly guessed form. An encrypted journal's list is inside
    it (looked at when its key is at hand); files beside it are named, as a list a guesser
    could try names against."""
    from alliance_cli.settings.watchlist import key_path, load_watchlist, watchlist_path

    inside = _inside_watchlist(journal) if journal is not None else []
    path = watchlist_path()
    if not path.exists():
        return inside
    try:
        watchlist = load_watchlist(path)
    except AllianceError as exc:
        return [*inside, *(Finding("problem", "watchlist", line) for line in exc.lines())]
    findings: list[Finding] = list(inside)
    if inside and journal is not None:
        findings.append(
            Finding(
                "note",
                "watchlist",
                f"A watch-list is also kept in files outside the encrypted journal ({path}), where a list of names "
                "can be tried against it without the passphrase; plain journals use it. Once no plain journal "
                f"needs it, remove it: rm '{path}' '{key_path()}'",
            )
        )
    for file in (path, key_path()):
        mode = _mode(file)
        if mode is not None and mode & 0o077:
            message = f"{file} can be read by other users ({mode:04o}); fix: chmod 600 '{file}'"
            findings.append(Finding("problem", "permissions", message))
    old = len(watchlist.legacy) if watchlist is not None else 0
    if old:
        findings.append(
            Finding(
                "note",
                "watchlist",
                f"{count(old, 'word')} on your watch-list {'is' if old == 1 else 'are'} kept in the older form "
                "(salted SHA-256), which a list of names can be tried against quickly; `alliance watchlist add` "
                f"{'it' if old == 1 else 'them'} again to move {'it' if old == 1 else 'them'} to the keyed form.",
            )
        )
    else:
        total = len(watchlist) if watchlist is not None else 0
        findings.append(Finding("ok", "watchlist", f"{count(total, 'word')} on your watch-list, as keyed hashes."))
    return findings


def _inside_watchlist(journal: Path) -> list[Finding]:
    """The watch-list kept inside an encrypted journal whose key is at hand (unlocked by the
    journal's checks); nothing for a plain journal."""
    from alliance_cli.app.watchlist import inside_count
    from alliance_cli.store import cipher

    if not journal.is_file() or not cipher.is_encrypted(journal) or cipher.known_key(journal) is None:
        return []
    try:
        words = inside_count(journal)
    except AllianceError as exc:
        return [Finding("problem", "watchlist", line) for line in exc.lines()]
    if words is None:
        return []
    where = "kept inside the encrypted journal"
    return [Finding("ok", "watchlist", f"{count(words, 'word')} on your watch-list, {where}.")]


def check_prompts(flag: Path | None) -> list[Finding]:
    from alliance_cli.settings.config import resolve_prompts_path
    from alliance_cli.settings.paths import PROMPTS_ENV, bundled_prompts_path
    from alliance_cli.settings.prompts import load_prompt_set

    try:
        where = resolve_prompts_path(flag)
    except ConfigError:
        env = os.environ.get(PROMPTS_ENV)
        where = Path(env).expanduser() if env else bundled_prompts_path()
    try:
        ps = load_prompt_set(where)
    except AllianceError as exc:
        return [Finding("problem", "prompts", line) for line in exc.lines()]
    return [Finding("ok", "prompts", f"{where} is valid (version {ps.version}, {len(ps.prompts)} prompts).")]
