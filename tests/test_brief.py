"""`alliance report --supervision` (the brief) and `report --format html`, as a user runs them."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml

from alliance_cli.app.log import new_session
from alliance_cli.core.models import PromptSet
from alliance_cli.settings.paths import bundled_prompts_path
from alliance_cli.settings.prompts import load_prompt_set
from alliance_cli.store.journal import open_journal
from alliance_cli.ui import brief as md
from test_report import ratings

EMAIL = "jo.bloggs@example.com"
PHONE = "+44 20 7946 0958"
PLANT = f"Call {PHONE} or write to {EMAIL}"
SUPERVISION_PROMPTS = [
    {"id": "feelings", "kind": "text", "text": "What did you feel during the session?"},
    {"id": "going_on", "kind": "text", "text": "What might have been going on between you?"},
    {"id": "for_supervision", "kind": "yesno", "text": "Bring this session to supervision?"},
    {
        "id": "supervision_question",
        "kind": "text",
        "text": "What help do you want?",
        "when": {"prompt": "for_supervision", "equals": True},
    },
]


@pytest.fixture(scope="module")
def ps(tmp_path_factory: pytest.TempPathFactory) -> PromptSet:
    """The bundled set, with the supervision prompts added where it does not have them yet."""
    data = yaml.safe_load(bundled_prompts_path().read_text())
    have = {p["id"] for p in data["prompts"]}
    data["prompts"] += [p for p in SUPERVISION_PROMPTS if p["id"] not in have]
    path = tmp_path_factory.mktemp("prompts") / "prompts.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return load_prompt_set(path)


def add(db: Path, ps: PromptSet, *sessions: tuple[str, str, dict[str, Any]]) -> None:
    with open_journal(db, create=True) as journal:
        journal.save_sessions([new_session(ps, c, date.fromisoformat(d), "in person", a) for c, d, a in sessions])


def add_goal(db: Path, text: str, principle: str, started: str) -> None:
    """A learning goal, as the goals table (migration m004) holds it."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS goals (id INTEGER PRIMARY KEY, text TEXT NOT NULL, principle TEXT,"
            " started TEXT NOT NULL, ended TEXT)"
        )
        conn.execute("INSERT INTO goals (text, principle, started) VALUES (?, ?, ?)", (text, principle, started))


@pytest.fixture
def marked_week(db_path: Path, ps: PromptSet) -> Path:
    """C-014 marked for supervision in W47, with a rupture, notes, an intention carried out,
    and the planted e-mail address and phone number in every kind of free text."""
    rupture = {"rupture": True, "rupture_kind": "withdrawal", "repair_tried": f"Named it. {PLANT}", "repaired": "no"}
    add(
        db_path,
        ps,
        ("C-014", "2026-11-02", ratings(8, client_view=8, client_score=36)),
        ("C-014", "2026-11-09", ratings(7, intention=f"Open gently. {PLANT}", client_view=7, client_score=35)),
        (
            "C-014",
            "2026-11-16",
            ratings(
                5,
                **rupture,
                intention_followed="yes",
                intention_note=f"Did it. {PLANT}",
                feelings=f"Tense and unsure. {PLANT}",
                going_on=f"Maybe they felt rushed. {PLANT}",
                for_supervision=True,
                supervision_question=f"How do I name the strain? {PLANT}",
                intention="Ask how last week left them.",
            ),
        ),
        ("C-002", "2026-11-17", ratings(7, for_supervision=False)),
        ("C-002", "2026-11-18", ratings(6, went_well="Fine.")),
    )
    add_goal(db_path, f"Stay with feelings longer. {PLANT}", "empathy", "2026-11-01")
    return db_path


def headings(text: str) -> list[tuple[int, str]]:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    return [(int(t.tag[1]), tokens[i + 1].content) for i, t in enumerate(tokens) if t.type == "heading_open"]


