"""The weekly review, rendered: a Rich view for the terminal, Markdown for supervision.

Both read the same `report.Report`, never the journal (its JSON is the model itself, written
by `ui.formats`). Rich is imported inside `report_view` only, so `--format json` and
`--format markdown` do not pay for it. The Rich layout fits 80 columns; from 120 columns
on, the client and rupture lists sit side by side. Sparklines (`ui.sparkline`) have one
block per week (or per session), scaled together so that the rows of one table can be
compared; a gap is a week without ratings.

Answers (notes, intentions, a rupture's kind) and a prompt set's words are shown through
`core.text.visible` in both: a control character in them is seen, never obeyed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alliance_cli.core.messages import Hint, count
from alliance_cli.core.text import visible
from alliance_cli.ui.columns import columns_text
from alliance_cli.ui.sparkline import sparkline

if TYPE_CHECKING:
    from alliance_cli.core.calibration import Calibration, MeasureInfo, ScoreAlert, ScoredSession
    from alliance_cli.core.report import ClientFlag, Intention, Practice, Report, Rupture

WIDE = 120


def _range(rows: list[list[float | None]]) -> tuple[float | None, float | None]:
    present = [v for row in rows for v in row if v is not None]
    return (min(present), max(present)) if present else (None, None)


def _num(value: float | None) -> str:
    # Two decimals, as the model rounds them: the report's rules decide on these figures.
    return "–" if value is None else f"{value:.2f}"


def change_text(change: float | None) -> str:
    if change is None:
        return "–"
    if change == 0:
        return "= 0.00"
    return f"{'▲' if change > 0 else '▼'} {'+' if change > 0 else '−'}{abs(change):.2f}"


def headline(report: Report) -> str:
    period = report.period
    kind = "Weekly review" if period.days == 7 else f"Review of {count(period.days, 'day')}"
    who = f" with {report.client}" if report.client else ""
    year, week, weekday = period.start.isocalendar()
    iso = f" (week {week} of {year})" if period.days == 7 and weekday == 1 else ""
    return f"{kind}{who}: {period.start} to {period.end}{iso}"


def summary_line(report: Report) -> str:
    prev = report.previous_period
    return (
        f"{count(report.sessions, 'session')} · {count(report.clients, 'client')} · "
        f"{count(report.days, 'day')} with a log. Compared with {prev.start} to {prev.end} "
        f"({count(report.previous_sessions, 'session')})."
    )


def empty_message(report: Report) -> str:
    who = f" with {report.client}" if report.client else ""
    return (
        f"No sessions{who} logged from {report.period.start} to {report.period.end}. "
        "That is fine: the review fills in as you log sessions with `alliance log` "
        "(or try `alliance demo` to see a filled-in example)."
    )


def focus_text(report: Report) -> str:
    focus = report.focus
    if focus is None:
        return ""
    if focus.reason == "fell_most":
        why = f"it moved the most this period ({change_text(focus.change)}, now {_num(focus.mean)})"
    else:
        why = f"it is your lowest-rated principle this period ({_num(focus.mean)})"
    return f"{focus.title}: {why}."


def flag_reason(flag: ClientFlag, report: Report) -> str:
    parts = []
    if flag.score_alerts and report.calibration is not None:
        parts += [score_alert_text(a, report.calibration.measure) for a in flag.score_alerts]
    if "falling" in flag.reasons:
        parts.append(f"lower in each of the last {report.thresholds.falling_sessions} sessions")
    if "low_mean" in flag.reasons:
        parts.append(f"average {_num(flag.mean)} this period (below {report.thresholds.low_mean:g})")
    return "; ".join(parts)


def score_alert_text(alert: ScoreAlert, measure: MeasureInfo) -> str:
    """`their SRS 31 on 2026-11-18, below 36 and down from 33; discordant: your own ratings averaged 8.60`."""
    details = []
    if alert.below_cutoff and measure.cutoff is not None:
        details.append(f"below {measure.cutoff:g}")
    if alert.fell and alert.previous is not None:
        details.append(f"down from {alert.previous:g}")
    text = f"their {measure.name} {alert.score:g} on {alert.date}, {' and '.join(details)}"
    if alert.discordant and alert.self_mean is not None:
        text += f"; discordant: your own ratings averaged {alert.self_mean:.2f}"
    return text


def score_rules_text(report: Report) -> str:
    """The alert rules and where they come from, under a list that holds a score alert."""
    if report.calibration is None or not any(f.score_alerts for f in report.flags):
        return ""
    m = report.calibration.measure
    rules = []
    if m.cutoff is not None:
        rules.append(f"below {m.cutoff:g} of {m.max:g} ({m.cutoff_source or 'your setting'})")
    points = "point" if m.drop == 1 else "points"
    rules.append(f"{m.drop:g} {points} or more below the client's previous score ({m.drop_source or 'your setting'})")
    return (
        f"A client's {m.name} score stands out when it is {' or '.join(rules)}; "
        "`alliance config set client_measure` changes them."
    )


def rupture_state(r: Rupture) -> str:
    if r.open:
        return f"{r.repaired or 'not recorded'}, still open"
    if r.repaired == "yes":
        return "repaired"
    return "repaired later"


def follow_through_text(report: Report) -> str:
    """`Intentions followed up this period: 3 of 5 carried out (60%), 1 partly, 1 not; 2 not recorded.`

    These are the intentions whose next session fell in this period, whenever they were set,
    so the line reads on its own beside the list of the previous period's intentions."""
    f = report.follow_through
    if not f.recorded:
        return (
            f"Intentions followed up this period: {f.came_up} came up; whether they were carried out was not recorded."
        )
    text = f"Intentions followed up this period: {f.carried_out} of {f.recorded} carried out ({f.rate:.0%})"
    text += f", {f.partly} partly, {f.not_carried_out} not"
    if f.came_up > f.recorded:
        text += f"; {f.came_up - f.recorded} not recorded"
    return text + "."


