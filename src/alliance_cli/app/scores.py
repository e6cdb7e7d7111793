"""Client scores entered after the session: `alliance client-score` and `alliance import-scores`.

A client often fills in a session rating on paper or in a feedback app, and the clinician
types the total later. A score goes to the prompt with the `client_score` role of the prompt
set in use, checked against the measure in use (`core.measures`, the `client_measure`
setting), exactly as `alliance log` checks it. alliance keeps the total only, never an
instrument's items.

`import-scores` reads a CSV file with the columns `client`, `date` (YYYY-MM-DD) and `score`
(other columns are passed over, as a feedback app's export has more), matches each row to
the one session with that client on that day, and writes all the scores in one
transaction, or none: every row that matches no session, matches two, holds a score outside
the measure's range, or would change a score already there (without `--replace`) is listed
by file, row (the header is row 1, as a spreadsheet counts) and field, and nothing is
written. A row with an empty score is passed over.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from alliance_cli.core.answers import coerce
from alliance_cli.core.inputs import check_client_code
from alliance_cli.core.messages import Hint, ProblemList, Stopped, count, no_session, plural
from alliance_cli.errors import AnswerError, InputError, Interrupted, NotFoundError
from alliance_cli.store.scores import (
    ScoreTarget,
    ScoreWrite,
    prompt_set_snapshot_of,
    score_target,
    score_targets_on,
    write_scores,
)

if TYPE_CHECKING:
    from alliance_cli.core.measures import Measure
    from alliance_cli.core.models import Prompt, PromptSet
    from alliance_cli.store.journal import Journal

COLUMNS = ("client", "date", "score")

NO_SCORE_PROMPT = (
    "Your prompt set has no prompt for the client's own score (role: client_score); "
    "the built-in set has one, `client_score`, to copy into yours."
)


def score_prompt(ps: PromptSet, measure: Measure) -> Prompt:
    """The prompt a client's score is an answer to, with the measure's range."""
    from alliance_cli.core.measures import with_measure
    from alliance_cli.core.vocabulary import roles_of

    prompt_id = roles_of(ps).client_score
    prompt = with_measure(ps, measure).prompt(prompt_id) if prompt_id else None
    if prompt is None:
        raise InputError(NO_SCORE_PROMPT)
    return prompt


def _num(value: float) -> str:
    return f"{value:g}"


class _Sets:
    """For each stored prompt set a score goes into: None when it has the score's prompt,
    else the set extended by it (version, JSON, digest). Worked out once per set."""

    def __init__(self, journal: Journal, prompt: Prompt) -> None:
        self.journal = journal
        self.prompt = prompt
        self.known: dict[int, tuple[int, str, str] | None] = {}

    def extended(self, target: ScoreTarget) -> tuple[int, str, str] | None:
        if target.prompt_set_id not in self.known:
            self.known[target.prompt_set_id] = self._extend(target)
        return self.known[target.prompt_set_id]

    def _extend(self, target: ScoreTarget) -> tuple[int, str, str] | None:
        from alliance_cli.core.models import PromptSet
        from alliance_cli.settings.prompts import prompt_set_snapshot

        version, body = prompt_set_snapshot_of(self.journal, target.prompt_set_id)
        data = json.loads(body)
        own = next((p for p in data.get("prompts") or [] if p.get("id") == self.prompt.id), None)
        if own is not None:
            if own.get("kind") != "number":
                raise InputError(
                    f"Session {target.session_id} was logged with a prompt set whose '{self.prompt.id}' "
                    f"prompt is not a number, so it cannot hold a score; give the score prompt another id."
                )
            return None
        ps = PromptSet.model_validate(data)
        declared = [p.role for p in ps.prompts if p.role]
        # Its role only where the set declares roles and no other prompt plays it (a set
        # without roles takes them from the ids: `core.vocabulary`).
        keep_role = bool(declared) and "client_score" not in declared
        added = self.prompt.model_copy(update={"role": "client_score" if keep_role else None})
        extended = PromptSet(
            version=ps.version,
            title=ps.title,
            principles=ps.principles,
            practices=ps.practices,
            prompts=[*ps.prompts, added],
        )
        text, digest = prompt_set_snapshot(extended)
        return version, text, digest


# -- one score ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreSaved:
    session_id: int
    client: str
    date: str
    value: float
    before: float | None  # the score the session held before, if any


def add_score(journal: Journal, ps: PromptSet, measure: Measure, session_id: int, raw: str) -> ScoreSaved:
    """Give session `session_id` the client's score `raw` (as typed), on `measure`."""
    prompt = score_prompt(ps, measure)
    try:
        value = coerce(prompt, raw)
    except ValueError as exc:
        raise InputError(f"score: {exc} (the {measure.name} total)") from None
    if value is None:
        raise InputError(f"score: give the {measure.name} total, from {measure.range_text}")
    target = score_target(journal, session_id, prompt.id)
    if target is None:
        raise NotFoundError(no_session(session_id))
    if target.score != value:
        snapshot = _Sets(journal, prompt).extended(target)
        write_scores(journal, prompt.id, [ScoreWrite(session_id, value, snapshot)])
    return ScoreSaved(session_id, target.client, target.date, value, target.score)


