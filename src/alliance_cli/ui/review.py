"""The weekly review, rendered: a Rich view for the terminal, Markdown for supervision.

Both read the same `report.Report`, never the journal (its JSON is the model itself, written
by `ui.formats`). Rich is imported inside the Rich functions only, so `--format json` and
`--format markdown` do not pay for it.

The Rich view is made of Rich tables that shrink to the console and wrap inside their cells,
from 60 to 200 columns: no line is longer than the width and no cell's text runs into the
next column. On a terminal, a review taller than the screen goes through the pager (`less`,
or $PAGER); `--no-pager` prints it straight, and a pipe never gets a pager.

Every figure has one decimal; every sparkline is `ui.sparkline`'s, on the one 0-to-10 scale.
Answers (notes, intentions, a rupture's markers) and a prompt set's words are shown through
`core.text.visible` in both formats: a control character in them is seen, never obeyed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from alliance_cli.core.messages import Hint, count
from alliance_cli.core.text import visible
from alliance_cli.ui.sparkline import rate_sparkline, sparkline

if TYPE_CHECKING:
    from alliance_cli.core.calibration import Calibration, MeasureInfo, ScoreAlert, ScoredSession
    from alliance_cli.core.report import ClientFlag, Goal, Intention, Practice, Report, Rupture

OPENING = (
    "These are your own ratings of your own sessions, beside your own usual level. "
    "A change is a change, not a verdict: a prompt to reflect, never a score of you."
)
QUIET_WITHDRAWAL = (
    "Quiet withdrawal (going along too readily, short answers, changing the subject) is the "
    "easiest kind of rupture to miss, so a week without one recorded is not, by itself, good news."
)
DIRECTION = {"up": "▲", "down": "▼", "same": "=", None: ""}


def _num(value: float | None) -> str:
    # One decimal, as the model rounds them: the report's rules decide on these figures.
    return "–" if value is None else f"{value:.1f}"


def change_text(change: float | None) -> str:
    if change is None:
        return "–"
    if change == 0:
        return "= 0.0"
    return f"{'▲' if change > 0 else '▼'} {'+' if change > 0 else '−'}{abs(change):.1f}"


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


def baseline_line(report: Report) -> str:
    """`Your baseline: 7.4, the mean of your 130 sessions of the last 12 weeks; a usual week of yours: 7.1 to 7.7.`"""
    b = report.baseline
    if b.mean is None:
        return "No baseline yet: it is the mean of your sessions of the last weeks, and fills in as you log."
    text = (
        f"Your baseline: {_num(b.mean)}, the mean of your {count(b.sessions, 'session')} of the last "
        f"{count(report.thresholds.baseline_weeks, 'week')}"
    )
    if b.usual_low is not None and b.usual_high is not None:
        text += f"; a usual week of yours: {_num(b.usual_low)} to {_num(b.usual_high)}"
    return text + "."


def empty_message(report: Report) -> str:
    who = f" with {report.client}" if report.client else ""
    return (
        f"No sessions{who} logged from {report.period.start} to {report.period.end}. "
        "That is fine: the review fills in as you log sessions with `alliance log` "
        "(or try `alliance demo` to see a filled-in example)."
    )


def goal_lines(goal: Goal) -> list[str]:
    """The learning goal: what, since when, how often practised, and its principle's rating."""
    state = "active" if goal.ended is None else f"ended {goal.ended}"
    lines = [f"{goal.text} ({state}; set {goal.started}, {count(goal.weeks_active, 'week')})."]
    answered = goal.practised + goal.partly + goal.not_practised  # "no opportunity" counts neither way
    if answered or goal.no_opportunity:
        text = f"Practised in {goal.practised} of {count(answered, 'session')} that gave the chance"
        if goal.partly:
            text += f" (partly in {goal.partly})"
        if goal.no_opportunity:
            text += f"; {goal.no_opportunity} gave no opportunity"
        lines.append(text + ".")
    else:
        lines.append("Not asked about in a session yet: the log asks once a session while the goal is active.")
    if goal.principle_title:
        if goal.since_mean is not None and goal.before_mean is not None:
            lines.append(
                f"{goal.principle_title}: {_num(goal.before_mean)} in the 4 weeks before, "
                f"{_num(goal.since_mean)} since ({change_text(round(goal.since_mean - goal.before_mean, 1))})."
            )
        elif goal.since_mean is not None:
            lines.append(f"{goal.principle_title}: {_num(goal.since_mean)} since it began.")
    return lines


