"""The rupture kind follows from the markers noticed (issue 14): withdrawal markers make a
withdrawal, confrontation markers a confrontation, both kinds of marker both; the log asks the
kind only when no marker says which. Sessions that recorded their kind otherwise keep it."""

from __future__ import annotations

import json

import pytest

from alliance_cli.core.ruptures import kind_from
from conftest import FULL_ANSWERS, set_flags
from test_log_interactive import CLIENT_VIEW_AND_SCORE, ENTER, PRACTICES, START, converse, ps, stored

__all__ = ["ps"]  # the prompt-set fixture, shared with test_log_interactive
QUIET, READILY, COMPLAINED = "went quiet or gave minimal answers", "agreed too readily", "complained about me"
RUPTURE = {**FULL_ANSWERS, "rupture": "yes"}
# after the rupture's own questions: one reflection, four skipped, not for supervision, save
REFLECTION = "We paused together.\r" + ENTER * 4 + ENTER + ENTER


def logged(run, *args: str, **answers: str):
    return run("log", "-c", "C-1", "-d", "2026-11-18", *args, *set_flags({**RUPTURE, **answers}))


def shown(run, session_id: int = 1, **options) -> dict:
    result = run("show", str(session_id), "-f", "json", **options)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["answers"]


@pytest.mark.parametrize(
    ("markers", "kind"),
    [
        ([QUIET, READILY], "withdrawal"),
        (["rejected a suggestion"], "confrontation"),
        ([QUIET, COMPLAINED], "both"),
        ([COMPLAINED, "none noticed"], "confrontation"),
        (["none noticed"], None),
        ([], None),
    ],
)
def test_the_rule(ps, markers, kind):
    assert kind_from(markers, ps.prompt("rupture_markers").kinds) == kind


def test_a_scripted_log_takes_the_kind_from_the_markers(run):
    result = logged(run, rupture_markers=f"{QUIET};{COMPLAINED}")
    assert result.exit_code == 0, result.stderr
    assert shown(run)["rupture_kind"] == "both"


def test_a_kind_that_agrees_with_the_markers_is_accepted(run):
    assert logged(run, rupture_markers=COMPLAINED, rupture_kind="confrontation").exit_code == 0
    assert shown(run)["rupture_kind"] == "confrontation"


def test_a_kind_that_disagrees_with_the_markers_is_refused_in_one_line(run):
    result = logged(run, rupture_markers=QUIET, rupture_kind="confrontation")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "alliance: rupture_kind: the markers chosen in rupture_markers make it withdrawal, not confrontation; "
        "leave rupture_kind out and it follows from them"
    ]
    assert run("list").stdout.count("C-1") == 0  # nothing saved


def test_with_no_marker_or_none_noticed_the_kind_is_given_as_before(run):
    assert logged(run, rupture_markers="none noticed", rupture_kind="withdrawal").exit_code == 0
    assert logged(run, rupture_kind="confrontation").exit_code == 0
    assert shown(run, 1)["rupture_kind"] == "withdrawal" and shown(run, 2)["rupture_kind"] == "confrontation"
    assert logged(run, rupture_markers="none noticed").exit_code == 0
    assert "rupture_kind" not in shown(run, 3)  # optional, as it was


def test_the_log_does_not_ask_the_kind_when_the_markers_tell_it(db_path, ps):
    # rupture yes; marker 6 (complained about me); what was tried, in words, the response,
    # repaired and your part skipped: no "What did it look like?" in between.
    keys = START + PRACTICES + CLIENT_VIEW_AND_SCORE + "y\r" + "6\r" + ENTER * 5 + REFLECTION
    saved, summaries = converse(db_path, ps, keys)
    answers = stored(db_path, saved.id).answers
    assert answers["rupture_markers"] == [COMPLAINED] and answers["rupture_kind"] == "confrontation"
    assert answers["went_well"] == "We paused together."
    assert summaries[-1].answers["rupture_kind"] == "confrontation"  # the summary before saving shows it


def test_the_log_asks_the_kind_when_only_none_noticed_is_ticked(db_path, ps):
    keys = START + PRACTICES + CLIENT_VIEW_AND_SCORE + "y\r" + "n\r" + "w\r" + ENTER * 5 + REFLECTION
    saved, _ = converse(db_path, ps, keys)
    answers = stored(db_path, saved.id).answers
    assert answers["rupture_markers"] == ["none noticed"] and answers["rupture_kind"] == "withdrawal"


def test_going_back_to_the_markers_finds_the_kind_anew(db_path, ps):
    # marker 1 (withdrawal); at "What did you try" < back to the markers, untick 1, tick 6.
    keys = START + PRACTICES + CLIENT_VIEW_AND_SCORE + "y\r" + "1\r" + "<" + "16\r" + ENTER * 5 + REFLECTION
    saved, _ = converse(db_path, ps, keys)
    answers = stored(db_path, saved.id).answers
    assert answers["rupture_markers"] == [COMPLAINED] and answers["rupture_kind"] == "confrontation"


