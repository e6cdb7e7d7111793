"""Whether a journal's -wal file belongs to it, read from the bytes before SQLite opens them.

SQLite pairs a database with a write-ahead log by name alone: put another journal's
`-wal` beside `journal.db` and SQLite replays it onto pages it was never written for, and
the next checkpoint writes them into the file for good. Nothing in the WAL's own format
ties it to one database, so alliance ties them: every write transaction it makes
(`Journal.write`) also writes the journal's first page, with the journal's id in the
header's application id (`ID_MARK` in the high byte, random below) and a commit count in
its user version. The WAL then holds, in each transaction, the header as it becomes.

A WAL is taken for another journal's when its committed frames (those SQLite would
replay: the WAL header's salts, an unbroken chain of checksums, up to the last commit)
have another page size, carry another journal's id on page 1, or do not count on from the
count in the database file (nor reach it, as when a checkpoint has already copied some of
them back). A WAL with no page 1 at all (another program's writes) gives no such sign and
is left to SQLite. Format:
https://www.sqlite.org/fileformat2.html#walformat and https://www.sqlite.org/walformat.html.

Plain file reads: no SQL, no lock, nothing written; run before SQLite sees the files.
"""

from __future__ import annotations

import os
import struct
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_MAGIC = 0x377F0682  # | 1 when the checksums use big-endian words
WAL_VERSION = 3007000
ID_MARK = 0x41  # 'A': the high byte of an application id alliance gave the journal
_MASK = 0xFFFFFFFF


@dataclass(frozen=True)
class DbHeader:
    """The fields of a database file's 100-byte header that the checks use."""

    page_size: int
    pages: int | None  # the header's page count, when the header vouches for it
    app_id: int
    seq: int  # the user version: alliance's commit count

    @property
    def marked(self) -> bool:
        """Written by an alliance that marks every commit (see the module's docstring)."""
        return self.app_id >> 24 == ID_MARK


def read_header(path: Path) -> DbHeader | None:
    """The header of the database file at `path`; None when it has no SQLite header."""
    try:
        with open(path, "rb") as f:
            data = f.read(100)
    except OSError:
        return None
    return parse_header(data)


def parse_header(data: bytes) -> DbHeader | None:
    if len(data) < 100 or not data.startswith(SQLITE_MAGIC):
        return None
    size = int.from_bytes(data[16:18], "big")
    size = 65536 if size == 1 else size
    counter, pages = struct.unpack(">II", data[24:32])
    valid_for = int.from_bytes(data[92:96], "big")
    seq, app_id = struct.unpack(">II", data[60:64] + data[68:72])
    return DbHeader(size, pages if pages and counter == valid_for else None, app_id, seq)


def truncation(path: Path) -> tuple[int, int] | None:
    """(bytes the file has, bytes its header says it has) when the file is shorter."""
    header = read_header(path)
    if header is None or header.pages is None:
        return None
    try:
        size = path.stat().st_size
    except OSError:
        return None
    expected = header.page_size * header.pages
    return (size, expected) if size < expected else None


@dataclass
class WalSummary:
    """What SQLite would replay from a -wal file."""

    valid: bool = False  # a WAL header SQLite accepts
    page_size: int = 0
    committed: int = 0  # frames up to the last commit frame
    first_pages: list[DbHeader] = field(default_factory=list)  # page 1's header in those frames, in order
    salts: tuple[int, int] = (0, 0)


