"""The `alliance log` conversation; the only module that imports questionary.

Every question is asked with `unsafe_ask()`, so Ctrl-C raises KeyboardInterrupt instead of
looking like an empty answer. After each answer the state goes to `on_change`, which the
caller saves as a draft: whatever stops the conversation, nothing answered is lost.

`Interview` holds where the questions go (prompt_toolkit's input and output: the terminal,
or a test's pipe input), so no function below passes them on by hand.

questionary is imported by the questions that use it, not with the module: a question with
one answer to pick (the modality, whether to resume a draft, a choice prompt, the privacy
check, the end of a log) is asked with `ui.select`, so a log whose first question is one of
them (a client seen before: the recap, then the modality) does not wait for questionary.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from prompt_toolkit.key_binding import KeyBindings

from alliance_cli.core.answers import applies, coerce, follows
from alliance_cli.core.draft import LogState
from alliance_cli.core.inputs import MODALITIES, check_client_code, new_client_code, parse_session_date
from alliance_cli.errors import InputError
from alliance_cli.ui.select import Question, select

if TYPE_CHECKING:
    from prompt_toolkit.input import Input
    from prompt_toolkit.key_binding import KeyPressEvent
    from prompt_toolkit.output import Output

    from alliance_cli.core.models import Prompt, PromptSet

EDITOR_WORD = ":e"
NEW_CODE_WORD = "+"
BACK_KEY = "<"  # typed on an empty answer (or at any choice question): back to the previous question
SKIP = "(skip)"
SKIP_VALUE = "\x00skip"
BACK_VALUE = "\x00back"  # what a question returns when BACK_KEY was typed
SESSION_FIELDS = {"client": "Client", "date": "Date", "modality": "Modality"}

ASKED_CLIENT, ASKED_DATE, ASKED_MODALITY = ":client", ":date", ":modality"  # never prompt ids

# Where `:e` writes: called with the state and the prompt id, a block yielding a new private
# file, which the draft names (`app.editing.EditorFiles`); the interview keeps the text in
# the draft and removes the file, so a stop loses nothing and leaves nothing behind.
ScratchFile = Callable[[LogState, str], AbstractContextManager[Path]]


class _Keeping(NamedTuple):
    """What an answer written in the editor goes into, as soon as the editor returns or stops."""

    state: LogState
    on_change: Callable[[LogState], None]
    scratch: ScratchFile


class Interview:
    """Questions asked with questionary on one input and output (None: the terminal)."""

    def __init__(self, *, input: Input | None = None, output: Output | None = None) -> None:
        self._io: dict[str, Any] = {}
        # A session field chosen to be changed at the end of a log, with the answer it had
        # (asked again starting from it).
        self._reopened: dict[str, str] = {}
        # What to do while the next question waits for its answer (`_asked`), once.
        self._meanwhile: Callable[[], None] | None = None
        if input is not None:
            self._io["input"] = input
        if output is not None:
            self._io["output"] = output

    # -- a new log (alliance log) ------------------------------------------------------------

    def ask_log(
        self,
        ps: PromptSet,
        state: LogState,
        *,
        clients: Sequence[str],
        default_modality: str | None,
        today: date,
        on_change: Callable[[LogState], None],
        history: Callable[[LogState], frozenset[str]],
        scratch: ScratchFile,
    ) -> LogState:
        """Ask whatever `state` does not hold yet, in order; return the completed state.

        `history(state)`, called once client and date are known, may show a recap of the last
        session and returns the facts about earlier sessions that `when: {history: ...}` tests.
        `scratch` gives the file `:e` opens in the editor.
        """
        # A prompt set read from the cache (`settings.prompts.DeferredPromptSet`) builds its
        # models while the first question waits for the person; the prompts find them ready.
        self._meanwhile = getattr(ps, "build_in_background", None)
        if state.client is None:
            state.client = self._ask_client(clients, self._reopened.pop(ASKED_CLIENT, ""))
            on_change(state)
        if state.date is None:
            state.date = self._ask_date(today, self._reopened.pop(ASKED_DATE, "today"))
            on_change(state)
        facts = history(state)
        if state.modality is None:
            default = self._reopened.pop(ASKED_MODALITY, default_modality)
            state.modality = self._ask_modality(default if default in MODALITIES else MODALITIES[0])
            on_change(state)
        return self._ask_prompts(ps, state, facts, _Keeping(state, on_change, scratch))

    # -- a saved session again (alliance edit) -----------------------------------------------

    def ask_edit(
        self,
        ps: PromptSet,
        state: LogState,
        *,
        clients: Sequence[str],
        today: date,
        on_change: Callable[[LogState], None],
        history: Callable[[LogState], frozenset[str]],
        scratch: ScratchFile,
    ) -> LogState:
        """Re-ask a saved session, each question starting from the saved answer (Enter keeps it).

        `state` starts as the saved session; `state.asked` records what was asked already, so a
        resumed draft carries on where it stopped. A prompt that no longer applies (its `when:`
        answer changed) loses its saved answer, as the summary before saving shows.
        """
        if ASKED_CLIENT not in state.asked:
            state.client = self._ask_client(clients, state.client or "")
            state.asked.append(ASKED_CLIENT)
            on_change(state)
        if ASKED_DATE not in state.asked:
            state.date = self._ask_date(today, state.date or today.isoformat())
            state.asked.append(ASKED_DATE)
            on_change(state)
        if ASKED_MODALITY not in state.asked:
            state.modality = self._ask_modality(state.modality if state.modality in MODALITIES else MODALITIES[0])
            state.asked.append(ASKED_MODALITY)
            on_change(state)
        return self._ask_prompts(ps, state, history(state), _Keeping(state, on_change, scratch))

    def _ask_prompts(self, ps: PromptSet, state: LogState, facts: frozenset[str], keeping: _Keeping) -> LogState:
        """The prompts `state` has not asked yet, in order, each starting from the answer it holds
        (an edit's saved answer, or one given before going back). A prompt whose `when:` no
        longer holds loses its answer.

        Each question shows where it stands ("7 of 18": the prompts that apply as far as the
        answers so far tell), with its section's heading when the section changes; `<` goes
        back to the question before, keeping every answer as the starting point. An answer that
        follows from earlier ones (`core.answers.follows`) is set, not asked."""
        shown: str | None = None
        sections: dict[str, str | None] = {}  # a prompt's section: the last one opened at or before it
        opened: str | None = None
        for each in ps.prompts:
            opened = sections[each.id] = section_of(each) or opened
        while True:
            applying: list[Prompt] = []
            for prompt in ps.prompts:
                derived = None
                if applies(prompt, state.answers, facts):
                    derived = follows(ps, prompt, state.answers, facts)  # the kind, from the markers
                    if derived is None:
                        applying.append(prompt)
                        continue
                if derived is None:
                    state.answers.pop(prompt.id, None)
                else:
                    state.answers[prompt.id] = derived
                if prompt.id in state.asked:
                    state.asked.remove(prompt.id)
            waiting = [p for p in applying if p.id not in state.asked]
            if not waiting:
                return state
            prompt = waiting[0]
            place = applying.index(prompt)
            before = [p for p in applying[:place] if p.id in state.asked]
            section = sections[prompt.id]
            if section and section != shown:
                self._heading(section)
            shown = section
            value = self.ask_prompt(
                prompt,
                default=state.answers.get(prompt.id),
                keeping=keeping,
                place=(place + 1, len(applying)),
                back=bool(before),
            )
            if value == BACK_VALUE:
                state.asked.remove(before[-1].id)
            else:
                if value is None:
                    state.answers.pop(prompt.id, None)
                else:
                    state.answers[prompt.id] = value
                state.asked.append(prompt.id)
            keeping.on_change(state)

    def _ask_client(self, clients: Sequence[str], default: str = "") -> str:
        # questionary's autocomplete takes no `instruction`, so the hint is part of the question.
        hint = (
            f"(Tab completes; {NEW_CODE_WORD} makes a new random code)"
            if clients
            else f"({NEW_CODE_WORD} makes a random code)"
        )

        def check(text: str) -> object:
            if text.strip() == NEW_CODE_WORD:
                return True
            try:
                return check_client_code(text)
            except InputError:  # the full message is too long for the line under the question
                raise InputError(
                    f"Use a pseudonymous code such as C-014, never a name ({NEW_CODE_WORD} makes one)."
                ) from None

        import questionary

        question = f"Client code {hint}:"
        validate = _validator(check)
        if clients:
            from questionary.prompts.autocomplete import WordCompleter

            # The codes are read for the first completion (a key typed), not to draw the question.
            codes = WordCompleter(lambda: list(clients), ignore_case=True, match_middle=True)
            asked = questionary.autocomplete(
                question, choices=[], completer=codes, default=default, validate=validate, **self._io
            )
        else:
            asked = questionary.text(question, default=default, validate=validate, **self._io)
        code = str(self._asked(asked))
        if code.strip() == NEW_CODE_WORD:
            code = new_client_code(set(clients))
            self._print(f"New client code: {code}")
            return code
        return check_client_code(code)

    def _ask_date(self, today: date, default: str = "today") -> str:
        import questionary

        validate = _validator(lambda text: parse_session_date(text, today=today))
        answer = self._asked(
            questionary.text(
                "Session date:",
                default=default,
                validate=validate,
                instruction="(today, yesterday, friday, 3 days ago, 2026-11-02)",
                **self._io,
            )
        )
        return parse_session_date(answer, today=today).isoformat()

    def _ask_modality(self, default: str) -> str:
        return str(self._asked(select("Modality:", list(MODALITIES), default=default, **self._io)))

    def _asked(self, question: Question) -> Any:
        """`question.unsafe_ask()`; what was left to do meanwhile starts once it is on screen."""
        meanwhile, self._meanwhile = self._meanwhile, None
        if meanwhile is not None:
            question.application.pre_run_callables.append(lambda: _soon(meanwhile))
        return question.unsafe_ask()

    def ask_prompt(
        self,
        prompt: Prompt,
        default: Any = None,
        *,
        keeping: _Keeping,
        place: tuple[int, int] | None = None,
        back: bool = False,
    ) -> Any:
        """Ask one prompt; the typed answer, None when an optional prompt is skipped, or
        BACK_VALUE when `back` allows going back and `<` was typed. `place` is the question's
        number and the count of questions, shown before it. Text written in the editor goes
        into `keeping`'s draft before anything else."""
        import questionary
        from questionary import Choice

        qmark = f"{place[0]} of {place[1]}" if place else "?"
        if prompt.kind == "choice":
            titles = list(prompt.choices or [])
            options: list[tuple[str, Any]] = [(c, c) for c in titles]
            if not prompt.required:
                options.append((SKIP, SKIP_VALUE))  # and the default, so Enter skips an optional prompt
            keys = shortcut_keys([title for title, _ in options])
            question: Question = select(
                prompt.text,
                options,
                default=default if default in titles else (None if prompt.required else SKIP_VALUE),
                instruction=_choice_instruction(prompt, back=back),
                qmark=qmark,
                shortcuts=keys,
                jk_keys=False,
                **self._io,
            )
            typed_keys(question, keys, back=back)
            answer = question.unsafe_ask()
            return None if answer == SKIP_VALUE else answer
        if prompt.kind == "multi":
            checked = default or []
            titles = list(prompt.choices or [])
            keys = shortcut_keys(titles, digits_first=True, taken="aijk")
            choices = [Choice(f"{k}) {c}", value=c, checked=c in checked) for c, k in zip(titles, keys, strict=False)]
            question = questionary.checkbox(
                prompt.text,
                choices=choices,
                instruction=_choice_instruction(prompt, back=back),
                qmark=qmark,
                validate=(lambda picked: bool(picked) or "Pick at least one.") if prompt.required else (lambda _: True),
                **self._io,
            )
            ticking_keys(question, keys, back=back)
            answer = question.unsafe_ask()
            if answer == BACK_VALUE:
                return answer
            return answer or None
        while True:
            question = questionary.text(
                prompt.text,
                default=_as_text(default),
                validate=lambda text: _check(prompt, text),
                instruction=_instruction(prompt, back=back),
                qmark=qmark,
                multiline=False,
                **self._io,
            )
            if back:
                back_on_empty(question)
            answer = question.unsafe_ask()
            if answer == BACK_VALUE:
                return answer
            if prompt.kind != "text" or answer.strip() != EDITOR_WORD:
                return coerce(prompt, answer)
            try:
                written = self._write_in_editor(prompt, _as_text(default), keeping)
            except InputError as exc:  # no editor to be had: say so and ask again
                self._print(exc.message)
                continue
            try:
                return coerce(prompt, written)
            except ValueError as exc:  # too long: ask again, starting from what was written
                self._print(f"The text {exc}; shorten it.")
                default = written

    def _write_in_editor(self, prompt: Prompt, initial: str, keeping: _Keeping) -> str:
        """The text written in the editor, kept in the draft before its file is removed.

        Stopped while the editor is open (Ctrl-C, a closed terminal), what the editor saved
        so far is kept in the draft as this prompt's answer, to be asked again on resuming.
        Killed outright, the file stays in the journal's private folder for the next run."""
        with keeping.scratch(keeping.state, prompt.id) as path:
            try:
                written = edit_in_editor(initial, path)
            except InputError:  # the editor did not start, or ended with an error: nothing taken
                path.unlink(missing_ok=True)
                raise
            except BaseException:
                _keep_written(path, prompt.id, initial, keeping)
                raise
            _keep_written(path, prompt.id, initial, keeping, written)
            return written

    def _print(self, message: str, style: str | None = None) -> None:
        """A line where the questions go (a test's DummyOutput, say)."""
        import questionary

        if "output" in self._io:
            questionary.print(message, style=style, output=self._io["output"])
        else:
            questionary.print(message, style=style)

    def _heading(self, section: str) -> None:
        """A section's heading, set off by an empty line."""
        self._print("")
        self._print(section, style="bold underline")

    # -- before saving -----------------------------------------------------------------------

    def review_findings(
        self,
        ps: PromptSet,
        state: LogState,
        *,
        check: Callable[[str, Any], str | None],
        redact: Callable[[str], str],
        on_change: Callable[[LogState], None],
        scratch: ScratchFile,
    ) -> LogState:
        """Before saving: for each free-text answer the privacy check flags, edit, redact or keep it.

        `check(prompt_id, value)` says what was found ("an e-mail address"), never the text itself.
        """
        for prompt in ps.prompts:
            while prompt.id in state.answers and (found := check(prompt.id, state.answers[prompt.id])):
                choice = select(
                    f"Privacy check: your answer to “{prompt.text}” may hold {found}.",
                    [
                        ("Edit the answer", "edit"),
                        ("Replace what was found with [redacted]", "redact"),
                        ("Keep it as it is", "keep"),
                    ],
                    instruction="(details like these could identify a client)",
                    **self._io,
                ).unsafe_ask()
                if choice == "keep":
                    break
                value = state.answers[prompt.id]
                keeping = _Keeping(state, on_change, scratch)
                new = redact(value) if choice == "redact" else self.ask_prompt(prompt, default=value, keeping=keeping)
                if new is None:
                    state.answers.pop(prompt.id, None)
                else:
                    state.answers[prompt.id] = new
                on_change(state)
        return state

    def confirm(self, question: str, *, default: bool) -> bool:
        import questionary

        return bool(questionary.confirm(question, default=default, **self._io).unsafe_ask())

    def ask_finish(self, question: str, *, discard: bool) -> Literal["save", "change", "draft", "discard"]:
        """The end of a log or an edit: save it, change an answer, keep it as a draft, or
        (with `discard`) throw it away. Enter saves."""
        choices = [("Save it", "save"), ("Change an answer", "change"), ("Keep it as a draft for later", "draft")]
        keys = ["s", "c", "k"]
        if discard:
            choices.append(("Discard it", "discard"))
            keys.append("d")
        asked = select(
            question,
            choices,
            instruction=f"({', '.join(keys)} or arrows, then Enter; y saves, n keeps a draft)",
            shortcuts=keys,
            jk_keys=False,
            **self._io,
        )
        typed_keys(asked, keys, back=False)
        answers = KeyBindings()  # as the yes/no question it replaces: y saves, n keeps the draft
        for key, value in (("y", "save"), ("n", "draft")):
            answers.add(key, eager=True)(_exit_with(value))
        _extra_keys(asked, answers)
        choice: Literal["save", "change", "draft", "discard"] = asked.unsafe_ask()
        return choice

    def ask_change(self, ps: PromptSet, state: LogState) -> bool:
        """Which answer to change; that question is then asked again, starting from the answer
        (the questions that follow from it too, if they now apply). False: none was picked."""
        import questionary
        from questionary import Choice

        edit = ASKED_CLIENT in state.asked  # an edit asks the session's fields like its prompts
        fields = {ASKED_CLIENT: state.client, ASKED_DATE: state.date, ASKED_MODALITY: state.modality}
        choices = [Choice(f"{SESSION_FIELDS[key[1:]]}: {value}", value=key) for key, value in fields.items() if value]
        for prompt in ps.prompts:
            if prompt.id in state.asked:
                shown = _short(state.answers[prompt.id]) if prompt.id in state.answers else SKIP
                choices.append(Choice(f"{label_of(prompt)}: {shown}", value=prompt.id))
        choices.append(Choice("None: back to saving", value=""))
        key = str(
            questionary.select(
                "Which answer do you want to change?",
                choices=choices,
                instruction="(arrows, or type to find it; Enter picks)",
                use_search_filter=True,
                use_jk_keys=False,
                **self._io,
            ).unsafe_ask()
        )
        if not key:
            return False
        if key in state.asked:
            state.asked.remove(key)
        if not edit and key in fields:
            self._reopened[key] = str(fields[key])
            setattr(state, key[1:], None)
        return True

    def ask_resume(
        self, description: str, *, edit: bool = False, meanwhile: Callable[[], None] | None = None
    ) -> Literal["resume", "new", "discard"]:
        """What to do with an unfinished log: 'resume', 'new' (keep the draft for later) or
        'discard'; with `edit`, an unfinished edit: 'resume' or 'discard' (start again from the
        saved session). `meanwhile` starts once the question is on screen."""
        if edit:
            question = f"You have an unfinished edit of this session: {description}."
            choices = [("Resume it", "resume"), ("Discard it and start again from the saved session", "discard")]
        else:
            question = f"You have an unfinished log: {description}."
            choices = [
                ("Resume it", "resume"),
                ("Start a new log and keep the draft for later", "new"),
                ("Discard it and start a new log", "discard"),
            ]
        self._meanwhile = meanwhile
        choice: Literal["resume", "new", "discard"] = self._asked(select(question, choices, **self._io))
        return choice

    def ask_typed(self, question: str) -> str:
        """Free text typed by the user (for example a code typed again to confirm an erasure)."""
        import questionary

        return str(questionary.text(question, **self._io).unsafe_ask()).strip()


def _validator(check: Callable[[str], object]) -> Callable[[str], bool | str]:
    """A questionary validator from a parser that raises InputError: its message is the hint."""

    def validate(text: str) -> bool | str:
        try:
            check(text)
        except InputError as exc:
            return exc.message
        return True

    return validate


def section_of(prompt: Prompt) -> str | None:
    """The heading of the form's section the prompt belongs to, if it names one."""
    section: str | None = getattr(prompt, "section", None)
    return section


def label_of(prompt: Prompt) -> str:
    """The prompt's short title for summaries, else its question."""
    label: str | None = getattr(prompt, "label", None)
    return label or prompt.text


def _short(value: Any, width: int = 40) -> str:
    """An answer on one line, cut to `width` characters."""
    text = ", ".join(_as_text(v) for v in value) if isinstance(value, list) else _as_text(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def shortcut_keys(titles: list[str], *, digits_first: bool = False, taken: str = "") -> list[str]:
    """A key for each choice, to pick it by typing: the first letter of one of its words that
    is still free (y for yes, p for partly, n for no), else another of its letters, else a digit; with `digits_first`,
    1, 2, 3 … in order. `taken`: letters the question uses for something else."""
    used = set(taken) | {BACK_KEY}
    keys: list[str] = []
    for n, title in enumerate(titles, start=1):
        initials = [w[0].lower() for w in title.replace("(", " ").split() if w[:1].isalpha()]
        letters = [ch.lower() for ch in title if ch.isascii() and ch.isalpha()]
        digits = [str(d) for d in (*range(1, 10), 0)]
        candidates = [str(n)] if digits_first and n <= 9 else []
        candidates += [*initials, *letters, *digits, *"bcefghlmnopqrstuvwxyz"]
        key = next(k for k in candidates if k not in used)
        used.add(key)
        keys.append(key)
    return keys


def _extra_keys(question: Question, bindings: KeyBindings) -> None:
    """Add `bindings` to a question's own (they win where both bind a key)."""
    from prompt_toolkit.key_binding import merge_key_bindings

    app = question.application
    app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), bindings])


