"""The floor for `alliance delete` and `alliance clients forget` in run.py: the same erasure, bare.

    python benchmarks/reference_erase.py JOURNAL session 41
    python benchmarks/reference_erase.py JOURNAL client C-014

No alliance code. What both commands promise is that the erased text leaves the file, so
the floor does what that takes in SQLite, in one transaction: the rows deleted with
secure_delete on (freed space zeroed; the answers and their search rows go by the journal's
own cascade and triggers), the search index rewritten as one segment (FTS5 only marks a
deleted row's words), then the write-ahead log copied into the file and emptied. What the
commands add beside it (showing what goes and asking, unfinished logs and edits of the
session or client, the checks before writing) is what the ratio shows.
"""

import sqlite3
import sys

path, what, which = sys.argv[1:4]
conn = sqlite3.connect(path, isolation_level=None)
conn.execute("PRAGMA foreign_keys = ON")
conn.execute("PRAGMA secure_delete = ON")
conn.execute("BEGIN IMMEDIATE")
column = {"session": "id", "client": "client"}[what]
erased = conn.execute(f"DELETE FROM sessions WHERE {column} = ?", (which,)).rowcount
conn.execute("INSERT INTO search_text (search_text) VALUES ('optimize')")
conn.execute("COMMIT")
conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
print(erased, "sessions erased")
