"""What the README promises about a command is what the command does."""

from __future__ import annotations

from conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def section(heading: str) -> str:
    """The text under a heading, up to the next heading."""
    start = README.index(f"\n{heading}\n") + len(heading) + 2
    end = README.find("\n#", start)
    return " ".join(README[start : end if end != -1 else None].split())


def test_the_readme_says_where_the_demo_journal_goes(run, db_path, private_home):
    assert run("demo", "-f", "json").exit_code == 0
    made = private_home / ".local" / "share" / "alliance" / "demo.db"
    assert made.exists() and made.parent != db_path.parent
    text = section("### `alliance demo`")
    assert f"`~/{made.relative_to(private_home)}`" in text
    assert "beside your journal" not in text


def test_the_readme_reads_the_practices_as_the_report_does():
    from alliance_cli.core.report import Practice
    from alliance_cli.ui.review import practice_text

    shown = practice_text(
        Practice(prompt_id="p", area="a", title="t", positive=18, answered=24, neutral=3, sessions=30)
    )
    assert shown == "18 of 24 (75%); 3 neutral (did not come up, not sure); 3 left it unanswered"
    assert f'"{shown}"' in section("## The weekly review: `alliance report`")


def test_the_readme_gives_every_review_threshold_with_its_default():
    from alliance_cli.core.rules import DEFAULTS

    text = section("#### The thresholds, and why these")
    for name, value in DEFAULTS.items():
        assert f"`{name}`" in text, name
        assert f"| {value:g}" in text or f", {value:g} |" in text, name
    assert "d = .74; Eubanks et al. 2019" in text


def test_the_readme_cites_the_figures_and_rules_of_the_clients_voice():
    from alliance_cli.core.calibration import MIN_PAIRS
    from alliance_cli.core.measures import SRS, WAI_SR

    text = section("## The client's voice: their score beside your read")
    cited = [
        "r = .36 across 53 studies",
        "d = .63",
        "Tryon, Blackwell & Hammel 2007",
        "Hannan et al. 2005",
        "predicted 3",
        "Duncan, Miller, Sparks et al. 2003",
        "OpenFIT",
        "never shows an instrument itself",
    ]
    for words in cited:
        assert words in text, words
    assert f"under {SRS.cutoff:g} of {SRS.high:g}" in text and f"{SRS.drop:g} point or more" in text
    assert f"{WAI_SR.low:g} to {WAI_SR.high:g}" in text and WAI_SR.cutoff is None
    assert f"shown from {MIN_PAIRS} pairs on" in text
