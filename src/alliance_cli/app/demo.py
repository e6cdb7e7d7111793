"""`alliance demo`: the weekly review of a sample journal, so a newcomer sees it before logging.

The sample lives in its own file (demo.db in the per-user data folder wherever the journal
is, or the --db given to demo) and is filled once by `sample.generate`, the generator the
benchmarks use, ending today, with a learning goal set a few weeks before.
A file that already holds sessions is only read, never added to, and the real journal
(the default path, or ALLIANCE_DB) is refused outright, so the demo cannot touch it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_cli.errors import InputError
from alliance_cli.settings.config import resolve_db_path
from alliance_cli.settings.paths import bundled_prompts_path, user_data_dir

if TYPE_CHECKING:
    from collections.abc import Iterator

    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.records import NewSession
    from alliance_cli.core.report import Report

DEMO_NAME = "demo.db"
DEMO_SESSIONS = 800  # about four months of a full caseload
DEMO_SEED = 8  # its last two weeks (to 2026-11-30) hold cases marked for supervision: docs/brief.png
# The sample's learning goal, set a few weeks before the demo's today and still active.
DEMO_GOAL = "Summarise once in every session and ask what I missed"
DEMO_GOAL_PRINCIPLE = "active_listening"
DEMO_GOAL_WEEKS = 4


@dataclass
class Demo:
    path: Path
    made: int  # sessions written now (0 when the sample was already there)
    report: Report


def demo_path(flag: Path | None) -> Path:
    path = flag.expanduser() if flag is not None else user_data_dir() / DEMO_NAME
    if path.resolve() == resolve_db_path(None).resolve():
        raise InputError(f"{path} is your journal; the demo only uses a separate sample file (try another --db).")
    return path


def demo_goal_start(today: date) -> date:
    return today - timedelta(weeks=DEMO_GOAL_WEEKS)


def demo_sessions(ps: PromptSet, today: date) -> Iterator[NewSession]:
    """The sample's sessions, the same every time for the same today."""
    from alliance_cli.app.sample import generate

    return generate(
        ps,
        sessions=DEMO_SESSIONS,
        end=today,
        seed=DEMO_SEED,
        goal_since=demo_goal_start(today),
        goal_principle=DEMO_GOAL_PRINCIPLE,
    )


def run_demo(flag: Path | None = None, *, today: date | None = None) -> Demo:
    """Fill the sample journal if it is new or empty, and review its last seven days."""
    from alliance_cli.app.review import load_report
    from alliance_cli.core.periods import Period
    from alliance_cli.settings.prompts import load_prompt_set
    from alliance_cli.store.goals import add_goal, goals
    from alliance_cli.store.journal import open_journal
    from alliance_cli.store.review import last_session_date

    path = demo_path(flag)
    ps = load_prompt_set(bundled_prompts_path())
    made = 0
    with open_journal(path, create=True) as journal:
        if last_session_date(journal) is None:
            day = today or date.today()
            made = journal.save_sessions(demo_sessions(ps, day))
            if not goals(journal):
                add_goal(journal, DEMO_GOAL, DEMO_GOAL_PRINCIPLE, demo_goal_start(day))
        end = last_session_date(journal) or today or date.today()
        report = load_report(journal, ps, Period(end - timedelta(days=6), end))
    return Demo(path, made, report)
