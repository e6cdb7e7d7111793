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


# -- a message never prints answer text ------------------------------------------------------

SECRET_WORDS = ("Mirabelle", "Stockwood")
SECRET = "Mirabelle Stockwood said it plainly"


def assert_secret_kept(stderr: str) -> None:
    for word in SECRET_WORDS:
        assert word.lower() not in stderr.lower(), stderr


@pytest.fixture
def bad_byte_journal(run, db_path):
    """Answers holding a secret phrase; one of them with a byte that is not UTF-8 in it."""
    import sqlite3

    from conftest import FULL_ANSWERS, set_flags

    for day in ("2026-11-02", "2026-11-03"):
        answers = {**FULL_ANSWERS, "went_well": SECRET, "intention": f"Ask {SECRET}."}
        assert run("log", "-c", "C-1", "-d", day, *set_flags(answers)).exit_code == 0
    with sqlite3.connect(db_path) as conn:
        conn.execute(
            "UPDATE answers SET value_text = CAST(? AS TEXT) WHERE session_id = 1 AND prompt_id = 'went_well'",
            (SECRET.encode().replace(b" said", b"\xff said"),),
        )
    return db_path


COMMANDS = [
    ["show", "1"],
    ["show", "1", "-f", "json"],
    ["export"],
    ["export", "-f", "json"],
    ["export", "-f", "jsonl", "--shape", "wide"],
    ["export", "--shape", "wide"],
    ["report", "--week", "2026-W45", "--notes"],
    ["report", "--week", "2026-W45", "--notes", "-f", "markdown"],
    ["report", "--week", "2026-W45", "--notes", "-f", "json"],
    ["edit", "1", "--set", "empathy=3"],
    ["edit", "1", "--set", "went_well=Other words."],
    ["search", "mirabelle"],
    ["search", "stockwood", "-f", "csv"],
    ["list"],
    ["clients"],
    ["doctor"],
    ["backup"],
    ["delete", "1", "--yes"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_no_command_prints_answer_text_in_a_message_about_a_bad_byte(run, bad_byte_journal, args):
    result = run(*args)
    assert_secret_kept(result.stderr)


def test_the_store_names_a_bad_byte_without_quoting_the_text():
    import sqlite3
    from pathlib import Path

    from alliance_cli.store.journal import describe_sqlite_error

    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE answers (value_text TEXT)")
    conn.execute("INSERT INTO answers VALUES (CAST(? AS TEXT))", (b"Mirabelle locked \xff Stockwood",))
    with pytest.raises(sqlite3.OperationalError) as raised:
        conn.execute("SELECT value_text FROM answers").fetchall()
    assert "Mirabelle" in str(raised.value)  # sqlite3 quotes the text; alliance never repeats it
    message = describe_sqlite_error(raised.value, Path("/j.db")).message
    assert message == "The journal /j.db holds a text that is not valid UTF-8; run `alliance doctor`."
