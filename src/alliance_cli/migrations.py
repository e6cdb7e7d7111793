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


# Append new steps at the end; the names are the record of what a journal has.
STEPS: list[Callable[[Any], None]] = [m001_journal]
NAMES: tuple[str, ...] = tuple(step.__name__ for step in STEPS)


def apply(conn: Any) -> None:
    """Apply pending steps on an open sqlite3 connection that already holds the write lock."""
    from sqlite_utils import Database, Migrations

    migrations = Migrations(MIGRATION_SET)
    for step in STEPS:
        migrations(name=step.__name__)(step)
    migrations.apply(Database(conn, execute_plugins=False))
