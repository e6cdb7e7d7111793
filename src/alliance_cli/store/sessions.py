"""Looking after saved sessions: edit, delete, clients (summary, rename, forget), search.

Functions taking an open `Journal`; the SQL for these commands lives here, beside
`store.py`, so each area's queries stay in one place. Every change is one transaction
through `Journal.write()`. The search index (`search_text`, migration m002) is kept in
step by triggers on `answers`, so nothing here touches it except `update_session`,
`delete_sessions` and `forget_client`, which also merge the index so that no trace of the
replaced or erased words is left in its segments.

Deleting writes zeros over the freed space (`PRAGMA secure_delete`), and an edit that
replaced or removed text, `delete_sessions` and `forget_client` checkpoint and truncate the
write-ahead log, so an edited answer's old words, a deleted session's or an erased client's
text cannot be read back from the file with a hex editor.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from operator import itemgetter
from typing import Any

from alliance_cli.core.answers import to_columns
from alliance_cli.core.messages import Hint, count, no_session
from alliance_cli.core.records import ClientSummary
from alliance_cli.core.vocabulary import Roles
from alliance_cli.errors import InputError, JournalError, NotFoundError
from alliance_cli.store import cipher
from alliance_cli.store.continuity import open_rupture_counts
from alliance_cli.store.journal import (
    Journal,
    _filters,
    _guarded,
    journal_roles,
    now_iso,
    rated_sessions,
    tuples,
)

RECENT_SESSIONS = 3  # the summary's mean covers a client's last three sessions
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


# -- edit ------------------------------------------------------------------------------------


@dataclass
class UpdateResult:
    scrubbed: bool  # text was replaced or removed (or a draft dropped): the index was merged, the log cleared
    log_cleared: bool  # False when another terminal's reader kept the write-ahead log in use


@_guarded
def update_session(
    journal: Journal,
    session_id: int,
    *,
    client: str,
    day: date,
    modality: str,
    answers: Mapping[str, Any],
    kinds: Mapping[str, str],
    draft_id: int | None = None,
) -> UpdateResult:
    """Replace a session's fields and answers at once; id, uuid and logged_at stay, edited_at is set.

    When text is replaced or removed, or an unfinished edit (which may hold text typed and
    changed again) is dropped, no trace of the old words is left in the file, as `delete`
    leaves none: secure_delete zeros the old rows, the search index is merged, and the
    write-ahead log is checkpointed and emptied."""
    _secure(journal)
    rows = [
        (session_id, pid, kinds[pid], *to_columns(kinds[pid], value))
        for pid, value in answers.items()
        if value is not None
    ]
    with journal.write() as conn:
        cur = conn.execute(
            "UPDATE sessions SET client = ?, date = ?, modality = ?, edited_at = ? WHERE id = ?",
            (client, day.isoformat(), modality, now_iso(), session_id),
        )
        if not cur.rowcount:
            raise NotFoundError(no_session(session_id))
        new_texts = {row[1]: row[4] for row in rows}
        old_texts = conn.execute(
            "SELECT prompt_id, value_text FROM answers WHERE session_id = ? AND value_text IS NOT NULL", (session_id,)
        ).fetchall()
        scrub = draft_id is not None or any(new_texts.get(pid) != text for pid, text in old_texts)
        conn.execute("DELETE FROM answers WHERE session_id = ?", (session_id,))
        conn.executemany(
            "INSERT INTO answers (session_id, prompt_id, kind, value_num, value_text) VALUES (?, ?, ?, ?, ?)", rows
        )
        if draft_id is not None:
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))
        if scrub:
            _merge_search_index(conn)
    return UpdateResult(scrub, log_cleared=_clear_log(journal) if scrub else True)


# -- delete ----------------------------------------------------------------------------------


@_guarded
def session_rows(journal: Journal, ids: Sequence[int], roles: Roles | None = None) -> list[dict[str, Any]]:
    """The sessions with these ids (as `Journal.list_sessions` shows them), in the order given."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    ratings = (roles or journal_roles(journal)).ratings
    by_id = {r["id"]: r for r in rated_sessions(journal, ratings, f"WHERE s.id IN ({marks})", list(ids))}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class DeleteResult:
    removed: int  # sessions deleted
    log_cleared: bool  # the write-ahead log was checkpointed and emptied


