"""One vocabulary: the roles a prompt set declares, checked where they are given."""

from __future__ import annotations

import json
from pathlib import Path
from typing import get_args

import pytest
import yaml

from alliance_cli.core.vocabulary import ROLES, Role, Roles, roles_of, roles_of_snapshot
from alliance_cli.errors import PromptSetError
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set, prompt_set_snapshot

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
    assert roles_of(legacy) == roles_of(PS)
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
            "prompts[20].role: 'rupture' already has the role 'rupture'; give each role to one prompt",
        ),
        (
            ("  - id: intention\n    kind: text", "  - id: intention\n    kind: yesno"),
            "prompts[25].role: the role 'intention' needs a text prompt, not yesno",
        ),
        (
            ('    role: repaired\n    text: Was it repaired?\n    choices: ["yes", partly, "no"]',
             '    role: repaired\n    text: Was it repaired?\n    choices: ["yes", mostly, "no"]'),
            "prompts[22].role: the role 'repaired' needs the choices yes, partly, no (or some of them, yes included)",
        ),
        (
            ("    role: intention\n", "    role: plan\n"),
            "prompts[25].role: input should be 'rupture', 'rupture_kind', 'repaired'",
        ),
    ],
    ids=["twice", "wrong-kind", "wrong-choices", "unknown-role"],
)  # fmt: skip
def test_a_role_is_checked_where_it_is_given(tmp_path, change, expected):
    text = bundled_prompts_path().read_text()
    assert change[0] in text
    path = write_text(tmp_path, text.replace(*change))
    lines = problems(path)
    assert any(expected in line for line in lines), lines
    assert all(line.startswith(f"{path}:") for line in lines)
