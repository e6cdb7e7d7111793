"""The floor for `alliance backup` in run.py: SQLite's backup API and a check of the copy, bare.

    python benchmarks/reference_backup.py JOURNAL COPY

No alliance code: the journal copied page by page into the new file COPY (replaced if
there), made one file on its own (no write-ahead log), then the quick check and the count
of sessions `backup` reports. What `backup` adds beside it (the checks that the file is a
journal, a private work folder, the copy put in place whole, the old copies swept) is what
the ratio shows.
"""

import os
import sqlite3
import sys

source, target = sys.argv[1], sys.argv[2]
if os.path.exists(target):
    os.unlink(target)
src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
dst = sqlite3.connect(target)
src.backup(dst)
dst.execute("PRAGMA journal_mode = DELETE")
dst.close()
check = sqlite3.connect(f"file:{target}?mode=ro", uri=True)
print(check.execute("PRAGMA quick_check").fetchone()[0])
print(check.execute("SELECT COUNT(*) FROM sessions").fetchone()[0], "sessions")