@_guarded
def delete_sessions(journal: Journal, ids: Iterable[int]) -> DeleteResult:
    """Delete sessions, their answers (cascade) and any unfinished edit of them, leaving no
    readable trace of their text in the file (as `forget_client` does)."""
    wanted = sorted(set(ids))
    _secure(journal)
    removed = 0
    with journal.write() as conn:
        for session_id in wanted:
            conn.execute("DELETE FROM drafts WHERE session_id = ?", (session_id,))
            removed += conn.execute("DELETE FROM sessions WHERE id = ?", (session_id,)).rowcount
        _merge_search_index(conn)
    return DeleteResult(removed, log_cleared=_clear_log(journal))


# -- clients ---------------------------------------------------------------------------------


@_guarded
def client_summaries(
    journal: Journal, *, seen_since: date | None = None, roles: Roles | None = None
) -> list[ClientSummary]:
    """One summary per client code, most recently seen first; only those seen since a date if given.
    Means and open ruptures follow `roles` (by default the journal's, `journal_roles`)."""
    roles = roles or journal_roles(journal)
    where, params = "", []
    if seen_since is not None:  # seen since: a session on or after the date (read through its index)
        seen = "SELECT DISTINCT client FROM (SELECT client FROM sessions WHERE date >= ? ORDER BY date)"
        where = f"WHERE s.client IN ({seen})"
        params.append(seen_since.isoformat())
    # Each session's sum and count of its ratings, summed by SQLite: one row per session.
    marks = ", ".join("?" * len(roles.ratings))
    rows = (
        tuples(journal)
        .execute(
            "SELECT s.client, s.date, coalesce(sum(a.value_num), 0), count(a.value_num) FROM sessions s "
            f"LEFT JOIN answers a ON a.session_id = s.id AND a.prompt_id IN ({marks}) {where} "
            "GROUP BY s.id ORDER BY s.client, s.date, s.id",
            [*(prompt_id for _, prompt_id in roles.ratings), *params],
        )
        .fetchall()
    )
    ruptures = open_rupture_counts(journal, roles, seen_since=seen_since)
    summaries = []
    for client, group in groupby(rows, itemgetter(0)):
        sessions = list(group)  # (client, date, sum of ratings, how many), oldest first
        recent = sessions[-RECENT_SESSIONS:]
        total = sum(row[2] for row in recent)
        count = sum(row[3] for row in recent)
        summaries.append(
            ClientSummary(
                client=client,
                sessions=len(sessions),
                first_date=sessions[0][1],
                last_date=sessions[-1][1],
                recent_mean=round(total / count, 2) if count else None,
                session_means=[round(t / n, 2) if n else None for _, _, t, n in sessions],
                open_ruptures=ruptures.get(client, 0),
            )
        )
    summaries.sort(key=lambda s: s.client)
    summaries.sort(key=lambda s: s.last_date, reverse=True)
    return summaries


@_guarded
def count_clients(journal: Journal) -> int:
    return int(journal.conn.execute("SELECT COUNT(DISTINCT client) FROM sessions").fetchone()[0])


@dataclass
class ClientRecord:
    """What the journal holds about one client code."""

    client: str
    sessions: int
    answers: int
    drafts: int
    first_date: str | None
    last_date: str | None


_CLIENT_DRAFTS = (
    "FROM drafts WHERE (command = 'log' AND json_extract(state, '$.client') = :code) "
    "OR session_id IN (SELECT id FROM sessions WHERE client = :code)"
)


@_guarded
def has_client(journal: Journal, code: str) -> bool:
    """Whether any session in the journal has this client code."""
    return journal.conn.execute("SELECT 1 FROM sessions WHERE client = ? LIMIT 1", (code,)).fetchone() is not None


@_guarded
def client_record(journal: Journal, code: str) -> ClientRecord:
    """Counts for one client code; NotFoundError when the journal has no session for it."""
    conn = journal.conn
    sessions, first, last = conn.execute(
        "SELECT COUNT(*), MIN(date), MAX(date) FROM sessions WHERE client = ?", (code,)
    ).fetchone()
    if not sessions:
        raise NotFoundError(f"No sessions for client {code}; {Hint.CLIENT_CODES}")
    answers = conn.execute(
        "SELECT COUNT(*) FROM answers WHERE session_id IN (SELECT id FROM sessions WHERE client = ?)", (code,)
    ).fetchone()[0]
    drafts = conn.execute(f"SELECT COUNT(*) {_CLIENT_DRAFTS}", {"code": code}).fetchone()[0]
    return ClientRecord(code, int(sessions), int(answers), int(drafts), first, last)


