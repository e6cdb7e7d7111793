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


# The five principles of the default prompt set: a column each in `session_summary`.
SUMMARY_PRINCIPLES = ("empathy", "respect", "genuineness", "positive_regard", "active_listening")
# The other columns of `session_roles`: the role (or, for prompts that play none, the
# default id) whose answer fills each.
ROLE_COLUMNS = (
    ("client_view", "r.role = 'client_view'"),
    ("client_score", "r.role = 'client_score'"),
    ("rupture", "r.role = 'rupture'"),
    ("rupture_kind", "r.role = 'rupture_kind'"),
    ("rupture_markers", "r.role = 'rupture_markers'"),
    ("repair_tried", "r.prompt_id = 'repair_tried'"),
    ("repair_strategies", "r.role = 'repair_strategies'"),
    ("repair_response", "r.role = 'repair_response'"),
    ("repaired", "r.role = 'repaired'"),
    ("my_part", "r.role = 'my_part'"),
    ("rupture_revisited", "r.role = 'rupture_revisited'"),
    ("went_well", "r.prompt_id = 'went_well'"),
    ("do_differently", "r.prompt_id = 'do_differently'"),
    ("feelings", "r.role = 'feelings'"),
    ("going_on", "r.role = 'analysis'"),
    ("intention", "r.role = 'intention'"),
    ("intention_followed", "r.role = 'intention_followed'"),
    ("intention_note", "r.prompt_id = 'intention_note'"),
)
# An answer as a person reads it: yes/no, several choices joined with "; ", else as stored.
READABLE_VALUE = (
    "CASE a.kind WHEN 'yesno' THEN CASE WHEN a.value_num THEN 'yes' ELSE 'no' END "
    "WHEN 'multi' THEN (SELECT group_concat(c.value, '; ') FROM json_each(a.value_text) c) "
    "ELSE coalesce(a.value_num, a.value_text) END"
)


# The client's next session after session `r` (by date, then id, as session numbers count).
NEXT_SESSION = (
    "SELECT m.id FROM sessions m WHERE m.client = r.client "
    "AND (m.date > r.date OR (m.date = r.date AND m.id > r.session_id)) ORDER BY m.date, m.id LIMIT 1"
)


def _answer_column(name: str, prompt: str) -> str:
    """A column of `session_roles`: the answer of the session's prompt that `prompt` picks in
    its own prompt set (the last one, as `core.vocabulary.resolve` takes the last rating),
    found by the answers' primary key."""
    return (
        f"(SELECT {READABLE_VALUE} FROM answers a WHERE a.session_id = s.id AND a.prompt_id = ("
        f"SELECT r.prompt_id FROM prompt_roles r WHERE r.prompt_set_id = s.prompt_set_id AND {prompt} "
        f"ORDER BY r.position DESC LIMIT 1)) AS {name}"
    )


