"""Helpers shared by the export/import tests: journals filled through the store, bytes of a run."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from alliance_cli.app.log import new_session
from alliance_cli.core.answers import validate_answers
from alliance_cli.core.models import PromptSet
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set, parse_prompt_set
from alliance_cli.store.journal import open_journal

RATINGS = {"empathy": 7, "respect": 8, "genuineness": 6, "positive_regard": 8, "active_listening": 5}
BASIC = {**RATINGS, "rupture": False}

# A small prompt set with every kind, choice labels a spreadsheet would run, and a `when:`.
TRICKY_PROMPTS = """
version: 3
principles:
  - {id: empathy, title: Empathy, description: Understanding., tips: [Reflect the feeling.]}
practices:
  - {id: rapport, title: Rapport, description: Trust., tips: [Follow through.]}
prompts:
  - {id: empathy, kind: rating, principle: empathy, required: true, text: Empathy?, min: 0, max: 10}
  - {id: note, kind: text, principle: empathy, text: What happened?}
  - id: mood
    kind: choice
    text: Mood?
    choices: ["-", "=calm", "@ease", "plain, with a comma", 'say "hi"', "+"]
  - {id: tags, kind: multi, principle: rapport, text: Tags?, choices: ["+1", two words, "'quoted", "=sum", three]}
  - {id: done, kind: yesno, principle: rapport, text: Done?}
  - {id: minutes, kind: number, text: Minutes?, min: -100, max: 1000}
  - {id: why, kind: text, text: Why not?, when: {prompt: done, equals: no}}
"""


def bundled() -> PromptSet:
    return load_prompt_set(bundled_prompts_path())


def tricky() -> PromptSet:
    return parse_prompt_set(TRICKY_PROMPTS, "tricky.yaml")


def fill(
    path: Path,
    ps: PromptSet,
    sessions: Iterable[tuple[str, date, str, Mapping[str, Any]]],
    *,
    delete: Iterable[int] = (),
) -> None:
    """Write sessions (client, day, modality, raw answers) as `alliance log` would; then delete some ids."""
    with open_journal(path, create=True) as journal:
        journal.save_sessions(
            new_session(ps, client, day, modality, validate_answers(ps, answers))
            for client, day, modality, answers in sessions
        )
        ids = list(delete)
        if ids:
            with journal.write() as conn:
                conn.executemany("DELETE FROM sessions WHERE id = ?", [(i,) for i in ids])


def count(path: Path, table: str = "sessions") -> int:
    import sqlite3

    if not path.exists():
        return 0
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def run_bytes(*args: str, db: Path, input: bytes | None = None) -> tuple[int, bytes, str]:
    """Run the CLI in-process; stdout as bytes (CliRunner's text turns CRLF into LF)."""
    from alliance_cli.cli.main import app

    result = CliRunner().invoke(app, list(args), input=input, env={"ALLIANCE_DB": str(db)}, catch_exceptions=False)
    return result.exit_code, result.stdout_bytes, result.stderr


def validated(ps: PromptSet, raw: Mapping[str, Any], history: frozenset[str]) -> dict[str, Any] | None:
    """What `validate_answers` makes of `raw`, or None where it refuses it: what import's quick
    check must agree with."""
    from alliance_cli.errors import AnswerError

    try:
        return validate_answers(ps, dict(raw), history=history)
    except AnswerError:
        return None


def bulk_and_per_answer(folder: Path) -> tuple[Path, Path]:
    """Two new journals in `folder`: one whose search index trigger is the one import knows
    (filled in bulk), one whose trigger differs by a comment only (filled answer by answer)."""
    import sqlite3

    bulk, per_answer = folder / "bulk.db", folder / "per-answer.db"
    for db in (bulk, per_answer):
        with open_journal(db, create=True):
            pass
    with sqlite3.connect(per_answer) as conn:
        (trigger,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'answers_search_insert'").fetchone()
        conn.execute("DROP TRIGGER answers_search_insert")
        conn.execute(trigger.replace("BEGIN", "BEGIN -- one answer at a time\n", 1))
    return bulk, per_answer
