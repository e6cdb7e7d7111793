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