def m005_readable_views(db: Any) -> None:
    """Views for people and tools (Datasette, the sqlite3 shell, a spreadsheet's database
    import), and the search index as Datasette finds it. README: "Schema".

    The views are static SQL that depend on no prompt id of the day: each session is read
    through the prompt set it was logged with (`prompt_sets.snapshot`, with SQLite's JSON
    functions), so a prompt renamed or a new prompt set needs no new view. A rating belongs
    to a principle by the prompt's `principle`, an answer plays a role by the prompt's
    `role` (or, in a set that declares no role, by an id named after the role), as
    `core.vocabulary.resolve` reads them; only `went_well`, `do_differently`,
    `repair_tried` and `intention_note`, which play no role, are found by the default ids.

    - `prompt_roles`: each prompt of each stored prompt set, with its kind, principle,
      role and label (DISTINCT, so that SQLite reads the JSON once per query, not once
      per answer).
    - `answer_values`: each answer as a person reads it (yes/no, several choices joined
      with "; "), with its prompt's principle, role and label.
    - `session_roles`: one row per session, a column per principle and role; each cell is
      one lookup by the answers' primary key, so a query that keeps a few sessions (a
      client, Datasette's first page) reads only theirs.
    - `session_summary`: one row per session: the five ratings, the client's view and
      score, whether there was a rupture, and the main written answers.
    - `ruptures`: one row per session with a rupture: what it was, the repair, and how it
      stood at the client's next session.
    - `intentions`: one row per intention, with whether it was carried out, as said at the
      client's next session.

    The search index becomes an external-content FTS5 table over `search_map`, which now
    holds each written answer's text (`body`) beside its session and prompt: the
    convention (`content="search_map"`) by which Datasette and sqlite-utils find a table's
    full-text index. The triggers keep both in step as before; the text is stored once, as
    it was (in the index's own content table) before.
    """
    columns = [
        *(_answer_column(name, f"r.kind = 'rating' AND r.principle = '{name}'") for name in SUMMARY_PRINCIPLES),
        *(_answer_column(name, prompt) for name, prompt in ROLE_COLUMNS),
    ]
    session_roles = (
        "CREATE VIEW session_roles AS\n"
        "SELECT s.id AS session_id, s.date, s.client, s.session_number, s.modality,\n    "
        + ",\n    ".join(columns)
        + "\nFROM session_view s;\n"
    )
    db.executescript(
        """
        DROP TRIGGER answers_search_insert;
        DROP TRIGGER answers_search_delete;
        DROP TRIGGER answers_search_update;
        DROP TABLE search_text;
        ALTER TABLE search_map ADD COLUMN body TEXT;
        UPDATE search_map SET body = (
            SELECT a.value_text FROM answers a
            WHERE a.session_id = search_map.session_id AND a.prompt_id = search_map.prompt_id
        );
        CREATE VIRTUAL TABLE search_text USING fts5(
            body, content="search_map", content_rowid="id", tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO search_text (search_text) VALUES ('rebuild');
        CREATE TRIGGER answers_search_insert AFTER INSERT ON answers
        WHEN new.kind = 'text' AND new.value_text IS NOT NULL
        BEGIN
            INSERT INTO search_map (session_id, prompt_id, body) VALUES (new.session_id, new.prompt_id, new.value_text);
            INSERT INTO search_text (rowid, body)
            SELECT id, body FROM search_map WHERE session_id = new.session_id AND prompt_id = new.prompt_id;
        END;
        CREATE TRIGGER answers_search_delete AFTER DELETE ON answers
        WHEN old.kind = 'text'
        BEGIN
            INSERT INTO search_text (search_text, rowid, body)
            SELECT 'delete', id, body FROM search_map WHERE session_id = old.session_id AND prompt_id = old.prompt_id;
            DELETE FROM search_map WHERE session_id = old.session_id AND prompt_id = old.prompt_id;
        END;
        CREATE TRIGGER answers_search_update AFTER UPDATE ON answers
        WHEN old.kind = 'text' OR new.kind = 'text'
        BEGIN
            INSERT INTO search_text (search_text, rowid, body)
            SELECT 'delete', id, body FROM search_map WHERE session_id = old.session_id AND prompt_id = old.prompt_id;
            DELETE FROM search_map WHERE session_id = old.session_id AND prompt_id = old.prompt_id;
            INSERT INTO search_map (session_id, prompt_id, body)
            SELECT new.session_id, new.prompt_id, new.value_text WHERE new.kind = 'text' AND new.value_text IS NOT NULL;
            INSERT INTO search_text (rowid, body)
            SELECT id, body FROM search_map
            WHERE new.kind = 'text' AND new.value_text IS NOT NULL
                AND session_id = new.session_id AND prompt_id = new.prompt_id;
        END;

        CREATE VIEW prompt_roles AS
        SELECT DISTINCT ps.id AS prompt_set_id, ps.version AS prompt_set_version, p.key AS position,
            json_extract(p.value, '$.id') AS prompt_id,
            json_extract(p.value, '$.kind') AS kind,
            json_extract(p.value, '$.principle') AS principle,
            coalesce(
                json_extract(p.value, '$.role'),
                CASE WHEN NOT EXISTS (
                    SELECT 1 FROM json_each(ps.snapshot, '$.prompts') q
                    WHERE json_extract(q.value, '$.role') IS NOT NULL
                ) THEN json_extract(p.value, '$.id') END
            ) AS role,
            coalesce(json_extract(p.value, '$.label'), json_extract(p.value, '$.text')) AS label,
            json_extract(p.value, '$.text') AS text
        FROM prompt_sets ps, json_each(ps.snapshot, '$.prompts') p;

        CREATE VIEW answer_values AS
        SELECT a.session_id, s.date, s.client, a.prompt_id, a.kind, r.principle, r.role, r.label,
            """
        + READABLE_VALUE
        + """ AS value
        FROM answers a
        JOIN sessions s ON s.id = a.session_id
        LEFT JOIN prompt_roles r ON r.prompt_set_id = s.prompt_set_id AND r.prompt_id = a.prompt_id;

        """
        + session_roles
        + """
        CREATE VIEW session_summary AS
        SELECT session_id, date, client, session_number, modality,
            empathy, respect, genuineness, positive_regard, active_listening,
            client_view, client_score, rupture, went_well, do_differently, feelings, going_on, intention
        FROM session_roles;

        CREATE VIEW ruptures AS
        SELECT r.session_id, r.date, r.client, r.session_number, r.rupture_kind AS kind, r.rupture_markers AS markers,
            r.repair_tried, r.repair_strategies, r.repair_response, r.repaired, r.my_part,
            n.session_id AS next_session_id, n.date AS next_date, n.rupture_revisited AS revisited_next_time,
            CASE WHEN coalesce(r.repaired, '') <> 'yes' AND coalesce(n.rupture_revisited, '') <> 'yes'
                THEN 'yes' ELSE 'no' END AS still_open
        FROM session_roles r
        LEFT JOIN session_roles n ON n.session_id = ("""
        + NEXT_SESSION
        + """)
        WHERE r.rupture = 'yes';

        CREATE VIEW intentions AS
        SELECT r.session_id, r.date, r.client, r.session_number, r.intention,
            n.session_id AS next_session_id, n.date AS next_date,
            n.intention_followed AS carried_out, n.intention_note AS follow_up_note
        FROM session_roles r
        LEFT JOIN session_roles n ON n.session_id = ("""
        + NEXT_SESSION
        + """)
        WHERE r.intention IS NOT NULL AND trim(r.intention) <> '';
        """
    )


