"""The privacy guard: spot what could identify a client in free text. Patterns only.

A reflection should hold what happened in the relationship, never who the client is. This
module looks for the details that identify people most often by accident: e-mail addresses
(also written out, "name at gmail dot com"), web addresses (any top-level domain, bare
domains with a path, short links), national ID numbers (US SSN, Canadian SIN, UK National
Insurance and NHS numbers, Irish PPS, Australian TFN and Medicare, New Zealand NHI and IRD,
Indian Aadhaar: checked against their check digits where they have one, and reported as one
kind), phone numbers, dates (a day and month, with
or without the year; a bare year or a month and year is fine), street and postal addresses
(with the unit, town and postcode that follow them; a UK or Canadian postcode alone too), ages
over 89 in any phrasing, and words from the clinician's own watch-list (`watchlist.py`).

It is regular expressions and check digits, readable and testable, with no NLP model and no
network: it helps the clinician notice, it does not promise. For phone numbers the regular
expressions are backed by the `phonenumbers` library's matcher, given the clinician's region
(a plain value the settings pass down); it is imported only when a text has a run of digits
the patterns left alone, so most reflections never load it.

**A day and month without a year** ("on 14 March", "March 14th") is reported as a date:
HIPAA's Safe Harbor counts every element of a date but the year, and a birthday or the day of
an admission identifies as well with the year left out. Numeric forms without a year ("14/3")
are not, since they read as scores and ratings ("7/10"); nor is a month with a year ("May
2023") or a day alone ("the 14th").

A `Finding` says what kind of detail sits where; it never carries the matched text, so no
message built from findings can repeat it. `redact` replaces each finding with `[redacted]`.
Figures on an independent Faker corpus and the older hand-written one:
`benchmarks/privacy_recall.py`.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from alliance_cli.core.models import PromptSet


class _Lazy:
    """A regular expression compiled the first time it is used. The guard has some forty, a
    few of them large; compiling them all on import would cost a `log` whose answers hold no
    digit some 30 ms for nothing."""

    __slots__ = ("_pattern", "_flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._pattern, self._flags = pattern, flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self._pattern, self._flags)
        return self._compiled

    def finditer(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        return self.compiled.finditer(text, pos, endpos)

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(text, pos, endpos)

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(text, pos, endpos)

    def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.fullmatch(text, pos, endpos)


class Watchlist(Protocol):
    """The clinician's own words to look for (`settings.watchlist` keeps them as hashes)."""

    def __contains__(self, word: object) -> bool: ...

    def __len__(self) -> int: ...


REDACTED = "[redacted]"

# Kinds in order of precedence: when two findings overlap, the earlier kind wins (an e-mail
# address is not also a web address, "H.No. 12, ..." is an address and not the web address
# "H.No", an NHS number is a national ID and not a phone number).
KINDS: dict[str, str] = {
    "email": "an e-mail address",
    "address": "a street address",
    "url": "a web address",
    "national_id": "a national ID number",
    "date": "a date",
    "phone": "a phone number",
    "age": "an age over 89",
    "watchlist": "a word from your watch-list",
}

# Where "943 476 5919" with no label is an NHS number rather than a phone number (None: no
# region set).
_NHS_REGIONS = frozenset({"GB", "IM", "JE", "GG", None})


@dataclass(frozen=True)
class Finding:
    """A span of text that could identify someone. Deliberately without the text itself."""

    kind: str
    start: int
    end: int

    @property
    def label(self) -> str:
        return KINDS[self.kind]


# -- e-mail and web addresses ---------------------------------------------------------------

