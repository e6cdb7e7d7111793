"""Terminal escape sequences in answers are shown as harmless pictures, never obeyed.

Every place answer text reaches a screen is tried with each sequence: `show`, the summary
before saving, `report --notes` in Rich and Markdown, the recap, search results, the list
and the clients table. JSON and CSV keep the exact text (they are data, not a screen).
"""

from __future__ import annotations

import csv
import io
import json
import re
import sqlite3
from datetime import date

import pytest
from rich.console import Console

from alliance_cli.core.text import visible
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, set_flags

# What a hostile answer may hold, and how it must look on the screen.
SEQUENCES = {
    "window title (OSC 0)": ("\x1b]0;PWNED\x07", "␛]0;PWNED␇"),
    "clear screen (CSI 2J)": ("\x1b[2J\x1b[H", "␛[2J␛[H"),
    "hidden text (SGR 8)": ("\x1b[8mhidden\x1b[0m", "␛[8mhidden␛[0m"),
    "OSC 8 link": ("\x1b]8;;http://evil.example\x1b\\click\x1b]8;;\x1b\\", "␛]8;;http://evil.example␛\\click␛]8;;␛\\"),
    "bell": ("ding\x07", "ding␇"),
    "backspaces": ("safe\x08\x08\x08\x08evil", "safe␈␈␈␈evil"),
    "carriage return": ("shown\rhidden", "shown␍hidden"),
    "C1 CSI": ("\x9b31mred", "\\x9b31mred"),
    "C1 OSC": ("\x9d0;title\x9c", "\\x9d0;title\\x9c"),
    "right-to-left override": ("report\u202eexe.txt", "report\\u202eexe.txt"),
    "isolate": ("a\u2066b\u2069c", "a\\u2066b\\u2069c"),
    "NUL and DEL": ("a\x00b\x7fc", "a␀b␡c"),
}
CASES = list(SEQUENCES.items())
IDS = [name for name, _ in CASES]
# Anything a terminal would act on (newline and tab are text).
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def answer_with(raw: str) -> str:
    return f"Before {raw} after."


def assert_shown(output: str, raw: str, shown: str) -> None:
    assert not RAW.search(output), repr(RAW.search(output))
    flat = " ".join(output.split())  # a renderer may wrap the line anywhere
    assert " ".join(f"Before {shown} after.".split()) in flat


def log(run, day: str = "2026-11-02", client: str = "C-1", **answers: str) -> None:
    result = run("log", "-c", client, "-d", day, *set_flags({**FULL_ANSWERS, **answers}))
    assert result.exit_code == 0, result.stderr


# -- the function -----------------------------------------------------------------------------


def test_visible_shows_every_control_and_keeps_text_newlines_and_tabs():
    for raw, shown in SEQUENCES.values():
        assert visible(raw) == shown
    assert visible("Plain, with accents: é ü 😀 and a [bracket].") == "Plain, with accents: é ü 😀 and a [bracket]."
    assert visible("one\ntwo\tthree") == "one\ntwo\tthree"
    assert visible("windows\r\nline end") == "windows\nline end"
    assert visible("\u200fRLM and\u00a0NBSP stay") == "\u200fRLM and\u00a0NBSP stay"  # not controls: text
    every = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
    out = visible(every)
    assert RAW.sub("", out.replace("\n", "").replace("\t", "")) == out.replace("\n", "").replace("\t", "")
    assert visible(out) == out  # a picture is shown as itself


# -- each place answer text reaches the screen ------------------------------------------------


@pytest.mark.parametrize(("raw", "shown"), [c[1] for c in CASES], ids=IDS)
def test_show_renders_control_characters_visibly(run, raw, shown):
    log(run, went_well=answer_with(raw))
    result = run("show", "1")
    assert result.exit_code == 0, result.stderr
    assert_shown(result.stdout, raw, shown)
    assert json.loads(run("show", "1", "-f", "json").stdout)["answers"]["went_well"] == answer_with(raw)


