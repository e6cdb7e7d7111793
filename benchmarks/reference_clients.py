"""The floor for `alliance clients --all` in run.py: the same CSV, written with bare sqlite3 and csv.

    python benchmarks/reference_clients.py JOURNAL > clients.csv

No alliance code. Every client with every session's mean of the principles' ratings (oldest
first), the mean of the last three sessions, and the ruptures still open: not repaired in
their own session, and no later session of the client came back to one and repaired it. The
same bytes as `alliance clients --all --format csv` on a journal of the default prompt set
(the rupture questions are found by their ids there). It is given the best plain queries we
know, so the ratio measures what alliance adds to reading every session of the journal.
"""

import csv
import json
import sqlite3
import sys

RECENT = 3  # sessions in the recent mean

conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
snapshot = json.loads(conn.execute("SELECT snapshot FROM prompt_sets ORDER BY id DESC LIMIT 1").fetchone()[0])
principles = [p["id"] for p in snapshot["principles"]]
rating_of = {q["principle"]: q["id"] for q in snapshot["prompts"] if q["kind"] == "rating" and q.get("principle")}
ratings = [rating_of[p] for p in principles if p in rating_of]
marks = ", ".join("?" * len(ratings))

open_ruptures = dict(
    conn.execute(
        "SELECT s.client, COUNT(*) FROM sessions s "
        "JOIN answers a ON a.session_id = s.id AND a.prompt_id = 'rupture' AND a.value_num = 1 "
        "LEFT JOIN answers r ON r.session_id = s.id AND r.prompt_id = 'repaired' "
        "WHERE r.value_text IS NOT 'yes' AND NOT EXISTS (SELECT 1 FROM sessions l "
        "JOIN answers v ON v.session_id = l.id AND v.prompt_id = 'rupture_revisited' AND v.value_text = 'yes' "
        "WHERE l.client = s.client AND (l.date > s.date OR (l.date = s.date AND l.id > s.id))) "
        "GROUP BY s.client"
    )
)
rows = conn.execute(
    "SELECT s.client, s.date, sum(a.value_num), count(a.value_num) FROM sessions s "
    f"LEFT JOIN answers a ON a.session_id = s.id AND a.prompt_id IN ({marks}) "
    "GROUP BY s.id ORDER BY s.client, s.date, s.id",
    ratings,
)
clients: list[list[object]] = []
current = None
for client, day, total, count in rows:
    if client != current:
        current = client
        sessions: list[tuple[str, float, int]] = []
        clients.append([client, sessions])
    sessions.append((day, total or 0, count))

lines = []
for client, sessions in clients:
    recent_total = sum(t for _, t, _ in sessions[-RECENT:])
    recent_count = sum(n for _, _, n in sessions[-RECENT:])
    lines.append(
        (
            client,
            len(sessions),
            sessions[0][0],
            sessions[-1][0],
            round(recent_total / recent_count, 2) if recent_count else "",
            open_ruptures.get(client, 0),
            " ".join(f"{round(t / n, 2):g}" if n else "" for _, t, n in sessions),
        )
    )
lines.sort(key=lambda line: line[0])
lines.sort(key=lambda line: line[3], reverse=True)
with open(sys.stdout.fileno(), "w", encoding="utf-8", newline="", closefd=False) as out:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("client", "sessions", "first_date", "last_date", "recent_mean", "open_ruptures", "session_means"))
    writer.writerows(lines)
