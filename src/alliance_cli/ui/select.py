"""A question with one answer to pick: questionary's `select`, in one prompt_toolkit application.

questionary's `select` lays its question line out by building two whole prompt sessions (each
with its own application, buffers, toolbars and key bindings) and borrowing their layouts: about
three times what a typed question costs, paid before the question shows. `select` here lays
out the same lines itself, with questionary's own list of choices (`InquirerControl`) and style,
so the question looks and answers the same: the `?` (or the question's number) and the
question in bold, the instruction after it, `»` on the choice pointed at; arrows, j and k (when
no choice takes them), Ctrl-N and Ctrl-P move, a choice's shortcut key points at it, Enter
picks, Ctrl-C stops, and any other key does nothing. It returns a `questionary.Question`, asked
with `unsafe_ask()` like every other question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from prompt_toolkit.application import Application
from prompt_toolkit.filters import is_done
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, HSplit, Layout, Window
from questionary import Choice, Question
from questionary.constants import DEFAULT_SELECTED_POINTER
from questionary.prompts.common import InquirerControl
from questionary.styles import merge_styles_default

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.input import Input
    from prompt_toolkit.key_binding import KeyPressEvent
    from prompt_toolkit.output import Output


def select(
    message: str,
    choices: Sequence[str | Choice],
    *,
    default: str | Choice | None = None,
    qmark: str = "?",
    instruction: str | None = None,
    use_shortcuts: bool = False,
    use_jk_keys: bool = True,
    input: Input | None = None,
    output: Output | None = None,
) -> Question:
    """`questionary.select(message, choices, ...)` with these options, looking and answering as it does."""
    control = InquirerControl(
        choices,
        default,
        pointer=DEFAULT_SELECTED_POINTER,
        use_indicator=False,
        use_shortcuts=use_shortcuts,
        show_selected=False,
        show_description=True,
        use_arrow_keys=True,
        initial_choice=default,
    )
    how = instruction or ("(Use shortcuts or arrow keys)" if use_shortcuts else "(Use arrow keys)")

    def question_line() -> StyleAndTextTuples:
        tokens: StyleAndTextTuples = [("class:qmark", qmark), ("class:question", f" {message} ")]
        if control.is_answered:
            title = control.get_pointed_at().title
            tokens.append(("class:answer", "".join(t[1] for t in title) if isinstance(title, list) else str(title)))
        else:
            tokens.append(("class:instruction", how))
        # The prompt session's (hidden) cursor stands after the line, on a blank the screen
        # leaves unwritten.
        tokens.append(("[SetCursorPosition]", ""))
        tokens.append(("", " "))
        return tokens

    layout = Layout(
        HSplit(
            [
                # As questionary's prompt session draws it: one line (wrapped when wider than
                # the terminal), no more, and no cursor on it.
                Window(
                    FormattedTextControl(question_line),
                    dont_extend_height=True,
                    always_hide_cursor=True,
                    wrap_lines=True,
                ),
                ConditionalContainer(Window(control), filter=~is_done),
            ]
        )
    )
    return Question(
        Application(
            layout=layout,
            key_bindings=_keys(control, use_shortcuts=use_shortcuts, use_jk_keys=use_jk_keys),
            style=merge_styles_default([None]),
            input=input,
            output=output,
        )
    )


def _keys(control: InquirerControl, *, use_shortcuts: bool, use_jk_keys: bool) -> KeyBindings:
    """questionary's keys for a select, in its order (the last binding added wins a tie)."""
    bindings = KeyBindings()

    @bindings.add(Keys.ControlQ, eager=True)
    @bindings.add(Keys.ControlC, eager=True)
    def stop(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    if use_shortcuts:
        for index, choice in enumerate(control.choices):
            if isinstance(choice.shortcut_key, str) and not choice.disabled:
                bindings.add(choice.shortcut_key, eager=True)(_pointer_to(control, index))

    def down(event: KeyPressEvent) -> None:
        control.select_next()
        while not control.is_selection_valid():
            control.select_next()

    def up(event: KeyPressEvent) -> None:
        control.select_previous()
        while not control.is_selection_valid():
            control.select_previous()

    bindings.add(Keys.Down, eager=True)(down)
    bindings.add(Keys.Up, eager=True)(up)
    if use_jk_keys:
        bindings.add("j", eager=True)(down)
        bindings.add("k", eager=True)(up)
    bindings.add(Keys.ControlN, eager=True)(down)
    bindings.add(Keys.ControlP, eager=True)(up)

    @bindings.add(Keys.ControlM, eager=True)
    def pick(event: KeyPressEvent) -> None:
        control.is_answered = True
        event.app.exit(result=control.get_pointed_at().value)

    @bindings.add(Keys.Any)
    def other(event: KeyPressEvent) -> None:
        """No text to type here."""

    return bindings


def _pointer_to(control: InquirerControl, index: int) -> Any:
    def point(event: KeyPressEvent) -> None:
        control.pointed_at = index

    return point
