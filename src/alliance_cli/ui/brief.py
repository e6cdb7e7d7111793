"""The supervision brief as Markdown (CommonMark, with pipe tables), in parts `ui.html` reuses.

Free text is escaped so that a note can never turn into a heading, a link or a table
cell's end; control characters are dropped (`core.text.visible`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from alliance_cli.core.brief import Brief, Case, GoalProgress, TimelinePoint
from alliance_cli.core.calibration import Calibration
from alliance_cli.core.messages import count
from alliance_cli.core.text import visible
from alliance_cli.ui.review import signed

TITLE = "Supervision brief"
QUESTIONS = "What you want help with"
TIMELINE = "Timeline"
RUPTURES = "Ruptures"
NOTES = "Feelings and what was going on"
INTENTIONS = "Intentions"
GOAL = "Learning goal"
CALIBRATION = "Calibration"
CASE_SECTIONS = (QUESTIONS, TIMELINE, RUPTURES, NOTES, INTENTIONS)
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


def esc(text: str) -> str:
    """Free text as inline Markdown: one line, every character that could start markup escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def _n(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


@dataclass(frozen=True)
class CasePart:
    case: Case
    heading: str  # the case's "## Case ..." line
    intro: str
    body: str  # every section after the intro, Markdown


def head_markdown(brief: Brief) -> str:
    span = f"{day(brief.start)} to {day(brief.end)}" if brief.start != brief.end else day(brief.end)
    out = [f"# {TITLE}, {span}", ""]
    if brief.cases:
        codes = ", ".join(c.client for c in brief.cases)
        if brief.from_marks:
            out.append(f"{count(len(brief.cases), 'case')} marked for supervision in this period: {codes}.")
        else:
            out.append(f"{count(len(brief.cases), 'case')} you chose: {codes}.")
    elif brief.from_marks:
        out += [nothing_marked(brief)]
    if brief.unknown:
        out += ["", f"No session up to {day(brief.end)} has the client code {', '.join(brief.unknown)}."]
    if brief.redacted:
        out += ["", "What could identify a client in the written answers is replaced with \\[redacted]."]
    return "\n".join(out) + "\n"


def nothing_marked(brief: Brief) -> str:
    text = f"Nothing was marked for supervision between {day(brief.start)} and {day(brief.end)}."
    if brief.can_mark:
        return (
            f"{text} To bring a session, answer yes to the supervision question when you log it "
            '(`alliance log --client C-014 --set for_supervision=yes --set supervision_question="..."`), '
            "or later with `alliance edit ID --set for_supervision=yes`; "
            "or name the case: `alliance report --supervision --client C-014`."
        )
    return (
        f"{text} Your prompt set has no question that marks a session for supervision; "
        "name the case instead: `alliance report --supervision --client C-014`."
    )


def _timeline_table(points: list[TimelinePoint], scores: bool, reads: bool) -> list[str]:
    marks = any(p.marked for p in points)
    headers = ["Date", "Your ratings"]
    headers += ["Client's score"] if scores else []
    headers += ["Your prediction"] if reads else []
    headers += ["Rupture"] + (["For supervision"] if marks else [])
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(["---"] + ["---:"] * (1 + scores + reads) + ["---"] * (1 + marks)) + "|",
    ]
    for p in points:
        cells = [p.day.isoformat(), _n(p.self_mean)]
        cells += [_n(p.score)] if scores else []
        cells += [_n(p.read)] if reads else []
        cells += ["yes" if p.rupture else ""] + (["yes" if p.marked else ""] if marks else [])
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def case_part(case: Case) -> CasePart:
    heading = f"## Case {case.client}"
    since = f"{count(case.sessions, 'session')} since {day(case.first_day)}" if case.first_day else ""
    if case.reason == "marked":
        marked = [p.day for p in case.timeline if p.marked]
        why = f"Marked for supervision on {', '.join(day(d) for d in marked)}." if marked else "Marked for supervision."
    else:
        why = "You chose this case."
    intro = f"{why} {since}.".strip()
    out = [f"### {QUESTIONS}", ""]
    out += [f"- {day(q.day)}: {esc(q.text)}" for q in case.questions] or ["No question written down for this case."]
    out += ["", f"### {TIMELINE}", ""]
    scale = "all on 0 to 10" if case.has_scores else "mean of your self-ratings, 0 to 10"
    out += [f"The last {count(len(case.timeline), 'session')} up to the brief's end ({scale}).", ""]
    out += _timeline_table(case.timeline, case.has_scores, case.has_reads)
    out += ["", f"### {RUPTURES}", ""]
    if not case.ruptures:
        out.append("No rupture recorded in these sessions.")
    for r in case.ruptures:
        state = "still open" if r.open else "repaired at a later session" if r.repaired_later else "repaired"
        out.append(f"- **{day(r.day)}** (session {r.session_id}, {state})")
        out += [f"  - {esc(d.label)}: {esc(d.value)}" for d in r.details]
    out += ["", f"### {NOTES}", ""]
    out += [f"- {day(n.day)}, *{esc(n.label)}*: {esc(n.text)}" for n in case.notes] or [
        "Nothing written about your feelings or the relationship in these sessions."
    ]
    out += ["", f"### {INTENTIONS}", ""]
    for i in case.intentions:
        if i.next_day is None:
            then = "no session since"
        elif i.followed is None:
            then = f"not followed up at the next session ({day(i.next_day)})"
        else:
            then = {"yes": "carried out", "partly": "partly carried out", "no": "not carried out"}.get(
                i.followed, esc(i.followed)
            ) + f" ({day(i.next_day)})"
        line = f"- {day(i.day)}: {esc(i.text)} — {then}"
        out.append(line + (f"; {esc(i.note)}" if i.note else ""))
    if not case.intentions:
        out.append("No intention set in these sessions.")
    return CasePart(case, heading, intro, "\n".join(out) + "\n")


