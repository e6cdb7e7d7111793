"""What logging a session and editing one share, from the request to the last question.

- `SessionRequest`: what `alliance log` or `alliance edit ID` was asked, as the command line
  gave it; `read_request` reads its answers file and `--set` flags into `Given`.
- `check_scripted`: the answers given without questions, laid over the saved ones (an
  edit) or alone (a log), checked all at once, every problem listed; then the privacy guard.
- `KeptDraft` and `converse`: the interactive side, with a draft saved after every answer,
  the privacy review, the summary and the question whether to save.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from alliance_cli.core.answers import logged_before, validate_answers, without_derived
from alliance_cli.core.messages import count
from alliance_cli.errors import AnswerError, InputError, Interrupted
from alliance_cli.settings.documents import shown_key

if TYPE_CHECKING:
    from alliance_cli.app.conversation import Conversation, ScratchFile
    from alliance_cli.app.editing import EditorFiles
    from alliance_cli.core.draft import LogState
    from alliance_cli.core.models import PromptSet
    from alliance_cli.core.records import StoredSession
    from alliance_cli.settings.watchlist import Watchlist
    from alliance_cli.store.journal import Journal

SESSION_KEYS = ("client", "date", "modality")
T = TypeVar("T")


@dataclass(frozen=True)
class SessionRequest:
    """What the command line asked of `alliance log` or `alliance edit ID`."""

    client: str | None = None
    day: str | None = None  # as typed: 2026-11-20, today, yesterday
    modality: str | None = None
    sets: tuple[str, ...] = ()  # --set PROMPT_ID=VALUE, as typed
    answers_file: Path | None = None  # --answers FILE ('-' is stdin)
    resume: bool = False
    discard_draft: bool = False
    strict: bool = False  # refuse, rather than warn about, answers that may identify a client
    today: date | None = None  # what "today" means (None: the clock's today)


@dataclass(frozen=True)
class Given:
    """A request with its answers file and --set flags read: the session fields (flags win
    over the file) and the raw answers, not checked yet."""

    client: str | None = None
    day: str | None = None
    modality: str | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    from_file: bool = False
    strict: bool = False
    today: date | None = None

    @property
    def scripted(self) -> bool:
        """Whether answers were given (by flags or a file), so not all of them are asked."""
        return bool(self.answers) or self.from_file

    @property
    def echo(self) -> bool | None:
        """How messages name a bad client, date or modality: as typed on the command line, or,
        read from an answers file, only when shaped like an id or a date (`inputs._refused`)."""
        return None if self.from_file else True


def read_request(request: SessionRequest) -> Given:
    """Read the request's answers file (if any) and --set flags; a bad one is an AnswerError."""
    from alliance_cli.core.answers import parse_assignments

    client, day, modality = request.client, request.day, request.modality
    raw: dict[str, Any] = {}
    if request.answers_file is not None:
        name = "stdin" if str(request.answers_file) == "-" else str(request.answers_file)
        fields, raw = split_answers_file(read_answers_file(request.answers_file), name)
        client = client or fields.get("client")
        day = day or fields.get("date")
        modality = modality or fields.get("modality")
    raw.update(parse_assignments(list(request.sets)))
    return Given(
        client=client,
        day=day,
        modality=modality,
        answers=raw,
        from_file=request.answers_file is not None,
        strict=request.strict,
        today=request.today,
    )


def split_answers_file(data: Any, name: str = "the answers file") -> tuple[dict[str, Any], dict[str, Any]]:
    """An --answers document as (session fields, prompt answers).

    Either a flat mapping of prompt ids, or one with `answers:` beside client/date/modality.
    The session fields are text (or left out); `name` names the file in messages.
    """
    if not isinstance(data, dict):
        raise AnswerError("The answers file must hold a mapping of prompt ids to answers.")
    fields = {k: data[k] for k in SESSION_KEYS if data.get(k) is not None}
    wrong = [k for k, v in fields.items() if not isinstance(v, str)]
    if wrong:
        problems = [f"{name}: {k}: expected text, such as {_FIELD_EXAMPLES[k]}" for k in wrong]
        raise AnswerError(problems[0], problems)
    if "answers" in data:
        if not isinstance(data["answers"], dict):
            raise AnswerError("'answers:' must be a mapping of prompt ids to answers, such as 'empathy: 7'.")
        extra = [k for k in data if k not in (*SESSION_KEYS, "answers")]
        if extra:
            named = ", ".join(shown_key(str(k)) for k in extra)
            raise AnswerError(f"Beside 'answers:', the file may only give client, date and modality (not {named}).")
        return fields, dict(data["answers"])
    return fields, {k: v for k, v in data.items() if k not in SESSION_KEYS}


_FIELD_EXAMPLES = {"client": "C-014", "date": "2026-11-20", "modality": "video"}
MAX_ANSWERS_FILE = 2 << 20  # 2 MB: a session's answers, every text answer at its longest, fit well within


