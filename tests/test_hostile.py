"""Hostile input, kept as a corpus: every case ends in a clean refusal (exit 1, or 2 for the
command line itself) or a correct acceptance, never a traceback nor an "unexpected error",
never a hang, and a refusal leaves the journal exactly as it was (its SQL dump, compared).

Each row of CASES is one case: the command line, the files it reads (made when the case
runs, so a bomb costs nothing until then), the exit code, a fragment of what it says, what
it must never say (a cell's or an answer's text) and how many sessions an acceptance adds.
The areas: dates, numbers, encodings, escapes and markup, bombs, nesting, huge items, keys
given twice and values of the wrong type, in answers files, import files, prompt sets, the
settings file and on the command line. `STDOUT_CASES` run the installed command in a
process of its own: a closed or full stdout, and a reader that leaves.

    PYTHONPATH=src .venv/bin/python -m pytest -q tests/test_hostile.py tests/test_fuzz_inputs.py
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from alliance_cli.app.export import LONG_COLUMNS
from conftest import FULL_ANSWERS, REPO, set_flags
from exchange_support import TRICKY_PROMPTS

Files = Mapping[str, Callable[[], bytes]]
FULL = tuple(set_flags(FULL_ANSWERS))
LOG = ("log", "-c", "C-014", "-d", "2026-11-03", "-m", "video", *FULL)
BAD_RATING = "empathy: expected a whole number from 0 to 10"
BUNDLED = (REPO / "data" / "prompts.yaml").read_text(encoding="utf-8")
SECRET = "Jane told me about her mother"  # answer text that no message may repeat
SEEN = ("C-014", "2026-11-02")  # the session every case starts with


@dataclass(frozen=True)
class Case:
    id: str
    argv: tuple[str, ...]
    code: int
    says: str = ""
    files: Files = field(default_factory=dict)
    stdin: str | None = None
    adds: int = 0
    never: tuple[str, ...] = ()


def text(value: str) -> Callable[[], bytes]:
    return lambda: value.encode("utf-8")


def raw(value: bytes) -> Callable[[], bytes]:
    return lambda: value


def log(*more: str) -> tuple[str, ...]:
    """The scripted log of a full session, with `more` after it (a later --set wins)."""
    return (*LOG, *more)


def answers_yaml(**answers: str) -> str:
    """An answers file of a full session, some answers changed (written as given, unquoted)."""
    lines = ["client: C-014", "date: 2026-11-03", "modality: video", "answers:"]
    merged = {**FULL_ANSWERS, **answers}
    lines += [f"  {key}: {value}" for key, value in merged.items()]
    return "\n".join(lines) + "\n"


def with_answers(body: str | Callable[[], bytes], *flags: str, adds: int = 0) -> dict[str, object]:
    content = text(body) if isinstance(body, str) else body
    return {"argv": ("log", "--answers", "{in}/a.yaml", *flags), "files": {"a.yaml": content}, "adds": adds}


def session_rows(**first: str) -> list[dict[str, str]]:
    """The long export rows of one new session (full answers); `first` changes cells of the first row."""
    sid = str(uuid.UUID(int=7))
    rows = [
        {
            "session_id": "",
            "uuid": sid,
            "date": "2026-11-03",
            "client": "C-77",
            "session_number": "",
            "modality": "video",
            "prompt_id": pid,
            "principle": "",
            "kind": "",
            "value": value,
        }
        for pid, value in FULL_ANSWERS.items()
    ]
    rows[0].update(first)
    return rows


def long_csv(rows: list[dict[str, str]], header: list[str] | None = None, *, headed: bool = True) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if headed:
        writer.writerow(header or LONG_COLUMNS)
    writer.writerows([row[c] for c in LONG_COLUMNS] for row in rows)
    return out.getvalue().encode("utf-8")


def jsonl(items: list[object]) -> bytes:
    return "".join(json.dumps(item) + "\n" for item in items).encode("utf-8")


def json_items(rows: list[dict[str, str]], **first: object) -> list[dict[str, object]]:
    items: list[dict[str, object]] = [dict(row) for row in rows]
    for item in items:
        value = item["value"]
        item["value"] = int(value) if value.isdigit() else {"yes": True, "no": False}.get(value, value)
        item.pop("session_id")
    items[0].update(first)
    return items


def importing(name: str, content: Callable[[], bytes], code: int, says: str = "", **kw: object) -> dict[str, object]:
    return {"argv": ("import", f"{{in}}/{name}"), "files": {name: content}, "code": code, "says": says, **kw}


def nested(open_: str, close: str, depth: int, inner: str = "1") -> str:
    return open_ * depth + inner + close * depth


def laughs(levels: int = 9, key: str = "lol") -> str:
    """A billion laughs: each level repeats the one before nine times (9**9 values)."""
    body = f"{key}0: &a0 [lol]\n"
    for i in range(1, levels + 1):
        body += f"{key}{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n"
    return body


def prompts_with(extra: str) -> Callable[[], bytes]:
    return text(BUNDLED + extra)


def case(id: str, code: int, says: str = "", **kw: object) -> Case:
    if "argv" not in kw:
        raise TypeError(id)
    return Case(id=id, code=code, says=says, **kw)  # type: ignore[arg-type]


CASES: list[Case] = [
    # -- dates -----------------------------------------------------------------------------
    case("date-impossible", 1, "date: '2026-02-30' is not a date", argv=log("-d", "2026-02-30")),
    case("date-future", 1, "is in the future", argv=log("-d", "9999-12-31")),
    case("date-before-1900", 1, "1899-12-31 is too far back", argv=log("-d", "1899-12-31")),
    case("date-year-1", 1, "too far back", argv=log("-d", "0001-01-01")),
    case("date-word", 1, "'tuesday next' is not a date", argv=log("-d", "tuesday next")),
    case("week-9999-W52", 1, "--week 9999-W52 is too far ahead", argv=("report", "--week", "9999-W52")),
    case("week-54", 1, "2026 has no week 54", argv=("report", "--week", "2026-W54")),
    case("week-year-0", 1, "0 has no week 1", argv=("report", "--week", "0000-W01")),
    case("since-year-1", 0, argv=("report", "--since", "0001-01-01")),
    case("last-huge", 1, "longer than a hundred years", argv=("report", "--last", "99999999999999999999d")),
    case("list-since-9999", 1, "is after --until", argv=("list", "--since", "9999-12-31")),
    case("export-until-year-1", 1, "too far back", argv=("export", "--until", "0001-01-01")),
    case("search-since-bad", 1, "is not a date", argv=("search", "x", "--since", "2026-02-30")),
    case(
        "file-date-impossible",
        1,
        "date: '2026-02-30' is not a date",
        **with_answers(answers_yaml().replace("2026-11-03", "2026-02-30")),
    ),
    case("file-date-compact", 0, **with_answers(answers_yaml().replace("2026-11-03", "20261103"), adds=1)),
    case(
        "import-date-impossible",
        **importing(
            "d.csv",
            raw(long_csv(session_rows(date="2026-02-30"))),
            1,
            "row 2: date: the value given is not a date",
            never=("2026-02-30",),
        ),
    ),
    case(
        "import-date-1899",
        **importing(
            "d.csv",
            raw(long_csv(session_rows(date="1899-12-31"))),
            1,
            "row 2: date: The date is too far back",
            never=("1899",),
        ),
    ),
    # -- numbers ---------------------------------------------------------------------------
    case("show-huge-id", 1, "No session with id 99999999999999999999", argv=("show", "99999999999999999999")),
    case("show-negative-id", 1, "No session with id -5", argv=("show", "--", "-5")),
    case("show-float-id", 2, "'1e3' is not a session id", argv=("show", "1e3")),
    case("edit-huge-id", 1, "No session with id", argv=("edit", "99999999999999999999", "-s", "empathy=5")),
    case(
        "delete-huge-id",
        1,
        "No session with id 99999999999999999999",
        argv=("delete", "1", "99999999999999999999", "--yes"),
    ),
    case("list-limit-huge", 2, "--limit 99999999999999999999 is more", argv=("list", "--limit", "9" * 20)),
    case("list-limit-negative", 2, "--limit needs 0 or more", argv=("list", "--limit", "-1")),
    case("search-limit-huge", 2, "--limit", argv=("search", "x", "--limit", "99999999999999999999")),
    case("backup-keep-huge", 0, argv=("backup", "--keep", "99999999999999999999")),
    *[
        case(f"rating-{name}", 1, BAD_RATING, argv=log("-s", f"empathy={value}"))
        for name, value in [
            ("underscore", "1_0"),
            ("arabic-indic", "٣"),
            ("plus", "+7"),
            ("point-zero", "7.0"),
            ("exponent", "1e1"),
            ("hex", "0x0a"),
            ("minus-zero", "-0"),
            ("eleven", "11"),
            ("spaced", "1 0"),
            ("fullwidth", "７"),
            ("word", "ten"),
            ("nan", "NaN"),
            ("huge", "9" * 5000),
            ("superscript", "²"),
        ]
    ],
    *[
        case(f"rating-ok-{name}", 0, argv=log("-s", f"empathy={value}"), adds=1)
        for name, value in [
            ("spaces", " 7 "),
            ("zero-led", "07"),
            ("ten", "10"),
            ("zero", "0"),
            ("zeros", "0" * 400 + "7"),
        ]
    ],
    *[
        case(f"file-rating-{name}", 1, BAD_RATING, **with_answers(answers_yaml(empathy=value)))
        for name, value in [
            ("underscore", "1_0"),
            ("octal", "012"),
            ("hex", "0x0a"),
            ("sexagesimal", "1:30"),
            ("point-zero", "7.0"),
            ("list", "[7]"),
            ("mapping", "{a: 1}"),
            ("yes", "yes"),
        ]
    ],
    case("file-rating-quoted", 0, **with_answers(answers_yaml(empathy='"7"'), adds=1)),
    case("json-rating-float", 1, BAD_RATING, **with_answers(json.dumps({**FULL_ANSWERS, "empathy": 7.0}), "-c", "C-1")),
    case("json-rating-exponent", 1, BAD_RATING, **with_answers('{"empathy": 1e1}', "-c", "C-1", *FULL[2:])),
    case(
        "import-rating-underscore",
        **importing("r.csv", raw(long_csv(session_rows(value="1_0"))), 1, "row 2: empathy: expected a whole number"),
    ),
    case(
        "import-json-rating-float",
        **importing(
            "r.jsonl", raw(jsonl(json_items(session_rows(), value=7.0))), 1, "line 1: empathy: expected a whole number"
        ),
    ),
    case("import-json-digits", **importing("r.json", text('[{"uuid": ' + "1" * 5000 + "}]"), 1, "too many digits")),
    case(
        "import-huge-session-id",
        **importing(
            "r.jsonl",
            raw(jsonl(json_items(session_rows(), session_id=10**20))),
            1,
            "session_id: expected a whole number above 0",
        ),
    ),
    case("import-ok", **importing("ok.csv", raw(long_csv(session_rows())), 0, "Added 1 session", adds=1)),
    *[
        case(
            f"number-{name}",
            code,
            "minutes: expected a number" if code else "",
            argv=("log", "--prompts", "{in}/p.yaml", "-c", "C-9", "-s", "empathy=5", "-s", f"minutes={value}"),
            files={"p.yaml": text(TRICKY_PROMPTS)},
            adds=1 - code,
        )
        for name, value, code in [
            ("underscore", "1_0", 1),
            ("overflow", "1e400", 1),
            ("nan", "nan", 1),
            ("inf", "inf", 1),
            ("plus", "+5", 1),
            ("arabic-indic", "٣", 1),
            ("comma", "2,5", 1),
            ("negative", "-2.5", 0),
            ("exponent", "1.5e2", 0),
            ("point", ".5", 0),
        ]
    ],
    # -- encodings -------------------------------------------------------------------------
    case("set-not-utf8", 1, "went_well: is not valid UTF-8 text", argv=log("-s", "went_well=caf\udce9")),
    case("client-not-utf8", 1, "client:", argv=("log", "-c", "\udcff", *FULL)),
    case("date-not-utf8", 1, "is not a date", argv=log("-d", "\udcff")),
    case("modality-not-utf8", 1, "is not a modality", argv=log("-m", "\udcff")),
    case("prompt-id-not-utf8", 1, "not a prompt in this prompt set", argv=log("-s", "\udcff=3")),
    case("search-not-utf8", 1, "the words to find: not valid UTF-8", argv=("search", "caf\udce9")),
    case("list-client-not-utf8", 1, "client code: not valid UTF-8", argv=("list", "-c", "\udcff")),
    case("rename-not-utf8", 1, "client code", argv=("clients", "rename", "C-014", "C-\udcff1")),
    case(
        "config-path-not-utf8",
        1,
        "journal: must be a file path in UTF-8",
        argv=("config", "set", "journal", "/\udcff.db"),
    ),
    case("file-latin-1", 1, "is not UTF-8 text", **with_answers(raw(answers_yaml().encode() + b"  w: caf\xe9\n"))),
    case("file-utf-16", 1, "is not UTF-8 text", **with_answers(raw(answers_yaml().encode("utf-16")))),
    case("file-bom", 0, **with_answers(raw(b"\xef\xbb\xbf" + answers_yaml().encode()), adds=1)),
    case(
        "file-lone-surrogate",
        1,
        "a.yaml:1: not valid YAML or JSON",
        **with_answers(json.dumps({**FULL_ANSWERS, "went_well": "\ud800"}), "-c", "C-1"),
    ),
    case("file-control-character", 1, "not valid YAML or JSON", **with_answers(raw(b"empathy: 7\x07\n"), "-c", "C-1")),
    case(
        "import-latin-1",
        **importing("l.csv", raw(long_csv(session_rows()).replace(b"video", b"vid\xe9o")), 1, "not UTF-8 text"),
    ),
    case(
        "import-lone-surrogate",
        **importing(
            "s.jsonl",
            raw(jsonl(json_items(session_rows(prompt_id="went_well", value="\ud800")))),
            1,
            "went_well: is not valid UTF-8 text",
        ),
    ),
    case(
        "prompts-latin-1",
        1,
        "cannot read the prompts file",
        argv=("prompts", "check", "{in}/p.yaml"),
        files={"p.yaml": raw(BUNDLED.encode() + b"# caf\xe9\n")},
    ),
    case("config-latin-1", 1, "not valid TOML", argv=("list",), files={"@config": raw(b"journal = 'caf\xe9'\n")}),
    case("import-name-too-long", 1, "File name too long", argv=("import", "x" * 300)),
    case("export-name-too-long", 1, "File name too long", argv=("export", "-o", "x" * 300)),
    case("doctor-db-not-utf8", 1, "not valid UTF-8 text", argv=("doctor", "--db", "/\udcff.db")),
    *[
        case("import-unreadable-device", 1, "cannot read the file", argv=("import", "/proc/self/mem"))
        for _ in range(Path("/proc/self/mem").exists())
    ],
    # -- escapes and markup: text, kept as text -------------------------------------------
    case("markup-answer", 0, argv=log("-s", "went_well=[bold red]x[/] [link=http://x]y[/link]"), adds=1),
    case("escape-answer", 0, argv=log("-s", "went_well=\x1b]0;pwned\x07\x1b[2J\x1b[8mhidden"), adds=1),
    case("formula-answer", 0, argv=log("-s", 'went_well==HYPERLINK("http://evil.example","x")'), adds=1),
    case("markup-client", 1, "client:", argv=("log", "-c", "<script>", *FULL)),
    case("sql-client", 1, "client:", argv=("log", "-c", "C-1';DROP TABLE sessions;--", *FULL)),
    case("search-fts-syntax", 0, argv=("search", 'NEAR( "a OR * x:y')),
    case("file-python-tag", 1, "YAML tags", **with_answers("x: !!python/object/apply:os.system ['touch pwned']\n")),
    case("file-binary-tag", 1, "YAML tags", **with_answers("went_well: !!binary aGk=\n")),
    case(
        "import-formula-cell",
        **importing(
            "f.csv",
            raw(long_csv([*session_rows(), {**session_rows()[0], "prompt_id": "went_well", "value": "'=1+2"}])),
            0,
            "Added 1 session",
            adds=1,
        ),
    ),
    # -- bombs -----------------------------------------------------------------------------
    case("file-billion-laughs", 1, "YAML anchors and aliases", **with_answers(laughs())),
    case("file-one-alias", 1, "YAML anchors and aliases", **with_answers("a: &x 7\nempathy: *x\n")),
    case("file-too-large", 1, "larger than 2 MB", **with_answers(raw(b"# " + b"x" * (3 << 20) + b"\n"))),
    case(
        "stdin-too-large",
        1,
        "stdin: the answers file is larger than 2 MB",
        argv=("log", "--answers", "-"),
        stdin="#" * (3 << 20),
    ),
    case(
        "prompts-billion-laughs",
        1,
        "100,000 values",
        argv=("prompts", "check", "{in}/p.yaml"),
        files={"p.yaml": prompts_with(laughs(key="x-lol"))},
    ),
    case(
        "prompts-small-alias",
        0,
        argv=("prompts", "check", "{in}/p.yaml"),
        files={
            "p.yaml": text(
                TRICKY_PROMPTS.replace('choices: ["+1"', 'choices: &tags ["+1"')
                + "  - {id: more_tags, kind: multi, text: More?, choices: *tags}\n"
            )
        },
    ),
    case(
        "prompts-too-large",
        1,
        "larger than 1 MB",
        argv=("prompts", "check", "{in}/p.yaml"),
        files={"p.yaml": prompts_with("#" * (1 << 20))},
    ),
    case("config-too-large", 1, "larger than 64 KB", argv=("list",), files={"@config": text("#" * (65 << 10))}),
    case(
        "import-csv-line-of-commas",
        **importing("c.csv", raw(b"a" + b"," * (17 << 20) + b"\n"), 1, "row 1: longer than 16 million characters"),
    ),
    case(
        "import-json-huge-item",
        **importing(
            "h.json", raw(b'[{"value": "' + b"x" * (17 << 20) + b'"}]'), 1, "item 1: longer than 16 million characters"
        ),
    ),
    case(
        "import-jsonl-huge-line",
        **importing(
            "h.jsonl", raw(b'{"value": "' + b"x" * (17 << 20) + b'"}\n'), 1, "line 1: longer than 16 million characters"
        ),
    ),
    # -- nesting ---------------------------------------------------------------------------
    case("file-nested-25", 1, "nested more than 20 levels", **with_answers("empathy: " + nested("[", "]", 25) + "\n")),
    case(
        "file-nested-deep",
        1,
        "a.yaml:1: not valid YAML or JSON",
        **with_answers("empathy: " + nested("[", "]", 100_000) + "\n"),
    ),
    case("file-nested-mappings", 1, "nested more than 20 levels", **with_answers(nested("{a: ", "}", 100_000))),
    case(
        "import-json-nested",
        **importing("n.json", text("[" + nested('{"a": ', "}", 100_000) + "]"), 1, "nested too deeply"),
    ),
    case("import-jsonl-nested", **importing("n.jsonl", text(nested("[", "]", 100_000) + "\n"), 1, "nested too deeply")),
    case(
        "config-nested-arrays",
        1,
        "nested too deeply",
        argv=("list",),
        files={"@config": text("journal = " + nested("[", "]", 5000) + "\n")},
    ),
    case(
        "config-nested-tables",
        1,
        "nested too deeply",
        argv=("config", "show"),
        files={"@config": text("a = " + nested("{b = ", "}", 5000) + "\n")},
    ),
    case(
        "doctor-config-nested",
        1,
        "nested too deeply",
        argv=("doctor", "-f", "json"),
        files={"@config": text("journal = " + nested("[", "]", 5000) + "\n")},
    ),
    case(
        "prompts-nested",
        1,
        "not valid YAML: exceeded maximum nesting",
        argv=("prompts", "check", "{in}/p.yaml"),
        files={"p.yaml": prompts_with("extra: " + nested("[", "]", 100_000) + "\n")},
    ),
    case(
        "prompts-nested-25",
        1,
        "nested more than 20 levels",
        argv=("prompts", "check", "{in}/p.yaml"),
        files={"p.yaml": prompts_with("extra: " + nested("[", "]", 25) + "\n")},
    ),
    # -- huge items ------------------------------------------------------------------------
    case("set-long-text", 1, "went_well: is longer than 20000 characters", argv=log("-s", "went_well=" + "x" * 20_001)),
    case("file-long-text", 1, "went_well: is longer than", **with_answers(answers_yaml(went_well="x" * 1_900_000))),
    case(
        "import-long-text",
        **importing(
            "t.jsonl",
            raw(jsonl(json_items(session_rows(prompt_id="went_well", value="x" * (2 << 20))))),
            1,
            "went_well: is longer than 20000",
        ),
    ),
    case(
        "import-csv-huge-field",
        **importing("t.csv", raw(long_csv(session_rows(value="x" * 200_000))), 1, "field larger than field limit"),
    ),
    # -- keys given twice ------------------------------------------------------------------
    case(
        "file-key-twice",
        1,
        "a.yaml:6: the key 'empathy' is given twice (lines 5 and 6)",
        **with_answers(answers_yaml().replace("  empathy: 7\n", "  empathy: 7\n  empathy: 3\n")),
    ),
    case(
        "file-field-twice",
        1,
        "the key 'client' is given twice (lines 1 and 2)",
        **with_answers("client: C-1\nclient: C-2\n" + answers_yaml().split("\n", 1)[1]),
    ),
    case(
        "json-key-twice",
        1,
        "a.yaml:1: the key 'empathy' is given twice (line 1)",
        **with_answers('{"empathy": 7, "empathy": 3}', "-c", "C-1"),
    ),
    case(
        "import-json-key-twice",
        **importing(
            "k.jsonl",
            text(json.dumps(json_items(session_rows())[0])[:-1] + ', "value": 3}\n'),
            1,
            "line 1: the key 'value' is given twice",
        ),
    ),
    case(
        "import-csv-column-twice",
        **importing(
            "k.csv",
            raw(long_csv(session_rows(), header=[*LONG_COLUMNS[:-1], "kind"])),
            1,
            "the column 'kind' appears twice",
        ),
    ),
    case(
        "prompts-key-twice",
        1,
        "p.yaml:2: the key 'version' is given twice",
        argv=("prompts", "check", "{in}/p.yaml"),
        files={"p.yaml": text("version: 1\nversion: 2\n" + BUNDLED.split("version: 1\n", 1)[1])},
    ),
    case("set-twice-last-wins", 0, argv=log("-s", "empathy=3", "-s", "empathy=7"), adds=1),
    # -- types and shapes ------------------------------------------------------------------
    case("file-client-number", 0, **with_answers(answers_yaml().replace("client: C-014", "client: 12"), adds=1)),
    case(
        "file-client-list",
        1,
        "a.yaml: client: expected text, such as C-014",
        **with_answers(answers_yaml().replace("client: C-014", "client: [1, 2]")),
    ),
    case("file-date-mapping", 1, "date: expected text", **with_answers(answers_yaml().replace("2026-11-03", "{a: 1}"))),
    case("file-modality-yes", 1, "modality: expected text", **with_answers(answers_yaml().replace("video", "yes"))),
    case("file-answers-list", 1, "'answers:' must be a mapping", **with_answers("client: C-1\nanswers: [1, 2]\n")),
    case("file-answers-extra", 1, "Beside 'answers:'", **with_answers(answers_yaml() + "colour: blue\n")),
    case("file-top-level-list", 1, "must hold a mapping", **with_answers("- 1\n- 2\n")),
    case("file-empty", 1, "must hold a mapping", **with_answers("")),
    case("file-complex-key", 1, "a key must be a plain name", **with_answers("? [a]\n: 1\n")),
    case("file-two-documents", 1, "more than one YAML document", **with_answers("empathy: 7\n---\nempathy: 3\n")),
    case("file-yes-no-words", 0, **with_answers(answers_yaml(rupture="off"), adds=1)),
    case("file-number-as-text", 0, **with_answers(answers_yaml(went_well="7"), adds=1)),
    case("import-json-item-list", **importing("i.json", text("[[1, 2]]"), 1, "expected an object")),
    case(
        "import-json-value-object",
        **importing(
            "i.jsonl", raw(jsonl(json_items(session_rows(), value={"a": 1}))), 1, "empathy: expected a whole number"
        ),
    ),
    case(
        "import-misplaced-cells",
        **importing(
            "m.csv",
            raw(long_csv(session_rows(date=SECRET, modality=SECRET, prompt_id=SECRET))),
            1,
            "row 2: prompt_id: the value given is not a prompt",
            never=("Jane",),
        ),
    ),
    case(
        "import-no-header",
        **importing(
            "m.csv",
            raw(long_csv(session_rows(value=SECRET, prompt_id="went_well"), headed=False)),
            1,
            "the 10th column is not a prompt",
            never=("Jane",),
        ),
    ),
    case(
        "import-header-typo",
        **importing(
            "m.csv",
            raw(long_csv(session_rows(), header=["session_id", "uid", *LONG_COLUMNS[2:]])),
            1,
            "'uid' is not a column",
        ),
    ),
]


@pytest.fixture
def journal(run, db_path: Path) -> Path:
    """The journal every case starts from: one saved session."""
    result = run("log", "-c", SEEN[0], "-d", SEEN[1], *FULL)
    assert result.exit_code == 0, result.stderr
    return db_path


def dump(db: Path) -> list[str]:
    """The journal's content as SQL, to compare before and after."""
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


