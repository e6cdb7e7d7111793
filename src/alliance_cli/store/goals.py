"""Learning goals: one chosen skill, kept for weeks, practised and measured (deliberate practice).

A goal is active from the day it was set until the day it was marked done; at most one is
active at a time (a unique index in migration m004). The log asks whether you practised it
while one is active (`when: {history: goal_active}`), and the review follows it.
"""

from __future__ import annotations

from datetime import date

from alliance_cli.core.records import Goal
from alliance_cli.errors import InputError
from alliance_cli.store.journal import Journal, _guarded


def _goal(row: tuple[int, str, str | None, str, str | None]) -> Goal:
    return Goal(id=row[0], text=row[1], principle=row[2], started=row[3], ended=row[4])


@_guarded
def goals(journal: Journal) -> list[Goal]:
    """Every goal, the oldest first; none for a journal read before goals existed."""
    if journal.pending:
        return []
    rows = journal.conn.execute("SELECT id, text, principle, started, ended FROM goals ORDER BY started, id")
    return [_goal(tuple(r)) for r in rows]


@_guarded
def active_goal(journal: Journal, day: date | None = None) -> Goal | None:
    """The goal active on `day` (today's active goal when None)."""
    if journal.pending:
        return None
    if day is None:
        row = journal.conn.execute(
            "SELECT id, text, principle, started, ended FROM goals WHERE ended IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
    else:
        iso = day.isoformat()
        row = journal.conn.execute(
            "SELECT id, text, principle, started, ended FROM goals "
            "WHERE started <= ? AND (ended IS NULL OR ended >= ?) ORDER BY started DESC, id DESC LIMIT 1",
            (iso, iso),
        ).fetchone()
    return _goal(tuple(row)) if row is not None else None


@_guarded
def add_goal(journal: Journal, text: str, principle: str | None, started: date) -> Goal:
    """Set a new goal; refused while another is active (mark that one done first)."""
    with journal.write() as conn:
        current = conn.execute("SELECT id, text FROM goals WHERE ended IS NULL").fetchone()
        if current is not None:
            raise InputError(
                f"Goal {current[0]} is still active: finish it first with `alliance goal done` (one goal at a time)."
            )
        cursor = conn.execute(
            "INSERT INTO goals (text, principle, started) VALUES (?, ?, ?)", (text, principle, started.isoformat())
        )
        goal_id = int(cursor.lastrowid or 0)
    return Goal(id=goal_id, text=text, principle=principle, started=started.isoformat(), ended=None)


@_guarded
def end_goal(journal: Journal, ended: date) -> Goal | None:
    """Mark the active goal done on `ended`; None when no goal is active."""
    with journal.write() as conn:
        row = conn.execute("SELECT id, text, principle, started, ended FROM goals WHERE ended IS NULL").fetchone()
        if row is None:
            return None
        day = max(ended.isoformat(), row[3])
        conn.execute("UPDATE goals SET ended = ? WHERE id = ?", (day, row[0]))
    goal = _goal(tuple(row))
    return Goal(id=goal.id, text=goal.text, principle=goal.principle, started=goal.started, ended=day)
