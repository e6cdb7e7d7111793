"""The supervision brief (`report --supervision`) and the HTML review's chart data: the
store's rows turned into `core.brief`'s model, then the privacy guard over its free text."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from alliance_cli.core.answers import format_value, from_columns
from alliance_cli.core.brief import (
    TIMELINE,
    Brief,
    Case,
    ChartData,
    Detail,
    GoalProgress,
    IntentionNote,
    Note,
    PrincipleWeeks,
    RuptureNote,
    TimelinePoint,
    find_prompt,
    label_of,
    map_texts,
    mean,
)
from alliance_cli.core.calibration import Scale, build_calibration
from alliance_cli.core.measures import DEFAULT, Measure
from alliance_cli.core.messages import count
from alliance_cli.core.models import Prompt, PromptSet
from alliance_cli.core.periods import Period, iso_week_start
from alliance_cli.core.ruptures import is_open, repairs
from alliance_cli.core.vocabulary import Roles, roles_of
from alliance_cli.store import brief as rows
from alliance_cli.store.journal import Journal

GRID_WEEKS = 12
LINE_WEEKS = 52
GRID_CLIENTS = 40  # the heat-grid's rows at most: the clients seen most recently


def _rupture_prompts(ps: PromptSet, roles: Roles) -> list[Prompt]:
    """Every prompt that tells about a rupture: those playing a rupture role, and those asked
    only after the rupture question (or after one of those), in the set's order."""
    if roles.rupture is None:
        return []
    wanted = {roles.rupture_kind, roles.repaired} - {None}
    for role in ("rupture_markers", "repair_strategies", "repair_response", "my_part"):
        found = find_prompt(ps, role)
        if found is not None:
            wanted.add(found.id)
    chain = {roles.rupture}
    out = []
    for p in ps.prompts:
        if p.id == roles.rupture or p.id == roles.rupture_revisited:
            continue
        if p.id in wanted or (p.when is not None and p.when.prompt in chain):
            chain.add(p.id)
            out.append(p)
    return out


