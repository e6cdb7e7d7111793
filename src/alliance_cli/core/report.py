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

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field

from alliance_cli.core.answers import from_columns
from alliance_cli.core.calibration import Calibration, Scale, ScoreAlert, build_calibration, score_alerts
from alliance_cli.core.periods import Period
from alliance_cli.core.rules import DEFAULTS, SETTINGS, below_baseline, falling, lowest_principle, percentile
from alliance_cli.core.ruptures import is_open

if TYPE_CHECKING:
    from alliance_cli.core.measures import Measure
    from alliance_cli.core.models import Prompt, PromptSet


@dataclass
class ReviewIds:
    """The prompts of the newer roles (None: the prompt set has none, as in journals logged
    before them) and how far back the baseline and the focus look."""

    markers: str | None = None  # rupture_markers
    strategies: str | None = None  # repair_strategies
    response: str | None = None  # repair_response
    goal_practised: str | None = None
    baseline_weeks: int = 12
    focus_weeks: int = 4


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
    # session_id, date, client, kind, repaired, revisited, markers, strategies, response (JSON lists / text)
    ruptures: list[dict[str, Any]] = field(default_factory=list)
    older_open: int = 0  # open ruptures older than the rupture window, with clients seen in the period
    older_open_by_client: dict[str, int] = field(default_factory=dict)
    intentions: list[dict[str, Any]] = field(default_factory=list)
    practices: list[dict[str, Any]] = field(default_factory=list)  # prompt_id, kind, value_num, value_text, n
    notes: list[dict[str, Any]] | None = None  # prompt_id, session_id, date, client, text
    note_ratings: list[dict[str, Any]] = field(default_factory=list)  # session_id, prompt_id, value
    follow_through: dict[str, int] = field(default_factory=dict)  # came_up, recorded, carried_out, partly, ...
    # Sessions with your read or the client's score, from `scores_since` (or the period's start,
    # if earlier) to the period's end: session_id, date, client, view, score, self_mean, previous.
    client_scores: list[dict[str, Any]] = field(default_factory=list)
    scores_since: date | None = None  # the first day of the calibration's 12 weeks
    session_means: list[dict[str, Any]] = field(default_factory=list)  # id, client, date, week, mean
    baseline_start: date | None = None  # the first day of the baseline's weeks
    client_counts: dict[str, int] = field(default_factory=dict)  # sessions per client up to the period's end
    focus_start: date | None = None
    focus_sessions: list[dict[str, Any]] = field(default_factory=list)  # session_id, date, week, ratings (id: value)
    weekly_counts: list[dict[str, Any]] = field(default_factory=list)  # week, sessions, ruptures, followed_*
    goal: dict[str, Any] | None = None  # id, text, principle, started, ended, practised, sessions, *_mean


class _Model(BaseModel):
    """A part of the review. The review computes every value itself, already of its field's
    type, so its parts are made without validation (`model_construct`): the review on screen
    never builds a validator, and `--format json` builds only the serializer, as it writes.
    tests/test_report.py holds every part of a filled review to what validation would make."""

    model_config = ConfigDict(frozen=True, defer_build=True)


def _int(name: str) -> int:
    return int(DEFAULTS[name])


def _float(name: str) -> float:
    return float(DEFAULTS[name])


class Thresholds(_Model):
    """Every number the review decides with (`core.rules`: defaults, bounds, what each decides;
    the README gives each one's rationale). Ratings are on 0 to 10."""

    @classmethod
    def of(cls, values: Mapping[str, float | int] = DEFAULTS) -> Thresholds:
        """The thresholds from values `settings.config` has checked against `core.rules`
        (each within its bounds, counts whole): made without validation, as every part is."""
        typed: dict[str, Any] = {n: int(values[n]) if spec.whole else float(values[n]) for n, spec in SETTINGS.items()}
        return cls.model_construct(**typed)

    baseline_weeks: int = Field(default=_int("baseline_weeks"), ge=1)
    below_baseline: float = Field(default=_float("below_baseline"), ge=0)
    early_sessions: int = Field(default=_int("early_sessions"), ge=0)
    early_below_baseline: float = Field(default=_float("early_below_baseline"), ge=0)
    falling_sds: float = Field(default=_float("falling_sds"), ge=0)
    falling_two_sds: float = Field(default=_float("falling_two_sds"), ge=0)
    falling_history: int = Field(default=_int("falling_history"), ge=2)
    falling_min_sd: float = Field(default=_float("falling_min_sd"), ge=0)
    focus_min_ratings: int = Field(default=_int("focus_min_ratings"), ge=1)
    focus_margin: float = Field(default=_float("focus_margin"), ge=0)
    focus_weeks_lowest: int = Field(default=_int("focus_weeks_lowest"), ge=1)
    focus_weeks: int = Field(default=_int("focus_weeks"), ge=1)
    confrontation_weeks: int = Field(default=_int("confrontation_weeks"), ge=0)
    check_ins_shown: int = Field(default=_int("check_ins_shown"), ge=1)
    open_rupture_weeks: int = Field(default=_int("open_rupture_weeks"), ge=0)
    discordant_self: float = Field(default=_float("discordant_self"), ge=0)