def next_text(i: Intention) -> str:
    if i.next_session is None:
        return "no session since"
    text = str(i.next_session.date)
    followed = i.next_session.followed
    if followed is not None:
        text += f" (carried out: {'yes' if followed is True else 'no' if followed is False else followed})"
    return text


def practice_text(p: Practice) -> str:
    """`18 of 24 sessions answered positively (75%); 6 left it unanswered`."""
    if not p.answered:
        return "not answered"
    text = f"{p.positive} of {count(p.answered, 'session')} answered positively ({p.positive / p.answered:.0%})"
    if p.sessions > p.answered:
        text += f"; {p.sessions - p.answered} left it unanswered"
    return text


def signed(value: float | None) -> str:
    if value is None:
        return "–"
    if value == 0:
        return "0.00"
    return f"{'+' if value > 0 else '−'}{abs(value):.2f}"


def calibration_start(c: Calibration) -> str:
    """The one line of a section with no scores yet: how to start."""
    m = c.measure
    return (
        f"No client scores in these 12 weeks yet. To start, ask clients to rate each session ({m.name}, "
        f"{m.min:g} to {m.max:g}) and add the total when you log, or later with {Hint.CLIENT_SCORE}."
    )


def calibration_intro(c: Calibration) -> str:
    return (
        f"Your read of each client beside their own {c.measure.name} score, both on 0 to 10, "
        f"from {c.since} to {c.until}. Gap: their score minus your read (above 0: they rated the session higher)."
    )


def _read(s: ScoredSession, c: Calibration) -> str:
    return (
        f"{s.client} on {s.date}: your read {s.view:g}, their {c.measure.name} {s.score:g} "
        f"({s.score_10:.2f} of 10; gap {signed(s.gap)})"
    )


def calibration_extremes(c: Calibration) -> list[str]:
    if c.read_highest is None or c.read_lowest is None:
        return []
    return [
        f"You read them highest against their score: {_read(c.read_highest, c)}.",
        f"You read them lowest against their score: {_read(c.read_lowest, c)}.",
    ]


AGREEMENT = [(0.5, "closely"), (0.3, "moderately"), (0.1, "a little"), (-0.1, "hardly at all")]