_EMAIL = _Lazy(r"(?<![\w.+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
# "name at gmail dot com", "name [at] gmail [dot] com", "name(at)gmail(dot)com", "name at gmail.com"
_AT = r"(?:\s+(?:at|AT|At)\s+|\s*[\[(](?:at|AT)[\])]\s*)"
_DOT = r"(?:\s+(?:dot|DOT)\s+|\s*[\[(](?:dot|DOT)[\])]\s*|\.)"
_EMAIL_WORDS = _Lazy(
    rf"(?<![\w.+-])(?P<user>[A-Za-z0-9][\w.+-]*)(?P<at>{_AT})"
    rf"(?P<domain>[A-Za-z0-9-]+(?:{_DOT}[A-Za-z0-9-]+)*{_DOT}(?P<tld>[A-Za-z]{{2,}}))\b(?![/.@-]?\w)"
)
# "me at example.com" is as likely a web address: with a plain " at " and real dots, only a
# mail provider's domain, or a user name unlike a short word (8 letters or more, or with
# digits, dots, underscores), counts.
_MAIL_PROVIDERS = _Lazy(
    r"(?:g(?:oogle)?mail|yahoo|ymail|hotmail|outlook|live|msn|icloud|me|mac|aol|proton(?:mail)?|pm|gmx|zoho"
    r"|btinternet|sky|virginmedia|talktalk|bigpond|optusnet|xtra|eircom|rediffmail|fastmail|mail|email|yandex)\.",
    re.IGNORECASE,
)
_URL = _Lazy(
    r"\b(?:https?://|ftp://|www\.)[^\s<>\"']+"  # anything that starts like a link
    r"|(?<![\w@.-])[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,24}/[^\s<>\"']*"  # name.any/path, bit.ly/x
    r"|(?<![\w@.-])(?P<bare>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?P<tld>[a-z]{2,24}))\b(?![.@-]?\w)",
    re.IGNORECASE,
)


def _tld(ending: str) -> bool:
    from alliance_cli.core.tlds import TLDS

    return ending.lower() in TLDS


def _url_ok(m: re.Match[str]) -> bool:
    if m.group("bare") is None:
        return True
    tld = m.group("tld")
    return tld.islower() and _tld(tld) and any(ch.isalpha() for ch in m.group("bare")[: -len(tld)])


def _email_words_ok(m: re.Match[str]) -> bool:
    tld, domain = m.group("tld"), m.group("domain")
    if not ((tld.islower() or tld.isupper()) and _tld(tld)) or domain[0].isdigit():
        return False
    written = m.group("at").strip() not in ("at", "AT", "At") or re.search(r"dot|DOT", domain) is not None
    user = m.group("user")
    return (
        written or _MAIL_PROVIDERS.match(domain) is not None or len(user) >= 8 or re.search(r"[\d._]", user) is not None
    )


# -- national ID numbers --------------------------------------------------------------------

# A label just before a number says what it is: "NHS number 943 476 5919", "SSN: 123456789".
_ID_LABEL = _Lazy(
    r"(?:\b(?:SSN|SIN|NINO|NI|NHS|CHI|PPSN?|RSI|TFN|IRD|NHI|UID|UIDAI|MRN|ID|S\.I\.N\.?)"
    r"|(?i:\bsocial\s+(?:security|insurance)|\bnational\s+insurance|\btax\s+file|\bmedicare|\baadhaa?r"
    r"|\bhealth\s+(?:card|number)|\bpersonal\s+public\s+service|\bidentification|\bpatient\s+number))"
    r"(?i:[\s:#.,('’s-]*(?:(?:number|no|num|card|is|was|reads|of|her|his|their)\b[\s:#.,(-]*){0,3})$"
)
_SSN = _Lazy(r"(?<![\w-])(?P<area>\d{3})(?P<sep>[- .])(?P<group>\d{2})(?P=sep)(?P<serial>\d{4})(?![\w-]|\.\d)")
_NINO = _Lazy(
    r"\b(?!BG|GB|NK|KN|TN|NT)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r"(?:\d{6}|\s\d{2}\s\d{2}\s\d{2}|\s\d{6})(?:\s?[A-D])?\b"
)
_NHI = _Lazy(r"\b[A-HJ-NP-Z]{3}(?:\d{4}|\d{2}[A-HJ-NP-Z]{2})\b")
_PPS = _Lazy(r"(?<![\w-])\d{7}\s?[A-W][A-IW]?\b")
# Digits in groups joined by single spaces or dashes ("2123 45670 1", "9554-5050-3227"), with
# a Medicare card's issue number after a dash or slash.
_DIGIT_GROUPS = _Lazy(r"(?<![\w+/.,-])\d{1,12}(?:[ -]\d{1,12}){0,3}(?:[-/]\d)?(?![\w/-]|[.,]\d)")


_AFTER_COUNTRY_CODE = _Lazy(r"\+\d{1,3}[\s.-]?$")


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _tfn(digits: str) -> bool:
    return sum(int(d) * w for d, w in zip(digits, (1, 4, 3, 7, 5, 8, 6, 9, 10), strict=True)) % 11 == 0


def _nhs(digits: str) -> bool:
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    return (0 if check == 11 else check) == int(digits[9])


def _medicare(digits: str) -> bool:
    weights = (1, 3, 7, 9, 1, 3, 7, 9)
    return digits[0] in "23456" and sum(int(d) * w for d, w in zip(digits[:8], weights, strict=True)) % 10 == int(
        digits[8]
    )


_VERHOEFF_D = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
]
_VERHOEFF_P = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
]


def _aadhaar(digits: str) -> bool:
    c = 0
    for i, ch in enumerate(reversed(digits)):
        c = _VERHOEFF_D[c][_VERHOEFF_P[i % 8][int(ch)]]
    return c == 0 and digits[0] not in "01"


_NHI_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"  # no I, no O: A=1 ... Z=24


def _nhi(text: str) -> bool:
    """New Zealand's National Health Index: AAA9999 (mod 11) or AAA99AA (mod 23)."""
    values = [_NHI_LETTERS.index(c) + 1 if c.isalpha() else int(c) for c in text[:6]]
    total = sum(v * w for v, w in zip(values, (7, 6, 5, 4, 3, 2), strict=True))
    if text[6].isdigit():
        return total % 11 != 0 and (11 - total % 11) % 10 == int(text[6])
    return total % 23 != 0 and _NHI_LETTERS.index(text[6]) + 1 == 23 - total % 23


def _ird(digits: str) -> bool:
    """New Zealand's IRD number: 8 or 9 digits, a mod-11 check digit with two weightings."""
    body = [int(c) for c in digits[:-1].rjust(8, "0")]
    if not 10_000_000 <= int(digits) <= 150_000_000:
        return False
    for weights in ((3, 2, 7, 6, 5, 4, 3, 2), (7, 4, 3, 2, 5, 2, 7, 6)):
        rem = sum(d * w for d, w in zip(body, weights, strict=True)) % 11
        check = 0 if rem == 0 else 11 - rem
        if check != 10:
            return check == int(digits[-1])
    return False


def _ssn_ok(area: str, group: str, serial: str) -> bool:
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


def _pps_ok(text: str) -> bool:
    compact = text.replace(" ", "")
    digits, letters = compact[:7], compact[7:]
    total = sum(int(d) * w for d, w in zip(digits, range(8, 1, -1), strict=True))
    if len(letters) == 2 and letters[1] != "W":
        total += 9 * (ord(letters[1]) - 64)
    return letters[0] == ("W" if total % 23 == 0 else chr(64 + total % 23))


def _labelled(text: str, start: int) -> bool:
    return _ID_LABEL.search(text, max(0, start - 48), start) is not None