def sessions(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])


@pytest.fixture
def no_hang() -> Iterator[None]:
    """A case that runs past 60 s fails as a hang instead of holding up the suite."""

    def hang(signum: int, frame: object) -> None:
        raise TimeoutError("hung")

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(60)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def write_files(files: Files, folder: Path, home: Path) -> None:
    folder.mkdir(exist_ok=True)
    for name, make in files.items():
        path = home / ".config" / "alliance" / "config.toml" if name == "@config" else folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(make())


@pytest.mark.parametrize("c", CASES, ids=[c.id for c in CASES])
def test_hostile_input_ends_cleanly(c: Case, run, journal: Path, tmp_path: Path, private_home: Path, no_hang):
    folder = tmp_path / "in"
    write_files(c.files, folder, private_home)
    before, count = dump(journal), sessions(journal)
    result = run(*(arg.replace("{in}", str(folder)) for arg in c.argv), input=c.stdin)
    said = result.stderr + result.stdout
    assert result.exit_code == c.code, said
    assert c.says in said, said
    assert "Traceback" not in said and "unexpected error" not in said, said
    for secret in c.never:
        assert secret not in said, said
    if c.adds:
        assert sessions(journal) == count + c.adds
    else:
        assert dump(journal) == before, "the journal changed"
    assert not (tmp_path / "pwned").exists() and not Path("pwned").exists()


