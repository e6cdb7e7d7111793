"""Client scores entered after the session: find the sessions, write the scores.

`alliance client-score` names a session by id; `alliance import-scores` by client code and
date, as a score is typed from paper or exported from a feedback app. A score is an answer
to the prompt with the `client_score` role (kind number). A session logged with a prompt
set that had no such prompt gets its prompt set extended by it (`ScoreWrite.snapshot`), so
every answer of a session stays an answer to a prompt of its own set, as `edit` expects.
All the scores of one command are written in one transaction, with the session's
`edited_at` set: all or nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alliance_cli.store.journal import Journal, _guarded, now_iso


@dataclass(frozen=True)
class ScoreTarget:
    """A session a score may go to, and the score it holds now (None: none yet)."""

    session_id: int
    client: str
    date: str
    prompt_set_id: int
    score: float | None


@dataclass(frozen=True)
class ScoreWrite:
    session_id: int
    value: float
    # The session's prompt set with the score's prompt added (version, JSON, digest), when its own lacks it.
    snapshot: tuple[int, str, str] | None = None


_TARGET = (
    "SELECT s.id, s.client, s.date, s.prompt_set_id, a.value_num FROM sessions s"
    " LEFT JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
)


def _target(row: Sequence[object]) -> ScoreTarget:
    score = row[4]
    return ScoreTarget(
        int(str(row[0])),
        str(row[1]),
        str(row[2]),
        int(str(row[3])),
        None if score is None else float(str(score)),
    )


@_guarded
def score_target(journal: Journal, session_id: int, prompt_id: str) -> ScoreTarget | None:
    row = journal.conn.execute(f"{_TARGET} WHERE s.id = ?", (prompt_id, session_id)).fetchone()
    return None if row is None else _target(tuple(row))


@_guarded
def score_targets_on(journal: Journal, client: str, day: str, prompt_id: str) -> list[ScoreTarget]:
    """The sessions with `client` on `day` (ISO), by id (index `sessions_client_date`)."""
    rows = journal.conn.execute(
        f"{_TARGET} WHERE s.client = ? AND s.date = ? ORDER BY s.id", (prompt_id, client, day)
    ).fetchall()
    return [_target(tuple(r)) for r in rows]


@_guarded
def prompt_set_snapshot_of(journal: Journal, prompt_set_id: int) -> tuple[int, str]:
    """A stored prompt set: its version and its JSON."""
    row = journal.conn.execute("SELECT version, snapshot FROM prompt_sets WHERE id = ?", (prompt_set_id,)).fetchone()
    return int(row[0]), str(row[1])


@_guarded
def write_scores(journal: Journal, prompt_id: str, writes: Sequence[ScoreWrite]) -> None:
    """Write every score at once, each session marked as edited now."""
    stamp = now_iso()
    with journal.write() as conn:
        for w in writes:
            if w.snapshot is not None:
                version, body, digest = w.snapshot
                row = conn.execute("SELECT id FROM prompt_sets WHERE digest = ?", (digest,)).fetchone()
                set_id = row[0] if row else None
                if set_id is None:
                    cur = conn.execute(
                        "INSERT INTO prompt_sets (version, digest, snapshot, first_used) VALUES (?, ?, ?, ?)",
                        (version, digest, body, stamp),
                    )
                    set_id = cur.lastrowid
                conn.execute("UPDATE sessions SET prompt_set_id = ? WHERE id = ?", (set_id, w.session_id))
            conn.execute(
                "INSERT INTO answers (session_id, prompt_id, kind, value_num, value_text)"
                " VALUES (?, ?, 'number', ?, NULL) ON CONFLICT (session_id, prompt_id)"
                " DO UPDATE SET kind = 'number', value_num = excluded.value_num, value_text = NULL",
                (w.session_id, prompt_id, w.value),
            )
            conn.execute("UPDATE sessions SET edited_at = ? WHERE id = ?", (stamp, w.session_id))