def _digit_id(text: str, m: re.Match[str], region: str | None) -> bool:
    """Is this run of digit groups a national ID number? Its shape and check digit decide, and
    for a run without groups the region (a 9-digit run is an SSN in the US, a SIN in Canada)."""
    raw = m.group()
    groups = tuple(len(g) for g in re.split(r"[ /-]", raw))
    digits = "".join(ch for ch in raw if ch.isdigit())
    n = len(digits)
    if not 8 <= n <= 12 or _AFTER_COUNTRY_CODE.search(text, max(0, m.start() - 6), m.start()):
        return False
    if _labelled(text, m.start()):
        return True
    if groups == (3, 3, 3):
        return _luhn(digits) or _tfn(digits) or _ird(digits)
    if groups in ((4, 5, 1), (4, 5, 1, 1)):
        return _medicare(digits)
    if groups == (4, 4, 4):
        return _aadhaar(digits)
    if groups == (3, 3, 4):  # NHS numbers start 3-7; "020 ..." and "+44 ..." are phones
        return region in _NHS_REGIONS and digits[0] in "34567" and _nhs(digits)
    if groups == (2, 3, 3):
        return _ird(digits)
    if len(groups) == 1:
        if n == 9:
            if region == "US":
                return _ssn_ok(digits[:3], digits[3:5], digits[5:])
            if region == "CA":
                return _luhn(digits)
            if region == "AU":
                return _tfn(digits)
            if region == "NZ":
                return _ird(digits)
            return _luhn(digits) or _tfn(digits)
        if n == 8:
            return region == "NZ" and _ird(digits)
        if n == 10:
            return (region == "GB" and _nhs(digits)) or (region == "AU" and _medicare(digits))
        if n == 12:
            return _aadhaar(digits)
    return False


def _national_ids(text: str, region: str | None) -> Iterator[tuple[int, int]]:
    for m in _SSN.finditer(text):
        if _ssn_ok(m.group("area"), m.group("group"), m.group("serial")) or _labelled(text, m.start()):
            yield m.span()
    for m in _NINO.finditer(text):
        yield m.span()
    for m in _NHI.finditer(text):
        if _nhi(m.group()):
            yield m.span()
    for m in _PPS.finditer(text):
        if _pps_ok(m.group()):
            yield m.span()
    for m in _DIGIT_GROUPS.finditer(text):
        if _digit_id(text, m, region):
            yield m.span()


# -- dates ----------------------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)"
_YEAR = r"(?:\d{4}|['’]\d{2}|\d{2}(?!\s*(?:%|[a-z])))"  # a two-digit year not followed by a word: "3 May 12 people"
_DATE_NUMERIC = _Lazy(
    r"(?<![\d.:/-])(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})(?P=s1)(?P<d1>\d{1,2})(?![\d:]|[./-]\d)"  # 2024-03-12
    r"|(?<![\d.:/-])(?P<a>\d{1,2})(?P<s2>[-/.])(?P<b>\d{1,2})(?P=s2)(?P<y2>\d{4}|\d{2})(?![\d:]|[./-]\d)"  # 12/03/24
    r"|(?<![\d.:/-])(?P<y3>(?:19|20)\d{2})(?P<m3>[01]\d)(?P<d3>[0-3]\d)(?!\d)"  # 20240312
)
_DATE_WRITTEN = _Lazy(
    rf"(?i:(?<![\d.:/-])\d{{1,2}}(?:-{_MONTH}\.?-|{_MONTH})(?:\d{{4}}|\d{{2}})(?![\d:]|[./-]\d))"  # 03-Jun-77
    rf"|(?i:(?<![\d.:/-])\d{{1,2}}{_ORD}?\s+(?:of\s+)?{_MONTH}(?![a-z])\.?,?\s+{_YEAR}\b)"  # 3rd of June '77
    rf"|(?i:\b{_MONTH}(?![a-z])\.?\s+\d{{1,2}}{_ORD}?,?\s+{_YEAR}\b)"  # June 3, 1977
)
# A day and month without a year: the written month only (see the module's docstring). "May"
# and "March" are also words, so those count only with a capital.
_MONTH_WORD = (
    r"(?:(?i:Jan(?:uary)?|Feb(?:ruary)?|Apr(?:il)?|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?"
    r"|Nov(?:ember)?|Dec(?:ember)?)|Mar(?:ch)?|MAR(?:CH)?|May|MAY)"
)
_DAY_MONTH = _Lazy(
    rf"(?<![\d.:/-])(?:[12]\d|3[01]|0?[1-9])(?i:{_ORD})?\s+(?:of\s+)?{_MONTH_WORD}\b"  # 14 March, 3rd of June
    rf"|\b{_MONTH_WORD}\.?\s+(?:[12]\d|3[01]|0?[1-9])(?i:{_ORD})?\b(?!\s*[,:]?\s*\d|[:.]\d)"  # March 14th
)


def _date_ok(m: re.Match[str]) -> bool:
    """A numeric date whose parts could be a day and a month (either order)."""
    if m.group("y1"):
        return 1 <= int(m.group("m1")) <= 12 and 1 <= int(m.group("d1")) <= 31
    if m.group("y3"):
        return 1 <= int(m.group("m3")) <= 12 and 1 <= int(m.group("d3")) <= 31
    x, y = int(m.group("a")), int(m.group("b"))
    return 1 <= min(x, y) <= 12 and 1 <= max(x, y) <= 31


# -- phone numbers --------------------------------------------------------------------------

