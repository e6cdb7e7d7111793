"""The journal's schema, as named, append-only migrations (sqlite_utils.Migrations).

Never edit or reorder a step that has shipped: add a new one. `store.open_journal` checks
the applied names with plain sqlite3 (fast, no import of sqlite_utils) and only calls
`apply` when something is pending, inside a write lock so two terminals opening a fresh
journal at the same moment migrate it once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MIGRATION_SET = "alliance"


def m001_journal(db: Any) -> None:
    db.executescript(
        """
        CREATE TABLE prompt_sets (
            id INTEGER PRIMARY KEY,
            version INTEGER NOT NULL,
            digest TEXT NOT NULL UNIQUE,
            snapshot TEXT NOT NULL,
            first_used TEXT NOT NULL
        );
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            client TEXT NOT NULL,
            date TEXT NOT NULL,
            modality TEXT NOT NULL,
            logged_at TEXT NOT NULL,
            edited_at TEXT,
            prompt_set_id INTEGER NOT NULL REFERENCES prompt_sets(id)
        );
        CREATE INDEX sessions_date ON sessions(date);
        CREATE INDEX sessions_client_date ON sessions(client, date);
        CREATE TABLE answers (
            session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
            prompt_id TEXT NOT NULL,
            kind TEXT NOT NULL,
            value_num NUMERIC,
            value_text TEXT,
            PRIMARY KEY (session_id, prompt_id)
        ) WITHOUT ROWID;
        CREATE INDEX answers_prompt ON answers(prompt_id, session_id);
        CREATE TABLE drafts (
            id INTEGER PRIMARY KEY,
            command TEXT NOT NULL,
            session_id INTEGER,
            state TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE VIEW session_view AS
        SELECT s.*,
            (SELECT COUNT(*) FROM sessions p
             WHERE p.client = s.client AND (p.date < s.date OR (p.date = s.date AND p.id <= s.id))
            ) AS session_number
        FROM sessions s;
        """
    )


def m002_search(db: Any) -> None:
    """Full-text search over the free-text answers, kept in step by triggers on `answers`.

    `answers` has no rowid, so `search_map` gives each text answer one (the FTS row's id) and
    lets a trigger find it again by (session_id, prompt_id) through an index. Every write
    path (log, edit, delete, import, forget, a cascade from `sessions`) goes through these
    triggers, so the index cannot drift. Existing answers are indexed in the same step.
    """
    db.executescript(
        """
        CREATE TABLE search_map (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL,
            prompt_id TEXT NOT NULL,
            UNIQUE (session_id, prompt_id)
        );
        CREATE VIRTUAL TABLE search_text USING fts5(body, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER answers_search_insert AFTER INSERT ON answers
        WHEN new.kind = 'text' AND new.value_text IS NOT NULL
        BEGIN
            INSERT INTO search_map (session_id, prompt_id) VALUES (new.session_id, new.prompt_id);
            INSERT INTO search_text (rowid, body)
            SELECT id, new.value_text FROM search_map WHERE session_id = new.session_id AND prompt_id = new.prompt_id;
        END;
        CREATE TRIGGER answers_search_delete AFTER DELETE ON answers
        WHEN old.kind = 'text'
        BEGIN
            DELETE FROM search_text WHERE rowid =
                (SELECT id FROM search_map WHERE session_id = old.session_id AND prompt_id = old.prompt_id);
            DELETE FROM search_map WHERE session_id = old.session_id AND prompt_id = old.prompt_id;
        END;
        CREATE TRIGGER answers_search_update AFTER UPDATE ON answers
        WHEN old.kind = 'text' OR new.kind = 'text'
        BEGIN
            DELETE FROM search_text WHERE rowid =
                (SELECT id FROM search_map WHERE session_id = old.session_id AND prompt_id = old.prompt_id);
            DELETE FROM search_map WHERE session_id = old.session_id AND prompt_id = old.prompt_id;
            INSERT INTO search_map (session_id, prompt_id)
            SELECT new.session_id, new.prompt_id WHERE new.kind = 'text' AND new.value_text IS NOT NULL;
            INSERT INTO search_text (rowid, body)
            SELECT id, new.value_text FROM search_map
            WHERE new.kind = 'text' AND new.value_text IS NOT NULL
                AND session_id = new.session_id AND prompt_id = new.prompt_id;
        END;
        INSERT INTO search_map (session_id, prompt_id)
        SELECT session_id, prompt_id FROM answers WHERE kind = 'text' AND value_text IS NOT NULL;
        INSERT INTO search_text (rowid, body)
        SELECT m.id, a.value_text FROM search_map m
        JOIN answers a ON a.session_id = m.session_id AND a.prompt_id = m.prompt_id;
        """
    )


def m003_session_ids_never_reused(db: Any) -> None:
    """A deleted session's id is never given to another session (AUTOINCREMENT), so an id in
    an old export, a note or a supervisor's copy always means the same session.

    SQLite cannot add AUTOINCREMENT to a table, so `sessions` is rebuilt by its documented
    procedure: new table, copy, drop, rename, then the indexes and the view again. The store
    runs migrations with foreign keys off, so dropping the old table touches no answer.
    """
    db.executescript(
        """
        DROP VIEW session_view;
        CREATE TABLE sessions_new (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            uuid TEXT NOT NULL UNIQUE,
            client TEXT NOT NULL,
            date TEXT NOT NULL,
            modality TEXT NOT NULL,
            logged_at TEXT NOT NULL,
            edited_at TEXT,
            prompt_set_id INTEGER NOT NULL REFERENCES prompt_sets(id)
        );
        INSERT INTO sessions_new (id, uuid, client, date, modality, logged_at, edited_at, prompt_set_id)
        SELECT id, uuid, client, date, modality, logged_at, edited_at, prompt_set_id FROM sessions;
        DROP TABLE sessions;
        ALTER TABLE sessions_new RENAME TO sessions;
        CREATE INDEX sessions_date ON sessions(date);
        CREATE INDEX sessions_client_date ON sessions(client, date);
        CREATE VIEW session_view AS
        SELECT s.*,
            (SELECT COUNT(*) FROM sessions p
             WHERE p.client = s.client AND (p.date < s.date OR (p.date = s.date AND p.id <= s.id))
            ) AS session_number
        FROM sessions s;
        """
    )


def m004_goals(db: Any) -> None:
    """Learning goals (deliberate practice): one chosen skill, kept for weeks. A goal is active
    from `started` until `ended` (both ISO dates); at most one is active at a time."""
    db.executescript(
        """
        CREATE TABLE goals (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            text TEXT NOT NULL,
            principle TEXT,
            started TEXT NOT NULL,
            ended TEXT
        );
        CREATE UNIQUE INDEX goals_one_active ON goals((ended IS NULL)) WHERE ended IS NULL;
        """
    )


# Append new steps at the end; the names are the record of what a journal has.
STEPS: list[Callable[[Any], None]] = [m001_journal, m002_search, m003_session_ids_never_reused, m004_goals]
NAMES: tuple[str, ...] = tuple(step.__name__ for step in STEPS)


def apply(conn: Any) -> None:
    """Apply pending steps on an open sqlite3 connection that already holds the write lock."""
    from sqlite_utils import Database, Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in STEPS:
        migrations(name=step.__name__)(step)
    migrations.apply(Database(conn, execute_plugins=False))
