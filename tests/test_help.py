"""Every command's --help as a newcomer reads it at 80 columns: paragraphs that fill the
width, what each option takes (never a Python type), an example, and errors in alliance's
own words."""

from __future__ import annotations

import re
import subprocess

import pytest

from alliance_cli.cli.root import KEEP_INDENT

WIDTH = 80
TYPE_COLUMN = re.compile(r"<(str|int|float|bool|path|file|text|integer|list\[\w+\])>")


def every_command() -> list[tuple[str, ...]]:
    """Every command and group `alliance --help` leads to, as its words on the command line."""
    import typer.main

    from alliance_cli.cli.main import app

    found: list[tuple[str, ...]] = [()]

    def walk(group: object, path: tuple[str, ...]) -> None:
        for name, command in getattr(group, "commands", {}).items():
            found.append((*path, name))
            walk(command, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


COMMANDS = every_command()


def lines_of(text: str) -> list[str]:
    return [line.replace(KEEP_INDENT, "").rstrip() for line in text.splitlines()]


def description(text: str) -> list[str]:
    """The help's prose and examples: what comes before the first box."""
    lines = lines_of(text)
    end = next((i for i, line in enumerate(lines) if line.startswith("╭")), len(lines))
    return lines[:end]


@pytest.fixture
def narrow(monkeypatch):
    monkeypatch.setenv("COLUMNS", str(WIDTH))


@pytest.mark.parametrize("words", COMMANDS, ids=[" ".join(c) or "alliance" for c in COMMANDS])
def test_help_fits_80_columns_and_teaches(run, narrow, words):
    result = run(*words, "--help")
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    assert all(len(line) <= WIDTH for line in lines_of(text)), "a line is wider than 80 columns"
    assert not TYPE_COLUMN.search(text), f"a Python type is shown: {TYPE_COLUMN.search(text)}"
    assert not [line for line in lines_of(text) if re.search(r"…\s*│$", line)], "a help text is cut short"
    prose = description(text)
    examples = [line.strip() for line in prose if line.startswith("     alliance")]
    assert examples, f"no example in `alliance {' '.join(words)} --help`"
    assert all(example.startswith(" ".join(("alliance", *words))) for example in examples[:1]), examples
    for line, following in zip(prose, prose[1:], strict=False):
        if not line.strip() or not following.strip() or following.startswith("     "):
            continue  # a paragraph's end, or an example
        first_word = following.split()[0]
        assert len(line.strip()) + 1 + len(first_word) > WIDTH - 2, f"a line ends early: {line!r} / {following!r}"


def test_options_say_what_they_take(run, narrow):
    text = run("log", "--help").stdout
    for option, metavar in [("--client", "CODE"), ("--date", "DATE"), ("--set", "PROMPT_ID=VALUE"), ("--db", "FILE")]:
        line = next(line for line in text.splitlines() if f"│ {option} " in line)
        assert metavar in line, line
    resume = next(line for line in text.splitlines() if "│ --resume " in line)
    assert "<" not in resume and "BOOL" not in resume.upper().replace("RESUME", "")


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (("show", "abc"), "alliance show: ID: 'abc' is not a session id; ids are whole numbers"),
        (("list", "--limit", "x"), "alliance list: --limit: 'x' is not a whole number."),
        (("export", "--shape", "x"), "alliance export: --shape: 'x' is not one of 'long', 'wide'."),
        (("list", "--format", "xml"), "alliance list: --format: 'xml' is not one of 'table', 'json', 'jsonl', 'csv'."),
        (("report", "--wek", "last"), "alliance report: there is no option --wek. Did you mean --week?"),
        (("show",), "alliance show: ID is missing. `alliance show -h` lists what it takes."),
        (("delete", "1", "x"), "alliance delete: ID: 'x' is not a session id"),
        (("list", "--since"), "alliance list: --since needs a value."),
        (("lst",), "alliance: No such command 'lst'. Did you mean 'list'? `alliance -h` lists"),
    ],
)
def test_usage_errors_are_one_line_in_alliances_words(run, argv, said):
    result = run(*argv)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.startswith(said)
    assert len(result.stderr.splitlines()) == 1
    for foreign in ("Value error", "Input should be", "Invalid value for", "╭", "Traceback"):
        assert foreign not in result.stderr


def cli(alliance_exe, env, *args, **kwargs):
    return subprocess.run(
        [*alliance_exe, *args], capture_output=True, text=True, env=env, timeout=60, check=False, **kwargs
    )


def test_bare_alliance_prints_the_help_and_succeeds(alliance_exe, subprocess_env):
    result = cli(alliance_exe, subprocess_env)
    assert result.returncode == 0, result.stderr
    assert "Usage: alliance" in result.stdout and "log" in result.stdout


@pytest.mark.parametrize("argv", [(), ("--help",), ("log", "-h"), ("clients", "--help"), ("config",)])
def test_piped_help_has_no_trailing_spaces_or_invisible_marks(alliance_exe, subprocess_env, argv):
    result = cli(alliance_exe, subprocess_env, *argv)
    assert result.returncode == 0 and "Usage: alliance" in result.stdout
    assert [line for line in result.stdout.splitlines() if line != line.rstrip()] == []
    # an example copied from the help runs as typed: nothing invisible before `alliance`
    assert KEEP_INDENT not in result.stdout
    assert re.search(r"^ {4,}alliance ", result.stdout, re.M), "no example, indented"


def test_global_options_work_before_and_after_the_command(alliance_exe, subprocess_env, tmp_path):
    other = tmp_path / "other.db"
    from conftest import FULL_ANSWERS, set_flags

    env = {k: v for k, v in subprocess_env.items() if k != "ALLIANCE_DB"}
    logged = cli(alliance_exe, env, "--db", str(other), "log", "-c", "C-7", *set_flags(FULL_ANSWERS))
    assert logged.returncode == 0, logged.stderr
    before = cli(alliance_exe, env, "--db", str(other), "--no-color", "list", "-f", "csv")
    after = cli(alliance_exe, env, "list", "-f", "csv", "--db", str(other), "--no-color")
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout and "C-7" in before.stdout
    # The flag after the command wins over the one before, as a flag wins over ALLIANCE_DB.
    missing = cli(alliance_exe, env, "--db", str(other), "list", "--db", str(tmp_path / "none.db"))
    assert missing.returncode == 1 and "none.db" in missing.stderr


def test_piped_tables_have_no_trailing_spaces(alliance_exe, subprocess_env):
    from conftest import FULL_ANSWERS, set_flags

    assert cli(alliance_exe, subprocess_env, "log", "-c", "C-1", *set_flags(FULL_ANSWERS)).returncode == 0
    for argv in (("show", "1"), ("list",), ("clients",), ("prompts", "show")):
        out = cli(alliance_exe, subprocess_env, *argv).stdout
        assert out.strip(), argv
        assert [line for line in out.splitlines() if line != line.rstrip()] == [], argv


def test_a_reader_that_leaves_early_ends_it_quietly(alliance_exe, subprocess_env):
    from conftest import FULL_ANSWERS, set_flags

    for day in range(1, 29):
        cli(alliance_exe, subprocess_env, "log", "-c", "C-1", "-d", f"2026-2-{day}", *set_flags(FULL_ANSWERS))
    writer = subprocess.Popen(
        [*alliance_exe, "export"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=subprocess_env
    )
    assert writer.stdout is not None and writer.stderr is not None
    writer.stdout.readline()
    writer.stdout.close()  # the reader leaves after one line, as `| head -1` does
    assert writer.wait(timeout=60) == 0
    assert writer.stderr.read() == b""
