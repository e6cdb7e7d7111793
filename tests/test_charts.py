"""The SVG charts: well-formed, labelled, readable without colour, a text alternative each."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from alliance_cli.ui import charts

NS = "{http://www.w3.org/2000/svg}"
WEEKS = [date(2026, 9, 7) + timedelta(weeks=i) for i in range(12)]


def parsed(chart: charts.Chart) -> ET.Element:
    svg = ET.fromstring(chart.svg)
    assert svg.tag == f"{NS}svg" and svg.get("role") == "img"
    title, desc = svg.find(f"{NS}title"), svg.find(f"{NS}desc")
    assert title is not None and desc is not None and desc.text == chart.text
    assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    # Every drawing stays inside its view box: nothing wider than the printed column.
    width = float(svg.get("viewBox", "").split()[2])
    for x in re.findall(r'\bx[12]?="(-?[\d.]+)"', chart.svg):
        assert -1 <= float(x) <= width
    return svg


def words(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{NS}text")]


def test_usual_range_is_the_10th_to_90th_percentile_of_the_last_12_weeks():
    values: list[float | None] = [0.0] * 10 + [float(v) for v in range(1, 11)] + [None, 5.5]
    # The last 12 weeks: 1 to 10, a week unrated, 5.5; eleven values, the 2nd and the 10th of them.
    assert charts.usual_range(values) == (2.0, 9.0)
    assert charts.usual_range([7.0, None, 6.0, 5.0]) is None  # fewer than four weeks rated
    assert charts.percentile([1, 2, 3, 4], 50) == 2.5


def test_principle_chart_draws_the_band_and_says_it_in_words():
    values = [6.0, 6.5, None, 7.0, 7.2, 6.8, 7.1, 6.9, 7.4, 7.0, 6.2, 7.3]
    band = charts.usual_range(values)
    chart = charts.principle_chart("e", "Empathy <weekly> & more", WEEKS, values, band)
    svg = parsed(chart)
    assert "Empathy <weekly> & more" in words(svg)  # escaped in the source, intact once parsed
    assert any(w.startswith("usual range") for w in words(svg))
    assert "11 of them rated" in chart.text and "to 7.3" in chart.text and "usual range" in chart.text
    # A missing week breaks the line: two pieces.
    assert chart.svg.count("M") >= 2


def test_a_52_week_chart_labels_only_some_weeks():
    weeks = [date(2025, 12, 1) + timedelta(weeks=i) for i in range(52)]
    svg = parsed(charts.principle_chart("y", "A year", weeks, [5.0] * 52, (5.0, 5.0)))
    assert 6 <= len([w for w in words(svg) if re.match(r"\d+ \w{3}$", w)]) <= 8


def test_trajectory_tells_series_apart_by_shape_and_names_them():
    points = [
        charts.Point(WEEKS[0], 7.0, 9.0, 8.0),
        charts.Point(WEEKS[1], 5.0, None, 7.0, rupture=True),
        charts.Point(WEEKS[2], 6.0, 8.5, None),
    ]
    chart = charts.trajectory_chart("t", "C-1", points)
    svg = parsed(chart)
    labels = words(svg)
    assert {"your ratings (mean)", "client's score (0–10)", "your prediction", "R: rupture", "R"} <= set(labels)
    assert len(svg.findall(f".//{NS}rect")) == 2 + 1  # the score's squares, and its legend's
    assert "rupture" in chart.text and "2026-09-14: your ratings 5.0, your prediction 7.0, rupture" in chart.text


def test_trajectory_of_one_session_without_scores():
    chart = charts.trajectory_chart("one", "C-9", [charts.Point(WEEKS[0], 6.0)])
    labels = words(parsed(chart))
    assert "your ratings (mean)" in labels and "your prediction" not in labels
    assert chart.text == "C-9, 1 session, on 0 to 10: 2026-09-07: your ratings 6.0."


def test_heat_grid_prints_each_cell_and_leaves_empty_weeks_blank():
    cells = {("C-1", WEEKS[0]): 4.2, ("C-1", WEEKS[3]): 8.0, ("C-2", WEEKS[11]): 6.5}
    chart = charts.heat_grid("g", "Caseload", ["C-1", "C-2"], WEEKS, cells)
    labels = words(parsed(chart))
    assert {"C-1", "C-2", "4.2", "8.0", "6.5"} <= set(labels)
    assert "Lowest: C-1 in the week of 2026-09-07, 4.2" in chart.text
    assert "3 client-weeks" in chart.text


def test_rupture_rate_labels_bars_with_counts():
    sessions = [10] * 11 + [0]
    ruptures = [0, 1, 0, 2, 0, 0, 1, 0, 0, 0, 0, 0]
    chart = charts.rupture_rate("r", "Ruptures", WEEKS, sessions, ruptures)
    labels = words(parsed(chart))
    assert "2/10" in labels and "1/10" in labels
    assert "4 ruptures in 110 sessions" in chart.text


@pytest.mark.parametrize("pairs", [[], [(5.0, 9.0), (8.0, 6.0), (7.0, 7.0)]])
def test_calibration_scatter(pairs):
    chart = charts.calibration_scatter("c", "Calibration", pairs)
    svg = parsed(chart)
    assert len(svg.findall(f"{NS}circle")) == len(pairs)
    assert {"your prediction", "client's score", "where you agree"} <= set(words(svg))
    if pairs:
        assert "higher than you predicted in 1, lower in 1, the same in 1" in chart.text


def test_sessions_at_one_point_share_a_larger_circle():
    chart = charts.calibration_scatter("c", "Calibration", [(8.0, 9.0)] * 5 + [(6.0, 9.0)])
    circles = parsed(chart).findall(f"{NS}circle")
    assert sorted(float(c.get("r", "0")) for c in circles) == [3.0, 6.0]
    assert "6 sessions" in chart.text and "a larger circle: more sessions" in chart.svg


def test_rupture_marks_sit_on_their_own_line_between_legend_and_plot():
    """An "R" never overlaps the legend's words or a point rated 10 (about 11 px per line of
    text, 4 px for a marker)."""
    points = [charts.Point(WEEKS[0], 10.0, 10.0, 10.0, rupture=True), charts.Point(WEEKS[1], 9.8, None, None)]
    svg = parsed(charts.trajectory_chart("r", "C-2", points))
    texts = list(svg.iter(f"{NS}text"))
    legend = max(float(t.get("y", 0)) for t in texts if (t.text or "") in {"your ratings (mean)", "R: rupture"})
    [mark] = [float(t.get("y", 0)) for t in texts if t.text == "R"]
    circles = [(float(c.get("cy", 0)), float(c.get("r", 0))) for c in svg.iter(f"{NS}circle")]
    tops = [cy - r for cy, r in circles if cy > legend]  # the plotted points, not the legend's own
    assert mark - 11 >= legend + 3  # the R's top clears the legend's baseline and descenders
    assert mark <= min(tops) - 2  # and its baseline sits above the highest point