def calibration_reading(c: Calibration) -> list[str]:
    """The figures of the 12 weeks, and a plain reading of them that works in both directions."""
    lines = []
    if not c.pairs:
        lines.append(
            "No session in these weeks has both your read and their score: answer the read question "
            "before you see their score, and the two can be set side by side."
        )
    else:
        lines.append(
            f"Over these 12 weeks: {count(c.pairs, 'pair')} of your read and their score, "
            f"mean gap {signed(c.mean_gap)}."
        )
        lead = "Clients often rate the alliance higher than their clinicians do"
        gap = abs(c.mean_gap or 0.0)
        if c.direction == "client_higher":
            lines.append(f"{lead}; here too, their scores ran {gap:.2f} points above your reads on average.")
        elif c.direction == "read_higher":
            lines.append(
                f"{lead}; here it went the other way: your reads ran {gap:.2f} points above their scores on average."
            )
        else:
            lines.append(f"{lead}; here your reads and their scores were close on average ({signed(c.mean_gap)}).")
        rho = c.rank_correlation
        if c.pairs < c.min_pairs:
            lines.append(f"The rank correlation shows from {c.min_pairs} pairs on ({c.pairs} so far).")
        elif rho is None:
            lines.append("The rank correlation cannot be worked out: your reads, or their scores, were all the same.")
        else:
            word = next((w for limit, w in AGREEMENT if rho >= limit), "in opposite directions")
            lines.append(
                f"Session by session, your reads and their scores rose and fell together {word} "
                f"(rank correlation {rho:.2f}; across studies, client and clinician ratings of one alliance "
                "agree at about r = .36)."
            )
    if c.discordant and c.measure.cutoff is not None:
        named = ", ".join(f"{s.client} on {s.date}" for s in c.discordant)
        lines.append(
            f"Discordant sessions (their score under {c.measure.cutoff:g} while your own ratings "
            f"averaged {c.discordant_self:g} or more): "
            f"{named}."
        )
    if c.left_out:
        lines.append(
            f"{count(c.left_out, 'score')} outside the {c.measure.name}'s range ({c.measure.min:g} to "
            f"{c.measure.max:g}) {'was' if c.left_out == 1 else 'were'} left out (on another measure, perhaps)."
        )
    return lines


def calibration_rows(c: Calibration) -> tuple[list[list[str]], float | None, float | None]:
    """Per client: code, pairs, your reads and their scores as sparklines on one scale, last score, mean gap."""
    lo, hi = _range([[s.view_10 for s in cl.sessions] + [s.score_10 for s in cl.sessions] for cl in c.clients])
    rows = []
    for cl in c.clients:
        last = next((s.score for s in reversed(cl.sessions) if s.score is not None), None)
        rows.append(
            [
                cl.client,
                str(cl.pairs),
                sparkline([s.view_10 for s in cl.sessions], lo, hi),
                sparkline([s.score_10 for s in cl.sessions], lo, hi),
                "–" if last is None else f"{last:g}",
                signed(cl.mean_gap),
            ]
        )
    return rows, lo, hi


CALIBRATION_HEADERS = ["Client", "Pairs", "Your reads", "Their scores", "Last score", "Mean gap"]


# -- Markdown ----------------------------------------------------------------------------


def _cell(text: Any) -> str:
    return visible(str(text)).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list[Any]], right: set[int] | None = None) -> list[str]:
    right = right or set()
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


def calibration_markdown(c: Calibration) -> list[str]:
    if not c.scores:
        return [calibration_start(c)]
    rows, _, _ = calibration_rows(c)
    out = [calibration_intro(c), ""]
    out += _md_table(
        CALIBRATION_HEADERS,
        [[r[0], r[1], f"`{r[2]}`", f"`{r[3]}`", r[4], r[5]] for r in rows],
        right={1, 4, 5},
    )
    extremes = calibration_extremes(c)
    if extremes:
        out += ["", *(f"- {line}" for line in extremes)]
    out += ["", " ".join(calibration_reading(c))]
    return out


def no_flags_text(report: Report) -> str:
    if report.calibration is not None and report.calibration.scores:
        return "No client's ratings or scores stand out this period."
    return "No client's ratings stand out this period."


