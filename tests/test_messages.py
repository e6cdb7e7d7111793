"""The words alliance says: counts read right, and plurals are made in one place."""

from __future__ import annotations

import json
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
    assert message == "Stored text in the journal /j.db is not valid UTF-8 (damaged); run `alliance doctor`."


@pytest.fixture
def exported(run, tmp_path):
    """A long CSV export of sessions whose answers hold the secret phrase."""
    from conftest import FULL_ANSWERS, set_flags

    for day in ("2026-11-02", "2026-11-03"):
        answers = {**FULL_ANSWERS, "went_well": SECRET, "intention": "Mirabelle"}
        assert run("log", "-c", "C-1", "-d", day, *set_flags(answers)).exit_code == 0
    file = tmp_path / "export.csv"
    assert run("export", "-o", str(file)).exit_code == 0
    import csv
    import io

    return list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))


def write_csv(path, table) -> str:
    import csv

    with open(path, "w", encoding="utf-8", newline="") as out:
        csv.writer(out, lineterminator="\r\n").writerows(table)
    return str(path)


def shifted(table, into: int):
    """Every answer's cell moved into another column, as a spreadsheet's stray paste leaves it."""
    out = [table[0]]
    per_session = into in (2, 5)  # a session's field: the same on each of its rows, else "differs"
    moved = {row[1] for row in table[1:] if row[9] == SECRET}
    for row in table[1:]:
        row = list(row)
        if row[9] == SECRET or (per_session and row[1] in moved):
            row[into] = SECRET
        out.append(row)
    return out


@pytest.mark.parametrize("column", [2, 5, 6], ids=["date", "modality", "prompt_id"])
def test_import_never_repeats_a_misplaced_answer(run, exported, tmp_path, column, db_path):
    file = write_csv(tmp_path / "shifted.csv", shifted(exported, column))
    result = run("import", file, db=tmp_path / "other.db")
    assert result.exit_code == 1 and "Nothing was imported" in result.stderr
    assert_secret_kept(result.stderr)
    assert "the value given is not a" in result.stderr  # the row and column are named instead


def test_import_of_a_file_without_its_header_row_never_repeats_its_answers(run, exported, tmp_path):
    for shape, table in (("long", exported[1:]), ("wide", None)):
        if table is None:
            import csv
            import io

            wide = run("export", "--shape", "wide").stdout
            table = list(csv.reader(io.StringIO(wide, newline="")))[1:]
        result = run("import", write_csv(tmp_path / f"{shape}.csv", table), db=tmp_path / "other.db")
        assert result.exit_code == 1, shape
        assert_secret_kept(result.stderr)
        assert re.search(r"the \d+(st|nd|rd|th) column", result.stderr), result.stderr


def test_import_of_json_never_repeats_a_key_that_is_text(run, exported, tmp_path):
    for at, said in ((0, "item 1: the 11th key is not a key"), (-1, "a key: not a key of a long export")):
        items = json.loads(run("export", "-f", "json").stdout)
        items[at][SECRET] = "x"  # the first item's keys are the columns; a later one's are checked on their own
        file = tmp_path / "items.json"
        file.write_text(json.dumps(items))
        result = run("import", str(file), db=tmp_path / "other.db")
        assert result.exit_code == 1 and said in result.stderr, result.stderr
        assert_secret_kept(result.stderr)


def test_answers_files_and_flags_never_repeat_answer_text(run, tmp_path):
    from conftest import FULL_ANSWERS, set_flags

    cases = {
        "date": {"date": SECRET, "answers": FULL_ANSWERS},
        "modality": {"modality": SECRET, "answers": FULL_ANSWERS},
        "key": {"answers": {**FULL_ANSWERS, SECRET: "yes"}},
        "flat key": {**FULL_ANSWERS, SECRET: "yes"},
        "beside answers": {"answers": FULL_ANSWERS, SECRET: 1},
    }
    for name, content in cases.items():
        file = tmp_path / f"{name}.json"
        file.write_text(json.dumps(content))
        result = run("log", "-c", "C-1", "--answers", str(file))
        assert result.exit_code == 1, (name, result.stderr)
        assert_secret_kept(result.stderr)
    assert run("log", "-c", "C-1", "-d", "2026-11-02", *set_flags(FULL_ANSWERS)).exit_code == 0
    file = tmp_path / "edit.json"
    file.write_text(json.dumps({"date": SECRET, "modality": SECRET, "answers": {SECRET: "x"}}))
    result = run("edit", "1", "--answers", str(file))
    assert result.exit_code == 1
    assert_secret_kept(result.stderr)
    assert "date: the value given is not a date" in result.stderr
    result = run("log", "-c", "C-1", *set_flags({**FULL_ANSWERS, SECRET: "x"}))
    assert result.exit_code == 1 and "a key: not a prompt in this prompt set" in result.stderr
    assert_secret_kept(result.stderr)


def test_a_value_typed_on_the_command_line_is_still_repeated(run):
    result = run("list", "--since", "the tuesday after")
    assert "'the tuesday after' is not a date" in result.stderr


@pytest.mark.parametrize(
    ("value", "repeated"),
    [
        ("empathyy", True),
        ("went_wel", True),
        ("2026-02-30", True),
        ("-5", True),
        ("Mirabelle", False),
        ("We talked", False),
        ("carrier pigeon", False),
        ("a" * 41, False),
        ("it's", False),
        ("\x1b]0;x\x07", False),
    ],
)
def test_what_a_message_may_repeat(value, repeated):
    from alliance_cli.core.messages import quoted, repeatable

    assert repeatable(value) is repeated
    assert quoted(value, "the value given") == (f"'{value}'" if repeated else "the value given")


def test_the_readme_gives_each_exit_code_the_same_words():
    """The exit-code table a user reads and the words the code keeps are one list."""
    from alliance_cli.core.messages import EXIT_WORDS

    readme = (REPO / "README.md").read_text()
    for code, words in EXIT_WORDS.items():
        assert f"| {int(code)} | {words}" in readme, (code, words)