def _exit_with(result: str) -> Callable[[KeyPressEvent], None]:
    def exit_(event: KeyPressEvent) -> None:
        event.app.exit(result=result)

    return exit_


def _back_binding(bindings: KeyBindings, **options: Any) -> None:
    @bindings.add(BACK_KEY, eager=True, **options)
    def _(event: KeyPressEvent) -> None:
        event.app.exit(result=BACK_VALUE)


def typed_keys(question: Question, keys: list[str], *, back: bool) -> None:
    """A choice question: each choice's key points at it (the select's shortcuts), `<` goes
    back when `back`, and any other key says which keys there are, so that a stray key then
    Enter never picks the choice the pointer happened to be on: that Enter only repeats the
    keys, a second Enter picks."""
    from prompt_toolkit.filters import Condition, is_done
    from prompt_toolkit.keys import Keys
    from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, HSplit, Window

    # After a stray key: `note` shows the keys there are, `blocking` holds the next Enter back;
    # any other key ends both (`fresh`: the key just handled set them).
    stray = {"note": False, "blocking": False, "fresh": False}
    bindings = KeyBindings()
    if back:
        _back_binding(bindings)

    @bindings.add(Keys.Any)
    def other(event: KeyPressEvent) -> None:
        stray.update(note=True, blocking=True, fresh=True)

    @bindings.add(Keys.ControlM, eager=True, filter=Condition(lambda: stray["blocking"]))
    def not_yet(event: KeyPressEvent) -> None:
        stray.update(blocking=False, fresh=True)  # the note stays; the next Enter picks

    def after(_: object) -> None:
        if not stray["fresh"]:
            stray.update(note=False, blocking=False)
        stray["fresh"] = False

    _extra_keys(question, bindings)
    app = question.application
    app.key_processor.after_key_press += after
    note = f"Type {_or(keys)}, or move with the arrows; then Enter."
    root = app.layout.container
    if isinstance(root, HSplit):
        root.children.append(
            ConditionalContainer(
                Window(FormattedTextControl([("class:instruction", note)]), height=1),
                filter=Condition(lambda: stray["note"]) & ~is_done,
            )
        )


