"""The client's own scores, entered after the session: client-score and import-scores."""

from pathlib import Path
from typing import Annotated

import typer

from alliance_cli.cli.root import DbOption, PromptsOption, _open, _prompt_set, _say, app


@app.command("client-score")
def client_score(
    session_id: Annotated[int, typer.Argument(metavar="ID", help="Session id, as `alliance list` shows it.")],
    value: Annotated[str, typer.Argument(metavar="VALUE", help="The client's total, e.g. 34.5 on the SRS.")],
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Add the client's own score to a session, when it came after the log.

    The score is the total on the measure you use (`client_measure` in `alliance config`:
    the SRS, 0 to 40, unless you set another); alliance keeps the total only. A score the
    session already has is replaced, and the message says which it was.

        alliance client-score 42 34.5
    """
    from alliance_cli.app.scores import add_score, review_note, saved_line
    from alliance_cli.settings.config import client_measure

    measure = client_measure()
    ps, _ = _prompt_set(prompts)
    with _open(db) as journal:
        saved = add_score(journal, ps, measure, session_id, value)
        note = review_note(journal)
    _say(saved_line(saved, measure))
    if note:
        _say(note)


@app.command("import-scores")
def import_scores(
    file: Annotated[
        Path,
        typer.Argument(help="A CSV file with the columns client, date and score ('-' reads stdin).", allow_dash=True),
    ],
    replace: Annotated[
        bool, typer.Option("--replace", help="Where a session has another score already, take the file's.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check the file and say what would change.")] = False,
    db: DbOption = None,
    prompts: PromptsOption = None,
) -> None:
    """Add clients' scores from a CSV file, each matched to its session by client code and date.

    The columns are client, date (YYYY-MM-DD) and score, the total on your measure
    (`client_measure`); other columns are passed over. Every row is checked first: a row
    that matches no session, or two on one day, or holds a score out of range, is listed
    with its row and field, and nothing is imported.

        alliance import-scores srs-november.csv --dry-run
    """
    from alliance_cli.app.scores import import_scores as read_and_write
    from alliance_cli.app.scores import outcome_lines, review_note
    from alliance_cli.settings.config import client_measure

    measure = client_measure()
    ps, _ = _prompt_set(prompts)
    with _open(db) as journal:
        outcome = read_and_write(journal, ps, measure, file, replace=replace, dry_run=dry_run)
        note = review_note(journal) if outcome.sessions and not dry_run else None
    for line in outcome_lines(outcome, "stdin" if str(file) == "-" else str(file)):
        _say(line)
    if note:
        _say(note)
