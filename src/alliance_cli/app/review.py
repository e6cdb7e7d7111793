"""The weekly review of a period: the store's queries, then the core's rules on the rows."""

from __future__ import annotations

from typing import Any

from alliance_cli.core.inputs import EARLIEST
from alliance_cli.core.measures import Measure
from alliance_cli.core.messages import count
from alliance_cli.core.models import PromptSet
from alliance_cli.core.periods import Period
from alliance_cli.core.report import Report, ReviewIds, Thresholds, build_report, practice_prompts, text_ids
from alliance_cli.core.vocabulary import roles_of
from alliance_cli.store.journal import Journal
from alliance_cli.store.review import FROM_THE_START_BEFORE, fetch_report_rows, first_session_date


def load_report(
    journal: Journal,
    ps: PromptSet,
    period: Period,
    *,
    client: str | None = None,
    thresholds: Thresholds | None = None,
    notes: bool = False,
    measure: Measure | None = None,
) -> Report:
    """The review of `period`: this module's queries, then `report.build_report` on the rows;
    client scores read on `measure` (the `client_measure` setting; the SRS when none is given)."""
    limits = thresholds or Thresholds.of()
    if period.start.year < FROM_THE_START_BEFORE:  # --until alone, or --since 0001-01-01: from the first session
        first = max(first_session_date(journal) or period.end, EARLIEST)  # a session before 1900 is a typo kept
        period = Period(max(period.start, min(first, period.end)), period.end)
    rows = fetch_report_rows(
        journal,
        period,
        roles=roles_of(ps),
        practice_ids=[p.id for p in practice_prompts(ps)],
        text_ids=text_ids(ps) if notes else None,
        client=client,
        open_rupture_weeks=limits.open_rupture_weeks,
        ids=review_ids(ps, limits),
    )
    return build_report(rows, ps, thresholds=limits, notes=notes, measure=measure)


def review_ids(ps: PromptSet, limits: Thresholds) -> ReviewIds:
    """The prompts playing the rupture-detail and goal roles in `ps` (None where none does,
    as in a prompt set from before them), and the weeks the baseline and the focus look back."""

    def role(name: str) -> str | None:
        return next((p.id for p in ps.prompts if getattr(p, "role", None) == name), None)

    return ReviewIds(
        markers=role("rupture_markers"),
        strategies=role("repair_strategies"),
        response=role("repair_response"),
        goal_practised=role("goal_practised"),
        baseline_weeks=limits.baseline_weeks,
        focus_weeks=limits.focus_weeks,
    )


def guard_review(
    report: Report, watchlist: Any = None, region: str | None = None, *, redact: bool = False
) -> tuple[Report, str | None]:
    """The privacy guard over the review's free text (the intentions, and the notes with
    --notes): the report, with what was found replaced by [redacted] when `redact`, and one
    line for stderr naming how many texts may hold what kinds (never the text), or None."""
    from alliance_cli.core import privacy

    findings: list[privacy.Finding] = []
    flagged: set[int] = set()

    def checked(session_id: int, text: str) -> str:
        found = privacy.find_identifiers(text, watchlist, region)
        if not found:
            return text
        findings.extend(found)
        flagged.add(session_id)
        return privacy.redact(text, watchlist, region) if redact else text

    intentions = [i.model_copy(update={"text": checked(i.session_id, i.text)}) for i in report.intentions]
    notes = None
    if report.notes is not None:
        notes = [
            g.model_copy(
                update={"notes": [n.model_copy(update={"text": checked(n.session_id, n.text)}) for n in g.notes]}
            )
            for g in report.notes
        ]
    if not findings:
        return report, None
    where = count(len(flagged), "session")
    if redact:
        line = (
            f"Privacy check: replaced {privacy.describe(findings)} with [redacted] in the written answers of {where}."
        )
        return report.model_copy(update={"intentions": intentions, "notes": notes}), line
    line = (
        f"Privacy check: the written answers of {where} in this review may hold {privacy.describe(findings)}; "
        "`--redact` replaces them with [redacted]."
    )
    return report, line