def ticking_keys(question: Question, keys: list[str], *, back: bool) -> None:
    """A question with boxes to tick: each choice's key ticks or unticks it (as Space does on
    the choice pointed at); `<` goes back when `back`."""
    from questionary.prompts.common import InquirerControl

    bindings = KeyBindings()
    if back:
        _back_binding(bindings)
    control = next(c for c in question.application.layout.find_all_controls() if isinstance(c, InquirerControl))

    def ticker(index: int) -> Callable[[KeyPressEvent], None]:
        def tick(event: KeyPressEvent) -> None:
            control.pointed_at = index
            value = control.choices[index].value
            if value in control.selected_options:
                control.selected_options.remove(value)
            else:
                control.selected_options.append(value)

        return tick

    for index, key in enumerate(keys):
        bindings.add(key, eager=True)(ticker(index))
    _extra_keys(question, bindings)


def back_on_empty(question: Question) -> None:
    """A typed question: `<` as the first key of an empty answer goes back."""
    from prompt_toolkit.filters import Condition

    app = question.application
    bindings = KeyBindings()
    _back_binding(bindings, filter=Condition(lambda: not app.current_buffer.text))
    _extra_keys(question, bindings)


def _or(keys: list[str]) -> str:
    return ", ".join(keys[:-1]) + f" or {keys[-1]}" if len(keys) > 1 else keys[0]


