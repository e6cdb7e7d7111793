"""The words alliance says: counts read right, and plurals are made in one place."""

from __future__ import annotations

import re

import pytest

from alliance_cli.core.messages import count, ordinal, plural
from conftest import REPO


@pytest.mark.parametrize(
    ("n", "word", "said"),
    [(0, "session", "0 sessions"), (1, "session", "1 session"), (2, "match", "2 matches"), (1, "was", "1 was")],
)
def test_a_count_reads_as_a_person_would_say_it(n: int, word: str, said: str):
    assert count(n, word) == said


def test_plural_of_the_small_words():
    assert [plural(2, w) for w in ("was", "its", "needs")] == ["were", "their", "need"]
    assert plural(1, "needs") == "needs"


def test_ordinals():
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 102, 111)] == [
        "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "102nd", "111th",
    ]  # fmt: skip


def test_no_module_makes_its_own_plurals():
    """`'s' if n != 1` written out in a module is a plural the messages module does not know."""
    ad_hoc = re.compile(r"""\{['"]s['"] if|['"]s['"] if \w+ != 1""")
    offenders = [
        str(path.relative_to(REPO))
        for path in (REPO / "src" / "alliance_cli").rglob("*.py")
        if ad_hoc.search(path.read_text())
    ]
    assert offenders == []
