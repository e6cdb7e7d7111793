"""Continuity end to end: an intention and an unrepaired rupture come back in the next log,
interactively (real keystrokes through prompt_toolkit) and by flags; the store functions the
weekly report uses see the outcome."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from alliance_cli.app.answering import SessionRequest
from alliance_cli.app.log import log_command
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.continuity import continuity, follow_through, open_rupture_counts
from alliance_cli.store.journal import open_journal
from conftest import FULL_ANSWERS, Talk, set_flags

DOWN, ENTER = "\x1b[B", "\r"
FIRST = {
    **FULL_ANSWERS,
    "rupture": "yes",
    "rupture_kind": "withdrawal",
    "repaired": "partly",
    "intention": "Open with a check-in on how last session left them.",
}


@pytest.fixture
def ps():
    return load_prompt_set(bundled_prompts_path())


def answers_of(run, session_id: int) -> dict:
    return json.loads(run("show", str(session_id), "-f", "json").stdout)["answers"]


def log_first(run, client="C-014", day="2026-11-02"):
    result = run("log", "-c", client, "-d", day, *set_flags(FIRST))
    assert result.exit_code == 0, result.stderr


def test_follow_up_answers_by_flags_are_stored_with_the_new_session(run):
    log_first(run)
    result = run(
        "log", "-c", "C-014", "-d", "2026-11-09", *set_flags(FULL_ANSWERS),
        "--set", "intention_followed=partly", "--set", "intention_note=Only at the end.",
        "--set", "rupture_revisited=partly",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    saved = answers_of(run, 2)
    assert saved["intention_followed"] == "partly"
    assert saved["intention_note"] == "Only at the end."
    assert saved["rupture_revisited"] == "partly"


def test_follow_ups_left_out_are_simply_not_recorded(run):
    log_first(run)
    assert run("log", "-c", "C-014", "-d", "2026-11-09", *set_flags(FULL_ANSWERS)).exit_code == 0
    saved = answers_of(run, 2)
    assert "intention_followed" not in saved and "rupture_revisited" not in saved


def test_follow_ups_without_anything_to_follow_up_are_refused(run, db_path):
    log_first(run)
    result = run(
        "log", "-c", "C-200", "-d", "2026-11-09", *set_flags(FULL_ANSWERS),
        "--set", "intention_followed=yes", "--set", "rupture_revisited=yes",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "intention_followed: only asked when the last session with this client set an intention" in result.stderr
    assert "rupture_revisited: only asked when a rupture with this client is still open" in result.stderr
    with open_journal(db_path) as journal:
        assert len(journal.list_sessions()) == 1


def test_a_rupture_stays_open_until_a_later_session_repairs_it(run, db_path):
    log_first(run)
    assert (
        run("log", "-c", "C-014", "-d", "2026-11-09", *set_flags(FULL_ANSWERS), "-s", "rupture_revisited=no").exit_code
        == 0
    )
    with open_journal(db_path) as journal:
        found = continuity(journal, "C-014", date(2026, 11, 16))
        assert [(r.session_number, r.repaired, r.kind) for r in found.open_ruptures] == [(1, "partly", "withdrawal")]
        assert found.facts == {"open_rupture"}  # session 2 set no intention
        assert open_rupture_counts(journal) == {"C-014": 1}
    assert (
        run("log", "-c", "C-014", "-d", "2026-11-16", *set_flags(FULL_ANSWERS), "-s", "rupture_revisited=yes").exit_code
        == 0
    )
    with open_journal(db_path) as journal:
        assert continuity(journal, "C-014", date(2026, 11, 23)).open_ruptures == []
        assert open_rupture_counts(journal) == {}
        # Looking back from session 2 (as an edit of it would), the rupture was still open.
        assert continuity(journal, "C-014", date(2026, 11, 9), before_id=2).facts == {"intention_set", "open_rupture"}
    result = run("log", "-c", "C-014", "-d", "2026-11-23", *set_flags(FULL_ANSWERS), "-s", "rupture_revisited=yes")
    assert result.exit_code == 1, "nothing is open any more"


def test_follow_through_rate_counts_intentions_that_came_up_in_the_period(run, db_path):
    intention = {**FULL_ANSWERS, "intention": "Leave more silence."}
    for client in ("C-1", "C-2", "C-3", "C-4"):
        assert run("log", "-c", client, "-d", "2026-11-02", *set_flags(intention)).exit_code == 0
    for client, done in (("C-1", "yes"), ("C-2", "partly"), ("C-3", "no")):
        flags = [*set_flags(intention), "-s", f"intention_followed={done}"]
        assert run("log", "-c", client, "-d", "2026-11-09", *flags).exit_code == 0
    assert run("log", "-c", "C-4", "-d", "2026-11-10", *set_flags(FULL_ANSWERS)).exit_code == 0  # not answered
    assert (
        run("log", "-c", "C-1", "-d", "2026-11-16", *set_flags(FULL_ANSWERS), "-s", "intention_followed=yes").exit_code
        == 0
    )
    with open_journal(db_path) as journal:
        week = follow_through(journal, date(2026, 11, 9), date(2026, 11, 15))
        assert (week.came_up, week.recorded, week.carried_out, week.partly, week.not_carried_out) == (4, 3, 1, 1, 1)
        assert week.not_recorded == 1
        assert week.rate == pytest.approx(1 / 3)
        first_week = follow_through(journal, date(2026, 11, 2), date(2026, 11, 8))
        assert (first_week.came_up, first_week.rate) == (0, None)
        assert follow_through(journal, date(2026, 11, 16), date(2026, 11, 22)).rate == 1.0
        assert follow_through(journal, date(2026, 11, 9), date(2026, 11, 15), client="C-2").partly == 1

    # The weekly review shows the same figures, as data and in words.
    data = json.loads(run("report", "--week", "2026-W46", "--format", "json").stdout)
    assert data["follow_through"] == {
        "came_up": 4, "recorded": 3, "carried_out": 1, "partly": 1, "not_carried_out": 1, "rate": 0.33,
    }  # fmt: skip
    text = run("report", "--week", "2026-W46", "--format", "markdown").stdout
    assert "Intentions followed up this period: 1 of 3 carried out (33%), 1 partly, 1 not; 1 not recorded." in text
    assert "followed up" not in run("report", "--week", "2026-W45").stdout  # nothing came up then


def test_report_shows_a_rupture_repaired_in_a_later_session(run):
    log_first(run)  # rupture on 11-02, partly repaired
    before = json.loads(run("report", "--week", "2026-W45", "--format", "json").stdout)["ruptures"]
    assert [(r["client"], r["open"]) for r in before] == [("C-014", True)]
    follow_up = [*set_flags(FULL_ANSWERS), "-s", "rupture_revisited=yes", "-s", "intention_followed=yes"]
    assert run("log", "-c", "C-014", "-d", "2026-11-09", *follow_up).exit_code == 0
    # The rupture's own week is judged as of its end: the repair came after, so still open there.
    again = json.loads(run("report", "--week", "2026-W45", "--format", "json").stdout)["ruptures"]
    assert [(r["client"], r["open"], r["revisited"]) for r in again] == [("C-014", True, False)]
    # A period reaching the repair shows it repaired; the next week no longer lists it as open.
    both = json.loads(run("report", "--since", "2026-11-02", "--until", "2026-11-09", "-f", "json").stdout)
    assert [(r["client"], r["open"], r["revisited"]) for r in both["ruptures"]] == [("C-014", False, True)]
    after = json.loads(run("report", "--week", "2026-W46", "--format", "json").stdout)
    assert after["ruptures"] == []
    assert after["follow_through"]["carried_out"] == 1


def _interactive(db_path, ps, keys: str, *, client="C-014", day="2026-11-09"):
    with create_pipe_input() as inp, open_journal(db_path, create=True) as journal:
        inp.send_text(keys)
        talk = Talk(inp, DummyOutput())
        request = SessionRequest(client=client, day=day, modality="video", today=date(2026, 11, 21))
        saved = log_command(journal, ps, request, talk)
    return saved, talk.recaps


# The default prompt set after the follow-ups: five ratings (none at the ends, so no
# "moment" prompts), six optional practice questions, your read and the client's score (both
# optional), rupture = no, three reflections.
RATINGS = "7\r8\r6\r8\r5\r"
PRACTICES = "\r\r" + ENTER + "\r" + ENTER + "\r" + ENTER * 2  # all skipped: Enter skips an optional choice too
PRACTICES += ENTER * 2  # client_view and client_score skipped
REST = "n\r" + "\r" * 5 + ENTER  # five reflections, then not for supervision
SAVE = "y"


def test_interactive_log_recaps_and_asks_the_follow_ups(run, db_path, ps):
    log_first(run)
    # Optional choices start on "(skip)", the last entry: DOWN wraps to the first choice.
    keys = DOWN + DOWN + ENTER + "Only near the end.\r" + DOWN + ENTER + RATINGS + PRACTICES + REST + SAVE
    saved, recaps = _interactive(db_path, ps, keys)
    assert saved is not None and saved.session_number == 2
    (found,) = recaps
    assert (found.last.date, found.last.session_number, found.last.intention) == ("2026-11-02", 1, FIRST["intention"])
    assert found.last.ratings == {
        "empathy": 7,
        "respect": 8,
        "genuineness": 6,
        "positive_regard": 8,
        "active_listening": 5,
    }
    answers = answers_of(run, 2)
    assert answers["intention_followed"] == "partly"
    assert answers["intention_note"] == "Only near the end."
    assert answers["rupture_revisited"] == "yes"
    with open_journal(db_path) as journal:
        assert open_rupture_counts(journal) == {}
        assert follow_through(journal, date(2026, 11, 9), date(2026, 11, 15)).partly == 1


def test_interactive_log_for_a_new_client_asks_no_follow_ups(db_path, ps, run):
    log_first(run)
    saved, recaps = _interactive(db_path, ps, RATINGS + PRACTICES + REST + SAVE, client="C-777")
    assert saved is not None and recaps == []
    assert "intention_followed" not in answers_of(run, 2)


def test_recap_names_the_last_session_ratings_intention_and_open_rupture(run, db_path):
    from alliance_cli.ui.recap import recap

    log_first(run)
    with open_journal(db_path) as journal:
        found = continuity(journal, "C-014", date(2026, 11, 9))
    console = Console(file=StringIO(), width=80, color_system=None)
    console.print(recap(found))
    text = console.file.getvalue()
    assert "Last time with C-014: session 1 on 2026-11-02 (in person)" in text
    assert "Emp 7 · Resp 8 · Gen 6 · UPR 8 · Listen 5" in text
    assert "Your intention: Open with a check-in" in text
    assert "Still open: rupture in session 1 (2026-11-02, withdrawal), partly repaired." in text


def test_prompts_show_lists_the_follow_up_prompts(run):
    result = run("prompts", "show")
    assert result.exit_code == 0
    for pid in ("intention_followed", "intention_note", "rupture_revisited"):
        assert pid in result.stdout
    assert "set an intention" in result.stdout


def test_history_condition_stands_alone_in_a_prompt_set(tmp_path, run):
    text = (
        bundled_prompts_path()
        .read_text()
        .replace("when: {history: intention_set}", "when: {history: intention_set, prompt: empathy}")
    )
    bad = tmp_path / "p.yaml"
    bad.write_text(text)
    result = run("prompts", "check", str(bad))
    assert result.exit_code == 1
    assert "prompts[0].when: 'history' stands alone" in result.stderr


def test_editing_a_session_keeps_its_follow_up_answers(run, db_path):
    from alliance_cli.app.edit import edit_command

    log_first(run)
    follow_ups = ["--set", "intention_followed=partly", "--set", "intention_note=Near the end.",
                  "--set", "rupture_revisited=yes"]  # fmt: skip
    assert run("log", "-c", "C-014", "-d", "2026-11-09", *set_flags(FULL_ANSWERS), *follow_ups).exit_code == 0
    result = run("edit", "2", "--set", "empathy=8")
    assert result.exit_code == 0, result.stderr
    answers = answers_of(run, 2)
    assert (answers["empathy"], answers["intention_followed"], answers["rupture_revisited"]) == (8, "partly", "yes")

    # Enter through every question of an interactive edit: nothing changes, nothing is dropped.
    with open_journal(db_path) as journal, create_pipe_input() as pipe:
        pipe.send_text(ENTER * 29)
        edited = edit_command(journal, 2, SessionRequest(today=date(2026, 11, 21)), Talk(pipe, DummyOutput()))
    assert edited is not None and not edited.changed
    assert answers_of(run, 2)["intention_note"] == "Near the end."


def test_a_rupture_whose_repair_was_not_recorded_stays_open_until_revisited(run):
    first = {**FULL_ANSWERS, "rupture": "yes", "rupture_kind": "confrontation"}  # "Was it repaired?" skipped
    assert run("log", "-c", "C-5", "-d", "2026-11-02", *set_flags(first)).exit_code == 0
    clients = json.loads(run("clients", "--all", "-f", "json").stdout)
    assert clients[0]["open_ruptures"] == 1
    later = [*set_flags(FULL_ANSWERS), "-s", "rupture_revisited=yes"]
    assert run("log", "-c", "C-5", "-d", "2026-11-09", *later).exit_code == 0
    assert json.loads(run("clients", "--all", "-f", "json").stdout)[0]["open_ruptures"] == 0
    ruptures = json.loads(run("report", "--since", "2026-11-02", "--until", "2026-11-09", "-f", "json").stdout)
    assert [(r["client"], r["open"]) for r in ruptures["ruptures"]] == [("C-5", False)]
    week = json.loads(run("report", "--week", "2026-W45", "-f", "json").stdout)  # ends before the repair
    assert [(r["client"], r["open"]) for r in week["ruptures"]] == [("C-5", True)]
