"""Logging a session, scripted or interactive, as plain functions the CLI and tests call.

The scripted path validates everything before it opens a transaction, so a refused input
never leaves a row behind. The interactive path saves a draft after every answer and turns
an interrupt into `Interrupted`, whose message says how to resume.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, overload

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
from alliance_cli.core.answers import validate_answers
from alliance_cli.core.inputs import MODALITIES, check_client_code, parse_modality, parse_session_date
from alliance_cli.core.messages import Stopped
from alliance_cli.errors import AnswerError, InputError
from alliance_cli.settings.prompts import models_meanwhile, prompt_set_snapshot
from alliance_cli.store.journal import Journal, NewSession, SavedSession

if TYPE_CHECKING:
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.models import PromptSet
    from alliance_cli.settings.watchlist import Watchlist

DISCARDED = "discarded"  # what log_command returns when all it did was throw a draft away


def new_session(ps: PromptSet, client: str, day: date, modality: str, answers: Mapping[str, Any]) -> NewSession:
    body, digest = prompt_set_snapshot(ps)
    kinds: dict[str, str] = {p.id: p.kind for p in ps.prompts}
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


def log_command(
    journal: Journal, ps: PromptSet, request: SessionRequest, conversation: Conversation
) -> SavedSession | str | None:
    """What `alliance log` does: scripted when answers are given, else the conversation.

    The saved session; None if the person declined to save (the draft is kept); DISCARDED
    when all it was asked to do was throw the unfinished log away.
    """
    from alliance_cli.app.watchlist import journal_watchlist

    watchlist = journal_watchlist(journal)  # a damaged list is reported now, before any question

    given = read_request(request)
    interactive = conversation.interactive
    kept_editor_text(journal, conversation)
    if request.resume and not interactive:
        raise InputError(
            "Resuming asks the questions left, so it needs a terminal: run `alliance log --resume` in one."
        )
    draft = journal.latest_draft()
    asks_nothing = not interactive and not given.scripted and given.client is None
    if draft is not None and request.discard_draft:
        journal.delete_draft(draft.id)
        draft = None
        if asks_nothing:
            return DISCARDED  # `alliance log --discard-draft` from a script: that was all
    elif request.discard_draft and asks_nothing:
        raise InputError("There is no unfinished log to discard.")
    # What earlier sessions tell (`history:` prompts) checks the answers given up front; with
    # none given, the recap finds it once the client and the date are known.
    facts = _known_facts(journal, ps, given) if given.scripted else frozenset()
    if not interactive or (given.scripted and _complete(ps, given.answers, facts)):
        if draft is not None:
            conversation.say(
                f"alliance: note: an unfinished log is waiting ({describe_draft(draft.state, draft.updated_at)}); "
                "`alliance log --resume` finishes it."
            )
        return log_scripted(journal, ps, given, conversation, watchlist=watchlist)
    if request.resume and draft is None:
        raise InputError("There is no unfinished log to resume.")
    state = _prefilled(ps, given, facts)
    draft_id = None
    if draft is not None and not given.scripted:
        from alliance_cli.core.draft import LogState

        waiting = describe_draft(draft.state, draft.updated_at)
        if request.resume:
            choice = "resume"
        else:  # the prompt set's models (a set read from the cache) are built while the question waits
            meanwhile = models_meanwhile(ps)
            choice = interruptible(lambda: conversation.ask_resume(waiting, meanwhile=meanwhile))
        if choice == "resume":
            state, draft_id = LogState.from_dict(draft.state), draft.id
        elif choice == "discard":
            journal.delete_draft(draft.id)
    elif draft is None and not journal.has_sessions():
        conversation.say(f"Your journal is at {journal.path}.")  # the first log: where it all goes
    with signals_as_interrupts(conversation):
        return log_interactive(
            journal, ps, state, conversation, draft_id=draft_id, today=given.today, watchlist=watchlist
        )


def log_scripted(
    journal: Journal,
    ps: PromptSet,
    given: Given,
    conversation: Conversation,
    *,
    watchlist: Watchlist | None = None,
) -> SavedSession:
    """Validate everything, then save in one transaction; AnswerError lists every problem.

    The privacy guard runs last: each finding is a warning the conversation says, or with
    `given.strict` a PrivacyError and nothing saved.
    """
    problems: list[str] = []
    code = None
    if not given.client:
        problems.append("client: required (--client CODE)")
    else:
        code = check_field(problems, "client", lambda: check_client_code(str(given.client)))
    # A value from an answers file could be an answer's text in the wrong place: named, not repeated.
    day = check_field(
        problems,
        "date",
        lambda: parse_session_date(str(given.day or "today"), today=given.today, echo=given.echo),
    )
    modality = check_field(
        problems,
        "modality",
        lambda: parse_modality(str(given.modality or default_modality(journal)), echo=given.echo),
    )
    checked = check_scripted(
        journal, ps, conversation, problems, client=code, day=day, modality=modality, raw=given.answers,
        strict=given.strict, watchlist=watchlist,
    )  # fmt: skip
    return journal.save_session(new_session(ps, checked.client, checked.day, checked.modality, checked.answers))


def default_modality(journal: Journal) -> str:
    """`default_modality` from the settings file, else the last one used, else in person."""
    from alliance_cli.settings.config import load_config
    from alliance_cli.settings.paths import config_path

    path = config_path()
    configured = load_config(path).default_modality if path.exists() else None
    return configured or journal.last_modality() or MODALITIES[0]


def log_interactive(
    journal: Journal,
    ps: PromptSet,
    state: LogState,
    conversation: Conversation,
    *,
    draft_id: int | None,
    today: date | None = None,
    watchlist: Watchlist | None = None,
) -> SavedSession | str | None:
    """Run the conversation from `state`; save on confirmation. None if the user keeps it
    as a draft, DISCARDED if they throw it away.

    Once the client and date are known, the conversation shows the recap of the last
    session with the client and the follow-up prompts apply; before the summary, the
    privacy guard lets the clinician edit, redact or keep each flagged answer.
    """
    day = today or date.today()
    draft = KeptDraft(journal, draft_id)
    facts: frozenset[str] = frozenset()

    recapped: tuple[str | None, str | None] | None = None

    def history(s: LogState) -> frozenset[str]:
        """The facts for the client and date; the recap once for them (not again when an
        answer is changed at the end, unless it is the client or the date)."""
        nonlocal facts, recapped
        if recapped != (s.client, s.date):
            facts = recap_and_facts(journal, ps, s, conversation)
            recapped = (s.client, s.date)
        return facts

    save = converse(
        conversation,
        ps,
        state,
        draft,
        interview=lambda: conversation.ask_log(
            ps,
            state,
            clients=ClientCodes(journal),
            default_modality=default_modality(journal),
            today=day,
            on_change=draft.keep,
            history=history,
            scratch=draft.scratch,
        ),  # fmt: skip
        watchlist=watchlist,
        question="Save this session?",
        nothing_kept=Stopped.LOG_BEFORE_ANSWER,
        draft_kept=Stopped.LOG_DRAFT,
        discard=True,
    )
    if not save:
        return DISCARDED if draft.discarded else None
    assert state.client and state.date and state.modality
    answers = validate_answers(ps, state.answers, history=facts)
    session = new_session(ps, state.client, date.fromisoformat(state.date), state.modality, answers)
    return journal.save_session(session, draft_id=draft.id)


class ClientCodes(Sequence[str]):
    """The journal's client codes for the client question, read when first used: whether
    there are any (the question's hint) is one index seek; the list itself is read for the
    first completion, or for a new random code, not to draw the question (at 40 years the
    list takes about 12 ms)."""

    def __init__(self, journal: Journal) -> None:
        self._journal = journal
        self._codes: list[str] | None = None

    def _read(self) -> list[str]:
        if self._codes is None:
            self._codes = self._journal.client_codes()
        return self._codes

    def __bool__(self) -> bool:
        return bool(self._codes) if self._codes is not None else self._journal.has_sessions()

    def __len__(self) -> int:
        return len(self._read())

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...
    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._read()[index]

    def __iter__(self) -> Iterator[str]:
        return iter(self._read())


def recap_and_facts(journal: Journal, ps: PromptSet, state: LogState, conversation: Conversation) -> frozenset[str]:
    """Once the interactive log knows client and date: show the recap, return the facts."""
    from alliance_cli.settings.config import client_measure
    from alliance_cli.settings.prompts import prompt_roles
    from alliance_cli.store.continuity import continuity

    if not state.client or not state.date:
        return frozenset()
    found = continuity(journal, state.client, date.fromisoformat(state.date), roles=prompt_roles(ps))
    found.measure = client_measure()
    if found.last is not None:
        conversation.show_recap(found)
    return found.facts


def _complete(ps: PromptSet, raw: Mapping[str, Any], facts: frozenset[str] = frozenset()) -> bool:
    """Whether scripted answers need no questions (invalid ones are left for log_scripted to list)."""
    from alliance_cli.core.answers import missing_required

    try:
        return not missing_required(ps, validate_answers(ps, raw, complete=False, history=facts), facts)
    except AnswerError:
        return True


def _prefilled(ps: PromptSet, given: Given, facts: frozenset[str] = frozenset()) -> LogState:
    """The conversation's start: what the flags and the file gave (checked), the rest to ask."""
    from alliance_cli.core.draft import LogState

    # Nothing given, nothing to check: the prompt set is not needed before the first question.
    answers = validate_answers(ps, given.answers, complete=False, history=facts) if given.answers else {}
    return LogState(
        client=check_client_code(given.client) if given.client else None,
        date=parse_session_date(given.day, today=given.today, echo=given.echo).isoformat() if given.day else None,
        modality=parse_modality(given.modality, echo=given.echo) if given.modality else None,
        answers=answers,
        asked=list(given.answers),
    )


def _known_facts(journal: Journal, ps: PromptSet, given: Given) -> frozenset[str]:
    """Facts for flags given up front; a bad client or date is left for log_scripted to list."""
    try:
        code = check_client_code(given.client) if given.client else None
        session_day = parse_session_date(str(given.day or "today"), today=given.today)
    except InputError:
        return frozenset()
    return history_facts(journal, ps, code, session_day)
