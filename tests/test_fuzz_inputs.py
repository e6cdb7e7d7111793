"""A hypothesis fuzz of what a clinician or a script hands alliance: `--set` values, answers
files and import rows. Whatever is generated (surrogates, NUL, escapes, markup, numbers
YAML and Python read in their own ways, any JSON value, random bytes), the command ends with
0, 1 or 2, never a traceback nor an "unexpected error"; a refusal leaves the journal exactly
as it was and an acceptance adds one session at most; and no import message repeats what a
cell holds. Bounded: a few dozen examples each, no deadline.
"""

from __future__ import annotations

import csv
import io
import json
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from alliance_cli.app.export import LONG_COLUMNS
from conftest import FULL_ANSWERS
from test_hostile import FULL, LOG, dump, sessions

# ALLIANCE_FUZZ_EXAMPLES=2000 for a longer run; the suite keeps it short.
FUZZ = settings(
    max_examples=int(os.environ.get("ALLIANCE_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ANY_CHAR = st.characters(codec=None, exclude_categories=())  # lone surrogates and NUL included
TRICKY = [
    "1_0", "٣", "+7", " 7 ", "7.0", "1e1", "0x0a", "012", "1:30", "-0", "", " ", "yes", "No", "off", "~", "null",
    "\udcff", "caf\udce9", "\x00", "\x1b]0;t\x07\x1b[2J", "[bold]x[/bold]", "=HYPERLINK(\"x\")", "'=1", "9" * 30,
    "1e400", "nan", "-inf", "2026-02-30", "Jane Doe", "&a", "*a", "!!int 7", "{a: 1}", "[1, 2]", "- x", "? x",
    "a: b", "#", "\r\n", "\t", "'", '"', "\\", "%TAG", "---", "...",
]  # fmt: skip
SHARP = st.sampled_from("\udcff\udce9\ud800\x00\x1b\x07\u202e\ufeffé😀[]'\"&*!:-_0179+.e٣７ \t\r\n")
TEXT = st.one_of(
    st.sampled_from(TRICKY),
    st.builds(str.__add__, st.sampled_from(TRICKY), st.text(SHARP, max_size=6)),
    st.text(SHARP, max_size=12),
    st.text(ANY_CHAR, max_size=40),
)
KNOWN = st.sampled_from(["empathy", "rupture", "rupture_kind", "went_well", "intention", "intention_followed"])
PROMPT_IDS = st.one_of(KNOWN, KNOWN, KNOWN, st.text(ANY_CHAR, max_size=12))
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.one_of(PROMPT_IDS, TEXT), inner, max_size=4),
    max_leaves=12,
)
CANARY = "ZQJX"  # put in every fuzzed import cell: no message may repeat it


@pytest.fixture
def journal(run, db_path: Path) -> Path:
    """One saved session; the examples of a test share it (a refusal must leave it as it was)."""
    assert run("log", "-c", "C-014", "-d", "2026-11-02", *FULL).exit_code == 0
    return db_path


def ended_cleanly(result: Any) -> None:
    said = result.stderr + result.stdout
    assert result.exit_code in (0, 1, 2), said
    assert "Traceback" not in said and "unexpected error" not in said, said


def kept_or_added(result: Any, db: Path, before: list[str], count: int) -> None:
    if result.exit_code == 0:
        assert count <= sessions(db) <= count + 1
    else:
        assert dump(db) == before, "a refusal changed the journal"


@FUZZ
@given(pid=PROMPT_IDS, value=TEXT)
def test_fuzzed_set_values_end_cleanly(run, journal: Path, pid: str, value: str):
    before, count = dump(journal), sessions(journal)
    result = run(*LOG, "--set", f"{pid}={value}")
    ended_cleanly(result)
    kept_or_added(result, journal, before, count)


def _document(data: Any, how: str) -> bytes:
    if how in ("json", "json, ASCII"):  # ASCII: characters as \\u escapes (surrogates too)
        return json.dumps(data, ensure_ascii=how != "json").encode("utf-8", "surrogatepass")
    try:
        return yaml.safe_dump(data, allow_unicode=True).encode("utf-8", "surrogatepass")
    except (yaml.YAMLError, UnicodeError):
        assume(False)
        raise


@FUZZ
@given(
    shape=st.sampled_from(["full session, one answer fuzzed", "any document", "any text", "any bytes"]),
    pid=PROMPT_IDS,
    value=JSON_VALUES,
    how=st.sampled_from(["json", "json, ASCII", "yaml"]),
    garbage=st.one_of(st.text(ANY_CHAR, max_size=200), st.binary(max_size=200)),
)
def test_fuzzed_answers_files_end_cleanly(run, journal: Path, tmp_path: Path, shape, pid, value, how, garbage):
    file = tmp_path / "answers.yaml"
    if shape == "full session, one answer fuzzed":
        data: Any = {
            "client": "C-014",
            "date": "2026-11-03",
            "modality": "video",
            "answers": {**FULL_ANSWERS, pid: value},
        }
        file.write_bytes(_document(data, how))
    elif shape == "any document":
        file.write_bytes(_document(value, how))
    elif isinstance(garbage, str):
        file.write_bytes(garbage.encode("utf-8", "surrogatepass"))
    else:
        file.write_bytes(garbage)
    before, count = dump(journal), sessions(journal)
    result = run("log", "--answers", str(file))
    ended_cleanly(result)
    kept_or_added(result, journal, before, count)


ROW = {
    "session_id": "", "date": "2026-11-03", "client": "C-77", "session_number": "", "modality": "video",
    "principle": "", "kind": "",
}  # fmt: skip


@FUZZ
@given(
    fmt=st.sampled_from(["csv", "jsonl"]),
    column=st.sampled_from(LONG_COLUMNS),
    cell=st.one_of(TEXT, JSON_VALUES),
    where=st.integers(0, len(FULL_ANSWERS) - 1),
)
def test_fuzzed_import_rows_end_cleanly_and_never_repeat_a_cell(
    run, journal: Path, tmp_path: Path, fmt, column, cell, where
):
    sid = str(uuid.uuid4())
    rows: list[dict[str, Any]] = [
        {**ROW, "uuid": sid, "prompt_id": pid, "value": value} for pid, value in FULL_ANSWERS.items()
    ]
    rows[where][column] = f"{CANARY}{cell}" if fmt == "csv" or isinstance(cell, str) else cell
    file = tmp_path / f"rows.{fmt}"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(LONG_COLUMNS)
        writer.writerows([row[c] for c in LONG_COLUMNS] for row in rows)
        file.write_bytes(out.getvalue().encode("utf-8", "surrogatepass"))
    else:
        file.write_text("".join(json.dumps({c: row[c] for c in LONG_COLUMNS}) + "\n" for row in rows))
    before, count = dump(journal), sessions(journal)
    result = run("import", str(file))
    ended_cleanly(result)
    kept_or_added(result, journal, before, count)
    assert CANARY not in result.stderr.replace(str(file), ""), result.stderr
