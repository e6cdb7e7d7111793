"""The prompt set: the shipped one, and every way a broken one is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from alliance_cli.errors import PromptSetError
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from conftest import FULL_ANSWERS, set_flags

GOOD = """\
version: 3
principles:
  - id: empathy
    title: Empathy
    description: Understanding the client.
    tips: [Reflect the feeling back.]
prompts:
  - id: empathy
    kind: rating
    principle: empathy
    required: true
    text: How empathic were you?
    min: 0
    max: 10
  - id: rupture
    kind: yesno
    text: A rupture?
  - id: repaired
    kind: choice
    text: Repaired?
    choices: ["yes", partly, "no"]
    when: {prompt: rupture, equals: yes}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "prompts.yaml"
    path.write_text(text)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(PromptSetError) as caught:
        load_prompt_set(path)
    return caught.value.lines()


def test_shipped_prompt_set_covers_the_five_principles():
    ps = load_prompt_set(bundled_prompts_path())
    assert [p.id for p in ps.rating_prompts()] == [
        "empathy", "respect", "genuineness", "positive_regard", "active_listening",
    ]  # fmt: skip
    for prompt in ps.rating_prompts():
        assert (prompt.min, prompt.max, prompt.required) == (0, 10, True)
        assert prompt.labels == {0: "not at all", 5: "in part", 10: "fully"}
        moment = ps.prompt(f"{prompt.id}_moment")
        assert moment is not None and moment.when.not_between == (4, 8)
    for principle in ps.principles:
        assert 2 <= len(principle.tips) <= 3 and principle.description
    ids = [p.id for p in ps.prompts]
    for needed in ("rupture", "rupture_kind", "repair_tried", "repaired", "went_well", "do_differently", "intention"):
        assert needed in ids
    assert ps.prompt("rupture_kind").choices == ["withdrawal", "confrontation", "both"]
    assert ps.prompt("repaired").choices == ["yes", "partly", "no"]
    practices = {p.principle for p in ps.prompts if p.principle in {a.id for a in ps.practices}}
    assert practices == {
        "rapport", "communication", "collaboration", "boundaries", "safety", "culture", "growth", "transparency",
    }  # fmt: skip


def test_a_valid_custom_set_loads(tmp_path):
    ps = load_prompt_set(write(tmp_path, GOOD))
    assert ps.version == 3 and [p.id for p in ps.prompts] == ["empathy", "rupture", "repaired"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("kind: yesno", "kind: yes-no"), ":16: prompts[1].kind: 'yes-no' is not one of: rating, choice, multi,"),
        (("    text: A rupture?", "    txt: A rupture?"), ":17: prompts[1].txt: unknown key (check the spelling)"),
        (("  - id: rupture\n", "  - id: empathy\n"), ":15: prompts[1].id: duplicate prompt id 'empathy'"),
        (
            ("prompt: rupture, equals", "prompt: ruptur, equals"),
            ":22: prompts[2].when.prompt: 'ruptur' is not a prompt",
        ),
        (("    min: 0", "    min: 11"), ":13: prompts[0].min: min (11) is greater than max (10)"),
        (("version: 3", "version: three"), ":1: version: 'three' is not a whole number"),
        (
            ('choices: ["yes", partly, "no"]', "choices: [yes, partly, no]"),
            ":21: prompts[2].choices[0]: yes is read by YAML as a yes/no value; quote it",
        ),
        (
            ("when: {prompt: rupture, equals: yes}", "when: rupture"),
            ":22: prompts[2].when: should be a mapping, such as",
        ),
        (
            ("when: {prompt: rupture, equals: yes}", "when: {history: tuesday}"),
            ":22: prompts[2].when.history: 'tuesday' is not one of",
        ),
        (
            ("prompt: rupture, equals: yes", "prompt: empathy, between: [3]"),
            ":22: prompts[2].when.between: has too few",
        ),
    ],
    ids=[
        "bad-kind",
        "unknown-key",
        "duplicate-id",
        "when-unknown",
        "min-over-max",
        "version",
        "unquoted-yes",
        "when-not-a-mapping",
        "when-unknown-history",
        "between-one-value",
    ],  # fmt: skip
)
def test_broken_prompt_set_names_file_line_and_field(tmp_path, change, expected):
    path = write(tmp_path, GOOD.replace(*change))
    lines = problems(path)
    assert any(line.startswith(str(path) + expected) for line in lines), lines
    assert not [line for line in lines if "input should" in line.lower() or "value error" in line.lower()], lines