def _choice_instruction(prompt: Prompt, *, back: bool) -> str:
    """The hint after a choice question: its help sentence, then how to answer."""
    if prompt.kind == "multi":
        parts = ["keys or Space tick", "Enter when done"]
    else:
        parts = ["keys or arrows, then Enter"]
        if not prompt.required:
            parts.append("Enter alone skips")
    if back:
        parts.append(f"{BACK_KEY} back")
    how = "(" + "; ".join(parts) + ")"
    return f"{prompt.help} {how}" if prompt.help else how


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _check(prompt: Prompt, text: str) -> bool | str:
    if prompt.kind == "text" and text.strip() == EDITOR_WORD:
        return True
    try:
        value = coerce(prompt, text)
    except ValueError as exc:
        return str(exc)[:1].upper() + str(exc)[1:]
    if value is None and prompt.required:
        return "An answer is needed here."
    return True


def _instruction(prompt: Prompt, *, back: bool = False) -> str:
    """The hint after a question: its help sentence, then how to answer, e.g.
    `For example the client withdrew. (y/n; Enter skips)`."""
    parts: list[str] = []
    if prompt.kind == "rating":
        labels = prompt.labels or {}
        lo, hi = int(prompt.min or 0), int(prompt.max or 0)
        ends = [
            f"{lo} = {labels[lo]}" if lo in labels else str(lo),
            f"{hi} = {labels[hi]}" if hi in labels else str(hi),
        ]
        parts.append(f"{ends[0]} … {ends[1]}")
    elif prompt.kind == "number" and prompt.min is not None and prompt.max is not None:
        parts.append(f"{prompt.min:g} to {prompt.max:g}")
    elif prompt.kind == "yesno":
        parts.append("y/n")
    elif prompt.kind == "text":
        parts.append(f"{EDITOR_WORD} opens your editor")
    if not prompt.required:
        parts.append("Enter skips")
    if back:
        parts.append(f"{BACK_KEY} back")
    how = "(" + "; ".join(parts) + ")" if parts else ""
    return f"{prompt.help} {how}".strip() if prompt.help else how


