"""The privacy guard: spot what could identify a client in free text. Patterns only.

A reflection should hold what happened in the relationship, never who the client is. This
module looks for the details that identify people most often by accident: e-mail and web
addresses, phone numbers, social-security-like numbers, full dates (day, month and year; a
bare year is fine), street addresses, ages over 89, and words from the clinician's own
watch-list (`watchlist.py`). It is a handful of regular expressions, readable and testable,
with no NLP model and no network: it helps the clinician notice, it does not promise.

A `Finding` says what kind of detail sits where; it never carries the matched text, so no
message built from findings can repeat it. `redact` replaces each finding with `[redacted]`.
Figures on a synthetic labelled corpus: `benchmarks/privacy_recall.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet


class Watchlist(Protocol):
    """The clinician's own words to look for (`settings.watchlist` keeps them as hashes)."""

    def __contains__(self, word: object) -> bool: ...

    def __len__(self) -> int: ...


REDACTED = "[redacted]"

# Kinds in order of precedence: when two findings overlap, the earlier kind wins (an e-mail
# address is not also reported as a web address, a social-security-like number not as a phone).
KINDS: dict[str, str] = {
    "email": "an e-mail address",
    "url": "a web address",
    "ssn": "a social-security-like number",
    "date": "a full date",
    "phone": "a phone number",
    "address": "a street address",
    "age": "an age over 89",
    "watchlist": "a word from your watch-list",
}


@dataclass(frozen=True)
class Finding:
    """A span of text that could identify someone. Deliberately without the text itself."""

    kind: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return KINDS[self.kind]


# -- the patterns ---------------------------------------------------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")

_TLDS = "com|org|net|edu|gov|info|biz|io|co|me|app|dev|ly|tv|uk|us|ca|au|de|nl|fr|be|ch|at|es|it|se|no|dk|ie|nz"
_URL = re.compile(
    r"\b(?:https?://|www\.)[^\s<>\"']+"  # anything that starts like a link
    rf"|\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"']*)?",  # example.com/path
    re.IGNORECASE,
)

_SSN = re.compile(r"(?<![\d-])\d{3}([- .])\d{2}\1\d{4}(?![\d-])|(?<![\d-])\d{9}(?![\d-])")