def goal_markdown(goal: GoalProgress) -> str:
    out = [
        f"## {GOAL}",
        "",
        f"{esc(goal.text)} (since {day(goal.started)}" + (f"; {goal.principle})" if goal.principle else ")"),
    ]
    if goal.practised:
        tally = ", ".join(f"{esc(k)}: {v}" for k, v in goal.practised.items())
        out += ["", f"Practised in sessions since then: {tally}."]
    if goal.mean_since is not None:
        before = f", beside {_n(goal.mean_before)} in as many weeks before it" if goal.mean_before is not None else ""
        out += [
            "",
            f"{goal.principle or 'Its principle'}: mean rating {_n(goal.mean_since)} since the goal started{before}.",
        ]
    return "\n".join(out) + "\n"


def calibration_markdown(c: Calibration) -> str:
    out = [f"## {CALIBRATION}", ""]
    text = (
        f"From {day(c.since)} to {day(c.until)}: {count(c.pairs, 'session')} with both your prediction and "
        f"the client's score ({c.measure.name}, on 0 to 10)."
    )
    if c.mean_gap is not None:
        if c.direction == "close":
            text += f" On average they were close (a gap of {signed(c.mean_gap)})."
        elif c.direction == "client_higher":
            text += f" On average the clients rated sessions {c.mean_gap:.1f} higher than you predicted."
        else:
            text += f" On average the clients rated sessions {-c.mean_gap:.1f} lower than you predicted."
    if c.rank_correlation is not None:
        text += f" Rank correlation (Spearman): {c.rank_correlation:.2f}."
    out.append(text)
    if c.discordant:
        out += [
            "",
            f"{count(len(c.discordant), 'session')} scored below the cutoff while your own ratings were high: "
            + ", ".join(f"{s.client} on {day(s.date)}" for s in c.discordant[:6])
            + (", ..." if len(c.discordant) > 6 else "."),
        ]
    return "\n".join(out) + "\n"


def brief_markdown(brief: Brief) -> str:
    parts = [head_markdown(brief)]
    for case in brief.cases:
        part = case_part(case)
        parts.append(f"{part.heading}\n\n{part.intro}\n\n{part.body}")
    if brief.goal is not None:
        parts.append(goal_markdown(brief.goal))
    if brief.calibration is not None:
        parts.append(calibration_markdown(brief.calibration))
    return visible("\n".join(parts))