def edit_in_editor(initial: str, path: Path) -> str:
    """Write a longer answer in $VISUAL/$EDITOR, in the private file `path` (it exists, empty);
    what the editor saved there, stripped."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    path.write_text(initial, encoding="utf-8")
    try:
        finished = subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError:
        raise InputError(f"Could not start the editor '{editor}'; set VISUAL or EDITOR.") from None
    if finished.returncode != 0:
        raise InputError(f"The editor stopped with an error ({finished.returncode}); nothing was taken from it.")
    return _read(path) or ""


def _read(path: Path) -> str | None:
    """The text in `path`, stripped (a bad byte read as U+FFFD); None if it cannot be read."""
    try:
        return path.read_bytes().decode("utf-8", errors="replace").strip()
    except OSError:
        return None


def _keep_written(path: Path, prompt_id: str, initial: str, keeping: _Keeping, written: str | None = None) -> None:
    """Keep the editor's text in the draft (as the prompt's answer, asked again on resuming
    when the editor was stopped), then remove its file. If the draft cannot be written, the
    file stays for the next run to pick up."""
    text = _read(path) if written is None else written
    if text and text != initial.strip():
        keeping.state.answers[prompt_id] = text
        if written is None and prompt_id in keeping.state.asked:
            keeping.state.asked.remove(prompt_id)
        keeping.on_change(keeping.state)
    path.unlink(missing_ok=True)


def _soon(work: Callable[[], None]) -> None:
    """`work` on the question's event loop once the question is drawn (the draw comes first)."""
    import asyncio

    asyncio.get_running_loop().call_soon(work)
