"""Answer text made safe to show on a screen.

An answer can hold anything a keyboard, a pasted web page or an imported file brings: the
escape sequences a terminal obeys (a window title, a cleared screen, hidden text, a link
that shows one address and opens another), bells, backspaces and carriage returns that
overwrite what is already shown, C1 controls, and the Unicode direction overrides that
make text read in another order than it is stored. `visible` turns each into a harmless
picture of itself, so a screen always shows what the journal holds.

Every renderer of answer text for people (tables, `show`, the review in Rich and in
Markdown, the recap, search results) passes it through `visible`. Data for programs (JSON,
JSON lines, CSV) keeps the exact text.
"""

from __future__ import annotations

import re

# C0 controls but newline and tab, DEL, C1 controls, and the bidirectional embeddings,
# overrides and isolates (U+202A-U+202E, U+2066-U+2069).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _picture(found: re.Match[str]) -> str:
    char = found.group()
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)  # the Control Pictures: ␛ for ESC, ␇ for BEL, ␈ for backspace
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return f"\\x{code:02x}"  # C1 controls have no pictures: \x9b (CSI), \x9d (OSC)
    return f"\\u{code:04x}"  # \u202e (right-to-left override)


def visible(text: str) -> str:
    """`text` with every control character but newline and tab, and every direction override,
    shown as a visible picture of itself (ESC as ␛, BEL as ␇, CSI as \\x9b, U+202E as \\u202e);
    a Windows line end (CR LF) is a newline. Text without any comes back as it is."""
    if text.isprintable():  # the common case, checked in C
        return text
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
    return _UNSAFE.sub(_picture, text)