# Groups of digits joined by spaces, dots or dashes, with an optional +country code and
# (area) code; `_phone_ok` then asks for 9 to 15 digits, so dates and scores do not count.
_PHONE = re.compile(
    r"(?<![\w+/.-])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{1,5}(?:[\s.-]\d{2,8}){1,4}(?![\w/-]|\.\d)"
    r"|(?<![\w+/.-])\+?\d{10,13}(?![\w/-])"
)

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:\d{4}\b|['’]\d{2}\b)"
_DATE = re.compile(
    r"\b(?P<iso_y>\d{4})-(?P<iso_m>\d{1,2})-(?P<iso_d>\d{1,2})\b"  # 2024-03-12
    r"|\b(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?:\d{4}|\d{2})(?![\d.]\d)"  # 12/03/2024, 3.12.24
    r"|\b(?P<c>\d{1,2})-(?P<e>\d{1,2})-\d{4}\b"  # 12-03-2024
    rf"|\b\d{{1,2}}{_ORD}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"  # 12 March 2024, 4th of July 1990, 9 Oct '43
    rf"|\b{_MONTH}\s+\d{{1,2}}{_ORD},?\s+{_YEAR}",  # March 12, 2024
    re.IGNORECASE,
)

_STREET = (
    r"Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Way|Terrace|Close"
    r"|Crescent|Square|Sq|Parkway|Pkwy|Highway|Hwy|Circle|Cir|Gardens|Row|Grove|Mews|Walk"
)
_ADDRESS = re.compile(
    # 221B Baker Street, 1600 Pennsylvania Avenue: a house number and capitalised street words
    rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:[A-Z][\w'’.-]*\s+){{1,3}}(?i:{_STREET})\b\.?"
    # lives at 12 oak lane: lower case only after at/on/to/in, and only the long street words
    r"|(?<=\b(?:at|on|to|in)\s)\d{1,5}[a-z]?\s+(?:[a-z][\w'’-]*\s+){1,2}"
    r"(?:street|avenue|road|lane|drive|boulevard|terrace|crescent|close)\b"
    # Hauptstraße 5, Kerkstraat 12
    r"|\b[A-Z][\w'’-]*(?:straße|strasse|str\.|weg|gasse|laan|straat|plein|gracht|allee|platz)\s+\d{1,4}[a-z]?\b"
    r"|\bP\.?\s?O\.?\s*Box\s+\d+",
    re.UNICODE,
)

_OLD = r"(?:9\d|1[0-2]\d)"
_OLD_WORDS = r"(?:ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|(?:a |one )?hundred)"
_AGE = re.compile(
    rf"\b(?:aged?|age of|turned|turns|turning)\s+(?:{_OLD}|{_OLD_WORDS})\b"  # aged 94, turned ninety
    rf"|\b(?:{_OLD}|{_OLD_WORDS})(?:[\s-]years?[\s-]old|[\s-]year-old|\s?y/?o\b|{_ORD}\s+birthday)"  # 91-year-old
    r"|\bin\s+(?:her|his|their)\s+(?:90s|nineties)\b"
    rf"|\b(?:she|he|they)(?:'s|\s+is|\s+was|\s+are|\s+were)\s+{_OLD}\b(?!\s*(?:%|percent|minutes?|mins?|hours?|days?|weeks?|"
    r"months?|kg|kilos?|pounds?|lbs|cm|km|miles?))",  # she is 93
    re.IGNORECASE,
)

_WORD = re.compile(r"[^\W\d_]+")


def _date_ok(m: re.Match[str]) -> bool:
    """A numeric date whose parts could be a day and a month (either order)."""
    if m.group("iso_y"):
        return 1 <= int(m.group("iso_m")) <= 12 and 1 <= int(m.group("iso_d")) <= 31
    first, second = m.group("a") or m.group("c"), m.group("b") or m.group("e")
    if first is None:
        return True  # a written month
    x, y = int(first), int(second)
    return 1 <= min(x, y) <= 12 and 1 <= max(x, y) <= 31


def _phone_ok(m: re.Match[str]) -> bool:
    digits = sum(ch.isdigit() for ch in m.group())
    return 9 <= digits <= 15


_DIGIT = re.compile(r"\d")
_OLD_HINT = re.compile(r"\d|ninet|hundred", re.IGNORECASE)
_URL_HINT = re.compile(rf"://|www\.|\.(?:{_TLDS})\b", re.IGNORECASE)
# Every pattern above needs one of these (an '@', a digit, a link's shape, a spelt-out old
# age): one search rules out most reflections at once.
# Searched in the lower-cased text: twice as fast as a case-insensitive search, and export
# checks every text in the journal.
_ANY_HINT = re.compile(rf"[@\d]|ninet|hundred|://|www\.|\.(?:{_TLDS})\b")


def _has_digit(text: str) -> bool:
    return _DIGIT.search(text) is not None


# (kind, pattern, accept a match?, worth trying on this text?): the last is a cheap
# pre-check, since most reflections hold no digit and no '@' at all.
_PATTERNS: list[tuple[str, re.Pattern[str], Callable[[re.Match[str]], bool] | None, Callable[[str], bool]]] = [
    ("email", _EMAIL, None, lambda text: "@" in text),
    ("url", _URL, None, lambda text: _URL_HINT.search(text) is not None),
    ("ssn", _SSN, None, _has_digit),
    ("phone", _PHONE, _phone_ok, _has_digit),
    ("date", _DATE, _date_ok, _has_digit),
    ("address", _ADDRESS, None, _has_digit),
    ("age", _AGE, None, lambda text: _OLD_HINT.search(text) is not None),
]
_TRAILING = ".,;:!?)]}'\""


def _candidates(text: str, watchlist: Watchlist | None) -> Iterator[Finding]:
    patterns = _PATTERNS if _ANY_HINT.search(text.lower()) else []
    for kind, pattern, accept, worth_trying in patterns:
        if not worth_trying(text):
            continue
        for m in pattern.finditer(text):
            if accept is not None and not accept(m):
                continue
            start, end = m.span()
            if kind == "url":
                while end > start and text[end - 1] in _TRAILING:
                    end -= 1
            yield Finding(kind, start, end)
    if watchlist is not None and len(watchlist):
        for m in _WORD.finditer(text):
            if m.group() in watchlist:
                yield Finding("watchlist", m.start(), m.end())


def find_identifiers(text: str, watchlist: Watchlist | None = None) -> list[Finding]:
    """Everything in `text` that could identify someone, in reading order, without overlaps."""
    if not (watchlist is not None and len(watchlist)) and _ANY_HINT.search(text.lower()) is None:
        return []  # the common case, kept cheap: export checks every text in the journal
    order = list(KINDS)
    chosen: list[Finding] = []
    for finding in sorted(_candidates(text, watchlist), key=lambda f: (order.index(f.kind), f.start)):
        if all(finding.end <= c.start or finding.start >= c.end for c in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def redact(text: str, watchlist: Watchlist | None = None) -> str:
    """`text` with every finding replaced by [redacted]."""
    out, last = [], 0
    for f in find_identifiers(text, watchlist):
        out.append(text[last : f.start])
        out.append(REDACTED)
        last = f.end
    out.append(text[last:])
    return "".join(out)


def describe(findings: list[Finding]) -> str:
    """'an e-mail address and 2 phone numbers': kinds and counts, never the text."""
    counts: dict[str, int] = {}
    for f in findings:
        counts[f.kind] = counts.get(f.kind, 0) + 1
    parts = []
    for kind, n in counts.items():
        label = KINDS[kind]
        parts.append(label if n == 1 else f"{n} {_plural(label)}")
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(label: str) -> str:
    noun = label.split(" ", 1)[1]  # drop the article
    if noun.startswith("word from"):
        return "words " + noun[5:]
    if noun.startswith("age over"):
        return "ages " + noun[4:]
    return noun + ("es" if noun.endswith("s") else "s")


def check_answers(
    ps: PromptSet, answers: Mapping[str, Any], watchlist: Watchlist | None = None
) -> dict[str, list[Finding]]:
    """Findings per free-text answer (prompt id -> findings), only for answers with some."""
    kinds = {p.id: p.kind for p in ps.prompts}
    found: dict[str, list[Finding]] = {}
    for pid, value in answers.items():
        if kinds.get(pid) == "text" and isinstance(value, str):
            findings = find_identifiers(value, watchlist)
            if findings:
                found[pid] = findings
    return found


def finding_lines(found: Mapping[str, list[Finding]]) -> list[str]:
    """One line per answer, naming the prompt and the kinds found: safe to print anywhere."""
    return [f"{pid}: may hold {describe(findings)}" for pid, findings in found.items()]