# Append new steps at the end; the names are the record of what a journal has.
STEPS: list[Callable[[Any], None]] = [
    m001_journal,
    m002_search,
    m003_session_ids_never_reused,
    m004_goals,
    m005_readable_views,
]
NAMES: tuple[str, ...] = tuple(step.__name__ for step in STEPS)


def apply(conn: Any) -> None:
    """Apply pending steps on an open sqlite3 connection that already holds the write lock."""
    import sqlite3

    from sqlite_utils import Database, Migrations

    class Linear(Database):
        """sqlite_utils splits a script inside a transaction by trying every prefix, one more
        character at a time (quadratic: some 0.3 s of a new journal's start); a statement can
        only end at a ';', so only there is it tried. The same statements, in the same order."""

        def executescript(self, sql: str) -> sqlite3.Cursor:
            if not self.conn.in_transaction:
                return super().executescript(sql)
            cursor = self.conn.cursor()
            pending = ""
            for piece in sql.split(";"):
                pending += piece + ";"
                if sqlite3.complete_statement(pending.strip()):
                    cursor.execute(pending.strip())
                    pending = ""
            if pending[:-1].strip():  # what follows the last ';' (the split added one)
                cursor.execute(pending[:-1].strip())
            return cursor

    migrations = Migrations(MIGRATION_SET)
    for step in STEPS:
        migrations(name=step.__name__)(step)
    migrations.apply(Linear(conn, execute_plugins=False))