def focus_text(report: Report) -> str:
    focus = report.focus
    t = report.thresholds
    if focus is None:
        if report.no_focus == "too_few_ratings":
            return (
                f"No clear focus this week: a principle needs {t.focus_min_ratings} ratings in the period "
                "before the review picks it out of the noise."
            )
        return (
            f"No clear focus this week: no principle sat at least {t.focus_margin:.1f} below the others of the "
            f"same sessions and was the lowest in {t.focus_weeks_lowest} of the last {t.focus_weeks} weeks."
        )
    if focus.reason == "goal":
        return f"{focus.title}: your learning goal, for as long as it lasts."
    return (
        f"{focus.title}: once each session's own level is taken out, it sat {_num(focus.below)} below the "
        f"other principles, and was the lowest in {focus.weeks_lowest} of the last {t.focus_weeks} weeks."
    )


REASON_TEXT = {
    "open_rupture": "a rupture still open",
    "confrontation": "a confrontation in the last {confrontation_weeks} weeks",
    "early_below_baseline": "early sessions, {early_below_baseline:.1f}+ below your baseline",
    "below_baseline": "{below_baseline:.1f}+ below your baseline this period",
    "falling": "last session {falling_sds:.1f}+ of their usual spread below their mean",
}


def flag_reason(flag: ClientFlag, report: Report) -> str:
    parts = []
    if flag.score_alerts and report.calibration is not None:
        parts += [score_alert_text(a, report.calibration.measure) for a in flag.score_alerts]
    limits = dict(report.thresholds)  # its fields as they are: no serializer to build
    parts += [REASON_TEXT[r].format(**limits) for r in flag.reasons if r in REASON_TEXT]
    return "; ".join(parts)


def last_text(flag: ClientFlag) -> str:
    """`▼ 6.2`: their last session's mean, and its direction from the one before."""
    if flag.last is None:
        return "–"
    return f"{DIRECTION[flag.direction]} {_num(flag.last)}".lstrip()


def more_text(report: Report) -> str:
    more = len(report.flags) - report.thresholds.check_ins_shown
    return f"and {more} more: `alliance clients`" if more > 0 else ""


def score_alert_text(alert: ScoreAlert, measure: MeasureInfo) -> str:
    """`their SRS 31 on 2026-11-18, below 36 and down from 33; discordant: your own ratings averaged 8.60`."""
    details = []
    if alert.below_cutoff and measure.cutoff is not None:
        details.append(f"below {measure.cutoff:g}")
    if alert.fell and alert.previous is not None:
        details.append(f"down from {alert.previous:g}")
    text = f"their {measure.name} {alert.score:g} on {alert.date}, {' and '.join(details)}"
    if alert.discordant and alert.self_mean is not None:
        text += f"; discordant: your own ratings averaged {alert.self_mean:.1f}"
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


def no_flags_text(report: Report) -> str:
    if report.calibration is not None and report.calibration.scores:
        return "No client's ratings, scores or ruptures stand out this period."
    return "No client's ratings or ruptures stand out this period."


def rupture_state(r: Rupture) -> str:
    if r.open:
        return f"{r.repaired or 'not recorded'}, still open"
    if r.repaired == "yes":
        return "repaired"
    return "repaired later"


def rupture_what(r: Rupture) -> str:
    """The kind and what you noticed: `withdrawal: went quiet; agreed too readily`."""
    kind = r.kind or "kind not recorded"
    return f"{kind}: {'; '.join(r.markers)}" if r.markers else kind


def rupture_repair(r: Rupture) -> str:
    """What you tried and how the client responded, then where it stands."""
    parts = []
    if r.strategies:
        parts.append("; ".join(r.strategies))
    if r.response:
        parts.append(f"→ {r.response}")
    parts.append(f"({rupture_state(r)})" if parts else rupture_state(r))
    return " ".join(parts)


def rupture_summary(report: Report) -> str:
    """`3 ruptures in 24 sessions this period (12%); 12 weeks:` (the sparkline follows)."""
    in_period = [r for r in report.ruptures if r.in_period]
    last = report.rupture_weekly[-1] if report.rupture_weekly else None
    text = f"{count(len(in_period), 'rupture')} recorded this period"
    if report.sessions:
        text += f", in {count(report.sessions, 'session')} ({len(in_period) / report.sessions:.0%})"
    del last
    return text + "."


