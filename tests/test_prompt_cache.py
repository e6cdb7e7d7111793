"""The prompt cache: a set validated once is reused, as it was, until its file changes."""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from conftest import FULL_ANSWERS, set_flags

SMALL = """\
version: 1
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
    max: 7
    labels: {0: not at all, 7: fully}
  - id: rupture
    kind: yesno
    text: A rupture?
  - id: repaired
    kind: choice
    text: Repaired?
    choices: ["yes", partly, "no"]
    when: {prompt: rupture, equals: yes}
  - id: note
    kind: text
    text: Anything else?
    when: {prompt: empathy, not_between: [2, 5]}
"""


def cache_files(home: Path) -> list[Path]:
    folder = home / ".cache" / "alliance"
    return sorted(folder.glob("prompts-*.json")) if folder.is_dir() else []


def test_the_cached_set_is_the_validated_set(private_home):
    """What the second command rebuilds from the cache is equal, field for field, to what
    the first validated from the file (labels keyed by number, ranges as pairs)."""
    for path in (bundled_prompts_path(), private_home / "small.yaml"):
        if not path.exists():
            path.write_text(SMALL)
        first = load_prompt_set(path)
        assert cache_files(private_home), "nothing was cached"
        second = load_prompt_set(path)
        assert second == first
        assert [p.model_dump() for p in second.prompts] == [p.model_dump() for p in first.prompts]


def test_a_deferred_set_is_the_cached_set_built_on_first_use(private_home):
    """`alliance log` reads a cached set deferred: its roles come from the dump without
    building the models, and whatever is asked of it is the set an eager load gives, with
    the measure's range on the client-score prompt."""
    from alliance_cli.core.measures import parse_measure
    from alliance_cli.core.vocabulary import roles_of
    from alliance_cli.settings.prompts import DeferredPromptSet, prompt_roles

    path = bundled_prompts_path()
    measure = parse_measure("Mine 0 to 20, cutoff 15")
    eager = load_prompt_set(path, measure)  # validated and cached
    deferred = load_prompt_set(path, measure, deferred=True)
    assert isinstance(deferred, DeferredPromptSet)
    assert prompt_roles(deferred) == roles_of(eager)
    assert deferred._built is None  # the roles did not build it
    assert deferred.version == eager.version  # the first attribute builds it
    assert [p.model_dump() for p in deferred.prompts] == [p.model_dump() for p in eager.prompts]
    score = deferred.prompt(roles_of(eager).client_score or "")
    assert score is not None and (score.min, score.max) == (0, 20)
    assert prompt_roles(deferred) == roles_of(eager)


def test_a_set_not_cached_yet_is_validated_at_once_even_deferred(private_home):
    """Deferring never hides a mistake in the prompts file: a set not in the cache is
    validated when it is read, and a broken one refused before any question."""
    from alliance_cli.errors import PromptSetError

    path = private_home / "small.yaml"
    path.write_text(SMALL.replace("max: 7", "max: -1"))
    with pytest.raises(PromptSetError):
        load_prompt_set(path, deferred=True)
    path.write_text(SMALL)
    assert type(load_prompt_set(path, deferred=True)).__name__ == "PromptSet"  # validated now, then cached
    assert type(load_prompt_set(path, deferred=True)).__name__ == "DeferredPromptSet"


def test_a_deferred_set_whose_cache_cannot_be_rebuilt_is_validated_from_the_file(private_home):
    from alliance_cli.core.measures import DEFAULT
    from alliance_cli.settings.prompts import DeferredPromptSet

    path = private_home / "small.yaml"
    path.write_text(SMALL)
    broken = DeferredPromptSet({"prompts": [{"id": "empathy", "when": 3}]}, DEFAULT, SMALL, str(path))
    assert [p.id for p in broken.prompts] == ["empathy", "rupture", "repaired", "note"]


def test_an_edit_of_the_same_size_at_once_is_seen(run, private_home):
    """The cache is keyed by the file's bytes: an edit keeping the size, made within the
    same clock tick, still changes what the log accepts."""
    path = private_home / "small.yaml"
    path.write_text(SMALL)
    refused = run("log", "-c", "C-1", "--set", "empathy=8", "--prompts", str(path))
    assert refused.exit_code != 0 and "empathy" in refused.stderr
    path.write_text(SMALL.replace("max: 7", "max: 9").replace("7: fully", "9: fully"))
    assert run("log", "-c", "C-1", "--set", "empathy=8", "--prompts", str(path)).exit_code == 0


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_cache_is_private_and_holds_no_answer(run, private_home):
    answer = "Talked about the garden and the brother in Leeds"
    assert run("log", "-c", "C-1", *set_flags(dict(FULL_ANSWERS, went_well=answer))).exit_code == 0
    files = cache_files(private_home)
    assert files
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700
    for file in files:
        assert stat.S_IMODE(file.stat().st_mode) == 0o600
        assert "garden" not in file.read_text() and "Leeds" not in file.read_text()


def test_a_damaged_cache_is_validated_anew(run, private_home):
    path = private_home / "small.yaml"
    path.write_text(SMALL)
    assert run("prompts", "show", "--prompts", str(path)).exit_code == 0
    (file,) = cache_files(private_home)
    file.write_text('{"key": "')
    result = run("prompts", "show", "--prompts", str(path))
    assert result.exit_code == 0 and "note" in result.stdout
    assert json.loads(file.read_text())["set"]["prompts"][3]["id"] == "note"  # written again, whole


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_cache_others_could_write_is_not_trusted(run, private_home):
    """A cache file open to other users may not be theirs to trust: the set is validated
    from its own file instead."""
    path = private_home / "small.yaml"
    path.write_text(SMALL)
    assert run("prompts", "show", "--prompts", str(path)).exit_code == 0
    (file,) = cache_files(private_home)
    kept = json.loads(file.read_text())
    kept["set"]["prompts"][3]["id"] = "planted"
    file.write_text(json.dumps(kept))
    os.chmod(file, 0o644)
    result = run("prompts", "show", "--prompts", str(path))
    assert "planted" not in result.stdout and "note" in result.stdout
