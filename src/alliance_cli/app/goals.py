"""Learning goals: one chosen skill, kept for weeks, practised and measured (deliberate practice).

`alliance goal set/list/done` come here. A goal's text is free text like a reflection, so it
goes through the privacy guard exactly as a scripted `log` answer does: a warning per kind of
detail found, or with `strict` a refusal and nothing saved. Its principle, when given, must
be one of the prompt set's principles or practices (the review follows that rating).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from alliance_cli.core.inputs import check_text
from alliance_cli.core.models import PromptSet
from alliance_cli.core.privacy import Watchlist, describe, find_identifiers
from alliance_cli.core.records import Goal
from alliance_cli.errors import InputError, NotFoundError, PrivacyError
from alliance_cli.store.goals import add_goal, end_goal
from alliance_cli.store.journal import Journal

MAX_GOAL = 200  # characters: a goal is a line, not a reflection


@dataclass(frozen=True)
class SetGoal:
    goal: Goal
    warnings: list[str]  # privacy findings, safe to print (kinds, never the text)


def check_principle(ps: PromptSet, principle: str | None) -> str | None:
    """`principle` as an id of the prompt set's principles or practices; InputError else."""
    if principle is None:
        return None
    wanted = principle.strip().lower().replace("-", "_").replace(" ", "_")
    ids = [a.id for a in (*ps.principles, *ps.practices)]
    if wanted in ids:
        return wanted
    raise InputError(f"'{principle}' is not a principle or practice of the prompt set; use one of: {', '.join(ids)}.")


def check_goal_text(text: str) -> str:
    """The goal's text, trimmed; refused when empty or longer than a line."""
    text = " ".join(check_text(text, "goal").split())
    if not text:
        raise InputError("The goal is empty; say in a few words what you want to practise.")
    if len(text) > MAX_GOAL:
        raise InputError(f"The goal is {len(text)} characters long; keep it to {MAX_GOAL} (one skill, in a line).")
    return text


def set_goal(
    journal: Journal,
    ps: PromptSet,
    text: str,
    principle: str | None,
    day: date,
    *,
    strict: bool,
    watchlist: Watchlist | None,
    region: str | None,
) -> SetGoal:
    """Check and save a new learning goal, active from `day`."""
    text = check_goal_text(text)
    principle = check_principle(ps, principle)
    findings = find_identifiers(text, watchlist, region)
    lines = [f"goal: may hold {describe(findings)}"] if findings else []
    if lines and strict:
        advice = "Nothing was saved: take these details out, or leave out --strict to save with a warning."
        raise PrivacyError(lines[0], [*lines, advice])
    return SetGoal(add_goal(journal, text, principle, day), lines)


def finish_goal(journal: Journal, day: date) -> Goal:
    """Mark the active goal done on `day`; NotFoundError when none is active."""
    goal = end_goal(journal, day)
    if goal is None:
        raise NotFoundError('No learning goal is active; `alliance goal set "…"` starts one.')
    return goal
