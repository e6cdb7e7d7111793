"""What logging a session and editing one share: the answers file, the field checks, the
facts from earlier sessions, the privacy guard (scripted and interactive), the draft's line.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from alliance_cli.errors import AnswerError, InputError

if TYPE_CHECKING:
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.models import PromptSet
    from alliance_cli.settings.watchlist import Watchlist
    from alliance_cli.store.journal import Journal

SESSION_KEYS = ("client", "date", "modality")
T = TypeVar("T")


def split_answers_file(data: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """An --answers document as (session fields, prompt answers).

    Either a flat mapping of prompt ids, or one with `answers:` beside client/date/modality.
    """
    if not isinstance(data, dict):
        raise AnswerError("The answers file must hold a mapping of prompt ids to answers.")
    fields = {k: data[k] for k in SESSION_KEYS if k in data}
    if "answers" in data:
        if not isinstance(data["answers"], dict):
            raise AnswerError("'answers:' must be a mapping of prompt ids to answers, such as 'empathy: 7'.")
        extra = [k for k in data if k not in (*SESSION_KEYS, "answers")]
        if extra:
            named = ", ".join(map(str, extra))
            raise AnswerError(f"Beside 'answers:', the file may only give client, date and modality (not {named}).")
        return fields, dict(data["answers"])
    return fields, {k: v for k, v in data.items() if k not in SESSION_KEYS}


def read_answers_file(path: Path) -> Any:
    """Parse an --answers file (YAML or JSON, UTF-8; '-' is stdin).

    Dates stay text (YAML would turn 2026-11-20 into a date, and fail outright on
    2026-02-30), so they reach the same checks and messages as --date."""
    import yaml

    name = "stdin" if str(path) == "-" else str(path)
    try:
        data = sys.stdin.buffer.read() if str(path) == "-" else path.read_bytes()
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise AnswerError(f"{name}: answers file not found") from None
    except UnicodeDecodeError:
        raise AnswerError(f"{name}: the answers file is not UTF-8 text") from None
    except OSError as exc:
        raise AnswerError(f"{name}: cannot read the answers file ({exc.strerror or exc.__class__.__name__})") from None
    try:
        return yaml.load(text, Loader=_answers_loader())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        raise AnswerError(f"{where}: not valid YAML or JSON") from None


def _answers_loader() -> Any:
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loader = type("AnswersLoader", (base,), {})
    loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    return loader


def check_field(problems: list[str], name: str, parse: Callable[[], T]) -> T | None:
    """`parse()`, or None with its InputError listed among `problems` as `name: message`."""
    try:
        return parse()
    except InputError as exc:
        problems.append(f"{name}: {exc.message}")
        return None


def history_facts(
    journal: Journal, client: str | None, day: date | None, *, before_id: int | None = None
) -> frozenset[str]:
    """The `history:` conditions that hold for a session with `client` on `day`: an intention
    set last time, a rupture still open. `before_id`: looking back from that saved session."""
    if client is None or day is None:
        return frozenset()
    from alliance_cli.store.continuity import continuity

    return continuity(journal, client, day, before_id=before_id).facts


def describe_draft(state: Mapping[str, Any], updated_at: str) -> str:
    """An unfinished log or edit in a line, for the question whether to resume it."""
    client = state.get("client") or "no client yet"
    n = len(state.get("answers") or {})
    return f"{client}, {n} answer{'s' if n != 1 else ''}, last changed {updated_at.replace('T', ' ')[:16]} UTC"


def guard_scripted(
    ps: PromptSet,
    answers: Mapping[str, Any],
    *,
    strict: bool,
    warn: Callable[[str], None] | None,
    watchlist: Watchlist | None,
) -> None:
    """Scripted privacy check: one warning per flagged answer, or with `strict` a refusal."""
    from alliance_cli.core.privacy import check_answers, finding_lines
    from alliance_cli.errors import PrivacyError

    lines = finding_lines(check_answers(ps, answers, watchlist))
    if not lines:
        return
    if strict:
        advice = "Nothing was saved: take these details out, or leave out --strict to save with a warning."
        raise PrivacyError(lines[0], [*lines, advice])
    for line in lines:
        if warn is not None:
            warn(f"alliance: warning: {line} (saved anyway; --strict refuses instead)")


def review_privacy(
    ps: PromptSet,
    state: LogState,
    *,
    on_change: Callable[[LogState], None],
    watchlist: Watchlist | None,
    saved: Mapping[str, Any] | None = None,
    **io: Any,
) -> None:
    """Interactive privacy check: the clinician edits, redacts or keeps each flagged answer.
    Answers equal to `saved` ones (an edit's unchanged text, kept before) are not asked about."""
    from alliance_cli.core.privacy import check_answers, describe, redact
    from alliance_cli.ui import interview

    def check(prompt_id: str, value: Any) -> str | None:
        if saved is not None and saved.get(prompt_id) == value:
            return None
        found = check_answers(ps, {prompt_id: value}, watchlist).get(prompt_id)
        return describe(found) if found else None

    interview.Interview(**io).review_findings(
        ps, state, check=check, redact=lambda text: redact(text, watchlist), on_change=on_change
    )