def test_every_problem_is_reported_at_once(tmp_path):
    broken = GOOD.replace("kind: yesno", "kind: yes-no").replace("    text: How empathic", "    txt: How empathic")
    lines = problems(write(tmp_path, broken))
    assert len(lines) == 3  # bad kind, unknown key, and the text that is now missing


def test_when_pointing_forward_is_refused(tmp_path):
    text = GOOD.replace("when: {prompt: rupture, equals: yes}", "when: {prompt: later, equals: yes}")
    text += "  - id: later\n    kind: yesno\n    text: Later?\n"
    assert any("'later' comes later; point at an earlier prompt" in line for line in problems(write(tmp_path, text)))


def test_invalid_yaml_names_the_line(tmp_path):
    path = write(tmp_path, GOOD.replace("    min: 0", "    min: [0"))
    [line] = problems(path)
    assert line.startswith(f"{path}:") and "not valid YAML" in line


def test_prompts_check_command(run, tmp_path):
    good = run("prompts", "check", str(write(tmp_path, GOOD)))
    assert good.exit_code == 0 and "OK, version 3, 3 prompts" in good.stderr
    bad = run("prompts", "check", str(write(tmp_path, GOOD.replace("kind: yesno", "kind: nope"))))
    assert bad.exit_code == 1
    assert bad.stderr.startswith(f"alliance: {tmp_path / 'prompts.yaml'}:16: prompts[1].kind:")
    assert "Traceback" not in bad.stderr
    missing = run("prompts", "check", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 1 and "prompts file not found" in missing.stderr


def test_prompts_show_lists_ids_in_order(run):
    result = run("prompts", "show")
    assert result.exit_code == 0
    out = result.stdout[result.stdout.index("Prompts, in the order they are asked") :]
    assert out.index("positive_regard") < out.index("empathy_moment") < out.index("rupture_kind")
    assert "rupture is yes" in out


def test_prompts_env_and_flag_select_another_set(run, tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    assert run("log", "-c", "C-1", "--set", "empathy=5", "--prompts", str(path)).exit_code == 0
    monkeypatch.setenv("ALLIANCE_PROMPTS", str(path))
    assert run("log", "-c", "C-1", "--set", "empathy=6").exit_code == 0
    assert "How empathic were you?" in run("show", "2").stdout


def test_broken_prompts_file_stops_log_before_anything_is_written(run, tmp_path, db_path):
    path = write(tmp_path, GOOD.replace("kind: yesno", "kind: nope"))
    result = run("log", "-c", "C-1", *set_flags(FULL_ANSWERS), "--prompts", str(path))
    assert result.exit_code == 1
    assert ":16: prompts[1].kind:" in result.stderr
    assert not db_path.exists()


def test_field_errors_do_not_hide_the_rules_between_fields(tmp_path):
    broken = (
        GOOD.replace("kind: yesno", "kind: yes-no")  # a field error in prompts[1]
        .replace("    min: 0", "    min: 11")  # min > max in prompts[0]
        .replace("prompt: rupture, equals", "prompt: ruptur, equals")  # an unknown when: in prompts[2]
    )
    path = write(tmp_path, broken)
    lines = problems(path)
    assert any(":16: prompts[1].kind:" in line for line in lines)
    assert any(":13: prompts[0].min: min (11) is greater than max (10)" in line for line in lines)
    assert any(":22: prompts[2].when.prompt: 'ruptur' is not a prompt" in line for line in lines)
