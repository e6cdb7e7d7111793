"""The select the first question of a log with a known client uses (`ui.select`, without
questionary) looks and answers as questionary's select does: the same keys give the same
answer and the same bytes on the terminal."""

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
# Whether to resume a draft: choices with values of their own, no default, and a question
# too long for a narrow terminal's line.
RESUME: dict[str, Any] = {
    "message": "You have an unfinished log: C-014, 2026-11-20, 7 answers, last changed 5 minutes ago.",
    "choices": [
        ("Resume it", "resume"),
        ("Start a new log and keep the draft for later", "new"),
        ("Discard it and start a new log", "discard"),
    ],
}

# A choice prompt of the log: its number for the `?`, a key for each choice, a long
# instruction, the optional "(skip)" the default.
CHOICE: dict[str, Any] = {
    "message": "Did you carry out the intention you set last time?",
    "choices": [("yes", "yes"), ("partly", "partly"), ("no", "no"), ("(skip)", "skip")],
    "default": "skip",
    "qmark": "3 of 18",
    "instruction": "Your intention: follow up on the sleep diary. (keys or arrows, then Enter; Enter alone skips)",
    "shortcuts": ["y", "p", "n", "s"],
    "jk_keys": False,
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


def questionary_select(
    message: str, choices: list[Any], *, shortcuts: list[str] | None = None, jk_keys: bool = True, **options: Any
) -> questionary.Question:
    keys = shortcuts or [None] * len(choices)
    listed = [
        c if isinstance(c, str) else Choice(c[0], value=c[1], shortcut_key=k)
        for c, k in zip(choices, keys, strict=True)
    ]
    return questionary.select(message, choices=listed, use_shortcuts=bool(shortcuts), use_jk_keys=jk_keys, **options)


@pytest.mark.parametrize(
    ("options", "keys", "expected"),
    [
        (MODALITY, ENTER, "video"),
        (MODALITY, DOWN + DOWN + ENTER, "in person"),  # past the last choice to the first
        (MODALITY, "j" + "x" + UP + ENTER, "video"),  # j and k move; a letter does nothing
        (MODALITY, "k" + CTRL_N + ENTER, "video"),
        (MODALITY, CTRL_C, KeyboardInterrupt),
        (RESUME, ENTER, "resume"),
        (RESUME, UP + ENTER, "discard"),  # round from the first choice to the last
        (RESUME, "j" + DOWN + "q" + ENTER, "discard"),
        (RESUME, CTRL_C, KeyboardInterrupt),
        (CHOICE, ENTER, "skip"),
        (CHOICE, "p" + ENTER, "partly"),
        (CHOICE, DOWN + "n" + UP + ENTER, "partly"),
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
