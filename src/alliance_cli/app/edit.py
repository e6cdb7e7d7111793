"""Editing a saved session, scripted or interactive, with the same guarantees as logging.

A session is edited against the prompt set it was logged with (its stored snapshot), so
an old session stays consistent with the questions it answered even after the prompts
file changed. Scripted changes (`--set`, `--answers`, `--date`, `--client`, `--modality`)
are laid over the saved answers and the whole result is validated exactly as `log`
validates, before anything is written. The interactive edit saves a draft after every
answer (command "edit", tied to the session), and an interrupt keeps it for `--resume`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alliance_cli.app.log import (
    _field,
    _interruptible,
    _signals_as_interrupts,
    guard_scripted,
    read_answers_file,
    review_privacy,
    split_answers_file,
)
from alliance_cli.core.answers import validate_answers
from alliance_cli.core.inputs import check_client_code, parse_modality, parse_session_date
from alliance_cli.errors import AnswerError, InputError, Interrupted, NotFoundError
from alliance_cli.store.journal import Journal, StoredSession
from alliance_cli.store.sessions import update_session

if TYPE_CHECKING:
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.models import PromptSet
    from alliance_cli.settings.watchlist import Watchlist


@dataclass
class EditResult:
    session_id: int
    changed: bool


def load_session(journal: Journal, session_id: int) -> tuple[StoredSession, PromptSet]:
    """The saved session and the prompt set it was logged with."""
    from pydantic import ValidationError

    from alliance_cli.core.models import PromptSet
    from alliance_cli.errors import JournalError

    session = journal.get_session(session_id)
    if session is None:
        raise NotFoundError(f"No session with id {session_id}; `alliance list` shows the ids.")
    try:
        ps = PromptSet.model_validate(session.prompt_set)
    except ValidationError:
        raise JournalError(
            f"The prompt set stored with session {session_id} is damaged; run `alliance doctor`."
        ) from None
    return session, ps


def edit_scripted(
    journal: Journal,
    session: StoredSession,
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
) -> EditResult:
    """Lay the changes over the saved session, validate all of it, then write it in one go.

    Written answers that the edit adds or changes go through the privacy guard as in `log`."""
    problems: list[str] = []
    code = session.client if client is None else _field(problems, "client", lambda: check_client_code(str(client)))
    session_day = _field(problems, "date", lambda: parse_session_date(str(day or session.date), today=today))
    mode = session.modality if modality is None else _field(problems, "modality", lambda: parse_modality(modality))
    answers: dict[str, Any] = {}
    facts = _facts(journal, session, ps, code, session_day)
    try:
        answers = validate_answers(ps, {**session.answers, **raw_answers}, history=facts)
    except AnswerError as exc:
        problems.extend(exc.lines())
        stale = [
            pid
            for pid in session.answers
            if pid not in raw_answers and any(line.startswith(f"{pid}: only asked when") for line in exc.lines())
        ]
        if stale:
            problems.append(f"To remove a saved answer that no longer applies, give it empty: --set {stale[0]}=")
    if problems:
        raise AnswerError(problems[0], problems)
    changed = {pid: v for pid, v in answers.items() if session.answers.get(pid) != v}
    guard_scripted(ps, changed, strict=strict, warn=warn, watchlist=watchlist)
    return _save(journal, session, ps, code, session_day, mode, answers)


BASE_KEY = "base"  # in an edit draft: which version of the session it began from


def _version_of(session: StoredSession) -> str:
    """A fingerprint of what the session holds (time stamps are only to the second)."""
    import hashlib
    import json

    body = json.dumps([session.client, session.date, session.modality, session.answers], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def _facts(
    journal: Journal, session: StoredSession, ps: PromptSet, client: str | None, day: date | None
) -> frozenset[str]:
    """What the sessions before this one say (an intention set, a rupture still open), so the
    follow-up answers it holds stay valid; looked up for the client and date after the edit,
    by the roles of the session's prompt set `ps`."""
    from alliance_cli.core.vocabulary import roles_of
    from alliance_cli.store.continuity import continuity

    if client is None or day is None:
        return frozenset()
    return continuity(journal, client, day, before_id=session.id, roles=roles_of(ps)).facts


def _save(
    journal: Journal,
    session: StoredSession,
    ps: PromptSet,
    client: str,
    day: date,
    modality: str,
    answers: Mapping[str, Any],
    draft_id: int | None = None,
) -> EditResult:
    unchanged = (
        client == session.client
        and day.isoformat() == session.date
        and modality == session.modality
        and dict(answers) == session.answers
    )
    if unchanged:
        if draft_id is not None:
            journal.delete_draft(draft_id)
        return EditResult(session.id, changed=False)
    kinds = {p.id: p.kind for p in ps.prompts}
    update_session(
        journal,
        session.id,
        client=client,
        day=day,
        modality=modality,
        answers=answers,
        kinds=kinds,
        draft_id=draft_id,
    )
    return EditResult(session.id, changed=True)


def saved_state(session: StoredSession) -> LogState:
    """The saved session as the starting point of the conversation."""
    from alliance_cli.core.draft import LogState

    return LogState(
        client=session.client,
        date=session.date,
        modality=session.modality,
        answers=dict(session.answers),
        asked=[],
    )