class Span(_Model):
    start: date
    end: date
    days: int


class WeekMean(_Model):
    week_start: date
    mean: float | None
    n: int


class WeekRate(_Model):
    """A count out of a total in one ISO week; rate is null when the total is 0."""

    week_start: date
    count: int
    total: int
    rate: float | None


class Baseline(_Model):
    """Your own level: the mean of your session means over the baseline's weeks, and the
    usual range of your weekly means (10th to 90th percentile of the last 12)."""

    start: date | None
    end: date
    mean: float | None
    sessions: int
    usual_low: float | None
    usual_high: float | None


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
    reason: Literal["goal", "below_the_others"]
    mean: float | None  # the principle's mean rating in the period
    below: float | None  # how far below the session's own level it sat, on average (below_the_others)
    weeks_lowest: int | None  # of the last `focus_weeks`, the weeks it was the lowest
    tip: str | None


NoFocus = Literal["too_few_ratings", "none_stands_out"]


class SessionMean(_Model):
    session_id: int
    date: date
    mean: float | None


# In the order the check-in list ranks them: the first reason of a client places them.
FlagReason = Literal[
    "score_below_cutoff",
    "score_fell",
    "discordant",
    "open_rupture",
    "confrontation",
    "early_below_baseline",
    "below_baseline",
    "falling",
]
REASONS: tuple[str, ...] = get_args(FlagReason)


class ClientFlag(_Model):
    client: str
    reasons: list[FlagReason]
    mean: float | None  # their mean rating in the period
    last: float | None  # their last session's mean, up to the period's end
    direction: Literal["up", "down", "same"] | None  # the last session beside the one before
    sessions: int  # in the period
    sessions_so_far: int  # with this client, up to the period's end
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
    markers: list[str] = Field(default_factory=list)  # what you noticed (rupture_markers); [] when not asked
    strategies: list[str] = Field(default_factory=list)  # what you tried (repair_strategies)
    response: str | None = None  # how the client responded (repair_response)


class StrategyOutcome(_Model):
    """A repair strategy, in the ruptures of the 12 weeks: how often tried, and how often the
    client's response was the re-engaging one (the response prompt's `positive:` answers,
    else its first choice)."""

    strategy: str
    tried: int
    re_engaged: int


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
    title: str  # what was asked: the prompt's label, else its text
    positive: int
    answered: int  # answers that count, for or against: neutral ones are left out
    neutral: int  # answered with one of the prompt's `neutral:` answers ("did not come up")
    sessions: int


class Note(_Model):
    session_id: int
    date: date
    client: str
    text: str
    rating: float | None = None  # the session's rating of the note's principle


class NoteGroup(_Model):
    prompt_id: str
    prompt: str
    rating_title: str | None = None  # the principle whose rating sits beside each note
    notes: list[Note]


class Goal(_Model):
    text: str
    principle: str | None
    principle_title: str | None
    started: date
    ended: date | None
    weeks_active: int
    sessions: int  # sessions logged while it was active, up to the period's end
    practised: int  # answered yes to "did you practise it?"
    partly: int
    not_practised: int
    no_opportunity: int
    before_mean: float | None  # its principle's mean rating in the 4 weeks before it began
    since_mean: float | None  # ... and since


class Report(_Model):
    period: Span
    previous_period: Span
    client: str | None
    sessions: int
    clients: int
    days: int
    previous_sessions: int
    baseline: Baseline
    principles: list[PrincipleSummary]
    goal: Goal | None
    focus: Focus | None
    no_focus: NoFocus | None  # why there is no focus this week (null when there is one)
    flags: list[ClientFlag]  # every client to check in with, in order; renderers show `check_ins_shown`
    ruptures: list[Rupture]
    older_open_ruptures: int  # open, and older than `open_rupture_weeks`: counted, not listed
    rupture_weekly: list[WeekRate]
    strategies: list[StrategyOutcome]
    intentions: list[Intention]  # those partly or not carried out, or with no session since
    intentions_set: int  # every intention set in the previous period
    follow_through: FollowThrough
    follow_through_weekly: list[WeekRate]
    practices: list[Practice]
    notes: list[NoteGroup] | None
    thresholds: Thresholds
    calibration: Calibration | None = None  # null when the prompt set has no client-score prompt


