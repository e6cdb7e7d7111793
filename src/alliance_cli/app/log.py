"""Logging a session, scripted or interactive, as plain functions the CLI and tests call.

The scripted path validates everything before it opens a transaction, so a refused input
never leaves a row behind. The interactive path saves a draft after every answer and turns
an interrupt into `Interrupted`, whose message says how to resume.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from alliance_cli.core.answers import validate_answers
from alliance_cli.core.inputs import MODALITIES, check_client_code, parse_modality, parse_session_date
from alliance_cli.errors import AnswerError, InputError, Interrupted
from alliance_cli.settings.prompts import prompt_set_snapshot
from alliance_cli.store.journal import Journal, NewSession, SavedSession

if TYPE_CHECKING:
    from alliance_cli.core.continuity import Continuity
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.models import PromptSet
    from alliance_cli.settings.watchlist import Watchlist

SESSION_KEYS = ("client", "date", "modality")
DISCARDED = "discarded"  # what log_command returns when all it did was throw a draft away
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


def new_session(ps: PromptSet, client: str, day: date, modality: str, answers: Mapping[str, Any]) -> NewSession:
    body, digest = prompt_set_snapshot(ps)
    kinds = {p.id: p.kind for p in ps.prompts}
    return NewSession(
        client=client,
        date=day,
        modality=modality,
        answers=dict(answers),
        kinds=kinds,
        prompt_set_version=ps.version,
        prompt_set_snapshot=body,
        prompt_set_digest=digest,
    )


def log_scripted(
    journal: Journal,
    ps: PromptSet,
    *,
    client: str | None,
    day: str | None,
    modality: str | None,
    raw_answers: Mapping[str, Any],
    today: date | None = None,
    strict: bool = False,
    warn: Callable[[str], None] | None = None,
    watchlist: Watchlist | None = None,
) -> SavedSession:
    """Validate everything, then save in one transaction; AnswerError lists every problem.

    The privacy guard runs last: each finding is a warning through `warn`, or with `strict`
    a PrivacyError and nothing saved.
    """
    problems: list[str] = []
    code = session_day = mode = None
    if not client:
        problems.append("client: required (--client CODE)")
    else:
        code = _field(problems, "client", lambda: check_client_code(str(client)))
    session_day = _field(problems, "date", lambda: parse_session_date(str(day or "today"), today=today))
    mode = _field(problems, "modality", lambda: parse_modality(str(modality or default_modality(journal))))
    facts = history_facts(journal, ps, code, session_day)
    try:
        answers = validate_answers(ps, raw_answers, history=facts)
    except AnswerError as exc:
        problems.extend(exc.lines())
        answers = {}
    if problems:
        raise AnswerError(problems[0], problems)
    guard_scripted(ps, answers, strict=strict, warn=warn, watchlist=watchlist)
    return journal.save_session(new_session(ps, code, session_day, mode, answers))


def default_modality(journal: Journal) -> str:
    """`default_modality` from the settings file, else the last one used, else in person."""
    from alliance_cli.settings.config import config_path, load_config

    path = config_path()
    configured = load_config(path).default_modality if path.exists() else None
    return configured or journal.last_modality() or MODALITIES[0]


def _field(problems: list[str], name: str, parse: Callable[[], Any]) -> Any:
    try:
        return parse()
    except InputError as exc:
        problems.append(f"{name}: {exc.message}")
        return None


def log_interactive(
    journal: Journal,
    ps: PromptSet,
    state: LogState,
    *,
    draft_id: int | None,
    show_summary: Callable[[LogState], None],
    today: date | None = None,
    show_recap: Callable[[Continuity], None] | None = None,
    watchlist: Watchlist | None = None,
    **io: Any,
) -> SavedSession | None:
    """Run the conversation from `state`; save on confirmation. None if the user declines.

    Once the client and date are known, the recap of the last session with the client goes
    to `show_recap` and the follow-up prompts apply; before the summary, the privacy guard
    lets the clinician edit, redact or keep each flagged answer.
    """
    from alliance_cli.ui import interview

    today = today or date.today()
    current = draft_id
    facts: frozenset[str] = frozenset()

    def keep(s: LogState) -> None:
        nonlocal current
        current = journal.save_draft(current, s.to_dict())

    def history(s: LogState) -> frozenset[str]:
        nonlocal facts
        facts = recap_and_facts(journal, ps, s, show_recap)
        return facts

    try:
        interview.run_log(
            ps,
            state,
            clients=journal.client_codes(),
            default_modality=default_modality(journal),
            today=today,
            on_change=keep,
            history=history,
            **io,
        )
        review_privacy(ps, state, on_change=keep, watchlist=watchlist, **io)
        show_summary(state)
        save = interview.confirm("Save this session?", default=True, **io)
    except (KeyboardInterrupt, EOFError):
        if current is None:
            raise Interrupted("Stopped before the first answer; nothing was kept.") from None
        raise Interrupted(
            "Stopped. Your answers so far are kept as a draft; `alliance log --resume` picks up where you left off."
        ) from None
    if not save:
        return None
    assert state.client and state.date and state.modality
    answers = validate_answers(ps, state.answers, history=facts)
    session = new_session(ps, state.client, date.fromisoformat(state.date), state.modality, answers)
    return journal.save_session(session, draft_id=current)


def describe_draft(state: Mapping[str, Any], updated_at: str) -> str:
    client = state.get("client") or "no client yet"
    n = len(state.get("answers") or {})
    return f"{client}, {n} answer{'s' if n != 1 else ''}, last changed {updated_at.replace('T', ' ')[:16]} UTC"


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


def log_command(
    journal: Journal,
    ps: PromptSet,
    *,
    client: str | None,
    day: str | None,
    modality: str | None,
    sets: list[str],
    answers_path: Path | None,
    resume: bool,
    discard_draft: bool,
    show_summary: Callable[[LogState], None],
    interactive: bool | None = None,
    today: date | None = None,
    strict: bool = False,
    warn: Callable[[str], None] | None = None,
    show_recap: Callable[[Continuity], None] | None = None,
    **io: Any,
) -> SavedSession | str | None:
    """What `alliance log` does: scripted when answers are given, else the conversation."""
    from alliance_cli.core.answers import parse_assignments
    from alliance_cli.settings.watchlist import load_watchlist

    watchlist = load_watchlist()  # a damaged file is reported now, before any question

    raw: dict[str, Any] = {}
    if answers_path is not None:
        fields, raw = split_answers_file(read_answers_file(answers_path))
        client = client or fields.get("client")
        day = day or (str(fields["date"]) if fields.get("date") is not None else None)
        modality = modality or fields.get("modality")
    raw.update(parse_assignments(sets))
    if interactive is None:
        interactive = sys.stdin.isatty()
    scripted = bool(raw) or answers_path is not None
    if resume and not interactive:
        raise InputError(
            "Resuming asks the questions left, so it needs a terminal: run `alliance log --resume` in one."
        )
    draft = journal.latest_draft()
    if draft is not None and discard_draft:
        journal.delete_draft(draft.id)
        draft = None
        if not interactive and not scripted and client is None:
            return DISCARDED  # `alliance log --discard-draft` from a script: that was all
    elif discard_draft and not interactive and not scripted and client is None:
        raise InputError("There is no unfinished log to discard.")
    facts = _known_facts(journal, ps, client, day, today)
    if not interactive or (scripted and _complete(ps, raw, facts)):
        if draft is not None and warn is not None:
            warn(
                f"alliance: note: an unfinished log is waiting ({describe_draft(draft.state, draft.updated_at)}); "
                "`alliance log --resume` finishes it."
            )
        return log_scripted(
            journal,
            ps,
            client=client,
            day=day,
            modality=modality,
            raw_answers=raw,
            today=today,
            strict=strict,
            warn=warn,
            watchlist=watchlist,
        )
    if resume and draft is None:
        raise InputError("There is no unfinished log to resume.")
    state = _prefilled(ps, client, day, modality, raw, today, facts)
    draft_id = None
    if draft is not None and not scripted:
        from alliance_cli.ui import interview

        choice = (
            "resume"
            if resume
            else _interruptible(lambda: interview.ask_resume(describe_draft(draft.state, draft.updated_at), **io))
        )
        if choice == "resume":
            state, draft_id = interview.LogState.from_dict(draft.state), draft.id
        elif choice == "discard":
            journal.delete_draft(draft.id)
    with _signals_as_interrupts():
        return log_interactive(
            journal,
            ps,
            state,
            draft_id=draft_id,
            show_summary=show_summary,
            today=today,
            show_recap=show_recap,
            watchlist=watchlist,
            **io,
        )


def _complete(ps: PromptSet, raw: Mapping[str, Any], facts: frozenset[str] = frozenset()) -> bool:
    """Whether scripted answers need no questions (invalid ones are left for log_scripted to list)."""
    from alliance_cli.core.answers import missing_required

    try:
        return not missing_required(ps, validate_answers(ps, raw, complete=False, history=facts), facts)
    except AnswerError:
        return True


def _interruptible(ask: Callable[[], T]) -> T:
    try:
        return ask()
    except (KeyboardInterrupt, EOFError):
        raise Interrupted("Stopped; nothing was changed.") from None


def _prefilled(
    ps: PromptSet,
    client: str | None,
    day: str | None,
    modality: str | None,
    raw: Mapping[str, Any],
    today: date | None,
    facts: frozenset[str] = frozenset(),
) -> LogState:
    from alliance_cli.core.draft import LogState

    answers = validate_answers(ps, raw, complete=False, history=facts)
    return LogState(
        client=check_client_code(client) if client else None,
        date=parse_session_date(day, today=today).isoformat() if day else None,
        modality=parse_modality(modality) if modality else None,
        answers=answers,
        asked=list(raw),
    )


@contextmanager
def _signals_as_interrupts() -> Iterator[None]:
    """A closed terminal (SIGHUP) or SIGTERM stops the log the way Ctrl-C does: draft kept."""

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    wanted = [s for s in ("SIGHUP", "SIGTERM") if hasattr(signal, s)]
    previous = {name: signal.signal(getattr(signal, name), stop) for name in wanted}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


# -- continuity and the privacy guard --------------------------------------------------------


def history_facts(journal: Journal, ps: PromptSet, client: str | None, day: date | None) -> frozenset[str]:
    """The `history:` conditions that hold for a new session with `client` on `day`, by the roles of `ps`."""
    if client is None or day is None:
        return frozenset()
    from alliance_cli.core.vocabulary import roles_of
    from alliance_cli.store.continuity import continuity

    return continuity(journal, client, day, roles=roles_of(ps)).facts


def _known_facts(
    journal: Journal, ps: PromptSet, client: str | None, day: str | None, today: date | None
) -> frozenset[str]:
    """Facts for flags given up front; a bad client or date is left for log_scripted to list."""
    try:
        code = check_client_code(client) if client else None
        session_day = parse_session_date(str(day or "today"), today=today)
    except InputError:
        return frozenset()
    return history_facts(journal, ps, code, session_day)


def recap_and_facts(
    journal: Journal, ps: PromptSet, state: LogState, show_recap: Callable[[Continuity], None] | None
) -> frozenset[str]:
    """Once the interactive log knows client and date: show the recap, return the facts."""
    from alliance_cli.core.vocabulary import roles_of
    from alliance_cli.store.continuity import continuity

    if not state.client or not state.date:
        return frozenset()
    found = continuity(journal, state.client, date.fromisoformat(state.date), roles=roles_of(ps))
    if show_recap is not None and found.last is not None:
        show_recap(found)
    return found.facts


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

    interview.review_findings(
        ps, state, check=check, redact=lambda text: redact(text, watchlist), on_change=on_change, **io
    )