# Groups of digits joined by spaces, dots or dashes, with an optional +country code, (area)
# code and extension; `_phone_ok` then asks for 9 to 15 digits, or one of the 7- and 8-digit
# local shapes, so that dates, scores and doses do not count.
_PHONE = _Lazy(
    r"(?<![\w+/.,:-])(?:\+\s?|00)?(?:\(\d{1,5}\)|\d{1,12})"
    r"(?:(?:[ .-]|\s?(?=\()|(?<=\))\s?)(?:\(0\)|\(\d{1,5}\)|\d{1,12})){0,6}"
    r"(?P<ext>\s?(?:x|ext\.?|extn\.?)\s?\d{1,6})?(?![\w/-]|[.,:]\d)"
)
_LOCAL = _Lazy(r"\d{3}[ .-]\d{4}|\d{4}[ .-]\d{4}|\d{7,8}")
_YEARS = _Lazy(r"(?:19|20)\d\d[ .-](?:19|20)\d\d")


def _phone_ok(m: re.Match[str]) -> bool:
    main = m.group()[: m.start("ext") - m.start()] if m.group("ext") else m.group()
    digits = sum(ch.isdigit() for ch in main)
    if 9 <= digits <= 15:
        return True
    return _LOCAL.fullmatch(main) is not None and _YEARS.fullmatch(main) is None


# A stretch of digits the patterns may have missed: what the phonenumbers matcher is asked about.
_DIGIT_RUN = _Lazy(r"\+?\(?\d[\d\s().+/–—-]{7,}\d")


def _matched_phones(text: str, region: str | None, taken: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """Phone numbers found by the `phonenumbers` library in the runs of 9 or more digits that no
    pattern took. It is imported here, so a text without such a run never loads it."""
    runs = []
    for m in _DIGIT_RUN.finditer(text):
        start, end = m.span()
        start += len(m.group()) - len(m.group().lstrip("+("))  # from its first digit to its last
        if sum(ch.isdigit() for ch in m.group()) >= 9 and not any(s <= start and end <= e for s, e in taken):
            runs.append((start, end))
    if not runs:
        return
    import phonenumbers

    for start, end in runs:
        window_start = max(0, start - 2)
        window = text[window_start : min(len(text), end + 12)]
        for found in phonenumbers.PhoneNumberMatcher(window, region or "ZZ", leniency=phonenumbers.Leniency.POSSIBLE):
            if sum(ch.isdigit() for ch in found.raw_string) >= 9:
                yield window_start + found.start, window_start + found.end


# -- street and postal addresses ------------------------------------------------------------

_TYPES = """
Access Alley Alleyway Amble Anchorage Annex Approach Arcade Artery Avenue Bank Basin Bayou Beach Bend Bluff
Bluffs Block Bottom Boulevard Brace Brae Branch Break Bridge Broadway Brook Brooks Brow Burg Burgs Bypass Byway Camp
Canyon Cape Causeway Center Centers Centre Centreway Chase Chowk Circle Circles Circlet Circuit Circus Cliff
Cliffs Close Club Colonnade Colony Common Commons Concourse Copse Corner Corners Corso Course Court Courts
Courtyard Cove Coves Creek Crescent Crest Cross Crossing Crossroad Crossroads Crossway Cruiseway Cul-de-sac Curve
Cutting Dale Dam Dell Deviation Dip Distributor Divide Drive Drives Driveway Edge Elbow Embankment Enclave End
Entrance Esplanade Estate Estates Expressway Extension Extensions Fairway Fall Falls Ferry Field Fields Firetrail
Flat Flats Follow Footway Ford Fords Foreshore Forest Forge Forges Fork Forks Formation Fort Freeway Front
Frontage Ganj Gap Garden Gardens Gate Gates Gateway Glade Glen Glens Grange Green Greens Ground Grove Groves Gully
Harbor Harbors Harbour Haven Heights Highroad Highway Hill Hills Hollow Inlet Interchange Intersection Island
Islands Isle Junction Junctions Key Keys Knoll Knolls Lake Lakes Land Landing Lane Laneway Lees Light Lights Line
Link Little Loaf Lock Locks Lodge Lookout Loop Lower Mall Manor Manors Marg Meadow Meadows Meander Mew Mews Mill
Mills Mission Motorway Mount Mountain Mountains Nagar Neck Nook Orchard Outlook Oval Overpass Parade Park
Parklands Parks Parkway Parkways Part Pass Passage Path Pathway Piazza Pike Pine Pines Place Plain Plains Plateau
Plaza Pocket Point Points Port Ports Prairie Promenade Quad Quadrangle Quadrant Quay Quays Radial Ramble Ramp
Ranch Range Rapid Rapids Reach Reserve Rest Retreat Ride Ridge Ridges Ridgeway Ring Rise River Riverway Riviera
Road Roads Roadside Roadway Ronde Rosebowl Rotary Round Route Row Rue Run Salai Shoal Shoals Shore Shores Siding
Skyway Slope Sound Spring Springs Spur Spurs Square Squares Stairs Station Steps Strand Stravenue Stream Street
Streets Strip Subway Summit Tarn Terrace Thoroughfare Throughway Tollway Top Tor Towers Trace Track Trafficway
Trail Trailer Triangle Trunkway Tunnel Turn Turnpike Underpass Union Unions Upper Vale Valley Valleys Via Viaduct
Vihar View Views Village Villages Villas Ville Vista Wade Walk Walks Walkway Wall Way Ways Well Wells Wharf Wynd
Yard Zila
Aly Ave Av Blvd Bvd Cct Cir Cl Cres Crt Ct Cv Dr Drv Esp Expy Fwy Gdns Gr Hts Hwy Jct Ln Mt Pde Pkwy Pl Plz
Pt Rd Rdg Rte Sq St Str Tce Ter Terr Tpke Trl Wy Xing
"""
_TYPE_SET = frozenset(_TYPES.split())
_TYPE_SET_LOWER = frozenset(t.lower() for t in _TYPE_SET)
# Lower case: only the words that are plainly streets, unless a postcode follows.
_PLAIN_TYPES_TEXT = """street st road rd avenue ave lane ln drive boulevard blvd terrace crescent close court place
parade esplanade highway hwy parkway grove gardens mews square circuit quay wynd marg nagar ganj chowk pike trail row
rise"""
_PLAIN_TYPES = frozenset(_PLAIN_TYPES_TEXT.split())
_DIRECTIONS = frozenset(["N", "S", "E", "W", "NE", "NW", "SE", "SW", "North", "South", "East", "West"])
_UNIT = r"(?:Flat|Apartment|Apt|Unit|Suite|Ste|Studio|Level|Lvl|Room|Rm|Shop|Lot|Floor|Fl|H\.?\s?No|House\s+No)"
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)?"
# A house number and the words after it; `_street` decides whether they end in a street type.
_HOUSE = _Lazy(rf"(?<![\d.:/,-])\b{_NUMBER},?\s+(?=[A-Za-z\d])")
_UNIT_BEFORE = _Lazy(rf"(?i:\b{_UNIT})\.?\s*#?(?:\d{{1,5}}[A-Za-z]?(?:,\s*|\s+))?$")
_WORD_AT = _Lazy(r"[\w'’.-]+")
_SPACE_AT = _Lazy(r"[ \t]+")
_CAPITAL_NAME = _Lazy(r"[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th)")
_LOWER_NAME = _Lazy(r"[a-z][a-z'’.-]*")
_OTHER_STREETS = _Lazy(
    # Hauptstraße 5, Kerkstraat 12
    r"\b[A-Z][\w'’-]*?(?:straße|strasse|str\.|weg|gasse|laan|straat|plein|gracht|allee|platz)\s+\d{1,4}[a-z]?\b"
    # the corner of Oak and 5th
    r"|\b(?i:(?:the\s+)?corner)\s+of\s+(?:(?:[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,3}(?:and|&)\s+"
    r"(?:[A-Z][\w'’.-]*|\d{1,3}(?:st|nd|rd|th))"
)
_OTHER_STREETS_HINT = _Lazy(r"stra(?:ß|ss)e|str\.|weg|gasse|laan|straat|plein|gracht|allee|platz|corner", re.I)


