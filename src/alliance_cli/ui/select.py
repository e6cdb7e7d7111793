"""A question with one answer to pick, as questionary's `select` asks it, in one prompt_toolkit
application and without questionary.

The modality is the first question of a log with a client seen before (after the recap), and
whether to resume an unfinished log the first of a log with a draft waiting. questionary's
`select` lays its question line out by building two whole prompt sessions (each an application
with its buffers, toolbars and key bindings) only to borrow their layouts, and importing
questionary loads all its kinds of question: together about 15 ms before the question shows.
`select` here draws the same lines itself: the `?` (or the question's number) and the question
in bold, the instruction after it, `»` before the choice pointed at, each choice after its
shortcut key when it has one, the default choice in reverse video, and once answered the answer
after the question. It takes the same keys: the arrows, j and k (unless a choice's key is one),
Ctrl-N and Ctrl-P move (round from the last choice to the first), a choice's key points at it,
Enter picks, Ctrl-C stops (KeyboardInterrupt), and any other key does nothing.
`tests/test_select.py` holds it to questionary's own select, byte for byte. Every question with
one answer to pick is asked with it, but for the one that filters its choices as you type
(which answer to change, at the end of a log).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from prompt_toolkit.application import Application
from prompt_toolkit.filters import is_done
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.keys import Keys
from prompt_toolkit.layout import ConditionalContainer, FormattedTextControl, HSplit, Layout, Window
from prompt_toolkit.styles import Style

if TYPE_CHECKING:
    from prompt_toolkit.formatted_text import StyleAndTextTuples
    from prompt_toolkit.input import Input
    from prompt_toolkit.key_binding import KeyPressEvent
    from prompt_toolkit.output import Output

POINTER = "»"
# questionary's default style (`questionary.constants.DEFAULT_STYLE`), the classes a select uses.
STYLE = [
    ("qmark", "fg:#5f819d"),
    ("question", "bold"),
    ("answer", "fg:#FF9D00 bold"),
    ("pointer", ""),
    ("selected", ""),
    ("instruction", ""),
    ("text", ""),
]


class Question(Protocol):
    """A question ready to ask (`questionary.Question` has this shape too)."""

    @property
    def application(self) -> Application[Any]: ...

    def unsafe_ask(self) -> Any:
        """The answer; KeyboardInterrupt when the person stops (Ctrl-C), EOFError at Ctrl-D."""
        ...


class Select:
    """The question `select` makes: its application, and `unsafe_ask()` to ask it."""

    def __init__(self, application: Application[Any]) -> None:
        self.application = application

    def unsafe_ask(self) -> Any:
        return self.application.run()


class _Choices:
    """The list of choices and which one is pointed at."""

    def __init__(self, choices: Sequence[str | tuple[str, Any]], default: Any, shortcuts: Sequence[str]) -> None:
        self.titles = [c if isinstance(c, str) else c[0] for c in choices]
        self.values = [c if isinstance(c, str) else c[1] for c in choices]
        self.shortcuts = list(shortcuts)
        if self.shortcuts and len(self.shortcuts) != len(self.values):
            raise ValueError("give a shortcut key for each choice, or none")
        if default is not None and default not in self.values:
            raise ValueError(f"the default {default!r} is not one of the choices")
        self.default = None if default is None else self.values.index(default)
        self.pointed_at = self.default or 0
        self.answered = False

    def move(self, by: int) -> None:
        self.pointed_at = (self.pointed_at + by) % len(self.values)

    def lines(self) -> StyleAndTextTuples:
        """As questionary's list draws them: the pointer, then the choice (after its shortcut
        key), styled by whether it is the default (`selected`) or pointed at (`highlighted`)."""
        tokens: StyleAndTextTuples = []
        for i, title in enumerate(self.titles):
            if self.shortcuts:
                title = f"{self.shortcuts[i]}) {title}"
            if i == self.pointed_at:
                tokens += [("class:pointer", f" {POINTER} "), ("[SetCursorPosition]", "")]
            else:
                tokens.append(("class:text", " " * (2 + len(POINTER))))
            if i == self.default:
                tokens.append(("class:selected", title))
            else:
                tokens.append(("class:highlighted" if i == self.pointed_at else "class:text", title))
            tokens.append(("", "\n"))
        return tokens[:-1]


def select(
    message: str,
    choices: Sequence[str | tuple[str, Any]],
    *,
    default: Any = None,
    qmark: str = "?",
    instruction: str | None = None,
    shortcuts: Sequence[str] = (),
    jk_keys: bool = True,
    input: Input | None = None,
    output: Output | None = None,
) -> Select:
    """Ask `message`, one of `choices` to pick (a title, or a title and the value it answers),
    the pointer starting on `default` (a value). `shortcuts`: a key for each choice, shown
    before it, that points at it; `jk_keys`: j and k move (leave them out when a choice's
    key is one of them)."""
    if not choices:
        raise ValueError("a question to pick from needs choices")
    listed = _Choices(choices, default, shortcuts)
    if jk_keys and {"j", "k"} & set(shortcuts):
        raise ValueError("j and k move the pointer: give the choices other keys, or leave out jk_keys")
    how = instruction or ("(Use shortcuts or arrow keys)" if shortcuts else "(Use arrow keys)")

    def question_line() -> StyleAndTextTuples:
        tokens: StyleAndTextTuples = [("class:qmark", qmark), ("class:question", f" {message} ")]
        if listed.answered:
            tokens.append(("class:answer", listed.titles[listed.pointed_at]))
        else:
            tokens.append(("class:instruction", how))
        # The prompt session's (hidden) cursor stands after the line, on a blank left unwritten.
        return [*tokens, ("[SetCursorPosition]", ""), ("", " ")]

    layout = Layout(
        HSplit(
            [
                # As questionary's prompt session draws it: wrapped when wider than the
                # terminal, no taller than it needs, no cursor shown.
                Window(
                    FormattedTextControl(question_line),
                    dont_extend_height=True,
                    always_hide_cursor=True,
                    wrap_lines=True,
                ),
                ConditionalContainer(Window(FormattedTextControl(listed.lines)), filter=~is_done),
            ]
        )
    )
    return Select(
        Application(
            layout=layout,
            key_bindings=_keys(listed, jk_keys=jk_keys),
            style=Style(STYLE),
            input=input,
            output=output,
        )
    )


def _keys(listed: _Choices, *, jk_keys: bool) -> KeyBindings:
    """questionary's keys for a select, bound in its order (of two bindings for a key, the
    one added last wins)."""
    bindings = KeyBindings()

    @bindings.add(Keys.ControlQ, eager=True)
    @bindings.add(Keys.ControlC, eager=True)
    def stop(event: KeyPressEvent) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    for index, key in enumerate(listed.shortcuts):
        bindings.add(key, eager=True)(_pointer_to(listed, index))

    def down(event: KeyPressEvent) -> None:
        listed.move(1)

    def up(event: KeyPressEvent) -> None:
        listed.move(-1)

    for key in (Keys.Down, *("j" if jk_keys else ""), Keys.ControlN):
        bindings.add(key, eager=True)(down)
    for key in (Keys.Up, *("k" if jk_keys else ""), Keys.ControlP):
        bindings.add(key, eager=True)(up)

    @bindings.add(Keys.ControlM, eager=True)
    def pick(event: KeyPressEvent) -> None:
        listed.answered = True
        event.app.exit(result=listed.values[listed.pointed_at])

    @bindings.add(Keys.Any)
    def other(event: KeyPressEvent) -> None:
        """No text to type here."""

    return bindings


def _pointer_to(listed: _Choices, index: int) -> Callable[[KeyPressEvent], None]:
    def point(event: KeyPressEvent) -> None:
        listed.pointed_at = index

    return point