def report_data(report: Report) -> dict[str, Any]:
    """The review as JSON data: what `report.model_dump(mode="json")` gives for the values the
    review makes (its fields in their order, dates as ISO text), without building pydantic's
    serializer for it first (tests/test_report.py holds the two to the same JSON)."""
    data = _data(report)
    assert isinstance(data, dict)
    return data


def _data(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return {name: _data(field_value) for name, field_value in value}
    if isinstance(value, list):
        return [_data(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


def practice_prompts(ps: PromptSet) -> list[Prompt]:
    """Prompts of a practice that have a notion of "done" (yes/no, or `positive:` answers)."""
    areas = {a.id for a in ps.practices}
    return [p for p in ps.prompts if p.principle in areas and (p.kind == "yesno" or p.positive is not None)]


def text_ids(ps: PromptSet) -> list[str]:
    return [p.id for p in ps.prompts if p.kind == "text"]


def _round(value: float | None) -> float | None:
    """One decimal, as every format shows it: the rules decide on the figures shown."""
    return None if value is None else round(float(value), 1)


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

    limits = thresholds or Thresholds.of()
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
    baseline = _baseline(rows)
    goal = _goal(rows, ps)
    focus, no_focus = _focus(rows, principles, ps, limits, goal)
    ruptures = _ruptures(rows, limits)
    intentions = [_intention(r) for r in rows.intentions]
    return Report.model_construct(
        period=Span.model_construct(start=rows.period.start, end=rows.period.end, days=rows.period.days),
        previous_period=Span.model_construct(start=rows.previous.start, end=rows.previous.end, days=rows.previous.days),
        client=rows.client,
        sessions=rows.totals.get("sessions", 0),
        clients=rows.totals.get("clients", 0),
        days=rows.totals.get("days", 0),
        previous_sessions=rows.totals.get("previous_sessions", 0),
        baseline=baseline,
        principles=principles,
        goal=goal,
        focus=focus,
        no_focus=no_focus,
        flags=_flags(rows, limits, alerts, baseline.mean, ruptures),
        ruptures=[r for r in ruptures if r.in_period or r.open],
        older_open_ruptures=rows.older_open,
        rupture_weekly=_weekly_rates(rows, "ruptures", "sessions"),
        strategies=_strategies(ruptures, ps, rows),
        intentions=[i for i in intentions if _worth_showing(i)],
        intentions_set=len(intentions),
        follow_through=_follow_through(rows.follow_through),
        follow_through_weekly=_weekly_rates(rows, "followed_yes", "followed_recorded"),
        practices=_practices(rows, ps),
        notes=_notes(rows, ps) if notes else None,
        thresholds=limits,
        calibration=calibration,
    )


def _baseline(rows: ReportRows) -> Baseline:
    start = rows.baseline_start
    since = "" if start is None else start.isoformat()
    means = [r["mean"] for r in rows.session_means if r["mean"] is not None and r["date"] >= since]
    first = rows.week_starts[0].isoformat() if rows.week_starts else ""
    weeks: dict[str, list[float]] = {}
    for r in rows.session_means:
        if r["mean"] is not None and r["week"] >= first:
            weeks.setdefault(r["week"], []).append(r["mean"])
    weekly = [sum(v) / len(v) for v in weeks.values()]
    return Baseline.model_construct(
        start=start,
        end=rows.period.end,
        mean=_round(sum(means) / len(means)) if means else None,
        sessions=len(means),
        usual_low=_round(percentile(weekly, 10)),
        usual_high=_round(percentile(weekly, 90)),
    )


def _weekly_rates(rows: ReportRows, count: str, total: str) -> list[WeekRate]:
    found = {r["week"]: r for r in rows.weekly_counts}
    out = []
    for start in rows.week_starts:
        r = found.get(start.isoformat())
        c, t = (int(r[count] or 0), int(r[total] or 0)) if r else (0, 0)
        out.append(WeekRate.model_construct(week_start=start, count=c, total=t, rate=round(c / t, 2) if t else None))
    return out


def _follow_through(counts: dict[str, int]) -> FollowThrough:
    recorded = counts.get("recorded", 0)
    carried = counts.get("carried_out", 0)
    return FollowThrough.model_construct(
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
            mean_of_week = _round(row["mean"]) if row else None
            weeks.append(WeekMean.model_construct(week_start=start, mean=mean_of_week, n=row["n"] if row else 0))
        out.append(
            PrincipleSummary.model_construct(
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


def _tip(ps: PromptSet, area_id: str | None, end: date) -> str | None:
    area = ps.area(area_id or "")
    tips = area.tips if area else []
    # A different tip each week, the same one every time this week's report is opened.
    return tips[(end.toordinal() // 7) % len(tips)] if tips else None


def _focus(
    rows: ReportRows, principles: list[PrincipleSummary], ps: PromptSet, limits: Thresholds, goal: Goal | None
) -> tuple[Focus | None, NoFocus | None]:
    """The learning goal's principle while a goal is active; else a principle with enough
    ratings in the period that sits below the others of the same sessions by `focus_margin`
    and was the lowest so in `focus_weeks_lowest` of the last `focus_weeks` weeks; else none."""
    end = rows.period.end
    by_prompt = {p.id: p.principle or p.id for p in ps.rating_prompts()}
    summary = {p.id: p for p in principles}
    if goal is not None and goal.ended is None:
        chosen = summary.get(goal.principle or "")
        return (
            Focus.model_construct(
                id=goal.principle or "",
                title=goal.principle_title or goal.text,
                reason="goal",
                mean=chosen.mean if chosen else None,
                below=None,
                weeks_lowest=None,
                tip=_tip(ps, goal.principle, end),
            ),
            None,
        )
    period_sessions: dict[int, dict[str, float]] = {}
    weekly_sessions: dict[str, dict[int, dict[str, float]]] = {}
    start = rows.period.start.isoformat()
    for r in rows.focus_sessions:
        rated = {by_prompt[p]: float(v) for p, v in r["ratings"].items() if p in by_prompt}
        weekly_sessions.setdefault(r["week"], {})[r["session_id"]] = rated
        if r["date"] >= start:
            period_sessions[r["session_id"]] = rated
    counts: dict[str, int] = {}
    for ratings in period_sessions.values():
        for principle in ratings:
            counts[principle] = counts.get(principle, 0) + 1
    offsets = lowest_principle(list(period_sessions.values()))
    eligible = {p: o for p, o in offsets.items() if counts.get(p, 0) >= limits.focus_min_ratings}
    if not eligible:
        return None, "too_few_ratings"
    pick = min(eligible, key=lambda p: (eligible[p], p))
    others = [o for p, o in offsets.items() if p != pick]
    # Below the others: its offset, against the mean offset of the rest.
    gap = (sum(others) / len(others) if others else 0.0) - eligible[pick]
    last_weeks = sorted(weekly_sessions)[-limits.focus_weeks :]
    lowest_in = 0
    for week in last_weeks:
        week_offsets = lowest_principle(list(weekly_sessions[week].values()))
        mine = week_offsets.get(pick)
        rest = [o for p, o in week_offsets.items() if p != pick]
        if mine is not None and rest and mine < min(rest) - 1e-9:  # the lowest alone, not tied
            lowest_in += 1
    if gap < limits.focus_margin or lowest_in < limits.focus_weeks_lowest:
        return None, "none_stands_out"
    chosen = summary.get(pick)
    return (
        Focus.model_construct(
            id=pick,
            title=chosen.title if chosen else pick,
            reason="below_the_others",
            mean=chosen.mean if chosen else None,
            below=_round(gap),
            weeks_lowest=lowest_in,
            tip=_tip(ps, pick, end),
        ),
        None,
    )


def _flags(
    rows: ReportRows,
    limits: Thresholds,
    alerts: dict[str, list[ScoreAlert]],
    baseline: float | None,
    ruptures: list[Rupture],
) -> list[ClientFlag]:
    """Clients to check in with, in the order of `REASONS` (a client placed by their first),
    then the lowest last session first."""
    recent: dict[str, list[SessionMean]] = {}
    for r in rows.client_recent:
        recent.setdefault(r["client"], []).append(
            SessionMean.model_construct(session_id=r["id"], date=date.fromisoformat(r["date"]), mean=_round(r["mean"]))
        )
    means = {r["client"]: r for r in rows.client_means}
    open_by = {r.client for r in ruptures if r.open} | set(rows.older_open_by_client)
    recent_since = (rows.period.end.toordinal() - 7 * limits.confrontation_weeks) + 1
    confronted = {
        r.client for r in ruptures if r.date.toordinal() >= recent_since and (r.kind or "") in ("confrontation", "both")
    }
    flags = []
    for client in sorted({*means, *alerts, *open_by, *confronted}):
        seen = means.get(client)
        mine = recent.get(client, [])
        mean = _round(seen["mean"]) if seen else None
        scored = alerts.get(client, [])
        so_far = rows.client_counts.get(client, 0)
        reasons: list[FlagReason] = []
        if any(a.below_cutoff for a in scored):
            reasons.append("score_below_cutoff")
        if any(a.fell for a in scored):
            reasons.append("score_fell")
        if any(a.discordant for a in scored):
            reasons.append("discordant")
        if client in open_by:
            reasons.append("open_rupture")
        if client in confronted:
            reasons.append("confrontation")
        if seen and so_far <= limits.early_sessions and below_baseline(mean, baseline, limits.early_below_baseline):
            reasons.append("early_below_baseline")
        elif seen and below_baseline(mean, baseline, limits.below_baseline):
            reasons.append("below_baseline")
        values = [float(s.mean) for s in mine if s.mean is not None]
        in_period = bool(mine) and mine[-1].date >= rows.period.start
        if (
            seen
            and in_period
            and falling(
                values,
                sds=limits.falling_sds,
                two_sds=limits.falling_two_sds,
                history=limits.falling_history,
                min_sd=limits.falling_min_sd,
            )
        ):
            reasons.append("falling")
        if not reasons:
            continue
        last = values[-1] if values else None
        direction: Literal["up", "down", "same"] | None = None
        if len(values) >= 2:
            step = round(values[-1], 1) - round(values[-2], 1)
            direction = "up" if step > 0.05 else "down" if step < -0.05 else "same"
        flags.append(
            ClientFlag.model_construct(
                client=client,
                reasons=reasons,
                mean=mean,
                last=_round(last),
                direction=direction,
                sessions=seen["sessions"] if seen else 0,
                sessions_so_far=so_far,
                recent=mine,
                score_alerts=scored,
            )
        )

    def order(f: ClientFlag) -> tuple[int, float, float, str]:
        lowest = min((a.score for a in f.score_alerts), default=0.0)
        return (REASONS.index(f.reasons[0]), lowest, f.last if f.last is not None else 99.0, f.client)

    return sorted(flags, key=order)


def _listed(value: Any) -> list[str]:
    """A multi answer as stored (a JSON list), or [] when not asked."""
    if not value:
        return []
    try:
        found = from_columns("multi", None, value)
    except ValueError:
        return [str(value)]
    return [str(v) for v in found] if isinstance(found, list) else [str(found)]


def _ruptures(rows: ReportRows, limits: Thresholds) -> list[Rupture]:
    """Every rupture of the window, the repaired older ones included (the strategies read
    them all); the report lists those of the period and those still open."""
    out = []
    for r in rows.ruptures:
        day = date.fromisoformat(r["date"])
        still_open = is_open(r["repaired"], bool(r["revisited"]))  # as of the period's end
        out.append(
            Rupture.model_construct(
                session_id=r["session_id"],
                date=day,
                client=r["client"],
                kind=r["kind"],
                repaired=r["repaired"],
                revisited=bool(r["revisited"]),
                open=still_open,
                in_period=day >= rows.period.start,
                markers=_listed(r.get("markers")),
                strategies=_listed(r.get("strategies")),
                response=r.get("response"),
            )
        )
    # Still open first (the longest waiting at the top), then the repaired ones by date.
    return sorted(out, key=lambda x: (not x.open, x.date, x.session_id))


def _strategies(ruptures: list[Rupture], ps: PromptSet, rows: ReportRows) -> list[StrategyOutcome]:
    """Each strategy tried in the 12 weeks' ruptures, and how often the client re-engaged."""
    first_week = rows.week_starts[0] if rows.week_starts else rows.period.start
    response_prompt = next((p for p in ps.prompts if getattr(p, "role", None) == "repair_response"), None)
    good: list[object] = []
    if response_prompt is not None:
        good = list(response_prompt.positive or (response_prompt.choices or [])[:1])
    tally: dict[str, list[int]] = {}
    for r in ruptures:
        if r.date < first_week:
            continue
        for strategy in r.strategies:
            t = tally.setdefault(strategy, [0, 0])
            t[0] += 1
            t[1] += r.response in good
    return [
        StrategyOutcome.model_construct(strategy=k, tried=v[0], re_engaged=v[1])
        for k, v in sorted(tally.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    ]


def _worth_showing(i: Intention) -> bool:
    """Only the intentions that still need a thought: partly or not carried out, or no session
    since (one whose follow-up was not answered is counted in the follow-through, not listed)."""
    if i.next_session is None:
        return True
    return i.next_session.followed in (False, "no", "partly")


def _intention(r: dict[str, Any]) -> Intention:
    nxt = None
    if r["next_id"] is not None:
        followed: bool | str | None = r["followed_text"]
        if r["followed_num"] is not None:
            followed = bool(r["followed_num"])
        nxt = NextSession.model_construct(
            session_id=r["next_id"], date=date.fromisoformat(r["next_date"]), followed=followed
        )
    return Intention.model_construct(
        session_id=r["session_id"],
        date=date.fromisoformat(r["date"]),
        client=r["client"],
        text=r["text"],
        next_session=nxt,
    )


def _practices(rows: ReportRows, ps: PromptSet) -> list[Practice]:
    counts: dict[str, list[int]] = {}
    prompts = {p.id: p for p in practice_prompts(ps)}
    for r in rows.practices:
        prompt = prompts.get(r["prompt_id"])
        if prompt is None:
            continue
        tally = counts.setdefault(prompt.id, [0, 0, 0])
        value = from_columns(r["kind"], r["value_num"], r["value_text"])
        neutral = getattr(prompt, "neutral", None) or []
        if any(value == n or (isinstance(value, list) and n in value) for n in neutral):
            tally[2] += r["n"]
            continue
        tally[1] += r["n"]
        if prompt.is_positive(value):
            tally[0] += r["n"]
    out = []
    for prompt in prompts.values():
        positive, answered, neutral_n = counts.get(prompt.id, [0, 0, 0])
        label = getattr(prompt, "label", None)
        out.append(
            Practice.model_construct(
                prompt_id=prompt.id,
                area=prompt.principle or "",
                title=label or prompt.text,
                positive=positive,
                answered=answered,
                neutral=neutral_n,
                sessions=rows.totals.get("sessions", 0),
            )
        )
    return out


def _goal(rows: ReportRows, ps: PromptSet) -> Goal | None:
    g = rows.goal
    if g is None:
        return None
    started = date.fromisoformat(g["started"])
    ended = date.fromisoformat(g["ended"]) if g["ended"] else None
    until = min(rows.period.end, ended or rows.period.end)
    area = ps.area(g["principle"] or "")
    done: dict[str, int] = g.get("practised") or {}
    return Goal.model_construct(
        text=g["text"],
        principle=g["principle"],
        principle_title=area.title if area else None,
        started=started,
        ended=ended,
        weeks_active=max(1, (until - started).days // 7 + 1),
        sessions=int(g.get("sessions") or 0),
        practised=done.get("yes", 0),
        partly=done.get("partly", 0),
        not_practised=done.get("no", 0),
        no_opportunity=sum(v for k, v in done.items() if k not in ("yes", "partly", "no")),
        before_mean=_round(g.get("before_mean")),
        since_mean=_round(g.get("since_mean")),
    )


def _notes(rows: ReportRows, ps: PromptSet) -> list[NoteGroup]:
    rating_of = {p.principle: p.id for p in ps.rating_prompts()}
    values = {(r["session_id"], r["prompt_id"]): r["value"] for r in rows.note_ratings}
    grouped: dict[str, list[Note]] = {}
    for r in rows.notes or []:
        prompt = ps.prompt(r["prompt_id"])
        rated = rating_of.get(prompt.principle) if prompt is not None and prompt.principle else None
        value = values.get((r["session_id"], rated)) if rated else None
        grouped.setdefault(r["prompt_id"], []).append(
            Note.model_construct(
                session_id=r["session_id"],
                date=date.fromisoformat(r["date"]),
                client=r["client"],
                text=r["text"],
                rating=None if value is None else float(value),
            )
        )
    out = []
    for p in ps.prompts:
        if p.id in grouped:
            area = ps.area(p.principle or "") if rating_of.get(p.principle) else None
            out.append(
                NoteGroup.model_construct(
                    prompt_id=p.id, prompt=p.text, rating_title=area.title if area else None, notes=grouped[p.id]
                )
            )
    return out
