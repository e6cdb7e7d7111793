"""One vocabulary: the roles a prompt set declares are what `list`, `clients`, the recap and
the review go by, so a set with other ids but the same roles gives the same figures, and a
set without a role leaves out what needs it, without an error."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import asdict
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from rich.console import Console

from alliance_cli.core.vocabulary import ROLES, Role, Roles, roles_of, roles_of_snapshot
from alliance_cli.errors import PromptSetError
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set, prompt_set_snapshot
from alliance_cli.store.continuity import continuity
from alliance_cli.store.journal import journal_roles, open_journal

PS = load_prompt_set(bundled_prompts_path())

# Every prompt id of the built-in set gets another name; principles and roles stay.
RENAMED = {
    "empathy": "attunement_rating",
    "respect": "regard_for_choices",
    "genuineness": "being_real",
    "positive_regard": "acceptance",
    "active_listening": "attention",
    "rupture": "strain",
    "rupture_kind": "strain_shape",
    "repaired": "strain_mended",
    "rupture_revisited": "strain_followed_up",
    "intention": "next_step",
    "intention_followed": "next_step_done",
    "client_view": "my_read_of_them",
    "client_score": "their_total",
}


def renamed_id(prompt_id: str) -> str:
    return RENAMED.get(prompt_id, f"my_{prompt_id}")


def write_set(path: Path, *, rename: bool = True, drop_roles: tuple[str, ...] = ()) -> Path:
    """The built-in set with every prompt id renamed (and `when:` following), and the
    roles in `drop_roles` taken off their prompts."""
    data = yaml.safe_load(bundled_prompts_path().read_text())
    for prompt in data["prompts"]:
        if rename:
            prompt["id"] = renamed_id(prompt["id"])
            if "prompt" in prompt.get("when", {}):
                prompt["when"]["prompt"] = renamed_id(prompt["when"]["prompt"])
            if "most_extreme_of" in prompt.get("when", {}):
                prompt["when"]["most_extreme_of"] = [renamed_id(p) for p in prompt["when"]["most_extreme_of"]]
        if prompt.get("role") in drop_roles:
            del prompt["role"]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    return path


# -- the roles of a prompt set -----------------------------------------------------------------


def test_the_built_in_set_declares_every_role_once():
    roles = roles_of(PS)
    assert roles == Roles(
        ratings=tuple((p, p) for p in ("empathy", "respect", "genuineness", "positive_regard", "active_listening")),
        rupture="rupture",
        rupture_kind="rupture_kind",
        repaired="repaired",
        rupture_revisited="rupture_revisited",
        intention="intention",
        intention_followed="intention_followed",
        client_view="client_view",
        client_score="client_score",
        rupture_markers="rupture_markers",
        repair_strategies="repair_strategies",
        repair_response="repair_response",
        my_part="my_part",
        goal_practised="goal_practised",
        feelings="feelings",
        analysis="going_on",
        for_supervision="for_supervision",
        supervision_question="supervision_question",
    )
    assert set(ROLES) == set(get_args(Role))  # each role declared once, with what it needs
    assert {p.role for p in PS.prompts if p.role} == set(ROLES)


def test_the_stored_json_gives_the_same_roles_without_pydantic(tmp_path):
    renamed = load_prompt_set(write_set(tmp_path / "renamed.yaml"))
    for ps in (PS, renamed):
        body, _ = prompt_set_snapshot(ps)
        assert roles_of_snapshot(json.loads(body)) == roles_of(ps)
    assert roles_of(renamed).rupture == "strain"
    assert roles_of(renamed).ratings[0] == ("empathy", "attunement_rating")
    assert roles_of_snapshot(None) == Roles()


def test_a_set_written_before_roles_gets_them_by_id(tmp_path):
    """No `role:` anywhere: the prompts named like a role play it, when their kind fits."""
    text = bundled_prompts_path().read_text().replace("    role: ", "    # role: ")
    legacy = load_prompt_set(write_text(tmp_path, text))
    assert all(p.role is None for p in legacy.prompts)
    # Every role but `analysis`, whose prompt (going_on) is not named after it: no set written
    # before roles had one.
    assert roles_of(legacy) == dataclasses.replace(roles_of(PS), analysis=None)
    misfit = text.replace("  - id: intention\n    kind: text", "  - id: intention\n    kind: yesno")
    assert roles_of(load_prompt_set(write_text(tmp_path, misfit))).intention is None


def test_a_set_declaring_roles_gets_only_those(tmp_path):
    ps = load_prompt_set(write_set(tmp_path / "p.yaml", rename=False, drop_roles=("rupture", "repaired")))
    roles = roles_of(ps)
    assert (roles.rupture, roles.repaired, roles.rupture_kind) == (None, None, "rupture_kind")


def write_text(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prompts.yaml"
    path.write_text(text)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PromptSetError) as caught:
        load_prompt_set(path)
    return caught.value.lines()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    role: rupture_kind\n", "    role: rupture\n"),
            "prompts[26].role: 'rupture' already has the role 'rupture'; give each role to one prompt",
        ),
        (
            ("  - id: intention\n    kind: text", "  - id: intention\n    kind: yesno"),
            "prompts[36].role: the role 'intention' needs a text prompt, not yesno",
        ),
        (
            ('    role: repaired\n    label: Repaired\n    text: Was it repaired?\n    choices: ["yes", partly, "no"]',
             '    role: repaired\n    label: Repaired\n    text: Was it repaired?\n    choices: ["yes", mostly, "no"]'),
            "prompts[30].role: the role 'repaired' needs the choices yes, partly, no (or some of them, yes included)",
        ),
        (
            ("    role: intention\n", "    role: plan\n"),
            "prompts[36].role: 'plan' is not one of: rupture, rupture_kind, repaired",
        ),
        (
            ("  - id: client_view\n    kind: rating", "  - id: client_view\n    kind: number"),
            "prompts[22].role: the role 'client_view' needs a rating prompt, not number",
        ),
        (
            ("    role: client_score\n", "    role: client_score\n    min: 0\n"),
            "prompts[23].min: the client score's range comes from the client_measure setting; leave min and max out",
        ),
    ],
    ids=["twice", "wrong-kind", "wrong-choices", "unknown-role", "read-not-a-rating", "score-with-a-range"],
)  # fmt: skip
def test_a_role_is_checked_where_it_is_given(tmp_path, change, expected):
    text = bundled_prompts_path().read_text()
    assert change[0] in text
    path = write_text(tmp_path, text.replace(*change))
    lines = problems(path)
    assert any(expected in line for line in lines), lines
    assert all(line.startswith(f"{path}:") for line in lines)


# -- a renamed set gives the same figures ----------------------------------------------------

# Two clients over three weeks: ruptures (one repaired later, one left open, one whose repair
# was not recorded), intentions and their follow-ups, practices, your reads and their scores.
SESSIONS: list[tuple[str, str, dict[str, str]]] = [
    ("C-1", "2026-11-02", {"empathy": "7", "respect": "8", "genuineness": "6", "positive_regard": "8",
                           "active_listening": "5", "rupture": "yes", "rupture_kind": "withdrawal",
                           "repaired": "partly", "intention": "Open with a check-in.", "open_questions": "yes",
                           "client_view": "8", "client_score": "37"}),
    ("C-2", "2026-11-03", {"empathy": "4", "respect": "5", "genuineness": "4", "positive_regard": "3",
                           "active_listening": "4", "rupture": "yes", "rupture_kind": "confrontation",
                           "repaired": "no", "goals_together": "together", "client_view": "5",
                           "client_score": "30"}),
    ("C-1", "2026-11-09", {"empathy": "6", "respect": "7", "genuineness": "6", "positive_regard": "7",
                           "active_listening": "6", "rupture": "no", "intention_followed": "partly",
                           "rupture_revisited": "no", "intention": "Leave more silence.", "client_view": "7",
                           "client_score": "35.5"}),
    ("C-2", "2026-11-10", {"empathy": "3", "respect": "4", "genuineness": "4", "positive_regard": "3",
                           "active_listening": "2", "rupture": "yes", "rupture_kind": "both",
                           "rupture_revisited": "partly", "open_questions": "no"}),
    ("C-1", "2026-11-17", {"empathy": "8", "respect": "8", "genuineness": "7", "positive_regard": "8",
                           "active_listening": "7", "rupture": "no", "intention_followed": "yes",
                           "rupture_revisited": "yes", "went_well": "We named the pattern."}),
    ("C-2", "2026-11-18", {"empathy": "2", "respect": "3", "genuineness": "3", "positive_regard": "2",
                           "active_listening": "2", "rupture": "no", "client_score": "28"}),
]  # fmt: skip


def log_all(run: Any, db: Path, prompts: Path | None, rename: bool) -> None:
    for client, day, answers in SESSIONS:
        flags = []
        for pid, value in answers.items():
            flags += ["--set", f"{renamed_id(pid) if rename else pid}={value}"]
        where = ["--prompts", str(prompts)] if prompts else []
        result = run("log", "-c", client, "-d", day, *flags, *where, db=db)
        assert result.exit_code == 0, result.stderr


def figures(run: Any, db: Path, rename: bool) -> dict[str, Any]:
    """What list, clients, the recap and the review say, with prompt ids put back to the built-in ones."""
    back = {renamed_id(pid): pid for pid in [p.id for p in PS.prompts]} if rename else {}
    out: dict[str, Any] = {
        "list": json.loads(run("list", "-f", "json", db=db).stdout),
        "list_table": run("list", db=db).stdout,
        "clients": json.loads(run("clients", "--all", "-f", "json", db=db).stdout),
        "clients_table": run("clients", "--all", db=db).stdout,
    }
    with open_journal(db) as journal:
        for day in ("2026-11-09", "2026-11-16", "2026-11-24"):
            found = continuity(journal, "C-1", date.fromisoformat(day))
            out[f"recap {day}"] = asdict(found)
            out[f"facts {day}"] = found.facts
            out[f"recap-2 {day}"] = asdict(continuity(journal, "C-2", date.fromisoformat(day)))
        from alliance_cli.ui.recap import recap

        console = Console(file=StringIO(), width=100, color_system=None)
        console.print(recap(continuity(journal, "C-2", date(2026, 11, 24))))
        out["recap text"] = console.file.getvalue()  # type: ignore[attr-defined]
    for period in (["--week", "2026-W45"], ["--week", "2026-W46"], ["--since", "2026-11-02", "--until", "2026-11-22"]):
        report = json.loads(run("report", *period, "--notes", "-f", "json", db=db).stdout)
        for practice in report["practices"]:
            practice["prompt_id"] = back.get(practice["prompt_id"], practice["prompt_id"])
        for group in report["notes"]:
            group["prompt_id"] = back.get(group["prompt_id"], group["prompt_id"])
        out[f"report {period}"] = report
    out["markdown"] = run("report", "--week", "2026-W46", "-f", "markdown", db=db).stdout
    return out


def test_a_renamed_prompt_set_gives_the_same_list_clients_recap_and_review(run, tmp_path):
    renamed = write_set(tmp_path / "renamed.yaml")
    default_db, renamed_db = tmp_path / "default.db", tmp_path / "renamed.db"
    log_all(run, default_db, None, rename=False)
    log_all(run, renamed_db, renamed, rename=True)  # the follow-ups are accepted: the recap knows the roles

    expected, got = figures(run, default_db, rename=False), figures(run, renamed_db, rename=True)
    assert got == expected
    # And the figures are the ones worked out by hand.
    assert [r["empathy"] for r in expected["list"]] == [2, 8, 3, 6, 4, 7]
    assert [(c["client"], c["open_ruptures"]) for c in expected["clients"]] == [("C-2", 2), ("C-1", 0)]
    assert expected["facts 2026-11-16"] == {"intention_set", "open_rupture"}
    assert expected["recap-2 2026-11-24"]["open_ruptures"][0]["repaired"] == "no"
    assert "Emp 2 · Resp 3 · Gen 3 · UPR 2 · Listen 2" in expected["recap text"]
    whole = expected["report ['--since', '2026-11-02', '--until', '2026-11-22']"]
    assert [(r["client"], r["open"]) for r in whole["ruptures"]] == [("C-2", True), ("C-2", True), ("C-1", False)]
    assert whole["follow_through"]["came_up"] == 2
    assert [(f["client"], f["reasons"]) for f in whole["flags"]] == [
        ("C-2", ["score_below_cutoff", "score_fell", "open_rupture", "confrontation"]),
        ("C-1", ["score_below_cutoff", "score_fell"]),
    ]
    assert (whole["calibration"]["pairs"], whole["calibration"]["scores"]) == (3, 4)
    assert [r["client_score"] for r in expected["list"]] == [28, None, None, 35.5, 30, 37]
    assert expected["recap 2026-11-16"]["last_score"] == {"date": "2026-11-09", "value": 35.5}
    with open_journal(renamed_db) as journal:
        assert journal_roles(journal) == roles_of(load_prompt_set(renamed))


def test_a_set_without_the_rupture_roles_leaves_ruptures_out_without_an_error(run, tmp_path, db_path):
    no_ruptures = write_set(
        tmp_path / "p.yaml", rename=False, drop_roles=("rupture", "rupture_kind", "repaired", "rupture_revisited")
    )
    first = {**{p.id: "7" for p in PS.rating_prompts()}, "rupture": "yes", "repaired": "no", "intention": "Slow down."}
    flags = [arg for pid, value in first.items() for arg in ("--set", f"{pid}={value}")]
    assert run("log", "-c", "C-1", "-d", "2026-11-02", *flags, "--prompts", str(no_ruptures)).exit_code == 0
    later = [*flags[:10], "--set", "rupture=no", "--set", "rupture_revisited=yes"]
    refused = run("log", "-c", "C-1", "-d", "2026-11-09", *later, "--prompts", str(no_ruptures))
    assert refused.exit_code == 1 and "rupture_revisited: only asked when a rupture" in refused.stderr
    later = [*flags[:10], "--set", "rupture=no", "--set", "intention_followed=yes"]
    assert run("log", "-c", "C-1", "-d", "2026-11-09", *later, "--prompts", str(no_ruptures)).exit_code == 0

    assert [r["empathy"] for r in json.loads(run("list", "-f", "json").stdout)] == [7, 7]
    assert json.loads(run("clients", "--all", "-f", "json").stdout)[0]["open_ruptures"] == 0
    report = json.loads(run("report", "--since", "2026-11-02", "--until", "2026-11-09", "-f", "json").stdout)
    assert report["ruptures"] == [] and report["follow_through"]["carried_out"] == 1
    assert "Ruptures" in run("report", "--since", "2026-11-02", "--until", "2026-11-09").stdout
    with open_journal(db_path) as journal:
        found = continuity(journal, "C-1", date(2026, 11, 5), roles=roles_of(load_prompt_set(no_ruptures)))
        assert found.open_ruptures == [] and found.facts == {"intention_set"}


def test_a_set_without_ratings_or_any_role_lists_sessions_without_those_columns(run, tmp_path):
    bare = tmp_path / "bare.yaml"
    bare.write_text(
        "version: 1\nprinciples:\n  - {id: warmth, title: Warmth, description: Being warm., tips: [Smile.]}\n"
        "prompts:\n  - {id: note, kind: text, text: A note?}\n"
    )
    assert run("log", "-c", "C-1", "-d", "2026-11-02", "--set", "note=Fine.", "--prompts", str(bare)).exit_code == 0
    assert run("log", "-c", "C-1", "-d", "2026-11-09", "--set", "note=Fine.", "--prompts", str(bare)).exit_code == 0
    rows = json.loads(run("list", "-f", "json").stdout)
    assert list(rows[0]) == ["session_id", "date", "client", "session_number", "modality"]
    assert "C-1" in run("list").stdout
    clients = json.loads(run("clients", "-f", "json", "--all").stdout)
    assert (clients[0]["recent_mean"], clients[0]["open_ruptures"]) == (None, 0)
    report = run("report", "--since", "2026-11-02", "--until", "2026-11-09", "-f", "json")
    assert report.exit_code == 0 and json.loads(report.stdout)["principles"] == []
