"""One self-contained HTML5 page for the weekly review and the supervision brief.

Inline CSS and SVG only: no script, no web font, no image or style fetched from anywhere,
so the file opens the same offline, in a mail attachment or from a USB stick. The text is
the Markdown the other format writes, rendered by markdown-it (installed with Rich) with
raw HTML turned off, so an answer holding `<script>` shows as text. The charts come from
`ui.charts`, each in a `<figure>` with its text alternative as the caption.

Print: the page's own margins fit both A4 and Letter (the narrower A4 decides the width);
the first case follows the title, each other case and the closing part start a new page,
and no chart or table row is cut across two pages.
"""

from __future__ import annotations

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


def markdown_html(text: str) -> str:
    """CommonMark (with pipe tables) as HTML; raw HTML in the text is escaped, never run."""
    from markdown_it import MarkdownIt

    return str(MarkdownIt("commonmark", {"html": False}).enable("table").render(text))


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
