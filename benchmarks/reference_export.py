"""The reference for bench_export.py: the same long CSV, written with bare sqlite3 and csv.

    python benchmarks/reference_export.py JOURNAL > out.csv

No alliance code: the prompt order and principles come from the journal's newest prompt-set
snapshot. It is given the best plain query we know (the same loop order alliance uses, no
sort), so the comparison measures what alliance adds, not a slow query.
"""

import csv
import json
import sqlite3
import sys

HEADER = ("session_id", "uuid", "date", "client", "session_number", "modality", "prompt_id", "principle", "kind")
HEADER += ("value",)

conn = sqlite3.connect(sys.argv[1])
snapshot = json.loads(conn.execute("SELECT snapshot FROM prompt_sets ORDER BY id DESC LIMIT 1").fetchone()[0])
conn.execute("CREATE TEMP TABLE p (ord INTEGER PRIMARY KEY, prompt_id TEXT, principle TEXT)")
conn.executemany(
    "INSERT INTO p VALUES (?, ?, ?)", [(i, q["id"], q.get("principle")) for i, q in enumerate(snapshot["prompts"])]
)
conn.execute("CREATE TEMP TABLE n (id INTEGER PRIMARY KEY, session_number INTEGER)")
conn.execute("INSERT INTO n SELECT id, ROW_NUMBER() OVER (PARTITION BY client ORDER BY date, id) FROM sessions")
rows = conn.execute(
    "SELECT s.id, s.uuid, s.date, s.client, n.session_number, s.modality, a.prompt_id, p.principle, a.kind, "
    "CASE a.kind WHEN 'yesno' THEN CASE WHEN a.value_num THEN 'yes' ELSE 'no' END "
    "ELSE coalesce(a.value_num, a.value_text) END "
    "FROM sessions s INDEXED BY sessions_date CROSS JOIN n ON n.id = s.id CROSS JOIN p "
    "CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = p.prompt_id ORDER BY s.date, s.id, p.ord"
)
with open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False) as out:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