def _street(text: str, at: int) -> tuple[int, bool] | None:
    """The end of a street name and type that starts at `at` (after a house number), and
    whether it is written in lower case: "Oak Road", "W 119th St", "tina trail"."""
    words: list[tuple[int, int, str]] = []
    pos = at
    for _ in range(7):
        w = _WORD_AT.match(text, pos)
        if w is None:
            break
        words.append((w.start(), w.end(), w.group()))
        space = _SPACE_AT.match(text, w.end())
        if space is None:
            break
        pos = space.end()
    for lower in (False, True):
        names, types = (_LOWER_NAME, _TYPE_SET_LOWER) if lower else (_CAPITAL_NAME, _TYPE_SET)
        best = None
        for k in range(1, min(5, len(words))):
            word = words[k - 1][2]
            if not (names.fullmatch(word) or (not lower and word in _DIRECTIONS)) or (lower and word == "of"):
                break
            kind = words[k][2].rstrip(".")
            span = 1
            if kind.lower() == "right" and [w[2].lower().rstrip(".") for w in words[k : k + 3]] == [
                "right",
                "of",
                "way",
            ]:
                kind, span = ("Way" if not lower else "way"), 3
            if kind in types or (not lower and kind.isupper() and kind.title() in types):
                best = (k, span)
        if best is None:
            continue
        k, span = best
        if lower:
            first, last = words[0][2], words[k - 1][2]
            if first in _NOT_NAMES or last in _NOT_NAMES:
                continue
        end_word = words[k + span - 1]
        end = end_word[1]
        if end_word[2].endswith(".") and len(end_word[2].rstrip(".")) > 4:
            end -= 1  # "Oak Road." ends a sentence; "St." is an abbreviation
        if k + span < len(words) and words[k + span][2].rstrip(".,") in _DIRECTIONS and not lower:
            end = words[k + span][0] + len(words[k + span][2].rstrip(".,"))
        return end, lower
    return None


