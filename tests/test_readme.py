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

    shown = practice_text(Practice(prompt_id="p", area="a", title="t", positive=18, answered=24, sessions=30))
    assert shown == "18 of 24 sessions answered positively (75%); 6 left it unanswered"
    assert f'"{shown}"' in section("## The weekly review: `alliance report`")