def test_the_corpus_covers_every_area():
    ids = " ".join(c.id for c in CASES)
    for area in (
        "date",
        "rating",
        "number",
        "not-utf8",
        "markup",
        "escape",
        "laughs",
        "too-large",
        "nested",
        "long-text",
        "twice",
        "import",
        "prompts",
        "config",
        "file",
    ):
        assert area in ids, area
    assert len(CASES) >= 100


# -- stdout that goes away: the installed command, in a process of its own --------------------


@dataclass(frozen=True)
class StdoutCase:
    id: str
    argv: tuple[str, ...]
    stdout: str  # "full" (/dev/full), "closed" (>&-), "reader-left" (a pipe whose reader is gone)
    code: int
    says: str  # the whole of stderr's last line, or "" for nothing at all
    adds: int = 0


NOT_WRITTEN = "alliance: session 2 is saved, but its id could not be written to stdout"
STDOUT_CASES = [
    StdoutCase("log-full", LOG, "full", 0, f"{NOT_WRITTEN} (No space left on device).", adds=1),
    StdoutCase("log-closed", LOG, "closed", 0, f"{NOT_WRITTEN} (it is closed).", adds=1),
    StdoutCase("log-reader-left", LOG, "reader-left", 0, "Saved session 2 (session 2 with this client).", adds=1),
    StdoutCase("list-closed", ("list",), "closed", 1, "alliance: stdout is closed; nothing could be written to it."),
    StdoutCase(
        "list-full",
        ("list",),
        "full",
        1,
        "alliance: could not write to stdout (No space left on device); the output is incomplete.",
    ),
    StdoutCase("export-reader-left", ("export", "-f", "json"), "reader-left", 0, ""),
    StdoutCase("list-table-reader-left", ("list",), "reader-left", 0, ""),
    StdoutCase("help-reader-left", ("--help",), "reader-left", 0, ""),
    StdoutCase("import-closed", ("import", "-"), "closed", 0, "Added 0 sessions from stdin."),
]


@pytest.mark.parametrize("c", STDOUT_CASES, ids=[c.id for c in STDOUT_CASES])
def test_a_stdout_that_goes_away_ends_cleanly(c: StdoutCase, journal, alliance_exe, subprocess_env):
    if c.stdout == "full" and not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    before = sessions(journal)
    command = [*alliance_exe, *c.argv]
    if c.stdout == "reader-left":
        proc = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env
        )
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # gone before alliance has started: its first write finds no reader
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=60)
    else:
        closed = c.stdout == "closed"
        with open("/dev/full" if c.stdout == "full" else os.devnull, "wb") as full:
            done = subprocess.run(
                command,
                input=b"[]" if c.argv[-1] == "-" else b"",
                stdout=full,
                stderr=subprocess.PIPE,
                env=subprocess_env,
                timeout=60,
                preexec_fn=(lambda: os.close(1)) if closed else None,
            )
        err, code = done.stderr.decode(), done.returncode
    assert "Traceback" not in err and "unexpected error" not in err, err
    assert code == c.code, err
    assert (err.strip().splitlines() or [""])[-1] == c.says, err
    assert sessions(journal) == before + c.adds