def _checksum(data: bytes, s0: int, s1: int, big: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big else '<'}{len(data) // 4}I", data)
    pairs = iter(words)
    for a, b in zip(pairs, pairs, strict=True):
        s0 = (s0 + a + s1) & _MASK
        s1 = (s1 + b + s0) & _MASK
    return s0, s1


def read_wal(path: Path) -> WalSummary:
    """The committed frames of the WAL at `path`, as SQLite's recovery finds them.

    SQLite keeps the frames up to the first one whose salts or running checksum break, and
    replays them up to the last commit among those. The running checksum is the slow part
    (Python, every word of every page), so the frame headers are read first: frames past
    the first broken salt, or past the last commit before it, can never be replayed and are
    not summed. A large transaction cut off by a crash (a killed import) leaves a WAL of
    uncommitted frames that is then read in a moment. The file is read a frame at a time:
    memory stays the size of a page, whatever the WAL's."""
    try:
        with open(path, "rb") as f:
            return _read_wal(f)
    except OSError:
        return WalSummary()


def _read_wal(f: BinaryIO) -> WalSummary:
    head = f.read(32)
    if len(head) < 32:
        return WalSummary()
    magic, version, page_size, _, salt1, salt2, c0, c1 = struct.unpack(">8I", head)
    if magic & ~1 != WAL_MAGIC or version != WAL_VERSION or page_size < 512 or page_size & (page_size - 1):
        return WalSummary()
    big = bool(magic & 1)
    s0, s1 = _checksum(head[:24], 0, 0, big)
    if (s0, s1) != (c0, c1):
        return WalSummary()
    summary = WalSummary(valid=True, page_size=page_size, salts=(salt1, salt2))
    frame = 24 + page_size
    last = _last_commit(f, frame, (salt1, salt2))
    pending: list[DbHeader] = []
    f.seek(32)
    for index in range(1, last + 1):
        data = f.read(frame)
        if len(data) < frame:  # cut short since the headers were read (a checkpoint emptied it)
            break
        page, commit, _, _, k0, k1 = struct.unpack(">6I", data[:24])
        s0, s1 = _checksum(data[:8], s0, s1, big)
        s0, s1 = _checksum(data[24:], s0, s1, big)
        if (s0, s1) != (k0, k1):
            break
        if page == 1:
            header = parse_header(data[24:124])
            if header is not None:
                pending.append(header)
        if commit:
            summary.committed = index
            summary.first_pages += pending
            pending = []
    return summary


def _last_commit(f: BinaryIO, frame: int, salts: tuple[int, int]) -> int:
    """The number of the last commit frame before the first frame that is cut short or has
    other salts: no frame after it can be replayed, whatever the checksums say. Reads the
    frames' headers only."""
    whole = (os.fstat(f.fileno()).st_size - 32) // frame
    last = 0
    for index in range(1, whole + 1):
        f.seek(32 + (index - 1) * frame)
        header = f.read(16)
        if len(header) < 16:  # cut short while being read
            break
        _, commit, f1, f2 = struct.unpack(">4I", header)
        if (f1, f2) != salts:
            break
        if commit:
            last = index
    return last


def foreign_wal(db: Path) -> str | None:
    """Why the -wal beside `db` does not belong to it, or None when it does (or holds
    nothing SQLite would replay).

    Another terminal may be writing the journal meanwhile: its checkpoints copy frames into
    the file and then start the WAL afresh. So the file's header is read before and after
    the WAL, and only a look during which it stayed the same counts; a journal whose header
    keeps changing is being written by SQLite right now (its own WAL, then). A reason is
    confirmed by a second look a moment later."""
    reason = _mismatch(db)
    if reason is not None:
        time.sleep(0.05)
        reason = _mismatch(db)
    return reason


def _first_bytes(db: Path) -> bytes | None:
    try:
        with open(db, "rb") as f:
            return f.read(100)
    except OSError:
        return None


def _mismatch(db: Path) -> str | None:
    for _ in range(5):
        before = _first_bytes(db)
        wal = read_wal(Path(f"{db}-wal"))
        data = _first_bytes(db)
        if before == data:
            break
        time.sleep(0.01)
    else:
        return None  # the file changes under our eyes: SQLite is checkpointing its own WAL into it
    if data is None or not wal.valid or not wal.committed:
        return None
    header = parse_header(data)
    if header is None:
        if data:
            return None  # not a database: opening it says so
        # An empty file: a new journal's first commit counts 1 (or 0, before alliance counted).
        if wal.first_pages and min(h.seq for h in wal.first_pages) <= 1:
            return None
        return "the journal file is empty, and the -wal file holds another journal's changes"
    if wal.page_size != header.page_size:
        return f"its pages are {wal.page_size} bytes, the journal's {header.page_size}"
    pages = wal.first_pages
    if not pages:
        # Written by another program (which has the journal open, say) or by an alliance from
        # before the marks: nothing to compare, and no sign that it belongs elsewhere.
        return None
    if header.marked and any(h.app_id != header.app_id for h in pages):
        return "it was written for another journal"
    seqs = [h.seq for h in pages]
    if not min(seqs) - 1 <= header.seq <= max(seqs):
        return "its changes do not follow on from the journal's"
    return None