@pytest.mark.parametrize(("raw", "shown"), [c[1] for c in CASES], ids=IDS)
def test_report_notes_and_intentions_render_visibly_in_rich_and_markdown(run, raw, shown):
    log(run, "2026-11-02", went_well=answer_with(raw), intention=answer_with(raw))
    log(run, "2026-11-09", intention_followed="no")  # the review lists an intention not carried out
    for week, fmt in [("2026-W45", "table"), ("2026-W45", "markdown"), ("2026-W46", "table"), ("2026-W46", "markdown")]:
        result = run("report", "--week", week, "--notes", "-f", fmt)
        assert result.exit_code == 0, result.stderr
        assert not RAW.search(result.stdout), (week, fmt)
    notes = run("report", "--week", "2026-W45", "--notes").stdout
    assert_shown(notes, raw, shown)
    markdown = run("report", "--week", "2026-W45", "--notes", "-f", "markdown").stdout
    assert visible(answer_with(raw)).replace("\\", "\\\\") in markdown
    intentions = run("report", "--week", "2026-W46", "-f", "markdown").stdout  # the previous period's intentions
    assert visible(answer_with(raw)).replace("\\", "\\\\") in intentions
    data = json.loads(run("report", "--week", "2026-W45", "--notes", "-f", "json").stdout)
    assert answer_with(raw) in [n["text"] for group in data["notes"] for n in group["notes"]]  # data: exact


@pytest.mark.parametrize(("raw", "shown"), [c[1] for c in CASES], ids=IDS)
def test_the_recap_shows_the_intention_visibly(run, db_path, raw, shown):
    from alliance_cli.store.continuity import continuity
    from alliance_cli.ui.recap import recap

    log(run, intention=answer_with(raw))
    with open_journal(db_path) as journal:
        found = continuity(journal, "C-1", date(2026, 11, 9))
    console = Console(file=io.StringIO(), width=200, color_system=None)
    console.print(recap(found))
    assert_shown(console.file.getvalue(), raw, shown)


@pytest.mark.parametrize(("raw", "shown"), [c[1] for c in CASES], ids=IDS)
def test_search_results_show_the_snippet_visibly(run, raw, shown):
    log(run, went_well=answer_with(raw) + " Zephyrine")
    result = run("search", "zephyrine")
    assert result.exit_code == 0, result.stderr
    assert not RAW.search(result.stdout)
    assert "Zephyrine" in result.stdout
    hit = json.loads(run("search", "zephyrine", "-f", "json").stdout)[0]["snippet"]
    if "\x00" not in raw:  # (the search index ends a text at NUL)
        assert answer_with(raw) in hit  # data keeps the text as stored


def test_the_summary_before_saving_shows_answers_visibly():
    from alliance_cli.core.draft import LogState
    from alliance_cli.settings.paths import bundled_prompts_path
    from alliance_cli.settings.prompts import load_prompt_set
    from alliance_cli.ui.sessions import log_summary

    ps = load_prompt_set(bundled_prompts_path())
    everything = "".join(raw for raw, _ in SEQUENCES.values())
    state = LogState(client="C-1", date="2026-11-02", modality="video", answers={"went_well": everything})
    console = Console(file=io.StringIO(), width=400, color_system=None)
    console.print(log_summary(ps, state))
    out = console.file.getvalue()
    assert not RAW.search(out)
    assert "␛]0;PWNED␇" in out and "\\u202e" in out


def test_tables_of_a_hostile_journal_show_codes_visibly(run, db_path):
    """Client codes and modalities are checked when written; a journal changed by other means
    still shows them as pictures, in the list, the clients table and show."""
    log(run)
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE sessions SET client = ?, modality = ? WHERE id = 1", ("C\x1b]0;X\x07", "\x1b[2Jvideo"))
    for args in (["list"], ["clients", "--all"], ["show", "1"]):
        result = run(*args)
        assert result.exit_code == 0, result.stderr
        assert not RAW.search(result.stdout), args
        assert "C␛]0;X␇" in result.stdout, args
    listed = list(csv.reader(io.StringIO(run("list", "-f", "csv").stdout)))
    assert listed[1][2] == "C\x1b]0;X\x07"  # CSV is data: the exact text