def saved_line(saved: ScoreSaved, measure: Measure) -> str:
    where = f"session {saved.session_id} ({saved.client}, {saved.date})"
    if saved.before == saved.value:
        return f"The {measure.name} score of {where} was already {_num(saved.value)}; nothing changed."
    line = f"Saved the client's {measure.name} score {_num(saved.value)} for {where}"
    if saved.before is not None:
        line += f", in place of {_num(saved.before)}"
    return line + "."


# -- a file of scores ----------------------------------------------------------------------


@dataclass
class ScoresOutcome:
    measure: str
    added: int = 0
    replaced: int = 0
    unchanged: int = 0
    empty: int = 0  # rows without a score, passed over
    dry_run: bool = False
    sessions: list[int] = field(default_factory=list)


@contextmanager
def _opened(source: Path) -> Iterator[tuple[IO[str], str]]:
    name = "stdin" if str(source) == "-" else str(source)
    try:
        binary = sys.stdin.buffer if str(source) == "-" else open(source, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        raise InputError(f"{name}: file not found.") from None
    except IsADirectoryError:
        raise InputError(f"{name} is a folder; give a CSV file of scores.") from None
    except OSError as exc:
        raise InputError(f"{name}: cannot read the file ({exc.strerror}).") from None
    # utf-8-sig: a spreadsheet may have saved the file with a byte-order mark.
    text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
    try:
        yield text, name
    finally:
        if str(source) == "-":
            text.detach()
        else:
            text.close()


def _rows(text: IO[str], name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, strict=True)
    number = 0
    try:
        for number, row in enumerate(reader, 1):  # noqa: B007 - `number` names the row of a read error
            yield number, row
    except csv.Error as exc:
        raise InputError(f"{name}, row {number + 1}: not valid CSV ({exc}).") from None
    except UnicodeDecodeError:
        raise InputError(
            f"{name}, row {number + 1}: the file is not UTF-8 text; save it as UTF-8 (in a spreadsheet: CSV UTF-8)."
        ) from None


def _header(row: list[str], name: str) -> dict[str, int]:
    names = [cell.strip().lower() for cell in row]
    problems = []
    for column in COLUMNS:
        if names.count(column) > 1:
            problems.append(f"{name}: the '{column}' column appears twice.")
        elif column not in names:
            problems.append(f"{name}: the '{column}' column is missing.")
    if problems:
        problems.append("The first row must name the columns client, date and score (others are passed over).")
        raise AnswerError(problems[0], problems)
    return {column: names.index(column) for column in COLUMNS}


def import_scores(
    journal: Journal,
    ps: PromptSet,
    measure: Measure,
    source: Path,
    *,
    replace: bool = False,
    dry_run: bool = False,
) -> ScoresOutcome:
    """Read the scores in `source` ('-' for stdin), match each to its session, write them all or none."""
    try:
        return _import_scores(journal, ps, measure, source, replace=replace, dry_run=dry_run)
    except KeyboardInterrupt:
        raise Interrupted(Stopped.NOTHING_IMPORTED) from None


def _import_scores(
    journal: Journal, ps: PromptSet, measure: Measure, source: Path, *, replace: bool, dry_run: bool
) -> ScoresOutcome:
    prompt = score_prompt(ps, measure)
    sets = _Sets(journal, prompt)
    outcome = ScoresOutcome(measure.name, dry_run=dry_run)
    writes: dict[int, ScoreWrite] = {}
    first_row: dict[int, tuple[int, Any]] = {}  # session id -> (row, score) that matched it first
    with _opened(source) as (text, name):
        problems = ProblemList(name)
        rows = _rows(text, name)
        header = next(rows, None)
        if header is None or not any(cell.strip() for cell in header[1]):
            raise AnswerError(f"{name}: the file is empty; expected a first row naming client, date and score.")
        where = _header(header[1], name)
        width = len(header[1])
        for number, row in rows:
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) != width:
                problems.add(f"row {number}", "row", f"has {count(len(row), 'cell')}; the header has {width}")
                continue
            raw_client, raw_date, raw_score = (row[where[c]] for c in COLUMNS)
            if not raw_score.strip():
                outcome.empty += 1
                continue
            checked = _check_row(problems, number, prompt, measure, raw_client, raw_date, raw_score)
            if checked is None:
                continue
            client, day, value = checked
            found = score_targets_on(journal, client, day.isoformat(), prompt.id)
            if not found:
                problems.add(f"row {number}", "client, date", f"no session with {client} on {day.isoformat()}")
                continue
            if len(found) > 1:
                ids = " and ".join(str(t.session_id) for t in found)
                problems.add(
                    f"row {number}",
                    "client, date",
                    f"{count(len(found), 'session')} with {client} on {day.isoformat()} ({ids}); "
                    f"give each its score with {Hint.CLIENT_SCORE}",
                )
                continue
            target = found[0]
            if target.session_id in first_row:
                earlier, score = first_row[target.session_id]
                if score != value:
                    problems.add(f"row {number}", "score", f"row {earlier} gives the same session another score")
                continue
            first_row[target.session_id] = (number, value)
            if target.score == value:
                outcome.unchanged += 1
                continue
            if target.score is not None:
                if not replace:
                    problems.add(
                        f"row {number}",
                        "score",
                        f"session {target.session_id} already has the score {_num(target.score)}; "
                        "--replace puts the file's in its place",
                    )
                    continue
                outcome.replaced += 1
            else:
                outcome.added += 1
            try:
                snapshot = sets.extended(target)
            except InputError as exc:
                problems.add(f"row {number}", "score", exc.message)
                continue
            writes[target.session_id] = ScoreWrite(target.session_id, value, snapshot)
    if problems:
        lines = problems.summary("Nothing was imported: correct these rows (or take them out) and run it again.")
        raise AnswerError(lines[0], lines)
    outcome.sessions = sorted(writes)
    if writes and not dry_run:
        write_scores(journal, prompt.id, list(writes.values()))
    return outcome