def _case(
    journal: Journal,
    ps: PromptSet,
    roles: Roles,
    client: str,
    period: Period,
    reason: str,
    measure: Measure,
) -> Case | None:
    every = rows.client_sessions(journal, client)
    upto = [s for s in every if s["date"] <= period.end.isoformat()]
    if not upto:
        return None
    in_period = [s for s in upto if s["date"] >= period.start.isoformat()]
    window = upto[-TIMELINE:] if len(in_period) <= TIMELINE else in_period
    focus = in_period or upto[-1:]
    position = {s["id"]: i for i, s in enumerate(every)}
    following = {s["id"]: every[position[s["id"]] + 1] for s in window if position[s["id"]] + 1 < len(every)}
    mark = find_prompt(ps, "for_supervision")
    question = find_prompt(ps, "supervision_question")
    notes = [p for p in (find_prompt(ps, "feelings"), find_prompt(ps, "analysis")) if p is not None]
    followed_note = next(
        (
            p
            for p in ps.prompts
            if p.kind == "text" and p.when is not None and p.when.prompt == roles.intention_followed
        ),
        None,
    )
    told = _rupture_prompts(ps, roles)
    wanted = [
        *roles.rating_ids,
        *(p.id for p in told),
        *(p.id for p in notes),
        *(
            pid
            for pid in (
                roles.rupture,
                roles.rupture_revisited,
                roles.client_view,
                roles.client_score,
                roles.intention,
                roles.intention_followed,
                mark.id if mark else None,
                question.id if question else None,
                followed_note.id if followed_note else None,
            )
            if pid is not None
        ),
    ]
    ids = sorted({s["id"] for s in window} | {s["id"] for s in following.values()})
    answers: dict[int, dict[str, dict[str, Any]]] = {}
    for a in rows.answers_of(journal, ids, wanted):
        answers.setdefault(a["session_id"], {})[a["prompt_id"]] = a
    view = ps.prompt(roles.client_view) if roles.client_view else None
    scale = Scale(view.min or 0.0, view.max or 10.0) if view is not None else Scale()

    def got(sid: int, pid: str | None) -> Any:
        raw = answers.get(sid, {}).get(pid or "")
        return None if raw is None else from_columns(raw["kind"], raw["value_num"], raw["value_text"])

    timeline = []
    for s in window:
        sid = s["id"]
        ratings = [float(v) for v in (got(sid, r) for r in roles.rating_ids) if v is not None]
        score = got(sid, roles.client_score)
        read = got(sid, roles.client_view)
        timeline.append(
            TimelinePoint(
                session_id=sid,
                day=date.fromisoformat(s["date"]),
                self_mean=mean(ratings),
                score=round(measure.on_ten(score), 2) if score is not None and measure.holds(score) else None,
                read=round(scale.on_ten(read), 2) if read is not None else None,
                rupture=got(sid, roles.rupture) is True,
                marked=mark is not None and got(sid, mark.id) is True,
            )
        )
    ruptures = []
    for i, s in enumerate(window):
        sid = s["id"]
        if got(sid, roles.rupture) is not True:
            continue
        details = []
        for p in told:
            value = got(sid, p.id)
            if value is None or value == []:
                continue
            details.append(Detail(label_of(p), format_value(value), free_text=p.kind == "text"))
        later = any(repairs(got(x["id"], roles.rupture_revisited)) for x in window[i + 1 :])
        ruptures.append(
            RuptureNote(
                session_id=sid,
                day=date.fromisoformat(s["date"]),
                details=details,
                open=is_open(got(sid, roles.repaired), later),
                repaired_later=later and not repairs(got(sid, roles.repaired)),
            )
        )
    written = []
    for s in focus:
        for p in notes:
            text = got(s["id"], p.id)
            if isinstance(text, str) and text.strip():
                written.append(Note(s["id"], date.fromisoformat(s["date"]), label_of(p), text))
    intentions = []
    for s in window:
        text = got(s["id"], roles.intention)
        if not isinstance(text, str) or not text.strip():
            continue
        nxt = following.get(s["id"])
        followed = got(nxt["id"], roles.intention_followed) if nxt else None
        note = got(nxt["id"], followed_note.id) if nxt and followed_note else None
        intentions.append(
            IntentionNote(
                session_id=s["id"],
                day=date.fromisoformat(s["date"]),
                text=text,
                followed=str(followed) if followed is not None else None,
                next_day=date.fromisoformat(nxt["date"]) if nxt else None,
                note=note if isinstance(note, str) and note.strip() else None,
            )
        )
    questions = []
    if question is not None:
        for s in focus:
            text = got(s["id"], question.id)
            if isinstance(text, str) and text.strip():
                questions.append(Note(s["id"], date.fromisoformat(s["date"]), label_of(question), text))
    return Case(
        client=client,
        reason="marked" if reason == "marked" else "named",
        sessions=len(upto),
        first_day=date.fromisoformat(upto[0]["date"]),
        timeline=timeline,
        ruptures=ruptures,
        notes=written,
        intentions=intentions,
        questions=questions,
    )


def _goal(journal: Journal, ps: PromptSet, roles: Roles, end: date) -> GoalProgress | None:
    goal = rows.active_goal(journal, end)
    if goal is None:
        return None
    started = date.fromisoformat(goal["started"])
    principle = goal.get("principle")
    area = ps.area(principle) if principle else None
    rating = dict(roles.ratings).get(principle or "")
    span = min((end - started).days + 1, 84)
    practised_prompt = find_prompt(ps, "goal_practised")
    practised = (
        {str(r["value"]): int(r["n"]) for r in rows.answer_counts(journal, practised_prompt.id, started, end)}
        if practised_prompt is not None
        else {}
    )
    before = since = None
    if rating is not None:
        before = rows.mean_rating(journal, rating, started - timedelta(days=span), started - timedelta(days=1))
        since = rows.mean_rating(journal, rating, started, end)
    return GoalProgress(
        text=str(goal["text"]),
        principle=area.title if area else principle,
        started=started,
        practised=practised,
        mean_before=None if before is None else round(before, 2),
        mean_since=None if since is None else round(since, 2),
    )