def report_markdown(report: Report) -> str:
    """The review as a Markdown document; no control character of an answer is left in it."""
    return visible(_markdown(report))


def _markdown(report: Report) -> str:
    out = [f"# {headline(report)}", ""]
    if report.sessions == 0:
        return "\n".join([*out, empty_message(report), ""])
    out += [summary_line(report), "", "## Principles", ""]
    lo, hi = _range([[w.mean for w in p.weekly] for p in report.principles])
    out += _md_table(
        ["Principle", "This period", "Before", "Change", "Last 12 weeks", "Ratings"],
        [
            [
                p.title,
                _num(p.mean),
                _num(p.previous_mean),
                change_text(p.change),
                f"`{sparkline([w.mean for w in p.weekly], lo, hi)}`",
                p.n,
            ]
            for p in report.principles
        ],
        right={1, 2, 3, 5},
    )
    if report.focus:
        out += ["", "## Focus for next week", "", focus_text(report)]
        if report.focus.tip:
            out += ["", f"> Try: {report.focus.tip}"]
    out += ["", "## Clients to check in with", ""]
    if report.flags:
        out += ["Worth a moment of reflection before their next session.", ""]
        out += _md_table(
            ["Client", "What stands out", "Mean", "Recent sessions"],
            [
                [f.client, flag_reason(f, report), _num(f.mean), f"`{sparkline([s.mean for s in f.recent])}`"]
                for f in report.flags
            ],
            right={2},
        )
        if score_rules_text(report):
            out += ["", score_rules_text(report)]
    else:
        out.append(no_flags_text(report))
    out += ["", "## Ruptures and repairs", ""]
    if report.ruptures:
        out += _md_table(
            ["Date", "Client", "Kind", "Repair"],
            [
                [f"{r.date}{'' if r.in_period else ' (earlier)'}", r.client, r.kind or "–", rupture_state(r)]
                for r in report.ruptures
            ],
        )
    else:
        out.append("No ruptures recorded in this period, and none left open.")
    if report.calibration is not None:
        out += ["", "## Calibration: your read beside the client's score", ""]
        out += calibration_markdown(report.calibration)
    out += ["", "## Intentions from the previous period", ""]
    if report.intentions:
        out += _md_table(
            ["Set on", "Client", "Intention", "Next session"],
            [[i.date, i.client, i.text, next_text(i)] for i in report.intentions],
        )
    else:
        out.append("No intentions were set in the previous period.")
    if report.follow_through.came_up:
        out += ["", follow_through_text(report)]
    if report.practices:
        out += ["", "## Practices", ""]
        out += _md_table(["Practice", "How often"], [[p.title, practice_text(p)] for p in report.practices])
    if report.notes is not None:
        out += ["", "## Notes", ""]
        if not report.notes:
            out.append("No written reflections in this period.")
        for group in report.notes:
            out += [f"### {group.prompt}", ""]
            out += [f"- {n.date} · {n.client}: {_cell(n.text)}" for n in group.notes]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- Rich ---------------------------------------------------------------------------------


def calibration_view(c: Calibration, width: int, title: Any) -> list[Any]:
    """The Calibration section as Rich renderables: the table, the extremes, the reading."""
    from rich.text import Text

    if not c.scores:
        return [title, Text(calibration_start(c), style="dim")]
    rows, _, _ = calibration_rows(c)
    cells = [[(r[0], ""), (r[1], ""), (r[2], "cyan"), (r[3], "magenta"), (r[4], ""), (r[5], "")] for r in rows]
    parts: list[Any] = [title, Text(calibration_intro(c), style="dim")]
    parts.append(columns_text(CALIBRATION_HEADERS, cells, width, right={1, 4, 5}))
    parts += [Text(line) for line in calibration_extremes(c)]
    parts += [Text(line) for line in calibration_reading(c)]
    return parts


