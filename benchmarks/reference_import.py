"""The floor for `alliance import` in run.py: an export file read back with bare sqlite3,
csv and json into a new journal of the same schema, with no check of any kind.

    python benchmarks/reference_import.py FILE NEW_JOURNAL SCHEMA_JOURNAL

No alliance code. The schema (tables, indexes, the search index and its trigger) is copied
from SCHEMA_JOURNAL's own `sqlite_master`, and the prompts' kinds from its newest prompt-set
snapshot. The file is read in pieces (as the export writes it: CSV long or wide, or a JSON
array with one item a line), each session's answers go in by statements of 100 rows, the
texts into the search index at the end, and the indexes that only speed up reading are
made at the end, as alliance's import does. What alliance adds beside it (every cell
checked, the privacy guard, a uuid given twice found, conflicts with sessions already
there) is what the ratio shows.
"""

import csv
import json
import sqlite3
import sys
from itertools import groupby
from operator import itemgetter

ROWS = 100
SESSION = ("session_id", "uuid", "date", "client", "session_number", "modality")

source, target, schema = sys.argv[1:4]
model = sqlite3.connect(f"file:{schema}?mode=ro", uri=True)
made_last = []  # indexes and the trigger, made after the rows are in
conn = sqlite3.connect(target, isolation_level=None)
conn.execute("PRAGMA journal_mode = WAL")
for kind, name, sql in model.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid"):
    if name.startswith(("sqlite_", "search_text_")):  # made by SQLite, or by the search index itself
        continue
    if kind in ("index", "trigger") and "UNIQUE" not in sql:
        made_last.append(sql)
    else:
        conn.execute(sql)
snapshot = json.loads(model.execute("SELECT snapshot FROM prompt_sets ORDER BY id DESC LIMIT 1").fetchone()[0])
kinds = {p["id"]: p["kind"] for p in snapshot["prompts"]}
conn.execute("BEGIN")
set_id = conn.execute(
    "INSERT INTO prompt_sets (version, digest, snapshot, first_used) VALUES (?, ?, ?, ?)",
    (snapshot.get("version", 1), "floor", json.dumps(snapshot), "2026-11-30T00:00:00"),
).lastrowid

sessions, numbers, texts, indexed = [], [], [], []


def insert(table, width, values, rest=False):
    step = ROWS * width
    whole = len(values) - len(values) % step
    row = "(" + ", ".join("?" * width) + ")"
    if whole:
        sql = f"INSERT INTO {table} VALUES " + ", ".join([row] * ROWS)
        for start in range(0, whole, step):
            conn.execute(sql, values[start : start + step])
    if rest and whole < len(values):
        left = ", ".join([row] * ((len(values) - whole) // width))
        conn.execute(f"INSERT INTO {table} VALUES {left}", values[whole:])
        whole = len(values)
    del values[:whole]


def add(fields, answers):
    """One session: fields (session_id, uuid, date, client, modality), answers (prompt id, value)."""
    session_id = int(fields[0])
    sessions.extend((session_id, fields[1], fields[3], fields[2], fields[4], "2026-11-30T00:00:00", set_id))
    for pid, value in answers:
        if value == "" or value is None:
            continue
        kind = kinds[pid]
        if kind in ("rating", "number"):
            numbers.extend((session_id, pid, kind, value if not isinstance(value, str) else float(value)))
        elif kind == "yesno":
            numbers.extend((session_id, pid, kind, 1 if value in (True, "yes") else 0))
        else:
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
            texts.extend((session_id, pid, kind, text))
            if kind == "text":
                indexed.extend((session_id, pid, text))
    if len(numbers) + len(texts) > 20_000:
        flush()


def flush(rest=False):
    insert("sessions (id, uuid, client, date, modality, logged_at, prompt_set_id)", 7, sessions, rest=True)
    insert("answers (session_id, prompt_id, kind, value_num)", 4, numbers, rest)
    insert("answers (session_id, prompt_id, kind, value_text)", 4, texts, rest)
    insert("search_map (session_id, prompt_id, body)", 3, indexed, rest)


def json_items(file):
    """The items of an export's JSON array, a megabyte of whole lines at a time."""
    file.readline()  # [
    while True:
        lines = file.readlines(1 << 20)
        if not lines:
            return
        body = "".join(lines).rstrip().rstrip("]").rstrip().rstrip(",")
        if body:
            yield from json.loads(f"[{body}]")


with open(source, encoding="utf-8", newline="") as file:
    if source.endswith(".json"):
        for _, group in groupby(json_items(file), itemgetter("uuid")):
            items = list(group)
            first = items[0]
            add([first[k] for k in SESSION if k != "session_number"], [(i["prompt_id"], i["value"]) for i in items])
    else:
        reader = csv.reader(file)
        header = next(reader)
        if "prompt_id" in header:  # long: a row per answer
            at = [header.index(k) for k in SESSION if k != "session_number"]
            pid, value = header.index("prompt_id"), header.index("value")
            for _, group in groupby(reader, itemgetter(header.index("uuid"))):
                rows = list(group)
                add([rows[0][i] for i in at], [(r[pid], r[value]) for r in rows])
        else:  # wide: a row per session
            at = [header.index(k) for k in SESSION if k != "session_number"]
            prompts = [(i, name) for i, name in enumerate(header) if name in kinds]
            for row in reader:
                add([row[i] for i in at], [(name, row[i]) for i, name in prompts])
flush(rest=True)
conn.execute("INSERT INTO search_text (rowid, body) SELECT id, body FROM search_map")
for sql in made_last:
    conn.execute(sql)
conn.execute("COMMIT")
conn.close()
