"""The session's own fields: dates, client codes, modality. Pure functions, no I/O."""

from __future__ import annotations

import re
from datetime import date

from alliance_cli.core.messages import Hint, repeatable
from alliance_cli.errors import InputError

MODALITIES = ("in person", "video", "phone", "text")
_MODALITY_ALIASES = {"in-person": "in person", "inperson": "in person", "in_person": "in person", "f2f": "in person"}

EARLIEST = date(1900, 1, 1)  # the first day alliance works with (`core.periods` keeps periods after it)
MAX_ID = 2**63 - 1  # the largest whole number SQLite keeps: no session id, count or limit is larger
CODE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,23}$")
_NAME_RE = re.compile(r"^[A-Z][a-z]+([ ._-]?[A-Z][a-z]+)*$")
_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U: easy to read aloud


def _refused(text: str, echo: bool | None, noun: str) -> str:
    """How a message names a value it refuses: `echo` True repeats it (typed on the command
    line); False never (a cell of a file being imported, which may hold anything); None only
    when it has the shape of a date or an id (a field of an answers file)."""
    if echo or (echo is None and repeatable(text.strip())):
        return f"'{text}' is not {noun}"
    return f"the value given is not {noun}"


def parse_date(text: str, *, today: date | None = None, echo: bool | None = True) -> date:
    """A day as people say it: ISO (2026-11-2 too), today, yesterday, friday, last friday,
    3 days ago (`core.dates`); `echo` as in `_refused`."""
    if len(text) == 10 and text[4] == text[7] == "-":  # 2026-11-02, as an export writes it: read at once
        try:
            return date.fromisoformat(text)
        except ValueError:  # not a day: said by `parse_day`
            pass
    from alliance_cli.core.dates import ADVICE, DateProblem, parse_day

    try:
        return parse_day(text, today or date.today())
    except DateProblem as problem:
        what = _refused(text, echo, "a date")
        advice = ADVICE if echo is False else problem.advice  # its advice can repeat parts of it
        raise InputError(f"{what}; {advice}.") from None


def parse_session_date(text: str, *, today: date | None = None, echo: bool | None = True) -> date:
    """A session's date, which cannot be in the future (likely a typo)."""
    today = today or date.today()
    value = parse_date(text, today=today, echo=echo)
    what = value.isoformat() if echo else "The date"
    if value > today:
        raise InputError(f"{what} is in the future; a session is logged on or after the day it happened.")
    if value < EARLIEST:  # a typo, and a date no period of the review could reach back to
        raise InputError(f"{what} is too far back; alliance works with dates from {EARLIEST.isoformat()}.")
    return value


def normalise_code(code: str) -> str:
    """Codes are compared regardless of case and kept in capitals: c-014 is C-014."""
    return code.strip().upper()


def check_client_code(code: str) -> str:
    """A pseudonymous client code such as C-014, in capitals; names and name-like codes are refused."""
    code = code.strip()
    advice = Hint.CLIENT_CODE
    # What was typed is never repeated: it may be a client's name.
    if not code:
        raise InputError(f"A client code is needed; {advice}.")
    if " " in code and all(part[:1].isupper() for part in code.split()):
        raise InputError(f"That client code looks like a personal name; {advice}.")
    if not CODE_RE.match(code):
        raise InputError(f"A client code is letters, digits, '-', '_' or '.' (up to 24, no spaces); {advice}.")
    if _NAME_RE.match(code) or not any(ch.isdigit() for ch in code):
        raise InputError(f"That client code looks like it could be a name; {advice}.")
    return normalise_code(code)


def new_client_code(taken: set[str] | frozenset[str] = frozenset()) -> str:
    """A fresh random code, not derived from anything about the client."""
    import secrets  # here: every command reads this module, few make a code (base64, hmac, random: ~4 ms)

    while True:
        code = "C-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(4))
        if code not in taken and any(ch.isdigit() for ch in code):
            return code


def parse_modality(text: str, *, echo: bool | None = True) -> str:
    """in person, video, phone or text (and a few other ways to write in person)."""
    word = " ".join(text.strip().lower().split())
    word = _MODALITY_ALIASES.get(word, word)
    if word not in MODALITIES:
        what = _refused(text, echo, "a modality")
        raise InputError(f"{what}; use one of: {', '.join(MODALITIES)}.")
    return word


def is_text(text: str) -> bool:
    """Whether `text` can be stored and shown: no lone surrogates, which is how the command
    line hands over bytes that are not UTF-8 (and how JSON writes half a character, \\ud800)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_text(text: str, name: str) -> str:
    """`text`, unless it is not `is_text`: InputError naming `name`."""
    if not is_text(text):
        raise InputError(f"{name}: not valid UTF-8 text; check the terminal's encoding.")
    return text