# India: "H.No. 19, Yadav, Hyderabad 216665", "30, Bal, Siliguri-500733": a house number, names
# after commas, and a six-digit PIN code, with or without a street type.
_PIN_ADDRESS = _Lazy(
    r"(?i:\bH\.?\s?No\.?\s*)?(?<![\d.:/,-])\b\d{1,5}(?:/\d{1,5})?,\s+"
    r"[A-Za-z][\w'’.-]*(?:\s+[A-Za-z][\w'’.-]*){0,2}(?:,\s+[A-Za-z][\w'’.-]*(?:\s+[A-Za-z][\w'’.-]*){0,2}){1,2}"
    r"(?:\s+|-)\d{6}\b"
)
_NOT_NAMES_TEXT = """the a an of to and or in on at by for from with down up over into out my your her his their our its
this that these those more most few many some long short small big main key deep different other same each every"""
_NOT_NAMES = frozenset(_NOT_NAMES_TEXT.split())
_NOT_TOWNS_TEXT = """then now was is were are she he they we i it but so when where which who has had have will would
last next since because if not no yes just still also too very said says"""
_NOT_TOWNS = _NOT_NAMES | frozenset(_NOT_TOWNS_TEXT.split())
_BOX = _Lazy(
    r"(?i:\b(?:P\.?\s?O\.?\s?Box|GPO\s?Box|Post\s+Office\s+Box|Locked\s+Bag|Private\s+Bag|PMB|PSC|CMR)\s*\d{1,6}"
    r"(?:,?\s+Box\s+\d{1,6})?|\bUnit\s+\d{1,6},?\s+Box\s+\d{1,6})"
    r"|\b(?:USNS|USNV|USS|USCGC)\s+[A-Z][\w'’-]*"  # a ship's post, before "FPO AP 12345"
)
_MILITARY = _Lazy(r"(?:,?\s*|\s+)(?:APO|FPO|DPO)\s+(?:AA|AE|AP)\s+\d{5}\b", re.IGNORECASE)
_UK_POSTCODE = r"(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2}|GIR\s?0AA)"
_CA_POSTCODE = r"(?:[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d)"
_EIRCODE = r"(?:(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?[0-9AC-FHKNPRTV-Y]{4})"
_POSTCODE_ALONE = _Lazy(rf"\b(?:{_UK_POSTCODE}|{_CA_POSTCODE})\b")
# What may follow a street: a unit, then town, state and postcode parts, each after a comma (a
# state or postcode also after a space). `_whole_address` walks them one part at a time.
_UNIT_AFTER = _Lazy(rf",?\s*(?:{_UNIT}\.?|#)\s*#?\s*\d{{1,5}}[A-Za-z]?\b", re.IGNORECASE)
_RD = _Lazy(r",?\s+RD\s+\d{1,2}\b", re.IGNORECASE)
_STOP_TOWN = (
    r"(?!(?:She|He|They|It|I|We|You|The|This|That|But|And|Then|So|When|After|Before|Since|Which|Also|Not|Now|Her"
    r"|His|Their|My|Our|Mum|Dad|Mom)\b)"
)
_TOWN = _Lazy(rf"\s*{_STOP_TOWN}[A-Z][A-Za-z'’.]*(?:[ -](?!(?:and|or)\b)[A-Z][A-Za-z'’.]*){{0,3}}\b")
_TOWN_LOWER = _Lazy(r"\s*(?P<words>[a-z][a-z'’.]*(?:\s[a-z][a-z'’.]*){0,2})\b")
_STATE = _Lazy(r"\s*(?:[A-Z]{2,3})\b(?![a-z])")
_STATE_LOWER = _Lazy(r"\s*[a-z]{2,3}\b")
_POSTCODE = _Lazy(
    rf"\s*(?:{_UK_POSTCODE}|{_CA_POSTCODE}|{_EIRCODE}|\d{{5}}(?:-\d{{4}})?|\d{{4}}|\d{{6}})\b(?![/.:-]\d)"
)
_POSTCODE_LOWER = _Lazy(
    rf"\s*(?:(?i:{_UK_POSTCODE}|{_CA_POSTCODE}|{_EIRCODE})|\d{{5}}(?:-\d{{4}})?|\d{{4}}|\d{{6}})\b(?![/.:-]\d)"
)
_PIN = _Lazy(r"-\d{6}\b")


def _town(text: str, at: int, lower: bool) -> int | None:
    """The end of a town's name starting at `at` (after spaces), or None."""
    if not lower:
        m = _TOWN.match(text, at)
        return m.end() if m else None
    m = _TOWN_LOWER.match(text, at)
    if m is None:
        return None
    end = None
    for word in re.finditer(r"[a-z][a-z'’.]*", m.group("words")):
        if word.group() in _NOT_TOWNS:
            break
        end = m.start("words") + word.end()
    return end


def _whole_address(text: str, end: int, lower: bool) -> int:
    """Where the address that runs up to `end` really ends: its unit, town, state, postcode.

    Town, state and postcode parts follow a comma (a state or postcode also a space). In lower
    case a town counts only when a state or postcode comes after it."""
    if m := _UNIT_AFTER.match(text, end):
        end = m.end()
    if m := _RD.match(text, end):
        end = m.end()
    postcode, state = (_POSTCODE_LOWER, _STATE_LOWER) if lower else (_POSTCODE, _STATE)
    kept = pending = end  # `kept`: the end of what is surely the address; `pending`: maybe
    seen_place = False
    for _ in range(5):
        comma = text.startswith(",", pending)
        after = pending + 1 if comma else pending
        if not comma and not text.startswith(" ", pending):
            break
        m = postcode.match(text, after)
        if m and (seen_place or comma or not m.group().strip().isdigit()):
            code = m.group().strip()
            if code.isdigit() and len(code) == 4 and not seen_place:
                break  # "12 Oak Road, 2019": a year, not a postcode
            pending = kept = m.end()
            if (town_end := _town(text, pending, lower)) is not None and text.startswith(" ", pending):
                pending = kept = town_end  # Ireland: the Eircode, then the town
            seen_place = True
            continue
        m = state.match(text, after)
        if m and (seen_place or comma) and not (lower and not seen_place):
            pending = m.end()
            kept = kept if lower else pending
            seen_place = True
            continue
        if comma and (town_end := _town(text, after, lower)) is not None:
            pending = town_end
            if pin := _PIN.match(text, pending):
                pending = kept = pin.end()
            elif not lower:
                kept = pending
            seen_place = True
            continue
        break
    return kept