def older_open_text(report: Report) -> str:
    n = report.older_open_ruptures
    if not n:
        return ""
    return (
        f"and {n} older still open (from before the last {report.thresholds.open_rupture_weeks} weeks, with "
        "clients you saw this period): `alliance clients` shows them by client."
    )


def strategies_text(report: Report) -> str:
    """`Went with re-engagement (12 weeks): explained the rationale 2 of 3; ...`"""
    if not report.strategies:
        return ""
    parts = [f"{visible(s.strategy)} {s.re_engaged} of {s.tried}" for s in report.strategies]
    return "Repair strategies and how often the client re-engaged after them (12 weeks): " + "; ".join(parts) + "."


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


def intentions_note(report: Report) -> str:
    shown, total = len(report.intentions), report.intentions_set
    if not total:
        return "No intentions were set in the previous period."
    if not shown:
        return (
            f"None of the {count(total, 'intention')} set in the previous period is recorded as partly or not "
            "carried out, or still waits for a session."
        )
    what = count(total, "intention")
    return f"{shown} of the {what} set in the previous period: partly or not carried out, or no session since."


def next_text(i: Intention) -> str:
    if i.next_session is None:
        return "no session since"
    text = str(i.next_session.date)
    followed = i.next_session.followed
    if followed is not None:
        text += f" (carried out: {'yes' if followed is True else 'no' if followed is False else followed})"
    return text


def practice_text(p: Practice) -> str:
    """`18 of 24 (75%); 3 did not come up or not sure; 6 left it unanswered`."""
    if not p.answered:
        text = "no answer that counts"
    else:
        text = f"{p.positive} of {p.answered} ({p.positive / p.answered:.0%})"
    if p.neutral:
        text += f"; {p.neutral} neutral (did not come up, not sure)"
    unanswered = p.sessions - p.answered - p.neutral
    if unanswered > 0:
        text += f"; {unanswered} left it unanswered"
    return text


def note_rating(n: Any) -> str:
    return "" if n.rating is None else f"{n.rating:g}"


