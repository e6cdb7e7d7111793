"""Editing a saved session, scripted or interactive, with the same guarantees as logging.

A session is edited against the prompt set it was logged with (its stored snapshot), so
an old session stays consistent with the questions it answered even after the prompts
file changed. Scripted changes (`--set`, `--answers`, `--date`, `--client`, `--modality`)
are laid over the saved answers and the whole result is validated exactly as `log`
validates, before anything is written. The interactive edit saves a draft after every
answer (command "edit", tied to the session), and an interrupt keeps it for `--resume`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from alliance_cli.app.answering import (
    Given,
    KeptDraft,
    SessionRequest,
    check_field,
    check_scripted,
    converse,
    describe_draft,
    history_facts,
    read_request,
)
from alliance_cli.app.conversation import Conversation, interruptible, signals_as_interrupts
from alliance_cli.app.editing import kept_editor_text
from alliance_cli.core.answers import logged_before, validate_answers
from alliance_cli.core.inputs import check_client_code, parse_modality, parse_session_date
from alliance_cli.core.messages import Hint, Stopped, no_session
from alliance_cli.errors import InputError, NotFoundError
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
    log_cleared: bool = True  # False: replaced words stay in the write-ahead log until another terminal closes


def load_session(journal: Journal, session_id: int) -> tuple[StoredSession, PromptSet]:
    """The saved session and the prompt set it was logged with (a client score checked
    against the measure in use, as `alliance client-score` checks it)."""
    from pydantic import ValidationError

    from alliance_cli.core.measures import with_measure
    from alliance_cli.core.models import PromptSet
    from alliance_cli.errors import JournalError
    from alliance_cli.settings.config import client_measure

    session = journal.get_session(session_id)
    if session is None:
        raise NotFoundError(no_session(session_id))
    try:
        ps = PromptSet.model_validate(session.prompt_set)
    except ValidationError:
        raise JournalError(f"The prompt set stored with session {session_id} is damaged; {Hint.DOCTOR}.") from None
    return session, with_measure(ps, client_measure())


def edit_command(
    journal: Journal, session_id: int, request: SessionRequest, conversation: Conversation
) -> EditResult | None:
    """What `alliance edit ID` does: scripted when changes are given, else the conversation.

    What changed (or that nothing did); None if the person declined to save (the draft is kept).
    """
    from alliance_cli.app.watchlist import journal_watchlist

    watchlist = journal_watchlist(journal)  # a damaged list is reported now, before any question

    session, ps = load_session(journal, session_id)
    given = read_request(request)
    kept_editor_text(journal, conversation)
    scripted = given.scripted or any(v is not None for v in (given.client, given.day, given.modality))
    draft = journal.latest_draft("edit", session_id)
    if draft is not None and request.discard_draft:
        journal.delete_draft(draft.id)
        draft = None
    stale = draft is not None and draft.state.get(BASE_KEY) != _version_of(session)
    if scripted:
        if draft is not None:
            conversation.say(
                f"alliance: note: an unfinished edit of session {session_id} is waiting; it began before this "
                f"change, so `alliance edit {session_id}` will start again from the saved session."
            )
        return edit_scripted(journal, session, ps, given, conversation, watchlist=watchlist)
    if not conversation.interactive:
        raise InputError(
            "Nothing to change: give --set PROMPT_ID=VALUE, --answers FILE, --date, --client or --modality, "
            "or run `alliance edit` in a terminal to be asked."
        )
    if request.resume and draft is None:
        raise InputError(f"There is no unfinished edit of session {session_id} to resume.")
    state, draft_id = saved_state(session), None
    if draft is not None and stale:
        # Resuming would quietly undo the changes saved since the draft began.
        journal.delete_draft(draft.id)
        if request.resume:
            raise InputError(
                f"Session {session_id} was changed after this unfinished edit began, so it was set aside; "
                f"`alliance edit {session_id}` starts again from the saved session."
            )
        conversation.say(
            f"The unfinished edit began before session {session_id} last changed; starting from the saved session."
        )
        draft = None
    if draft is not None:
        from alliance_cli.core.draft import LogState

        waiting = describe_draft(draft.state, draft.updated_at)
        choice = "resume" if request.resume else interruptible(lambda: conversation.ask_resume(waiting, edit=True))
        if choice == "resume":
            state, draft_id = LogState.from_dict(draft.state), draft.id
        else:
            journal.delete_draft(draft.id)
    with signals_as_interrupts(conversation):
        return edit_interactive(
            journal, session, ps, state, conversation, draft_id=draft_id, today=given.today, watchlist=watchlist
        )


def edit_scripted(
    journal: Journal,
    session: StoredSession,
    ps: PromptSet,
    given: Given,
    conversation: Conversation,
    *,
    watchlist: Watchlist | None = None,
) -> EditResult:
    """Lay the changes over the saved session, validate all of it, then write it in one go.

    Written answers that the edit adds or changes go through the privacy guard as in `log`."""
    problems: list[str] = []
    client = (
        session.client
        if given.client is None
        else check_field(problems, "client", lambda: check_client_code(str(given.client)))
    )
    day = check_field(
        problems,
        "date",
        lambda: parse_session_date(str(given.day or session.date), today=given.today, echo=given.echo),
    )
    modality = (
        session.modality
        if given.modality is None
        else check_field(problems, "modality", lambda: parse_modality(str(given.modality), echo=given.echo))
    )
    checked = check_scripted(
        journal, ps, conversation, problems, client=client, day=day, modality=modality, raw=given.answers,
        strict=given.strict, watchlist=watchlist, saved=session,
    )  # fmt: skip
    return _save(journal, session, ps, checked.client, checked.day, checked.modality, checked.answers)


BASE_KEY = "base"  # in an edit draft: which version of the session it began from


def _version_of(session: StoredSession) -> str:
    """A fingerprint of what the session holds (time stamps are only to the second)."""
    import hashlib
    import json

    body = json.dumps([session.client, session.date, session.modality, session.answers], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


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
    written = update_session(
        journal,
        session.id,
        client=client,
        day=day,
        modality=modality,
        answers=answers,
        kinds=kinds,
        draft_id=draft_id,
    )
    return EditResult(session.id, changed=True, log_cleared=written.log_cleared)


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
    conversation: Conversation,
    *,
    draft_id: int | None,
    today: date | None = None,
    watchlist: Watchlist | None = None,
) -> EditResult | None:
    """Re-ask the session from `state`; save on confirmation. None if the user declines."""
    day = today or date.today()
    draft = KeptDraft(journal, draft_id, command="edit", session_id=session.id, extra={BASE_KEY: _version_of(session)})

    def history(s: LogState) -> frozenset[str]:
        """What the sessions before this one say (an intention set, a rupture still open), so
        the follow-up answers it holds stay valid; for the client and date after the edit."""
        day = date.fromisoformat(s.date) if s.date else None
        facts = history_facts(journal, ps, s.client, day, before_id=session.id)
        return facts | logged_before(ps, session.answers, facts)  # its several moments, its kind as recorded stay

    save = converse(
        conversation,
        ps,
        state,
        draft,
        interview=lambda: conversation.ask_edit(
            ps,
            state,
            clients=journal.client_codes(),
            today=day,
            on_change=draft.keep,
            history=history,
            scratch=draft.scratch,
        ),
        watchlist=watchlist,
        saved=session.answers,
        question="Save these changes?",
        nothing_kept=Stopped.EDIT_BEFORE_ANSWER,
        draft_kept=Stopped.edit_draft(session.id),
    )
    if not save:
        return None
    assert state.client and state.date and state.modality
    answers = validate_answers(ps, state.answers, history=history(state))
    return _save(
        journal, session, ps, state.client, date.fromisoformat(state.date), state.modality, answers, draft_id=draft.id
    )
