"""The client's voice in the review: score alerts and the Calibration section, on small
journals built by hand and checked against figures worked out by hand."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from rich.console import Console

from alliance_cli.core.calibration import build_calibration, ranks, score_alerts, spearman
from alliance_cli.core.measures import SRS, parse_measure
from alliance_cli.core.report import Report, Thresholds
from alliance_cli.ui.review import calibration_reading, report_markdown, report_view, score_alert_text
from test_report import add, ratings, review


def scored(level: int, view: int | None = None, score: float | None = None, **extra):
    """Five ratings at `level`, your read of the client and their score (either may be left out)."""
    answers = ratings(level, **extra)
    if view is not None:
        answers["client_view"] = view
    if score is not None:
        answers["client_score"] = score
    return answers


def flags(report: Report):
    return [(f.client, f.reasons) for f in report.flags]


# -- the alerts: cutoff, fall, discordance ------------------------------------------------------


def test_a_score_below_the_cutoff_or_a_fall_puts_the_client_first(db_path):
    add(
        db_path,
        ("C-FELL", "2026-05-04", scored(7, score=38)),  # months before: still the previous score
        ("C-STEADY", "2026-11-09", scored(7, score=38)),
        ("C-FIRST", "2026-11-16", scored(7, score=33)),  # first score ever: below 36, cannot have fallen
        ("C-FELL", "2026-11-17", scored(7, score=37)),  # one point below 38: OpenFIT's rule
        ("C-STEADY", "2026-11-17", scored(7, score=37.5)),  # half a point: no alert
        ("C-LOW", "2026-11-18", scored(4)),  # a low mean of your own ratings, no score
        ("C-HIGH", "2026-11-19", scored(9, score=35)),  # under the cutoff while you rated 9: discordant
        ("C-EQUAL", "2026-11-19", scored(7, score=36)),  # 36 is not below 36
    )
    report = review(db_path)
    assert flags(report) == [
        ("C-FIRST", ["score_below_cutoff"]),  # the lowest score first
        ("C-HIGH", ["score_below_cutoff", "discordant"]),
        ("C-FELL", ["score_fell"]),
        ("C-LOW", ["early_below_baseline"]),  # then the clients whose own ratings stand out
    ]
    first, high, fell = (report.flags[i].score_alerts[0] for i in range(3))
    assert (first.score, first.previous, first.below_cutoff, first.fell) == (33, None, True, False)
    assert (fell.score, fell.previous, fell.fell, fell.below_cutoff) == (37, 38, True, False)
    assert (high.discordant, high.self_mean) == (True, 9.0)
    markdown = report_markdown(report)
    assert "their SRS 33 on 2026-11-16, below 36" in markdown
    assert "their SRS 37 on 2026-11-17, down from 38" in markdown
    assert "their SRS 35 on 2026-11-19, below 36; discordant: your own ratings averaged 9.0" in markdown
    assert "below 36 of 40 (the PCOMS convention) or 1 point or more below the client's previous score" in markdown
    assert "(OpenFIT's rule)" in markdown


def test_a_score_just_under_eight_is_not_discordant_and_a_rise_is_no_fall(db_path):
    add(
        db_path,
        ("C-1", "2026-11-09", scored(7, score=30)),
        ("C-1", "2026-11-16", ratings(8, 8, 8, 8, 7, client_score=34)),  # mean 7.8; up from 30
    )
    (flag,) = review(db_path).flags
    assert flag.reasons == ["score_below_cutoff"]
    assert (flag.score_alerts[0].discordant, flag.score_alerts[0].fell) == (False, False)


def test_a_custom_measure_brings_its_own_range_cutoff_and_fall(db_path):
    measure = parse_measure("Session scale 0 to 100, cutoff 70, drop 5")
    add(
        db_path,
        ("C-1", "2026-11-09", scored(7, score=80)),
        ("C-1", "2026-11-16", scored(7, score=74)),  # down 6: a fall of 5 or more; 74 is not below 70
        ("C-2", "2026-11-09", scored(7, score=80)),
        ("C-2", "2026-11-17", scored(7, score=76)),  # down 4: not enough
        ("C-3", "2026-11-18", scored(8, score=69)),  # below 70, first score
    )
    report = review(db_path, measure=measure)
    assert flags(report) == [("C-3", ["score_below_cutoff", "discordant"]), ("C-1", ["score_fell"])]
    assert report.calibration is not None and report.calibration.measure.name == "Session scale"
    text = report_markdown(report)
    assert "their Session scale 69 on 2026-11-18, below 70" in text
    assert "below 70 of 100 (your setting) or 5 points or more below the client's previous score (your setting)" in text
    # On the SRS these scores are out of range: left out, counted, and no alert.
    srs = review(db_path, measure=SRS)
    assert srs.flags == [] and srs.calibration is not None and srs.calibration.left_out == 5


def test_the_discordance_threshold_is_a_threshold_of_the_review(db_path):
    add(db_path, ("C-1", "2026-11-16", ratings(8, 8, 8, 8, 7, client_score=30)))
    (flag,) = review(db_path, thresholds=Thresholds(discordant_self=7.5)).flags
    assert "discordant" in flag.reasons


def one_pair(score: float, view: float = 7, self_mean: float | None = None) -> list[dict]:
    return [
        {"session_id": 1, "date": "2026-11-18", "client": "C-1", "view": view, "score": score,
         "self_mean": self_mean, "previous": None}
    ]  # fmt: skip


@pytest.mark.parametrize(("self_mean", "shown", "discordant"), [(7.96, "8.0", True), (7.94, "7.9", False)])
def test_discordance_is_decided_on_the_mean_as_the_review_shows_it(self_mean, shown, discordant):
    (alert,) = score_alerts(one_pair(30, self_mean=self_mean), SRS, date(2026, 11, 16), 8.0)["C-1"]
    assert alert.discordant is discordant
    calibration = build_calibration(
        one_pair(30, self_mean=self_mean), SRS, since=date(2026, 8, 31), until=date(2026, 11, 22)
    )
    assert bool(calibration.discordant) is discordant
    if discordant:
        assert score_alert_text(alert, calibration.measure).endswith(f"your own ratings averaged {shown}")


@pytest.mark.parametrize(
    ("score", "kept", "direction", "reading"),
    [
        (29.84, 0.46, "client_higher", "their scores ran 0.5 points above your reads"),  # 7.46 − 7
        (29.76, 0.44, "close", "were close on average (+0.4)"),
        (26.16, -0.46, "read_higher", "your reads ran 0.5 points above their scores"),
    ],
)
def test_the_mean_gap_reads_as_it_is_shown_to_one_decimal(score, kept, direction, reading):
    c = build_calibration(one_pair(score), SRS, since=date(2026, 8, 31), until=date(2026, 11, 22))
    assert (c.mean_gap, c.direction) == (kept, direction)  # the JSON keeps two decimals
    assert reading in " ".join(calibration_reading(c))


# -- the rank correlation and the mean gap -----------------------------------------------------


def test_ranks_share_ties_and_spearman_matches_the_hand_computed_value():
    assert ranks([10, 20, 20, 5]) == [2.0, 3.5, 3.5, 1.0]
    # No ties: rho = 1 - 6 * sum(d^2) / (n (n^2 - 1)) = 1 - 6 * 4 / 120 = 0.8.
    assert spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5]) == pytest.approx(0.8)
    # Ties: ranks x = 1, 2.5, 2.5, 4 and y = 1, 3, 2, 4; r of the ranks = 4.5 / sqrt(4.5 * 5).
    assert spearman([1, 2, 2, 3], [1, 3, 2, 4]) == pytest.approx(4.5 / (4.5 * 5) ** 0.5)
    assert spearman([3, 3, 3], [1, 2, 3]) is None  # one side does not vary
    assert spearman([1], [2]) is None


# Eight sessions in the 12 weeks up to 2026-11-22, your read and their SRS score. On 0 to 10
# their scores are 9.0, 7.5, 8.5, 8.0, 9.5, 7.0, 9.25, 9.5 and the gaps (theirs − yours)
# 1.0, 0.5, −0.5, 2.0, 1.5, 2.0, 2.25, 0.5: mean 9.25 / 8 = 1.15625, kept as 1.16 (the JSON)
# and shown as +1.2.
# Ranks of the reads: 5.5, 3.5, 7.5, 2, 5.5, 1, 3.5, 7.5; of the scores: 5, 2, 4, 3, 7.5, 1,
# 6, 7.5. From the mean rank 4.5: sum dx*dy = 28, sum dx^2 = 40.5, sum dy^2 = 41.5, so
# rho = 28 / sqrt(40.5 * 41.5) = 0.683, shown 0.68.
EIGHT = [
    ("C-1", "2026-09-07", 8, 36),
    ("C-2", "2026-09-21", 7, 30),
    ("C-1", "2026-10-05", 9, 34),
    ("C-3", "2026-10-19", 6, 32),
    ("C-2", "2026-11-02", 8, 38),
    ("C-3", "2026-11-09", 5, 28),
    ("C-1", "2026-11-16", 7, 37),
    ("C-2", "2026-11-18", 9, 38),
]


def journal_with_pairs(db_path, n: int) -> None:
    sessions = [(client, day, scored(7, view=view, score=score)) for client, day, view, score in EIGHT[:n]]
    sessions.append(("C-1", "2026-08-24", scored(7, view=9, score=20)))  # before the 12 weeks: left out
    sessions.append(("C-4", "2026-11-19", scored(7, score=39)))  # a score without your read: no pair
    add(db_path, *sessions)


def test_mean_gap_and_rank_correlation_of_eight_pairs(db_path):
    journal_with_pairs(db_path, 8)
    c = review(db_path).calibration
    assert c is not None
    assert (c.since, c.until) == (date(2026, 8, 31), date(2026, 11, 22))  # 12 ISO weeks
    assert (c.pairs, c.reads, c.scores) == (8, 8, 9)
    assert (c.mean_gap, c.direction, c.rank_correlation) == (1.16, "client_higher", 0.68)
    assert c.read_highest is not None and c.read_lowest is not None
    assert (c.read_highest.client, c.read_highest.date, c.read_highest.gap) == ("C-1", date(2026, 10, 5), -0.5)
    assert (c.read_lowest.client, c.read_lowest.date, c.read_lowest.gap) == ("C-1", date(2026, 11, 16), 2.25)
    # One by one, the clients seen in the period (C-3 was not), with their 12 weeks.
    by_client = {cl.client: (cl.pairs, cl.mean_gap) for cl in c.clients}
    assert by_client == {"C-1": (3, 0.92), "C-2": (3, 0.83), "C-4": (0, None)}


# -- the section with 0, 7 and 8 pairs ---------------------------------------------------------


def rendered(report: Report) -> tuple[str, str, dict]:
    out = StringIO()
    Console(file=out, width=80, no_color=True, force_terminal=False).print(report_view(report, 80))
    return " ".join(report_markdown(report).split()), " ".join(out.getvalue().split()), report.model_dump(mode="json")


def test_with_no_scores_the_section_says_how_to_start_in_one_line(db_path):
    add(db_path, ("C-1", "2026-11-16", scored(7, view=8)))
    markdown, rich, data = rendered(review(db_path))
    start = (
        "No client scores in these 12 weeks yet. To start, ask clients to rate each session (SRS, 0 to 40) and add "
        "the total when you log, or later with `alliance client-score ID VALUE`."
    )
    assert f"## Calibration: your read beside the client's score {start}" in markdown
    assert start in rich
    assert data["calibration"]["scores"] == 0 and data["calibration"]["pairs"] == 0
    assert data["calibration"]["rank_correlation"] is None


def test_seven_pairs_show_the_gap_but_not_yet_the_rank_correlation(db_path):
    journal_with_pairs(db_path, 7)
    markdown, rich, data = rendered(review(db_path))
    for text in (markdown, rich):
        assert "Over these 12 weeks: 7 pairs of your read and their score" in text
        assert "The rank correlation shows from 8 pairs on (7 so far)." in text
        assert "Clients often rate the alliance higher than their clinicians do; here too" in text
        assert "rose and fell together" not in text
    assert data["calibration"]["pairs"] == 7 and data["calibration"]["rank_correlation"] is None


def test_eight_pairs_show_the_table_the_extremes_and_a_two_way_reading(db_path):
    journal_with_pairs(db_path, 8)
    markdown, rich, data = rendered(review(db_path))
    for text in (markdown, rich):
        assert "Over these 12 weeks: 8 pairs of your read and their score, mean gap +1.2." in text
        assert "here too, their scores ran 1.2 points above your reads on average." in text
        assert "rose and fell together closely (rank correlation 0.68;" in text
        assert "You read them highest against their score: C-1 on 2026-10-05: your read 9, their SRS 34" in text
        assert "You read them lowest against their score: C-1 on 2026-11-16: your read 7, their SRS 37" in text
        assert "Discordant" not in text  # no score under 36 while your ratings averaged 8 or more
    assert "| C-2 | 3 |" in markdown and "| C-4 | 0 |" in markdown and "| C-3 |" not in markdown
    assert data["calibration"]["rank_correlation"] == 0.68
    assert data["calibration"]["clients"][0]["sessions"][0] == {
        "session_id": 1, "date": "2026-09-07", "client": "C-1", "view": 8.0, "score": 36.0, "view_10": 8.0,
        "score_10": 9.0, "gap": 1.0, "discordant": False,
    }  # fmt: skip


def test_the_reading_works_the_other_way_too(db_path):
    add(db_path, *[("C-1", f"2026-11-{d:02d}", scored(8, view=9, score=30)) for d in (2, 9, 16)])
    markdown, _, data = rendered(review(db_path))
    assert data["calibration"]["direction"] == "read_higher"
    assert "here it went the other way: your reads ran 1.5 points above their scores on average." in markdown
    assert (
        "Discordant sessions (their score under 36 while your own ratings averaged 8 or more): "
        "C-1 on 2026-11-02, C-1 on 2026-11-09, C-1 on 2026-11-16." in markdown
    )


def test_a_prompt_set_without_the_score_prompt_has_no_section(db_path, tmp_path):
    import yaml

    from alliance_cli.settings.paths import bundled_prompts_path
    from alliance_cli.settings.prompts import load_prompt_set
    from test_report import PS

    data = yaml.safe_load(bundled_prompts_path().read_text())
    data["prompts"] = [p for p in data["prompts"] if p["id"] not in ("client_view", "client_score")]
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(data))
    plain = load_prompt_set(tmp_path / "p.yaml")
    add(db_path, ("C-1", "2026-11-16", scored(7)))
    from alliance_cli.app.review import load_report
    from alliance_cli.core.periods import parse_week
    from alliance_cli.store.journal import open_journal

    with open_journal(db_path) as journal:
        report = load_report(journal, plain, parse_week("2026-W47"))
    assert report.calibration is None and "Calibration" not in report_markdown(report)
    assert PS.prompt("client_score") is not None


def test_the_report_command_reads_the_measure_from_the_settings(run, db_path):
    add(db_path, ("C-1", "2026-11-16", scored(7, score=50)))
    assert run("config", "set", "client_measure", "WAI-SR, cutoff 52").exit_code == 0
    data = json.loads(run("report", "--week", "2026-W47", "-f", "json").stdout)
    assert data["calibration"]["measure"] == {
        "name": "WAI-SR", "min": 12, "max": 60, "cutoff": 52, "drop": 1, "cutoff_source": None,
        "drop_source": "OpenFIT's rule",
    }  # fmt: skip
    assert [f["reasons"] for f in data["flags"]] == [["score_below_cutoff"]]


@pytest.mark.parametrize("width", [80, 160])
def test_the_section_and_the_score_alerts_fit_the_terminal(run, db_path, monkeypatch, width):
    journal_with_pairs(db_path, 8)
    add(db_path, ("C-0777-LONG-CODE", "2026-11-20", scored(9, view=9, score=31.5)))
    monkeypatch.setenv("COLUMNS", str(width))
    result = run("report", "--week", "2026-W47")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Calibration: your read beside the client's score" in out
    assert "Your reads" in out and "Their scores" in out
    assert max(len(line) for line in out.splitlines()) <= width
    assert "their SRS 31.5 on 2026-11-20, below 36; discordant" in " ".join(out.split())


def test_the_demo_journal_has_client_scores_and_some_discordant_sessions(run, tmp_path):
    result = run("demo", "--db", str(tmp_path / "demo.db"), "-f", "json")
    assert result.exit_code == 0, result.stderr
    c = json.loads(result.stdout)["calibration"]
    assert c["pairs"] >= c["min_pairs"] and c["rank_correlation"] is not None
    assert c["discordant"] and c["clients"]
    flagged = json.loads(result.stdout)["flags"]
    assert flagged[0]["score_alerts"]  # a client's own score puts them first