def _addresses(text: str) -> Iterator[tuple[int, int]]:
    for m in _HOUSE.finditer(text):
        found = _street(text, m.end())
        if found is None:
            continue
        end, lower = found
        unit = _UNIT_BEFORE.search(text, max(0, m.start() - 24), m.start())
        start = unit.start() if unit else m.start()
        whole = _whole_address(text, end, lower)
        if not lower or whole > end or text[m.end() : end].split()[-1].lower().rstrip(".") in _PLAIN_TYPES:
            yield start, whole
    if _OTHER_STREETS_HINT.search(text):
        for m in _OTHER_STREETS.finditer(text):
            yield m.span()
    if _PIN_HINT.search(text):
        for m in _PIN_ADDRESS.finditer(text):
            yield m.span()
    lowered = text.lower()
    if _BOX_HINT.search(lowered):
        for m in _BOX.finditer(text):
            end = m.end()
            if mil := _MILITARY.match(text, end):
                end = mil.end()
            yield m.start(), _whole_address(text, end, lower=m.group().islower())
    if _MILITARY_HINT.search(lowered):
        for m in _MILITARY.finditer(text):
            yield m.start() + len(m.group()) - len(m.group().lstrip(", ")), m.end()
    if _POSTCODE_HINT.search(text):
        for m in _POSTCODE_ALONE.finditer(text):
            yield m.span()


_PIN_HINT = _Lazy(r"\d{6}")
_BOX_HINT = _Lazy(r"box|bag|psc|cmr|usn|uss|uscg")
_MILITARY_HINT = _Lazy(r"[adf]po\s")
_POSTCODE_HINT = _Lazy(r"[A-Z]\d")


# -- ages over 89 ---------------------------------------------------------------------------

_OLD = r"(?:9\d|1[01]\d)"
_OLD_WORDS = (
    r"(?:ninety(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:a|one)[- ]hundred(?:(?:[- ]and)?[- ](?:one|two|three|four|five|six|seven|eight|nine|ten))?)"
)
_PERSON = (
    r"(?:grand(?:mother|father|ma|pa|mum|mom|dad|parent)s?|great[- ](?:grand)?(?:aunt|uncle|grandmother|grandfather)"
    r"|gran|grandad|granny|nan|nana|nanna|nanny|mum|mom|mother|father|dad|mam|mammy|pop|papa|wife|husband|partner"
    r"|aunt|auntie|aunty|uncle|neighbour|neighbor|friend|sister|brother|cousin|patient|client|resident|woman|man"
    r"|lady|gentleman|widow|widower|relative|parent|in-law|she|he|who|they)"
)
_UNITS = (
    r"(?:%|percent|per\s+cent|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|seconds?|secs?|kg|kilos?|pounds?|lbs?"
    r"|stone|cm|km|mm|miles?|metres?|meters?|feet|ft|mg|ml|times|sessions?|points?|dollars|euros|on\b|out\s+of|/)"
)
_AGE = _Lazy(
    rf"(?i:\b(?:aged?|age\s+of|age:|turned|turns|turning|turn)\s+(?:now\s+)?(?:{_OLD}|{_OLD_WORDS})\b(?!\s*{_UNITS}))"
    rf"|(?i:\b(?:{_OLD}|{_OLD_WORDS})(?:[\s-]*(?:years?|yrs?|yr)\.?(?:[\s-]*old|\s+of\s+age)|[\s-]*yrs?\b(?!\s+ago)"
    rf"|[\s-]*y\.?\s?o\b\.?|[\s-]*y/o\b|{_ORD}?[\s-]+birthday))"
    rf"|(?i:\b{_PERSON}(?:'s|’s)?(?:,\s*(?:now\s+|aged\s+)?|\s*\(\s*(?:aged?\s+)?)(?:{_OLD}|{_OLD_WORDS})\s*[,)])"
    rf"|(?i:\b{_PERSON}\b(?:\s+[a-z]+)??(?:'s|’s|\s+(?:is|was|will\s+be|had\s+just\s+turned|being|now))\s+"
    rf"(?:now\s+|just\s+|nearly\s+|almost\s+|over\s+|at\s+least\s+)?(?:{_OLD}|{_OLD_WORDS})\b(?!\s*{_UNITS}|[.,]\d))"
    r"|(?i:\b(?:her|his|their|my|your)\s+(?:(?:early|mid|late)[\s-]*)?(?:90s|90's|nineties|100s|hundreds)\b)"
    r"|(?i:\b(?:non|cent|supercent)enarians?\b)"
)


# -- putting them together ------------------------------------------------------------------

