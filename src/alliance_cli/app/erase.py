"""Deleting sessions, forgetting a client, restoring a backup: show what will go, ask, then act.

All three ask before they act. Scripts skip the question with `--yes` (forget also takes
`--confirm CODE`); without a terminal and without those flags the command refuses, so a
pipeline can never erase anything by accident. A declined question returns None and
nothing is changed; Ctrl-C at the question stops with exit 130, nothing changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from alliance_cli.app.conversation import Conversation, agreed, interruptible
from alliance_cli.core.inputs import normalise_code
from alliance_cli.core.messages import count, no_session
from alliance_cli.errors import InputError, NotFoundError
from alliance_cli.store.journal import Journal, journal_roles
from alliance_cli.store.sessions import (
    ClientRecord,
    DeleteResult,
    ForgetResult,
    client_record,
    delete_sessions,
    forget_client,
    session_rows,
)

if TYPE_CHECKING:
    from alliance_cli.app.backup import RestoreResult
    from alliance_cli.core.vocabulary import Roles


def _will_ask(conversation: Conversation, skip: bool, refusal: str) -> bool:
    """Whether to ask before acting: not when told to skip; refused when there is no terminal to ask in."""
    if skip:
        return False
    if not conversation.interactive:
        raise InputError(refusal)
    return True


def delete_command(
    journal: Journal, ids: Sequence[int], *, yes: bool, conversation: Conversation, roles: Roles | None = None
) -> DeleteResult | None:
    """Delete the sessions after showing them (with the ratings of `roles`, else of the
    journal's latest prompt set) and asking; what went, or None if declined."""
    wanted = list(dict.fromkeys(ids))
    roles = roles or journal_roles(journal)
    rows = session_rows(journal, wanted, roles)
    found = {r["id"] for r in rows}
    missing = [no_session(i) for i in wanted if i not in found]
    if missing:
        raise NotFoundError(missing[0], [*missing, "Nothing was deleted."])
    ask = _will_ask(
        conversation, yes, "Deleting needs --yes when alliance is not run in a terminal; nothing was deleted."
    )
    conversation.show_sessions(rows, roles.principles)
    if ask:
        which = (
            "this session and every answer in it"
            if len(rows) == 1
            else f"these {len(rows)} sessions and every answer in them"
        )
        if not agreed(conversation, f"Delete {which}? This cannot be undone."):
            return None
    return delete_sessions(journal, wanted)


def describe_record(record: ClientRecord) -> str:
    """What the journal holds about a client, in a sentence."""
    dates = record.first_date if record.first_date == record.last_date else f"{record.first_date} to {record.last_date}"
    return (
        f"{record.client}: {count(record.sessions, 'session')} ({dates}), {count(record.answers, 'answer')}, "
        f"{count(record.drafts, 'unfinished draft')}"
    )


def forget_command(
    journal: Journal, code: str, *, yes: bool, confirm_code: str | None, conversation: Conversation
) -> ForgetResult | None:
    """Erase a client after the code is typed again (or given with --confirm); None if it did not match.

    Codes match in any case, as everywhere else (c-014 is C-014).
    """
    code = normalise_code(code)
    record = client_record(journal, code)
    if confirm_code is not None and normalise_code(confirm_code) != code:
        raise InputError(f"--confirm does not match {code}; nothing was erased.")
    refusal = (
        "Forgetting a client needs --yes or --confirm CODE when alliance is not run in a terminal; nothing was erased."
    )
    if _will_ask(conversation, yes or confirm_code is not None, refusal):
        conversation.say(f"This erases for good {describe_record(record)}.")
        typed = interruptible(lambda: conversation.ask_typed(f"Type {code} again to erase it:"))
        if normalise_code(typed) != code:
            return None
    return forget_client(journal, code)


def restore_command(backup: Path, journal: Path, *, yes: bool, conversation: Conversation) -> RestoreResult | None:
    """Check the backup, say what it holds, ask, then restore it; None if declined."""
    from alliance_cli.app.backup import check_backup, restore_backup

    found = check_backup(backup, journal)
    refusal = "Restoring needs --yes when alliance is not run in a terminal; nothing was changed."
    if _will_ask(conversation, yes, refusal):
        conversation.say(f"{backup} is intact and holds {count(found.sessions, 'session')}.")
        where = "replaces" if journal.exists() else "becomes"
        if not agreed(conversation, f"It {where} the journal {journal}. Go ahead?"):
            return None
    return restore_backup(backup, journal)
