"""The one-application select (`ui.select`) looks and answers as questionary's select does:
the same keys give the same answer and the same bytes on the terminal."""

from __future__ import annotations

import io
from typing import Any

import pytest
import questionary
from prompt_toolkit.data_structures import Size
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output.vt100 import Vt100_Output
from questionary import Choice

from alliance_cli.ui.select import select

ENTER, DOWN, UP, CTRL_C, CTRL_N = "\r", "\x1b[B", "\x1b[A", "\x03", "\x0e"

MODALITY: dict[str, Any] = {"message": "Modality:", "choices": ["in person", "video", "phone"], "default": "video"}
# A choice prompt as the log asks one: its number for the `?`, shortcut keys, an instruction
# long enough to wrap on a narrow terminal, the optional "(skip)" the default.
SKIP = Choice("(skip)", value="skip", shortcut_key="s")
CHOICE: dict[str, Any] = {
    "message": "Did you follow through on what you said you would do in the last session with them?",
    "choices": [Choice(t, value=t, shortcut_key=t[0]) for t in ("yes", "partly", "no")] + [SKIP],
    "default": SKIP,
    "qmark": "3 of 18",
    "instruction": "What you agreed to do. (keys or arrows, then Enter; Enter alone skips; < back)",
    "use_shortcuts": True,
    "use_jk_keys": False,
}


def screen_and_answer(make: Any, keys: str, options: dict[str, Any]) -> tuple[str, Any]:
    """What the question writes on a 60-column terminal for `keys`, and its answer."""
    written = io.StringIO()
    output = Vt100_Output(written, lambda: Size(rows=30, columns=60), term="xterm")
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        options = dict(options)
        asked = make(options.pop("message"), options.pop("choices"), input=pipe, output=output, **options)
        try:
            answer = asked.unsafe_ask()
        except KeyboardInterrupt:
            answer = KeyboardInterrupt
    return written.getvalue(), answer


def questionary_select(message: str, choices: list[Any], **options: Any) -> questionary.Question:
    return questionary.select(message, choices=choices, **options)


@pytest.mark.parametrize(
    ("options", "keys", "expected"),
    [
        (MODALITY, ENTER, "video"),
        (MODALITY, DOWN + DOWN + ENTER, "in person"),  # past the last choice to the first
        (MODALITY, "j" + "x" + UP + ENTER, "video"),  # j and k move; a letter does nothing
        (MODALITY, "k" + CTRL_N + ENTER, "video"),
        (MODALITY, CTRL_C, KeyboardInterrupt),
        (CHOICE, ENTER, "skip"),
        (CHOICE, "p" + ENTER, "partly"),
        (CHOICE, DOWN + "n" + ENTER, "no"),
        (CHOICE, "j" + ENTER, "skip"),  # no j and k here: a choice could take them
        (CHOICE, CTRL_C, KeyboardInterrupt),
    ],
)
def test_the_select_shows_and_answers_as_questionary_does(options, keys, expected):
    ours, answer = screen_and_answer(select, keys, options)
    theirs, their_answer = screen_and_answer(questionary_select, keys, options)
    assert answer == their_answer == expected
    assert ours == theirs
    assert options["message"].split()[0] in ours