def report_view(report: Report, width: int = 80) -> Any:
    """A Rich renderable of the whole review, laid out for a console `width` columns wide."""
    from rich.console import Group
    from rich.text import Text

    def section(title: str, gap: bool = True) -> Text:
        return Text(f"\n{title}" if gap else title, style="bold")

    def calm(text: str) -> Text:
        return Text(text, style="dim")

    parts: list[Any] = [Text(visible(headline(report)), style="bold")]
    if report.sessions == 0:
        parts.append(Text(empty_message(report)))
        return Group(*parts)
    parts.append(Text(summary_line(report), style="dim"))

    lo, hi = _range([[w.mean for w in p.weekly] for p in report.principles])
    rows = []
    for p in report.principles:
        colour = "green" if (p.change or 0) > 0 else "yellow" if (p.change or 0) < 0 else "dim"
        rows.append(
            [
                (p.title, ""),
                (_num(p.mean), ""),
                (_num(p.previous_mean), ""),
                (change_text(p.change), colour),
                (sparkline([w.mean for w in p.weekly], lo, hi), "cyan"),
                (str(p.n), ""),
            ]
        )
    principles = columns_text(
        ["Principle", "Now", "Before", "Change", "12 weeks", "Ratings"], rows, width, right={1, 2, 3}
    )
    parts += [section("Principles"), principles]

    if report.focus:
        parts += [section("Focus for next week"), Text(visible(focus_text(report)))]
        if report.focus.tip:
            parts.append(Text.assemble(("Try: ", "bold"), visible(report.focus.tip)))

    side = width >= WIDE
    half = (width - 4) // 2 if side else width
    flags: list[Any] = [section("Clients to check in with", gap=not side)]
    if report.flags:
        flags.append(calm("Worth a moment of reflection before their next session."))
        rows = [
            [(f.client, ""), (sparkline([s.mean for s in f.recent]), "cyan"), (flag_reason(f, report), "")]
            for f in report.flags
        ]
        flags.append(columns_text(["Client", "Recent", "What stands out"], rows, half))
        if score_rules_text(report):
            flags.append(calm(score_rules_text(report)))
    else:
        flags.append(calm(no_flags_text(report)))

    ruptures: list[Any] = [section("Ruptures and repairs", gap=not side)]
    if report.ruptures:
        rows = [
            [
                (str(r.date), ""),
                ("" if r.in_period else "earlier", "dim"),
                (r.client, ""),
                (r.kind or "–", ""),
                (rupture_state(r), "yellow" if r.open else "green"),
            ]
            for r in report.ruptures
        ]
        ruptures.append(columns_text(["Date", "", "Client", "Kind", "Repair"], rows, half))
    else:
        ruptures.append(calm("No ruptures recorded in this period, and none left open."))

    if side:
        from rich.table import Table

        grid = Table.grid(padding=(0, 4))
        grid.add_column(width=half)
        grid.add_column(width=half)
        grid.add_row(Group(*flags), Group(*ruptures))
        parts += [Text(""), grid]
    else:
        parts += [*flags, *ruptures]

    if report.calibration is not None:
        parts += calibration_view(
            report.calibration, width, section("Calibration: your read beside the client's score")
        )

    parts.append(section("Intentions from the previous period"))
    if report.intentions:
        rows = [[(str(i.date), ""), (i.client, ""), (next_text(i), "dim"), (i.text, "")] for i in report.intentions]
        parts.append(columns_text(["Set on", "Client", "Next session", "Intention"], rows, width))
    else:
        parts.append(calm("No intentions were set in the previous period."))
    if report.follow_through.came_up:
        parts.append(Text(follow_through_text(report)))

    if report.practices:
        parts.append(section("Practices"))
        rows = [[(p.title, ""), (practice_text(p), "")] for p in report.practices]
        parts.append(columns_text(["Practice", "How often"], rows, width))

    if report.notes is not None:
        parts.append(section("Notes"))
        if not report.notes:
            parts.append(calm("No written reflections in this period."))
        for group in report.notes:
            parts.append(Text(visible(group.prompt), style="bold"))
            rows = [[(str(n.date), "dim"), (n.client, "dim"), (n.text, "")] for n in group.notes]
            parts.append(columns_text(["Date", "Client", "Reflection"], rows, width))
    return Group(*parts)