def read_answers_file(path: Path) -> Any:
    """Parse an --answers file (YAML or JSON, UTF-8, at most 2 MB; '-' is stdin).

    The document is walked by `settings.documents.load_yaml`: no aliases, no key twice, no
    nesting deeper than a session needs, and plain values stay text as typed, so `1_0`,
    `012` or 2026-02-30 reach the same checks and messages as --set and --date."""
    import yaml

    from alliance_cli.settings.documents import DocumentProblem, TooLarge, load_yaml, read_capped, size_words

    name = "stdin" if str(path) == "-" else str(path)
    try:
        if str(path) == "-":
            data = read_capped(sys.stdin.buffer, MAX_ANSWERS_FILE)
        else:
            with open(path, "rb") as binary:
                data = read_capped(binary, MAX_ANSWERS_FILE)
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise AnswerError(f"{name}: answers file not found") from None
    except UnicodeDecodeError:
        raise AnswerError(f"{name}: the answers file is not UTF-8 text") from None
    except TooLarge:
        raise AnswerError(
            f"{name}: the answers file is larger than {size_words(MAX_ANSWERS_FILE)}; a session's answers never are"
        ) from None
    except OSError as exc:
        raise AnswerError(f"{name}: cannot read the answers file ({exc.strerror or exc.__class__.__name__})") from None
    try:
        return load_yaml(text)
    except DocumentProblem as exc:
        where = f"{name}:{exc.line}" if exc.line else name
        raise AnswerError(f"{where}: {exc.message}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{name}:{mark.line + 1}" if mark is not None else name
        raise AnswerError(f"{where}: not valid YAML or JSON") from None


# -- answers given without questions -----------------------------------------------------------


def check_field(problems: list[str], name: str, parse: Callable[[], T]) -> T | None:
    """`parse()`, or None with its InputError listed among `problems` as `name: message`."""
    try:
        return parse()
    except InputError as exc:
        problems.append(f"{name}: {exc.message}")
        return None


@dataclass(frozen=True)
class Checked:
    """A session's fields and answers, every one checked: ready to be written."""

    client: str
    day: date
    modality: str
    answers: dict[str, Any]


def check_scripted(
    journal: Journal,
    ps: PromptSet,
    conversation: Conversation,
    problems: list[str],
    *,
    client: str | None,
    day: date | None,
    modality: str | None,
    raw: Mapping[str, Any],
    strict: bool,
    watchlist: Watchlist | None,
    saved: StoredSession | None = None,
) -> Checked:
    """Check `raw` answers, laid over the `saved` session's when editing one, for `client` on
    `day` (None where the field had a problem, already listed in `problems`).

    Every problem is listed in one AnswerError, before anything is written. Then the privacy
    guard looks at the answers this adds or changes: a warning for each finding, or with
    `strict` a PrivacyError.
    """
    before = saved.answers if saved is not None else {}
    facts = history_facts(journal, ps, client, day, before_id=saved.id if saved is not None else None)
    if saved is not None:
        facts |= logged_before(ps, saved.answers, facts)  # its several moments, its kind as recorded stay
    answers: dict[str, Any] = {}
    try:
        # A saved kind taken from the markers is taken anew from the markers as edited.
        answers = validate_answers(ps, {**without_derived(ps, before, facts), **raw}, history=facts)
    except AnswerError as exc:
        problems.extend(exc.lines())
        stale = [
            pid
            for pid in before
            if pid not in raw and any(line.startswith(f"{pid}: only asked when") for line in exc.lines())
        ]
        if stale:
            problems.append(f"To remove a saved answer that no longer applies, give it empty: --set {stale[0]}=")
    if problems:
        raise AnswerError(problems[0], problems)
    assert client is not None and day is not None and modality is not None  # else a problem was listed
    changed = {pid: v for pid, v in answers.items() if before.get(pid) != v}
    guard_scripted(conversation, ps, changed, strict=strict, watchlist=watchlist)
    return Checked(client, day, modality, answers)


def history_facts(
    journal: Journal, ps: PromptSet, client: str | None, day: date | None, *, before_id: int | None = None
) -> frozenset[str]:
    """The `history:` conditions that hold for a session with `client` on `day`: an intention
    set last time, a rupture still open, by the roles of `ps`. `before_id`: looking back from
    that saved session."""
    if client is None or day is None:
        return frozenset()
    from alliance_cli.settings.prompts import prompt_roles
    from alliance_cli.store.continuity import continuity

    return continuity(journal, client, day, before_id=before_id, roles=prompt_roles(ps)).facts


def guard_scripted(
    conversation: Conversation,
    ps: PromptSet,
    answers: Mapping[str, Any],
    *,
    strict: bool,
    watchlist: Watchlist | None,
) -> None:
    """Scripted privacy check: one warning per flagged answer, or with `strict` a refusal."""
    from alliance_cli.core.privacy import check_answers, finding_lines
    from alliance_cli.errors import PrivacyError
    from alliance_cli.settings.config import privacy_region

    lines = finding_lines(check_answers(ps, answers, watchlist, privacy_region()))
    if not lines:
        return
    if strict:
        advice = "Nothing was saved: take these details out, or leave out --strict to save with a warning."
        raise PrivacyError(lines[0], [*lines, advice])
    for line in lines:
        conversation.say(f"alliance: warning: {line} (saved anyway; --strict refuses instead)")


# -- answers asked one at a time -----------------------------------------------------------------


def describe_draft(state: Mapping[str, Any], updated_at: str) -> str:
    """An unfinished log or edit in a line, for the question whether to resume it."""
    client = state.get("client") or "no client yet"
    n = len(state.get("answers") or {})
    return f"{client}, {count(n, 'answer')}, last changed {updated_at.replace('T', ' ')[:16]} UTC"


class KeptDraft:
    """The draft of a conversation in progress, saved after every answer; `id` stays None
    until the first answer is kept. `extra` goes into the draft beside the answers."""

    def __init__(
        self,
        journal: Journal,
        draft_id: int | None,
        *,
        command: str = "log",
        session_id: int | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.id = draft_id
        self.discarded = False
        self._journal = journal
        self._command = command
        self._session_id = session_id
        self._extra = dict(extra or {})

    @property
    def scratch(self) -> EditorFiles:
        """Where `:e` writes an answer: a private file this draft names (`app.editing`)."""
        from alliance_cli.app.editing import EditorFiles

        return EditorFiles(self._journal, self)

    def keep(self, state: LogState) -> None:
        body = {**state.to_dict(), **self._extra}
        self.id = self._journal.save_draft(self.id, body, command=self._command, session_id=self._session_id)

    def discard(self) -> None:
        """Throw the draft away (asked at the end of a log): nothing of it is kept."""
        if self.id is not None:
            self._journal.delete_draft(self.id)
        self.id = None
        self.discarded = True

    def note(self, key: str, value: Any) -> None:
        """Keep `value` under `key` beside the answers from the next `keep` on."""
        self._extra[key] = value


def converse(
    conversation: Conversation,
    ps: PromptSet,
    state: LogState,
    draft: KeptDraft,
    *,
    interview: Callable[[], object],
    watchlist: Watchlist | None,
    question: str,
    nothing_kept: str,
    draft_kept: str,
    saved: Mapping[str, Any] | None = None,
    discard: bool = False,
) -> bool:
    """Run `interview`, review privacy, show the summary, then ask `question`: save, change an
    answer (then the interview again, from that question), keep the draft, or, with
    `discard`, throw the draft away (`draft.discarded`). True: save.

    A stop (Ctrl-C, Ctrl-D, or a signal under `signals_as_interrupts`) ends in Interrupted:
    `nothing_kept` when no answer was kept yet, else `draft_kept`.
    """
    reviewed = dict(saved or {})
    try:
        while True:
            interview()
            review_privacy(
                conversation, ps, state, on_change=draft.keep, watchlist=watchlist, saved=reviewed,
                scratch=draft.scratch,
            )  # fmt: skip
            reviewed.update(state.answers)  # kept, edited or redacted: not asked about again
            conversation.show_summary(ps, state)
            choice = conversation.ask_finish(question, discard=discard)
            if choice == "change":
                if conversation.ask_change(ps, state):
                    draft.keep(state)
                continue
            if choice == "draft" and draft.id is None:
                draft.keep(state)  # every answer was given up front: keep them now
            if choice == "discard":
                draft.discard()
            return choice == "save"
    except (KeyboardInterrupt, EOFError):
        raise Interrupted(nothing_kept if draft.id is None else draft_kept) from None


def review_privacy(
    conversation: Conversation,
    ps: PromptSet,
    state: LogState,
    *,
    on_change: Callable[[LogState], None],
    watchlist: Watchlist | None,
    scratch: ScratchFile,
    saved: Mapping[str, Any] | None = None,
) -> None:
    """Interactive privacy check: the clinician edits, redacts or keeps each flagged answer.
    Answers equal to `saved` ones (an edit's unchanged text, kept before) are not asked about."""
    from alliance_cli.core.privacy import check_answers, describe, redact
    from alliance_cli.settings.config import privacy_region

    region = privacy_region()

    def check(prompt_id: str, value: Any) -> str | None:
        if saved is not None and saved.get(prompt_id) == value:
            return None
        found = check_answers(ps, {prompt_id: value}, watchlist, region).get(prompt_id)
        return describe(found) if found else None

    conversation.review_findings(
        ps,
        state,
        check=check,
        redact=lambda text: redact(text, watchlist, region),
        on_change=on_change,
        scratch=scratch,
    )
