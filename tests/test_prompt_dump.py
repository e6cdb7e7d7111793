"""The review reads the prompt set back from the journal as it was validated when logged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alliance_cli.core.prompt_dump import prompt_set_from_dump
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set, prompt_set_snapshot
from alliance_cli.store.journal import open_journal
from alliance_cli.store.review import journal_prompt_set
from conftest import FULL_ANSWERS, set_flags

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    "path", [bundled_prompts_path(), DATA / "form_prompts.yaml", DATA / "prompts-before-issue-14.yaml"]
)
def test_a_set_rebuilt_from_its_snapshot_is_the_set_that_was_validated(path):
    validated = load_prompt_set(path)
    snapshot, _ = prompt_set_snapshot(validated)
    rebuilt = prompt_set_from_dump(json.loads(snapshot))
    assert rebuilt == validated
    assert prompt_set_snapshot(rebuilt)[0] == snapshot
    for was, now in zip(validated.prompts, rebuilt.prompts, strict=True):
        assert (now.labels, now.when) == (was.labels, was.when)  # numbers as keys, ranges as pairs


def test_the_review_reads_the_set_the_last_session_was_logged_with(run, db_path):
    assert run("log", "-c", "C-1", *set_flags(FULL_ANSWERS)).exit_code == 0
    with open_journal(db_path) as journal:
        read = journal_prompt_set(journal)
    assert read == load_prompt_set(bundled_prompts_path())
    assert (
        read is not None
        and read.rating_prompts()[0].labels == load_prompt_set(bundled_prompts_path()).rating_prompts()[0].labels
    )


def _sets():
    from alliance_cli.core.measures import DEFAULT, parse_measure, with_measure
    from alliance_cli.settings.prompts import parse_prompt_set
    from exchange_support import TRICKY_PROMPTS

    sets = [load_prompt_set(p) for p in (bundled_prompts_path(), DATA / "form_prompts.yaml")]
    sets += [load_prompt_set(DATA / "prompts-before-issue-14.yaml"), parse_prompt_set(TRICKY_PROMPTS, "tricky.yaml")]
    measures = [DEFAULT, parse_measure("WAI-SR"), parse_measure("My scale 0 to 100, cutoff 70")]
    measures.append(parse_measure("SRS, cutoff 35.5, drop 2"))
    return [with_measure(ps, m) for ps in sets for m in measures]


def test_the_dump_of_a_set_is_pydantics_to_the_byte():
    """Each session's snapshot (and its digest, which says whether a set is new to the
    journal) is written without pydantic's serializer: the same text as pydantic's dump,
    keys in the same order, every value as pydantic writes it (a measure's 0 in a `float`
    field as 0.0, yes/no conditions as true and false)."""
    from alliance_cli.core.prompt_dump import prompt_set_dump

    for ps in _sets():
        expected = ps.model_dump(mode="json", exclude_none=True)
        assert json.dumps(prompt_set_dump(ps)) == json.dumps(expected)
        rebuilt = prompt_set_from_dump(json.loads(json.dumps(expected)))
        assert json.dumps(prompt_set_dump(rebuilt)) == json.dumps(expected)
        snapshot, _ = prompt_set_snapshot(ps)
        assert snapshot == json.dumps(expected, sort_keys=True, separators=(",", ":"))
