"""The logging conversation, driven by real keystrokes through prompt_toolkit's pipe input."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from alliance_cli.app.answering import SessionRequest
from alliance_cli.app.log import log_command
from alliance_cli.errors import ExitCode, Interrupted
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.journal import open_journal
from conftest import Talk

ENTER, CTRL_C, CTRL_D, DOWN = "\r", "\x03", "\x04", "\x1b[B"
TODAY = date(2026, 11, 21)
# client, date (default today), modality (default), five mid-scale ratings
START = "C-014\r" + ENTER + ENTER + "7\r8\r6\r8\r5\r"
# the eight practice prompts skipped, your read and the client's score skipped (both optional),
# no rupture, one reflection, four skipped, not for supervision, then save
PRACTICES = ENTER * 8
CLIENT_VIEW_AND_SCORE = ENTER * 2
REST = PRACTICES + CLIENT_VIEW_AND_SCORE + "n\r" + "We paused together.\r" + ENTER * 4 + ENTER + ENTER


@pytest.fixture
def ps():
    return load_prompt_set(bundled_prompts_path())


def converse(db: Path, ps, keys: str, *, output=None, talks=None, **options):
    with create_pipe_input() as inp, open_journal(db, create=True) as journal:
        inp.send_text(keys)
        talk = Talk(inp, output or DummyOutput())
        if talks is not None:
            talks.append(talk)
        request = SessionRequest(
            client=options.pop("client", None),
            day=None,
            modality=None,
            sets=tuple(options.pop("sets", [])),
            answers_file=None,
            resume=options.pop("resume", False),
            discard_draft=options.pop("discard_draft", False),
            today=TODAY,
        )
        saved = log_command(journal, ps, request, talk)
    return saved, talk.summaries


def stored(db: Path, session_id: int):
    with open_journal(db) as journal:
        return journal.get_session(session_id)


def draft_answers(db: Path):
    with open_journal(db) as journal:
        draft = journal.latest_draft()
        return None if draft is None else draft.state


def test_full_conversation_saves_the_session(db_path, ps):
    saved, summaries = converse(db_path, ps, START + REST)
    assert saved is not None and saved.id == 1
    session = stored(db_path, 1)
    assert (session.client, session.date, session.modality) == ("C-014", "2026-11-21", "in person")
    assert session.answers == {
        "empathy": 7, "respect": 8, "genuineness": 6, "positive_regard": 8, "active_listening": 5,
        "rupture": False, "went_well": "We paused together.",
    }  # fmt: skip
    assert summaries and summaries[0].client == "C-014"
    assert draft_answers(db_path) is None  # the draft goes once the session is saved


def test_extreme_rating_asks_for_the_moment_behind_it(db_path, ps):
    keys = "C-014\r\r\r" + "10\r8\r6\r8\r5\r" + "When I named the fear.\r" + REST  # the moment after the five
    saved, _ = converse(db_path, ps, keys)
    answers = stored(db_path, saved.id).answers
    assert answers["empathy"] == 10
    assert answers["empathy_moment"] == "When I named the fear."


def test_out_of_range_rating_is_asked_again(db_path, ps):
    keys = "C-014\r\r\r" + "12\r" + "\x7f\x7f" + "7\r8\r6\r8\r5\r" + REST
    saved, _ = converse(db_path, ps, keys)
    assert stored(db_path, saved.id).answers["empathy"] == 7


@pytest.mark.parametrize(
    ("keys", "kept"),
    [
        (START[: START.index("7\r")] + "7\r8\r" + CTRL_C, {"empathy": 7, "respect": 8}),
        (
            START + PRACTICES + CLIENT_VIEW_AND_SCORE + "n\r" + "Half a thought" + CTRL_C,
            {"rupture": False, "empathy": 7},
        ),
        (START + REST[:-1] + CTRL_C, {"went_well": "We paused together."}),  # at "Save this session?"
        (START + "y\r" + CTRL_D, {"followed_through": True}),  # Ctrl-D on an empty prompt
    ],
    ids=["mid-ratings", "mid-text", "at-confirmation", "ctrl-d"],
)
def test_interrupt_keeps_every_answer_as_a_draft(db_path, ps, keys, kept):
    with pytest.raises(Interrupted) as stopped:
        converse(db_path, ps, keys)
    assert stopped.value.exit_code == ExitCode.INTERRUPTED
    assert "alliance log --resume" in stopped.value.message
    draft = draft_answers(db_path)
    assert draft["client"] == "C-014"
    for key, value in kept.items():
        assert draft["answers"][key] == value
    with open_journal(db_path) as journal:
        assert journal.list_sessions() == []  # nothing half-finished counts as a session


def test_interrupt_before_any_answer_keeps_nothing(db_path, ps):
    with pytest.raises(Interrupted) as stopped:
        converse(db_path, ps, "C-0" + CTRL_C)
    assert "nothing was kept" in stopped.value.message
    assert draft_answers(db_path) is None


def test_resume_picks_up_where_the_log_stopped(db_path, ps):
    with pytest.raises(Interrupted):
        converse(db_path, ps, START[: START.index("7\r")] + "7\r8\r" + CTRL_C)
    # With --resume only the remaining prompts are asked: genuineness onwards.
    saved, _ = converse(db_path, ps, "6\r8\r5\r" + REST, resume=True)
    answers = stored(db_path, saved.id).answers
    assert (answers["empathy"], answers["respect"], answers["genuineness"]) == (7, 8, 6)
    assert draft_answers(db_path) is None


def test_next_log_offers_the_draft_and_can_resume_it(db_path, ps):
    with pytest.raises(Interrupted):
        converse(db_path, ps, START + CTRL_C)
    saved, _ = converse(db_path, ps, ENTER + REST)  # "Resume it" is the first choice
    assert stored(db_path, saved.id).answers["active_listening"] == 5


def test_next_log_can_discard_the_draft(db_path, ps):
    with pytest.raises(Interrupted):
        converse(db_path, ps, START + CTRL_C)
    saved, _ = converse(db_path, ps, DOWN + DOWN + ENTER + "C-020\r\r\r" + "5\r5\r5\r5\r5\r" + REST)
    session = stored(db_path, saved.id)
    assert session.client == "C-020"
    assert draft_answers(db_path) is None


def test_declining_to_save_keeps_the_draft(db_path, ps):
    saved, _ = converse(db_path, ps, START + REST[:-1] + "k\r")  # "Keep it as a draft for later"
    assert saved is None
    assert draft_answers(db_path)["answers"]["went_well"] == "We paused together."


def test_flags_prefill_the_conversation(db_path, ps):
    # date, modality, the other four ratings, the moment behind the extreme rating (skipped), the rest
    keys = ENTER + ENTER + "8\r6\r8\r5\r" + ENTER + REST
    saved, _ = converse(db_path, ps, keys, client="C-5", sets=["empathy=9"])
    answers = stored(db_path, saved.id).answers
    assert answers["empathy"] == 9 and "empathy_moment" not in answers
    assert stored(db_path, saved.id).client == "C-5"


def test_plus_makes_a_fresh_random_client_code(db_path, ps):
    saved, _ = converse(db_path, ps, "+\r" + START[len("C-014\r") :] + REST)
    code = stored(db_path, saved.id).client
    assert code.startswith("C-") and code != "C-014" and any(ch.isdigit() for ch in code)


def test_name_as_client_code_is_asked_again(db_path, ps):
    saved, _ = converse(db_path, ps, "Anna\r" + "\x7f" * 4 + START + REST)
    assert stored(db_path, saved.id).client == "C-014"


def test_second_log_completes_known_client_codes(db_path, ps):
    converse(db_path, ps, START + REST)
    # With codes in the journal the question completes them (an autocomplete prompt).
    saved, _ = converse(db_path, ps, START + REST)
    session = stored(db_path, saved.id)
    assert (session.client, session.session_number) == ("C-014", 2)


def test_text_answer_written_in_the_editor(db_path, ps, tmp_path, monkeypatch):
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Long thought,\\nover two lines." > "$1"\n')
    editor.chmod(0o700)
    monkeypatch.setenv("EDITOR", str(editor))
    saved, _ = converse(db_path, ps, START + PRACTICES + CLIENT_VIEW_AND_SCORE + "n\r" + ":e\r" + ENTER * 5 + ENTER)
    assert stored(db_path, saved.id).answers["went_well"] == "Long thought,\nover two lines."


def test_missing_editor_asks_the_question_again(db_path, ps, monkeypatch):
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    saved, _ = converse(
        db_path,
        ps,
        START + PRACTICES + CLIENT_VIEW_AND_SCORE + "n\r" + ":e\r" + "\x7f\x7f" + "Typed instead.\r" + ENTER * 6,
    )
    assert stored(db_path, saved.id).answers["went_well"] == "Typed instead."


def test_your_read_then_the_clients_score_are_asked_and_saved(db_path, ps):
    # Your read comes first, before any score of theirs; a score outside the SRS's 0 to 40 is asked again.
    keys = START + PRACTICES + "8\r" + "45\r" + "\x7f\x7f" + "33.5\r" + REST[len(PRACTICES + CLIENT_VIEW_AND_SCORE) :]
    saved, summaries = converse(db_path, ps, keys)
    answers = stored(db_path, saved.id).answers
    assert (answers["client_view"], answers["client_score"]) == (8, 33.5)
    order = list(summaries[0].answers)
    assert order.index("client_view") < order.index("client_score")


def test_the_clients_score_is_asked_on_the_measure_in_use(db_path):
    from alliance_cli.core.measures import parse_measure

    wai = load_prompt_set(bundled_prompts_path(), parse_measure("WAI-SR"))
    keys = START + PRACTICES + "\r" + "8\r" + "\x7f" + "48\r" + REST[len(PRACTICES + CLIENT_VIEW_AND_SCORE) :]
    saved, _ = converse(db_path, wai, keys)  # 8 is below the WAI-SR's 12 to 60: asked again
    answers = stored(db_path, saved.id).answers
    assert answers["client_score"] == 48 and "client_view" not in answers


def test_typing_y_at_the_question_whether_the_client_could_say_what_was_hard_saves_yes(db_path, ps):
    """Typing `y` and Enter at this arrow-key question once saved "(skip)"."""
    practices = ENTER * 4 + "y\r" + ENTER * 3  # followed_through … felt_safe (the fifth), then three more
    saved, _ = converse(db_path, ps, START + practices + REST[len(PRACTICES) :])
    assert stored(db_path, saved.id).answers["felt_safe"] == "yes"


# -- the log as a form, on a small prompt set of its own (tests/data/form_prompts.yaml) --------

FORM_START = "C-014\r" + ENTER + ENTER + "7\r"  # client, today, the default modality, empathy


@pytest.fixture
def form():
    return load_prompt_set(Path(__file__).parent / "data" / "form_prompts.yaml")


def form_log(db_path, form, keys, **options):
    saved, summaries = converse(db_path, form, keys, **options)
    return (None if saved is None or isinstance(saved, str) else stored(db_path, saved.id).answers), saved, summaries


@pytest.mark.parametrize(
    ("key", "picked"), [("y", "yes"), ("s", "somewhat"), ("n", "no"), ("o", "not sure"), ("k", None), ("", None)]
)
def test_a_choice_question_takes_the_key_shown_before_each_choice(db_path, form, key, picked):
    answers, _, _ = form_log(db_path, form, FORM_START + key + "\r" + "\r" + "n\r" + "\r" + ENTER)
    assert answers.get("felt_safe") == picked


def test_a_stray_key_then_enter_never_picks_skip(db_path, form):
    # x is no choice's key: Enter then only says which keys there are; y, Enter picks yes.
    answers, _, _ = form_log(db_path, form, FORM_START + "x\r" + "y\r" + "\r" + "n\r" + "\r" + ENTER)
    assert answers["felt_safe"] == "yes"


def test_after_a_stray_key_a_second_enter_skips_on_purpose(db_path, form):
    answers, _, _ = form_log(db_path, form, FORM_START + "x\r\r" + "\r" + "n\r" + "\r" + ENTER)
    assert "felt_safe" not in answers


def test_a_yes_no_question_takes_y_and_n(db_path, form):
    answers, _, _ = form_log(db_path, form, FORM_START + "\r" + "y\r" + "n\r" + "\r" + ENTER)
    assert answers["open_questions"] is True and answers["rupture"] is False


def test_boxes_are_ticked_by_their_number(db_path, form):
    answers, _, _ = form_log(db_path, form, FORM_START + "\r\r" + "y\r" + "1" + "3" + "3" + "4" + "\r" + "\r" + ENTER)
    assert answers["markers"] == ["went quiet", "deferred"]  # 3 ticked, then unticked


def test_going_back_changes_the_answer_before(db_path, form):
    # At "said what was hard", < goes back to empathy, which starts from 7: 9 replaces it.
    keys = FORM_START + "<" + "\x7f9\r" + "y\r" + "\r" + "n\r" + "\r" + ENTER
    answers, _, _ = form_log(db_path, form, keys)
    assert answers["empathy"] == 9 and answers["felt_safe"] == "yes"


def test_going_back_keeps_later_answers_as_the_starting_point(db_path, form):
    # "said what was hard: somewhat", open questions: yes; at rupture < goes back to open
    # questions, which shows "yes": cleared, < goes back again. The choice starts from
    # "somewhat": Enter keeps it; open questions shows "yes" again: Enter keeps it.
    keys = FORM_START + "s\r" + "y\r" + "<" + "\x7f" * 3 + "<" + "\r" + "\r" + "n\r" + "\r" + ENTER
    answers, _, _ = form_log(db_path, form, keys)
    assert (answers["felt_safe"], answers["open_questions"], answers["rupture"]) == ("somewhat", True, False)


def test_going_back_from_a_follow_up_and_changing_the_answer_drops_it(db_path, form):
    # rupture yes opens "what it looked like"; back, rupture no: the follow-up is not asked.
    keys = FORM_START + "\r\r" + "y\r" + "<" + "\x7f\x7f\x7fn\r" + "Steady.\r" + ENTER
    answers, _, _ = form_log(db_path, form, keys)
    assert answers["rupture"] is False and "markers" not in answers and answers["went_well"] == "Steady."


def test_the_first_question_has_nothing_to_go_back_to(db_path, form):
    keys = "C-014\r" + ENTER + ENTER + "<\x7f7\r" + "\r\r" + "n\r" + "\r" + ENTER  # < is typed text there
    answers, _, _ = form_log(db_path, form, keys)
    assert answers["empathy"] == 7


def test_changing_an_answer_at_the_end_asks_it_again_and_what_follows_from_it(db_path, form):
    # At the end: c (change an answer), type to find "Rupture", Enter; yes; what it looked like: 2; save.
    keys = FORM_START + "\r\r" + "n\r" + "Steady.\r" + "c\r" + "Rupt\r" + "\x7f\x7fyes\r" + "2\r" + ENTER
    answers, _, summaries = form_log(db_path, form, keys)
    assert answers["rupture"] is True and answers["markers"] == ["changed the subject"]
    assert answers["went_well"] == "Steady." and answers["empathy"] == 7
    assert len(summaries) == 2  # the summary again before saving


def test_changing_the_date_at_the_end(db_path, form):
    keys = FORM_START + "\r\r" + "n\r" + "\r" + "c\r" + "Date\r" + "\x7f" * 10 + "2026-11-20\r" + ENTER
    _, saved, _ = form_log(db_path, form, keys)
    assert stored(db_path, saved.id).date == "2026-11-20"


def test_picking_no_answer_to_change_goes_back_to_the_choice(db_path, form):
    keys = FORM_START + "\r\r" + "n\r" + "\r" + "c\r" + "None\r" + ENTER
    answers, _, summaries = form_log(db_path, form, keys)
    assert answers["empathy"] == 7 and len(summaries) == 2


def test_keeping_it_as_a_draft_at_the_end(db_path, form):
    answers, saved, _ = form_log(db_path, form, FORM_START + "\r\r" + "n\r" + "Steady.\r" + "k\r")
    assert saved is None
    assert draft_answers(db_path)["answers"]["went_well"] == "Steady."


def test_discarding_it_at_the_end_keeps_nothing(db_path, form):
    from alliance_cli.app.log import DISCARDED

    _, saved, _ = form_log(db_path, form, FORM_START + "\r\r" + "n\r" + "Steady.\r" + "d\r")
    assert saved == DISCARDED
    assert draft_answers(db_path) is None
    with open_journal(db_path) as journal:
        assert journal.list_sessions() == []


def test_headings_and_the_count_of_questions_are_shown(db_path, form):
    import io

    from prompt_toolkit.output.plain_text import PlainTextOutput

    screen = io.StringIO()
    keys = FORM_START + "\r\r" + "y\r" + "1\r" + "\r" + ENTER
    form_log(db_path, form, keys, output=PlainTextOutput(screen))
    shown = screen.getvalue().replace("\r\n", "\n")
    for heading in ("Ratings", "Practices", "Rupture and repair", "Reflection"):
        assert f"\n{heading}\n" in shown
    assert shown.count("\nPractices\n") == 1  # once, when the section starts
    assert "1 of 5 Empathy" in shown  # five known so far: the follow-up depends on the rupture answer
    assert "5 of 6 What did it look like?" in shown  # the rupture answered: one more


def test_the_first_log_names_the_journal_file_once(db_path, form):
    talks: list = []
    form_log(db_path, form, FORM_START + "\r\r" + "n\r" + "\r" + ENTER, talks=talks)
    form_log(db_path, form, FORM_START + "\r\r" + "n\r" + "\r" + ENTER, talks=talks)
    assert talks[0].said == [f"Your journal is at {db_path}."]
    assert not any("journal is at" in line for line in talks[1].said)


@pytest.mark.parametrize(
    ("typed", "day"), [("friday", "2026-11-20"), ("3 days ago", "2026-11-18"), ("2026-11-2", "2026-11-02")]
)
def test_session_date_as_people_say_it(db_path, ps, typed, day):
    # Ctrl-U clears the suggested "today" before the day is typed, as at a shell prompt
    saved, _ = converse(db_path, ps, "C-014\r" + "\x15" + typed + "\r" + ENTER + "7\r8\r6\r8\r5\r" + REST)
    assert saved is not None
    assert stored(db_path, saved.id).date == day  # 2026-11-21 is a Saturday