class _Balance(HTMLParser):
    """Every element closed, in order (HTML5's void elements aside)."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "col", "area", "base", "wbr", "source", "track", "embed"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


def check_html(page: str) -> list[ET.Element]:
    """Valid-ish HTML5: the doctype, balanced elements (html5lib's strict parser too, when
    installed), nothing fetched or run; returns every SVG, each parsed as XML."""
    assert page.startswith("<!DOCTYPE html>")
    balance = _Balance()
    balance.feed(page)
    assert not balance.errors and not balance.stack, (balance.errors, balance.stack)
    try:
        import html5lib
    except ImportError:
        pass
    else:
        html5lib.HTMLParser(strict=True).parse(page)
    lowered = page.lower()
    assert "<script" not in lowered and "<link" not in lowered and "@import" not in lowered
    assert "src=" not in lowered and "url(" not in lowered and "@font-face" not in lowered
    assert not re.findall(r"https?://(?!www\.w3\.org/2000/svg)", page)
    svgs = []
    for found in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        svg = ET.fromstring(found)  # well-formed XML, or this raises
        ns = "{http://www.w3.org/2000/svg}"
        assert svg.find(f"{ns}title") is not None and svg.find(f"{ns}desc") is not None
        svgs.append(svg)
    return svgs


def test_the_brief_has_every_section_of_a_marked_case(run, marked_week):
    result = run("report", "--supervision", "--week", "2026-W47")
    assert result.exit_code == 0, result.stderr
    found = headings(result.stdout)
    assert found[0] == (1, "Supervision brief, 16 November 2026 to 22 November 2026")
    assert (2, "Case C-014") in found
    assert [h for level, h in found if level == 3] == list(md.CASE_SECTIONS)
    assert (2, "Learning goal") in found and (2, "Calibration") in found
    assert "C-002" not in result.stdout  # answered no: not brought
    out = result.stdout
    assert "How do I name the strain?" in out
    assert "Tense and unsure." in out and "Maybe they felt rushed." in out
    assert "Named it." in out and "withdrawal" in out and "still open" in out
    assert "Open gently." in out and "carried out (16 November 2026)" in out
    # The timeline: self-ratings, the client's score on 0 to 10 (SRS 36 of 40 is 9.0), the prediction.
    assert "| 2026-11-02 | 8.0 | 9.0 | 8.0 |" in out
    # Not redacted, the privacy guard names what it found on stderr, never the text itself.
    assert "Privacy check" in result.stderr and EMAIL not in result.stderr and PHONE not in result.stderr


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_redact_covers_every_free_text(run, marked_week, fmt):
    result = run("report", "--supervision", "--week", "2026-W47", "--redact", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    for planted in (EMAIL, PHONE, "7946", "bloggs"):
        assert planted not in result.stdout
    # Each of the seven planted texts is still there, its identifiers replaced.
    for kept in ("Named it.", "Open gently.", "Did it.", "Tense and unsure.", "Maybe they felt rushed.",
                 "How do I name the strain?", "Stay with feelings longer."):  # fmt: skip
        assert kept in result.stdout
    shown = result.stdout.replace("\\[", "[").replace("\\]", "]")  # Markdown escapes the brackets
    assert shown.count("[redacted]") >= 14
    assert "replaced" in result.stderr and EMAIL not in result.stderr


def test_a_case_with_one_session_no_scores_and_no_rupture(run, db_path, ps):
    add(db_path, ps, ("C-9", "2026-11-18", ratings(6)))
    result = run("report", "--supervision", "--week", "2026-W47", "--client", "c-9")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert (2, "Case C-9") in headings(out)
    assert "You chose this case. 1 session since 18 November 2026." in out
    assert "No rupture recorded in these sessions." in out
    assert "Client's score" not in out and "Your prediction" not in out
    assert "| 2026-11-18 | 6.0 | |" in out.replace("|  |", "| |")
    page = run("report", "--supervision", "--week", "2026-W47", "--client", "C-9", "--format", "html").stdout
    (svg,) = check_html(page)
    assert "your ratings 6.0" in ET.tostring(svg, encoding="unicode")


def test_a_week_with_nothing_marked_says_so_and_how_to_mark_one(run, db_path, ps):
    add(db_path, ps, ("C-1", "2026-11-18", ratings(7, for_supervision=False)))
    result = run("report", "--supervision", "--week", "2026-W47")
    assert result.exit_code == 0, result.stderr
    assert "Nothing was marked for supervision between 16 November 2026 and 22 November 2026." in result.stdout
    assert "--set for_supervision=yes" in result.stdout and "--supervision --client" in result.stdout
    assert [level for level, _ in headings(result.stdout)] == [1]


def test_two_named_cases_and_an_unknown_code(run, marked_week):
    result = run("report", "--supervision", "--week", "2026-W47", "-c", "C-002", "-c", "C-014", "-c", "C-404")
    assert result.exit_code == 0, result.stderr
    cases = [h for level, h in headings(result.stdout) if level == 2 and h.startswith("Case")]
    assert cases == ["Case C-002", "Case C-014"]
    assert "No session up to 22 November 2026 has the client code C-404." in result.stdout


def test_the_html_brief_is_one_self_contained_page_with_a_chart_per_case(run, marked_week, tmp_path):
    out = tmp_path / "brief.html"
    result = run("report", "--supervision", "--week", "2026-W47", "-f", "html", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    page = out.read_text()
    svgs = check_html(page)
    assert len(svgs) == 2  # the case's trajectory and the calibration scatter
    assert page.count('<section class="case">') == 1
    for title in md.CASE_SECTIONS + (md.GOAL, md.CALIBRATION):
        assert f">{title}</h" in page


def test_html_review_draws_the_year_the_caseload_and_the_ruptures(run, marked_week):
    result = run("report", "--week", "2026-W47", "--format", "html")
    assert result.exit_code == 0, result.stderr
    svgs = check_html(result.stdout)
    titles = [s.find("{http://www.w3.org/2000/svg}title").text for s in svgs]  # type: ignore[union-attr]
    assert titles[:5] == [
        "Empathy, weekly mean", "Respect, weekly mean", "Genuineness, weekly mean",
        "Unconditional positive regard, weekly mean", "Active listening, weekly mean",
    ]  # fmt: skip
    assert "Caseload: clients by week" in titles and "Sessions with a rupture, by week" in titles
    assert "Principles" in result.stdout and "Weekly review" in result.stdout


def test_free_text_cannot_become_markup(run, db_path, ps):
    add(
        db_path,
        ps,
        (
            "C-1",
            "2026-11-18",
            ratings(7, for_supervision=True, supervision_question="# Not a heading <b>x</b> | [l](x)"),
        ),
    )
    result = run("report", "--supervision", "--week", "2026-W47")
    assert [level for level, _ in headings(result.stdout)].count(1) == 1
    page = run("report", "--supervision", "--week", "2026-W47", "-f", "html").stdout
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page and 'href="x"' not in page
    check_html(page)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--supervision", "-f", "json"], "--supervision writes markdown (the default) or html."),
        (["-c", "C-1", "-c", "C-2"], "The weekly review takes one --client; several are for --supervision."),
        (["-o", "x.md"], "--output writes a document: add --format markdown or --format html."),
    ],
)
def test_misuse_is_one_line(run, marked_week, args, says):
    result = run("report", *args)
    assert result.exit_code != 0
    assert says in result.stderr and "Traceback" not in result.stderr


def test_only_report_html_loads_the_chart_code(alliance_exe, subprocess_env, marked_week):
    from test_layers import loaded_modules

    subprocess_env["ALLIANCE_DB"] = str(marked_week)
    charts = {"alliance_cli.ui.charts", "alliance_cli.ui.html", "alliance_cli.app.brief"}
    for args in (["report"], ["report", "--format", "json"], ["list", "--format", "json"], ["clients"]):
        assert not loaded_modules(alliance_exe, subprocess_env, *args) & charts, args
    assert charts <= loaded_modules(alliance_exe, subprocess_env, "report", "--format", "html")


class _Shape(HTMLParser):
    """An HTML text as its elements and words, whitespace between elements ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tokens.append(f"<{tag}{''.join(f' {k}={v}' for k, v in sorted(attrs))}>")

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if data.strip():
            self.tokens.append(" ".join(data.split()))


