"""The weekly review as a model: pure functions from query rows to a pydantic `Report`.

No I/O here. `store_report.fetch_report_rows` has already averaged and counted in SQLite;
this module pairs the numbers up (this period beside the previous one, a client's last
sessions), applies the thresholds that decide who to check in with and what to focus on,
and names everything with the prompt set's titles and tips. Every renderer (Rich,
Markdown, JSON) reads the same model, so the three formats cannot disagree.

Means are rounded to two decimals in the model, and every rule decides on those rounded
figures, the ones every format shows: the change is the difference of the two rounded
means, the focus compares that change with its threshold, a client's mean is below
`low_mean` as shown. So "7.00 → 6.55, ▼ −0.45" can never come with a focus that says it
fell by 0.5, nor "average 5.00" with "below 5". An absent value is None (null in JSON), never 0.

The client's own scores (`core.calibration`) put a client first among those to check in
with when a score is below the measure's cutoff or fell from their previous one, and fill
the Calibration section: your reads of the client beside their scores.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from alliance_cli.core.answers import from_columns
from alliance_cli.core.calibration import Calibration, Scale, ScoreAlert, build_calibration, score_alerts
from alliance_cli.core.periods import Period
from alliance_cli.core.ruptures import is_open

if TYPE_CHECKING:
    from alliance_cli.core.measures import Measure
    from alliance_cli.core.models import Prompt, PromptSet


@dataclass
class ReportRows:
    """Everything the report needs, as SQLite returned it (dates as ISO strings)."""

    period: Period
    previous: Period
    client: str | None
    week_starts: list[date]
    totals: dict[str, int] = field(default_factory=dict)  # sessions, clients, days, previous_sessions
    means: list[dict[str, Any]] = field(default_factory=list)  # prompt_id, current, mean, n
    weekly: list[dict[str, Any]] = field(default_factory=list)  # week, prompt_id, mean, n
    client_means: list[dict[str, Any]] = field(default_factory=list)  # client, mean, sessions
    client_recent: list[dict[str, Any]] = field(default_factory=list)  # client, id, date, mean, oldest first
    ruptures: list[dict[str, Any]] = field(default_factory=list)  # session_id, date, client, kind, repaired, revisited
    intentions: list[dict[str, Any]] = field(default_factory=list)
    practices: list[dict[str, Any]] = field(default_factory=list)  # prompt_id, kind, value_num, value_text, n
    notes: list[dict[str, Any]] | None = None  # prompt_id, session_id, date, client, text
    follow_through: dict[str, int] = field(default_factory=dict)  # came_up, recorded, carried_out, partly, ...
    # Sessions with your read or the client's score, from `scores_since` (or the period's start,
    # if earlier) to the period's end: session_id, date, client, view, score, self_mean, previous.
    client_scores: list[dict[str, Any]] = field(default_factory=list)
    scores_since: date | None = None  # the first day of the calibration's 12 weeks


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class Thresholds(_Model):
    """When a client is worth a check-in and a principle becomes the focus (0–10 ratings)."""

    low_mean: float = 5.0  # a client's mean rating in the period below this (config: report.low_mean)
    falling_sessions: int = Field(default=3, ge=2)  # lower in each of this many last sessions (config too) ...
    falling_min_drop: float = Field(default=1.0, ge=0)  # ... by at least this much, first to last
    focus_min_fall: float = Field(default=0.5, ge=0)  # a fall this large outweighs the lowest mean
    open_rupture_weeks: int = Field(default=12, ge=0)  # older unrepaired ruptures: how far back
    discordant_self: float = Field(
        default=8.0, ge=0
    )  # a client score below the cutoff while your ratings averaged this


class Span(_Model):
    start: date
    end: date
    days: int


class WeekMean(_Model):
    week_start: date
    mean: float | None
    n: int


class PrincipleSummary(_Model):
    id: str
    title: str
    mean: float | None
    previous_mean: float | None
    change: float | None
    n: int
    previous_n: int
    weekly: list[WeekMean]


class Focus(_Model):
    id: str
    title: str
    reason: Literal["fell_most", "lowest"]
    mean: float | None
    change: float | None
    tip: str | None


class SessionMean(_Model):
    session_id: int
    date: date
    mean: float | None


FlagReason = Literal["score_below_cutoff", "score_fell", "discordant", "falling", "low_mean"]


class ClientFlag(_Model):
    client: str
    reasons: list[FlagReason]
    mean: float | None
    sessions: int
    recent: list[SessionMean]
    score_alerts: list[ScoreAlert] = Field(default_factory=list)  # the client's own scores: these come first


class Rupture(_Model):
    session_id: int
    date: date
    client: str
    kind: str | None
    repaired: str | None
    revisited: bool  # a later session, up to the period's end, repaired it (rupture_revisited)
    open: bool
    in_period: bool


class NextSession(_Model):
    session_id: int
    date: date
    followed: bool | str | None


class Intention(_Model):
    session_id: int
    date: date
    client: str
    text: str
    next_session: NextSession | None


class FollowThrough(_Model):
    """Intentions that came up for follow-up in the period (the session after the one that set
    it falls in the period), and what the follow-up question recorded."""

    came_up: int
    recorded: int
    carried_out: int
    partly: int
    not_carried_out: int
    rate: float | None  # carried out, out of those recorded; null when none was recorded


class Practice(_Model):
    prompt_id: str
    area: str
    title: str
    positive: int
    answered: int
    sessions: int


class Note(_Model):
    session_id: int
    date: date
    client: str
    text: str


class NoteGroup(_Model):
    prompt_id: str
    prompt: str
    notes: list[Note]


class Report(_Model):
    period: Span
    previous_period: Span
    client: str | None
    sessions: int
    clients: int
    days: int
    previous_sessions: int
    principles: list[PrincipleSummary]
    focus: Focus | None
    flags: list[ClientFlag]
    ruptures: list[Rupture]
    intentions: list[Intention]
    follow_through: FollowThrough
    practices: list[Practice]
    notes: list[NoteGroup] | None
    thresholds: Thresholds
    calibration: Calibration | None = None  # null when the prompt set has no client-score prompt


def practice_prompts(ps: PromptSet) -> list[Prompt]:
    """Prompts of a practice that have a notion of "done" (yes/no, or `positive:` answers)."""
    areas = {a.id for a in ps.practices}
    return [p for p in ps.prompts if p.principle in areas and (p.kind == "yesno" or p.positive is not None)]


def text_ids(ps: PromptSet) -> list[str]:
    return [p.id for p in ps.prompts if p.kind == "text"]


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), 2)


def build_report(
    rows: ReportRows,
    ps: PromptSet,
    *,
    thresholds: Thresholds | None = None,
    notes: bool = False,
    measure: Measure | None = None,
) -> Report:
    """The report for `rows` (from `store_report.fetch_report_rows`), named by `ps`; client
    scores read on `measure` (the SRS when none is given)."""
    from alliance_cli.core.measures import DEFAULT
    from alliance_cli.core.vocabulary import roles_of

    limits = thresholds or Thresholds()
    measure = measure or DEFAULT
    principles = _principles(rows, ps)
    roles = roles_of(ps)
    calibration = None
    alerts: dict[str, list[ScoreAlert]] = {}
    if roles.client_score is not None:
        alerts = score_alerts(rows.client_scores, measure, rows.period.start, limits.discordant_self)
        view = ps.prompt(roles.client_view) if roles.client_view else None
        scale = Scale(view.min or 0.0, view.max or 10.0) if view is not None else Scale()
        since = rows.scores_since or rows.period.start
        calibration = build_calibration(
            rows.client_scores,
            measure,
            since=since,
            until=rows.period.end,
            start=rows.period.start,
            scale=scale,
            discordant_self=limits.discordant_self,
        )
    return Report(
        period=Span(start=rows.period.start, end=rows.period.end, days=rows.period.days),
        previous_period=Span(start=rows.previous.start, end=rows.previous.end, days=rows.previous.days),
        client=rows.client,
        sessions=rows.totals.get("sessions", 0),
        clients=rows.totals.get("clients", 0),
        days=rows.totals.get("days", 0),
        previous_sessions=rows.totals.get("previous_sessions", 0),
        principles=principles,
        focus=_focus(principles, ps, limits, rows.period.end),
        flags=_flags(rows, limits, alerts),
        ruptures=_ruptures(rows, limits),
        intentions=[_intention(r) for r in rows.intentions],
        follow_through=_follow_through(rows.follow_through),
        practices=_practices(rows, ps),
        notes=_notes(rows, ps) if notes else None,
        thresholds=limits,
        calibration=calibration,
    )


def _follow_through(counts: dict[str, int]) -> FollowThrough:
    recorded = counts.get("recorded", 0)
    carried = counts.get("carried_out", 0)
    return FollowThrough(
        came_up=counts.get("came_up", 0),
        recorded=recorded,
        carried_out=carried,
        partly=counts.get("partly", 0),
        not_carried_out=counts.get("not_carried_out", 0),
        rate=round(carried / recorded, 2) if recorded else None,
    )


def _principles(rows: ReportRows, ps: PromptSet) -> list[PrincipleSummary]:
    means = {(r["prompt_id"], bool(r["current"])): r for r in rows.means}
    weekly = {(r["prompt_id"], r["week"]): r for r in rows.weekly}
    out = []
    for prompt in ps.rating_prompts():
        area = ps.area(prompt.principle or "")
        now, before = means.get((prompt.id, True)), means.get((prompt.id, False))
        mean = _round(now["mean"]) if now else None
        previous = _round(before["mean"]) if before else None
        weeks = []
        for start in rows.week_starts:
            row = weekly.get((prompt.id, start.isoformat()))
            weeks.append(
                WeekMean(week_start=start, mean=_round(row["mean"]) if row else None, n=row["n"] if row else 0)
            )
        out.append(
            PrincipleSummary(
                id=prompt.principle or prompt.id,
                title=area.title if area else prompt.id,
                mean=mean,
                previous_mean=previous,
                change=_round(mean - previous) if mean is not None and previous is not None else None,
                n=now["n"] if now else 0,
                previous_n=before["n"] if before else 0,
                weekly=weeks,
            )
        )
    return out


def _focus(principles: list[PrincipleSummary], ps: PromptSet, limits: Thresholds, end: date) -> Focus | None:
    rated = [p for p in principles if p.mean is not None]
    if not rated:
        return None
    fallen = [p for p in rated if p.change is not None and p.change <= -limits.focus_min_fall]
    reason: Literal["fell_most", "lowest"]
    if fallen:
        pick, reason = min(fallen, key=lambda p: p.change or 0.0), "fell_most"
    else:
        pick, reason = min(rated, key=lambda p: p.mean or 0.0), "lowest"
    area = ps.area(pick.id)
    tips = area.tips if area else []
    # A different tip each week, the same one every time this week's report is opened.
    tip = tips[(end.toordinal() // 7) % len(tips)] if tips else None
    return Focus(id=pick.id, title=pick.title, reason=reason, mean=pick.mean, change=pick.change, tip=tip)


def _flags(rows: ReportRows, limits: Thresholds, alerts: dict[str, list[ScoreAlert]]) -> list[ClientFlag]:
    """Clients to check in with: first those whose own score calls for it (the lowest score
    first), then those whose ratings do (the lowest mean first)."""
    recent: dict[str, list[SessionMean]] = {}
    for r in rows.client_recent:
        recent.setdefault(r["client"], []).append(
            SessionMean(session_id=r["id"], date=r["date"], mean=_round(r["mean"]))
        )
    means = {r["client"]: r for r in rows.client_means}
    flags = []
    for client in sorted({*means, *alerts}):
        seen = means.get(client)
        mine = recent.get(client, [])
        mean = _round(seen["mean"]) if seen else None
        scored = alerts.get(client, [])
        reasons: list[FlagReason] = []
        if any(a.below_cutoff for a in scored):
            reasons.append("score_below_cutoff")
        if any(a.fell for a in scored):
            reasons.append("score_fell")
        if any(a.discordant for a in scored):
            reasons.append("discordant")
        if _falling([s.mean for s in mine], limits):
            reasons.append("falling")
        if mean is not None and mean < limits.low_mean:
            reasons.append("low_mean")
        if reasons:
            sessions = seen["sessions"] if seen else len({a.session_id for a in scored})
            flags.append(
                ClientFlag(
                    client=client, reasons=reasons, mean=mean, sessions=sessions, recent=mine, score_alerts=scored
                )
            )

    def order(f: ClientFlag) -> tuple[bool, float, float, str]:
        lowest = min((a.score for a in f.score_alerts), default=0.0)
        return (not f.score_alerts, lowest, f.mean if f.mean is not None else 0.0, f.client)

    return sorted(flags, key=order)


def _falling(means: list[float | None], limits: Thresholds) -> bool:
    """Each of the last `falling_sessions` session means lower than the one before, by enough overall."""
    last = means[-limits.falling_sessions :]
    if len(last) < limits.falling_sessions or any(m is None for m in last):
        return False
    values = [float(m) for m in last if m is not None]
    steadily = all(b < a for a, b in zip(values, values[1:], strict=False))
    return steadily and values[0] - values[-1] >= limits.falling_min_drop


def _ruptures(rows: ReportRows, limits: Thresholds) -> list[Rupture]:
    out = []
    for r in rows.ruptures:
        day = date.fromisoformat(r["date"])
        still_open = is_open(r["repaired"], bool(r["revisited"]))  # as of the period's end
        in_period = day >= rows.period.start
        if in_period or still_open:
            out.append(
                Rupture(
                    session_id=r["session_id"],
                    date=day,
                    client=r["client"],
                    kind=r["kind"],
                    repaired=r["repaired"],
                    revisited=bool(r["revisited"]),
                    open=still_open,
                    in_period=in_period,
                )
            )
    # Still open first (the longest waiting at the top), then the repaired ones by date.
    return sorted(out, key=lambda x: (not x.open, x.date, x.session_id))


def _intention(r: dict[str, Any]) -> Intention:
    nxt = None
    if r["next_id"] is not None:
        followed: bool | str | None = r["followed_text"]
        if r["followed_num"] is not None:
            followed = bool(r["followed_num"])
        nxt = NextSession(session_id=r["next_id"], date=r["next_date"], followed=followed)
    return Intention(session_id=r["session_id"], date=r["date"], client=r["client"], text=r["text"], next_session=nxt)


def _practices(rows: ReportRows, ps: PromptSet) -> list[Practice]:
    counts: dict[str, list[int]] = {}
    prompts = {p.id: p for p in practice_prompts(ps)}
    for r in rows.practices:
        prompt = prompts.get(r["prompt_id"])
        if prompt is None:
            continue
        tally = counts.setdefault(prompt.id, [0, 0])
        tally[1] += r["n"]
        if prompt.is_positive(from_columns(r["kind"], r["value_num"], r["value_text"])):
            tally[0] += r["n"]
    out = []
    for prompt in prompts.values():
        positive, answered = counts.get(prompt.id, [0, 0])
        area = ps.area(prompt.principle or "")
        out.append(
            Practice(
                prompt_id=prompt.id,
                area=prompt.principle or "",
                title=area.title if area else prompt.id,
                positive=positive,
                answered=answered,
                sessions=rows.totals.get("sessions", 0),
            )
        )
    return out


def _notes(rows: ReportRows, ps: PromptSet) -> list[NoteGroup]:
    grouped: dict[str, list[Note]] = {}
    for r in rows.notes or []:
        grouped.setdefault(r["prompt_id"], []).append(
            Note(session_id=r["session_id"], date=r["date"], client=r["client"], text=r["text"])
        )
    return [NoteGroup(prompt_id=p.id, prompt=p.text, notes=grouped[p.id]) for p in ps.prompts if p.id in grouped]
