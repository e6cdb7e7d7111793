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

from alliance_cli.core.messages import count
from alliance_cli.core.text import visible
from alliance_cli.ui.columns import columns_text
from alliance_cli.ui.sparkline import sparkline

if TYPE_CHECKING:
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
    if "falling" in flag.reasons:
        parts.append(f"lower in each of the last {report.thresholds.falling_sessions} sessions")
    if "low_mean" in flag.reasons:
        parts.append(f"average {_num(flag.mean)} this period (below {report.thresholds.low_mean:g})")
    return "; ".join(parts)


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


# -- Markdown ----------------------------------------------------------------------------


def _cell(text: Any) -> str:
    return visible(str(text)).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _md_table(headers: list[str], rows: list[list[Any]], right: set[int] | None = None) -> list[str]:
    right = right or set()
    lines = ["| " + " | ".join(headers) + " |"]
    lines.append("|" + "|".join("---:" if i in right else "---" for i in range(len(headers))) + "|")
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


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
    else:
        out.append("No client's ratings stand out this period.")
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
    else:
        flags.append(calm("No client's ratings stand out this period."))

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