def signed(value: float | None) -> str:
    """A gap to one decimal, signed (+0.4, −1.2; 0.0 when it shows as none)."""
    if value is None:
        return "–"
    if round(value, 1) == 0:
        return "0.0"
    return f"{'+' if value > 0 else '−'}{abs(value):.1f}"


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
        f"({s.score_10:.1f} of 10; gap {signed(s.gap)})"
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
            lines.append(f"{lead}; here too, their scores ran {gap:.1f} points above your reads on average.")
        elif c.direction == "read_higher":
            lines.append(
                f"{lead}; here it went the other way: your reads ran {gap:.1f} points above their scores on average."
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


def calibration_rows(c: Calibration) -> list[list[str]]:
    """Per client: code, pairs, your reads and their scores as sparklines on one scale, last score, mean gap."""
    rows = []
    for cl in c.clients:
        last = next((s.score for s in reversed(cl.sessions) if s.score is not None), None)
        rows.append(
            [
                cl.client,
                str(cl.pairs),
                sparkline([s.view_10 for s in cl.sessions]),
                sparkline([s.score_10 for s in cl.sessions]),
                "–" if last is None else f"{last:g}",
                signed(cl.mean_gap),
            ]
        )
    return rows


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
    rows = calibration_rows(c)
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


def report_markdown(report: Report) -> str:
    """The review as a Markdown document; no control character of an answer is left in it."""
    return visible(_markdown(report))


def _markdown(report: Report) -> str:
    out = [f"# {headline(report)}", ""]
    if report.sessions == 0:
        return "\n".join([*out, empty_message(report), ""])
    out += [f"_{OPENING}_", "", summary_line(report), "", baseline_line(report), "", "## Principles", ""]
    out += _md_table(
        ["Principle", "This period", "Before", "Change", "Last 12 weeks", "Ratings"],
        [
            [
                p.title,
                _num(p.mean),
                _num(p.previous_mean),
                change_text(p.change),
                f"`{sparkline([w.mean for w in p.weekly])}`",
                p.n,
            ]
            for p in report.principles
        ],
        right={1, 2, 3, 5},
    )
    if report.goal:
        out += ["", "## Your learning goal", "", *goal_lines(report.goal)]
    out += ["", "## Focus for next week", "", focus_text(report)]
    if report.focus and report.focus.tip:
        out += ["", f"> Try: {report.focus.tip}"]
    out += ["", "## Clients to check in with", ""]
    if report.flags:
        shown = report.flags[: report.thresholds.check_ins_shown]
        out += _md_table(
            ["Client", "Last", "Recent sessions", "What stands out"],
            [
                [f.client, last_text(f), f"`{sparkline([s.mean for s in f.recent])}`", flag_reason(f, report)]
                for f in shown
            ],
        )
        if more_text(report):
            out += ["", more_text(report)]
        if score_rules_text(report):
            out += ["", score_rules_text(report)]
    else:
        out.append(no_flags_text(report))
    out += ["", "## Ruptures and repairs", ""]
    rates = rate_sparkline([w.rate for w in report.rupture_weekly])
    out += [
        f"{rupture_summary(report)} Rupture rate, 12 weeks: `{rates}`",
        "",
    ]
    if report.ruptures:
        out += _md_table(
            ["Date", "Client", "What you noticed", "Repair"],
            [
                [f"{r.date}{'' if r.in_period else ' (earlier)'}", r.client, rupture_what(r), rupture_repair(r)]
                for r in report.ruptures
            ],
        )
    if older_open_text(report):
        out += ["", older_open_text(report)]
    if strategies_text(report):
        out += ["", strategies_text(report)]
    if not any(r.in_period for r in report.ruptures):
        out += ["", QUIET_WITHDRAWAL]
    if report.calibration is not None:
        out += ["", "## Calibration: your read beside the client's score", ""]
        out += calibration_markdown(report.calibration)
    out += ["", "## Intentions from the previous period", ""]
    if report.follow_through.came_up:
        out += [follow_through_text(report), ""]
    if any(w.rate is not None for w in report.follow_through_weekly):
        out += [f"Carried out, 12 weeks: `{rate_sparkline([w.rate for w in report.follow_through_weekly])}`", ""]
    out.append(intentions_note(report))
    if report.intentions:
        out += [""] + _md_table(
            ["Set on", "Client", "Intention", "Next session"],
            [[i.date, i.client, i.text, next_text(i)] for i in report.intentions],
        )
    if report.practices:
        out += ["", "## Practices", ""]
        out += _md_table(["What was asked", "How often"], [[p.title, practice_text(p)] for p in report.practices])
    if report.notes is not None:
        out += ["", "## Notes", ""]
        if not report.notes:
            out.append("No written reflections in this period.")
        for group in report.notes:
            out += [f"### {group.prompt}", ""]
            for n in group.notes:
                rated = (
                    f" ({group.rating_title} {note_rating(n)})" if group.rating_title and n.rating is not None else ""
                )
                out.append(f"- {n.date} · {n.client}{rated}: {_cell(n.text)}")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# -- Rich ---------------------------------------------------------------------------------


GAP = 2  # spaces between columns
_REWRAPPED = set("\t\n\r\x0b\x0c")  # what textwrap turns into spaces


def _fit(line: str, width: int) -> list[str]:
    """One line of a cell wrapped to `width` terminal cells: at spaces where it can, and a word
    longer than the column folded, so nothing runs into the next column."""
    from rich.cells import cell_len

    if cell_len(line) <= width and line.strip() and line == line.rstrip() and not _REWRAPPED & set(line):
        return [line]  # what textwrap would give, without it: most cells fit
    import textwrap

    out = []
    for piece in textwrap.wrap(line, width, break_long_words=True, break_on_hyphens=False) or [""]:
        while cell_len(piece) > width:  # wide characters take two cells each
            cut = len(piece)
            while cut > 1 and cell_len(piece[:cut]) > width:
                cut -= 1
            out.append(piece[:cut])
            piece = piece[cut:]
        out.append(piece)
    return out


def _widths(natural: list[int], floor: list[int], width: int) -> list[int]:
    """Column widths within `width`: each as wide as its longest line when they all fit, else
    the widest wrapping column gives up a cell at a time, down to its floor."""
    room = width - GAP * (len(natural) - 1)
    sizes = list(natural)
    while sum(sizes) > room:
        can = [i for i in range(len(sizes)) if sizes[i] > floor[i]]
        if not can:
            break
        widest = max(can, key=lambda i: (sizes[i] - floor[i], i))
        sizes[widest] -= 1
    return sizes


def _table(
    headers: list[str],
    rows: list[list[tuple[str, str]]],
    width: int,
    *,
    right: set[int] | None = None,
    fixed: set[int] | None = None,
) -> Any:
    """A table as one Rich Text that fits `width`: columns shrink and their cells wrap within
    them (`fixed` ones, figures and sparklines, never wrap), so no line is longer than the
    width and no cell runs into the next. Laid out here rather than by Rich's Table, which
    measures every cell of every row several times: the review prints in a tenth of the time.
    """
    from rich.cells import cell_len
    from rich.text import Text

    right, fixed = right or set(), fixed or set()
    cells = [[(visible(text).split("\n"), style) for text, style in row] for row in rows]
    n = len(headers)
    natural = [max([cell_len(headers[i]), *(cell_len(x) for row in cells for x in row[i][0])]) for i in range(n)]
    # A fixed column keeps its cells whole (its heading may wrap at a space); another wraps
    # down to 8 cells, or its heading's longest word.
    floor = []
    for i in range(n):
        word = max(cell_len(w) for w in headers[i].split() or [""])
        if i in fixed:
            floor.append(max([word, *(cell_len(x) for row in cells for x in row[i][0])]))
        else:
            floor.append(min(natural[i], max(word, 8)))
    sizes = _widths(natural, floor, width)
    out = Text()

    def line(parts: list[tuple[str, str]]) -> None:
        texts = []
        for i, (text, style) in enumerate(parts):
            gap = " " * (sizes[i] - cell_len(text))
            texts.append((gap + text if i in right else text + gap, style))
        while texts and not texts[-1][0].strip():
            texts.pop()
        for i, (text, style) in enumerate(texts):
            out.append(text.rstrip() if i == len(texts) - 1 else text, style)
            if i < len(texts) - 1:
                out.append(" " * GAP)
        out.append("\n")

    heads = [_fit(h, sizes[i]) for i, h in enumerate(headers)]
    for k in range(max(len(h) for h in heads)):
        line([(h[k] if k < len(h) else "", "bold") for h in heads])
    out.append("─" * min(width, sum(sizes) + GAP * (n - 1)) + "\n", "dim")
    for row in cells:
        wrapped = [[piece for part in text for piece in _fit(part, sizes[i])] for i, (text, _) in enumerate(row)]
        for k in range(max(len(w) for w in wrapped)):
            line([(w[k] if k < len(w) else "", row[i][1]) for i, w in enumerate(wrapped)])
    out.rstrip()
    # Every line fits (the usual case): Rich need not look for places to wrap them again.
    out.no_wrap = sum(sizes) + GAP * (n - 1) <= width
    return out


def calibration_view(c: Calibration, title: Any, width: int) -> list[Any]:
    """The Calibration section as Rich renderables: the table, the extremes, the reading."""
    from rich.text import Text

    if not c.scores:
        return [title, Text(calibration_start(c), style="dim")]
    rows = calibration_rows(c)
    cells = [[(r[0], ""), (r[1], ""), (r[2], "cyan"), (r[3], "magenta"), (r[4], ""), (r[5], "")] for r in rows]
    parts: list[Any] = [title, Text(calibration_intro(c), style="dim")]
    parts.append(_table(CALIBRATION_HEADERS, cells, width, right={1, 4, 5}, fixed={1, 2, 3, 4, 5}))
    parts += [Text(line) for line in calibration_extremes(c)]
    parts += [Text(line) for line in calibration_reading(c)]
    return parts


def report_view(report: Report, width: int = 80) -> Any:
    """A Rich renderable of the whole review (it fits any console from 60 columns on)."""
    from rich.console import Group
    from rich.text import Text

    def section(title: str) -> Text:
        return Text(f"\n{title}", style="bold")

    def calm(text: str) -> Text:
        return Text(visible(text), style="dim")

    def line(text: str, style: str = "") -> Text:
        return Text(visible(text), style=style)

    parts: list[Any] = [Text(visible(headline(report)), style="bold")]
    if report.sessions == 0:
        parts.append(Text(empty_message(report)))
        return Group(*parts)
    parts += [calm(OPENING), calm(summary_line(report)), line(baseline_line(report))]

    rows = []
    for p in report.principles:
        colour = "green" if (p.change or 0) > 0 else "yellow" if (p.change or 0) < 0 else "dim"
        rows.append(
            [(p.title, ""), (_num(p.mean), ""), (_num(p.previous_mean), ""), (change_text(p.change), colour),
             (sparkline([w.mean for w in p.weekly]), "cyan"), (str(p.n), "")]
        )  # fmt: skip
    parts += [
        section("Principles"),
        _table(["Principle", "Now", "Before", "Change", "12 weeks", "Ratings"], rows, width, right={1, 2, 3, 5},
               fixed={1, 2, 3, 4, 5}),
    ]  # fmt: skip

    if report.goal:
        parts += [section("Your learning goal"), *(line(t) for t in goal_lines(report.goal))]
    parts += [section("Focus for next week"), line(focus_text(report), "" if report.focus else "dim")]
    if report.focus and report.focus.tip:
        parts.append(Text.assemble(("Try: ", "bold"), visible(report.focus.tip)))

    parts.append(section("Clients to check in with"))
    if report.flags:
        shown = report.flags[: report.thresholds.check_ins_shown]
        rows = [
            [(f.client, "bold"), (last_text(f), ""), (sparkline([s.mean for s in f.recent]), "cyan"),
             (flag_reason(f, report), "")]
            for f in shown
        ]  # fmt: skip
        parts.append(_table(["Client", "Last", "Recent", "What stands out"], rows, width, right={1}, fixed={1, 2}))
        if more_text(report):
            parts.append(line(more_text(report)))
        if score_rules_text(report):
            parts.append(calm(score_rules_text(report)))
    else:
        parts.append(calm(no_flags_text(report)))

    parts.append(section("Ruptures and repairs"))
    parts.append(
        Text.assemble(
            visible(rupture_summary(report)) + " Rate, 12 weeks: ",
            (rate_sparkline([w.rate for w in report.rupture_weekly]), "cyan"),
        )
    )
    if report.ruptures:
        rows = [
            [(str(r.date) + ("" if r.in_period else "\nearlier"), ""), (r.client, ""), (rupture_what(r), ""),
             (rupture_repair(r), "yellow" if r.open else "green")]
            for r in report.ruptures
        ]  # fmt: skip
        parts.append(_table(["Date", "Client", "What you noticed", "Repair"], rows, width, fixed={0}))
    if older_open_text(report):
        parts.append(line(older_open_text(report), "yellow"))
    if strategies_text(report):
        parts.append(line(strategies_text(report)))
    if not any(r.in_period for r in report.ruptures):
        parts.append(calm(QUIET_WITHDRAWAL))

    if report.calibration is not None:
        parts += calibration_view(
            report.calibration, section("Calibration: your read beside the client's score"), width
        )

    parts.append(section("Intentions from the previous period"))
    if report.follow_through.came_up:
        parts.append(line(follow_through_text(report)))
    if any(w.rate is not None for w in report.follow_through_weekly):
        rates = rate_sparkline([w.rate for w in report.follow_through_weekly])
        parts.append(Text.assemble("Carried out, 12 weeks: ", (rates, "cyan")))
    parts.append(calm(intentions_note(report)))
    if report.intentions:
        rows = [[(str(i.date), ""), (i.client, ""), (i.text, ""), (next_text(i), "dim")] for i in report.intentions]
        parts.append(_table(["Set on", "Client", "Intention", "Next session"], rows, width, fixed={0}))

    if report.practices:
        parts.append(section("Practices"))
        rows = [[(p.title, ""), (practice_text(p), "")] for p in report.practices]
        parts.append(_table(["What was asked", "How often"], rows, width))

    if report.notes is not None:
        parts.append(section("Notes"))
        if not report.notes:
            parts.append(calm("No written reflections in this period."))
        for group in report.notes:
            parts.append(Text(visible(group.prompt), style="bold"))
            headers = ["Date", "Client", *([group.rating_title] if group.rating_title else []), "Reflection"]
            rows = [
                [(str(n.date), "dim"), (n.client, "dim"), *([(note_rating(n), "")] if group.rating_title else []),
                 (n.text, "")]
                for n in group.notes
            ]  # fmt: skip
            parts.append(_table(headers, rows, width, right={2} if group.rating_title else set(), fixed={0}))
    return Group(*parts)


def print_review(report: Report, *, pager: bool = True) -> None:
    """The review on stdout; through the pager when stdout is a terminal, the review is taller
    than it and `pager` (`--no-pager` turns it off; a pipe never gets one)."""
    from alliance_cli.ui.formats import stdout_console

    console = stdout_console()
    view = report_view(report, console.width)
    if pager and console.is_terminal and not console.is_dumb_terminal:
        lines = console.render_lines(view, console.options, pad=False)
        if len(lines) > console.height:
            os.environ.setdefault("LESS", "-R")  # less shows the colours instead of their codes
            with console.pager(styles=True):
                console.print(view)
            return
    console.print(view)
