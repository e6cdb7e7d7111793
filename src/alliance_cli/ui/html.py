"""One self-contained HTML5 page for the weekly review and the supervision brief.

Inline CSS and SVG only: no script, no web font, no image or style fetched from anywhere,
so the file opens the same offline, in a mail attachment or from a USB stick. The text is
the Markdown the other format writes, rendered here (`markdown_html`, checked against
markdown-it in the tests) with every character of text escaped, so an answer holding
`<script>` shows as text. The charts come from
`ui.charts`, each in a `<figure>` with its text alternative as the caption.

Print: the page's own margins fit both A4 and Letter (the narrower A4 decides the width);
the first case follows the title, each other case and the closing part start a new page,
and no chart or table row is cut across two pages.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

from alliance_cli.core.text import visible
from alliance_cli.ui import charts

if TYPE_CHECKING:
    from alliance_cli.core.brief import Brief, ChartData
    from alliance_cli.core.calibration import Calibration
    from alliance_cli.core.report import Report

CSS = """
@page { margin: 16mm 15mm; }
* { box-sizing: border-box; }
html { color: #111; background: #fff; }
body { font: 11pt/1.45 system-ui, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; max-width: 46em;
  margin: 0 auto; padding: 1.5em 1em; }
h1 { font-size: 1.6em; margin: 0 0 0.4em; }
h2 { font-size: 1.3em; margin: 1.4em 0 0.4em; border-bottom: 1px solid #999; }
h3 { font-size: 1.05em; margin: 1.1em 0 0.3em; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p, li, td { overflow-wrap: anywhere; }
th, td:first-child { white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin: 0.4em 0; }
th, td { border: 1px solid #999; padding: 0.15em 0.4em; text-align: left; vertical-align: top; }
th { background: #eee; }
tr { break-inside: avoid; page-break-inside: avoid; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 0.95em; }
blockquote { margin: 0.5em 0; padding-left: 0.8em; border-left: 3px solid #999; }
figure { margin: 0.8em 0; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-size: 0.8em; color: #333; margin-top: 0.2em; }
svg.chart { display: block; max-width: 100%; height: auto; }
.grid { display: block; }
section.case ~ section.case, section.after { break-before: page; page-break-before: always; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  a { color: inherit; text-decoration: none; }
}
"""


_BLOCK = re.compile(r"#{1,6} |\||- |>")
_RULE = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")
_CELL = re.compile(r"(?<!\\)\|")
_INLINE = re.compile(
    r"(?P<code>`+)(?P<body>.+?)(?P=code)"
    r"|\\(?P<esc>[!-/:-@\[-`{-~])"
    r"|\*\*(?=\S)(?P<strong>.+?)(?<=\S)\*\*"
    r"|\*(?=[^\s*])(?P<em>[^*]+?)(?<=\S)\*"
    r"|(?<![\w\\])_(?=[^\s_])(?P<em_>[^_]+?)(?<=[^\s\\])_(?!\w)"
)


def inline(text: str) -> str:
    """CommonMark's inline text as alliance writes it: backslash escapes, code spans, strong
    and emphasis; everything else is text, HTML-escaped."""
    out, at = [], 0
    for m in _INLINE.finditer(text):
        out.append(escape(text[at : m.start()], quote=False))
        if m["code"]:
            out.append(f"<code>{escape(m['body'].strip() or m['body'], quote=False)}</code>")
        elif m["esc"]:
            out.append(escape(m["esc"], quote=False))
        elif m["strong"]:
            out.append(f"<strong>{inline(m['strong'])}</strong>")
        else:
            out.append(f"<em>{inline(m['em'] or m['em_'])}</em>")
        at = m.end()
    out.append(escape(text[at:], quote=False))
    return "".join(out)


def _cells(line: str) -> list[str]:
    parts = _CELL.split(line.strip())
    return [p.strip().replace("\\|", "|") for p in parts[1:-1]]


def _row(cells: list[str], aligns: list[bool], tag: str) -> str:
    cells = (cells + [""] * len(aligns))[: len(aligns)]
    right = ' style="text-align:right"'
    return (
        "<tr>"
        + "".join(f"<{tag}{right if a else ''}>{inline(c)}</{tag}>" for c, a in zip(cells, aligns, strict=True))
        + "</tr>"
    )


def _table(head: str, rule: str, rows: list[str]) -> str:
    aligns = [c.endswith(":") for c in _cells(rule)]
    body = "\n".join(_row(_cells(r), aligns, "td") for r in rows)
    return (
        f"<table>\n<thead>\n{_row(_cells(head), aligns, 'th')}\n</thead>\n"
        + (f"<tbody>\n{body}\n</tbody>\n" if rows else "")
        + "</table>"
    )


def markdown_html(text: str) -> str:
    """The Markdown alliance writes (ATX headings, paragraphs, pipe tables, lists two deep,
    block quotes, inline code and emphasis) as HTML, every character of text escaped: the
    same structure CommonMark gives it (tests compare it with markdown-it; a link, though,
    stays text: nothing on the page points elsewhere), without loading
    a Markdown library for one page."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip():
            i += 1
        elif heading := re.match(r"(#{1,6}) +(.*?)\s*$", line):
            level = len(heading[1])
            out.append(f"<h{level}>{inline(heading[2])}</h{level}>")
            i += 1
        elif line.startswith("|") and i + 1 < len(lines) and _RULE.match(lines[i + 1]):
            j = i + 2
            while j < len(lines) and lines[j].startswith("|"):
                j += 1
            out.append(_table(lines[i], lines[i + 1], lines[i + 2 : j]))
            i = j
        elif line.startswith("- "):
            items: list[tuple[str, list[str]]] = []
            while i < len(lines) and (lines[i].startswith("- ") or lines[i].startswith("  - ")):
                if lines[i].startswith("- "):
                    items.append((lines[i][2:], []))
                else:
                    items[-1][1].append(lines[i][4:])
                i += 1
            html = []
            for first, subs in items:
                nested = "".join(f"<li>{inline(s)}</li>" for s in subs)
                html.append(f"<li>{inline(first)}" + (f"\n<ul>\n{nested}\n</ul>\n" if subs else "") + "</li>")
            out.append("<ul>\n" + "\n".join(html) + "\n</ul>")
        elif line.startswith(">"):
            quoted = []
            while i < len(lines) and lines[i].startswith(">"):
                quoted.append(lines[i][1:].strip())
                i += 1
            out.append(f"<blockquote>\n<p>{inline(' '.join(quoted))}</p>\n</blockquote>")
        else:
            para = [line.strip()]
            i += 1
            while i < len(lines) and lines[i].strip() and not _BLOCK.match(lines[i]):
                para.append(lines[i].strip())
                i += 1
            out.append(f"<p>{inline(chr(10).join(para))}</p>")
    return "\n".join(out) + "\n"


def figure(chart: charts.Chart, caption: str | None = None) -> str:
    """A chart and its text alternative (`caption` instead, when the text is already on the page)."""
    return f"<figure>{chart.svg}<figcaption>{escape(caption or chart.text)}</figcaption></figure>\n"


def page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n"
    )


def calibration_figure(uid: str, c: Calibration) -> str:
    pairs = [(s.view_10, s.score_10) for cl in c.clients for s in cl.sessions]
    points = [(x, y) for x, y in pairs if x is not None and y is not None]
    if not points:
        return ""
    return figure(charts.calibration_scatter(uid, "Your prediction beside the client's score", points))


def brief_html(brief: Brief) -> str:
    """The supervision brief as one page: the cases, each from a new page with its trajectory."""
    from alliance_cli.ui import brief as md

    body = [markdown_html(visible(md.head_markdown(brief)))]
    for n, case in enumerate(brief.cases, 1):
        part = md.case_part(case)
        chart = charts.trajectory_chart(
            f"case{n}",
            f"{case.client}: the last {len(case.timeline)} sessions",
            [charts.Point(p.day, p.self_mean, p.score, p.read, p.rupture) for p in case.timeline],
        )
        body.append(
            '<section class="case">\n'
            + markdown_html(visible(f"{part.heading}\n\n{part.intro}\n"))
            + figure(chart, "The figures of the timeline table below, drawn; R marks a session with a rupture.")
            + markdown_html(visible(part.body))
            + "</section>\n"
        )
    if brief.goal is not None or brief.calibration is not None:
        after = []
        if brief.goal is not None:
            after.append(markdown_html(visible(md.goal_markdown(brief.goal))))
        if brief.calibration is not None:
            after.append(markdown_html(visible(md.calibration_markdown(brief.calibration))))
            after.append(calibration_figure("calibration", brief.calibration))
        body.append('<section class="after">\n' + "".join(after) + "</section>\n")
    title = f"{md.TITLE}, {brief.start.isoformat()} to {brief.end.isoformat()}"
    return page(title, "".join(body))


def review_html(report: Report, data: ChartData, markdown: str) -> str:
    """The weekly review (its Markdown, rendered), then its charts: each principle over a year
    with its usual range, the caseload heat-grid, the rupture rate, the calibration scatter."""
    body = [markdown_html(markdown)]
    if report.sessions:
        figures = ['<section class="charts">\n<h2>Over time</h2>\n']
        for n, p in enumerate(data.principles, 1):
            band = charts.usual_range(p.values)
            figures.append(
                figure(charts.principle_chart(f"p{n}", f"{p.title}, weekly mean", data.weeks, p.values, band))
            )
        if data.clients:
            figures.append(
                figure(charts.heat_grid("grid", "Caseload: clients by week", data.clients, data.grid_weeks, data.cells))
            )
        if any(data.sessions):
            figures.append(
                figure(
                    charts.rupture_rate(
                        "ruptures", "Sessions with a rupture, by week", data.grid_weeks, data.sessions, data.ruptures
                    )
                )
            )
        if report.calibration is not None:
            figures.append(calibration_figure("calibration", report.calibration))
        body.append("".join(figures) + "</section>\n")
    span = f"{report.period.start.isoformat()} to {report.period.end.isoformat()}"
    return page(f"Weekly review, {span}", "".join(body))