@dataclass
class RenameResult:
    old: str
    new: str
    moved: int  # sessions that now carry the new code
    merged: bool  # the new code had sessions already
    total: int  # sessions of the new code afterwards


@_guarded
def rename_client(journal: Journal, old: str, new: str, *, merge: bool = False) -> RenameResult:
    """Give every session (and unfinished log) of `old` the code `new`; merging needs `merge`."""
    if old == new:
        raise InputError(f"{old} and {new} are the same code; nothing to rename.")
    with journal.write() as conn:
        moved = conn.execute("SELECT COUNT(*) FROM sessions WHERE client = ?", (old,)).fetchone()[0]
        if not moved:
            raise NotFoundError(f"No sessions for client {old}; {Hint.CLIENT_CODES}")
        existing = conn.execute("SELECT COUNT(*) FROM sessions WHERE client = ?", (new,)).fetchone()[0]
        if existing and not merge:
            raise InputError(
                f"{new} already has {count(existing, 'session')}; add --merge to move {old}'s "
                f"{count(moved, 'session')} into {new} (nothing was changed)."
            )
        conn.execute("UPDATE sessions SET client = ? WHERE client = ?", (new, old))
        conn.execute(
            "UPDATE drafts SET state = json_set(state, '$.client', ?) "
            "WHERE command = 'log' AND json_extract(state, '$.client') = ?",
            (new, old),
        )
    return RenameResult(old, new, int(moved), bool(existing), int(moved + existing))


@dataclass
class ForgetResult:
    record: ClientRecord
    log_cleared: bool  # the write-ahead log was checkpointed and emptied


@_guarded
def forget_client(journal: Journal, code: str) -> ForgetResult:
    """Erase every session, answer and draft of a client, and leave no readable trace in the file.

    secure_delete zeros the freed space; merging the search index drops the erased words
    from its segments; a TRUNCATE checkpoint copies the zeroed pages into the file and
    empties the write-ahead log, which could still hold the old pages.
    """
    _secure(journal)
    with journal.write() as conn:
        record = client_record(journal, code)
        conn.execute(f"DELETE {_CLIENT_DRAFTS}", {"code": code})
        conn.execute("DELETE FROM sessions WHERE client = ?", (code,))
        _merge_search_index(conn)
    return ForgetResult(record, log_cleared=_clear_log(journal))


def _secure(journal: Journal) -> None:
    journal.conn.execute("PRAGMA secure_delete = ON")


def _merge_search_index(conn: sqlite3.Connection) -> None:
    """Rewrite the search index as one segment: a deleted answer's words otherwise stay
    readable in the old segments (only marked deleted) until FTS5 happens to merge them."""
    conn.execute("INSERT INTO search_text (search_text) VALUES ('optimize')")


def _clear_log(journal: Journal) -> bool:
    """Copy the write-ahead log into the file and empty it (it still holds the pages as
    they were before the erasure); False when another terminal's reader kept it in use."""
    busy = journal.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return not busy


# -- search ----------------------------------------------------------------------------------

HIGHLIGHT = ("\x02", "\x03")  # around each matched word in a snippet; renderers choose the look


def fts_query(text: str) -> str:
    """The user's words as an FTS5 query that cannot be a syntax error.

    Every word must appear; "words in double quotes" must appear together, in that order;
    a word ending in * matches every word it begins (withdr* finds withdrew). Everything
    else is quoted, so AND, NEAR, brackets and stray punctuation are plain text.
    """
    terms: list[str] = []
    for i, part in enumerate(_CONTROL.sub(" ", text).split('"')):
        if i % 2 == 1:
            if part.strip():
                terms.append(f'"{part.strip()}"')
            continue
        for word in part.split():
            stem = word.rstrip("*")
            if stem:
                terms.append(f'"{stem}"' + ("*" if stem != word else ""))
    if not terms:
        raise InputError("Give a word or a phrase to search for, e.g. alliance search withdrew")
    return " ".join(terms)


@dataclass
class SearchHits:
    rows: list[dict[str, Any]]  # id, date, client, prompt_id, prompt, snippet (with HIGHLIGHT marks)
    total: int


FEW_MATCHES = 2_000  # up to this many, the matches are sorted by date; past it, sessions are walked newest first
PAGE_IDS = 500  # snippets for a page of up to this many answers by id (within SQLite's limit on parameters)


