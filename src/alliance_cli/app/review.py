"""The weekly review of a period: the store's queries, then the core's rules on the rows."""

from __future__ import annotations

from alliance_cli.core.measures import Measure
from alliance_cli.core.models import PromptSet
from alliance_cli.core.periods import Period
from alliance_cli.core.report import Report, Thresholds, build_report, practice_prompts, text_ids
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
    limits = thresholds or Thresholds()
    if period.start.year < FROM_THE_START_BEFORE:  # --until alone, or --since 0001-01-01: from the first session
        period = Period(max(period.start, min(first_session_date(journal) or period.end, period.end)), period.end)
    rows = fetch_report_rows(
        journal,
        period,
        roles=roles_of(ps),
        practice_ids=[p.id for p in practice_prompts(ps)],
        text_ids=text_ids(ps) if notes else None,
        client=client,
        open_rupture_weeks=limits.open_rupture_weeks,
    )
    return build_report(rows, ps, thresholds=limits, notes=notes, measure=measure)
