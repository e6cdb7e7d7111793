"""The supervision brief's queries, and the HTML review's chart data: rows, never rules.

Each query starts from `sessions` by date (`sessions_date`) or by client (`sessions_client_date`)
and reaches answers by their primary key, as `store.review` does, so its cost follows the
size of the period or of one client's history, not of the journal.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from alliance_cli.core.periods import Period
from alliance_cli.store.journal import Journal, _guarded

CHUNK = 500  # session ids per query (well under SQLite's limit on parameters)
WEEK_OF = "date(s.date, 'weekday 0', '-6 days')"  # the Monday of the session's ISO week


def _marks(items: Sequence[Any]) -> str:
    return ", ".join("?" for _ in items)


def _who(client: str | None) -> str:
    return " AND s.client = ?" if client is not None else ""


def _by(client: str | None) -> list[str]:
    return [client] if client is not None else []


def _rows(journal: Journal, sql: str, *params: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in journal.conn.execute(sql, params)]


@_guarded
def marked_clients(journal: Journal, period: Period, prompt_id: str) -> list[dict[str, Any]]:
    """Clients with a session in `period` answered yes to `prompt_id` (marked for supervision):
    client, first (the first such date), marked (how many), earliest first."""
    return _rows(
        journal,
        "SELECT s.client, MIN(s.date) AS first, COUNT(*) AS marked"
        " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
        " WHERE s.date BETWEEN ? AND ? AND a.value_num = 1"
        " GROUP BY s.client ORDER BY first, s.client",
        prompt_id,
        period.start.isoformat(),
        period.end.isoformat(),
    )


@_guarded
def client_sessions(journal: Journal, client: str) -> list[dict[str, Any]]:
    """Every session of `client`, oldest first: id, date."""
    return _rows(journal, "SELECT id, date FROM sessions WHERE client = ? ORDER BY date, id", client)


@_guarded
def answers_of(journal: Journal, session_ids: Sequence[int], prompt_ids: Sequence[str]) -> list[dict[str, Any]]:
    """The answers of these sessions to these prompts: session_id, prompt_id, kind, value_num, value_text."""
    out: list[dict[str, Any]] = []
    if not prompt_ids:
        return out
    for i in range(0, len(session_ids), CHUNK):
        ids = list(session_ids[i : i + CHUNK])
        out += _rows(
            journal,
            "SELECT session_id, prompt_id, kind, value_num, value_text FROM answers"
            f" WHERE session_id IN ({_marks(ids)}) AND prompt_id IN ({_marks(prompt_ids)})",
            *ids,
            *prompt_ids,
        )
    return out


@_guarded
def active_goal(journal: Journal, on: date) -> dict[str, Any] | None:
    """The learning goal active on `on` (the latest started), from the `goals` table when the
    journal has one: id, text, principle, started, ended."""
    known = journal.conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'goals'").fetchone()
    if known is None:
        return None
    row = journal.conn.execute(
        "SELECT id, text, principle, started, ended FROM goals"
        " WHERE started <= ? AND (ended IS NULL OR ended >= ?) ORDER BY started DESC, id DESC LIMIT 1",
        (on.isoformat(), on.isoformat()),
    ).fetchone()
    return dict(row) if row is not None else None


@_guarded
def answer_counts(journal: Journal, prompt_id: str, start: date, end: date) -> list[dict[str, Any]]:
    """How often each answer to `prompt_id` was given from `start` to `end`: value, n."""
    return _rows(
        journal,
        "SELECT COALESCE(a.value_text, CAST(a.value_num AS TEXT)) AS value, COUNT(*) AS n"
        " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
        " WHERE s.date BETWEEN ? AND ? GROUP BY value ORDER BY n DESC, value",
        prompt_id,
        start.isoformat(),
        end.isoformat(),
    )


@_guarded
def mean_rating(journal: Journal, prompt_id: str, start: date, end: date) -> float | None:
    row = journal.conn.execute(
        "SELECT AVG(a.value_num) FROM sessions s CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
        " WHERE s.date BETWEEN ? AND ?",
        (prompt_id, start.isoformat(), end.isoformat()),
    ).fetchone()
    return None if row is None or row[0] is None else float(row[0])


def _mean_per_week(
    journal: Journal, columns: str, rating_ids: Sequence[str], first: date, end: date, client: str | None
) -> list[dict[str, Any]]:
    """The mean rating of `rating_ids` per ISO week from `first` to `end`, grouped by `columns`
    (besides the week)."""
    if not rating_ids:
        return []
    return _rows(
        journal,
        f"SELECT {columns}, {WEEK_OF} AS week, AVG(a.value_num) AS mean"
        " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id"
        f" WHERE s.date BETWEEN ? AND ?{_who(client)} AND a.prompt_id IN ({_marks(rating_ids)})"
        f" GROUP BY {columns}, week",
        first.isoformat(),
        end.isoformat(),
        *_by(client),
        *rating_ids,
    )


@_guarded
def weekly_means(
    journal: Journal, rating_ids: Sequence[str], first: date, end: date, client: str | None = None
) -> list[dict[str, Any]]:
    """Each rating prompt's mean per ISO week from `first` to `end`: prompt_id, week, mean."""
    return _mean_per_week(journal, "a.prompt_id", rating_ids, first, end, client)


@_guarded
def client_weeks(
    journal: Journal, rating_ids: Sequence[str], first: date, end: date, client: str | None = None
) -> list[dict[str, Any]]:
    """Each client's mean rating per ISO week from `first` to `end`: client, week, mean."""
    return _mean_per_week(journal, "s.client", rating_ids, first, end, client)


@_guarded
def rupture_weeks(
    journal: Journal, rupture_id: str | None, first: date, end: date, client: str | None = None
) -> list[dict[str, Any]]:
    """Sessions and ruptures per ISO week from `first` to `end`: week, sessions, ruptures."""
    return _rows(
        journal,
        f"SELECT {WEEK_OF} AS week, COUNT(*) AS sessions, COALESCE(SUM(a.value_num = 1), 0) AS ruptures"
        " FROM sessions s LEFT JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
        f" WHERE s.date BETWEEN ? AND ?{_who(client)} GROUP BY week",
        rupture_id,
        first.isoformat(),
        end.isoformat(),
        *_by(client),
    )
