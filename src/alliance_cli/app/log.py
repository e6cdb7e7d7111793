"""Logging a session, scripted or interactive, as plain functions the CLI and tests call.

The scripted path validates everything before it opens a transaction, so a refused input
never leaves a row behind. The interactive path saves a draft after every answer and turns
an interrupt into `Interrupted`, whose message says how to resume.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_cli.app.answering import (
    check_field,
    describe_draft,
    guard_scripted,
    history_facts,
    read_answers_file,
    review_privacy,
    split_answers_file,
)
from alliance_cli.app.conversation import interruptible, signals_as_interrupts
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

DISCARDED = "discarded"  # what log_command returns when all it did was throw a draft away


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
        code = check_field(problems, "client", lambda: check_client_code(str(client)))
    session_day = check_field(problems, "date", lambda: parse_session_date(str(day or "today"), today=today))
    mode = check_field(problems, "modality", lambda: parse_modality(str(modality or default_modality(journal))))
    facts = history_facts(journal, code, session_day)
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
        facts = recap_and_facts(journal, s, show_recap)
        return facts

    asker = interview.Interview(**io)
    try:
        asker.ask_log(
            ps,
            state,
            clients=journal.client_codes(),
            default_modality=default_modality(journal),
            today=today,
            on_change=keep,
            history=history,
        )
        review_privacy(ps, state, on_change=keep, watchlist=watchlist, **io)
        show_summary(state)
        save = asker.confirm("Save this session?", default=True)
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
    facts = _known_facts(journal, client, day, today)
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
            else interruptible(
                lambda: interview.Interview(**io).ask_resume(describe_draft(draft.state, draft.updated_at))
            )
        )
        if choice == "resume":
            state, draft_id = interview.LogState.from_dict(draft.state), draft.id
        elif choice == "discard":
            journal.delete_draft(draft.id)
    with signals_as_interrupts():
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


# -- continuity ----------------------------------------------------------------------------


def _known_facts(journal: Journal, client: str | None, day: str | None, today: date | None) -> frozenset[str]:
    """Facts for flags given up front; a bad client or date is left for log_scripted to list."""
    try:
        code = check_client_code(client) if client else None
        session_day = parse_session_date(str(day or "today"), today=today)
    except InputError:
        return frozenset()
    return history_facts(journal, code, session_day)


def recap_and_facts(
    journal: Journal, state: LogState, show_recap: Callable[[Continuity], None] | None
) -> frozenset[str]:
    """Once the interactive log knows client and date: show the recap, return the facts."""
    from alliance_cli.store.continuity import continuity

    if not state.client or not state.date:
        return frozenset()
    found = continuity(journal, state.client, date.fromisoformat(state.date))
    if show_recap is not None and found.last is not None:
        show_recap(found)
    return found.facts
