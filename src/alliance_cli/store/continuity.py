"""Continuity between sessions with the same client: queries on the journal.

Two questions, both answered from the answers table, with the prompt ids of a `Roles`
(`core.vocabulary`; by default the journal's own, `journal_roles`) as SQL parameters:

- `continuity(journal, client, day)`: what the log should bring back before a new session,
  the last session (date, number, each principle's rating, its intention) and the ruptures
  still open. Its `facts` are the `history:` conditions of the prompt set that hold
  (`intention_set`, `open_rupture`), so the follow-up prompts are asked, and accepted from
  `--set`, only when there is something to follow up.
- `follow_through(journal, since, until)`: of the intentions that came up for follow-up in
  a period, how many were carried out; for the weekly report.

When a rupture is *open* is decided by one rule, `core.ruptures`; `still_open_sql` and
`repaired_later_sql` write it as SQL for the recap, `clients` (`open_rupture_counts`) and
the weekly review (`store.review`), with the same parameters.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import TYPE_CHECKING, Any

from alliance_cli.core.answers import from_columns
from alliance_cli.core.continuity import Continuity, FollowThrough, LastSession, OpenRupture, Seen
from alliance_cli.core.ruptures import REPAIRED, is_open
from alliance_cli.store.goals import active_goal
from alliance_cli.store.journal import _guarded, journal_roles

if TYPE_CHECKING:
    from alliance_cli.core.vocabulary import Roles
    from alliance_cli.store.journal import Journal

Point = tuple[str, str, int]  # (date, date, id): a place in the journal's (date, id) order
_LAST_ID = 1 << 62  # "after every saved session": a new session's place in (date, id) order
_END = "9999-12-31"  # a date after every session


def through(day: date) -> Point:
    """The point just after every session on or before `day`."""
    return (day.isoformat(), day.isoformat(), _LAST_ID)


def _before(alias: str) -> str:
    """SQL: session `alias` comes before the point (?, ?, ?) = (date, date, id) in (date, id) order."""
    return f"({alias}.date < ? OR ({alias}.date = ? AND {alias}.id < ?))"


def repaired_later_sql(roles: Roles, point: Point, s: str = "s") -> tuple[str, list[Any]]:
    """SQL, true when a session with the client of rupture session `s`, after it and before
    `point`, answered the `rupture_revisited` prompt so that it repairs (`core.ruptures`)."""
    sql = (
        "EXISTS (SELECT 1 FROM sessions l JOIN answers v ON v.session_id = l.id AND v.prompt_id = ?"
        f" WHERE l.client = {s}.client AND l.date >= {s}.date AND (l.date > {s}.date OR l.id > {s}.id)"
        f" AND {_before('l')} AND v.value_text = ?)"
    )
    return sql, [roles.rupture_revisited, *point, REPAIRED]


def still_open_sql(roles: Roles, point: Point, repaired: str, s: str = "s") -> tuple[str, list[Any]]:
    """SQL of `core.ruptures.is_open` for rupture session `s`, whose own answer to the repair
    question is the column `repaired` (NULL when not answered), as of `point`."""
    later, params = repaired_later_sql(roles, point, s)
    return f"({repaired} IS NULL OR {repaired} <> ?) AND NOT {later}", [REPAIRED, *params]


@_guarded
def continuity(
    journal: Journal, client: str, day: date, *, before_id: int | None = None, roles: Roles | None = None
) -> Continuity:
    """The last session with `client` before a session on `day`, and the ruptures still open.

    For a new session every saved session on `day` counts as earlier; to look back from a
    saved session (editing it), give its id as `before_id`. `roles`: the prompt set's roles
    the log goes by (by default the journal's).
    """
    roles = roles or journal_roles(journal)
    point = (day.isoformat(), day.isoformat(), before_id if before_id is not None else _LAST_ID)
    conn = journal.conn
    row = conn.execute(
        f"SELECT s.id, s.date, s.modality FROM sessions s WHERE s.client = ? AND {_before('s')} "
        "ORDER BY s.date DESC, s.id DESC LIMIT 1",
        (client, *point),
    ).fetchone()
    result = Continuity(client, goal_active=active_goal(journal, day) is not None)
    if row is None:
        return result
    answers = {
        a["prompt_id"]: from_columns(a["kind"], a["value_num"], a["value_text"])
        for a in conn.execute("SELECT * FROM answers WHERE session_id = ?", (row["id"],))
    }
    number = conn.execute("SELECT session_number FROM session_view WHERE id = ?", (row["id"],)).fetchone()[0]
    intention = answers.get(roles.intention) if roles.intention else None
    result.last = LastSession(
        id=row["id"],
        date=row["date"],
        session_number=int(number),
        modality=row["modality"],
        ratings={principle: answers.get(prompt_id) for principle, prompt_id in roles.ratings},
        intention=intention if isinstance(intention, str) and intention.strip() else None,
    )
    result.open_ruptures = [
        OpenRupture(r["id"], r["date"], int(r["session_number"]), r["repaired"], r["kind"])
        for r in _open_ruptures(conn, roles, point, client)
    ]
    result.last_score = _last_answered(conn, roles.client_score, client, point)
    result.last_view = _last_answered(conn, roles.client_view, client, point)
    return result


def _last_answered(conn: sqlite3.Connection, prompt_id: str | None, client: str, point: Point) -> Seen | None:
    """The latest number answered to `prompt_id` in a session with `client` before `point`."""
    if prompt_id is None:
        return None
    row = conn.execute(
        "SELECT s.date, a.value_num FROM sessions s"
        " CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = ? AND a.value_num IS NOT NULL"
        f" WHERE s.client = ? AND {_before('s')} ORDER BY s.date DESC, s.id DESC LIMIT 1",
        (prompt_id, client, *point),
    ).fetchone()
    return None if row is None else Seen(str(row[0]), float(row[1]))


def _open_ruptures(conn: sqlite3.Connection, roles: Roles, point: Point, client: str | None = None) -> list[Any]:
    """The ruptures open at `point`, oldest first: id, client, date, session_number,
    repaired, kind. For one client, or for every client when `client` is None."""
    who = "s.client = ? AND " if client is not None else ""
    still_open, open_params = still_open_sql(roles, point, "r.value_text")
    return conn.execute(
        "SELECT s.id, s.client, s.date, s.session_number, r.value_text AS repaired, "
        "(SELECT value_text FROM answers k WHERE k.session_id = s.id AND k.prompt_id = ?) AS kind "
        "FROM session_view s "
        "JOIN answers a ON a.session_id = s.id AND a.prompt_id = ? AND a.value_num = 1 "
        "LEFT JOIN answers r ON r.session_id = s.id AND r.prompt_id = ? "
        f"WHERE {who}{_before('s')} AND {still_open} ORDER BY s.date, s.id",
        (
            roles.rupture_kind,
            roles.rupture,
            roles.repaired,
            *([client] if client is not None else []),
            *point,
            *open_params,
        ),
    ).fetchall()


@_guarded
def open_rupture_counts(
    journal: Journal, roles: Roles | None = None, *, seen_since: date | None = None
) -> dict[str, int]:
    """How many ruptures are open after the last saved session, per client code (none: left
    out); only for the clients seen on or after `seen_since` when given.

    At the journal's end "closed later" is "before the client's last repairing revisit", so
    two index reads (the ruptures, the repairing revisits) and `core.ruptures.is_open` do
    what the correlated SQL of `_open_ruptures` would do for every rupture of every client."""
    roles = roles or journal_roles(journal)
    source, source_params, join = "sessions s", [], "JOIN"  # every client: SQLite picks the way in
    if seen_since is not None:  # the clients with a session on or after the day (date index), then theirs
        join = "CROSS JOIN"
        source = (
            "(SELECT DISTINCT client FROM (SELECT client FROM sessions WHERE date >= ? ORDER BY date)) c "
            "CROSS JOIN sessions s ON s.client = c.client"
        )
        source_params.append(seen_since.isoformat())
    conn = journal.conn
    last_close: dict[str, tuple[str, int]] = {}
    for client, day, session_id in conn.execute(
        f"SELECT s.client, s.date, s.id FROM {source} "
        f"{join} answers v ON v.session_id = s.id AND v.prompt_id = ? WHERE v.value_text = ?",
        (*source_params, roles.rupture_revisited, REPAIRED),
    ):
        last_close[client] = max(last_close.get(client, ("", 0)), (day, session_id))
    counts: dict[str, int] = {}
    for client, day, session_id, repaired in conn.execute(
        f"SELECT s.client, s.date, s.id, r.value_text FROM {source} "
        f"{join} answers a ON a.session_id = s.id AND a.prompt_id = ? AND a.value_num = 1 "
        "LEFT JOIN answers r ON r.session_id = s.id AND r.prompt_id = ?",
        (*source_params, roles.rupture, roles.repaired),
    ):
        if is_open(repaired, (day, session_id) < last_close.get(client, ("", 0))):
            counts[client] = counts.get(client, 0) + 1
    return counts


@_guarded
def follow_through(
    journal: Journal, since: date, until: date, *, client: str | None = None, roles: Roles | None = None
) -> FollowThrough:
    """Sessions from `since` to `until` whose previous session with the client set an
    intention, and how the answers to its follow-up went (yes / partly / no).

    Starts from the period's sessions (index on date) and finds each one's previous session
    through the (client, date) index, so the cost follows the period, not the journal."""
    roles = roles or journal_roles(journal)
    who = " AND s.client = ?" if client is not None else ""
    rows = journal.conn.execute(
        "SELECT"
        "  (SELECT value_text FROM answers f WHERE f.session_id = s.id AND f.prompt_id = ?) AS done,"
        "  EXISTS (SELECT 1 FROM answers i WHERE i.prompt_id = ? AND trim(i.value_text) <> ''"
        "    AND i.session_id = (SELECT p.id FROM sessions p WHERE p.client = s.client"
        "      AND (p.date < s.date OR (p.date = s.date AND p.id < s.id)) ORDER BY p.date DESC, p.id DESC LIMIT 1)"
        "  ) AS had_intention "
        f"FROM sessions s WHERE s.date BETWEEN ? AND ?{who}",
        (
            roles.intention_followed,
            roles.intention,
            since.isoformat(),
            until.isoformat(),
            *([client] if client is not None else []),
        ),
    ).fetchall()
    result = FollowThrough()
    for row in rows:
        if not row["had_intention"] and row["done"] is None:
            continue
        result.came_up += 1
        if row["done"] is None:
            continue
        result.recorded += 1
        if row["done"] == "yes":
            result.carried_out += 1
        elif row["done"] == "partly":
            result.partly += 1
        else:
            result.not_carried_out += 1
    return result