@_guarded
def search_answers(
    journal: Journal,
    text: str,
    *,
    client: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int | None = 50,
) -> SearchHits:
    """Free-text answers matching `text`, newest session first, each with a highlighted snippet.

    The count comes from the full-text index alone (no row read) unless a client or dates
    narrow the search. The newest `limit` matches are found either by sorting the matches
    (when they are few) or by walking sessions newest first through the date index until
    `limit` of them match (when they are many); snippets are made for those alone."""
    query = fts_query(text)
    where, params = _filters(client, since, until)
    where = ("AND " + where[len("WHERE ") :]) if where else ""
    order = "ORDER BY s.date DESC, s.id DESC, m.prompt_id"  # one row per (session, prompt): a total order
    matching = "SELECT rowid FROM search_text WHERE search_text MATCH ?"
    try:
        found = journal.conn.execute(f"SELECT COUNT(*) FROM ({matching})", [query]).fetchone()[0]
        matches = (
            "search_text JOIN search_map m ON m.id = search_text.rowid JOIN sessions s ON s.id = m.session_id "
            "WHERE search_text MATCH ?"
        )
        source = matches  # from the matches: joined, sorted
        if found > FEW_MATCHES and limit is not None:  # from the newest session back, each answer
            source = f"sessions s CROSS JOIN search_map m ON m.session_id = s.id WHERE m.id IN ({matching})"
        page = f"SELECT m.id FROM {source} {where} {order}" + (" LIMIT ?" if limit is not None else "")
        ids = [row[0] for row in journal.conn.execute(page, [query, *params, *([limit] if limit is not None else [])])]
        if limit is None or len(ids) < limit:
            total = len(ids)
        elif not where:
            total = found
        else:  # narrowed by client or dates: those matches counted (index reads, no snippet)
            total = journal.conn.execute(f"SELECT COUNT(*) FROM {matches} {where}", [query, *params]).fetchone()[0]
        rows = _snippets(journal, query, ids, where, params)
    except cipher.OperationalError as exc:  # a query FTS5 still refuses: say so without quoting the text
        said = str(exc).lower()  # SQLite's own message (not a stored text that cannot be decoded)
        if getattr(exc, "sqlite_errorname", None) == "SQLITE_ERROR" and ("fts5" in said or "syntax" in said):
            raise InputError("That search could not be understood; try plain words.") from None
        raise
    texts = _prompt_texts(journal, {r["prompt_set_id"] for r in rows})
    for row in rows:
        row["prompt"] = texts.get((row.pop("prompt_set_id"), row["prompt_id"]), row["prompt_id"])
    return SearchHits(rows, int(total))


def _snippets(journal: Journal, query: str, ids: list[int], where: str, params: list[Any]) -> list[dict[str, Any]]:
    """The rows of the answers `ids` (search_map ids, found with the filter `where`), in
    that order, each with its snippet."""
    sql = (
        "SELECT m.id AS map_id, s.id, s.date, s.client, m.prompt_id, s.prompt_set_id, "
        "snippet(search_text, 0, ?, ?, '…', 16) AS snippet "
        "FROM search_text JOIN search_map m ON m.id = search_text.rowid JOIN sessions s ON s.id = m.session_id "
        "WHERE search_text MATCH ?"
    )
    args: list[Any] = [*HIGHLIGHT, query]
    if len(ids) <= PAGE_IDS:  # a page: those answers alone
        sql += f" AND search_text.rowid IN ({', '.join('?' * len(ids))})"
        args += ids
    else:  # a long page, or every match (--limit 0): one pass over the matches
        sql += f" {where}"
        args += params
    wanted = set(ids)
    rows: dict[int, dict[str, Any]] = {}
    for r in journal.conn.execute(sql, args):
        row = dict(r)
        if row["map_id"] in wanted:
            rows[row.pop("map_id")] = row
    return [rows[i] for i in ids if i in rows]


def _prompt_texts(journal: Journal, set_ids: set[int]) -> dict[tuple[int, str], str]:
    texts: dict[tuple[int, str], str] = {}
    for set_id in set_ids:
        row = journal.conn.execute("SELECT snapshot FROM prompt_sets WHERE id = ?", (set_id,)).fetchone()
        try:
            prompts = json.loads(row[0]).get("prompts", []) if row else []
        except ValueError:
            raise JournalError(f"A stored prompt set is damaged; {Hint.DOCTOR}.") from None
        texts.update({(set_id, p["id"]): p["text"] for p in prompts})
    return texts
