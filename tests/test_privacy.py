"""The privacy guard: patterns, redaction, the watch-list, and its figures on the corpus."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from alliance_cli.core.privacy import find_identifiers, redact
from alliance_cli.settings.watchlist import Watchlist, change_watchlist, load_watchlist, watchlist_path

REPO = Path(__file__).resolve().parent.parent


def kinds(text: str, watchlist: Watchlist | None = None) -> list[str]:
    return [f.kind for f in find_identifiers(text, watchlist)]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("write to j.doe@example.org today", "email"),
        ("her page https://example.com/me.", "url"),
        ("see www.example.net", "url"),
        ("the shop at thebakery.nl", "url"),
        ("call (555) 123-4567", "phone"),
        ("call +44 20 7946 0958", "phone"),
        ("number 078-05-1120 on the form", "national_id"),
        ("born 3 March 1950", "date"),
        ("on 2024-03-12 it happened", "date"),
        ("on 12/03/2024 it happened", "date"),
        ("March 12, 2024", "date"),
        ("moved to 221B Baker Street", "address"),
        ("moved to Kerkstraat 12", "address"),
        ("lives at 9 willow lane", "address"),
        ("grandmother, aged 94", "age"),
        ("a 91-year-old neighbour", "age"),
        ("she is 97 and frail", "age"),
    ],
)
def test_each_kind_of_identifier_is_found(text, kind):
    assert kinds(text) == [kind]


@pytest.mark.parametrize(
    "text",
    [
        "Rated empathy 7/10; PHQ-9 went from 18 to 12.",
        "A 50-minute session, we used 5-4-3-2-1 grounding.",
        "In 2019 things were better; from 2018 to 2020 no therapy.",
        "They walked 2 blocks down the road.",
        "She is 34 years old; the session was 90 minutes.",
        "Since May 2023 steadier; the court date is on the 14th.",
        "We met at 10:30 and again at 7.30.",
    ],
)
def test_ordinary_reflections_are_left_alone(text):
    assert kinds(text) == []


def test_redact_replaces_only_the_findings():
    text = "Mail kd@example.com or call 555-123-4567, she said, on 3 March 2024."
    assert redact(text) == "Mail [redacted] or call [redacted], she said, on [redacted]."


def test_a_finding_never_carries_the_text_it_found():
    (finding,) = find_identifiers("write to j.doe@example.org")
    assert "example" not in repr(finding) and "j.doe" not in repr(finding)


def test_watchlist_words_are_found_case_insensitively():
    watchlist = Watchlist()
    watchlist.add("Anna")
    assert kinds("anna's week was hard; ANNA came late", watchlist) == ["watchlist", "watchlist"]
    assert kinds("Annabel came late", watchlist) == []


def test_watchlist_file_holds_salted_hashes_never_the_words(run):
    result = run("watchlist", "add", "Marguerite", "Okonkwo")
    assert result.exit_code == 0, result.stderr
    assert "2 words added; 2 on your watch-list." in result.stderr
    path = watchlist_path()
    body = path.read_text()
    assert "marguerite" not in body.lower() and "okonkwo" not in body.lower()
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o077 == 0
    data = json.loads(body)
    assert len(data["hashes"]) == 2 and len(data["salt"]) == 32
    other = Watchlist()
    other.add("Marguerite")
    assert other.hashes.isdisjoint(data["hashes"]), "a fresh salt gives different hashes"
    assert "marguerite" in load_watchlist()


def test_watchlist_words_can_be_read_from_stdin_to_keep_them_out_of_shell_history(run):
    result = run("watchlist", "add", input="Marguerite\nOkonkwo\n")
    assert result.exit_code == 0, result.stderr
    assert run("watchlist", "count").stdout.strip() == "2"


def test_watchlist_remove_and_count(run):
    change_watchlist(["Anna", "Ben"])
    result = run("watchlist", "remove", "anna")
    assert result.exit_code == 0
    assert "1 word removed; 1 on your watch-list." in result.stderr
    assert run("watchlist", "count").stdout.strip() == "1"


def test_watchlist_remove_of_a_word_not_on_it_says_so(run):
    change_watchlist(["Anna", "Ben"])
    before = watchlist_path().read_bytes()
    result = run("watchlist", "remove", "Nobody")
    assert result.exit_code == 1
    assert result.stderr == "alliance: That word is not on your watch-list; nothing was removed (2 on it).\n"
    result = run("watchlist", "remove", "Nobody", "Somebody")
    assert result.exit_code == 1
    assert "None of those 2 words is on your watch-list; nothing was removed" in result.stderr
    assert "Nobody" not in result.stderr  # the words are never repeated back
    assert watchlist_path().read_bytes() == before
    result = run("watchlist", "remove", "ben", "Nobody")
    assert result.exit_code == 0
    assert result.stderr == "1 word removed (1 not on the list); 1 on your watch-list.\n"


def test_watchlist_needs_a_real_word(run):
    result = run("watchlist", "add", "7")
    assert result.exit_code == 1
    assert "at least one word" in result.stderr
    assert not watchlist_path().exists()


def test_a_damaged_watchlist_is_named_not_a_traceback(run):
    path = watchlist_path()
    path.parent.mkdir(parents=True)
    path.write_text("{not json")
    result = run("watchlist", "count")
    assert result.exit_code == 1
    assert "cannot be read" in result.stderr and "Traceback" not in result.stderr


def _benchmark():
    spec = importlib.util.spec_from_file_location("privacy_recall", REPO / "benchmarks" / "privacy_recall.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_recall_and_false_alarms_on_the_synthetic_corpus():
    bench = _benchmark()
    records = bench.load()
    assert len(records) >= 500
    result = bench.score(records, region="US")
    recall = {kind: found / total for kind, (found, total) in result["recall"].items()}
    assert all(total >= 40 for _, total in result["recall"].values())
    for kind in ("email", "url", "national_id"):
        assert recall[kind] >= 0.99, kind
    assert recall["phone"] >= 0.95
    assert recall["date"] >= 0.90
    assert recall["address"] >= 0.70
    flagged, clean = result["false_alarms"]
    assert clean >= 250
    assert flagged / clean <= 0.05


def test_corpus_file_matches_its_generator():
    spec = importlib.util.spec_from_file_location("make_privacy_corpus", REPO / "tests" / "make_privacy_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.make() == _benchmark().load()


def test_client_code_is_fresh_random_and_accepted_by_log(run):
    from alliance_cli.core.inputs import check_client_code

    codes = {run("client-code").stdout.strip() for _ in range(5)}
    assert len(codes) == 5
    for code in codes:
        assert check_client_code(code) == code


def test_the_quick_pre_check_never_rules_out_a_text_the_full_check_would_look_at():
    """`may_hold` lets export skip most texts at once; it may say yes too often, never no wrongly."""
    from alliance_cli.core.privacy import _ANY_HINT, may_hold

    texts = [r["text"] for r in _benchmark().load()]
    texts += [
        "We stayed with the silence.",
        "ninety", "NINETY-one", "a Hundred", "centenarian", "HTTP://x", "WWW.", "name [DOT] com", "a.Co",
        "\u212a.com",  # the Kelvin sign lower-cases to an ASCII k
        "٣ sessions", "\uff10", "x\u00a0dot\u00a0y", "", "@", "7", "end. Then",
    ]  # fmt: skip
    for text in texts:
        if _ANY_HINT.search(text.lower()):
            assert may_hold(text), text
    assert not may_hold("We stayed with the silence. It helped.")
