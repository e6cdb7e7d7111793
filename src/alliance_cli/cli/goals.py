"""Learning goals: set one skill to practise for weeks, list them, mark the active one done."""

from typing import Annotated, Any, Optional

import typer

from alliance_cli.cli.root import (
    AllianceGroup,
    DbOption,
    Format,
    PromptsOption,
    _open,
    _prompt_set,
    _say,
    app,
    format_option,
)

goal_app = typer.Typer(
    cls=AllianceGroup,
    help="A learning goal: one skill you practise for a few weeks; the log asks whether you practised it.\n\n"
    '    alliance goal set "Reflect first" --principle empathy',
    no_args_is_help=True,
)
app.add_typer(goal_app, name="goal")

GoalDateOption = Annotated[
    Optional[str],
    typer.Option("--date", "-d", help="The day: 2026-11-02, today, yesterday, friday, 3 days ago (default: today)."),
]


def _day(value: str | None) -> Any:
    from datetime import date

    from alliance_cli.core.inputs import parse_date

    return date.today() if value is None else parse_date(value)


@goal_app.command("set")
def goal_set(
    text: Annotated[str, typer.Argument(metavar="GOAL", help="The skill to practise, in a line.")],
    principle: Annotated[
        Optional[str],
        typer.Option("--principle", "-p", help="The principle or practice it works on (its rating follows it)."),
    ] = None,
    date: GoalDateOption = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse a goal that could identify a client (else: a warning).")
    ] = False,
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Start a learning goal, active until `alliance goal done` (one at a time).

    alliance goal set "Reflect feelings first" --principle empathy

    While it is active, `alliance log` asks once whether you practised it. The goal is
    checked by the privacy guard like any written answer.
    """
    from alliance_cli.app.goals import set_goal
    from alliance_cli.app.watchlist import journal_watchlist
    from alliance_cli.settings.config import privacy_region

    ps = _prompt_set(prompts)[0]
    day = _day(date)
    with _open(db, create=True, writes=True) as journal:
        result = set_goal(
            journal,
            ps,
            text,
            principle,
            day,
            strict=strict,
            watchlist=journal_watchlist(journal),
            region=privacy_region(),
        )
    for line in result.warnings:
        _say(f"alliance: warning: {line} (saved anyway; --strict refuses instead)")
    goal = result.goal
    on = f" (on {goal.principle})" if goal.principle else ""
    _say(f"Learning goal {goal.id} set from {goal.started}{on}; `alliance goal done` when you move on.")


@goal_app.command("list")
def goal_list(
    fmt: Annotated[Format, format_option(Format.table, Format.json, Format.jsonl, Format.csv)] = Format.table,
    db: DbOption = None,
) -> None:
    """List your learning goals, the oldest first; the active one has no end date.

    Keys for json, jsonl and csv: id, text, principle, started, ended (empty while active).

    alliance goal list --format json
    """
    from dataclasses import asdict

    from alliance_cli.store.goals import goals
    from alliance_cli.ui.formats import emit

    with _open(db, readonly=True) as journal:
        found = goals(journal)
    if fmt is Format.table and not found:
        _say('No learning goals yet. Start one with `alliance goal set "…"`.')
        return

    def table(width: int) -> Any:
        from alliance_cli.ui.goals import goals_table

        return goals_table(found, width)

    emit(
        fmt,
        view=table,
        records=(asdict(g) for g in found),
        columns=["id", "text", "principle", "started", "ended"],
    )


@goal_app.command("done")
def goal_done(date: GoalDateOption = None, db: DbOption = None) -> None:
    """Mark the active learning goal done (it stays in `alliance goal list`).

    alliance goal done
    """
    from alliance_cli.app.goals import finish_goal

    day = _day(date)
    with _open(db, writes=True) as journal:
        goal = finish_goal(journal, day)
    _say(
        f"Learning goal {goal.id} done on {goal.ended} (set on {goal.started}); set the next with `alliance goal set`."
    )
