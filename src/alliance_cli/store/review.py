"""The weekly review's queries: SQLite does the counting and averaging, Python gets rows.

Every query starts from `sessions` by date (index `sessions_date`) or by client and date
(`sessions_client_date`) and reaches the answers it needs by their primary key
(session_id, prompt_id), so the cost follows the size of the period, not of the journal.
`CROSS JOIN` fixes that order: without statistics SQLite would otherwise walk the
`answers_prompt` index over every answer ever given to the five ratings (50 ms a query on
a ten-year journal instead of well under 1 ms). Correlated look-ups for "a later session
with this client" compare `date >= ?` first so they can use `sessions_client_date`.
Means and counts come back already grouped per period, per ISO week, per client, per
session; `report.build_report` turns the rows into the report model.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from alliance_cli.core.periods import Period, iso_week_start
from alliance_cli.core.report import ReportRows, ReviewIds
from alliance_cli.core.ruptures import REPAIRED
from alliance_cli.store.continuity import follow_through, repaired_later_sql, through
from alliance_cli.store.journal import Journal, _guarded, latest_snapshot

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.vocabulary import Roles

FROM_THE_START_BEFORE = 1900  # a period starting before this year starts at the first session
WEEKS = 12  # weekly sparklines cover this many ISO weeks, ending with the period's last one
RECENT_SESSIONS = 12  # a client's sparkline and running mean: their last sessions up to the period's end ...
RECENT_WEEKS = 52  # ... within the year before it


def _marks(items: list[str]) -> str:
    return ", ".join("?" for _ in items)


@_guarded
def first_session_date(journal: Journal) -> date | None:
    row = journal.conn.execute("SELECT MIN(date) FROM sessions").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


@_guarded
def journal_prompt_set(journal: Journal) -> PromptSet | None:
    """The prompt set the latest session was logged with (validated when it was stored).

    The report names principles, tips and practices by it: the set the sessions were
    actually answered with, read from JSON, which spares the report the YAML parser, and
    rebuilt as it was validated then (`core.prompt_dump`), which spares it the validators.
    """
    snapshot = latest_snapshot(journal)
    if snapshot is None:
        return None
    from alliance_cli.core.prompt_dump import prompt_set_from_dump

    return prompt_set_from_dump(json.loads(snapshot))


@_guarded
def last_session_date(journal: Journal) -> date | None:
    row = journal.conn.execute("SELECT MAX(date) FROM sessions").fetchone()
    return date.fromisoformat(row[0]) if row and row[0] else None


@_guarded
def fetch_report_rows(
    journal: Journal,
    period: Period,
    *,
    roles: Roles,
    practice_ids: list[str],
    text_ids: list[str] | None = None,
    client: str | None = None,
    open_rupture_weeks: int = WEEKS,
    ids: ReviewIds | None = None,
) -> ReportRows:
    """Run the report's queries for `period` (and the equally long one before it).

    `roles` names the prompts of the ratings, ruptures and intentions (`core.vocabulary`).
    `text_ids` given: also fetch the period's free-text answers to those prompts (--notes).
    Ruptures are judged as of the period's end: a repair recorded later does not count.
    `ids`: the prompts of the newer roles (rupture detail, the goal's practice) and how many
    weeks the baseline and the focus look back.
    """
    ids = ids or ReviewIds()
    previous = period.previous()
    first_week = iso_week_start(period.end) - timedelta(weeks=WEEKS - 1)
    rows = ReportRows(
        period=period,
        previous=previous,
        client=client,
        week_starts=[first_week + timedelta(weeks=i) for i in range(WEEKS)],
    )
    conn = journal.conn
    who = " AND s.client = ?" if client is not None else ""
    by = [client] if client is not None else []
    start, end, pstart = period.start.isoformat(), period.end.isoformat(), previous.start.isoformat()

    def query(sql: str, *params: Any) -> list[dict[str, Any]]:
        return [dict(r) for r in conn.execute(sql, params)]

    row = conn.execute(
        "SELECT COUNT(*) AS sessions, COUNT(DISTINCT s.client) AS clients, COUNT(DISTINCT s.date) AS days,"
        f" (SELECT COUNT(*) FROM sessions s WHERE s.date BETWEEN ? AND ?{who}) AS previous_sessions"
        f" FROM sessions s WHERE s.date BETWEEN ? AND ?{who}",
        (pstart, previous.end.isoformat(), *by, start, end, *by),
    ).fetchone()
    rows.totals = dict(row)

    rating_ids = roles.rating_ids
    ratings = _marks(rating_ids)
    # Every rating from the 12 weeks (or the baseline's or the focus's weeks, if longer): the
    # period's and the one before's means come from them when both lie inside, as they do for
    # a week or a month; a longer period asks SQLite for its own.
    if not _ratings_by_session(conn.execute, rows, ids, who, by, rating_ids):
        rows.means = query(
            "SELECT a.prompt_id, s.date >= ? AS current, AVG(a.value_num) AS mean, COUNT(a.value_num) AS n"
            " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id"
            f" WHERE s.date BETWEEN ? AND ?{who} AND a.prompt_id IN ({ratings})"
            " GROUP BY a.prompt_id, current",
            start,
            pstart,
            end,
            *by,
            *rating_ids,
        )
        rows.client_means = query(
            "SELECT s.client, AVG(a.value_num) AS mean, COUNT(DISTINCT s.id) AS sessions"
            " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id"
            f" WHERE s.date BETWEEN ? AND ?{who} AND a.prompt_id IN ({ratings})"
            " GROUP BY s.client",
            start,
            end,
            *by,
            *rating_ids,
        )
    lookback = min(period.start, iso_week_start(period.start) - timedelta(weeks=open_rupture_weeks))
    repaired_later, later_params = repaired_later_sql(roles, through(period.end))
    rupture_sql = (
        "SELECT s.id AS session_id, s.date, s.client, k.value_text AS kind, r.value_text AS repaired,"
        f" {repaired_later} AS revisited, mk.value_text AS markers, st.value_text AS strategies,"
        " rs.value_text AS response"
        " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
        " LEFT JOIN answers k ON k.session_id = s.id AND k.prompt_id = ?"
        " LEFT JOIN answers r ON r.session_id = s.id AND r.prompt_id = ?"
        " LEFT JOIN answers mk ON mk.session_id = s.id AND mk.prompt_id = ?"
        " LEFT JOIN answers st ON st.session_id = s.id AND st.prompt_id = ?"
        " LEFT JOIN answers rs ON rs.session_id = s.id AND rs.prompt_id = ?"
        f" WHERE s.date BETWEEN ? AND ?{who} AND a.value_num = 1"
        " ORDER BY s.date, s.id"
    )
    detail = (roles.rupture, roles.rupture_kind, roles.repaired, ids.markers, ids.strategies, ids.response)
    rows.ruptures = query(rupture_sql, *later_params, *detail, lookback.isoformat(), end, *by)
    # Open ruptures older than the window, with the clients seen in the period: counted (and
    # the clients put on the check-in list), so none drops out of the review unseen. From those
    # clients' sessions by (client, date): the cost follows their histories, not the journal's.
    older = conn.execute(
        "WITH active AS (SELECT DISTINCT s.client FROM sessions s"
        f"   WHERE s.date BETWEEN ? AND ?{who})"
        " SELECT s.client, COUNT(*) FROM active CROSS JOIN sessions s ON s.client = active.client AND s.date < ?"
        " CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
        " LEFT JOIN answers r ON r.session_id = s.id AND r.prompt_id = ?"
        f" WHERE a.value_num = 1 AND (r.value_text IS NULL OR r.value_text <> ?) AND NOT {repaired_later}"
        " GROUP BY s.client",
        (
            start,
            end,
            *by,
            lookback.isoformat(),
            roles.rupture,
            roles.repaired,
            REPAIRED,
            *later_params,
        ),
    ).fetchall()
    rows.older_open_by_client = {client: int(n) for client, n in older}
    rows.older_open = sum(rows.older_open_by_client.values())
    # Whose last sessions, and how many so far, the check-ins need: the period's clients, and
    # those with a rupture still open (who may not have been seen in it).
    also = json.dumps(sorted({r["client"] for r in rows.ruptures} | set(rows.older_open_by_client)))
    # Their last sessions by `sessions_client_date`; each one's mean from the ratings already
    # read above when it is among them, else (older than those weeks) asked for here.
    last = conn.execute(
        "WITH seen AS (SELECT DISTINCT s.client FROM sessions s"
        f"   WHERE s.date BETWEEN ? AND ?{who} UNION SELECT value FROM json_each(?))"
        " SELECT r.client, r.id, r.date FROM seen CROSS JOIN sessions r ON r.id IN"
        "  (SELECT p.id FROM sessions p WHERE p.client = seen.client AND p.date BETWEEN ? AND ?"
        "   ORDER BY p.date DESC, p.id DESC LIMIT ?)"
        " ORDER BY r.client, r.date, r.id",
        (start, end, *by, also, (period.end - timedelta(weeks=RECENT_WEEKS)).isoformat(), end, RECENT_SESSIONS),
    ).fetchall()
    known = {r["id"]: r["mean"] for r in rows.session_means}
    unknown = [r[1] for r in last if r[1] not in known]
    if unknown:
        known.update(
            conn.execute(
                f"SELECT a.session_id, AVG(a.value_num) FROM answers a WHERE a.prompt_id IN ({ratings})"
                " AND a.session_id IN (SELECT value FROM json_each(?)) GROUP BY a.session_id",
                (*rating_ids, json.dumps(unknown)),
            ).fetchall()
        )
    rows.client_recent = [
        {"client": client, "id": session_id, "date": day, "mean": known[session_id]}
        for client, session_id, day in last
        if session_id in known
    ]
    # How many sessions each client of the period has had, up to its end (early sessions).
    rows.client_counts = {
        r["client"]: r["n"]
        for r in query(
            "SELECT s.client, COUNT(*) AS n FROM sessions s"
            f" WHERE s.client IN (SELECT DISTINCT c.client FROM sessions c WHERE c.date BETWEEN ? AND ?"
            f"{who.replace('s.', 'c.')} UNION SELECT value FROM json_each(?)) AND s.date <= ? GROUP BY s.client",
            start,
            end,
            *by,
            also,
            end,
        )
    }
    # Per week of the 12: sessions, ruptures, and the intentions' follow-up (recorded, carried out).
    rows.weekly_counts = query(
        "SELECT date(s.date, 'weekday 0', '-6 days') AS week, COUNT(*) AS sessions,"
        " SUM(CASE WHEN ru.value_num = 1 THEN 1 ELSE 0 END) AS ruptures,"
        " SUM(CASE WHEN f.value_text IS NOT NULL THEN 1 ELSE 0 END) AS followed_recorded,"
        " SUM(CASE WHEN f.value_text = 'yes' THEN 1 ELSE 0 END) AS followed_yes"
        " FROM sessions s"
        " LEFT JOIN answers ru ON ru.session_id = s.id AND ru.prompt_id = ?"
        " LEFT JOIN answers f ON f.session_id = s.id AND f.prompt_id = ?"
        f" WHERE s.date BETWEEN ? AND ?{who} GROUP BY week",
        roles.rupture,
        roles.intention_followed,
        first_week.isoformat(),
        end,
        *by,
    )
    rows.goal = _goal(journal, ids, dict(roles.ratings), period, client)
    done = follow_through(journal, period.start, period.end, client=client, roles=roles)
    rows.follow_through = {
        "came_up": done.came_up, "recorded": done.recorded, "carried_out": done.carried_out,
        "partly": done.partly, "not_carried_out": done.not_carried_out,
    }  # fmt: skip
    rows.intentions = query(
        "WITH set_ AS MATERIALIZED (SELECT s.id, s.date, s.client, a.value_text AS text,"
        "   (SELECT n.id FROM sessions n WHERE n.client = s.client"
        "     AND n.date >= s.date AND (n.date > s.date OR n.id > s.id) ORDER BY n.date, n.id LIMIT 1) AS next_id"
        "   FROM sessions s CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
        f"   WHERE s.date BETWEEN ? AND ?{who})"
        " SELECT set_.id AS session_id, set_.date, set_.client, set_.text, set_.next_id,"
        " n.date AS next_date, f.value_num AS followed_num, f.value_text AS followed_text"
        " FROM set_ LEFT JOIN sessions n ON n.id = set_.next_id"
        " LEFT JOIN answers f ON f.session_id = set_.next_id AND f.prompt_id = ?"
        " ORDER BY set_.date, set_.id",
        roles.intention,
        pstart,
        previous.end.isoformat(),
        *by,
        roles.intention_followed,
    )
    if practice_ids:
        rows.practices = query(
            "SELECT a.prompt_id, a.kind, a.value_num, a.value_text, COUNT(*) AS n"
            " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id"
            f" WHERE s.date BETWEEN ? AND ?{who} AND a.prompt_id IN ({_marks(practice_ids)})"
            " GROUP BY a.prompt_id, a.kind, a.value_num, a.value_text",
            start,
            end,
            *by,
            *practice_ids,
        )
    if roles.client_score is not None or roles.client_view is not None:
        rows.scores_since = first_week
        rows.client_scores = client_score_rows(
            journal,
            roles,
            min(period.start, first_week),
            period.start,
            period.end,
            client=client,
            self_means={r["id"]: r["mean"] for r in rows.session_means} if rows.session_means else None,
        )
    if text_ids is not None:
        rows.notes = (
            query(
                "SELECT a.prompt_id, s.id AS session_id, s.date, s.client, a.value_text AS text"
                " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id"
                f" WHERE s.date BETWEEN ? AND ?{who} AND a.prompt_id IN ({_marks(text_ids)})"
                " ORDER BY s.date, s.id",
                start,
                end,
                *by,
                *text_ids,
            )
            if text_ids
            else []
        )
        if rows.notes:  # the ratings of those sessions, shown beside each moment's note
            rows.note_ratings = query(
                "SELECT s.id AS session_id, a.prompt_id, a.value_num AS value"
                " FROM sessions s CROSS JOIN answers a ON a.session_id = s.id"
                f" WHERE s.date BETWEEN ? AND ?{who} AND a.prompt_id IN ({ratings})",
                start,
                end,
                *by,
                *rating_ids,
            )
    return rows


def _ratings_by_session(
    rows_of: Any, rows: ReportRows, ids: ReviewIds, who: str, by: list[str], rating_ids: list[str]
) -> bool:
    """Every rating from the earliest of the 12 weeks, the baseline's weeks and the focus's
    weeks to the period's end, in one pass: the weekly means of each principle, each
    session's mean (the baseline, the usual range) and the ratings the focus compares; and,
    when the period before starts inside those weeks, the means of the period and of the one
    before, and each client's mean in the period (`rows.means`, `rows.client_means`). True
    when it filled those; else the caller asks SQLite for them."""
    period = rows.period
    last_week = iso_week_start(period.end)
    rows.baseline_start = last_week - timedelta(weeks=ids.baseline_weeks - 1)
    rows.focus_start = min(last_week - timedelta(weeks=ids.focus_weeks - 1), period.start)
    first_week = rows.week_starts[0]
    since = min(rows.baseline_start, first_week, rows.focus_start)
    if not rating_ids:  # a prompt set without ratings: no baseline, no focus
        return False
    # One row a session, its ratings side by side, each found by the answers' primary key from
    # the sessions of those weeks (`sessions_date`): a GROUP BY over a join would have SQLite
    # walk every session of the journal in id order instead.
    found = rows_of(
        "SELECT s.id, s.client, s.date, "
        + ", ".join(
            "(SELECT a.value_num FROM answers a WHERE a.session_id = s.id AND a.prompt_id = ?)" for _ in rating_ids
        )
        + f" FROM sessions s WHERE s.date BETWEEN ? AND ?{who} ORDER BY s.id",
        (*rating_ids, since.isoformat(), period.end.isoformat(), *by),
    )
    # A session's mean adds its ratings in the order SQLite's AVG does (the answers' key, by
    # prompt id), so that it is the same number to the last bit.
    order = sorted(range(len(rating_ids)), key=rating_ids.__getitem__)
    derive = rows.previous.start >= since
    start, pstart = period.start.isoformat(), rows.previous.start.isoformat()
    sums: dict[tuple[str, bool], list[float]] = {}  # (prompt id, in the period): [sum, count]
    clients: dict[str, list[float]] = {}  # client: [sum, count, sessions], in the period
    totals: dict[tuple[str, str], list[float]] = {}  # (week, prompt id): [sum, count]
    first, focus = first_week.isoformat(), rows.focus_start.isoformat()
    weeks: dict[str, str] = {}  # a date's ISO week, worked out once per date
    for session_id, client, day, *values in found:
        rated = [values[i] for i in order if values[i] is not None]
        if not rated:
            continue
        total = sum(rated)
        week = weeks.get(day)
        if week is None:
            week = weeks[day] = iso_week_start(date.fromisoformat(day)).isoformat()
        mean = total / len(rated)
        rows.session_means.append({"id": session_id, "client": client, "date": day, "week": week, "mean": mean})
        if derive and day >= pstart:
            current = day >= start
            for prompt_id, value in zip(rating_ids, values, strict=True):
                if value is not None:
                    kept = sums.setdefault((prompt_id, current), [0, 0])
                    kept[0] += value
                    kept[1] += 1
            if current:
                mine = clients.setdefault(client, [0, 0, 0])
                mine[0] += total
                mine[1] += len(rated)
                mine[2] += 1
        if day >= first:
            for prompt_id, value in zip(rating_ids, values, strict=True):
                if value is not None:
                    kept = totals.setdefault((week, prompt_id), [0, 0])
                    kept[0] += value
                    kept[1] += 1
        if day >= focus:
            rated_by = {p: v for p, v in zip(rating_ids, values, strict=True) if v is not None}
            rows.focus_sessions.append({"session_id": session_id, "date": day, "week": week, "ratings": rated_by})
    rows.weekly = [
        {"week": week, "prompt_id": pid, "mean": total / n, "n": n} for (week, pid), (total, n) in totals.items()
    ]
    if derive:
        rows.means = [
            {"prompt_id": pid, "current": int(current), "mean": total / n, "n": n}
            for (pid, current), (total, n) in sums.items()
        ]
        rows.client_means = [
            {"client": client, "mean": total / n, "sessions": seen}
            for client, (total, n, seen) in sorted(clients.items())
        ]
    return derive


def _goal(
    journal: Journal, ids: ReviewIds, ratings: dict[str, str], period: Period, client: str | None
) -> dict[str, Any] | None:
    """The learning goal active at the period's end (else the last one ended within it), and
    how its practice went: the answers to `goal_practised` from its start to the period's end,
    and the mean rating of its principle in the 4 weeks before it began and since."""
    conn = journal.conn
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'goals'").fetchone():
        return None  # a journal from before learning goals
    end = period.end.isoformat()
    row = conn.execute(
        "SELECT id, text, principle, started, ended FROM goals WHERE started <= ?"
        " AND (ended IS NULL OR ended >= ?) ORDER BY (ended IS NULL) DESC, started DESC, id DESC LIMIT 1",
        (end, period.start.isoformat()),
    ).fetchone()
    if row is None:
        return None
    goal = dict(row)
    who = " AND s.client = ?" if client is not None else ""
    by = [client] if client is not None else []
    until = min(end, goal["ended"] or end)
    goal["practised"] = {
        r["answer"]: r["n"]
        for r in conn.execute(
            "SELECT a.value_text AS answer, COUNT(*) AS n FROM sessions s"
            " CROSS JOIN answers a ON a.session_id = s.id AND a.prompt_id = ?"
            f" WHERE s.date BETWEEN ? AND ?{who} GROUP BY a.value_text",
            (ids.goal_practised, goal["started"], until, *by),
        )
    }
    goal["sessions"] = conn.execute(
        f"SELECT COUNT(*) FROM sessions s WHERE s.date BETWEEN ? AND ?{who}", (goal["started"], until, *by)
    ).fetchone()[0]
    goal["before_mean"] = goal["since_mean"] = None
    rating = ratings.get(goal["principle"] or "")
    if rating is not None:
        started = date.fromisoformat(goal["started"])
        for key, lo, hi in (
            ("before_mean", started - timedelta(weeks=4), started - timedelta(days=1)),
            ("since_mean", started, date.fromisoformat(until)),
        ):
            goal[key] = conn.execute(
                "SELECT AVG(a.value_num) FROM sessions s CROSS JOIN answers a ON a.session_id = s.id"
                f" AND a.prompt_id = ? WHERE s.date BETWEEN ? AND ?{who}",
                (rating, lo.isoformat(), hi.isoformat(), *by),
            ).fetchone()[0]
    return goal


@_guarded
def client_score_rows(
    journal: Journal,
    roles: Roles,
    since: date,
    start: date,
    end: date,
    *,
    client: str | None = None,
    self_means: dict[int, float] | None = None,
) -> list[dict[str, Any]]:
    """Sessions from `since` to `end` with your read (`client_view`) or the client's score
    (`client_score`), oldest first: session_id, date, client, view, score, self_mean (the mean
    of the session's ratings, beside a score) and, for a score from `start` on, previous: the client's score
    before it, however long ago (walking back through `sessions_client_date`). `self_means`:
    every rated session's mean from `since` on, already worked out (the review's), so that
    SQLite need not average them again."""
    who = " AND s.client = ?" if client is not None else ""
    rating_ids = roles.rating_ids if self_means is None else []
    mean = (
        f"(SELECT AVG(r.value_num) FROM answers r WHERE r.session_id = s.id AND r.prompt_id IN ({_marks(rating_ids)}))"
        if rating_ids
        else "NULL"
    )
    sql = (
        "SELECT s.id AS session_id, s.date, s.client, v.value_num AS view, c.value_num AS score,"
        f" CASE WHEN c.value_num IS NOT NULL THEN {mean} END AS self_mean,"
        " CASE WHEN s.date >= ? AND c.value_num IS NOT NULL THEN"
        "  (SELECT pc.value_num FROM sessions p CROSS JOIN answers pc ON pc.session_id = p.id AND pc.prompt_id = ?"
        "   WHERE p.client = s.client AND p.date <= s.date AND (p.date < s.date OR p.id < s.id)"
        "   ORDER BY p.date DESC, p.id DESC LIMIT 1)"
        " END AS previous"
        " FROM sessions s"
        " LEFT JOIN answers v ON v.session_id = s.id AND v.prompt_id = ?"
        " LEFT JOIN answers c ON c.session_id = s.id AND c.prompt_id = ?"
        f" WHERE s.date BETWEEN ? AND ?{who} AND (v.value_num IS NOT NULL OR c.value_num IS NOT NULL)"
        " ORDER BY s.date, s.id"
    )
    params = [
        *rating_ids,
        start.isoformat(),
        roles.client_score,
        roles.client_view,
        roles.client_score,
        since.isoformat(),
        end.isoformat(),
        *([client] if client is not None else []),
    ]
    found = [dict(r) for r in journal.conn.execute(sql, params)]
    if self_means is not None:
        for r in found:
            if r["score"] is not None:
                r["self_mean"] = self_means.get(r["session_id"])
    return found