def _check_row(
    problems: ProblemList, number: int, prompt: Prompt, measure: Measure, raw_client: str, raw_date: str, raw_score: str
) -> tuple[str, date, float] | None:
    ok = True
    client = ""
    try:
        client = check_client_code(raw_client)
    except InputError as exc:
        problems.add(f"row {number}", "client", exc.message.rstrip("."))
        ok = False
    day = None
    try:
        day = date.fromisoformat(raw_date.strip())
    except ValueError:
        problems.add(f"row {number}", "date", "expected a date as YYYY-MM-DD")
        ok = False
    value = None
    try:
        value = coerce(prompt, raw_score)
    except ValueError as exc:
        problems.add(f"row {number}", "score", f"{exc} (the {measure.name} total)")
        ok = False
    if not ok or day is None or value is None:
        return None
    return client, day, value


def outcome_lines(outcome: ScoresOutcome, source: str) -> list[str]:
    """What happened, in words, for stderr."""
    would = outcome.dry_run
    lines = [
        f"{'Would add' if would else 'Added'} {count(outcome.added, 'client score')} ({outcome.measure}) from {source}."
    ]
    if outcome.replaced:
        n = outcome.replaced
        lines.append(f"{'Would replace' if would else 'Replaced'} {count(n, 'score')} with the file's.")
    if outcome.unchanged:
        n = outcome.unchanged
        lines.append(f"{count(n, 'score')} {plural(n, 'was')} already in the journal, unchanged.")
    if outcome.empty:
        n = outcome.empty
        lines.append(f"{count(n, 'row')} without a score {plural(n, 'was')} passed over.")
    if would:
        lines.append("Dry run: nothing was changed.")
    return lines


def review_note(journal: Journal) -> str | None:
    """A line when the review cannot read scores yet: the journal's latest prompt set (which
    the review goes by) has no client-score prompt, being older than this one."""
    from alliance_cli.store.journal import journal_roles

    if journal_roles(journal).client_score is not None:
        return None
    return (
        "Note: the weekly review reads client scores by the prompt set of your latest session, which has "
        f"no client-score prompt; they show there from your next `alliance log` on. ({Hint.PROMPTS})"
    )