_DIGIT = _Lazy(r"\d")
# Every pattern needs one of these (an '@', a digit, a link's or a written-out e-mail's shape, a
# spelt-out old age): one search of the lower-cased text rules out most reflections at once.
_ANY_HINT = _Lazy(r"[@\d]|ninet|hundred|enarian|://|www\.|[a-z0-9]\.[a-z]{2}|[\s\[(]dot[\s\])]")
# Cheaper pre-checks, one per finder, so that a sentence with only "session 12" or "50 mg" in it
# is not searched for every kind.
_SEVEN_DIGITS = _Lazy(r"\d(?:[\s./()+-]{0,3}\d){6}")
_URL_HINT = _Lazy(r"[a-z0-9]\.[a-z]|://|www\.")
_WRITTEN_AT = _Lazy(r"\sat\s|[\[(]at[\])]")
_LETTER_ID_HINT = _Lazy(r"[A-Z]{2}\s?\d\d")
_NUMERIC_DATE_HINT = _Lazy(r"\d[-/.]\d|\d{8}")
_MONTH_HINT = _Lazy(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec")
_OLD_HINT = _Lazy(r"\b(?:9\d|1[01]\d)(?!\d)|ninet|hundred|enarian")
_TRAILING = ".,;:!?)]}'\""


def _urls(text: str) -> Iterator[tuple[int, int]]:
    for m in _URL.finditer(text):
        if _url_ok(m):
            start, end = m.span()
            while end > start and text[end - 1] in _TRAILING:
                end -= 1
            yield start, end


def _candidates(text: str, lowered: str, region: str | None) -> Iterator[tuple[str, int, int]]:
    """(kind, start, end) of every match of every pattern worth trying on `text`."""
    if "@" in text:
        for m in _EMAIL.finditer(text):
            yield "email", m.start(), m.end()
    if _WRITTEN_AT.search(lowered):
        for m in _EMAIL_WORDS.finditer(text):
            if _email_words_ok(m):
                yield "email", m.start(), m.end()
    if _URL_HINT.search(lowered):
        for start, end in _urls(text):
            yield "url", start, end
    if _DIGIT.search(text) is None:
        if _OLD_HINT.search(lowered):
            for m in _AGE.finditer(text):
                yield "age", m.start(), m.end()
        return
    long_digits = _SEVEN_DIGITS.search(text) is not None
    if long_digits or _LETTER_ID_HINT.search(text):
        for start, end in _national_ids(text, region):
            yield "national_id", start, end
    if _NUMERIC_DATE_HINT.search(text):
        for m in _DATE_NUMERIC.finditer(text):
            if _date_ok(m):
                yield "date", m.start(), m.end()
    if _MONTH_HINT.search(lowered):
        for pattern in (_DATE_WRITTEN, _DAY_MONTH):
            for m in pattern.finditer(text):
                yield "date", m.start(), m.end()
    for start, end in _addresses(text):
        yield "address", start, end
    if long_digits:
        for m in _PHONE.finditer(text):
            if _phone_ok(m):
                yield "phone", m.start(), m.end()
    if _OLD_HINT.search(lowered):
        for m in _AGE.finditer(text):
            yield "age", m.start(), m.end()


def _findings(text: str, watchlist: Watchlist | None, region: str | None) -> list[Finding]:
    found: list[Finding] = []
    lowered = text.lower()
    if _ANY_HINT.search(lowered):
        found = [Finding(kind, start, end) for kind, start, end in _candidates(text, lowered, region) if end > start]
        if _SEVEN_DIGITS.search(text):
            taken = [(f.start, f.end) for f in found]
            found.extend(Finding("phone", s, e) for s, e in _matched_phones(text, region, taken))
    if watchlist is not None and len(watchlist):
        for m in _WORD.finditer(text):
            if m.group() in watchlist:
                found.append(Finding("watchlist", m.start(), m.end()))
    return found


# `may_hold`'s quick tests, each a plain scan: a character class alone, a literal start.
_DIGIT_OR_AT = _Lazy(r"[@0-9]")
_DOT_LETTERS = _Lazy(r"\.[A-Za-z]{2}")


def may_hold(text: str) -> bool:
    """False only when no pattern can match `text` (`_ANY_HINT`: no '@', digit, link or written
    address, nor a spelt-out old age), in about a quarter of that search's time: ASCII text
    is ruled out by two single scans and a few substring tests, which find a superset of what
    `_ANY_HINT` finds in the lower-cased text. Other text goes on to the full check."""
    if not text.isascii() or _DIGIT_OR_AT.search(text) or _DOT_LETTERS.search(text):
        return True
    lowered = text.lower()
    return (
        "ninet" in lowered
        or "hundred" in lowered
        or "enarian" in lowered
        or "dot" in lowered
        or "://" in lowered
        or "www." in lowered
    )


_WORD = _Lazy(r"[^\W\d_]+")
_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def find_identifiers(text: str, watchlist: Watchlist | None = None, region: str | None = None) -> list[Finding]:
    """Everything in `text` that could identify someone, in reading order, without overlaps.

    `region` is the clinician's country as two letters ("GB", "AU"; from the settings): how a
    phone number without a country code is read, and which national number a bare run of
    digits is checked against. None reads only international numbers that way."""
    if not (watchlist is not None and len(watchlist)) and not may_hold(text):
        return []  # the common case, kept cheap: export checks every text in the journal
    chosen: list[Finding] = []
    for finding in sorted(_findings(text, watchlist, region), key=lambda f: (_ORDER[f.kind], f.start, -f.end)):
        if all(finding.end <= c.start or finding.start >= c.end for c in chosen):
            chosen.append(finding)
    return sorted(chosen, key=lambda f: f.start)


def redact(text: str, watchlist: Watchlist | None = None, region: str | None = None) -> str:
    """`text` with every finding replaced by [redacted]."""
    out, last = [], 0
    for f in find_identifiers(text, watchlist, region):
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
    return describe_counts(counts)


def describe_counts(counts: Mapping[str, int]) -> str:
    """`describe` from how many findings of each kind (in the order first found)."""
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
    if noun.endswith(" number"):
        return noun + "s"
    return noun + ("es" if noun.endswith("s") else "s")


def check_answers(
    ps: PromptSet, answers: Mapping[str, Any], watchlist: Watchlist | None = None, region: str | None = None
) -> dict[str, list[Finding]]:
    """Findings per free-text answer (prompt id -> findings), only for answers with some."""
    kinds = {p.id: p.kind for p in ps.prompts}
    found: dict[str, list[Finding]] = {}
    for pid, value in answers.items():
        if kinds.get(pid) == "text" and isinstance(value, str):
            findings = find_identifiers(value, watchlist, region)
            if findings:
                found[pid] = findings
    return found


def finding_lines(found: Mapping[str, list[Finding]]) -> list[str]:
    """One line per answer, naming the prompt and the kinds found: safe to print anywhere."""
    return [f"{pid}: may hold {describe(findings)}" for pid, findings in found.items()]