def edit_interactive(
    journal: Journal,
    session: StoredSession,
    ps: PromptSet,
    state: LogState,
    *,
    draft_id: int | None,
    show_summary: Callable[[PromptSet, LogState], None],
    today: date | None = None,
    watchlist: Watchlist | None = None,
    **io: Any,
) -> EditResult | None:
    """Re-ask the session from `state`; save on confirmation. None if the user declines."""
    from alliance_cli.ui import interview

    today = today or date.today()
    current = draft_id

    def keep(s: LogState) -> None:
        nonlocal current
        state = {**s.to_dict(), BASE_KEY: _version_of(session)}
        current = journal.save_draft(current, state, command="edit", session_id=session.id)

    def history(s: LogState) -> frozenset[str]:
        return _facts(journal, session, ps, s.client, date.fromisoformat(s.date) if s.date else None)

    try:
        interview.run_edit(
            ps, state, clients=journal.client_codes(), today=today, on_change=keep, history=history, **io
        )
        review_privacy(ps, state, on_change=keep, watchlist=watchlist, saved=session.answers, **io)
        show_summary(ps, state)
        save = interview.confirm("Save these changes?", default=True, **io)
    except (KeyboardInterrupt, EOFError):
        if current is None:
            raise Interrupted("Stopped before the first answer; the session was not changed.") from None
        raise Interrupted(
            f"Stopped. The session was not changed; your answers so far are kept as a draft: "
            f"`alliance edit {session.id} --resume` picks up where you left off."
        ) from None
    if not save:
        return None
    assert state.client and state.date and state.modality
    answers = validate_answers(ps, state.answers, history=history(state))
    return _save(
        journal, session, ps, state.client, date.fromisoformat(state.date), state.modality, answers, draft_id=current
    )


def edit_command(
    journal: Journal,
    session_id: int,
    *,
    client: str | None,
    day: str | None,
    modality: str | None,
    sets: list[str],
    answers_path: Path | None,
    resume: bool,
    discard_draft: bool,
    show_summary: Callable[[PromptSet, LogState], None],
    interactive: bool | None = None,
    today: date | None = None,
    strict: bool = False,
    warn: Callable[[str], None] | None = None,
    **io: Any,
) -> EditResult | None:
    """What `alliance edit ID` does: scripted when changes are given, else the conversation."""
    from alliance_cli.app.log import describe_draft
    from alliance_cli.core.answers import parse_assignments
    from alliance_cli.settings.watchlist import load_watchlist

    watchlist = load_watchlist()  # a damaged file is reported now, before any question

    session, ps = load_session(journal, session_id)
    raw: dict[str, Any] = {}
    if answers_path is not None:
        fields, raw = split_answers_file(read_answers_file(answers_path))
        client = client or fields.get("client")
        day = day or (str(fields["date"]) if fields.get("date") is not None else None)
        modality = modality or fields.get("modality")
    raw.update(parse_assignments(sets))
    scripted = bool(raw) or answers_path is not None or any(v is not None for v in (client, day, modality))
    draft = journal.latest_draft("edit", session_id)
    if draft is not None and discard_draft:
        journal.delete_draft(draft.id)
        draft = None
    stale = draft is not None and draft.state.get(BASE_KEY) != _version_of(session)
    if scripted:
        if draft is not None and warn is not None:
            warn(
                f"alliance: note: an unfinished edit of session {session_id} is waiting; it began before this "
                f"change, so `alliance edit {session_id}` will start again from the saved session."
            )
        return edit_scripted(
            journal, session, ps, client=client, day=day, modality=modality, raw_answers=raw, today=today,
            strict=strict, warn=warn, watchlist=watchlist,
        )  # fmt: skip
    if interactive is None:
        interactive = sys.stdin.isatty()
    if not interactive:
        raise InputError(
            "Nothing to change: give --set PROMPT_ID=VALUE, --answers FILE, --date, --client or --modality, "
            "or run `alliance edit` in a terminal to be asked."
        )
    if resume and draft is None:
        raise InputError(f"There is no unfinished edit of session {session_id} to resume.")
    state, draft_id = saved_state(session), None
    if draft is not None and stale:
        # Resuming would quietly undo the changes saved since the draft began.
        journal.delete_draft(draft.id)
        if resume:
            raise InputError(
                f"Session {session_id} was changed after this unfinished edit began, so it was set aside; "
                f"`alliance edit {session_id}` starts again from the saved session."
            )
        if warn is not None:
            warn(
                f"The unfinished edit began before session {session_id} last changed; starting from the saved session."
            )
        draft = None
    if draft is not None:
        from alliance_cli.ui import interview

        choice = (
            "resume"
            if resume
            else _interruptible(lambda: interview.ask_resume_edit(describe_draft(draft.state, draft.updated_at), **io))
        )
        if choice == "resume":
            state, draft_id = interview.LogState.from_dict(draft.state), draft.id
        else:
            journal.delete_draft(draft.id)
    with _signals_as_interrupts():
        return edit_interactive(
            journal, session, ps, state, draft_id=draft_id, show_summary=show_summary, today=today,
            watchlist=watchlist, **io,
        )  # fmt: skip