def shape(html: str) -> list[str]:
    parser = _Shape()
    parser.feed(html)
    return parser.tokens


TRICKY = [
    "A *word* and **two words**, `code | here`, <b>bold?</b> & C:\\path\\",
    "snake_case stays, _this is emphasis_, 3 * 4 * 5 and a \\* star \\| pipe",
    "# Heading\n\nA paragraph\nover two lines.\n\n> Try: a tip.\n\n- one\n  - nested *em*\n- two",
    "| A | B |\n|---|---:|\n| a \\| b | 1 |\n| `x` | **2** |\n\nAfter the table.",
]


@pytest.mark.parametrize("text", TRICKY)
def test_the_html_page_renders_markdown_as_commonmark_does(text):
    from markdown_it import MarkdownIt

    from alliance_cli.ui.html import markdown_html

    expected = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    assert shape(markdown_html(text)) == shape(expected)


@pytest.mark.parametrize("args", [["report", "--notes"], ["report", "--supervision"]])
def test_the_review_and_the_brief_render_as_commonmark_does(run, marked_week, args):
    from markdown_it import MarkdownIt

    from alliance_cli.ui.html import markdown_html

    text = run(*args, "--week", "2026-W47", "--format", "markdown").stdout
    expected = MarkdownIt("commonmark", {"html": False}).enable("table").render(text)
    assert shape(markdown_html(text)) == shape(expected)


@pytest.mark.parametrize(("fmt", "starts"), [("markdown", "# Weekly review"), ("json", "{"), ("html", "<!DOCTYPE")])
def test_output_writes_the_review_privately(run, marked_week, tmp_path, fmt, starts):
    out = tmp_path / "sub" / f"review.{fmt}"
    result = run("report", "--week", "2026-W47", "--format", fmt, "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and f"Wrote {out}." in result.stderr
    assert out.read_text().startswith(starts)
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_an_empty_period_in_html_says_so_without_charts(run, db_path, ps):
    add(db_path, ps, ("C-1", "2026-10-01", ratings(7)))
    result = run("report", "--week", "2026-W47", "--format", "html")
    assert result.exit_code == 0, result.stderr
    assert check_html(result.stdout) == [] and "No sessions" in result.stdout


def test_a_rupture_repaired_at_a_later_session_says_so(run, db_path, ps):
    """Its own session answered "Repaired: no"; the heading must not contradict that with a
    bare "repaired"."""
    rupture = {"rupture": True, "rupture_kind": "withdrawal", "repaired": "no", "for_supervision": True}
    add(
        db_path,
        ps,
        ("C-014", "2026-11-16", ratings(5, **rupture)),
        ("C-014", "2026-11-18", ratings(7, rupture_revisited="yes")),
    )
    out = run("report", "--supervision", "--week", "2026-W47").stdout
    assert "(session 1, repaired at a later session)" in out and "Repaired: no" in out