def test_a_scripted_edit_of_the_markers_finds_the_kind_anew(run):
    assert logged(run, rupture_markers=QUIET).exit_code == 0
    result = run("edit", "1", "--set", f"rupture_markers={COMPLAINED}")
    assert result.exit_code == 0, result.stderr
    assert shown(run)["rupture_kind"] == "confrontation"


def test_a_session_that_recorded_another_kind_keeps_it(run, tmp_path):
    """An export from before the rule: a kind chosen beside markers of the other kind. It
    imports, shows, takes a scripted edit and is reviewed with the kind it recorded."""
    assert logged(run, rupture_markers=QUIET, repaired="no").exit_code == 0
    records = json.loads(run("export", "--format", "json").stdout)
    kind = next(r for r in records if r["prompt_id"] == "rupture_kind")
    kind["value"] = "confrontation"  # answered so then, the markers aside
    old = tmp_path / "old.json"
    old.write_text(json.dumps(records), encoding="utf-8")

    target = tmp_path / "other" / "journal.db"
    imported = run("import", str(old), db=target)
    assert imported.exit_code == 0, imported.stderr
    assert shown(run, db=target)["rupture_kind"] == "confrontation"
    edited = run("edit", "1", "--set", "went_well=A calmer hour.", db=target)
    assert edited.exit_code == 0, edited.stderr
    answers = shown(run, db=target)
    assert answers["rupture_kind"] == "confrontation" and answers["rupture_markers"] == [QUIET]
    review = json.loads(run("report", "--week", "2026-W47", "-f", "json", db=target).stdout)
    assert [(r["kind"], r["markers"]) for r in review["ruptures"]] == [("confrontation", [QUIET])]


def test_the_review_shows_the_kind_the_markers_gave(run):
    assert logged(run, rupture_markers=f"{QUIET};{COMPLAINED}", repaired="no").exit_code == 0
    md = run("report", "--week", "2026-W47", "-f", "markdown").stdout
    assert f"both: {QUIET}; {COMPLAINED}" in " ".join(md.split())


SET = """version: 1
principles:
  - {id: a, title: A, description: d, tips: [t]}
prompts:
  - {id: a, kind: rating, text: A?, principle: a, min: 0, max: 6}
  - {id: r, kind: yesno, role: rupture, text: Rupture?}
KIND_FIRST
  - id: m
    kind: multi
    role: rupture_markers
    text: Noticed?
    choices: [quiet, complaint, none]
    kinds: KINDS
    when: {prompt: r, equals: yes}
KIND_LAST
"""
KIND = "  - {id: k, kind: choice, role: rupture_kind, text: Kind?, choices: CHOICES, when: {prompt: r, equals: yes}}"


@pytest.mark.parametrize(
    ("kinds", "choices", "first", "problem"),
    [
        ("{quiet: withdrawal, loud: confrontation}", "[withdrawal, confrontation, both]", False,
         "prompts[2].kinds.loud: 'loud' is not one of the choices of 'm'"),
        ("{quiet: withdrawal, complaint: anger}", "[withdrawal, confrontation, both]", False,
         "prompts[2].kinds.complaint: 'anger' is not one of: withdrawal, confrontation"),
        ("{quiet: withdrawal, complaint: confrontation}", "[withdrawal, confrontation]", False,
         "prompts[2].kinds: 'both' is not one of the choices of 'k', the kind it gives"),
        ("{quiet: withdrawal}", "[withdrawal, confrontation, both]", True,
         "'k', the rupture kind this map gives, must come after 'm'"),
    ],
)  # fmt: skip
def test_prompts_check_explains_a_wrong_kinds_map(run, tmp_path, kinds, choices, first, problem):
    kind = KIND.replace("CHOICES", choices)
    text = (
        SET.replace("KINDS", kinds)
        .replace("KIND_FIRST", kind if first else "")
        .replace("KIND_LAST", "" if first else kind)
    )
    path = tmp_path / "prompts.yaml"
    path.write_text("\n".join(line for line in text.splitlines() if line.strip()) + "\n", encoding="utf-8")
    result = run("prompts", "check", str(path))
    assert result.exit_code == 1
    assert problem in result.stderr, result.stderr


def test_a_set_whose_markers_map_no_kind_asks_the_kind_as_before(run, tmp_path):
    text = SET.replace("    kinds: KINDS\n", "").replace("KIND_FIRST", "").replace("KIND_LAST", KIND)
    path = tmp_path / "prompts.yaml"
    path.write_text(text.replace("CHOICES", "[withdrawal, confrontation, both]"), encoding="utf-8")
    flags = ["--set", "a=3", "--set", "r=yes", "--set", "m=complaint", "--set", "k=withdrawal", "--prompts", str(path)]
    result = run("log", "-c", "C-1", "-d", "2026-11-18", *flags)
    assert result.exit_code == 0, result.stderr
    assert shown(run)["k"] == "withdrawal"


def test_prompts_show_says_when_the_kind_is_asked(run, monkeypatch):
    monkeypatch.setenv("COLUMNS", "300")
    out = run("prompts", "show").stdout
    line = next(line for line in out.splitlines() if line.lstrip().startswith("rupture_kind "))
    assert "rupture is yes, and no marker chosen in rupture_markers tells it (it follows from them)" in line
