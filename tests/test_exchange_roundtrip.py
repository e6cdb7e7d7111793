"""export -> import into an empty journal -> export gives the same bytes, in every format and shape."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance_cli.app.export import export_journal, output_stream
from alliance_cli.app.imports import import_file
from alliance_cli.store.exchange import ExportQuery
from alliance_cli.store.journal import open_journal
from exchange_support import fill, tricky

PS = tricky()
COMBOS = [
    (fmt, shape, raw)
    for fmt in ("csv", "json", "jsonl")
    for shape in ("long", "wide")
    for raw in ((False, True) if fmt == "csv" else (False,))
]

# Free text as a clinician might type it, and worse: separators, quotes, line breaks, emoji,
# formula starters, apostrophes, NUL. Stored text is stripped (as `alliance log` stores it).
PIECES = ["=", "-", "@", "+", "'", "''", ",", '"', "\n", "\r\n", ";", "😀", "\x00", "é", "SUM(A1)", "  ", "\t"]
text_answers = (
    st.lists(
        st.one_of(
            st.sampled_from(PIECES), st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12)
        ),
        min_size=1,
        max_size=6,
    )
    .map(lambda parts: "".join(parts).strip())
    .filter(bool)
)
numbers = st.one_of(
    st.integers(-100, 1000),
    st.floats(-100, 1000, allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer()),
)


@st.composite
def sessions(draw: Any) -> tuple[str, date, str, dict[str, Any]]:
    answers: dict[str, Any] = {"empathy": draw(st.integers(0, 10))}
    optional = {
        "note": text_answers,
        "mood": st.sampled_from(PS.prompt("mood").choices),
        "tags": st.lists(st.sampled_from(PS.prompt("tags").choices), min_size=1, max_size=3, unique=True),
        "done": st.booleans(),
        "minutes": numbers,
    }
    for pid, strategy in optional.items():
        if draw(st.booleans()):
            answers[pid] = draw(strategy)
    if answers.get("done") is False and draw(st.booleans()):
        answers["why"] = draw(text_answers)
    client = draw(st.sampled_from(["C-1", "C-014", "X9", "C.7_B"]))
    day = draw(st.dates(date(2020, 1, 1), date(2026, 11, 20)))
    modality = draw(st.sampled_from(["in person", "video", "phone", "text"]))
    return client, day, modality, answers


def export_bytes(db: Path, folder: Path, fmt: str, shape: str, raw: bool, name: str) -> Path:
    target = folder / name
    with open_journal(db) as journal, output_stream(target) as out:
        export_journal(journal, PS, out, query=ExportQuery(), fmt=fmt, shape=shape, raw=raw)
    return target


def round_trip(folder: Path, journal_sessions: list[Any], deleted: list[int], combo: tuple[str, str, bool]) -> None:
    fmt, shape, raw = combo
    source = folder / "source.db"
    fill(source, PS, journal_sessions, delete=deleted)
    first = export_bytes(source, folder, fmt, shape, raw, f"first.{fmt}")
    target = folder / "target.db"
    outcome = import_file(target, PS, first, raw=raw, today=date(2026, 11, 20))
    assert outcome.added == len(journal_sessions) - len(set(deleted) & set(range(1, len(journal_sessions) + 1)))
    second = export_bytes(target, folder, fmt, shape, raw, f"second.{fmt}")
    assert second.read_bytes() == first.read_bytes()
    again = import_file(target, PS, first, raw=raw, today=date(2026, 11, 20))
    assert (again.added, again.conflicts, again.replaced) == (0, [], 0)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    journal_sessions=st.lists(sessions(), min_size=1, max_size=8),
    deleted=st.lists(st.integers(1, 8), max_size=2),
    combo=st.sampled_from(COMBOS),
)
def test_round_trip_is_byte_identical(journal_sessions, deleted, combo):
    with tempfile.TemporaryDirectory() as folder:
        round_trip(Path(folder), journal_sessions, deleted, combo)


TRICKY_SESSIONS = [
    ("C-1", date(2026, 11, 2), "video", {"empathy": 3, "note": '=1+2, "quoted"\r\nnext line 😀', "minutes": -5}),
    ("C-1", date(2026, 11, 2), "phone", {"empathy": 10, "note": "'=already", "mood": "-", "tags": ["+1", "three"]}),
    ("C-2", date(2026, 1, 5), "in person", {"empathy": 0, "done": False, "why": "@home\x00", "minutes": 2.5}),
    ("C-1", date(2025, 12, 31), "text", {"empathy": 5, "mood": 'say "hi"', "tags": ["=sum"], "done": True}),
]


@pytest.mark.parametrize("combo", COMBOS, ids=["-".join(str(x) for x in c) for c in COMBOS])
def test_round_trip_of_awkward_sessions_in_every_format_and_shape(tmp_path, combo):
    # Session 2 is deleted, so ids have a gap; two sessions share a client and a day.
    round_trip(tmp_path, [*TRICKY_SESSIONS, ("C-3", date(2026, 3, 3), "video", {"empathy": 1})], [2], combo)


def test_round_trip_of_a_sample_journal_with_follow_up_prompts(tmp_path):
    # Follow-ups (`when: {history: ...}`) depend on earlier sessions; import takes them as recorded.
    from alliance_cli.app.sample import generate
    from exchange_support import bundled

    ps = bundled()
    source = tmp_path / "sample.db"
    with open_journal(source, create=True) as journal:
        journal.save_sessions(generate(ps, sessions=150, end=date(2026, 11, 20)))
    first = tmp_path / "first.csv"
    with open_journal(source) as journal, output_stream(first) as out:
        export_journal(journal, ps, out, query=ExportQuery())
    assert b",intention_followed," in first.read_bytes()
    target = tmp_path / "target.db"
    assert import_file(target, ps, first, today=date(2026, 11, 20)).added == 150
    second = tmp_path / "second.csv"
    with open_journal(target) as journal, output_stream(second) as out:
        export_journal(journal, ps, out, query=ExportQuery())
    assert second.read_bytes() == first.read_bytes()