def load_brief(
    journal: Journal,
    ps: PromptSet,
    period: Period,
    *,
    clients: list[str] | None = None,
    measure: Measure | None = None,
) -> Brief:
    """The brief for `period`: the cases named by `clients`, or else the clients with a
    session marked for supervision in it; then the goal and the calibration."""
    from alliance_cli.store.review import client_score_rows

    measure = measure or DEFAULT
    roles = roles_of(ps)
    mark = find_prompt(ps, "for_supervision")
    if clients:
        wanted = [(c, "named") for c in dict.fromkeys(clients)]
    elif mark is not None:
        wanted = [(r["client"], "marked") for r in rows.marked_clients(journal, period, mark.id)]
    else:
        wanted = []
    cases, unknown = [], []
    for client, reason in wanted:
        case = _case(journal, ps, roles, client, period, reason, measure)
        if case is None:
            unknown.append(client)
        else:
            cases.append(case)
    calibration = None
    if roles.client_score is not None:
        since = iso_week_start(period.end) - timedelta(weeks=GRID_WEEKS - 1)
        view = ps.prompt(roles.client_view) if roles.client_view else None
        scale = Scale(view.min or 0.0, view.max or 10.0) if view is not None else Scale()
        since = min(since, period.start)
        scored = client_score_rows(journal, roles, since, period.start, period.end)
        # Every client of the 12 weeks is listed (not only the period's): the scatter shows them all.
        found = build_calibration(scored, measure, since=since, until=period.end, start=since, scale=scale)
        calibration = found if found.pairs else None
    return Brief(
        start=period.start,
        end=period.end,
        cases=cases,
        from_marks=not clients,
        can_mark=mark is not None,
        goal=_goal(journal, ps, roles, period.end),
        calibration=calibration,
        unknown=unknown,
    )


def guard_brief(
    brief: Brief, watchlist: Any = None, region: str | None = None, *, redact: bool = False
) -> tuple[Brief, str | None]:
    """The privacy guard over every free text of the brief, as `export --redact` does: with
    `redact`, what may identify a client becomes [redacted]; the line for stderr says how
    many texts held what kinds (never the text), or None when nothing was found."""
    from alliance_cli.core import privacy

    findings: list[privacy.Finding] = []
    texts = 0

    def checked(text: str) -> str:
        nonlocal texts
        found = privacy.find_identifiers(text, watchlist, region)
        if not found:
            return text
        findings.extend(found)
        texts += 1
        return privacy.redact(text, watchlist, region) if redact else text

    guarded = map_texts(brief, checked)
    if not findings:
        return (guarded if redact else brief), None
    what = count(texts, "written answer")
    if redact:
        line = f"Privacy check: replaced {privacy.describe(findings)} with [redacted] in {what} of this brief."
        return guarded, line
    line = (
        f"Privacy check: {what} in this brief may hold {privacy.describe(findings)}; "
        "`--redact` replaces them with [redacted]."
    )
    return brief, line


def load_chart_data(journal: Journal, ps: PromptSet, period: Period, *, client: str | None = None) -> ChartData:
    """The HTML review's charts: 52 weeks of per-principle means, and over the last 12 weeks
    each client's weekly mean and the share of sessions with a rupture."""
    roles = roles_of(ps)
    last = iso_week_start(period.end)
    weeks = [last - timedelta(weeks=LINE_WEEKS - 1 - i) for i in range(LINE_WEEKS)]
    grid = weeks[-GRID_WEEKS:]
    by_prompt: dict[tuple[str, str], float] = {
        (r["prompt_id"], r["week"]): float(r["mean"])
        for r in rows.weekly_means(journal, roles.rating_ids, weeks[0], period.end, client)
        if r["mean"] is not None
    }
    principles = []
    for principle, prompt_id in roles.ratings:
        area = ps.area(principle)
        values = [by_prompt.get((prompt_id, w.isoformat())) for w in weeks]
        principles.append(
            PrincipleWeeks(area.title if area else principle, [None if v is None else round(v, 2) for v in values])
        )
    cells: dict[tuple[str, date], float] = {}
    seen: dict[str, date] = {}
    for r in rows.client_weeks(journal, roles.rating_ids, grid[0], period.end, client):
        if r["mean"] is None:
            continue
        week = date.fromisoformat(r["week"])
        cells[(r["client"], week)] = round(float(r["mean"]), 1)
        seen[r["client"]] = max(seen.get(r["client"], week), week)
    recent = sorted(seen, key=lambda c: (-seen[c].toordinal(), c))[:GRID_CLIENTS]
    shown = sorted(recent)
    cells = {k: v for k, v in cells.items() if k[0] in set(shown)}
    by_week = {r["week"]: r for r in rows.rupture_weeks(journal, roles.rupture, grid[0], period.end, client)}
    return ChartData(
        weeks=weeks,
        principles=principles,
        grid_weeks=grid,
        clients=shown,
        cells=cells,
        sessions=[int(by_week[w.isoformat()]["sessions"]) if w.isoformat() in by_week else 0 for w in grid],
        ruptures=[int(by_week[w.isoformat()]["ruptures"]) if w.isoformat() in by_week else 0 for w in grid],
    )
