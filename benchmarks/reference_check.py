"""The floor for `alliance doctor` in run.py: SQLite's own check of the whole file, bare.

    python benchmarks/reference_check.py JOURNAL

No alliance code: the integrity check `doctor` runs, on a read-only connection, its
findings printed. What `doctor` adds beside it (the folder's permissions, the settings, the
prompt set, the schema's steps, stored text that is not valid UTF-8) is what the ratio shows.
"""

import sqlite3
import sys

conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
for (finding,) in conn.execute("PRAGMA integrity_check"):
    print(finding)
